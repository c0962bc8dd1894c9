// Post-synchronization scripts as tasks of a whole run: ordering against the copies and the
// indexes, rollback of a failing script, checks, cancel, plan errors. Target contents are read
// with plain SQL.

#include "demo/demogenerator.h"
#include "support/testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

class Scripts : public ::testing::Test {
protected:
    QTemporaryDir dir;

    // A small demo copied in batches (so index tasks build real indexes after the copies),
    // with the scripts `files` (name -> text) as its scripts folder.
    Plan plan(const QMap<QString, QString> &files, const QString &target = {})
    {
        auto p = writeDemo(DemoOptions{dir.path(), 3000, 0.02});
        EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message.toStdString());
        Plan plan = *p;
        plan.copyMethod = CopyMethod::Batches;
        plan.batchSize = 500;
        plan.tableOptions.clear();
        plan.scriptsDir = dir.filePath(QStringLiteral("my-scripts"));
        QDir().mkpath(plan.scriptsDir);
        for (auto it = files.begin(); it != files.end(); ++it)
            write(it.key(), it.value());
        if (!target.isEmpty())
            plan.target = *ConnectionUrl::parse(target, dir.path());
        return plan;
    }
    void write(const QString &file, const QString &text)
    {
        QFile f(dir.filePath(QStringLiteral("my-scripts/") + file));
        ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text.toUtf8());
    }
    QString source() const { return dir.filePath(QStringLiteral("source.db")); }
    QString target() const { return dir.filePath(QStringLiteral("target.db")); }
};

const char *kFill = "-- depends: copy:SALESLINE\n"
                    "-- check: SELECT RECID FROM SALESLINE WHERE PARTITION IS NULL\n"
                    "ALTER TABLE SALESLINE ADD COLUMN PARTITION bigint;\n"
                    "UPDATE SALESLINE SET PARTITION = 5637144576; -- a comment; with a semicolon\n";
const char *kSummary = "-- depends: script:fill, copy:SALESTABLE\n"
                       "CREATE TABLE SALESSUMMARY AS\n"
                       "  SELECT l.SALESID, count(*) AS N FROM SALESLINE l JOIN SALESTABLE h ON h.SALESID = l.SALESID\n"
                       "  GROUP BY l.SALESID;\n";

TEST_F(Scripts, RunAfterTheirCopiesAndBeforeTheIndexesOfTheTablesTheyWrite)
{
    Plan p = plan({{QStringLiteral("fill.sql"), QString::fromUtf8(kFill)}, {QStringLiteral("summary.sql"), QString::fromUtf8(kSummary)}});
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    const TaskView fill = taskView(run, QStringLiteral("script:fill"));
    ASSERT_EQ(fill.spec.kind, TaskKind::Script);
    EXPECT_TRUE(fill.spec.dependsOn.contains(QStringLiteral("validate:SALESLINE"))) << fill.spec.dependsOn.join(u' ').toStdString();
    ASSERT_TRUE(runToEnd(run));
    for (const auto &t : allTasks(run))
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);

    const TaskView fillDone = taskView(run, QStringLiteral("script:fill"));
    const TaskView summary = taskView(run, QStringLiteral("script:summary"));
    int copies = 0, indexes = 0;
    for (const auto &t : allTasks(run)) {
        if ((t.spec.kind == TaskKind::Copy || t.spec.kind == TaskKind::Validate) && t.spec.table == QLatin1String("SALESLINE")) {
            ++copies;
            EXPECT_LE(t.status.endedAt, fillDone.status.startedAt) << qPrintable(t.spec.name) << " ended after the script started";
        }
        if (t.spec.kind == TaskKind::Copy && t.spec.table == QLatin1String("SALESTABLE")) {
            EXPECT_LE(t.status.endedAt, summary.status.startedAt) << qPrintable(t.spec.name);
        }
        if (t.spec.kind == TaskKind::Index && t.spec.table == QLatin1String("SALESLINE")) {
            ++indexes;
            EXPECT_GE(t.status.startedAt, fillDone.status.endedAt) << qPrintable(t.spec.name) << " started before the script ended";
        }
    }
    EXPECT_GE(copies, 2);
    EXPECT_GE(indexes, 1);
    EXPECT_GE(summary.status.startedAt, fillDone.status.endedAt);
    EXPECT_EQ(fillDone.status.message, QStringLiteral("2 statements run, 1 check passed in %1 s").arg(fillDone.status.message.section(u' ', -2, -2)));

    // The scripts' effects, against the source read independently.
    const qint64 lines = queryInt(source(), QStringLiteral("SELECT count(*) FROM SALESLINE"));
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM SALESLINE WHERE PARTITION = 5637144576")), lines);
    EXPECT_EQ(queryStrings(target(), QStringLiteral("SELECT SALESID || ':' || N FROM SALESSUMMARY ORDER BY SALESID")),
              queryStrings(source(), QStringLiteral("SELECT l.SALESID || ':' || count(*) FROM SALESLINE l JOIN SALESTABLE h "
                                                    "ON h.SALESID = l.SALESID GROUP BY l.SALESID ORDER BY l.SALESID")));
}

