// Whole upgrades on real SQLite files: the scheduler, the tasks, the control store together.
// Target contents are checked with plain SQL (support/testsupport.cpp), not with our checksum.

#include "demo/demogenerator.h"
#include "store/controlstore.h"
#include "support/testsupport.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

class Upgrade : public ::testing::Test {
protected:
    QTemporaryDir dir;

    // The demo with INVENTTRANS at `rows` and the other tables at 5 % (full size when scale is 1).
    Plan demo(qint64 rows, int batchSize = 5000, qint64 chunkRows = 250000, double scale = 0.05)
    {
        auto p = writeDemo(DemoOptions{dir.path(), rows, scale});
        EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message.toStdString());
        Plan plan = *p;
        plan.scriptsDir.clear(); // copies only: the target must equal the source
        plan.batchSize = batchSize;
        plan.chunkRows = chunkRows;
        plan.tableOptions.clear();
        return plan;
    }
    QString source() const { return dir.filePath(QStringLiteral("source.db")); }
    QString target() const { return dir.filePath(QStringLiteral("target.db")); }

    static void expectAllEnded(const UpgradeRun &run)
    {
        for (const auto &t : allTasks(run))
            EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
    }
};

TEST_F(Upgrade, FullDemoSizedUpgradeEqualsSource)
{
    Plan plan = demo(1'000'000, 20000, 250000, 1.0);
    ASSERT_EQ(plan.copyMethod, CopyMethod::Auto);
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    // SQLite to SQLite: INVENTTRANS (1,000,000 rows) is one transfer, not split in chunks, and
    // its indexes are filled by it.
    int chunks = 0;
    for (const auto &t : allTasks(run))
        chunks += t.spec.name.startsWith(QLatin1String("copy:INVENTTRANS#"));
    EXPECT_EQ(chunks, 0);
    ASSERT_TRUE(runToEnd(run));
    expectAllEnded(run);
    EXPECT_EQ(taskView(run, QStringLiteral("copy:INVENTTRANS")).status.rowsDone, 1'000'000);
    EXPECT_EQ(taskView(run, QStringLiteral("index:INVENTTRANS.I_177ITEMIDX")).status.message,
              QStringLiteral("index filled by the table's transfer"));
    EXPECT_EQ(tableDifferences(source(), target()), QStringList());
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM INVENTTRANS")), 1'000'000);
    // Secondary indexes are recreated, and the cockpit's checkpoint table is gone.
    const QString indexes = QStringLiteral("SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL ORDER BY name");
    EXPECT_EQ(queryStrings(target(), indexes), queryStrings(source(), indexes));
    EXPECT_FALSE(queryStrings(source(), indexes).isEmpty());
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name='_cockpit_checkpoint'")), 0);
    // The transfer hashed the source beside it, so validation read only the target.
    EXPECT_TRUE(taskView(run, QStringLiteral("validate:INVENTTRANS")).status.message.contains(QStringLiteral("equal (source hashed during the copy)")))
        << qPrintable(taskView(run, QStringLiteral("validate:INVENTTRANS")).status.message);
}

TEST_F(Upgrade, PausedWaitingTaskHoldsItsDependentsAndResumes)
{
    Plan plan = demo(20000);
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    auto [ok, reason] = requestAndWait(run, TaskAction::Pause, QStringLiteral("copy:CUSTTABLE"));
    ASSERT_TRUE(ok) << qPrintable(reason);
    EXPECT_EQ(taskView(run, QStringLiteral("copy:CUSTTABLE")).status.state, TaskState::Paused);

    ASSERT_TRUE(runToEnd(run));
    EXPECT_EQ(taskView(run, QStringLiteral("copy:CUSTTABLE")).status.state, TaskState::Paused);
    const TaskView validate = taskView(run, QStringLiteral("validate:CUSTTABLE"));
    EXPECT_EQ(validate.status.state, TaskState::Waiting);
    EXPECT_EQ(validate.waitReason, QStringLiteral("waiting for paused task copy:CUSTTABLE"));
    EXPECT_EQ(taskView(run, QStringLiteral("validate:INVENTTRANS")).status.state, TaskState::Ended);
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM CUSTTABLE")), 0);

    bool finished = false;
    QObject::connect(&run, &UpgradeRun::finished, [&] { finished = true; });
    ASSERT_TRUE(requestAndWait(run, TaskAction::Resume, QStringLiteral("copy:CUSTTABLE")).first);
    ASSERT_TRUE(waitUntil([&] { return finished; }, 60000));
    expectAllEnded(run);
    EXPECT_EQ(tableDifferences(source(), target()), QStringList());
}

