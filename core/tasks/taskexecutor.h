#pragma once
// Runs one task on the calling (worker) thread: opens its own connections, does the work,
// and returns what happened as a value. Never touches the scheduler's state.

#include "engine/schema.h"
#include "log/logging.h"
#include "plan/plan.h"
#include "tasks/task.h"
#include "tasks/taskcontrol.h"
#include "tasks/targettable.h"

#include <functional>

namespace cockpit {

struct TaskContext {
    TaskSpec spec;
    TableSchema table;     // the source table (empty for finalize and views)
    ViewSchema view;       // the source view (view tasks)
    // The table as the target has it (targettable.h); no columns: the same as `table`.
    TableSchema targetTable;
    QStringList typeWarnings; // logged by the prepare task
    QStringList scanColumns;  // prepare: SQLite columns whose values to scan first (targettable.h)
    NullKeys nullKeys = NullKeys::DropKey; // prepare: what the scan makes of a key holding NULLs
    int maxRejects = 0;
    QString rejectsDir;
    ConnectionUrl source;
    ConnectionUrl target;
    QString runId;
    int batchSize = 20000;
    IfTargetExists ifTargetExists = IfTargetExists::Fail;
    ValidationMode validation = ValidationMode::Streamed;
    IndexBuilds indexBuilds = IndexBuilds::Threads;
    // The table is copied whole by SQLite's transfer (Plan::copiesByTransfer): prepare creates
    // `indexesAtPrepare` (its index tasks not skipped) so that the copy fills them in order.
    bool transfer = false;
    QStringList indexesAtPrepare;
    QString scriptsDir; // script tasks: the plan's scripts folder
    // Foreign key tasks: the referenced key is not on the target (the value scan dropped it,
    // targettable.h), so nothing unique backs the reference.
    bool referencedKeyDropped = false;
    TaskControl *control = nullptr;
    // Thread-safe: adds a line to the task's log (file, store, window).
    std::function<void(LogLevel level, const QString &message)> log;
};

struct TaskOutcome {
    // Skipped: ended without doing its work, for the reason in `message` (a view the target
    // cannot run); the task is Ended and marked skipped, like one the administrator skipped.
    enum Kind { Ended, Failed, Paused, Canceled, Interrupted, Skipped };
    Kind kind = Ended;
    QString message;     // shown on the task's row
    TaskError error;     // when Failed
    qint64 rowsDone = 0;
    qint64 checkpoint = 0;
    bool hasCheckpoint = false;
    std::optional<TypeScan> typeScan; // prepare: what its value scan decided
};

TaskOutcome executeTask(const TaskContext &context);

// `e` as the task's outcome, unless the administrator (Cancel: "…; `rolledBack` was rolled
// back") or the stopping run (Interrupt) asked for the statement to end.
TaskOutcome failedOrStopped(const TaskContext &ctx, const TaskError &e,
                            const QString &rolledBack = QStringLiteral("the statement"));

} // namespace cockpit
