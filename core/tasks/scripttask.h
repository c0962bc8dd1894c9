#pragma once
// Post-synchronization scripts as tasks: how they enter the task graph and how one runs.
//
// Graph: script:S waits for what its header declares ("copy:T" stands for every copy chunk of
// T). For each copied table T that S writes, S also waits for validate:T (validation compares
// the copy with the source before a script changes it), and T's index, check, identity and
// foreign-key tasks (also those of keys referencing T) wait for S. Unknown dependencies and
// cycles are plan errors naming the files and lines.
//
// Run: the file is read again (a fixed file is what Rerun runs), on a connection of its own
// (session settings a script changes die with it). `transaction: single` runs every statement
// and then the `check:` queries in one transaction: a failure or a check that returns rows
// rolls everything back. `per-statement` commits each statement; a rerun then starts again
// from the first statement, so such scripts must be safe to run twice.

#include "engine/schema.h"
#include "plan/plan.h"
#include "scripts/scriptfile.h"
#include "tasks/task.h"

namespace cockpit {

struct TaskContext;
struct TaskOutcome;

// Adds a task per script to `tasks` (the table, constraint and view tasks of the plan) and the
// waits above. Returns warnings for the log: scripts that read a copied table without
// depending on its copy.
Result<QStringList> addScriptTasks(const Plan &plan, const QVector<TableSchema> &tables,
                                   const QVector<ScriptFile> &scripts, QVector<TaskSpec> &tasks);

TaskOutcome runScript(const TaskContext &ctx);

} // namespace cockpit
