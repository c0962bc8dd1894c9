#include "tasks/taskconnections.h"
#include "tasks/taskkinds.h"
#include "tasks/taskoutcomes.h"

namespace cockpit {

TaskOutcome runForeignKey(const TaskContext &ctx)
{
    const TableSchema t = targetSchema(ctx);
    for (ForeignKeySchema fk : t.foreignKeys) {
        if (fk.name != ctx.spec.object)
            continue;
        if (ctx.inputs<ForeignKeyInputs>().referencedKeyDropped)
            return skipped(QStringLiteral("not created: \"%1\" is on the target without its primary key (its key columns "
                                          "hold NULLs on the source), so nothing unique backs (%2)")
                               .arg(fk.referencedTable, fk.referencedColumns.join(QStringLiteral(", "))));
        auto c = connect(ctx, false);
        if (!c)
            return failed(c.error());
        InterruptibleScope scope(*ctx.control, c->target.get());
        const QString adapted = c->engines.target().adaptForeignKey(t, fk);
        if (!adapted.isEmpty())
            ctx.log(LogLevel::Warn, adapted);
        if (auto st = c->engines.target().addForeignKey(*c->target, t, fk); !st)
            return failedOrStopped(ctx, st.error());
        return ended(QStringLiteral("foreign key (%1) -> %2 (%3) in place%4")
                         .arg(fk.columns.join(QStringLiteral(", ")), fk.referencedTable, fk.referencedColumns.join(QStringLiteral(", ")),
                              adapted.isEmpty() ? QString() : QStringLiteral("; 1 warning in the task log")));
    }
    return failed(makeError(QStringLiteral("foreign key \"%1\" of table \"%2\" is no longer in the source schema")
                                .arg(ctx.spec.object, t.name)));
}

TaskOutcome runCheck(const TaskContext &ctx)
{
    const TableSchema t = targetSchema(ctx);
    for (const auto &check : t.checks) {
        if (check.name != ctx.spec.object)
            continue;
        auto c = connect(ctx, false);
        if (!c)
            return failed(c.error());
        InterruptibleScope scope(*ctx.control, c->target.get());
        if (auto st = c->engines.target().addCheck(*c->target, t, check); !st)
            return failedOrStopped(ctx, st.error());
        return ended(QStringLiteral("CHECK (%1) in place").arg(check.expression));
    }
    return failed(makeError(QStringLiteral("CHECK \"%1\" of table \"%2\" is no longer in the source schema")
                                .arg(ctx.spec.object, t.name)));
}

TaskOutcome runIdentity(const TaskContext &ctx)
{
    const TableSchema t = targetSchema(ctx);
    for (const auto &col : t.columns) {
        if (col.name != ctx.spec.object)
            continue;
        auto c = connect(ctx, false);
        if (!c)
            return failed(c.error());
        if (QString why; !c->engines.target().numbersColumn(t, col, &why))
            return skipped(QStringLiteral("not numbered on the target: ") + why);
        InterruptibleScope scope(*ctx.control, c->target.get());
        auto next = c->engines.target().resetIdentity(*c->target, t, col);
        if (!next)
            return failedOrStopped(ctx, next.error());
        return ended(QStringLiteral("next \"%1\" is %2").arg(col.name).arg(*next));
    }
    return failed(makeError(QStringLiteral("column \"%1\" of table \"%2\" is no longer in the source schema")
                                .arg(ctx.spec.object, t.name)));
}

// A view is created from the source's SQL, only its quoted names quoted the target's way; when
// the target cannot run it (another dialect, a function it lacks), the view is skipped with
// the target's reason.
TaskOutcome runView(const TaskContext &ctx)
{
    const ViewSchema &source = ctx.inputs<ViewInputs>().view;
    if (source.name.isEmpty())
        return failed(makeError(QStringLiteral("view \"%1\" is no longer in the source schema").arg(ctx.spec.object)));
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    InterruptibleScope scope(*ctx.control, c->target.get());
    const ViewSchema view = c->engines.targetView(source);
    if (auto st = c->engines.target().createView(*c->target, view); !st) {
        if (ctx.control->stopRequest() != StopRequest::None)
            return failedOrStopped(ctx, st.error());
        ctx.log(LogLevel::Warn, QStringLiteral("view SQL: %1").arg(view.selectSql));
        return skipped(QStringLiteral("skipped: the target rejects the view's SQL: ") + st.error().message);
    }
    return ended(QStringLiteral("view created"));
}

} // namespace cockpit
