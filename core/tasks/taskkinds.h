#pragma once
// One function per task kind, each in a file of its own (preparetask.cpp, copytask.cpp,
// validatetask.cpp, indextasks.cpp, constrainttasks.cpp, finalizetask.cpp, scripttask.cpp):
// the task interface is `TaskOutcome run(const TaskContext &)`, run on a worker thread,
// opening its own connections and returning what happened as a value. executeTask
// (taskexecutor.h) picks one by the task's kind.

#include "tasks/taskexecutor.h"

namespace cockpit {

// Creates the target table; a source whose types are hints is scanned first (targettable.h).
TaskOutcome runPrepare(const TaskContext &ctx);
// Copies one table or chunk in batches, each committed with its checkpoint; resumes from it.
TaskOutcome runCopy(const TaskContext &ctx);
// Compares row counts and checksums of the source and the target.
TaskOutcome runValidate(const TaskContext &ctx);
TaskOutcome runIndex(const TaskContext &ctx);
TaskOutcome runPrimaryKey(const TaskContext &ctx);
TaskOutcome runForeignKey(const TaskContext &ctx);
TaskOutcome runCheck(const TaskContext &ctx);
TaskOutcome runIdentity(const TaskContext &ctx);
TaskOutcome runView(const TaskContext &ctx);
// Removes the checkpoints and leaves the target in its normal mode.
TaskOutcome runFinalize(const TaskContext &ctx);
TaskOutcome runScript(const TaskContext &ctx); // scripttask.cpp

} // namespace cockpit