TEST_F(Upgrade, ExecutingCopyPausesAtItsNextBatchAndResumesFromTheCheckpoint)
{
    Plan plan = demo(300000, 500, 10'000'000);
    plan.copyMethod = CopyMethod::Batches; // checkpointed batches (SQLite to SQLite would transfer whole tables)
    plan.groups = {BatchGroup{QStringLiteral("one"), 1, {QStringLiteral("*")}}};
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    run.start();
    const QString copy = QStringLiteral("copy:INVENTTRANS");
    ASSERT_TRUE(waitUntil([&] {
        const TaskView v = taskView(run, copy);
        return v.status.state == TaskState::Executing && v.status.rowsDone >= 5000;
    }, 60000));
    auto [ok, reason] = requestAndWait(run, TaskAction::Pause, copy);
    ASSERT_TRUE(ok) << qPrintable(reason);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, copy).status.state == TaskState::Paused; }, 30000));
    const TaskView paused = taskView(run, copy);
    EXPECT_TRUE(paused.status.hasCheckpoint);
    EXPECT_GT(paused.status.rowsDone, 0);
    EXPECT_LT(paused.status.rowsDone, 300000);
    // What the target holds is exactly what the checkpoint says.
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM INVENTTRANS")), paused.status.rowsDone);
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT max(RECID) FROM INVENTTRANS")), paused.status.checkpoint);

    bool finished = false;
    QObject::connect(&run, &UpgradeRun::finished, [&] { finished = true; });
    ASSERT_TRUE(requestAndWait(run, TaskAction::Resume, copy).first);
    ASSERT_TRUE(waitUntil([&] { return finished && taskView(run, QStringLiteral("finalize")).status.state == TaskState::Ended; }, 120000));
    expectAllEnded(run);
    EXPECT_EQ(taskView(run, copy).status.attempts, 2);
    EXPECT_EQ(tableDifferences(source(), target()), QStringList());
}

TEST_F(Upgrade, ReadyTaskIsTakenBackFromTheQueueWhenPaused)
{
    Plan plan = demo(200000, 200, 10'000'000);
    plan.groups = {BatchGroup{QStringLiteral("one"), 1, {QStringLiteral("*")}}};
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    run.start();
    // While the single thread copies INVENTTRANS in small batches, the next task sits Ready.
    QString ready;
    ASSERT_TRUE(waitUntil([&] {
        bool copying = false;
        ready.clear();
        for (const auto &t : allTasks(run)) {
            copying |= t.spec.name == QLatin1String("copy:INVENTTRANS") && t.status.state == TaskState::Executing;
            if (t.status.state == TaskState::Ready)
                ready = t.spec.name;
        }
        return copying && !ready.isEmpty();
    }, 60000));
    auto [ok, reason] = requestAndWait(run, TaskAction::Pause, ready);
    ASSERT_TRUE(ok) << qPrintable(reason);
    // The answer comes before the snapshot that shows it.
    EXPECT_TRUE(waitUntil([&] { return taskView(run, ready).status.state == TaskState::Paused; }, 5000));
    const TaskView v = taskView(run, ready);
    EXPECT_EQ(v.status.attempts, 0); // it never started
    run.stop();
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("copy:INVENTTRANS")).status.state != TaskState::Executing; }, 60000));
}

