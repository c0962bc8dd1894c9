// The administrator's task priority while the run goes on: a raised Waiting task is dispatched
// before the larger ones the size order would start first, the change is stored and recorded
// in the task's events, an executing task's is refused; a command posted to the store (as
// `upgradectl priority` from another process does) arrives the same way. Real SQLite demo files.

#include "demo/demogenerator.h"
#include "store/controlstore.h"
#include "support/testsupport.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

const QString kCopy = QStringLiteral("copy");

class Priority : public ::testing::Test {
protected:
    QTemporaryDir dir;

    // The demo with INVENTTRANS in chunks copied in small batches, the "copy" group (prepare:*,
    // copy:*) with one thread: its tasks start one after the other, in dispatch order.
    Plan demo()
    {
        auto p = writeDemo(DemoOptions{dir.path(), 120000, 0.05});
        EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message.toStdString());
        Plan plan = *p;
        plan.scriptsDir.clear();
        plan.batchSize = 200;
        plan.chunkRows = 20000;
        plan.tableOptions.clear();
        plan.groups = {BatchGroup{kCopy, 1, {QStringLiteral("prepare:*"), QStringLiteral("copy:*")}},
                       BatchGroup{QStringLiteral("post"), 2, {QStringLiteral("*")}}};
        return plan;
    }

    // Asks for `priority` on one task and waits for the run's answer: (ok, message).
    static std::pair<bool, QString> setPriority(UpgradeRun &run, const QString &task, int priority)
    {
        bool got = false, ok = false;
        QString message = QStringLiteral("no answer for ") + task;
        auto c = QObject::connect(&run, &UpgradeRun::priorityDone, [&](const QString &t, bool o, const QString &m) {
            if (t == task) {
                got = true;
                ok = o;
                message = m;
            }
        });
        run.setPriority({task}, priority);
        waitUntil([&] { return got; }, 10000);
        QObject::disconnect(c);
        return {ok, message};
    }

    static QVector<TaskView> inGroup(const UpgradeRun &run, TaskState state)
    {
        QVector<TaskView> out;
        for (const auto &t : allTasks(run))
            if (t.spec.group == kCopy && t.status.state == state)
                out << t;
        return out;
    }
};

