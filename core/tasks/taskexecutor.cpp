#include "tasks/taskexecutor.h"
#include "tasks/taskkinds.h"
#include "tasks/taskoutcomes.h"

namespace cockpit {

TaskOutcome executeTask(const TaskContext &ctx)
{
    ctx.control->setInterruptStatements(ctx.spec.kind != TaskKind::Copy);
    if (ctx.control->stopRequest() == StopRequest::Cancel
        || ctx.control->stopRequest() == StopRequest::Interrupt)
        return failedOrStopped(ctx, makeError(QStringLiteral("stopped before it started")));
    switch (ctx.spec.kind) {
    case TaskKind::Prepare: return runPrepare(ctx);
    case TaskKind::Copy: return runCopy(ctx);
    case TaskKind::Index: return runIndex(ctx);
    case TaskKind::Validate: return runValidate(ctx);
    case TaskKind::Finalize: return runFinalize(ctx);
    case TaskKind::ForeignKey: return runForeignKey(ctx);
    case TaskKind::Check: return runCheck(ctx);
    case TaskKind::Identity: return runIdentity(ctx);
    case TaskKind::View: return runView(ctx);
    case TaskKind::Script: return runScript(ctx);
    case TaskKind::PrimaryKey: return runPrimaryKey(ctx);
    }
    return failed(makeError(QStringLiteral("unknown task kind")));
}

} // namespace cockpit
