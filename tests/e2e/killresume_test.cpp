// End to end through the real binary: `upgradectl run` is killed with SIGKILL in the middle of
// copying, several times, then resumed; every table must equal the source exactly. And the CLI
// steers a run that another process executes.

#include "demo/demogenerator.h"
#include "e2e/clisupport.h"
#include "support/testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUuid>
#include <QTemporaryDir>
#include <QThread>
#include <gtest/gtest.h>
#include <algorithm>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// A demo whose copy takes a few seconds: small batches, INVENTTRANS in chunks (or, with
// CopyMethod::Auto, every table in one SQLite transfer).
QString writePlan(const QTemporaryDir &dir, qint64 rows, int batchSize, qint64 chunkRows,
                  CopyMethod method = CopyMethod::Batches)
{
    auto plan = writeDemo(DemoOptions{dir.path(), rows, 0.05});
    EXPECT_TRUE(plan.ok());
    plan->scriptsDir.clear(); // copies only: the target must equal the source
    plan->copyMethod = method;
    plan->batchSize = batchSize;
    plan->chunkRows = chunkRows;
    plan->tableOptions.clear();
    QFile f(plan->filePath);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(plan->toJson());
    return plan->filePath;
}

// Starts `upgradectl run --plan` (with `runOptions`) and kills it with SIGKILL, each time
// `delayMs` after the copies were seen moving on from where the last kill left them (so that
// start-up, which a busy machine slows down, never eats the delay); returns how many kills
// landed while rows were still being copied.
int killRepeatedly(const QString &plan, const QString &state, std::initializer_list<int> delaysMs,
                   const QStringList &runOptions = {})
{
    int killedMidCopy = 0;
    qint64 lastRows = -1;
    for (int delayMs : delaysMs) {
        QProcess p;
        p.start(QStringLiteral(UPGRADECTL_PATH), QStringList{QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")} + runOptions);
        EXPECT_TRUE(p.waitForStarted());
        waitUntil([&] {
            return p.state() != QProcess::Running
                   || (QFile::exists(state) && queryInt(state, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'task'")) == 1
                       && copiedRows(state) > std::max<qint64>(lastRows, 0));
        }, 60000);
        QThread::msleep(delayMs / 3);
        if (p.state() != QProcess::Running)
            break; // it finished before we could kill it
        p.kill(); // SIGKILL: no chance to stop cleanly
        p.waitForFinished();
        const qint64 rows = copiedRows(state);
        const qint64 total = queryInt(state, QStringLiteral("SELECT coalesce(sum(rows_total), 0) FROM task WHERE kind = 'copy'"));
        if (rows < total)
            ++killedMidCopy;
        EXPECT_GE(rows, lastRows) << "progress went backwards";
        lastRows = rows;
    }
    return killedMidCopy;
}

// A 600,000-row demo into the server at `targetUrl`: `upgradectl run` killed repeatedly while
// it copies, then run to its end. Returns the state file; failures are reported on the way.
QString killThenFinish(QTemporaryDir &dir, const QString &targetUrl)
{
    auto demo = writeDemo(DemoOptions{dir.path(), 600000, 0.05});
    EXPECT_TRUE(demo.ok());
    if (!demo.ok())
        return {};
    demo->scriptsDir.clear();
    demo->batchSize = 2000;
    demo->chunkRows = 150000;
    demo->tableOptions.clear();
    demo->target = *ConnectionUrl::parse(targetUrl, dir.path());
    QFile f(demo->filePath);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(demo->toJson());
    f.close();
    const QString state = dir.filePath(QStringLiteral("state.db"));
    // The test keeps a session on the server to check the rows, and a killed run's sessions may
    // outlive it by a moment: the preflight's single-user rule is overridden (tested in
    // preflight_test.cpp).
    const QStringList overridden{QStringLiteral("--override"), QStringLiteral("the kill-and-resume test's own sessions")};
    EXPECT_GE(killRepeatedly(demo->filePath, state, {900, 700, 1000, 800}, overridden), 2);
    const Cli last = upgradectl(QStringList{QStringLiteral("run"), QStringLiteral("--plan"), demo->filePath, QStringLiteral("--quiet")} + overridden);
    EXPECT_EQ(last.exitCode, 0) << qPrintable(last.err) << qPrintable(last.out);
    return state;
}

TEST(KillAndResume, SigkillDuringCopyNeverLosesOrDuplicatesARow)
{
    QTemporaryDir dir;
    const QString plan = writePlan(dir, 600000, 1000, 150000);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    EXPECT_GE(killRepeatedly(plan, state, {700, 500, 900, 600, 800}), 2) << "the copy finished too quickly to be killed midway";

    const Cli last = upgradectl({QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")});
    EXPECT_EQ(last.exitCode, 0) << qPrintable(last.err) << qPrintable(last.out);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), dir.filePath(QStringLiteral("target.db"))),
              QStringList());
    EXPECT_EQ(queryInt(dir.filePath(QStringLiteral("target.db")), QStringLiteral("SELECT count(*) FROM INVENTTRANS")), 600000);
    // The resumed copies were recorded as further attempts.
    EXPECT_GT(queryInt(state, QStringLiteral("SELECT max(attempts) FROM task WHERE kind = 'copy'")), 1);
}

// SQLite to SQLite transfers: a kill rolls the table's one transaction back, the next run
// copies it whole again.
TEST(KillAndResume, SigkillDuringTransfersNeverLosesOrDuplicatesARow)
{
    QTemporaryDir dir;
    const QString plan = writePlan(dir, 600000, 1000, 150000, CopyMethod::Auto);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    EXPECT_GE(killRepeatedly(plan, state, {300, 500, 400}), 1) << "the copy finished too quickly to be killed midway";

    const Cli last = upgradectl({QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")});
    EXPECT_EQ(last.exitCode, 0) << qPrintable(last.err) << qPrintable(last.out);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), dir.filePath(QStringLiteral("target.db"))),
              QStringList());
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE name LIKE 'copy:INVENTTRANS#%'")), 0);
}

// A table keyed by text only (SQLite WITHOUT ROWID, a case-insensitive key) is split at sampled
// keys and its chunks resume by row position: kills land while they copy, and after the last
// run every row is on the target exactly once.
TEST(KillAndResume, SigkillDuringSampledKeyChunksNeverLosesOrDuplicatesARow)
{
    QTemporaryDir dir;
    const QString plan = writePlan(dir, 20000, 500, 60000);
    const QString source = dir.filePath(QStringLiteral("source.db"));
    constexpr qint64 kRows = 400000;
    execSqlite(source, QStringLiteral("CREATE TABLE ITEMCODE (code TEXT COLLATE NOCASE PRIMARY KEY, payload TEXT NOT NULL) WITHOUT ROWID; "
                                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1) "
                                      "INSERT INTO ITEMCODE SELECT printf('%s %d', CASE i % 4 WHEN 0 THEN 'Äpfel' WHEN 1 THEN 'b' "
                                      "WHEN 2 THEN 'A b' ELSE 'zebra' END, i), hex(randomblob(60)) FROM n")
                           .arg(kRows));
    const QString state = dir.filePath(QStringLiteral("state.db"));
    EXPECT_GE(killRepeatedly(plan, state, {700, 500, 900, 600, 800}), 2) << "the copy finished too quickly to be killed midway";

    const Cli last = upgradectl({QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")});
    EXPECT_EQ(last.exitCode, 0) << qPrintable(last.err) << qPrintable(last.out);
    const QString target = dir.filePath(QStringLiteral("target.db"));
    EXPECT_EQ(tableDifferences(source, target), QStringList());
    EXPECT_EQ(queryInt(target, QStringLiteral("SELECT count(*) FROM ITEMCODE")), kRows);
    EXPECT_EQ(queryInt(target, QStringLiteral("SELECT count(DISTINCT code) FROM ITEMCODE")), kRows);
    EXPECT_GE(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE kind = 'copy' AND table_name = 'ITEMCODE' "
                                             "AND sampled_range = 1")),
              4);
    EXPECT_GT(queryInt(state, QStringLiteral("SELECT max(attempts) FROM task WHERE kind = 'copy' AND table_name = 'ITEMCODE'")), 1)
        << "no kill landed while the sampled-key chunks copied";
    // ... and at least one chunk went on from the rows it had committed, not from the start.
    EXPECT_GT(queryInt(state, QStringLiteral("SELECT count(*) FROM task_log WHERE task LIKE 'copy:ITEMCODE#%' "
                                             "AND message LIKE 'resuming after row %'")),
              0);
}

