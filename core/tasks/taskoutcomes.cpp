#include "tasks/taskoutcomes.h"

#include <QLocale>

namespace cockpit {

TaskOutcome failedOrStopped(const TaskContext &ctx, const TaskError &e, const QString &rolledBack)
{
    TaskOutcome o;
    switch (ctx.control->stopRequest()) {
    case StopRequest::Cancel:
        o.kind = TaskOutcome::Canceled;
        o.message = QStringLiteral("canceled by administrator; %1 was rolled back").arg(rolledBack);
        return o;
    case StopRequest::Interrupt:
        o.kind = TaskOutcome::Interrupted;
        o.message = QStringLiteral("interrupted by stop; runs again on the next Run");
        return o;
    case StopRequest::Pause:
    case StopRequest::None: break;
    }
    return failed(e);
}

TaskOutcome failed(const TaskError &e)
{
    TaskOutcome o;
    o.kind = TaskOutcome::Failed;
    o.message = e.message;
    o.error = e;
    return o;
}

TaskOutcome ended(const QString &message)
{
    TaskOutcome o;
    o.kind = TaskOutcome::Ended;
    o.message = message;
    return o;
}

TaskOutcome skipped(const QString &reason)
{
    TaskOutcome o;
    o.kind = TaskOutcome::Skipped;
    o.message = reason;
    return o;
}

QString number(qint64 n) { return QLocale::system().toString(n); }

} // namespace cockpit
