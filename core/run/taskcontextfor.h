#pragma once
// The context a task is executed with (taskexecutor.h), from the plan, the run's tables as the
// set-up decided them (runsetup.h) and the tasks' states: one place for whoever executes a
// task, the scheduler on one machine or a worker of a shared run, so both run it alike.

#include "run/runsetup.h"
#include "tasks/taskexecutor.h"

#include <functional>

namespace cockpit {

// The source tables, the target tables and the source views of a run, by name.
struct RunTables {
    QHash<QString, TableSchema> tables;
    QHash<QString, TargetTable> targetTables;
    QHash<QString, ViewSchema> views;
};

// Everything but `control` and `log`, which the executing side supplies. `toBeRun(task)`: whether
// that task is in the run and not skipped by the administrator (a transfer builds those
// indexes at prepare).
TaskContext taskContextFor(const TaskSpec &spec, const Plan &plan, const RunTables &run, const QString &runId,
                           const std::function<bool(const QString &task)> &toBeRun);

} // namespace cockpit
