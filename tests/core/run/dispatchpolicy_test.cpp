// The scheduler's dispatch order and wait reasons (run/dispatchpolicy.h), on plain specs.
#include "run/dispatchpolicy.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace cockpit;

namespace {

TaskSpec spec(const QString &name, TaskKind kind, qint64 rows, int priority = 0, const QString &group = QStringLiteral("default"))
{
    TaskSpec s;
    s.name = name;
    s.kind = kind;
    s.estimatedRows = rows;
    s.priority = priority;
    s.group = group;
    return s;
}

QStringList names(const std::vector<const TaskSpec *> &specs)
{
    QStringList out;
    for (const TaskSpec *s : specs)
        out << s->name;
    return out;
}

std::vector<const TaskSpec *> sorted(const std::vector<TaskSpec> &specs)
{
    std::vector<const TaskSpec *> out;
    for (const TaskSpec &s : specs)
        out.push_back(&s);
    std::stable_sort(out.begin(), out.end(), [](const TaskSpec *a, const TaskSpec *b) { return startsBefore(*a, *b); });
    return out;
}

} // namespace

TEST(DispatchPolicy, LargestWorkFirstAndThePriorityOverridesIt)
{
    const std::vector<TaskSpec> specs{spec("copy:small", TaskKind::Copy, 10), spec("copy:big", TaskKind::Copy, 1000000),
                                      spec("copy:mid", TaskKind::Copy, 5000)};
    EXPECT_EQ(names(sorted(specs)), (QStringList{"copy:big", "copy:mid", "copy:small"}));

    std::vector<TaskSpec> raised = specs;
    raised[0].priority = 1; // the administrator raised the smallest table
    EXPECT_EQ(names(sorted(raised)), (QStringList{"copy:small", "copy:big", "copy:mid"}));
    raised[1].priority = -1; // and lowered the biggest
    EXPECT_EQ(names(sorted(raised)), (QStringList{"copy:small", "copy:mid", "copy:big"}));
}

TEST(DispatchPolicy, ATablesValidationGoesBeforeItsIndexBuilds)
{
    const std::vector<TaskSpec> specs{spec("index:T.a", TaskKind::Index, 500), spec("validate:T", TaskKind::Validate, 500),
                                      spec("index:T.b", TaskKind::Index, 500)};
    EXPECT_EQ(names(sorted(specs)), (QStringList{"validate:T", "index:T.a", "index:T.b"}));
}

TEST(DispatchPolicy, AGroupTakesItsThreadsPlusTheQueuedSlot)
{
    const std::vector<TaskSpec> specs{spec("copy:a", TaskKind::Copy, 40), spec("copy:b", TaskKind::Copy, 30),
                                      spec("copy:c", TaskKind::Copy, 20), spec("copy:d", TaskKind::Copy, 10)};
    QHash<QString, GroupRoom> rooms{{QStringLiteral("default"), GroupRoom{2, 0, false}}};
    EXPECT_EQ(names(tasksToLaunch(sorted(specs), rooms, {}, 1)), (QStringList{"copy:a", "copy:b", "copy:c"}));
    EXPECT_EQ(rooms.value(QStringLiteral("default")).active, 3);
    // Full: nothing more until one ends.
    EXPECT_TRUE(tasksToLaunch(sorted(specs), rooms, {}, 1).empty());
}

TEST(DispatchPolicy, ARemovedWorkerTakesNothingOtherGroupsGoOn)
{
    const std::vector<TaskSpec> specs{spec("copy:a", TaskKind::Copy, 40, 0, "heavy"), spec("copy:b", TaskKind::Copy, 30, 0, "light")};
    QHash<QString, GroupRoom> rooms{{QStringLiteral("heavy"), GroupRoom{4, 0, true}}, {QStringLiteral("light"), GroupRoom{1, 0, false}}};
    EXPECT_EQ(names(tasksToLaunch(sorted(specs), rooms, {}, 1)), (QStringList{"copy:b"}));
}

