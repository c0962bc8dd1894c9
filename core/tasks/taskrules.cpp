#include "tasks/taskrules.h"

namespace cockpit {

QString toString(TaskAction action)
{
    switch (action) {
    case TaskAction::Pause: return QStringLiteral("pause");
    case TaskAction::Resume: return QStringLiteral("resume");
    case TaskAction::Rerun: return QStringLiteral("rerun");
    case TaskAction::Skip: return QStringLiteral("skip");
    case TaskAction::Cancel: return QStringLiteral("cancel");
    }
    return {};
}

QString readyPauseRefusal()
{
    return QStringLiteral("the task is Ready and a worker has already taken it: pausing a Ready "
                          "task is not guaranteed to stop it; only Waiting tasks can be paused");
}

static ActionCheck refused(QString why) { return {ActionCheck::Refused, std::move(why)}; }

ActionCheck checkAction(TaskAction action, TaskState state, bool stopsAtBatch)
{
    switch (action) {
    case TaskAction::Pause:
        switch (state) {
        case TaskState::Waiting: return {ActionCheck::Allowed, {}};
        case TaskState::Ready:
            return {ActionCheck::AllowedIfStillQueued,
                    QStringLiteral("Ready: paused only if still in the queue")};
        case TaskState::Executing:
            if (stopsAtBatch)
                return {ActionCheck::AllowedAtNextBatch,
                        QStringLiteral("pauses after its next committed batch")};
            return refused(QStringLiteral("only a bulk copy can pause while executing; this task "
                                          "runs to its end"));
        case TaskState::Paused: return refused(QStringLiteral("already paused"));
        case TaskState::Ended: return refused(QStringLiteral("already ended"));
        case TaskState::Error: return refused(QStringLiteral("failed; use Rerun"));
        case TaskState::Canceled: return refused(QStringLiteral("canceled; use Rerun"));
        }
        break;
    case TaskAction::Resume:
        if (state == TaskState::Paused)
            return {ActionCheck::Allowed, {}};
        return refused(QStringLiteral("only Paused tasks can be resumed (this one is %1)")
                           .arg(toString(state)));
    case TaskAction::Rerun:
        if (state == TaskState::Error || state == TaskState::Canceled)
            return {ActionCheck::Allowed, {}};
        return refused(QStringLiteral("only Error or Canceled tasks can be rerun (this one is %1)")
                           .arg(toString(state)));
    case TaskAction::Skip:
        switch (state) {
        case TaskState::Waiting:
        case TaskState::Paused:
        case TaskState::Error:
        case TaskState::Canceled: return {ActionCheck::Allowed, {}};
        case TaskState::Ready:
            return {ActionCheck::AllowedIfStillQueued,
                    QStringLiteral("Ready: skipped only if still in the queue")};
        case TaskState::Executing:
            return refused(QStringLiteral("executing; pause or cancel it first"));
        case TaskState::Ended: return refused(QStringLiteral("already ended"));
        }
        break;
    case TaskAction::Cancel:
        switch (state) {
        case TaskState::Waiting:
        case TaskState::Paused: return {ActionCheck::Allowed, {}};
        case TaskState::Ready:
            return {ActionCheck::AllowedIfStillQueued,
                    QStringLiteral("Ready: canceled only if still in the queue")};
        case TaskState::Executing:
            if (stopsAtBatch)
                return {ActionCheck::AllowedAtNextBatch,
                        QStringLiteral("stops after its next committed batch")};
            return {ActionCheck::Allowed,
                    QStringLiteral("its statement is interrupted and its transaction rolled back")};
        case TaskState::Ended: return refused(QStringLiteral("already ended"));
        case TaskState::Error: return refused(QStringLiteral("already failed"));
        case TaskState::Canceled: return refused(QStringLiteral("already canceled"));
        }
        break;
    }
    return refused(QStringLiteral("unknown action"));
}

} // namespace cockpit
