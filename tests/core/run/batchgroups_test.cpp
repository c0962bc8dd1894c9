// Batch groups steered while the run goes on: removing a group's worker stops new dispatch
// while the executing tasks finish, adding it back lets the run end; the thread limit holds;
// both survive a reopen and arrive through the store's command queue. Real SQLite demo files.

#include "demo/demogenerator.h"
#include "store/controlstore.h"
#include "support/testsupport.h"

#include <QSet>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

const QString kCopy = QStringLiteral("copy");
const QString kPost = QStringLiteral("post");

class BatchGroups : public ::testing::Test {
protected:
    QTemporaryDir dir;

    // The demo with INVENTTRANS in several chunks copied in small batches (each chunk takes a
    // while), the "copy" group (prepare:*, copy:*) with `copyThreads`.
    Plan demo(int copyThreads)
    {
        auto p = writeDemo(DemoOptions{dir.path(), 120000, 0.05});
        EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message.toStdString());
        Plan plan = *p;
        plan.scriptsDir.clear(); // copies only: the target must equal the source
        plan.batchSize = 200;
        plan.chunkRows = 20000;
        plan.tableOptions.clear();
        plan.groups = {BatchGroup{kCopy, copyThreads, {QStringLiteral("prepare:*"), QStringLiteral("copy:*")}},
                       BatchGroup{kPost, 2, {QStringLiteral("*")}}};
        return plan;
    }

    // Calls `change` and waits for the run's answer to it: (ok, message).
    static std::pair<bool, QString> groupAction(UpgradeRun &run, const std::function<void()> &change)
    {
        bool got = false, ok = false;
        QString message;
        auto c = QObject::connect(&run, &UpgradeRun::groupActionDone, [&](const QString &, bool done, const QString &m) {
            got = true;
            ok = done;
            message = m;
        });
        change();
        if (!waitUntil([&] { return got; }, 10000))
            message = QStringLiteral("no answer");
        QObject::disconnect(c);
        return {ok, message};
    }

    static GroupView group(const UpgradeRun &run, const QString &name)
    {
        for (const auto &g : run.snapshot(0).groups)
            if (g.name == name)
                return g;
        return {};
    }

    static QVector<TaskView> inGroup(const UpgradeRun &run, const QString &name, TaskState state)
    {
        QVector<TaskView> out;
        for (const auto &t : allTasks(run))
            if (t.spec.group == name && t.status.state == state)
                out << t;
        return out;
    }

    static QString removedReason(const QString &g)
    {
        return QStringLiteral("batch group %1 has no worker (removed by the administrator)").arg(g);
    }
};

TEST_F(BatchGroups, RemovedWorkerLetsExecutingCopiesEndAndStartsNoOtherUntilAddedBack)
{
    // One thread: while it copies, the next task of the group sits Ready in the queue.
    Plan plan = demo(1);
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    run.start();
    ASSERT_TRUE(waitUntil([&] {
        return !inGroup(run, kCopy, TaskState::Executing).isEmpty() && !inGroup(run, kCopy, TaskState::Ready).isEmpty()
               && inGroup(run, kCopy, TaskState::Executing).first().spec.kind == TaskKind::Copy;
    }, 60000));

    auto [ok, message] = groupAction(run, [&] { run.setGroupWorkerRemoved(kCopy, true); });
    ASSERT_TRUE(ok) << qPrintable(message);
    EXPECT_TRUE(message.contains(QStringLiteral("worker removed from batch group copy by administrator"))) << qPrintable(message);

    // What executes now may finish; everything else of the group waits, with the reason.
    QSet<QString> executingAtRemoval;
    for (const auto &t : inGroup(run, kCopy, TaskState::Executing))
        executingAtRemoval << t.spec.name;
    for (const auto &t : inGroup(run, kCopy, TaskState::Ready))
        executingAtRemoval << t.spec.name; // a thread had taken it already: it runs to its end
    ASSERT_FALSE(executingAtRemoval.isEmpty());
    int takenBack = 0;
    for (const auto &t : allTasks(run))
        if (t.spec.group == kCopy && t.status.state == TaskState::Waiting
            && t.status.message.contains(QStringLiteral("taken back from the queue"))) {
            ++takenBack;
            EXPECT_EQ(t.status.attempts, 0) << qPrintable(t.spec.name); // it never started
            EXPECT_EQ(t.waitReason, removedReason(kCopy));
        }
    EXPECT_GE(takenBack, 1) << "the Ready task went back to Waiting";

    // Sampled until the executing ones have ended: no other task of the group starts.
    auto checkNothingNewStarts = [&] {
        for (const auto &t : allTasks(run)) {
            if (t.spec.group == kCopy
                && (t.status.state == TaskState::Executing || t.status.state == TaskState::Ready)) {
                EXPECT_TRUE(executingAtRemoval.contains(t.spec.name)) << qPrintable(t.spec.name) << " started after the removal";
            }
        }
    };
    ASSERT_TRUE(waitUntil([&] {
        checkNothingNewStarts();
        return inGroup(run, kCopy, TaskState::Executing).isEmpty() && inGroup(run, kCopy, TaskState::Ready).isEmpty();
    }, 120000));
    for (const QString &name : executingAtRemoval)
        EXPECT_EQ(taskView(run, name).status.state, TaskState::Ended) << qPrintable(name);
    // The post group goes on with what does not need the copies; then the run holds, not ends.
    bool finished = false;
    QObject::connect(&run, &UpgradeRun::finished, [&] { finished = true; });
    waitUntil([&] {
        checkNothingNewStarts();
        return false;
    }, 1500);
    EXPECT_FALSE(finished);
    const auto waitingCopies = inGroup(run, kCopy, TaskState::Waiting);
    ASSERT_FALSE(waitingCopies.isEmpty());
    for (const auto &t : waitingCopies)
        EXPECT_EQ(t.waitReason, removedReason(kCopy)) << qPrintable(t.spec.name);
    const GroupView g = group(run, kCopy);
    EXPECT_TRUE(g.removed);
    EXPECT_TRUE(g.executing.isEmpty());
    EXPECT_EQ(g.ready, 0);
    EXPECT_EQ(g.waiting, waitingCopies.size());

    std::tie(ok, message) = groupAction(run, [&] { run.setGroupWorkerRemoved(kCopy, false); });
    ASSERT_TRUE(ok) << qPrintable(message);
    EXPECT_FALSE(group(run, kCopy).removed);
    ASSERT_TRUE(waitUntil([&] { return finished; }, 300000));
    for (const auto &t : allTasks(run))
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), dir.filePath(QStringLiteral("target.db"))),
              QStringList());
}

