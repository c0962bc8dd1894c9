// The target server restarted, or gone for good, under `upgradectl run`: the tasks it cut off
// retry with backoff and the run completes exactly; a server that stays down ends them in Error
// with the cause named, and Rerun completes the run once the server is back.

#include "e2e/clisupport.h"
#include "e2e/ownservers.h"
#include "e2e/serverruns.h"
#include "support/testsupport.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// Starts the run, restarts the server once rows are moving (down for `downMs`), and returns
// the run's exit code.
int runThroughRestart(const QString &plan, const QString &state, OwnServer &server, int downMs)
{
    QProcess p;
    if (!startRunUntilRowsMove(p, plan, state))
        return -1;
    EXPECT_TRUE(server.down());
    QThread::msleep(downMs);
    EXPECT_TRUE(server.up());
    EXPECT_TRUE(p.waitForFinished(300000));
    if (p.exitCode() != 0)
        ADD_FAILURE() << p.readAllStandardError().toStdString() << p.readAllStandardOutput().toStdString();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

void restartMidCopyCompletes(OwnServer::Kind kind)
{
    OwnServer server(kind);
    ASSERT_TRUE(server.error().isEmpty()) << qPrintable(server.error());
    QTemporaryDir dir;
    const QString plan = writeServerPlan(dir, server.url());
    const QString state = dir.filePath(QStringLiteral("state.db"));
    EXPECT_EQ(runThroughRestart(plan, state, server, 1500), 0);
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE state <> 'Ended'")), 0)
        << qPrintable(unfinishedTasks(state));
    // The cut-off tasks ran again: more attempts than tasks, each retry logged with its cause.
    EXPECT_GT(queryInt(state, QStringLiteral("SELECT sum(attempts) - count(*) FROM task")), 0);
    EXPECT_GT(queryInt(state, QStringLiteral("SELECT count(*) FROM task_log WHERE message LIKE 'attempt % failed after % s: %; retry in % s (attempt % of 6)'")), 0);
    EXPECT_EQ(queryStrings(state, QStringLiteral("PRAGMA integrity_check")).value(0), QStringLiteral("ok"));
    expectTargetEqualsSource(dir.filePath(QStringLiteral("source.db")), server, kind);
}

void downForGoodEndsInErrorThenRerunCompletes(OwnServer::Kind kind)
{
    OwnServer server(kind);
    ASSERT_TRUE(server.error().isEmpty()) << qPrintable(server.error());
    QTemporaryDir dir;
    const QString plan = writeServerPlan(dir, server.url(), QStringLiteral("{\"attempts\": 3, \"delaySeconds\": 0.2, \"maxDelaySeconds\": 0.5}"));
    const QString state = dir.filePath(QStringLiteral("state.db"));
    QProcess p;
    ASSERT_TRUE(startRunUntilRowsMove(p, plan, state));
    ASSERT_TRUE(server.down());
    ASSERT_TRUE(p.waitForFinished(120000)) << "the run did not give up on a server that stays down";
    EXPECT_EQ(p.exitCode(), 1) << p.readAllStandardError().toStdString();
    // Each failed task says what happened and how often it was tried.
    const QStringList errors = queryStrings(state, QStringLiteral("SELECT message FROM task WHERE state = 'Error'"));
    ASSERT_FALSE(errors.isEmpty());
    for (const QString &m : errors)
        EXPECT_TRUE(m.contains(QLatin1String("3 attempts in a row failed")) && m.contains(QLatin1String("Rerun once it is fixed")))
            << qPrintable(m);
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE state IN ('Executing', 'Ready')")), 0);
    const qint64 committed = copiedRows(state);

    ASSERT_TRUE(server.up());
    rerunCompletes(plan, state);
    EXPECT_GE(copiedRows(state), committed);
    expectTargetEqualsSource(dir.filePath(QStringLiteral("source.db")), server, kind);
}

// The server restarted under an index build and, later, under a post-sync script: the task cut
// off runs again from the start (an index build and a script are one transaction each) and the
// run completes with every task Ended.
void restartMidIndexAndScriptCompletes(OwnServer::Kind kind)
{
    OwnServer server(kind);
    ASSERT_TRUE(server.error().isEmpty()) << qPrintable(server.error());
    QTemporaryDir dir;
    // slow_audit waits 4 s on the server: the restart surely lands in it.
    const QString plan = writeServerPlanWithSlowScript(dir, server.url(), 4);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    QProcess p;
    p.start(QStringLiteral(UPGRADECTL_PATH), runArgs(plan));
    ASSERT_TRUE(p.waitForStarted());
    QStringList cutOff;
    for (const QString &wanted : {QStringLiteral("index:%"), QStringLiteral("script:slow_audit")}) {
        const QString task = executingTask(state, wanted, p);
        ASSERT_FALSE(task.isEmpty()) << "the run ended (exit " << p.exitCode() << ") before " << qPrintable(wanted) << " ran: "
                                     << p.readAllStandardError().toStdString() << qPrintable(unfinishedTasks(state));
        ASSERT_TRUE(server.down());
        // Cut off only if it had not ended before the server went: then it must run again.
        if (queryStrings(state, QStringLiteral("SELECT state FROM task WHERE name = '%1'").arg(task)).value(0) != QLatin1String("Ended"))
            cutOff << task;
        QThread::msleep(1000);
        ASSERT_TRUE(server.up());
    }
    ASSERT_TRUE(p.waitForFinished(300000));
    EXPECT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE state <> 'Ended'")), 0)
        << qPrintable(unfinishedTasks(state));
    // slow_audit waits 4 s on the server: the restart always lands in it (an index build may
    // end before the server goes).
    ASSERT_FALSE(cutOff.isEmpty());
    EXPECT_EQ(cutOff.last(), QStringLiteral("script:slow_audit"));
    for (const QString &task : cutOff)
        EXPECT_GE(queryInt(state, QStringLiteral("SELECT attempts FROM task WHERE name = '%1'").arg(task)), 2) << qPrintable(task);
    EXPECT_EQ(queryStrings(state, QStringLiteral("PRAGMA integrity_check")).value(0), QStringLiteral("ok"));
}

// An administrator terminates the run's COPY sessions (pg_terminate_backend): the copies cut
// off go on from their last committed batch and the run completes exactly.
void terminatedBackendsRetryAndTheRunCompletes()
{
    OwnServer server(OwnServer::Postgres);
    ASSERT_TRUE(server.error().isEmpty()) << qPrintable(server.error());
    QTemporaryDir dir;
    const QString plan = writeServerPlan(dir, server.url());
    const QString state = dir.filePath(QStringLiteral("state.db"));
    QProcess p;
    ASSERT_TRUE(startRunUntilRowsMove(p, plan, state));
    QString terminated;
    waitUntil([&] {
        terminated = server.value(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                                 "WHERE pid <> pg_backend_pid() AND query LIKE 'COPY %'"));
        return p.state() != QProcess::Running || terminated.toInt() > 0;
    }, 60000);
    ASSERT_GT(terminated.toInt(), 0) << "no COPY session to terminate: " << qPrintable(terminated);
    ASSERT_TRUE(p.waitForFinished(300000));
    EXPECT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE state <> 'Ended'")), 0);
    // The server's FATAL "terminating connection …", or, when it is lost while the client writes
    // (over TLS, as the test servers offer it), libpq's "connection has been closed unexpectedly".
    EXPECT_GT(queryInt(state, QStringLiteral("SELECT count(*) FROM task_log WHERE message LIKE 'attempt % failed after % s: %' "
                                             "AND (message LIKE '%terminat%' OR message LIKE '%closed unexpectedly%')")),
              0)
        << qPrintable(queryStrings(state, QStringLiteral("SELECT message FROM task_log WHERE message LIKE 'attempt %'")).join(u'\n'));
    expectTargetEqualsSource(dir.filePath(QStringLiteral("source.db")), server, OwnServer::Postgres);
}

} // namespace