TEST_F(Scripts, FailingScriptRollsBackAndItsRerunSucceedsOnceTheFileIsFixed)
{
    const QString bad = QStringLiteral("-- depends: copy:SALESLINE\n"
                                       "CREATE TABLE NEWT (X integer);\n"
                                       "INSERT INTO NEWT VALUES (1);\n"
                                       "UPDATE SALESLINE SET NOSUCHCOLUMN = 1;\n");
    Plan p = plan({{QStringLiteral("fix.sql"), bad}});
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runUntilSettled(run));
    const TaskView failed = taskView(run, QStringLiteral("script:fix"));
    ASSERT_EQ(failed.status.state, TaskState::Error);
    EXPECT_TRUE(failed.status.message.startsWith(QStringLiteral("fix.sql:4: statement 3 of 3 failed: ")))
        << qPrintable(failed.status.message);
    EXPECT_TRUE(failed.status.message.contains(QStringLiteral("NOSUCHCOLUMN"))) << qPrintable(failed.status.message);
    EXPECT_NE(taskView(run, QStringLiteral("finalize")).status.state, TaskState::Ended);
    // Nothing of the script stayed: the table it created is gone with the transaction.
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'NEWT'")), 0);

    write(QStringLiteral("fix.sql"), QString(bad).replace(QStringLiteral("SET NOSUCHCOLUMN = 1"), QStringLiteral("SET SALESQTY = SALESQTY")));
    ASSERT_TRUE(requestAndWait(run, TaskAction::Rerun, QStringLiteral("script:fix")).first);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("finalize")).status.state == TaskState::Ended; }, 60000));
    EXPECT_EQ(taskView(run, QStringLiteral("script:fix")).status.attempts, 2);
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM NEWT")), 1);
}

TEST_F(Scripts, CheckThatReturnsRowsIsAnErrorAndRollsTheScriptBack)
{
    Plan p = plan({{QStringLiteral("negate.sql"),
                    QStringLiteral("-- depends: copy:SALESLINE\n"
                                   "-- check: SELECT RECID, SALESQTY FROM SALESLINE WHERE SALESQTY < 0 ORDER BY RECID\n"
                                   "UPDATE SALESLINE SET SALESQTY = -SALESQTY - 1;\n")}});
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runUntilSettled(run));
    const TaskView t = taskView(run, QStringLiteral("script:negate"));
    ASSERT_EQ(t.status.state, TaskState::Error);
    EXPECT_TRUE(t.status.message.startsWith(QStringLiteral("negate.sql:2: check returned rows (it must return none): (")))
        << qPrintable(t.status.message);
    EXPECT_TRUE(t.status.message.endsWith(QStringLiteral("; the script was rolled back"))) << qPrintable(t.status.message);
    // Every row as the copy left it.
    EXPECT_EQ(tableDifferences(source(), target()), QStringList());
}

// A statement that runs for minutes on SQLite: a recursive count.
const char *kSlowSqlite = "CREATE TABLE SLOW AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                          "WHERE x < 2000000000) SELECT sum(x) AS S FROM c;\n";

TEST_F(Scripts, CancelInterruptsTheRunningStatementAndRollsBack)
{
    Plan p = plan({{QStringLiteral("slow.sql"), QStringLiteral("-- depends: copy:SALESLINE\nCREATE TABLE MARK (X integer);\n")
                                                    + QString::fromUtf8(kSlowSqlite)}});
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    run.start();
    const QString slow = QStringLiteral("script:slow");
    ASSERT_TRUE(waitUntil([&] {
        const TaskView v = taskView(run, slow);
        return v.status.state == TaskState::Executing && v.status.rowsDone == 1; // in statement 2 of 2
    }, 60000));
    EXPECT_EQ(taskView(run, slow).status.rowsTotal, 2);
    ASSERT_TRUE(requestAndWait(run, TaskAction::Cancel, slow).first);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, slow).status.state == TaskState::Canceled; }, 20000));
    EXPECT_EQ(taskView(run, slow).status.message, QStringLiteral("canceled by administrator; the script was rolled back"));
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name IN ('MARK', 'SLOW')")), 0);
}

