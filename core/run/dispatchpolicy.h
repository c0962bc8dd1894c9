#pragma once
// Which waiting tasks start next and why the others wait: plain functions over the run's
// tasks, so that the scheduler only applies them and the rules can be tested on their own.

#include "tasks/task.h"

#include <QHash>
#include <QString>

#include <functional>
#include <vector>

namespace cockpit {

// Start order of two startable tasks: the administrator's priority first; then the largest
// estimated work, so the longest table starts early and the run ends sooner; of one table's
// tasks, validation (which reads the whole table) before its index builds.
bool startsBefore(const TaskSpec &x, const TaskSpec &y);

// A batch group's room for another task: its threads plus `queueAhead` queued tasks, so a
// worker that ends one takes the next at once.
struct GroupRoom {
    int threads = 1;
    int active = 0; // Ready + Executing
    bool removed = false;
};

// Of `candidates` (startable, in startsBefore order), the ones to launch now, given each
// group's room (`rooms`, updated as tasks are taken). A queued slot is kept for the copy of the
// largest table whose prepare still runs in that group (`preparing`, its estimated rows): the
// worker that ends that prepare would otherwise take a smaller table's copy first, and the
// longest chain would start late.
std::vector<const TaskSpec *> tasksToLaunch(const std::vector<const TaskSpec *> &candidates, QHash<QString, GroupRoom> &rooms,
                                            const QHash<QString, qint64> &preparing, int queueAhead);

// What a waiting task's dependency is doing, for its wait reason.
struct DependencyView {
    QString name;
    TaskState state = TaskState::Waiting;
    QString waitReason; // its own, when it waits too
};

// Why a Waiting task waits, naming the root cause: a failed, canceled or paused task upstream
// (also through waiting tasks in between) stands out from the tasks it holds up; then a removed
// worker; then its dependencies still to end. Empty: nothing upstream holds it.
QString dependencyWaitReason(const std::vector<DependencyView> &deps, const QString &group, bool groupRemoved);

} // namespace cockpit
