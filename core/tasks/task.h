#pragma once
// A task of the upgrade: what it is (TaskSpec, fixed when the run is planned) and where it is
// (TaskStatus, changed only by the scheduler and persisted in the control store).

#include "tasks/taskstate.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace cockpit {

// "index:CUSTTABLE.I_ACCOUNTIDX": the task that creates `index` of `table`.
inline QString indexTaskName(const QString &table, const QString &index)
{
    return QStringLiteral("index:%1.%2").arg(table, index);
}

// "pk:INVENTTRANS": the task that adds `table`'s primary key after its copy.
inline QString primaryKeyTaskName(const QString &table) { return QStringLiteral("pk:") + table; }

struct TaskSpec {
    QString name;       // stable: "copy:INVENTTRANS#3", "index:CUSTTABLE.I_ACCOUNTIDX"
    TaskKind kind = TaskKind::Copy;
    QString table;      // source/target table the task works on (empty for finalize)
    QString object;     // index name for index tasks
    QString group;      // batch group
    QStringList dependsOn;
    // Copy chunks: the inclusive key range [keyLo, keyHi] of the source's copy key.
    qint64 keyLo = 0;
    qint64 keyHi = 0;
    // Copy tasks of a table with a sampled key (schema.h): the source rows with
    // keyAfter < key <= keyThrough in the source's own order (no bound: open on that side).
    // [keyLo, keyHi] then numbers those rows by their position in the table's key order
    // (1-based), and the checkpoint is the position of the last row committed.
    bool sampledRange = false;
    std::optional<QString> keyAfter;
    std::optional<QString> keyThrough;
    qint64 estimatedRows = 0; // for dispatch order and progress
    int priority = 0;         // administrator's priority, higher first
    int ordinal = 0;          // position in the plan, for a stable grid order

    bool stopsAtBatch() const { return kind == TaskKind::Copy; }
};

struct TaskStatus {
    TaskState state = TaskState::Waiting;
    int attempts = 0;
    qint64 rowsDone = 0;
    qint64 rowsTotal = 0;
    qint64 bytesDone = 0;
    // copy: last key committed on the target (keyLo-1 before the first); for a sampledRange
    // chunk the position (in key order) of the last row committed.
    qint64 checkpoint = 0;
    bool hasCheckpoint = false;
    QDateTime startedAt;    // of the current/last attempt
    QDateTime endedAt;
    double seconds = 0;     // executing time summed over attempts
    QString message;        // error text, or why it ended (e.g. "skipped by administrator")
    bool skipped = false;
    // In a shared run (several workers): the worker whose lease holds the task while it is
    // Ready or Executing ("" otherwise). Read from the store, never written with the rest.
    QString worker;
};

// What the window and the CLI show for a task: a value copied out of the scheduler.
struct TaskView {
    TaskSpec spec;
    TaskStatus status;
    double rowsPerSecond = 0; // sliding window
    double etaSeconds = -1;   // -1: unknown
    QString waitReason;       // for Waiting tasks: "waiting for copy:X", "blocked by failed task Y"
    // Executing, but no rows or statements moved for the plan's stallSeconds: the message
    // says for how long and, where the server tells, what blocks it.
    bool stalled = false;
    quint64 version = 0;      // increases whenever anything above changes
};

} // namespace cockpit

Q_DECLARE_METATYPE(cockpit::TaskView)