TEST_F(Scripts, PausedWhileWaitingItHoldsFinalizeAndResumeRunsIt)
{
    Plan p = plan({{QStringLiteral("fill.sql"), QString::fromUtf8(kFill)}});
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(requestAndWait(run, TaskAction::Pause, QStringLiteral("script:fill")).first);
    run.start();
    // Everything but the paused script and what waits for it ends.
    ASSERT_TRUE(waitUntil([&] {
        for (const auto &t : allTasks(run))
            if (t.spec.name != QLatin1String("script:fill") && t.spec.kind != TaskKind::Finalize && t.status.state != TaskState::Ended
                && !t.spec.dependsOn.contains(QStringLiteral("script:fill")))
                return false;
        return true;
    }, 120000));
    EXPECT_EQ(taskView(run, QStringLiteral("script:fill")).status.state, TaskState::Paused);
    EXPECT_EQ(taskView(run, QStringLiteral("validate:SALESLINE")).status.state, TaskState::Ended);
    EXPECT_EQ(taskView(run, QStringLiteral("finalize")).status.state, TaskState::Waiting);
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM pragma_table_info('SALESLINE') WHERE name = 'PARTITION'")), 0);
    ASSERT_TRUE(requestAndWait(run, TaskAction::Resume, QStringLiteral("script:fill")).first);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("finalize")).status.state == TaskState::Ended; }, 60000));
    EXPECT_EQ(taskView(run, QStringLiteral("script:fill")).status.state, TaskState::Ended);
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM SALESLINE WHERE PARTITION IS NULL")), 0);
}

TEST_F(Scripts, UnknownDependenciesCyclesAndBadHeadersArePlanErrorsNamingFileAndLine)
{
    {
        Plan p = plan({{QStringLiteral("a.sql"), QStringLiteral("-- group: post\n-- depends: copy:NOSUCHTABLE\nSELECT 1;\n")}});
        UpgradeRun run;
        EXPECT_EQ(openAndWait(run, p), QStringLiteral("a.sql:2: depends on copy:NOSUCHTABLE, but the plan copies no table \"NOSUCHTABLE\""));
    }
    QFile::remove(dir.filePath(QStringLiteral("my-scripts/a.sql")));
    {
        Plan p = plan({{QStringLiteral("a.sql"), QStringLiteral("-- depends: script:b\nSELECT 1;\n")},
                       {QStringLiteral("b.sql"), QStringLiteral("\n-- depends: copy:SALESLINE, script:a\nSELECT 1;\n")}});
        UpgradeRun run;
        const QString error = openAndWait(run, p);
        EXPECT_TRUE(error.startsWith(QStringLiteral("the scripts' dependencies form a cycle: "))) << qPrintable(error);
        EXPECT_TRUE(error.contains(QStringLiteral("script:a waits for script:b (declared in a.sql:1)"))) << qPrintable(error);
        EXPECT_TRUE(error.contains(QStringLiteral("script:b waits for script:a (declared in b.sql:2)"))) << qPrintable(error);
    }
    QFile::remove(dir.filePath(QStringLiteral("my-scripts/a.sql")));
    QFile::remove(dir.filePath(QStringLiteral("my-scripts/b.sql")));
    {
        // A script that writes a table waits for it; asking that table's index to come first closes a loop.
        Plan p = plan({{QStringLiteral("c.sql"), QStringLiteral("-- depends: index:SALESLINE.I_359ITEMIDX\nUPDATE SALESLINE SET SALESQTY = 1;\n")}});
        UpgradeRun run;
        const QString error = openAndWait(run, p);
        EXPECT_TRUE(error.contains(QStringLiteral("index:SALESLINE.I_359ITEMIDX waits for script:c (waits for the scripts that write \"SALESLINE\")")))
            << qPrintable(error);
    }
    QFile::remove(dir.filePath(QStringLiteral("my-scripts/c.sql")));
    {
        Plan p = plan({{QStringLiteral("d.sql"), QStringLiteral("-- depends: copy:SALESLINE\n-- transaction: sometimes\nSELECT 1;\n")}});
        UpgradeRun run;
        const QString error = openAndWait(run, p);
        EXPECT_TRUE(error.startsWith(QStringLiteral("scripts: d.sql:2: "))) << qPrintable(error);
        EXPECT_TRUE(error.contains(QStringLiteral("single"))) << qPrintable(error);
    }
}