TEST_F(Upgrade, FailedPrepareBlocksItsTableAndRerunSucceeds)
{
    Plan plan = demo(20000);
    plan.ifTargetExists = IfTargetExists::Fail;
    execSqlite(target(), QStringLiteral("CREATE TABLE CUSTTABLE (X INTEGER)"));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(runToEnd(run));
    const TaskView prepare = taskView(run, QStringLiteral("prepare:CUSTTABLE"));
    EXPECT_EQ(prepare.status.state, TaskState::Error);
    EXPECT_TRUE(prepare.status.message.contains(QStringLiteral("already exists"))) << qPrintable(prepare.status.message);
    EXPECT_EQ(taskView(run, QStringLiteral("copy:CUSTTABLE")).waitReason, QStringLiteral("blocked by failed task prepare:CUSTTABLE"));
    EXPECT_EQ(taskView(run, QStringLiteral("validate:CUSTTABLE")).waitReason, QStringLiteral("blocked by failed task prepare:CUSTTABLE"));
    EXPECT_EQ(taskView(run, QStringLiteral("validate:INVENTTRANS")).status.state, TaskState::Ended);
    // Nothing was lost: the administrator's own table is untouched.
    EXPECT_EQ(queryStrings(target(), QStringLiteral("SELECT name FROM pragma_table_info('CUSTTABLE')")), QStringList{QStringLiteral("X")});

    execSqlite(target(), QStringLiteral("DROP TABLE CUSTTABLE"));
    bool finished = false;
    QObject::connect(&run, &UpgradeRun::finished, [&] { finished = true; });
    ASSERT_TRUE(requestAndWait(run, TaskAction::Rerun, QStringLiteral("prepare:CUSTTABLE")).first);
    ASSERT_TRUE(waitUntil([&] { return finished; }, 60000));
    expectAllEnded(run);
    EXPECT_EQ(taskView(run, QStringLiteral("prepare:CUSTTABLE")).status.attempts, 2);
    EXPECT_EQ(tableDifferences(source(), target()), QStringList());
}

TEST_F(Upgrade, ReplaceDropsAnExistingTargetTableAndCopiesAgain)
{
    Plan plan = demo(20000);
    plan.ifTargetExists = IfTargetExists::Replace;
    execSqlite(target(), QStringLiteral("CREATE TABLE CUSTTABLE (X INTEGER)"));
    execSqlite(target(), QStringLiteral("INSERT INTO CUSTTABLE VALUES (1), (2)"));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(runToEnd(run));
    expectAllEnded(run);
    EXPECT_EQ(tableDifferences(source(), target()), QStringList());
}

TEST_F(Upgrade, SkippedIndexIsRecordedAndNotBuilt)
{
    Plan plan = demo(20000);
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    QString index;
    for (const auto &t : allTasks(run))
        if (t.spec.kind == TaskKind::Index && t.spec.table == QLatin1String("INVENTTRANS"))
            index = t.spec.name;
    ASSERT_FALSE(index.isEmpty());
    ASSERT_TRUE(requestAndWait(run, TaskAction::Skip, index).first);
    ASSERT_TRUE(runToEnd(run));
    expectAllEnded(run);
    const TaskView v = taskView(run, index);
    EXPECT_TRUE(v.status.skipped);
    EXPECT_EQ(v.status.message, QStringLiteral("skipped by administrator"));
    const QString indexName = index.section(u'.', -1);
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type='index' AND name='%1'").arg(indexName)), 0);
}

TEST_F(Upgrade, ValidationNamesTheFirstDifferingKey)
{
    Plan plan = demo(20000);
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(requestAndWait(run, TaskAction::Pause, QStringLiteral("validate:CUSTTABLE")).first);
    ASSERT_TRUE(runToEnd(run));
    const qint64 key = queryInt(target(), QStringLiteral("SELECT RECID FROM CUSTTABLE ORDER BY RECID LIMIT 1 OFFSET 10"));
    execSqlite(target(), QStringLiteral("UPDATE CUSTTABLE SET NAME = 'tampered' WHERE RECID = %1").arg(key));
    bool finished = false;
    QObject::connect(&run, &UpgradeRun::finished, [&] { finished = true; });
    ASSERT_TRUE(requestAndWait(run, TaskAction::Resume, QStringLiteral("validate:CUSTTABLE")).first);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("validate:CUSTTABLE")).status.state == TaskState::Error; }, 60000));
    const QString message = taskView(run, QStringLiteral("validate:CUSTTABLE")).status.message;
    EXPECT_TRUE(message.contains(QStringLiteral("checksum differs"))) << qPrintable(message);
    EXPECT_TRUE(message.contains(QString::number(key))) << qPrintable(message);
    EXPECT_EQ(taskView(run, QStringLiteral("finalize")).waitReason, QStringLiteral("blocked by failed task validate:CUSTTABLE"));
}

