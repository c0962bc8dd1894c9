#pragma once
// What a run looks like at one instant: plain values copied out of the scheduler, safe to hand
// to any thread (the window's model, the CLI's summary).

#include "tasks/task.h"

#include <QDateTime>
#include <QVector>
#include <array>

namespace cockpit {

struct RunSummary {
    std::array<int, TaskStateCount> countByState{}; // indexed by int(TaskState)
    int taskCount = 0;
    qint64 rowsDone = 0;    // copy tasks
    qint64 rowsTotal = 0;   // copy tasks, estimated
    double rowsPerSecond = 0;
    double elapsedSeconds = 0; // since the run (re)started in this process
    double etaSeconds = -1;    // -1: unknown
    bool dispatching = false;  // Run was pressed and not stopped
    bool finished = false;     // nothing left that can run (all Ended, or the rest blocked)

    int count(TaskState s) const { return countByState[size_t(s)]; }
};

// A batch group as the scheduler runs it now: its thread limit, whether the administrator
// removed its worker (nothing of the group is dispatched then), and what its threads hold.
struct GroupView {
    QString name;
    int threads = 1;
    bool removed = false;
    QStringList removedWorkers; // a shared run's workers removed from it alone
    QStringList executing; // task names, one per busy worker thread
    int ready = 0;         // queued in the group's pool, not started
    int waiting = 0;
};

// A process that executes the run's tasks: this one on one machine, each `upgradectl worker`
// of a run shared through a PostgreSQL control store.
struct WorkerView {
    QString name;
    QString host;
    qint64 pid = 0;
    int threads = 0;           // its threads over all its groups
    QStringList groups;        // the batch groups it claims tasks of
    double heartbeatAge = 0;   // seconds since it last said it is alive
    QStringList executing;     // the tasks it executes now
    bool thisProcess = false;
};

struct RunSnapshot {
    QVector<TaskView> tasks; // only those whose version is newer than asked for
    QVector<GroupView> groups; // always every group, in name order
    QVector<WorkerView> workers; // always every worker, in name order
    RunSummary summary;
    quint64 version = 0;     // pass back as `sinceVersion` next time
};

} // namespace cockpit
