// Values that do not convert to the target's column type: the plan's type overrides, the reject
// files and their limits, text dates, on real SQLite files and the real PostgreSQL server.
// Contents are checked with plain SQL and by reading the reject files as text.

#include "engine/engine.h"
#include "engine/valueconvert.h"
#include "support/testsupport.h"
#include "tasks/rejectfile.h"
#include "tasks/targettable.h"
#include "tasks/taskexecutor.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>
#include <QUuid>
#include <cstring>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// ITEMS: 100 rows keyed 1..100. qty is text holding whole numbers except at keys 5, 50 and 95;
// price is text with two decimals except at key 7 ("1.2345"); d holds ISO dates; bad_d too,
// except at key 60.
const QStringList kBadQuantities{QStringLiteral("n/a"), QStringLiteral("12x"), QStringLiteral("3.5")};
const QList<qint64> kBadKeys{5, 50, 95};

void writeSource(const QString &path)
{
    execSqlite(path, QStringLiteral("CREATE TABLE ITEMS (id INTEGER PRIMARY KEY, qty TEXT, price TEXT, d DATE, bad_d DATE)"));
    QStringList rows;
    for (int k = 1; k <= 100; ++k) {
        const int bad = int(kBadKeys.indexOf(k));
        const QString qty = bad >= 0 ? kBadQuantities[bad] : QString::number(k * 3);
        const QString price = k == 7 ? QStringLiteral("1.2345") : QStringLiteral("%1.%2").arg(k).arg(k % 100, 2, 10, QLatin1Char('0'));
        const QString date = QStringLiteral("2024-%1-%2").arg(k % 12 + 1, 2, 10, QLatin1Char('0')).arg(k % 28 + 1, 2, 10, QLatin1Char('0'));
        rows << QStringLiteral("(%1, '%2', '%3', '%4', '%5')").arg(k).arg(qty, price, date, k == 60 ? QStringLiteral("next week") : date);
    }
    execSqlite(path, QStringLiteral("INSERT INTO ITEMS VALUES ") + rows.join(u','));
}

// The reject file's lines after the header.
QStringList rejectLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {QStringLiteral("cannot read ") + path};
    QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty() || lines.takeFirst() != QLatin1String("table,key,column,value,reason"))
        return {QStringLiteral("no header in ") + path};
    return lines;
}

void expectTheThreeQuantityRejects(const QStringList &lines)
{
    ASSERT_EQ(lines.size(), 3) << qPrintable(lines.join(u'\n'));
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(lines[i].startsWith(QStringLiteral("ITEMS,%1,qty,%2,").arg(kBadKeys[i]).arg(kBadQuantities[i])))
            << qPrintable(lines[i]);
    }
    EXPECT_TRUE(lines[0].endsWith(QLatin1String("not a number"))) << qPrintable(lines[0]);
    EXPECT_TRUE(lines[2].endsWith(QLatin1String("not a whole number"))) << qPrintable(lines[2]);
}

class Rejects : public ::testing::Test {
protected:
    QTemporaryDir dir;

    void SetUp() override { writeSource(source()); }
    QString source() const { return dir.filePath(QStringLiteral("source.db")); }
    QString target() const { return dir.filePath(QStringLiteral("target.db")); }
    QString rejectFile() const { return dir.filePath(QStringLiteral("rejects/ITEMS.rejects.csv")); }

    Plan plan(const QString &targetUrl, int maxRejects, QMap<QString, QString> columnTypes)
    {
        auto s = ConnectionUrl::parse(QStringLiteral("sqlite:") + source(), dir.path());
        auto t = ConnectionUrl::parse(targetUrl, dir.path());
        EXPECT_TRUE(s.ok() && t.ok());
        Plan p = Plan::fromUrls(*s, *t, dir.filePath(QStringLiteral("state.db")));
        p.maxRejects = maxRejects;
        TableOptions items;
        items.columnTypes = std::move(columnTypes);
        p.tableOptions.insert(QStringLiteral("ITEMS"), items);
        return p;
    }

    // Runs the plan to its end; returns the log lines of the run.
    QStringList run(const Plan &p, std::function<void(UpgradeRun &)> check)
    {
        UpgradeRun run;
        QStringList log;
        QObject::connect(&run, &UpgradeRun::logLine, [&](const QString &task, LogLevel level, const QString &message) {
            log << task + u' ' + toString(level) + u' ' + message;
        });
        const QString error = openAndWait(run, p);
        EXPECT_EQ(error, QString());
        if (!error.isEmpty())
            return log;
        EXPECT_TRUE(runToEnd(run));
        check(run);
        return log;
    }
};