TEST(DispatchPolicy, TheQueuedSlotWaitsForTheCopyOfTheLargestTableStillPreparing)
{
    // One thread busy with the prepare of a 1M-row table: the queued slot is not given to a
    // smaller table's copy, but a task that is not a copy (or a bigger copy) may take it.
    const std::vector<TaskSpec> specs{spec("copy:small", TaskKind::Copy, 1000), spec("index:x.i", TaskKind::Index, 10)};
    QHash<QString, GroupRoom> rooms{{QStringLiteral("default"), GroupRoom{1, 1, false}}};
    const QHash<QString, qint64> preparing{{QStringLiteral("default"), 1000000}};
    EXPECT_EQ(names(tasksToLaunch(sorted(specs), rooms, preparing, 1)), (QStringList{"index:x.i"}));
    // With a free thread the small copy starts at once.
    QHash<QString, GroupRoom> free{{QStringLiteral("default"), GroupRoom{2, 1, false}}};
    EXPECT_EQ(names(tasksToLaunch(sorted(specs), free, preparing, 1)), (QStringList{"copy:small", "index:x.i"}));
}

TEST(DispatchPolicy, WaitReasonNamesTheRootCauseUpstream)
{
    const QString g = QStringLiteral("default");
    EXPECT_EQ(dependencyWaitReason({{"copy:T", TaskState::Executing, {}}}, g, false), QStringLiteral("waiting for copy:T"));
    EXPECT_EQ(dependencyWaitReason({{"copy:T#1", TaskState::Ended, {}}, {"copy:T#2", TaskState::Waiting, QStringLiteral("no free thread")}}, g,
                                   false),
              QStringLiteral("waiting for copy:T#2"));
    // A failure beats a pause, which beats plain waiting, whatever their order.
    EXPECT_EQ(dependencyWaitReason({{"copy:A", TaskState::Paused, {}}, {"copy:B", TaskState::Error, {}}, {"copy:C", TaskState::Executing, {}}},
                                   g, false),
              QStringLiteral("blocked by failed task copy:B"));
    EXPECT_EQ(dependencyWaitReason({{"copy:C", TaskState::Executing, {}}, {"copy:A", TaskState::Paused, {}}}, g, false),
              QStringLiteral("waiting for paused task copy:A"));
    EXPECT_EQ(dependencyWaitReason({{"copy:A", TaskState::Canceled, {}}}, g, false), QStringLiteral("blocked by canceled task copy:A"));
    // Through a waiting task in between, the root cause is passed on, not "waiting for validate:T".
    EXPECT_EQ(dependencyWaitReason({{"validate:T", TaskState::Waiting, QStringLiteral("blocked by failed task copy:T")}}, g, false),
              QStringLiteral("blocked by failed task copy:T"));
    EXPECT_EQ(dependencyWaitReason({{"validate:T", TaskState::Waiting, QStringLiteral("waiting for paused task copy:T")}}, g, false),
              QStringLiteral("waiting for paused task copy:T"));
}

TEST(DispatchPolicy, ARemovedWorkerIsTheReasonUnlessSomethingFailedUpstream)
{
    const QString g = QStringLiteral("heavy");
    EXPECT_EQ(dependencyWaitReason({}, g, true), QStringLiteral("batch group heavy has no worker (removed by the administrator)"));
    EXPECT_EQ(dependencyWaitReason({{"copy:T", TaskState::Executing, {}}}, g, true),
              QStringLiteral("batch group heavy has no worker (removed by the administrator)"));
    EXPECT_EQ(dependencyWaitReason({{"copy:T", TaskState::Error, {}}}, g, true), QStringLiteral("blocked by failed task copy:T"));
    // Nothing upstream: the scheduler adds its own reason (Run, a free thread, a retry).
    EXPECT_TRUE(dependencyWaitReason({{"copy:T", TaskState::Ended, {}}}, g, false).isEmpty());
}