TEST_F(Scripts, ReadingACopiedTableWithoutDeclaringItIsWarnedInTheLog)
{
    Plan p = plan({{QStringLiteral("peek.sql"), QStringLiteral("CREATE TABLE PEEK AS SELECT count(*) AS N FROM CUSTTABLE;\n")}});
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    QFile log(dir.filePath(QStringLiteral("state.log")));
    ASSERT_TRUE(log.open(QIODevice::ReadOnly));
    EXPECT_TRUE(QString::fromUtf8(log.readAll()).contains(QStringLiteral(
        "peek.sql reads \"CUSTTABLE\" but does not declare \"-- depends: copy:CUSTTABLE\": it may run before that table is copied")));
}

// The same on the PostgreSQL server: the script runs in the URL's schema, DDL included in its
// transaction; a failure rolls everything back and a cancel stops the statement on the server.
TEST(ScriptsOnPostgres, RunInTheTargetSchemaRollBackOnFailureAndCancelOnTheServer)
{
    PgScratchSchema pg;
    if (pg.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test.sh starts the server)";
    QTemporaryDir dir;
    auto demo = writeDemo(DemoOptions{dir.path(), 2000, 0.02});
    ASSERT_TRUE(demo.ok());
    Plan p = *demo;
    p.tableOptions.clear();
    p.target = *ConnectionUrl::parse(pg.url(), dir.path());
    p.scriptsDir = dir.filePath(QStringLiteral("s"));
    QDir().mkpath(p.scriptsDir);
    auto write = [&](const QString &name, const QString &text) {
        QFile f(p.scriptsDir + u'/' + name);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text.toUtf8());
    };
    write(QStringLiteral("fill.postgresql.sql"),
          QStringLiteral("-- depends: copy:SALESLINE\n-- check: SELECT 1 FROM \"SALESLINE\" WHERE \"PARTITION\" IS NULL\n"
                         "ALTER TABLE \"SALESLINE\" ADD COLUMN \"PARTITION\" bigint;\n"
                         // needs the primary key, which PostgreSQL targets get after the copy
                         "INSERT INTO \"SALESLINE\" SELECT * FROM \"SALESLINE\" LIMIT 1 ON CONFLICT (\"RECID\") DO NOTHING;\n"
                         "DO $$ BEGIN UPDATE \"SALESLINE\" SET \"PARTITION\" = 5637144576; END $$;\n"));
    write(QStringLiteral("fill.sqlite.sql"), QStringLiteral("SELECT no_such_function();\n")); // another engine's variant: not run
    write(QStringLiteral("broken.sql"), QStringLiteral("-- depends: copy:CUSTTABLE\nCREATE TABLE \"KEEPNOT\" (x int);\nSELECT 1/0;\n"));
    write(QStringLiteral("slow.sql"), QStringLiteral("-- depends: copy:CUSTTABLE\nCREATE TABLE \"MARK\" (x int);\nSELECT pg_sleep(600);\n"));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    run.start();
    const QString slow = QStringLiteral("script:slow");
    ASSERT_TRUE(waitUntil([&] { return taskView(run, slow).status.state == TaskState::Executing && taskView(run, slow).status.rowsDone == 1; }, 60000));
    ASSERT_TRUE(requestAndWait(run, TaskAction::Cancel, slow).first);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, slow).status.state == TaskState::Canceled; }, 20000));
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("script:broken")).status.state == TaskState::Error
                                       && taskView(run, QStringLiteral("script:fill")).status.state == TaskState::Ended; }, 60000));
    EXPECT_TRUE(taskView(run, QStringLiteral("script:broken")).status.message.startsWith(QStringLiteral("broken.sql:3: statement 2 of 2 failed: ")))
        << qPrintable(taskView(run, QStringLiteral("script:broken")).status.message);
    const TaskView fill = taskView(run, QStringLiteral("script:fill")), key = taskView(run, QStringLiteral("pk:SALESLINE"));
    EXPECT_TRUE(fill.spec.dependsOn.contains(key.spec.name)) << qPrintable(fill.spec.dependsOn.join(u' '));
    EXPECT_LE(key.status.endedAt, fill.status.startedAt);
    EXPECT_EQ(pg.value(QStringLiteral("SELECT count(*) FROM \"SALESLINE\" WHERE \"PARTITION\" = 5637144576")),
              QString::number(queryInt(dir.filePath(QStringLiteral("source.db")), QStringLiteral("SELECT count(*) FROM SALESLINE"))));
    EXPECT_EQ(pg.value(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = '%1' AND tablename IN ('KEEPNOT', 'MARK')").arg(pg.schema())),
              QStringLiteral("0"));
}

} // namespace
