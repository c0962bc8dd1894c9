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
#include <variant>

namespace cockpit {

// What one kind of task uses besides what all share (TaskContext): each kind's file reads its
// own with TaskContext::inputs<T>(), so a field exists only where a kind needs it.
struct PrepareInputs {
    QStringList typeWarnings; // logged by the prepare task
    QStringList scanColumns;  // SQLite columns whose values to scan first (targettable.h)
    NullKeys nullKeys = NullKeys::DropKey; // what the scan makes of a key holding NULLs
    IfTargetExists ifTargetExists = IfTargetExists::Fail;
    IndexBuilds indexBuilds = IndexBuilds::Threads;
    // The table is copied whole by SQLite's transfer (Plan::copiesByTransfer): prepare creates
    // `indexesAtPrepare` (its index tasks not skipped) so that the copy fills them in order.
    bool transfer = false;
    QStringList indexesAtPrepare;
};
struct CopyInputs {
    int batchSize = 20000;
    int maxRejects = 0;
    QString rejectsDir;
    bool transfer = false; // the whole table by SQLite's transfer (Plan::copiesByTransfer)
    ValidationMode validation = ValidationMode::Streamed; // Streamed: hash the rows as they pass
};
struct ValidateInputs {
    ValidationMode validation = ValidationMode::Streamed;
    QString rejectsDir; // the rejected rows are accounted for
    IndexBuilds indexBuilds = IndexBuilds::Threads;
};
struct IndexInputs { // index and primary key tasks
    IndexBuilds indexBuilds = IndexBuilds::Threads;
    bool transfer = false; // the index was created at prepare and filled by the copy
};
struct ForeignKeyInputs {
    // The referenced key is not on the target (the value scan dropped it, targettable.h), so
    // nothing unique backs the reference.
    bool referencedKeyDropped = false;
};
struct ViewInputs {
    ViewSchema view; // the source view
};
struct ScriptInputs {
    QString scriptsDir; // the plan's scripts folder
};
// Check, identity and finalize tasks need nothing of their own (monostate).
using TaskInputs = std::variant<std::monostate, PrepareInputs, CopyInputs, ValidateInputs, IndexInputs,
                                ForeignKeyInputs, ViewInputs, ScriptInputs>;

// What every task kind uses.
struct TaskContext {
    TaskSpec spec;
    TableSchema table; // the source table (empty for finalize, views and scripts)
    // The table as the target has it (targettable.h); no columns: the same as `table`.
    TableSchema targetTable;
    ConnectionUrl source;
    ConnectionUrl target;
    QString runId;
    // The attempt's lease epoch in a shared run (several workers); 0 on one machine. The copy,
    // script and prepare tasks fence their writes on the target with it (Engine::raiseFence).
    qint64 epoch = 0;
    TaskInputs kindInputs; // the spec's kind's own
    TaskControl *control = nullptr;
    // Thread-safe: adds a line to the task's log (file, store, window).
    std::function<void(LogLevel level, const QString &message)> log;

    // This kind's inputs. A task given another kind's is a programming error: it throws
    // std::bad_variant_access, which the worker reports as the task's internal error.
    template <class T> const T &inputs() const { return std::get<T>(kindInputs); }
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
