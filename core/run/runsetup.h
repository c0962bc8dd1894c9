#pragma once
// What a run is before anything is dispatched, as a value: the source schema read once (tasks
// get their tables from it), the target tables decided for it, and the task graph, planned on
// first open and stored, or read back from the control store. The scheduler takes this and
// only dispatches, records and steers.
//
// Runs in the scheduler's thread: it connects to both databases and may read row counts and
// key ranges of every table (planning), never in the GUI thread.

#include "engine/schema.h"
#include "log/logging.h"
#include "plan/plan.h"
#include "store/controlstore.h"
#include "tasks/targettable.h"

#include <QHash>
#include <QVector>

#include <functional>

namespace cockpit {

struct PlannedRun {
    QString runId;
    QHash<QString, TableSchema> tables;       // the source tables of the plan, by name
    QHash<QString, TargetTable> targetTables; // each as the target has it
    QHash<QString, ViewSchema> views;         // the source views, by name
    QVector<std::pair<TaskSpec, TaskStatus>> tasks; // plan order: a task after those it waits for
};

// Connects to the source and the target, checks that the run's user may read the source's
// tables and create the target's, introspects the source and resolves every target table (with
// the value-scan decisions earlier prepares stored in `store`). When `store` has no tasks yet
// it plans them and stores them with a new run id, unless `planIfEmpty` is false (an error
// then). Every error names the side and what failed. `log` gets what planning says (scripts
// left out, warnings, how long it took) for the run's log.
Result<PlannedRun> setUpRun(const Plan &plan, ControlStore &store, bool planIfEmpty,
                            const std::function<void(LogLevel level, const QString &message)> &log);

} // namespace cockpit