TEST(KillAndResume, SigkillDuringCopyIntoPostgresNeverLosesOrDuplicatesARow)
{
    PgScratchSchema pg;
    if (pg.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test.sh starts the server)";
    QTemporaryDir dir;
    const QString state = killThenFinish(dir, pg.url());
    const QString source = dir.filePath(QStringLiteral("source.db"));
    for (const QString &t : queryStrings(source, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table'")))
        EXPECT_EQ(pg.value(QStringLiteral("SELECT count(*) || ' ' || coalesce(sum(\"RECID\"), 0) FROM \"%1\"").arg(t)),
                  queryStrings(source, QStringLiteral("SELECT count(*) || ' ' || coalesce(sum(RECID), 0) FROM \"%1\"").arg(t)).value(0))
            << qPrintable(t);
    EXPECT_GT(queryInt(state, QStringLiteral("SELECT max(attempts) FROM task WHERE kind = 'copy'")), 1);
}

TEST(KillAndResume, SigkillDuringCopyIntoMariaDbNeverLosesOrDuplicatesARow)
{
    MysqlScratchDatabase mysql;
    if (mysql.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_MYSQL_URL is not set (scripts/test-servers.sh starts the server)";
    QTemporaryDir dir;
    const QString state = killThenFinish(dir, mysql.url());
    // Row for row, with plain SQL on both sides: the same keys, each once, and the same text.
    QSqlDatabase db = QSqlDatabase::database(mysql.connectionName());
    const QString source = dir.filePath(QStringLiteral("source.db"));
    for (const QString &t : queryStrings(source, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table'"))) {
        QString sqliteSums = QStringLiteral("count(*) || ' ' || count(DISTINCT RECID) || ' ' || coalesce(sum(RECID), 0)");
        QString mysqlSums = QStringLiteral("CONCAT_WS(' ', count(*), count(DISTINCT `RECID`), coalesce(sum(`RECID`), 0)");
        for (const QString &c : queryStrings(source, QStringLiteral("SELECT name FROM pragma_table_info('%1') WHERE type LIKE '%CHAR%' "
                                                                    "OR type LIKE '%TEXT%'").arg(t))) {
            sqliteSums += QStringLiteral(" || ' ' || coalesce(sum(length(\"%1\")), 0)").arg(c);
            mysqlSums += QStringLiteral(", coalesce(sum(CHAR_LENGTH(`%1`)), 0)").arg(c);
        }
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT %1) FROM `%2`").arg(mysqlSums, t))) << qPrintable(q.lastError().text());
        ASSERT_TRUE(q.next());
        EXPECT_EQ(q.value(0).toString().toStdString(),
                  queryStrings(source, QStringLiteral("SELECT %1 FROM \"%2\"").arg(sqliteSums, t)).value(0).toStdString())
            << qPrintable(t);
    }
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE kind = 'validate' AND state = 'Ended'")),
              queryInt(source, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type='table'")));
    EXPECT_GT(queryInt(state, QStringLiteral("SELECT max(attempts) FROM task WHERE kind = 'copy'")), 1);
}

// Values bigger than the test MariaDB's max_allowed_packet (16 MB), each written by LOAD DATA
// LOCAL in pieces inside its batch's transaction: `upgradectl run` killed while it streams
// them, then run to its end. Every row arrives once and whole (the same MD5 and length as the
// source's), and the validation is equal: a kill mid-value left nothing counted as done.
TEST(KillAndResume, SigkillDuringBigValuesIntoMariaDbKeepsOnlyWholeRows)
{
    MysqlScratchDatabase mysql;
    if (mysql.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_MYSQL_URL is not set (scripts/test-servers.sh starts the server)";
    QTemporaryDir dir;
    const QString source = dir.filePath(QStringLiteral("source.db"));
    execSqlite(source, QStringLiteral("CREATE TABLE big (id INTEGER PRIMARY KEY, b BLOB); "
                                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8) "
                                      "INSERT INTO big SELECT i, randomblob(20 * 1024 * 1024) FROM n; "
                                      "WITH RECURSIVE n(i) AS (SELECT 9 UNION ALL SELECT i + 1 FROM n WHERE i < 1008) "
                                      "INSERT INTO big SELECT i, randomblob(100) FROM n"));
    auto s = ConnectionUrl::parse(QStringLiteral("sqlite:") + source, dir.path());
    auto t = ConnectionUrl::parse(mysql.url(), dir.path());
    ASSERT_TRUE(s.ok() && t.ok());
    const QString state = dir.filePath(QStringLiteral("state.db"));
    Plan plan = Plan::fromUrls(*s, *t, state);
    plan.batchSize = 2; // a checkpoint every two big values
    plan.filePath = dir.filePath(QStringLiteral("plan.json"));
    {
        QFile f(plan.filePath);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(plan.toJson());
    }
    const QStringList overridden{QStringLiteral("--override"), QStringLiteral("the kill-and-resume test's own sessions")};
    EXPECT_GE(killRepeatedly(plan.filePath, state, {1200, 900, 1500}, overridden), 1);
    const Cli last = upgradectl(QStringList{QStringLiteral("run"), QStringLiteral("--plan"), plan.filePath, QStringLiteral("--quiet")} + overridden);
    EXPECT_EQ(last.exitCode, 0) << qPrintable(last.err) << qPrintable(last.out);

    QSqlDatabase db = QSqlDatabase::database(mysql.connectionName());
    QSqlQuery q(db);
    ASSERT_TRUE(q.exec(QStringLiteral("SELECT id, CONCAT(MD5(b), ':', LENGTH(b)) FROM big WHERE id <= 8 ORDER BY id")))
        << qPrintable(q.lastError().text());
    QStringList target;
    while (q.next())
        target << q.value(0).toString() + u'=' + q.value(1).toString();
    QStringList expected;
    for (int id = 1; id <= 8; ++id) {
        const QByteArray b = QByteArray::fromHex(queryStrings(source, QStringLiteral("SELECT hex(b) FROM big WHERE id = %1").arg(id)).value(0).toLatin1());
        expected << QString::number(id) + u'=' + QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Md5).toHex()) + u':'
                        + QString::number(b.size());
    }
    EXPECT_EQ(target.join(u' ').toStdString(), expected.join(u' ').toStdString());
    EXPECT_EQ(mysql.value(QStringLiteral("SELECT CONCAT(COUNT(*), ' ', COUNT(DISTINCT id)) FROM big")), QStringLiteral("1008 1008"));
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE kind = 'validate' AND state = 'Ended'")), 1);
    EXPECT_GT(queryInt(state, QStringLiteral("SELECT max(attempts) FROM task WHERE kind = 'copy'")), 1);
}

// A script killed in the middle of its transaction leaves nothing behind: the next run runs it
// again from its first statement, and the result equals one uninterrupted run (a second
// increment or a second CREATE TABLE would show a half-kept first attempt).
TEST(KillAndResume, SigkillDuringAScriptRunsItAgainFromScratch)
{
    QTemporaryDir dir;
    auto demo = writeDemo(DemoOptions{dir.path(), 3000, 0.02});
    ASSERT_TRUE(demo.ok());
    demo->scriptsDir = dir.filePath(QStringLiteral("s"));
    QDir().mkpath(demo->scriptsDir);
    QFile script(demo->scriptsDir + QStringLiteral("/tally.sql"));
    ASSERT_TRUE(script.open(QIODevice::WriteOnly));
    script.write("-- depends: copy:SALESLINE\n"
                 "CREATE TABLE TALLY (SALESID text, N integer);\n"
                 "INSERT INTO TALLY SELECT SALESID, count(*) FROM SALESLINE GROUP BY SALESID;\n"
                 "UPDATE SALESLINE SET SALESQTY = SALESQTY + 1;\n"
                 "CREATE TABLE SLOW AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 15000000)\n"
                 "  SELECT sum(x) AS S FROM c;\n");
    script.close();
    QFile f(demo->filePath);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(demo->toJson());
    f.close();
    const QString state = dir.filePath(QStringLiteral("state.db"));
    const QString target = dir.filePath(QStringLiteral("target.db"));

    QProcess p;
    p.start(QStringLiteral(UPGRADECTL_PATH), {QStringLiteral("run"), QStringLiteral("--plan"), demo->filePath, QStringLiteral("--quiet")});
    ASSERT_TRUE(p.waitForStarted());
    ASSERT_TRUE(waitUntil([&] {
        return QFile::exists(state) && queryInt(state, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'task'")) == 1
               && queryStrings(state, QStringLiteral("SELECT state FROM task WHERE name = 'script:tally'")).value(0) == QLatin1String("Executing");
    }, 60000));
    QThread::msleep(700); // into the slow last statement, the first three done in its transaction
    ASSERT_EQ(p.state(), QProcess::Running) << "the script ended before it could be killed";
    p.kill();
    p.waitForFinished();
    EXPECT_EQ(queryStrings(state, QStringLiteral("SELECT state FROM task WHERE name = 'script:tally'")).value(0), QStringLiteral("Executing"));

    const Cli last = upgradectl({QStringLiteral("run"), QStringLiteral("--plan"), demo->filePath, QStringLiteral("--quiet")});
    EXPECT_EQ(last.exitCode, 0) << qPrintable(last.err) << qPrintable(last.out);
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT attempts FROM task WHERE name = 'script:tally'")), 2);
    const QString source = dir.filePath(QStringLiteral("source.db"));
    EXPECT_EQ(queryStrings(target, QStringLiteral("SELECT SALESID || ':' || N FROM TALLY ORDER BY SALESID")),
              queryStrings(source, QStringLiteral("SELECT SALESID || ':' || count(*) FROM SALESLINE GROUP BY SALESID ORDER BY SALESID")));
    EXPECT_EQ(queryStrings(target, QStringLiteral("SELECT RECID || ':' || SALESQTY FROM SALESLINE ORDER BY RECID")),
              queryStrings(source, QStringLiteral("SELECT RECID || ':' || (SALESQTY + 1) FROM SALESLINE ORDER BY RECID")));
}

// Starts `upgradectl run` on a 300,000-row demo and pauses INVENTTRANS's index builds and
// validation from another process while its copy runs; returns the state file.
QString startThenPauseFromAnotherProcess(QProcess &run, const QTemporaryDir &dir, const QStringList &runOptions)
{
    const QString plan = writePlan(dir, 300000, 500, 10'000'000);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    run.start(QStringLiteral(UPGRADECTL_PATH), QStringList{QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")} + runOptions);
    EXPECT_TRUE(run.waitForStarted());
    // Wait until the run owns the state and has planned its tasks.
    EXPECT_TRUE(waitUntil([&] {
        try { // the file may exist before its tables do
            return QFileInfo::exists(state) && queryInt(state, QStringLiteral("SELECT count(*) FROM owner")) == 1
                   && queryInt(state, QStringLiteral("SELECT count(*) FROM task")) > 0;
        } catch (const std::exception &) {
            return false;
        }
    }, 30000));
    // INVENTTRANS copies for seconds in small batches, so what follows it is still Waiting.
    const Cli pause = upgradectl({QStringLiteral("pause"), QStringLiteral("--state"), state,
                                  QStringLiteral("index:INVENTTRANS.*"), QStringLiteral("validate:INVENTTRANS")});
    EXPECT_EQ(pause.exitCode, 0) << qPrintable(pause.err) << qPrintable(pause.out);
    EXPECT_TRUE(pause.out.contains(QStringLiteral("validate:INVENTTRANS: ok"))) << qPrintable(pause.out);
    EXPECT_TRUE(pause.out.contains(QStringLiteral("index:INVENTTRANS.I_177ITEMIDX: ok"))) << qPrintable(pause.out);
    return state;
}

// A task paused from the CLI (or the window) holds a headless run instead of ending it: the
// run says so on stderr and in `status`, and completes once the task is resumed.
TEST(Cli, PauseFromAnotherProcessHoldsTheRunUntilResumed)
{
    QTemporaryDir dir;
    QProcess run;
    const QString state = startThenPauseFromAnotherProcess(run, dir, {});
    QByteArray err;
    ASSERT_TRUE(waitUntil([&] {
        err += run.readAllStandardError();
        return run.state() != QProcess::Running || err.contains("held: 3 task(s) paused");
    }, 300000)) << err.toStdString();
    ASSERT_EQ(run.state(), QProcess::Running) << "a run with paused tasks left must wait for them: " << err.toStdString();
    EXPECT_TRUE(err.contains("the run waits for `upgradectl resume`")) << err.toStdString();
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE name LIKE '%INVENTTRANS%' AND state = 'Paused'")), 3);
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE name = 'validate:CUSTTABLE' AND state = 'Ended'")), 1);
    const Cli status = upgradectl({QStringLiteral("status"), QStringLiteral("--state"), state});
    EXPECT_TRUE(status.out.contains(QStringLiteral("; held: 3 task(s) paused"))) << qPrintable(status.out);

    const Cli resume = upgradectl({QStringLiteral("resume"), QStringLiteral("--state"), state,
                                   QStringLiteral("index:INVENTTRANS.*"), QStringLiteral("validate:INVENTTRANS")});
    EXPECT_EQ(resume.exitCode, 0) << qPrintable(resume.err) << qPrintable(resume.out);
    ASSERT_TRUE(run.waitForFinished(300000));
    EXPECT_EQ(run.exitCode(), 0) << run.readAllStandardError().toStdString();
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE state <> 'Ended'")), 0);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), dir.filePath(QStringLiteral("target.db"))),
              QStringList());
}

// --exit-when-held keeps the old exit for scripts: 3, with the paused tasks left for later.
TEST(Cli, ExitWhenHeldEndsARunWithPausedTasksIncomplete)
{
    QTemporaryDir dir;
    QProcess run;
    const QString state = startThenPauseFromAnotherProcess(run, dir, {QStringLiteral("--exit-when-held")});
    ASSERT_TRUE(run.waitForFinished(300000));
    EXPECT_EQ(run.exitCode(), 3) << "--exit-when-held: a run with paused tasks left ends incomplete";
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE name LIKE '%INVENTTRANS%' AND state = 'Paused'")), 3);

    const Cli status = upgradectl({QStringLiteral("status"), QStringLiteral("--state"), state, QStringLiteral("--json")});
    EXPECT_EQ(status.exitCode, 3);
    EXPECT_TRUE(status.out.contains(QStringLiteral("\"Paused\""))) << qPrintable(status.out);

    // Nobody runs it now: resume applies directly, then run resumes the state to its end.
    const Cli resume = upgradectl({QStringLiteral("resume"), QStringLiteral("--state"), state,
                                   QStringLiteral("index:INVENTTRANS.*"), QStringLiteral("validate:INVENTTRANS")});
    EXPECT_EQ(resume.exitCode, 0) << qPrintable(resume.err) << qPrintable(resume.out);
    const Cli again = upgradectl({QStringLiteral("run"), QStringLiteral("--state"), state, QStringLiteral("--quiet")});
    EXPECT_EQ(again.exitCode, 0) << qPrintable(again.err) << qPrintable(again.out);
    EXPECT_TRUE(again.out.contains(QStringLiteral("validate:INVENTTRANS"))) << qPrintable(again.out);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), dir.filePath(QStringLiteral("target.db"))),
              QStringList());
}

TEST(Cli, WorkerRemovedFromAnotherProcessHoldsTheGroupUntilAddedBack)
{
    QTemporaryDir dir;
    const QString plan = writePlan(dir, 300000, 500, 50000);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    QProcess run;
    run.start(QStringLiteral(UPGRADECTL_PATH), {QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")});
    ASSERT_TRUE(run.waitForStarted());
    auto count = [&](const char *where) {
        try { // the file may exist before its tables do
            return QFileInfo::exists(state) ? queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE ") + QLatin1String(where)) : -1;
        } catch (const std::exception &) {
            return qint64(-1);
        }
    };
    ASSERT_TRUE(waitUntil([&] { return count("kind = 'copy' AND state = 'Executing'") > 0; }, 60000));

    const auto worker = [&](const QStringList &args) {
        return upgradectl(QStringList{QStringLiteral("worker")} + args + QStringList{QStringLiteral("--state"), state});
    };
    const Cli removed = worker({QStringLiteral("remove"), QStringLiteral("--group"), QStringLiteral("copy")});
    EXPECT_EQ(removed.exitCode, 0) << qPrintable(removed.err) << qPrintable(removed.out);
    EXPECT_TRUE(removed.out.startsWith(QStringLiteral("worker removed from batch group copy by administrator"))) << qPrintable(removed.out);
    // The copies executing then end; no task of the group starts while the worker is away.
    ASSERT_TRUE(waitUntil([&] { return count("group_name = 'copy' AND state IN ('Ready', 'Executing')") == 0; }, 120000));
    waitUntil([&] {
        EXPECT_EQ(count("group_name = 'copy' AND state IN ('Ready', 'Executing')"), 0);
        return false;
    }, 1500);
    EXPECT_GT(count("kind = 'copy' AND state = 'Waiting'"), 0);
    EXPECT_EQ(run.state(), QProcess::Running) << "the run waits for the worker, it does not end";

    const Cli threads = worker({QStringLiteral("threads"), QStringLiteral("--group"), QStringLiteral("copy"), QStringLiteral("--count"), QStringLiteral("1")});
    EXPECT_EQ(threads.exitCode, 0) << qPrintable(threads.err) << qPrintable(threads.out);
    EXPECT_TRUE(threads.out.contains(QStringLiteral("to 1 by administrator"))) << qPrintable(threads.out);
    const Cli unknown = worker({QStringLiteral("add"), QStringLiteral("--group"), QStringLiteral("nosuch")});
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_TRUE(unknown.out.startsWith(QStringLiteral("no batch group \"nosuch\""))) << qPrintable(unknown.out);
    const Cli added = worker({QStringLiteral("add"), QStringLiteral("--group"), QStringLiteral("copy")});
    EXPECT_EQ(added.exitCode, 0) << qPrintable(added.err) << qPrintable(added.out);

    ASSERT_TRUE(run.waitForFinished(300000));
    EXPECT_EQ(run.exitCode(), 0) << qPrintable(QString::fromUtf8(run.readAllStandardError()));
    EXPECT_EQ(count("state <> 'Ended'"), 0);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), dir.filePath(QStringLiteral("target.db"))),
              QStringList());
    EXPECT_EQ(queryStrings(state, QStringLiteral("SELECT value FROM meta WHERE key = 'batch_groups'")).value(0).contains(
                  QStringLiteral("\"copy\":{\"removed\":false,\"threads\":1}")),
              true);

    // Bad input: one line, exit code 2, nothing changed.
    const Cli noGroup = worker({QStringLiteral("remove")});
    EXPECT_EQ(noGroup.exitCode, 2);
    EXPECT_EQ(noGroup.err, QStringLiteral("upgradectl: worker remove: --state S and --group G are required\n"));
    const Cli zero = worker({QStringLiteral("threads"), QStringLiteral("--group"), QStringLiteral("copy"), QStringLiteral("--count"), QStringLiteral("0")});
    EXPECT_EQ(zero.exitCode, 2);
    EXPECT_EQ(zero.err, QStringLiteral("upgradectl: worker threads: --count N must be a number from 1 to 256\n"));
}