TEST_F(Rejects, SqliteOverrideToIntegerFailsTheCopyWhenRejectsExceedZero)
{
    run(plan(QStringLiteral("sqlite:") + target(), 0, {{QStringLiteral("qty"), QStringLiteral("integer")}}), [&](UpgradeRun &r) {
        const TaskView copy = taskView(r, QStringLiteral("copy:ITEMS"));
        EXPECT_EQ(copy.status.state, TaskState::Error);
        EXPECT_TRUE(copy.status.message.contains(QLatin1String("3 rows of \"ITEMS\""))) << qPrintable(copy.status.message);
        EXPECT_TRUE(copy.status.message.contains(rejectFile())) << qPrintable(copy.status.message);
    });
    expectTheThreeQuantityRejects(rejectLines(rejectFile()));
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM ITEMS")), 0); // the batch never committed
}

TEST_F(Rejects, SqliteWithinMaxRejectsCopiesTheRestAndValidates)
{
    run(plan(QStringLiteral("sqlite:") + target(), 5, {{QStringLiteral("qty"), QStringLiteral("integer")}}), [&](UpgradeRun &r) {
        for (const auto &t : allTasks(r))
            EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
        EXPECT_EQ(taskView(r, QStringLiteral("copy:ITEMS")).status.message,
                  QStringLiteral("97 rows copied, 3 rejected (see %1)").arg(rejectFile()));
        const QString validate = taskView(r, QStringLiteral("validate:ITEMS")).status.message;
        EXPECT_TRUE(validate.contains(QLatin1String("3 rejected rows not copied"))) << qPrintable(validate);
    });
    expectTheThreeQuantityRejects(rejectLines(rejectFile()));
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM ITEMS")), 97);
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM ITEMS WHERE typeof(qty) = 'integer'")), 97);
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM ITEMS WHERE id IN (5, 50, 95)")), 0);
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT sum(qty) FROM ITEMS")),
              queryInt(source(), QStringLiteral("SELECT sum(CAST(qty AS INTEGER)) FROM ITEMS WHERE id NOT IN (5, 50, 95)")));
}

TEST_F(Rejects, SqliteDecimalWithMoreScaleThanTheOverrideIsRejectedNotRounded)
{
    run(plan(QStringLiteral("sqlite:") + target(), 1, {{QStringLiteral("price"), QStringLiteral("numeric(12,2)")}}), [&](UpgradeRun &r) {
        EXPECT_EQ(taskView(r, QStringLiteral("validate:ITEMS")).status.state, TaskState::Ended)
            << qPrintable(taskView(r, QStringLiteral("validate:ITEMS")).status.message);
    });
    const QStringList lines = rejectLines(rejectFile());
    ASSERT_EQ(lines.size(), 1);
    EXPECT_EQ(lines[0], QStringLiteral("ITEMS,7,price,1.2345,\"has 4 decimal places; numeric(12,2) keeps 2\""));
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM ITEMS")), 99);
    EXPECT_EQ(queryStrings(target(), QStringLiteral("SELECT price FROM ITEMS WHERE id = 8")), QStringList{QStringLiteral("8.08")});
}

