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

struct RunSnapshot {
    QVector<TaskView> tasks; // only those whose version is newer than asked for
    RunSummary summary;
    quint64 version = 0;     // pass back as `sinceVersion` next time
};

} // namespace cockpit
