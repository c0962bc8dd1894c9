#pragma once
// This process's part in a shared run: several processes, on one or several hosts, work on one
// run through its PostgreSQL store (scheduler.h, controlstore.h's TaskLease). A run whose state
// is a PostgreSQL URL is always shared; by default its process coordinates and works with the
// plan's threads (`upgradectl run`); `upgradectl worker` only works.

#include <QString>
#include <QStringList>

namespace cockpit {

struct RunSharing {
    QString worker;          // its name in the run (default: host-pid), unique among the workers
    bool coordinates = true; // owns the run: plans it, applies the commands, says when it ended
    int threads = -1;        // per batch group it serves: -1 the plan's, 0 executes nothing
    QStringList groups;      // the batch groups it serves (claims tasks of); empty: all
    double leaseSeconds = 15;
};

} // namespace cockpit