// The state a kill -9 leaves between "reject lines synced" and "batch committed": the file
// lists rejects of a batch the target does not have. Reached deterministically: a copy paused
// after its first batch, then the next batch's line (and half a line) written as the killed
// process would have.
TEST_F(Rejects, ResumedCopyDoesNotDuplicateRejectLines)
{
    const Plan p = plan(QStringLiteral("sqlite:") + target(), 5, {{QStringLiteral("qty"), QStringLiteral("integer")}});
    auto engine = Engine::create(EngineKind::SQLite);
    auto conn = DbConnection::open(p.source, DbConnection::Mode::ReadOnly);
    ASSERT_TRUE(conn.ok());
    auto tables = engine->introspect(**conn);
    ASSERT_TRUE(tables.ok());
    ASSERT_EQ(tables->size(), 1);
    auto targetTable = resolveTargetTable(p, tables->first());
    ASSERT_TRUE(targetTable.ok()) << qPrintable(targetTable.error().message);

    TaskControl control;
    TaskContext ctx;
    ctx.table = tables->first();
    ctx.targetTable = targetTable->schema;
    ctx.source = p.source;
    ctx.target = p.target;
    ctx.runId = QStringLiteral("run-1");
    ctx.control = &control;
    ctx.log = [](LogLevel, const QString &) {};
    ctx.spec.name = QStringLiteral("prepare:ITEMS");
    ctx.spec.kind = TaskKind::Prepare;
    ctx.spec.table = QStringLiteral("ITEMS");
    ctx.kindInputs = PrepareInputs{};
    ASSERT_EQ(executeTask(ctx).kind, TaskOutcome::Ended);

    ctx.spec.name = QStringLiteral("copy:ITEMS");
    ctx.spec.kind = TaskKind::Copy;
    ctx.spec.keyLo = 1;
    ctx.spec.keyHi = 100;
    CopyInputs copy;
    copy.batchSize = 10;
    copy.maxRejects = 5;
    copy.rejectsDir = p.rejectsDirectory();
    ctx.kindInputs = copy;
    control.requestStop(StopRequest::Pause);
    const TaskOutcome paused = executeTask(ctx);
    ASSERT_EQ(paused.kind, TaskOutcome::Paused) << qPrintable(paused.message);
    EXPECT_EQ(paused.checkpoint, 10);
    ASSERT_EQ(rejectLines(rejectFile()).size(), 1);

    {
        QFile f(rejectFile());
        ASSERT_TRUE(f.open(QIODevice::Append));
        f.write("ITEMS,50,qty,12x,not a whole number\nITEMS,51,qty,\"half");
    }
    TaskControl again;
    ctx.control = &again;
    const TaskOutcome done = executeTask(ctx);
    ASSERT_EQ(done.kind, TaskOutcome::Ended) << qPrintable(done.message);
    EXPECT_EQ(done.message, QStringLiteral("97 rows copied, 3 rejected (see %1)").arg(rejectFile()));
    expectTheThreeQuantityRejects(rejectLines(rejectFile()));
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM ITEMS")), 97);
}

TEST(RejectPlan, BadColumnOverridesAreNamedWithLineAndColumn)
{
    auto parse = [](const char *json) { return parsePlan(QByteArray(json), QStringLiteral("/plans/plan.json")); };
    auto unknownKey = parse("{\"source\": \"sqlite:a.db\", \"target\": \"sqlite:b.db\",\n"
                            " \"tableOptions\": {\"ITEMS\": {\"columns\": {\"qty\": {\"typ\": \"integer\"}}}}}");
    ASSERT_FALSE(unknownKey.ok());
    EXPECT_EQ(unknownKey.error().message.toStdString(),
              QStringLiteral("plan.json:2:56: \"tableOptions.ITEMS.columns.qty.typ\": unknown key; known keys: type")
                  .toStdString());

    auto notAString = parse("{\"source\": \"sqlite:a.db\", \"target\": \"sqlite:b.db\",\n"
                            " \"tableOptions\": {\"ITEMS\": {\"columns\": {\"qty\": {\"type\": 5}}}}}");
    ASSERT_FALSE(notAString.ok());
    EXPECT_EQ(notAString.error().message,
              QStringLiteral("plan.json:2:57: \"tableOptions.ITEMS.columns.qty.type\": expected a non-empty string, got 5"));

    auto unknownType = parse("{\"source\": \"sqlite:a.db\", \"target\": \"postgresql://u@h/db\",\n"
                             " \"tableOptions\": {\"ITEMS\": {\"columns\": {\"qty\": {\"type\": \"numerik(12,2)\"}}}}}");
    ASSERT_FALSE(unknownType.ok());
    EXPECT_TRUE(unknownType.error().message.startsWith(
        QStringLiteral("plan.json:2:57: \"tableOptions.ITEMS.columns.qty.type\": expected a PostgreSQL type")))
        << qPrintable(unknownType.error().message);

    auto negative = parse("{\"source\": \"sqlite:a.db\", \"target\": \"sqlite:b.db\", \"maxRejects\": -1}");
    ASSERT_FALSE(negative.ok());
    EXPECT_EQ(negative.error().message,
              QStringLiteral("plan.json:1:66: \"maxRejects\": expected a whole number from 0 to 2147483647, got -1"));

    auto good = parse("{\"source\": \"sqlite:a.db\", \"target\": \"sqlite:b.db\", \"maxRejects\": 4, \"rejectsDir\": \"bad\",\n"
                      " \"tableOptions\": {\"ITEMS\": {\"maxRejects\": 9, \"columns\": {\"qty\": {\"type\": \"integer\"}}}}}");
    ASSERT_TRUE(good.ok()) << qPrintable(good.error().message);
    EXPECT_EQ(good->rejectsDirectory(), QStringLiteral("/plans/bad"));
    EXPECT_EQ(good->optionsFor(QStringLiteral("ITEMS")).maxRejects, 9);
    EXPECT_EQ(good->optionsFor(QStringLiteral("OTHER")).maxRejects, 4);
    auto again = parsePlan(good->toJson(), good->filePath);
    ASSERT_TRUE(again.ok()) << qPrintable(again.error().message);
    EXPECT_EQ(again->optionsFor(QStringLiteral("ITEMS")).columnTypes.value(QStringLiteral("qty")), QStringLiteral("integer"));
    EXPECT_EQ(again->rejectsDirectory(), QStringLiteral("/plans/bad"));
}

