#include "tasks/taskconnections.h"
#include "engine/connectionpool.h"

namespace cockpit {

Connections::Connections(const TaskContext &ctx) : engines(ctx.source.engine, ctx.target.engine) {}

Connections::~Connections()
{
    connectionpool::giveBack(std::move(source));
    connectionpool::giveBack(std::move(target));
}

Result<Connections> connect(const TaskContext &ctx, bool needSource)
{
    Connections c(ctx);
    auto target = connectionpool::take(ctx.target, DbConnection::Mode::ReadWrite);
    if (!target)
        return target.error();
    c.target = std::move(*target);
    ctx.control->targetSession = c.target->sessionId();
    if (needSource) {
        auto source = connectionpool::take(ctx.source, DbConnection::Mode::ReadOnly);
        if (!source)
            return source.error();
        c.source = std::move(*source);
        ctx.control->sourceSession = c.source->sessionId();
    }
    return c;
}

TableSchema targetSchema(const TaskContext &ctx)
{
    return EnginePair(ctx.source.engine, ctx.target.engine).targetTable(ctx.table, ctx.targetTable);
}

ValueConverter converterFor(const TaskContext &ctx)
{
    return ValueConverter(ctx.table, targetSchema(ctx), ctx.source.engine, ctx.target.engine);
}

Result<ValueConverter> converterFor(const TaskContext &ctx, Connections &c)
{
    ValueConverter converter = converterFor(ctx);
    if (!converter.active())
        return converter;
    auto limit = c.engines.target().maxRowBytes(*c.target);
    if (!limit)
        return limit.error();
    if (*limit)
        converter.setMaxRowBytes(**limit);
    return converter;
}

} // namespace cockpit
