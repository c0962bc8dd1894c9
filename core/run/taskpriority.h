#pragma once
// The administrator's priority of a task (TaskSpec::priority, the AX feature of raising or
// lowering a table's weight): among the tasks whose dependencies are met, a higher priority is
// dispatched first, before the size order. When it may change, in one place for the scheduler
// (which enforces it), the window (which enables Raise/Lower priority) and the CLI.

#include "tasks/taskrules.h"

namespace cockpit {

// Allowed for Waiting tasks and for those that wait for the administrator (Paused, Error,
// Canceled: the priority counts once they are resumed or rerun); refused once a task has been
// dispatched (Ready, Executing) or has ended, where it can no longer change anything.
ActionCheck checkPriorityChange(TaskState state);

} // namespace cockpit
