#include "tasks/taskrules.h"

#include <gtest/gtest.h>

using namespace cockpit;

TEST(TaskRules, PauseIsAllowedForWaitingTask)
{
    EXPECT_EQ(checkAction(TaskAction::Pause, TaskState::Waiting, true).verdict, ActionCheck::Allowed);
    EXPECT_EQ(checkAction(TaskAction::Pause, TaskState::Waiting, false).verdict, ActionCheck::Allowed);
}

TEST(TaskRules, PauseOfReadyTaskDependsOnTheQueue)
{
    const ActionCheck c = checkAction(TaskAction::Pause, TaskState::Ready, false);
    EXPECT_EQ(c.verdict, ActionCheck::AllowedIfStillQueued);
    EXPECT_TRUE(c.possible());
    EXPECT_TRUE(readyPauseRefusal().contains(QStringLiteral("only Waiting tasks can be paused")));
}

TEST(TaskRules, ExecutingCopyPausesAtNextBatchOthersAreRefused)
{
    EXPECT_EQ(checkAction(TaskAction::Pause, TaskState::Executing, true).verdict, ActionCheck::AllowedAtNextBatch);
    const ActionCheck index = checkAction(TaskAction::Pause, TaskState::Executing, false);
    EXPECT_EQ(index.verdict, ActionCheck::Refused);
    EXPECT_FALSE(index.reason.isEmpty());
}

TEST(TaskRules, PauseIsRefusedForFinishedTasks)
{
    for (auto s : {TaskState::Ended, TaskState::Error, TaskState::Paused, TaskState::Canceled}) {
        const ActionCheck c = checkAction(TaskAction::Pause, s, true);
        EXPECT_EQ(c.verdict, ActionCheck::Refused) << qPrintable(toString(s));
        EXPECT_FALSE(c.reason.isEmpty());
    }
}

TEST(TaskRules, ResumeOnlyForPaused)
{
    for (int i = 0; i < TaskStateCount; ++i) {
        const auto s = TaskState(i);
        EXPECT_EQ(checkAction(TaskAction::Resume, s, true).possible(), s == TaskState::Paused) << qPrintable(toString(s));
    }
}

TEST(TaskRules, RerunOnlyForErrorOrCanceled)
{
    for (int i = 0; i < TaskStateCount; ++i) {
        const auto s = TaskState(i);
        EXPECT_EQ(checkAction(TaskAction::Rerun, s, true).possible(),
                  s == TaskState::Error || s == TaskState::Canceled)
            << qPrintable(toString(s));
    }
}

TEST(TaskRules, SkipIsRefusedWhileExecutingOrEnded)
{
    EXPECT_FALSE(checkAction(TaskAction::Skip, TaskState::Executing, true).possible());
    EXPECT_FALSE(checkAction(TaskAction::Skip, TaskState::Ended, true).possible());
    EXPECT_TRUE(checkAction(TaskAction::Skip, TaskState::Error, true).possible());
    EXPECT_TRUE(checkAction(TaskAction::Skip, TaskState::Waiting, false).possible());
    EXPECT_EQ(checkAction(TaskAction::Skip, TaskState::Ready, false).verdict, ActionCheck::AllowedIfStillQueued);
}

TEST(TaskRules, CancelStopsCopyAtBatchAndInterruptsOthers)
{
    EXPECT_EQ(checkAction(TaskAction::Cancel, TaskState::Executing, true).verdict, ActionCheck::AllowedAtNextBatch);
    EXPECT_EQ(checkAction(TaskAction::Cancel, TaskState::Executing, false).verdict, ActionCheck::Allowed);
    EXPECT_FALSE(checkAction(TaskAction::Cancel, TaskState::Ended, false).possible());
}

TEST(TaskStates, NamesRoundTrip)
{
    for (int i = 0; i < TaskStateCount; ++i) {
        const auto s = TaskState(i);
        EXPECT_EQ(taskStateFromString(toString(s)), s);
    }
    EXPECT_FALSE(taskStateFromString(QStringLiteral("Withheld")).has_value());
}
