#include "tasks/taskconnections.h"
#include "tasks/taskkinds.h"
#include "tasks/taskoutcomes.h"

namespace cockpit {

TaskOutcome runIndex(const TaskContext &ctx)
{
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    const TableSchema t = targetSchema(ctx);
    for (const auto &idx : t.indexes) {
        if (idx.name != ctx.spec.object)
            continue;
        if (ctx.inputs<IndexInputs>().transfer) { // created at prepare, filled by the copy
            auto exists = c->engines.target().hasIndex(*c->target, idx.name);
            if (!exists)
                return failed(exists.error());
            if (*exists)
                return ended(QStringLiteral("index filled by the table's transfer"));
        }
        InterruptibleScope scope(*ctx.control, c->target.get());
        if (auto st = c->engines.target().createIndex(*c->target, t, idx, ctx.inputs<IndexInputs>().indexBuilds); !st)
            return failedOrStopped(ctx, st.error());
        return ended(QStringLiteral("index created"));
    }
    return failed(makeError(QStringLiteral("index \"%1\" of table \"%2\" is no longer in the source schema")
                                .arg(ctx.spec.object, t.name)));
}

TaskOutcome runPrimaryKey(const TaskContext &ctx)
{
    if (targetSchema(ctx).primaryKey.isEmpty()) // the value scan found NULLs in it (targettable.h)
        return skipped(QStringLiteral("not created: the key's columns hold NULLs on the source (see the prepare task's log)"));
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    InterruptibleScope scope(*ctx.control, c->target.get());
    auto done = c->engines.target().addPrimaryKey(*c->target, targetSchema(ctx), ctx.inputs<IndexInputs>().indexBuilds);
    if (!done)
        return failedOrStopped(ctx, done.error());
    return ended(*done);
}


} // namespace cockpit
