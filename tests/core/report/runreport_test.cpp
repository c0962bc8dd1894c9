// The run report of a real run (a small demo with one task skipped by the administrator and
// one failing script), read back from its state file in HTML, CSV and JSON. The CSV is parsed
// with a parser of its own here (RFC 4180), the JSON with Qt's, and every value is compared
// with what the run itself shows.

#include "demo/demogenerator.h"
#include "report/reportwriters.h"
#include "support/testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.
QVector<QStringList> parseCsv(const QString &text)
{
    QVector<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text[i + 1] == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            row << field;
            field.clear();
        } else if (c == u'\r' && i + 1 < text.size() && text[i + 1] == u'\n') {
            row << field;
            rows << row;
            row.clear();
            field.clear();
            ++i;
        } else {
            field += c;
        }
    }
    if (!field.isEmpty() || !row.isEmpty())
        rows << (row << field);
    return rows;
}

class RunReportTest : public ::testing::Test {
protected:
    QTemporaryDir dir;

    // The demo (3,000 INVENTTRANS rows, the rest at 2 %) with one script that fails on its
    // third statement, instead of the demo's own scripts.
    Plan plan()
    {
        auto p = writeDemo(DemoOptions{dir.path(), 3000, 0.02});
        EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message.toStdString());
        Plan plan = *p;
        plan.tableOptions.clear();
        plan.scriptsDir = dir.filePath(QStringLiteral("my-scripts"));
        QDir().mkpath(plan.scriptsDir);
        QFile f(plan.scriptsDir + QStringLiteral("/fix.sql"));
        EXPECT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("-- depends: copy:SALESLINE\n"
                "CREATE TABLE NEWT (X integer);\n"
                "INSERT INTO NEWT VALUES (1);\n"
                "UPDATE SALESLINE SET NOSUCHCOLUMN = 1;\n");
        return plan;
    }
    QString source() const { return dir.filePath(QStringLiteral("source.db")); }

    // A finished run: `skipped` skipped before Run, script:fix in Error.
    void runDemo(UpgradeRun &run, QString *skipped)
    {
        const Plan p = plan();
        ASSERT_EQ(openAndWait(run, p), QString());
        for (const auto &t : allTasks(run))
            if (t.spec.kind == TaskKind::Index && t.spec.table == QLatin1String("CUSTTABLE")) {
                *skipped = t.spec.name;
                break;
            }
        ASSERT_FALSE(skipped->isEmpty());
        auto [ok, reason] = requestAndWait(run, TaskAction::Skip, *skipped);
        ASSERT_TRUE(ok) << qPrintable(reason);
        ASSERT_TRUE(runUntilSettled(run));
        ASSERT_EQ(taskView(run, QStringLiteral("script:fix")).status.state, TaskState::Error);
    }
};