// Two `run`s of one plan started at the same instant: one executes it, the other refuses and
// names the owner; nothing is copied twice.
TEST(Cli, TwoRunsStartedAtOnceOnlyOneExecutesThePlan)
{
    QTemporaryDir dir;
    const QString plan = writePlan(dir, 200000, 1000, 10'000'000);
    // Each one's preflight sees the other reading the source: that blocker is overridden, so
    // that the lease alone decides.
    const QStringList args{QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet"),
                           QStringLiteral("--override"), QStringLiteral("the other run of this test")};
    QProcess a, b;
    a.start(QStringLiteral(UPGRADECTL_PATH), args);
    b.start(QStringLiteral(UPGRADECTL_PATH), args);
    ASSERT_TRUE(a.waitForFinished(300000));
    ASSERT_TRUE(b.waitForFinished(300000));
    const QString errA = QString::fromUtf8(a.readAllStandardError()), errB = QString::fromUtf8(b.readAllStandardError());
    QVector<int> codes{a.exitCode(), b.exitCode()};
    std::sort(codes.begin(), codes.end());
    EXPECT_EQ(codes, (QVector<int>{0, 2})) << qPrintable(errA) << qPrintable(errB);
    const QString refused = a.exitCode() == 2 ? errA : errB;
    EXPECT_TRUE(refused.contains(QLatin1String("is being executed by "))) << qPrintable(refused);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE state <> 'Ended'")), 0);
    EXPECT_EQ(queryStrings(state, QStringLiteral("PRAGMA integrity_check")).value(0), QStringLiteral("ok"));
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), dir.filePath(QStringLiteral("target.db"))),
              QStringList());
}

