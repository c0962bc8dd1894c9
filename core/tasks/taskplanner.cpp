#include "tasks/taskplanner.h"

namespace cockpit {

Result<QVector<TableSchema>> selectTables(const Plan &plan, const QVector<TableSchema> &schema)
{
    QVector<TableSchema> out;
    for (const auto &t : schema)
        if (plan.includesTable(t.name))
            out << t;
    if (out.isEmpty())
        return makeError(QStringLiteral("the plan selects no table of %1 (include: %2; exclude: %3)")
                             .arg(plan.source.display(), plan.include.join(u", "),
                                  plan.exclude.join(u", ")));
    return out;
}

Result<QVector<TaskSpec>> planTasks(const Plan &plan, const QVector<TableSchema> &tables,
                                    Engine &sourceEngine, DbConnection &source)
{
    QVector<TaskSpec> tasks;
    QStringList lastOfEachTable; // what finalize waits for
    auto add = [&](TaskSpec s) {
        s.ordinal = int(tasks.size());
        s.group = plan.groupFor(s.name);
        tasks << s;
    };
    for (const auto &t : tables) {
        const TableOptions opt = plan.optionsFor(t.name);
        auto stats = sourceEngine.stats(source, t);
        if (!stats)
            return stats.error();

        TaskSpec prepare;
        prepare.name = QStringLiteral("prepare:") + t.name;
        prepare.kind = TaskKind::Prepare;
        prepare.table = t.name;
        prepare.estimatedRows = stats->rows; // the big tables' chains start first
        prepare.priority = opt.priority;
        add(prepare);

        QStringList copies;
        const bool chunked = t.hasCopyKey() && stats->rows > opt.chunkRows;
        const qint64 chunks = chunked ? (stats->rows + opt.chunkRows - 1) / opt.chunkRows : 1;
        // Even split of the key range; keys are dense in upgrades (RECID, rowid) so the row
        // counts come out close, and each chunk's estimate is its exact count.
        const qint64 span = stats->maxKey - stats->minKey + 1;
        for (qint64 i = 0; i < chunks; ++i) {
            TaskSpec copy;
            copy.kind = TaskKind::Copy;
            copy.table = t.name;
            copy.dependsOn = {prepare.name};
            copy.priority = opt.priority;
            if (!t.hasCopyKey()) {
                copy.keyLo = 0; // copied whole; a checkpoint past keyHi marks it complete
                copy.keyHi = 0;
                copy.estimatedRows = stats->rows;
            } else if (stats->rows == 0) {
                copy.keyLo = 0;
                copy.keyHi = -1;
            } else {
                copy.keyLo = stats->minKey + span / chunks * i;
                copy.keyHi = (i == chunks - 1) ? stats->maxKey : stats->minKey + span / chunks * (i + 1) - 1;
                if (chunked) {
                    auto n = sourceEngine.countRange(source, t, copy.keyLo, copy.keyHi);
                    if (!n)
                        return n.error();
                    copy.estimatedRows = *n;
                } else {
                    copy.estimatedRows = stats->rows;
                }
            }
            copy.name = QStringLiteral("copy:") + t.name
                        + (chunked ? QStringLiteral("#%1").arg(i + 1) : QString());
            copies << copy.name;
            add(copy);
        }

        QStringList indexes;
        for (const auto &idx : t.indexes) {
            TaskSpec index;
            index.name = QStringLiteral("index:%1.%2").arg(t.name, idx.name);
            index.kind = TaskKind::Index;
            index.table = t.name;
            index.object = idx.name;
            index.dependsOn = copies;
            index.estimatedRows = stats->rows;
            index.priority = opt.priority;
            indexes << index.name;
            add(index);
        }

        TaskSpec validate;
        validate.name = QStringLiteral("validate:") + t.name;
        validate.kind = TaskKind::Validate;
        validate.table = t.name;
        // Validation reads while the indexes are built: on 2 cores the index build and the
        // hashing overlap instead of following each other.
        validate.dependsOn = copies;
        validate.estimatedRows = stats->rows;
        validate.priority = opt.priority;
        lastOfEachTable << indexes << validate.name;
        add(validate);
    }
    TaskSpec finalize;
    finalize.name = QStringLiteral("finalize");
    finalize.kind = TaskKind::Finalize;
    finalize.dependsOn = lastOfEachTable;
    add(finalize);
    return tasks;
}

} // namespace cockpit