TEST_F(BatchGroups, LoweredThreadLimitHoldsOnceTheExecutingTasksHaveEnded)
{
    Plan plan = demo(3);
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    bool finished = false;
    QObject::connect(&run, &UpgradeRun::finished, [&] { finished = true; });
    run.start();
    ASSERT_TRUE(waitUntil([&] { return inGroup(run, kCopy, TaskState::Executing).size() >= 2; }, 60000));
    QSet<QString> executingAtChange;
    for (const auto &t : inGroup(run, kCopy, TaskState::Executing))
        executingAtChange << t.spec.name;

    auto [ok, message] = groupAction(run, [&] { run.setGroupThreads(kCopy, 1); });
    ASSERT_TRUE(ok) << qPrintable(message);
    EXPECT_EQ(group(run, kCopy).threads, 1);

    // Sampled to the end: once at most one executes, never more than one again.
    bool settled = false;
    int samples = 0;
    ASSERT_TRUE(waitUntil([&] {
        const auto executing = inGroup(run, kCopy, TaskState::Executing);
        if (settled) {
            EXPECT_LE(executing.size(), 1) << "more than one task of a 1-thread group executes";
            EXPECT_LE(group(run, kCopy).executing.size(), 1);
        }
        settled |= executing.size() <= 1;
        ++samples;
        return finished;
    }, 300000));
    EXPECT_GT(samples, 10);
    // Lowering interrupted nothing: the tasks executing then each ran once, to their end.
    for (const QString &name : executingAtChange) {
        const TaskView t = taskView(run, name);
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(name);
        EXPECT_EQ(t.status.attempts, 1) << qPrintable(name);
    }
    for (const auto &t : allTasks(run))
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name);
}

TEST_F(BatchGroups, BadGroupRequestsAreRefusedWithTheReason)
{
    Plan plan = demo(2);
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    auto [ok, message] = groupAction(run, [&] { run.setGroupWorkerRemoved(QStringLiteral("nosuch"), true); });
    EXPECT_FALSE(ok);
    EXPECT_EQ(message, QStringLiteral("no batch group \"nosuch\" in this run (its groups: copy, post)"));
    std::tie(ok, message) = groupAction(run, [&] { run.setGroupThreads(kCopy, 0); });
    EXPECT_FALSE(ok);
    EXPECT_EQ(message, QStringLiteral("threads of batch group copy must be between 1 and 256, not 0"));
    EXPECT_EQ(group(run, kCopy).threads, 2);
    // Asking for what already is changes and records nothing.
    std::tie(ok, message) = groupAction(run, [&] { run.setGroupThreads(kCopy, 2); });
    EXPECT_TRUE(ok);
    EXPECT_EQ(message, QStringLiteral("batch group copy has 2 thread(s) already"));
    std::tie(ok, message) = groupAction(run, [&] { run.setGroupWorkerRemoved(kCopy, false); });
    EXPECT_TRUE(ok);
    EXPECT_EQ(message, QStringLiteral("batch group copy has its worker already"));
    auto store = ControlStore::open(plan.statePath);
    ASSERT_TRUE(store.ok());
    const auto events = (*store)->events(); // kept: the loop would outlive a temporary
    ASSERT_TRUE(events.ok());
    for (const auto &e : *events)
        EXPECT_FALSE(e.task.startsWith(QStringLiteral("batch group"))) << qPrintable(e.message);
}