TEST_F(RunReportTest, EveryTaskIsInEveryFormatWithItsStateRowsErrorAndOverride)
{
    UpgradeRun run;
    QString skipped;
    ASSERT_NO_FATAL_FAILURE(runDemo(run, &skipped));
    const QVector<TaskView> tasks = allTasks(run);
    const QString statePath = run.plan().statePath;

    auto report = readRunReport(statePath);
    ASSERT_TRUE(report.ok()) << qPrintable(report.error().message);
    ASSERT_EQ(report->tasks.size(), tasks.size());
    EXPECT_EQ(report->source, run.plan().source.display());
    EXPECT_EQ(report->target, run.plan().target.display());
    EXPECT_EQ(report->count(TaskState::Error), 1);
    EXPECT_TRUE(report->startedAt.isValid());
    EXPECT_GE(report->endedAt, report->startedAt);
    qint64 copied = 0;
    for (int i = 0; i < tasks.size(); ++i) {
        const TaskView &v = tasks[i];
        const ReportTask &t = report->tasks[i];
        ASSERT_EQ(t.name, v.spec.name);
        EXPECT_EQ(t.state, v.status.state) << qPrintable(t.name);
        EXPECT_EQ(t.rowsDone, v.status.rowsDone) << qPrintable(t.name);
        EXPECT_EQ(t.attempts, v.status.attempts) << qPrintable(t.name);
        EXPECT_EQ(t.skipped, v.status.skipped) << qPrintable(t.name);
        copied += v.spec.kind == TaskKind::Copy ? v.status.rowsDone : 0;
        // Each table's validation carries both sides, and they are the source's real count.
        if (t.kind == TaskKind::Validate && t.state == TaskState::Ended) {
            ASSERT_TRUE(t.validation.has_value()) << qPrintable(t.name);
            const qint64 rows = queryInt(source(), QStringLiteral("SELECT count(*) FROM %1").arg(t.table));
            EXPECT_EQ(t.validation->sourceRows, rows) << qPrintable(t.name);
            EXPECT_EQ(t.validation->targetRows, rows) << qPrintable(t.name);
            EXPECT_TRUE(t.validation->equal()) << qPrintable(t.name);
            EXPECT_EQ(t.validation->sourceChecksum.size(), 16);
        }
    }
    EXPECT_EQ(report->copiedRows(), copied);
    EXPECT_GT(copied, 3000);
    const ReportTask &failed = *std::find_if(report->tasks.begin(), report->tasks.end(),
                                             [](const ReportTask &t) { return t.name == QLatin1String("script:fix"); });
    EXPECT_TRUE(failed.error().contains(QStringLiteral("NOSUCHCOLUMN"))) << qPrintable(failed.error());
    ASSERT_EQ(report->overrides.size(), 1);
    EXPECT_EQ(report->overrides[0].task, skipped);
    EXPECT_EQ(report->overrides[0].who, QStringLiteral("administrator"));
    EXPECT_EQ(report->overrides[0].action, QStringLiteral("skipped by administrator"));
    EXPECT_EQ(report->overrides[0].toState, QStringLiteral("Ended"));

    // CSV: a header and one record per task, in plan order, values as the run shows them.
    const QVector<QStringList> csv = parseCsv(QString::fromUtf8(toCsv(*report)));
    ASSERT_EQ(csv.size(), tasks.size() + 1);
    const QStringList header = csv[0];
    auto col = [&header](const char *name) { return int(header.indexOf(QLatin1String(name))); };
    for (const char *name : {"task", "state", "skipped", "rows_done", "attempts", "error", "message", "overrides",
                             "source_checksum", "target_checksum"})
        ASSERT_GE(col(name), 0) << name;
    for (int i = 0; i < tasks.size(); ++i) {
        const QStringList &r = csv[i + 1];
        const TaskView &v = tasks[i];
        ASSERT_EQ(r.size(), header.size()) << qPrintable(v.spec.name);
        EXPECT_EQ(r[col("task")], v.spec.name);
        EXPECT_EQ(r[col("state")], toString(v.status.state));
        EXPECT_EQ(r[col("rows_done")].toLongLong(), v.status.rowsDone);
        EXPECT_EQ(r[col("attempts")].toInt(), v.status.attempts);
        EXPECT_EQ(r[col("message")], v.status.message); // quoted commas and quotes come back
        EXPECT_EQ(r[col("skipped")], v.spec.name == skipped ? QStringLiteral("true") : QStringLiteral("false"));
        EXPECT_EQ(r[col("error")], v.status.state == TaskState::Error ? v.status.message : QString());
        EXPECT_EQ(r[col("overrides")].contains(QLatin1String("skipped by administrator")), v.spec.name == skipped);
        if (v.spec.kind == TaskKind::Validate) {
            EXPECT_EQ(r[col("source_checksum")], r[col("target_checksum")]);
        }
    }

    // JSON: every task with its state and rows, the summary's counts, the override.
    QJsonParseError error;
    const QJsonDocument json = QJsonDocument::fromJson(toJson(*report), &error);
    ASSERT_EQ(error.error, QJsonParseError::NoError) << qPrintable(error.errorString());
    const QJsonArray jsonTasks = json[QStringLiteral("tasks")].toArray();
    ASSERT_EQ(jsonTasks.size(), tasks.size());
    for (int i = 0; i < tasks.size(); ++i) {
        const QJsonObject o = jsonTasks[i].toObject();
        EXPECT_EQ(o[QStringLiteral("task")].toString(), tasks[i].spec.name);
        EXPECT_EQ(o[QStringLiteral("state")].toString(), toString(tasks[i].status.state));
        EXPECT_EQ(o[QStringLiteral("rowsDone")].toInteger(), tasks[i].status.rowsDone);
        EXPECT_EQ(o[QStringLiteral("error")].isNull(), tasks[i].status.state != TaskState::Error);
    }
    const QJsonObject states = json[QStringLiteral("summary")][QStringLiteral("states")].toObject();
    EXPECT_EQ(states[QStringLiteral("Error")].toInt(), 1);
    EXPECT_EQ(states[QStringLiteral("Ended")].toInt(), report->count(TaskState::Ended));
    EXPECT_EQ(json[QStringLiteral("summary")][QStringLiteral("copiedRows")].toInteger(), copied);
    EXPECT_EQ(json[QStringLiteral("overrides")][0][QStringLiteral("task")].toString(), skipped);

    // HTML: each task's name, the error in full, the failure verdict, no password field.
    const QString html = QString::fromUtf8(toHtml(*report));
    for (const auto &t : tasks)
        EXPECT_TRUE(html.contains(QStringLiteral(">%1<").arg(t.spec.name.toHtmlEscaped()))) << qPrintable(t.spec.name);
    EXPECT_TRUE(html.contains(failed.message.toHtmlEscaped()));
    EXPECT_TRUE(html.contains(QStringLiteral("1 of %1 tasks failed").arg(tasks.size())));
    EXPECT_TRUE(html.contains(QLatin1String("skipped by administrator")));
    EXPECT_FALSE(html.contains(QLatin1String("<script")));

    // writeRunReport: the same bytes in a file, the format by name.
    const QString out = dir.filePath(QStringLiteral("report.csv"));
    ASSERT_TRUE(writeRunReport(statePath, out, *reportFormatForFile(out)).ok());
    QFile written(out);
    ASSERT_TRUE(written.open(QIODevice::ReadOnly));
    EXPECT_EQ(parseCsv(QString::fromUtf8(written.readAll())).size(), tasks.size() + 1);
}

