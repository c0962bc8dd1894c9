#pragma once
// Turns a plan and the source schema into the task graph:
//   prepare:T -> copy:T (or copy:T#1..n key-range chunks) -> index:T.I -> validate:T -> finalize
// Runs where the source can be read (the scheduler's thread), never in the GUI thread.

#include "engine/engine.h"
#include "plan/plan.h"
#include "tasks/task.h"

namespace cockpit {

// The included tables of `schema`, in plan order; errors when the selection is empty.
Result<QVector<TableSchema>> selectTables(const Plan &plan, const QVector<TableSchema> &schema);

Result<QVector<TaskSpec>> planTasks(const Plan &plan, const QVector<TableSchema> &tables,
                                    Engine &sourceEngine, DbConnection &source);

} // namespace cockpit