TEST(ServerFaults, PostgresBackendTerminatedMidCopyRetriesAndTheRunCompletes)
{
    terminatedBackendsRetryAndTheRunCompletes();
}

TEST(ServerFaults, PostgresRestartedUnderAnIndexBuildAndAScriptRetriesAndTheRunCompletes)
{
    restartMidIndexAndScriptCompletes(OwnServer::Postgres);
}

TEST(ServerFaults, MariaDbRestartedUnderAnIndexBuildAndAScriptRetriesAndTheRunCompletes)
{
    restartMidIndexAndScriptCompletes(OwnServer::MariaDb);
}

TEST(ServerFaults, PostgresRestartedMidCopyRetriesAndTheRunCompletes)
{
    restartMidCopyCompletes(OwnServer::Postgres);
}

TEST(ServerFaults, MariaDbRestartedMidCopyRetriesAndTheRunCompletes)
{
    restartMidCopyCompletes(OwnServer::MariaDb);
}

TEST(ServerFaults, PostgresDownForGoodEndsInErrorAndRerunCompletesOnceBack)
{
    downForGoodEndsInErrorThenRerunCompletes(OwnServer::Postgres);
}

TEST(ServerFaults, MariaDbDownForGoodEndsInErrorAndRerunCompletesOnceBack)
{
    downForGoodEndsInErrorThenRerunCompletes(OwnServer::MariaDb);
}