// SQLite -> PostgreSQL in a schema of its own (the fixture of postgres_target_test.cpp).
class PostgresRejects : public Rejects {
protected:
    QString schema;

    void SetUp() override
    {
        const QString url = qEnvironmentVariable("COCKPIT_TEST_PG_URL");
        if (url.isEmpty())
            GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (source /tmp/srv/env)";
        Rejects::SetUp();
        schema = QStringLiteral("r_") + QUuid::createUuid().toString(QUuid::Id128).left(12);
        const QUrl u(url);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), schema);
        db.setHostName(u.host());
        db.setPort(u.port(5432));
        db.setUserName(u.userName());
        db.setDatabaseName(u.path().mid(1));
        ASSERT_TRUE(db.open()) << db.lastError().text().toStdString();
        pg(QStringLiteral("CREATE SCHEMA %1").arg(schema));
        m_url = url + QStringLiteral("?schema=") + schema;
    }

    void TearDown() override
    {
        if (schema.isEmpty() || !QSqlDatabase::contains(schema))
            return;
        pg(QStringLiteral("DROP SCHEMA %1 CASCADE").arg(schema));
        QSqlDatabase::database(schema).close();
        QSqlDatabase::removeDatabase(schema);
    }

    QString pg(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(schema));
        if (!q.exec(sql))
            return QStringLiteral("error: ") + q.lastError().text();
        return q.next() ? q.value(0).toString() : QString();
    }
    QString columnType(const QString &column)
    {
        return pg(QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_schema = '%1' AND "
                                 "table_name = 'ITEMS' AND column_name = '%2'")
                      .arg(schema, column));
    }

    QString m_url;
};

// Opening a run reads no table: the date scan runs in the table's prepare task, which stores
// its decision with the run.
TEST_F(PostgresRejects, TheDateScanRunsInPrepareNotWhenTheRunOpens)
{
    const Plan p = plan(m_url, 5, {});
    const QString state = dir.filePath(QStringLiteral("state.db"));
    UpgradeRun r;
    ASSERT_EQ(openAndWait(r, p), QString());
    EXPECT_FALSE(queryStrings(state, QStringLiteral("SELECT value FROM meta WHERE key = 'type_scan'")).value(0).contains(QLatin1String("ITEMS")));
    ASSERT_TRUE(runToEnd(r));
    EXPECT_EQ(taskView(r, QStringLiteral("prepare:ITEMS")).status.state, TaskState::Ended);
    const QString stored = queryStrings(state, QStringLiteral("SELECT value FROM meta WHERE key = 'type_scan'")).value(0);
    EXPECT_TRUE(stored.contains(QLatin1String("\"ITEMS\"")) && stored.contains(QLatin1String("\"bad_d\""))) << qPrintable(stored);
    EXPECT_EQ(columnType(QStringLiteral("bad_d")), QStringLiteral("text"));
    EXPECT_EQ(columnType(QStringLiteral("d")), QStringLiteral("date"));
}

TEST_F(PostgresRejects, OverrideToIntegerFailsTheCopyWhenRejectsExceedZero)
{
    run(plan(m_url, 0, {{QStringLiteral("qty"), QStringLiteral("integer")}}), [&](UpgradeRun &r) {
        const TaskView copy = taskView(r, QStringLiteral("copy:ITEMS"));
        EXPECT_EQ(copy.status.state, TaskState::Error);
        EXPECT_TRUE(copy.status.message.contains(QLatin1String("3 rows of \"ITEMS\""))) << qPrintable(copy.status.message);
        EXPECT_TRUE(copy.status.message.contains(rejectFile())) << qPrintable(copy.status.message);
    });
    expectTheThreeQuantityRejects(rejectLines(rejectFile()));
    EXPECT_EQ(pg(QStringLiteral("SELECT count(*) FROM %1.\"ITEMS\"").arg(schema)), QStringLiteral("0"));
}