TEST_F(RunReportTest, FailedValidationShowsBothSidesOfTheChecksum)
{
    // Validation held back while a row goes missing on the target behind the cockpit's back.
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan()), QString());
    const QString validate = QStringLiteral("validate:CUSTTABLE");
    ASSERT_TRUE(requestAndWait(run, TaskAction::Pause, validate).first);
    run.start();
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("copy:CUSTTABLE")).status.state == TaskState::Ended; }, 60000));
    const QString target = dir.filePath(QStringLiteral("target.db"));
    const qint64 rows = queryInt(source(), QStringLiteral("SELECT count(*) FROM CUSTTABLE"));
    execSqlite(target, QStringLiteral("DELETE FROM CUSTTABLE WHERE RECID = (SELECT min(RECID) FROM CUSTTABLE)"));
    ASSERT_TRUE(requestAndWait(run, TaskAction::Resume, validate).first);
    ASSERT_TRUE(runUntilSettled(run));
    ASSERT_EQ(taskView(run, validate).status.state, TaskState::Error) << qPrintable(taskView(run, validate).status.message);

    auto report = readRunReport(run.plan().statePath);
    ASSERT_TRUE(report.ok()) << qPrintable(report.error().message);
    const auto t = std::find_if(report->tasks.begin(), report->tasks.end(),
                                [](const ReportTask &t) { return t.name == QLatin1String("validate:CUSTTABLE"); });
    ASSERT_NE(t, report->tasks.end());
    EXPECT_EQ(t->state, TaskState::Error);
    EXPECT_EQ(t->attempts, 1);
    ASSERT_TRUE(t->validation.has_value());
    EXPECT_EQ(t->validation->sourceRows, rows);
    EXPECT_EQ(t->validation->targetRows, rows - 1);
    EXPECT_FALSE(t->validation->equal());
    EXPECT_NE(t->validation->sourceChecksum, t->validation->targetChecksum);
    EXPECT_EQ(report->count(TaskState::Error), 2);
    // Holding it back and letting it go are the administrator's actions, in that order.
    QStringList actions;
    for (const auto &o : report->overrides)
        actions << o.task + QStringLiteral(": ") + o.action;
    EXPECT_EQ(actions, QStringList({validate + QStringLiteral(": paused by administrator"),
                                    validate + QStringLiteral(": resumed by administrator")}));
    const QString html = QString::fromUtf8(toHtml(*report));
    EXPECT_TRUE(html.contains(QLatin1String("DIFFERENT")));
    EXPECT_TRUE(html.contains(t->validation->targetChecksum));
    const QJsonDocument json = QJsonDocument::fromJson(toJson(*report));
    bool found = false;
    for (const auto &v : json[QStringLiteral("tasks")].toArray())
        if (v[QStringLiteral("task")].toString() == QLatin1String("validate:CUSTTABLE")) {
            found = true;
            EXPECT_EQ(v[QStringLiteral("validation")][QStringLiteral("targetRows")].toInteger(), rows - 1);
            EXPECT_FALSE(v[QStringLiteral("validation")][QStringLiteral("equal")].toBool());
        }
    EXPECT_TRUE(found);
}

