#pragma once
// The report of a run, read from its state file (the control store): what an administrator
// attaches to a change ticket. Plain values only; reportwriters.h turns it into HTML, CSV or
// JSON. Reading works while another process executes the run (the store is in WAL mode).

#include "tasks/task.h"
#include "util/result.h"

#include <QDateTime>
#include <QString>
#include <QVector>
#include <optional>

namespace cockpit {

// Both sides of a table's validation, as its validate task computed them.
struct ReportValidation {
    qint64 sourceRows = 0;
    qint64 targetRows = 0;
    QString sourceChecksum; // 16 hex digits
    QString targetChecksum;
    bool equal() const { return sourceRows == targetRows && sourceChecksum == targetChecksum; }
};

// What an administrator did to a task (skip, pause, cancel, rerun, ...), from the events.
struct ReportOverride {
    QDateTime at;
    QString task;
    QString who;     // "administrator" (from "... by administrator")
    QString action;  // the event's message, e.g. "skipped by administrator"
    QString fromState;
    QString toState;
};

struct ReportTask {
    QString name;
    TaskKind kind = TaskKind::Copy;
    QString table;
    QString group;
    TaskState state = TaskState::Waiting;
    bool skipped = false;
    qint64 rowsDone = 0;
    qint64 rowsTotal = 0;
    qint64 bytes = 0;
    QDateTime startedAt; // of the last attempt
    QDateTime endedAt;
    double seconds = 0;  // executing time over all attempts
    int attempts = 0;
    QString message;
    std::optional<ReportValidation> validation; // validate tasks that computed both sides

    QString phase() const { return phaseName(kind); }
    double rowsPerSecond() const { return seconds > 0 && rowsDone > 0 ? double(rowsDone) / seconds : 0; }
    // The error text for a task in Error, "" otherwise.
    QString error() const { return state == TaskState::Error ? message : QString(); }
};

struct RunReport {
    QString statePath;
    QString runId;
    QString planName;
    QString source; // ConnectionUrl::display(): never a password
    QString target;
    QDateTime createdAt;   // when the run was planned
    QDateTime startedAt;   // first task started (invalid: nothing ran yet)
    QDateTime endedAt;     // last task ended
    QDateTime generatedAt; // when this report was read
    QVector<ReportTask> tasks; // in plan order
    QVector<ReportOverride> overrides;

    QString title() const { return source + QStringLiteral(" -> ") + target; }
    int count(TaskState state) const;
    qint64 copiedRows() const;    // rows written by the copy tasks
    double wallSeconds() const;   // startedAt to endedAt
    double rowsPerSecond() const; // copied rows over wall time
    QStringList phases() const;   // phase names in plan order
};

// Reads the report of the run whose state file is `statePath`. Errors: no such file, not the
// state of a run, unreadable store.
Result<RunReport> readRunReport(const QString &statePath);

} // namespace cockpit