TEST_F(PostgresRejects, OverridesAndTextDatesWithinMaxRejects)
{
    const QStringList log = run(plan(m_url, 5, {{QStringLiteral("qty"), QStringLiteral("integer")},
                                                {QStringLiteral("price"), QStringLiteral("numeric(12,2)")}}),
                                [&](UpgradeRun &r) {
                                    for (const auto &t : allTasks(r))
                                        EXPECT_EQ(t.status.state, TaskState::Ended)
                                            << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
                                });
    const QStringList lines = rejectLines(rejectFile());
    ASSERT_EQ(lines.size(), 4) << qPrintable(lines.join(u'\n'));
    EXPECT_EQ(lines[1], QStringLiteral("ITEMS,7,price,1.2345,\"has 4 decimal places; numeric(12,2) keeps 2\""));
    expectTheThreeQuantityRejects({lines[0], lines[2], lines[3]});
    EXPECT_EQ(pg(QStringLiteral("SELECT count(*) FROM %1.\"ITEMS\"").arg(schema)), QStringLiteral("96"));
    EXPECT_EQ(columnType(QStringLiteral("qty")), QStringLiteral("integer"));
    EXPECT_EQ(columnType(QStringLiteral("price")), QStringLiteral("numeric"));
    EXPECT_EQ(pg(QStringLiteral("SELECT price FROM %1.\"ITEMS\" WHERE id = 8").arg(schema)), QStringLiteral("8.08"));
    // Every value of d is an ISO date; bad_d holds "next week" at key 60.
    EXPECT_EQ(columnType(QStringLiteral("d")), QStringLiteral("date"));
    EXPECT_EQ(columnType(QStringLiteral("bad_d")), QStringLiteral("text"));
    EXPECT_EQ(pg(QStringLiteral("SELECT bad_d FROM %1.\"ITEMS\" WHERE id = 60").arg(schema)), QStringLiteral("next week"));
    EXPECT_TRUE(log.join(u'\n').contains(QStringLiteral("prepare:ITEMS warn column \"bad_d\" (declared DATE) is text on the target: "
                                                        "the value \"next week\" is not an ISO date (YYYY-MM-DD);")))
        << qPrintable(log.join(u'\n'));

    // The decision is stored with the run: opening it again does not read the source again,
    // so a value changed since then does not change the target's types under the copied rows.
    const QString state = dir.filePath(QStringLiteral("state.db"));
    const QString stored = queryStrings(state, QStringLiteral("SELECT value FROM meta WHERE key = 'type_scan'")).value(0);
    EXPECT_TRUE(stored.contains(QStringLiteral("\"bad_d\""))) << qPrintable(stored);
    EXPECT_FALSE(stored.contains(QStringLiteral("\"d\""))) << qPrintable(stored);
    execSqlite(source(), QStringLiteral("UPDATE ITEMS SET d = 'soon' WHERE id = 1"));
    UpgradeRun reopened;
    ASSERT_EQ(openAndWait(reopened, plan(m_url, 5, {{QStringLiteral("qty"), QStringLiteral("integer")},
                                                     {QStringLiteral("price"), QStringLiteral("numeric(12,2)")}})),
              QString());
    EXPECT_EQ(queryStrings(state, QStringLiteral("SELECT value FROM meta WHERE key = 'type_scan'")).value(0), stored);
}

} // namespace

namespace {

// One text value through the converter into `targetType` (as PostgreSQL spells it): the
// converted value as text, or "reject: <reason>".
QString convertText(const char *text, const char *targetType, const char *sourceType = "TEXT")
{
    TableSchema source, target;
    ColumnSchema column;
    column.name = QStringLiteral("c");
    column.type = sqliteColumnType(QString::fromLatin1(sourceType));
    source.columns = {column};
    column.type = *parseTypeName(EngineKind::PostgreSQL, QString::fromLatin1(targetType));
    target.columns = {column};
    ValueConverter converter(source, target, EngineKind::SQLite, EngineKind::PostgreSQL);
    RowBatch batch(1);
    batch.beginRow(1);
    batch.addText(text, int(std::strlen(text)));
    std::vector<RejectedValue> rejected;
    converter.convert(batch, true, 1, rejected);
    if (!rejected.empty())
        return QStringLiteral("reject: ") + rejected.front().reason;
    const Value &v = batch.value(0, 0);
    switch (v.type) {
    case ValueType::Integer: return QStringLiteral("int %1").arg(v.integer);
    case ValueType::Real: return QStringLiteral("real %1").arg(v.real, 0, 'g', 17);
    case ValueType::Text: return QString::fromUtf8(batch.bytes(v), int(v.size));
    default: return QStringLiteral("other");
    }
}

} // namespace