TEST(Cli, BadInputExitsWithTwoAndOneLine)
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("bad.json")));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("{\"source\": \"sqlite:a.db\",\n \"target\": 42}\n");
    f.close();
    const Cli bad = upgradectl({QStringLiteral("run"), QStringLiteral("--plan"), f.fileName()});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_TRUE(bad.err.contains(QStringLiteral("bad.json:2:"))) << qPrintable(bad.err);
    EXPECT_EQ(bad.err.trimmed().count(u'\n'), 0) << qPrintable(bad.err);

    const Cli missing = upgradectl({QStringLiteral("run"), QStringLiteral("--source"), QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("none.db")),
                                    QStringLiteral("--target"), QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("t.db")),
                                    QStringLiteral("--state"), dir.filePath(QStringLiteral("s.db"))});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_TRUE(missing.err.contains(QStringLiteral("does not exist"))) << qPrintable(missing.err);

    const Cli unknown = upgradectl({QStringLiteral("frobnicate")});
    EXPECT_EQ(unknown.exitCode, 2);
}

TEST(Cli, ReportWritesEveryTaskInTheFormatAskedFor)
{
    QTemporaryDir dir;
    const QString plan = writePlan(dir, 5000, 1000, 250000, CopyMethod::Auto);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    const Cli run = upgradectl({QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")});
    ASSERT_EQ(run.exitCode, 0) << qPrintable(run.err);
    const qint64 tasks = queryInt(state, QStringLiteral("SELECT count(*) FROM task"));

    // CSV on stdout: a header and one record per task (no task message here holds a line break).
    const Cli csv = upgradectl({QStringLiteral("report"), QStringLiteral("--state"), state, QStringLiteral("--format"), QStringLiteral("csv")});
    EXPECT_EQ(csv.exitCode, 0) << qPrintable(csv.err);
    EXPECT_EQ(csv.out.count(QStringLiteral("\r\n")), tasks + 1);
    EXPECT_TRUE(csv.out.startsWith(QStringLiteral("task,kind,phase,")));

    // --out: the format follows the extension.
    const QString json = dir.filePath(QStringLiteral("report.json"));
    const Cli out = upgradectl({QStringLiteral("report"), QStringLiteral("--state"), state, QStringLiteral("--out"), json});
    EXPECT_EQ(out.exitCode, 0) << qPrintable(out.err);
    QFile f(json);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
    EXPECT_EQ(doc[QStringLiteral("tasks")].toArray().size(), tasks);
    EXPECT_EQ(doc[QStringLiteral("summary")][QStringLiteral("states")][QStringLiteral("Ended")].toInteger(), tasks);

    const Cli html = upgradectl({QStringLiteral("report"), QStringLiteral("--state"), state});
    EXPECT_TRUE(html.out.startsWith(QStringLiteral("<!DOCTYPE html>")));
    EXPECT_TRUE(html.out.contains(QStringLiteral(">copy:INVENTTRANS<")));

    // Bad input: one line on stderr, exit 2, nothing written.
    const Cli txt = upgradectl({QStringLiteral("report"), QStringLiteral("--state"), state, QStringLiteral("--out"), dir.filePath(QStringLiteral("r.txt"))});
    EXPECT_EQ(txt.exitCode, 2);
    EXPECT_TRUE(txt.err.contains(QStringLiteral("--format html|csv|json"))) << qPrintable(txt.err);
    EXPECT_FALSE(QFile::exists(dir.filePath(QStringLiteral("r.txt"))));
    const Cli xml = upgradectl({QStringLiteral("report"), QStringLiteral("--state"), state, QStringLiteral("--format"), QStringLiteral("xml")});
    EXPECT_EQ(xml.exitCode, 2);
    EXPECT_EQ(xml.err.trimmed().count(u'\n'), 0) << qPrintable(xml.err);
    const Cli none = upgradectl({QStringLiteral("report"), QStringLiteral("--state"), dir.filePath(QStringLiteral("none.db"))});
    EXPECT_EQ(none.exitCode, 2);
    EXPECT_TRUE(none.err.contains(QStringLiteral("no run state at"))) << qPrintable(none.err);
}

} // namespace