TEST_F(Upgrade, ClosingMidCopyAndReopeningContinuesWithoutLoss)
{
    Plan plan = demo(300000, 1000, 100000);
    plan.copyMethod = CopyMethod::Batches; // checkpointed batches (SQLite to SQLite would transfer whole tables)
    {
        UpgradeRun run;
        ASSERT_EQ(openAndWait(run, plan), QString());
        run.start();
        ASSERT_TRUE(waitUntil([&] {
            qint64 rows = 0;
            for (const auto &t : allTasks(run))
                if (t.spec.name.startsWith(QLatin1String("copy:INVENTTRANS")))
                    rows += t.status.rowsDone;
            return rows >= 20000;
        }, 60000));
    } // the window closes: the run stops at safe points and releases the state
    UpgradeRun again;
    ASSERT_EQ(openAndWait(again, plan), QString());
    bool interrupted = false;
    for (const auto &t : allTasks(again)) {
        EXPECT_NE(t.status.state, TaskState::Executing);
        EXPECT_NE(t.status.state, TaskState::Ready);
        interrupted |= t.spec.kind == TaskKind::Copy && t.status.attempts == 1 && t.status.state == TaskState::Waiting
                       && t.status.rowsDone > 0;
    }
    EXPECT_TRUE(interrupted) << "no copy was caught midway";
    ASSERT_TRUE(runToEnd(again));
    expectAllEnded(again);
    EXPECT_EQ(tableDifferences(source(), target()), QStringList());
}

TEST_F(Upgrade, CanceledCopyRerunsFromItsCheckpoint)
{
    Plan plan = demo(200000, 500, 10'000'000);
    plan.copyMethod = CopyMethod::Batches; // checkpointed batches (SQLite to SQLite would transfer whole tables)
    plan.groups = {BatchGroup{QStringLiteral("one"), 1, {QStringLiteral("*")}}};
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    run.start();
    const QString copy = QStringLiteral("copy:INVENTTRANS");
    ASSERT_TRUE(waitUntil([&] { return taskView(run, copy).status.rowsDone >= 2000; }, 60000));
    ASSERT_TRUE(requestAndWait(run, TaskAction::Cancel, copy).first);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, copy).status.state == TaskState::Canceled; }, 30000));
    const qint64 done = taskView(run, copy).status.rowsDone;
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM INVENTTRANS")), done);
    bool finished = false;
    QObject::connect(&run, &UpgradeRun::finished, [&] { finished = true; });
    ASSERT_TRUE(requestAndWait(run, TaskAction::Rerun, copy).first);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("finalize")).status.state == TaskState::Ended; }, 120000));
    expectAllEnded(run);
    EXPECT_EQ(tableDifferences(source(), target()), QStringList());
}

// SQLite to SQLite copies a table in one statement: its progress is estimated while it runs, a
// Cancel interrupts it and rolls the whole table back, and Rerun copies it whole.
TEST_F(Upgrade, CanceledTransferRollsBackAndRerunsWhole)
{
    Plan plan = demo(800000, 20000, 250000, 0.02);
    plan.groups = {BatchGroup{QStringLiteral("one"), 1, {QStringLiteral("*")}}};
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    run.start();
    const QString copy = QStringLiteral("copy:INVENTTRANS");
    ASSERT_TRUE(waitUntil([&] {
        const TaskView v = taskView(run, copy);
        return v.status.state == TaskState::Executing && v.status.rowsDone > 0;
    }, 60000)) << "no progress seen while the transfer ran";
    EXPECT_LT(taskView(run, copy).status.rowsDone, 800000);
    ASSERT_TRUE(requestAndWait(run, TaskAction::Cancel, copy).first);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, copy).status.state == TaskState::Canceled; }, 30000));
    EXPECT_EQ(queryInt(target(), QStringLiteral("SELECT count(*) FROM INVENTTRANS")), 0);
    bool finished = false;
    QObject::connect(&run, &UpgradeRun::finished, [&] { finished = true; });
    ASSERT_TRUE(requestAndWait(run, TaskAction::Rerun, copy).first);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("finalize")).status.state == TaskState::Ended; }, 120000));
    expectAllEnded(run);
    EXPECT_EQ(taskView(run, copy).status.rowsDone, 800000);
    EXPECT_EQ(tableDifferences(source(), target()), QStringList());
}