TEST_F(RunReportTest, MissingOrForeignStateFilesAreClearErrors)
{
    const QString missing = dir.filePath(QStringLiteral("nothing.db"));
    auto none = readRunReport(missing);
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().message, QStringLiteral("no run state at %1").arg(missing));
    EXPECT_FALSE(QFile::exists(missing));

    const QString other = dir.filePath(QStringLiteral("other.db"));
    execSqlite(other, QStringLiteral("CREATE TABLE T (X integer)"));
    auto foreign = readRunReport(other);
    ASSERT_FALSE(foreign.ok());
    EXPECT_TRUE(foreign.error().message.contains(QLatin1String("is not the state of a run"))) << qPrintable(foreign.error().message);

    EXPECT_EQ(reportFormatForFile(QStringLiteral("a/b.HTML")), ReportFormat::Html);
    EXPECT_EQ(reportFormatForFile(QStringLiteral("b.json")), ReportFormat::Json);
    EXPECT_FALSE(reportFormatForFile(QStringLiteral("b.txt")).has_value());
    EXPECT_FALSE(reportFormatFromName(QStringLiteral("xml")).has_value());
}

TEST(RunReportCsv, FieldsWithCommasQuotesAndLineBreaksAreQuoted)
{
    RunReport r;
    ReportTask t;
    t.name = QStringLiteral("script:odd");
    t.kind = TaskKind::Script;
    t.state = TaskState::Error;
    t.message = QStringLiteral("odd.sql:2: \"X\" failed,\nsee line 2");
    r.tasks << t;
    const QByteArray csv = toCsv(r);
    EXPECT_TRUE(csv.contains("\"odd.sql:2: \"\"X\"\" failed,\nsee line 2\"")) << csv.constData();
    const QVector<QStringList> rows = parseCsv(QString::fromUtf8(csv));
    ASSERT_EQ(rows.size(), 2);
    EXPECT_EQ(rows[1][rows[0].indexOf(QStringLiteral("message"))], t.message);
    EXPECT_TRUE(csv.endsWith("\r\n"));
}

} // namespace
