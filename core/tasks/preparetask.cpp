#include "tasks/taskconnections.h"
#include "tasks/taskkinds.h"
#include "tasks/taskoutcomes.h"
#include "log/logging.h"

namespace cockpit {

namespace {

TaskOutcome createTargetTable(const TaskContext &ctx)
{
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    InterruptibleScope scope(*ctx.control, c->target.get());
    const PrepareInputs &in = ctx.inputs<PrepareInputs>();
    const auto mode = in.ifTargetExists == IfTargetExists::Replace ? PrepareMode::Replace
                                                                    : PrepareMode::FailIfExists;
    QStringList warnings = in.typeWarnings;
    // A shared run: not if another worker has taken this prepare over (raised in runPrepare).
    // Checked in a transaction of its own, just before: prepareTable's DROP and CREATE run in a
    // transaction of prepareTable's own, and MariaDB commits each of them at once, so no
    // transaction could hold the fence row across them there.
    if (auto st = c->engines.target().checkFenceAlone(*c->target, ctx.spec.name, ctx.epoch); !st)
        return failedOrStopped(ctx, st.error());
    if (auto st = c->engines.target().prepareTable(*c->target, targetSchema(ctx), ctx.runId, mode, &warnings); !st)
        return failedOrStopped(ctx, st.error());
    for (const auto &w : warnings)
        ctx.log(LogLevel::Warn, w);
    for (const auto &conversion : converterFor(ctx).describe())
        ctx.log(LogLevel::Info, QStringLiteral("values converted: ") + conversion);
    if (in.transfer) {
        // Empty indexes now: the transfer then appends their entries in order, which is
        // cheaper than sorting the table for each CREATE INDEX after the copy.
        const TableSchema t = targetSchema(ctx);
        for (const auto &index : t.indexes) {
            if (!in.indexesAtPrepare.contains(index.name))
                continue;
            if (auto st = c->engines.target().createIndex(*c->target, t, index, in.indexBuilds); !st)
                return failedOrStopped(ctx, st.error());
        }
        if (!in.indexesAtPrepare.isEmpty())
            ctx.log(LogLevel::Info, QStringLiteral("indexes created with the table, filled by the copy: ")
                                                + in.indexesAtPrepare.join(QStringLiteral(", ")));
    }
    return ended(warnings.isEmpty() ? QStringLiteral("table created")
                                    : QStringLiteral("table created; %1 warning(s) in the task log").arg(warnings.size()));
}

} // namespace

// A source whose declared types are hints (SQLite) has its values scanned first (they decide the target's column types and key);
// the decision goes back to the scheduler with the outcome, for the table's other tasks.
TaskOutcome runPrepare(const TaskContext &ctx)
{
    const PrepareInputs &in = ctx.inputs<PrepareInputs>();
    // A shared run: this attempt's epoch first, before the (long) value scan.
    if (ctx.epoch > 0) {
        auto target = DbConnection::open(ctx.target, DbConnection::Mode::ReadWrite);
        if (!target)
            return failed(target.error());
        if (auto st = Engine::create(ctx.target.engine)->raiseFence(**target, ctx.spec.name, ctx.epoch); !st)
            return failed(st.error());
    }
    if (in.scanColumns.isEmpty())
        return createTargetTable(ctx);
    TargetTable table{ctx.targetTable.columns.isEmpty() ? ctx.table : ctx.targetTable, {}, in.scanColumns, in.nullKeys};
    Result<TypeScan> scan = TypeScan{};
    {
        auto source = DbConnection::open(ctx.source, DbConnection::Mode::ReadOnly);
        if (!source)
            return failed(source.error());
        InterruptibleScope scope(*ctx.control, source->get());
        scan = scanColumnValues(table, *Engine::create(ctx.source.engine), **source);
    }
    if (!scan)
        return failedOrStopped(ctx, scan.error());
    applyTypeScan(table, *scan);
    TaskContext scanned = ctx;
    scanned.targetTable = table.schema;
    PrepareInputs afterScan = in;
    afterScan.typeWarnings = scan->warnings;
    scanned.kindInputs = afterScan;
    TaskOutcome o = createTargetTable(scanned);
    o.typeScan = *scan;
    return o;
}

} // namespace cockpit