TEST_F(Priority, RaisedWaitingTaskStartsBeforeLargerOnesAndExecutingIsRefused)
{
    const Plan plan = demo();
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    run.start();
    ASSERT_TRUE(waitUntil([&] {
        const auto executing = inGroup(run, TaskState::Executing);
        return !executing.isEmpty() && executing.first().spec.kind == TaskKind::Copy;
    }, 60000));

    // An executing task's priority changes nothing any more: refused, and said why. (A copy
    // that ended meanwhile is refused as ended: ask the one executing then.)
    QString refusal;
    for (int attempt = 0; attempt < 20 && !refusal.contains(QStringLiteral("executing")); ++attempt) {
        const auto executing = inGroup(run, TaskState::Executing);
        if (executing.isEmpty()) {
            waitUntil([&] { return !inGroup(run, TaskState::Executing).isEmpty(); }, 5000);
            continue;
        }
        const auto [ok, message] = setPriority(run, executing.first().spec.name, 9);
        EXPECT_FALSE(ok) << qPrintable(message);
        refusal = message;
    }
    EXPECT_TRUE(refusal.startsWith(QStringLiteral("executing: the priority only orders dispatch"))) << qPrintable(refusal);

    // The smallest Waiting prepare (no dependencies: it can start), which the size order would
    // start after the larger tasks waiting with it.
    const auto waiting = inGroup(run, TaskState::Waiting);
    QVector<TaskView> prepares;
    std::copy_if(waiting.begin(), waiting.end(), std::back_inserter(prepares),
                 [](const TaskView &t) { return t.spec.kind == TaskKind::Prepare; });
    ASSERT_FALSE(prepares.isEmpty());
    const TaskView raised = *std::min_element(prepares.begin(), prepares.end(), [](const TaskView &a, const TaskView &b) {
        return a.spec.estimatedRows < b.spec.estimatedRows;
    });
    ASSERT_TRUE(std::any_of(waiting.begin(), waiting.end(), [&](const TaskView &t) {
        return t.spec.estimatedRows > raised.spec.estimatedRows;
    }));
    const auto [ok, message] = setPriority(run, raised.spec.name, 5);
    ASSERT_TRUE(ok) << qPrintable(message);
    EXPECT_EQ(message, QStringLiteral("priority set from 0 to 5 by administrator"));
    ASSERT_TRUE(waitUntil([&] { return taskView(run, raised.spec.name).spec.priority == 5; }, 5000));
    // Published with the new priority: what waits now started after the raise at the earliest.
    QStringList waitingAfter;
    for (const auto &t : inGroup(run, TaskState::Waiting))
        if (t.spec.name != raised.spec.name)
            waitingAfter << t.spec.name;
    ASSERT_FALSE(waitingAfter.isEmpty());

    ASSERT_TRUE(runToEnd(run));
    auto store = ControlStore::open(plan.statePath);
    ASSERT_TRUE(store.ok());
    auto events = (*store)->events();
    ASSERT_TRUE(events.ok());
    QStringList startOrder; // each task's first start, in the store's order
    for (const StoredEvent &e : *events)
        if (e.toState == QLatin1String("Executing") && !startOrder.contains(e.task))
            startOrder << e.task;
    const qsizetype raisedAt = startOrder.indexOf(raised.spec.name);
    ASSERT_GE(raisedAt, 0);
    for (const QString &other : waitingAfter)
        EXPECT_LT(raisedAt, startOrder.indexOf(other)) << qPrintable(other) << " started before the raised " << qPrintable(raised.spec.name);

    // Stored and recorded as the administrator's action, without a state change.
    auto rows = (*store)->loadTasks();
    ASSERT_TRUE(rows.ok());
    for (const auto &[spec, status] : *rows) {
        if (spec.name == raised.spec.name) {
            EXPECT_EQ(spec.priority, 5);
        }
    }
    auto own = (*store)->events(raised.spec.name);
    ASSERT_TRUE(own.ok());
    EXPECT_TRUE(std::any_of(own->begin(), own->end(), [](const StoredEvent &e) {
        return e.fromState.isEmpty() && e.toState.isEmpty() && e.message == QStringLiteral("priority set from 0 to 5 by administrator");
    }));
}

TEST_F(Priority, CommandPostedToTheStoreReachesPausedTasksAndNamesUnknownOnes)
{
    const Plan plan = demo();
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    const QString task = inGroup(run, TaskState::Waiting).value(0).spec.name;
    ASSERT_FALSE(task.isEmpty());
    ASSERT_TRUE(requestAndWait(run, TaskAction::Pause, task).first);

    // Another process's store connection, like upgradectl's.
    auto store = ControlStore::open(plan.statePath);
    ASSERT_TRUE(store.ok());
    auto answer = [&](const QString &name, int priority) {
        auto id = (*store)->postPriorityCommand(name, priority);
        EXPECT_TRUE(id.ok());
        CommandOutcome outcome;
        waitUntil([&] {
            auto o = (*store)->commandOutcome(*id);
            if (o.ok())
                outcome = *o;
            return outcome.done;
        }, 10000);
        return outcome;
    };
    const CommandOutcome paused = answer(task, -2);
    EXPECT_TRUE(paused.done && paused.ok) << qPrintable(paused.result);
    EXPECT_EQ(paused.result, task + QStringLiteral(": ok (priority set from 0 to -2 by administrator; counts once the task is resumed)"));
    EXPECT_TRUE(waitUntil([&] { return taskView(run, task).spec.priority == -2; }, 5000));
    EXPECT_EQ(taskView(run, task).status.state, TaskState::Paused);

    const CommandOutcome same = answer(task, -2);
    EXPECT_TRUE(same.ok) << qPrintable(same.result);
    EXPECT_EQ(same.result, task + QStringLiteral(": ok (priority is -2 already)"));

    const CommandOutcome unknown = answer(QStringLiteral("copy:NOSUCH"), 1);
    EXPECT_TRUE(unknown.done);
    EXPECT_FALSE(unknown.ok);
    EXPECT_EQ(unknown.result, QStringLiteral("copy:NOSUCH: refused (no task matches)"));
}

} // namespace