TEST(ValueConversion, ConvertsExactlyOrRejects)
{
    EXPECT_EQ(convertText("-42", "integer"), QStringLiteral("int -42"));
    EXPECT_EQ(convertText("12.000", "bigint"), QStringLiteral("int 12"));
    EXPECT_EQ(convertText("40000", "smallint"), QStringLiteral("reject: out of range for smallint"));
    EXPECT_EQ(convertText("9223372036854775808", "bigint"), QStringLiteral("reject: out of range for bigint"));
    EXPECT_EQ(convertText(" 7", "integer"), QStringLiteral("reject: not a number"));
    EXPECT_EQ(convertText("0.1", "double precision"), QStringLiteral("real 0.10000000000000001"));
    EXPECT_EQ(convertText("-0012.50", "numeric(12,2)"), QStringLiteral("-12.5"));
    EXPECT_EQ(convertText("123456789012", "numeric(12,2)"),
              QStringLiteral("reject: has 12 digits before the point; numeric(12,2) allows 10"));
    EXPECT_EQ(convertText("1e5", "numeric"), QStringLiteral("reject: not a plain decimal number"));
    EXPECT_EQ(convertText("Yes", "boolean"), QStringLiteral("int 1"));
    EXPECT_EQ(convertText("maybe", "boolean"), QStringLiteral("reject: not a boolean (true/false, yes/no, 1/0)"));
    EXPECT_EQ(convertText("2024-02-29", "date"), QStringLiteral("2024-02-29"));
    EXPECT_EQ(convertText("2023-02-29", "date"), QStringLiteral("reject: not an ISO date (YYYY-MM-DD)"));
    // Every position of the shape: a non-digit anywhere, year 0, month 0 and 13, day 0 and 32,
    // another separator, one digit short.
    for (const char *bad : {"2O24-01-05", "2024-0l-05", "2024-01-0x", "/024-01-05", "0000-01-05", "2024-00-05",
                            "2024-13-05", "2024-01-00", "2024-01-32", "2024/01/05", "2024-1-05", "2024-01-5"})
        EXPECT_EQ(convertText(bad, "date"), QStringLiteral("reject: not an ISO date (YYYY-MM-DD)")) << bad;
    EXPECT_EQ(convertText("0001-12-31", "date"), QStringLiteral("0001-12-31"));
    EXPECT_EQ(convertText("9999-01-31", "date"), QStringLiteral("9999-01-31"));
    EXPECT_EQ(convertText("2024-01-05T10:30", "timestamp"), QStringLiteral("2024-01-05 10:30:00"));
    EXPECT_EQ(convertText("2024-01-05 10:30:00.250000", "timestamp"), QStringLiteral("2024-01-05 10:30:00.25"));
    EXPECT_EQ(convertText("2024-01-05", "timestamp"), QStringLiteral("2024-01-05 00:00:00"));
    EXPECT_EQ(convertText("2024-01-05 10:30:00.1234567", "timestamp"),
              QStringLiteral("reject: not an ISO timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])"));
    EXPECT_EQ(convertText("2024-01-01 01:30:00+02:00", "timestamptz"), QStringLiteral("2023-12-31 23:30:00+00"));
    EXPECT_EQ(convertText("2024-01-01 01:30:00", "timestamptz"),
              QStringLiteral("reject: not an ISO timestamp with a zone (YYYY-MM-DD HH:MM:SS+HH:MM)"));
    EXPECT_EQ(convertText("ABCDEF01-2345-6789-abcd-ef0123456789", "uuid"), QStringLiteral("abcdef01-2345-6789-abcd-ef0123456789"));
    EXPECT_EQ(convertText("héllo", "varchar(5)"), QStringLiteral("héllo"));
    EXPECT_EQ(convertText("héllo!", "varchar(5)"), QStringLiteral("reject: 6 characters; varchar(5) allows 5"));
    // A SQLite DATETIME column's text is checked and normalized for PostgreSQL too.
    EXPECT_EQ(convertText("2024-01-05T10:30:00", "timestamp", "DATETIME"), QStringLiteral("2024-01-05 10:30:00"));
}
