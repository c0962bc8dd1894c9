#pragma once
// Turns a plan and the source schema into the task graph:
//   prepare:T -> copy:T (or copy:T#1..n key-range chunks) -> index:T.I -> validate:T -> finalize
// and the constraints, which also come before finalize:
//   copies of T -> check:T.C, identity:T
//   copies of T and of P (and P's unique index it references) -> fk:T.F
//   every prepare (and the views it names) -> view:V
//   declared dependencies (+ validate:T of each copied table T it writes) -> script:S, and
//   T's index and constraint tasks wait for the scripts that write T
// Runs where the source can be read (the scheduler's thread), never in the GUI thread.

#include "engine/engine.h"
#include "plan/plan.h"
#include "scripts/scriptfile.h"
#include "tasks/task.h"

namespace cockpit {

// The included tables of `schema`, in plan order; errors when the selection is empty.
Result<QVector<TableSchema>> selectTables(const Plan &plan, const QVector<TableSchema> &schema);

// Views are planned when the plan includes their name; `scripts` (the plan's scripts folder,
// read for the target engine) become script tasks (tasks/scripttask.h), and `warnings` gets
// what the log should say about them.
Result<QVector<TaskSpec>> planTasks(const Plan &plan, const QVector<TableSchema> &tables,
                                    const QVector<ViewSchema> &views, Engine &sourceEngine,
                                    DbConnection &source, const QVector<ScriptFile> &scripts = {},
                                    QStringList *warnings = nullptr);

} // namespace cockpit
