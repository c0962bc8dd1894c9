// The stall watchdog on the real PostgreSQL server: a copy held up by another session's lock is
// flagged within the plan's stallSeconds with who blocks it and on what, in the task's view and
// in the control store (what `upgradectl status` prints), and unflagged once it moves again.

#include "support/testsupport.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

TEST(StallWatchdog, ACopyBlockedByAnotherSessionsLockNamesTheBlocker)
{
    PgScratchSchema pg;
    if (pg.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test.sh starts the server)";
    QTemporaryDir dir;
    const QString source = dir.filePath(QStringLiteral("source.db"));
    execSqlite(source, QStringLiteral("CREATE TABLE ITEMS (ID INTEGER PRIMARY KEY, NAME TEXT NOT NULL);"
                                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
                                      "INSERT INTO ITEMS SELECT i, 'item ' || i FROM n;"));
    Plan plan = Plan::fromUrls(*ConnectionUrl::parse(QStringLiteral("sqlite:") + source, dir.path()),
                               *ConnectionUrl::parse(pg.url(), dir.path()), dir.filePath(QStringLiteral("state.db")));
    plan.stallSeconds = 1;
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    // The copy waits (paused) while the test locks the table the prepare made.
    ASSERT_TRUE(requestAndWait(run, TaskAction::Pause, QStringLiteral("copy:ITEMS")).first);
    run.start();
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("prepare:ITEMS")).status.state == TaskState::Ended; }, 60000));
    const QString blocker = pg.value(QStringLiteral("SELECT pg_backend_pid()"));
    ASSERT_EQ(pg.exec(QStringLiteral("BEGIN")), QString());
    ASSERT_EQ(pg.exec(QStringLiteral("LOCK TABLE \"ITEMS\" IN ACCESS EXCLUSIVE MODE")), QString());
    ASSERT_TRUE(requestAndWait(run, TaskAction::Resume, QStringLiteral("copy:ITEMS")).first);

    ASSERT_TRUE(waitUntil([&] {
        const TaskView v = taskView(run, QStringLiteral("copy:ITEMS"));
        return v.stalled && v.status.message.contains(QLatin1String("blocked by pid"));
    }, 30000)) << qPrintable(taskView(run, QStringLiteral("copy:ITEMS")).status.message);
    const TaskView stalled = taskView(run, QStringLiteral("copy:ITEMS"));
    EXPECT_EQ(stalled.status.state, TaskState::Executing);
    const QString m = stalled.status.message;
    EXPECT_TRUE(m.startsWith(QLatin1String("no progress for "))) << qPrintable(m);
    EXPECT_TRUE(m.contains(QStringLiteral("blocked by pid %1 (").arg(blocker))) << qPrintable(m);
    EXPECT_TRUE(m.contains(QLatin1String("LOCK TABLE \"ITEMS\" IN ACCESS EXCLUSIVE MODE"))) << qPrintable(m);
    EXPECT_TRUE(m.contains(QLatin1String("waiting for a lock on ITEMS"))) << qPrintable(m);
    // What `upgradectl status` reads: the store has it too, within a second.
    EXPECT_TRUE(waitUntil([&] {
        return queryInt(dir.filePath(QStringLiteral("state.db")),
                        QStringLiteral("SELECT count(*) FROM task WHERE name = 'copy:ITEMS' AND message LIKE 'no progress for % s; blocked by pid %'")) == 1;
    }, 5000));

    ASSERT_EQ(pg.exec(QStringLiteral("ROLLBACK")), QString());
    ASSERT_TRUE(runToEnd(run));
    const TaskView done = taskView(run, QStringLiteral("copy:ITEMS"));
    EXPECT_EQ(done.status.state, TaskState::Ended);
    EXPECT_FALSE(done.stalled);
    EXPECT_FALSE(done.status.message.contains(QLatin1String("no progress"))) << qPrintable(done.status.message);
    EXPECT_EQ(taskView(run, QStringLiteral("validate:ITEMS")).status.state, TaskState::Ended);
    EXPECT_EQ(pg.value(QStringLiteral("SELECT count(*) FROM \"ITEMS\"")), QStringLiteral("5000"));
}
