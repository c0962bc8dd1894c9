#include "run/taskcontextfor.h"

#include <QSet>

namespace cockpit {

namespace {

// The task's kind's own inputs, from the plan and what the prepare tasks' value scans decided
// about each table.
TaskInputs kindInputs(const TaskSpec &spec, const TableSchema &table, const Plan &plan, const RunTables &run,
                      const std::function<bool(const QString &task)> &toBeRun)
{
    const TableOptions options = plan.optionsFor(spec.table);
    const TargetTable target = run.targetTables.value(spec.table);
    const bool transfer = plan.copiesByTransfer(spec.table);
    switch (spec.kind) {
    case TaskKind::Prepare: {
        PrepareInputs in{target.typeScan.warnings, target.scanColumns, target.nullKeys, plan.ifTargetExists,
                         plan.indexBuilds, transfer, {}};
        if (transfer)
            for (const auto &index : table.indexes)
                if (toBeRun(indexTaskName(spec.table, index.name)))
                    in.indexesAtPrepare << index.name;
        return in;
    }
    case TaskKind::Copy:
        return CopyInputs{options.batchSize, options.maxRejects, plan.rejectsDirectory(), transfer, plan.validation};
    case TaskKind::Validate:
        return ValidateInputs{plan.validation, plan.rejectsDirectory(), plan.indexBuilds};
    case TaskKind::Index:
    case TaskKind::PrimaryKey:
        return IndexInputs{plan.indexBuilds, transfer};
    case TaskKind::ForeignKey:
        for (const ForeignKeySchema &fk : table.foreignKeys)
            if (fk.name == spec.object) {
                const TargetTable parent = run.targetTables.value(fk.referencedTable);
                const TableSchema referenced = run.tables.value(fk.referencedTable);
                return ForeignKeyInputs{parent.typeScan.keyDropped
                                        && QSet<QString>(referenced.primaryKey.begin(), referenced.primaryKey.end())
                                               == QSet<QString>(fk.referencedColumns.begin(), fk.referencedColumns.end())};
            }
        return ForeignKeyInputs{};
    case TaskKind::View:
        return ViewInputs{run.views.value(spec.object)};
    case TaskKind::Script:
        return ScriptInputs{plan.scriptsDir};
    case TaskKind::Check:
    case TaskKind::Identity:
    case TaskKind::Finalize:
        break;
    }
    return std::monostate{};
}

} // namespace

TaskContext taskContextFor(const TaskSpec &spec, const Plan &plan, const RunTables &run, const QString &runId,
                           const std::function<bool(const QString &task)> &toBeRun)
{
    TaskContext ctx;
    ctx.spec = spec;
    ctx.table = run.tables.value(spec.table);
    ctx.targetTable = run.targetTables.value(spec.table).schema;
    ctx.source = plan.source;
    ctx.target = plan.target;
    ctx.runId = runId;
    ctx.kindInputs = kindInputs(spec, ctx.table, plan, run, toBeRun);
    return ctx;
}

} // namespace cockpit
