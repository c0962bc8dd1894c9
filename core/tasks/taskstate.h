#pragma once
// Task states, mirroring the AX batch framework (Withhold is called Paused here).

#include <QMetaType>
#include <QString>
#include <optional>

namespace cockpit {

enum class TaskState {
    Waiting,   // not dispatched yet: dependencies unmet, no free thread, or just resumed
    Ready,     // handed to a batch group's thread-pool queue, not started yet
    Executing, // running on a worker thread
    Ended,     // finished (or skipped by the administrator, recorded as such)
    Error,     // failed; the message says why; dependents stay Waiting
    Paused,    // withheld by the administrator; Resume puts it back to Waiting
    Canceled,  // stopped by the administrator; Rerun puts it back to Waiting
};
inline constexpr int TaskStateCount = 7;

// Stable English names, used in logs, the control store and the CLI. Never translate these.
QString toString(TaskState state);
std::optional<TaskState> taskStateFromString(const QString &text);

// ForeignKey, Check, Identity and View make up the "Constraints" phase, after the copies.
// Script: a post-synchronization script of the plan's scripts folder (tasks/scripttask.h).
// PrimaryKey: the table's primary key added after its copy, on targets that defer it
// (Engine::defersPrimaryKey).
enum class TaskKind { Prepare, Copy, Index, Validate, Finalize, ForeignKey, Check, Identity, View, Script, PrimaryKey };
QString toString(TaskKind kind);
std::optional<TaskKind> taskKindFromString(const QString &text);

// The phase shown in the grid ("Bulk copy", ...).
QString phaseName(TaskKind kind);

} // namespace cockpit

Q_DECLARE_METATYPE(cockpit::TaskState)
