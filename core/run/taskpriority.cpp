#include "run/taskpriority.h"

namespace cockpit {

ActionCheck checkPriorityChange(TaskState state)
{
    switch (state) {
    case TaskState::Waiting: return {ActionCheck::Allowed, {}};
    case TaskState::Paused: return {ActionCheck::Allowed, QStringLiteral("counts once the task is resumed")};
    case TaskState::Error:
    case TaskState::Canceled: return {ActionCheck::Allowed, QStringLiteral("counts once the task is rerun")};
    case TaskState::Ready:
        return {ActionCheck::Refused, QStringLiteral("Ready: already handed to a worker's queue; the priority only "
                                                     "orders dispatch")};
    case TaskState::Executing:
        return {ActionCheck::Refused, QStringLiteral("executing: the priority only orders dispatch, and this task "
                                                     "has started")};
    case TaskState::Ended: return {ActionCheck::Refused, QStringLiteral("already ended")};
    }
    return {ActionCheck::Refused, QStringLiteral("unknown state")};
}

} // namespace cockpit