TEST_F(BatchGroups, SettingsArePersistedLoggedAndKeptByAReopenedRun)
{
    Plan plan = demo(2);
    {
        UpgradeRun run;
        ASSERT_EQ(openAndWait(run, plan), QString());
        ASSERT_TRUE(groupAction(run, [&] { run.setGroupThreads(kPost, 5); }).first);
        ASSERT_TRUE(groupAction(run, [&] { run.setGroupWorkerRemoved(kCopy, true); }).first);
        for (const auto &t : inGroup(run, kCopy, TaskState::Waiting))
            EXPECT_EQ(t.waitReason, removedReason(kCopy)) << qPrintable(t.spec.name);
    }
    UpgradeRun reopened;
    ASSERT_EQ(openAndWait(reopened, plan), QString());
    EXPECT_EQ(group(reopened, kPost).threads, 5);
    EXPECT_FALSE(group(reopened, kPost).removed);
    EXPECT_TRUE(group(reopened, kCopy).removed);
    EXPECT_EQ(group(reopened, kCopy).threads, 2);
    EXPECT_EQ(taskView(reopened, QStringLiteral("copy:CUSTTABLE")).waitReason, removedReason(kCopy));

    auto store = ControlStore::open(plan.statePath);
    ASSERT_TRUE(store.ok());
    auto events = (*store)->events();
    ASSERT_TRUE(events.ok());
    QStringList actions;
    for (const auto &e : *events)
        if (e.task.startsWith(QStringLiteral("batch group ")))
            actions << e.task + QStringLiteral(": ") + e.message;
    EXPECT_EQ(actions, (QStringList{
                           QStringLiteral("batch group post: threads of batch group post set from 2 to 5 by administrator"),
                           QStringLiteral("batch group copy: worker removed from batch group copy by administrator: "
                                          "0 queued task(s) taken back, 0 executing finish")}));
}

TEST_F(BatchGroups, CommandsPostedThroughTheStoreSteerTheGroups)
{
    Plan plan = demo(2);
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    // Another process (here: another connection) posts, as `upgradectl worker` does.
    auto store = ControlStore::open(plan.statePath);
    ASSERT_TRUE(store.ok());
    auto answer = [&](qint64 id) {
        CommandOutcome out;
        EXPECT_TRUE(waitUntil([&] {
            auto o = (*store)->commandOutcome(id);
            if (o.ok())
                out = *o;
            return out.done;
        }, 5000));
        return out;
    };
    auto removed = (*store)->postGroupCommand(GroupAction::RemoveWorker, kCopy);
    ASSERT_TRUE(removed.ok());
    CommandOutcome out = answer(*removed);
    EXPECT_TRUE(out.ok) << qPrintable(out.result);
    EXPECT_TRUE(group(run, kCopy).removed);

    auto threads = (*store)->postGroupCommand(GroupAction::SetThreads, kPost, 7);
    ASSERT_TRUE(threads.ok());
    out = answer(*threads);
    EXPECT_TRUE(out.ok) << qPrintable(out.result);
    EXPECT_EQ(out.result, QStringLiteral("threads of batch group post set from 2 to 7 by administrator"));
    EXPECT_EQ(group(run, kPost).threads, 7);

    auto added = (*store)->postGroupCommand(GroupAction::AddWorker, kCopy);
    ASSERT_TRUE(added.ok());
    EXPECT_TRUE(answer(*added).ok);
    EXPECT_FALSE(group(run, kCopy).removed);

    auto unknown = (*store)->postGroupCommand(GroupAction::AddWorker, QStringLiteral("nosuch"));
    ASSERT_TRUE(unknown.ok());
    out = answer(*unknown);
    EXPECT_FALSE(out.ok);
    EXPECT_TRUE(out.result.startsWith(QStringLiteral("no batch group \"nosuch\""))) << qPrintable(out.result);
}

} // namespace