TEST_F(Upgrade, MissingSourceIsAClearErrorBeforeAnyTask)
{
    Plan plan = demo(1000);
    plan.source.path = dir.filePath(QStringLiteral("nope.db"));
    UpgradeRun run;
    const QString error = openAndWait(run, plan);
    EXPECT_TRUE(error.contains(QStringLiteral("does not exist"))) << qPrintable(error);
    EXPECT_TRUE(error.contains(QStringLiteral("nope.db"))) << qPrintable(error);
}

TEST_F(Upgrade, NotADatabaseIsAClearError)
{
    Plan plan = demo(1000);
    QFile f(dir.filePath(QStringLiteral("junk.db")));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, 'x'));
    f.close();
    plan.source.path = f.fileName();
    UpgradeRun run;
    const QString error = openAndWait(run, plan);
    EXPECT_TRUE(error.contains(QStringLiteral("not a usable SQLite database"))) << qPrintable(error);
}

TEST_F(Upgrade, OnlyOneProcessOwnsARun)
{
    Plan plan = demo(1000);
    UpgradeRun first;
    ASSERT_EQ(openAndWait(first, plan), QString());
    UpgradeRun second;
    const QString error = openAndWait(second, plan);
    EXPECT_TRUE(error.contains(QStringLiteral("is being executed by"))) << qPrintable(error);
}

TEST_F(Upgrade, CommandsPostedThroughTheStoreApplyWithinASecond)
{
    Plan plan = demo(1000);
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    // Another process (here: another connection) posts a command, as `upgradectl pause` does.
    auto store = ControlStore::open(plan.statePath);
    ASSERT_TRUE(store.ok());
    auto id = (*store)->postCommand(TaskAction::Pause, QStringLiteral("copy:VEND*"), false);
    ASSERT_TRUE(id.ok());
    QElapsedTimer t;
    t.start();
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("copy:VENDTABLE")).status.state == TaskState::Paused; }, 5000));
    EXPECT_LT(t.elapsed(), 1000);
    // The answer is written right after the task changed (the window may see the change first).
    auto outcome = (*store)->commandOutcome(*id);
    ASSERT_TRUE(waitUntil([&] {
        outcome = (*store)->commandOutcome(*id);
        return outcome.ok() && outcome->done;
    }, 5000));
    EXPECT_TRUE(outcome->ok);
    EXPECT_TRUE(outcome->result.contains(QStringLiteral("copy:VENDTABLE: ok"))) << qPrintable(outcome->result);
}

TEST_F(Upgrade, TransitionsArePersistedWithEvents)
{
    Plan plan = demo(1000);
    {
        UpgradeRun run;
        ASSERT_EQ(openAndWait(run, plan), QString());
        ASSERT_TRUE(runToEnd(run));
        expectAllEnded(run);
    }
    auto store = ControlStore::open(plan.statePath);
    ASSERT_TRUE(store.ok());
    auto tasks = (*store)->loadTasks();
    ASSERT_TRUE(tasks.ok());
    for (const auto &[spec, status] : *tasks)
        EXPECT_EQ(status.state, TaskState::Ended) << qPrintable(spec.name);
    // Every task went Waiting -> Ready -> Executing -> Ended, each step recorded.
    EXPECT_EQ(queryInt(plan.statePath, QStringLiteral("SELECT count(*) FROM event WHERE to_state='Ended'")), tasks->size());
    EXPECT_EQ(queryInt(plan.statePath, QStringLiteral("SELECT count(*) FROM event WHERE to_state='Executing'")), tasks->size());
    EXPECT_GT(queryInt(plan.statePath, QStringLiteral("SELECT count(*) FROM task_log")), 0);
}

} // namespace
