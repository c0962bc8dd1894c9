#include "tasks/taskplanner.h"
#include "tasks/scripttask.h"

#include <QRegularExpression>
#include <QThread>
#include <QtConcurrent/QtConcurrentMap>
#include <functional>
#include <numeric>
#include <optional>

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

namespace {

// The unique index of `table` whose columns are exactly `columns` (what a foreign key
// references when it is not the primary key), or null.
const IndexSchema *uniqueIndexOn(const TableSchema &table, const QStringList &columns)
{
    for (const auto &idx : table.indexes)
        if (idx.unique && QSet<QString>(idx.columns.begin(), idx.columns.end()) == QSet<QString>(columns.begin(), columns.end()))
            return &idx;
    return nullptr;
}

} // namespace

Result<QVector<TaskSpec>> planTasks(const Plan &plan, const QVector<TableSchema> &tables,
                                    const QVector<ViewSchema> &views, Engine &sourceEngine,
                                    DbConnection &source, const QVector<ScriptFile> &scripts,
                                    QStringList *warnings)
{
    QVector<TaskSpec> tasks;
    QStringList lastOfEachTable; // what finalize waits for
    QHash<QString, QStringList> copiesOf; // table -> its copy tasks
    QStringList prepares;
    const bool deferredKeys = Engine::create(plan.target.engine)->defersPrimaryKey();
    auto hasDeferredKey = [&](const TableSchema &t) { return deferredKeys && !t.primaryKey.isEmpty(); };
    auto add = [&](TaskSpec s) {
        s.ordinal = int(tasks.size());
        s.group = plan.groupFor(s.name);
        tasks << s;
    };
    // Row counts and key ranges take a pass over each table: one lane per core, each with a
    // connection of its own (a connection belongs to the thread that opened it; the engine is
    // stateless and shared) reading every lanes-th table. A connection per table cost more
    // than the counts on a server (0.65 s of session set-up for the demo's 37 tables).
    std::vector<int> lanes(size_t(std::max(1, QThread::idealThreadCount())));
    std::iota(lanes.begin(), lanes.end(), 0);
    // Runs work(i, connection) for i in [0, n) on the lanes.
    auto onLanes = [&](qsizetype n, const std::function<void(qsizetype, Result<std::unique_ptr<DbConnection>> &)> &work) {
        QtConcurrent::blockingMap(lanes, [&](int lane) {
            std::optional<Result<std::unique_ptr<DbConnection>>> own;
            for (qsizetype i = lane; i < n; i += qsizetype(lanes.size())) {
                if (!own)
                    own = DbConnection::open(plan.source, DbConnection::Mode::ReadOnly);
                work(i, *own);
            }
        });
    };
    std::vector<std::optional<Result<TableStats>>> allStats(size_t(tables.size()));
    onLanes(tables.size(), [&](qsizetype i, Result<std::unique_ptr<DbConnection>> &own) {
        allStats[size_t(i)] = own ? sourceEngine.stats(**own, tables[i]) : Result<TableStats>(own.error());
    });
    // Chunks of keys with gaps are counted after the loop, on the lanes too (each count reads
    // its key range: INVENTTRANS's four took 0.17 s in a row, before any task could start).
    struct Count {
        int task;
        qsizetype table;
    };
    std::vector<Count> counts;
    for (qsizetype ti = 0; ti < tables.size(); ++ti) {
        const TableSchema &t = tables[ti];
        const TableOptions opt = plan.optionsFor(t.name);
        const Result<TableStats> &stats = *allStats[size_t(ti)];
        if (!stats)
            return stats.error();

        TaskSpec prepare;
        prepare.name = QStringLiteral("prepare:") + t.name;
        prepare.kind = TaskKind::Prepare;
        prepare.table = t.name;
        prepare.estimatedRows = stats->rows; // the big tables' chains start first
        prepare.priority = opt.priority;
        prepares << prepare.name;
        add(prepare);

        QStringList copies;
        // A transferred table is one statement on one writer: splitting it would only lose the
        // transfer optimization.
        const bool chunked = (t.hasCopyKey() || t.hasSampledKey()) && stats->rows > opt.chunkRows
                             && !plan.copiesByTransfer(t.name);
        // A sampled key splits at the key of every chunkRows-th row (one pass on the source):
        // chunk i holds rows after split i-1 through split i, so each holds chunkRows rows but
        // the last. A split at the very last row would leave an empty last chunk: dropped.
        QStringList splits;
        if (chunked && t.hasSampledKey()) {
            auto sampled = sourceEngine.sampleKeys(source, t, opt.chunkRows);
            if (!sampled)
                return sampled.error();
            splits = *sampled;
            if (!splits.isEmpty() && qint64(splits.size()) * opt.chunkRows >= stats->rows)
                splits.removeLast();
        }
        const qint64 chunks = !chunked             ? 1
                              : t.hasSampledKey() ? qint64(splits.size()) + 1
                                                  : (stats->rows + opt.chunkRows - 1) / opt.chunkRows;
        // Even split of the key range; keys are dense in upgrades (RECID, rowid) so the row
        // counts come out close, and each chunk's estimate is its exact count.
        const qint64 span = stats->maxKey - stats->minKey + 1;
        for (qint64 i = 0; i < chunks; ++i) {
            TaskSpec copy;
            copy.kind = TaskKind::Copy;
            copy.table = t.name;
            copy.dependsOn = {prepare.name};
            copy.priority = opt.priority;
            if (t.hasSampledKey()) {
                // Rows numbered by their position in key order: see TaskSpec::sampledRange.
                copy.sampledRange = true;
                if (i > 0)
                    copy.keyAfter = splits[i - 1];
                if (i < splits.size())
                    copy.keyThrough = splits[i];
                copy.keyLo = i * opt.chunkRows + 1;
                copy.keyHi = i < splits.size() ? (i + 1) * opt.chunkRows : stats->rows;
                copy.estimatedRows = copy.keyHi - copy.keyLo + 1;
            } else if (!t.hasCopyKey()) {
                copy.keyLo = 0; // copied whole; a checkpoint past keyHi marks it complete
                copy.keyHi = 0;
                copy.estimatedRows = stats->rows;
            } else if (stats->rows == 0) {
                copy.keyLo = 0;
                copy.keyHi = -1;
            } else {
                copy.keyLo = stats->minKey + span / chunks * i;
                copy.keyHi = (i == chunks - 1) ? stats->maxKey : stats->minKey + span / chunks * (i + 1) - 1;
                if (chunked && stats->rows == span) {
                    // The copy key is unique, so as many rows as keys between min and max means
                    // every key is there: a chunk holds exactly its key range's width.
                    copy.estimatedRows = copy.keyHi - copy.keyLo + 1;
                } else if (chunked) {
                    counts.push_back({int(tasks.size()), ti}); // counted below, on the lanes
                } else {
                    copy.estimatedRows = stats->rows;
                }
            }
            copy.name = QStringLiteral("copy:") + t.name
                        + (chunked ? QStringLiteral("#%1").arg(i + 1) : QString());
            copies << copy.name;
            add(copy);
        }
        copiesOf.insert(t.name, copies);

        QStringList indexes;
        // What the table's index builds and validation wait for. ADD PRIMARY KEY locks the table
        // (ACCESS EXCLUSIVE): run beside them it waited for the validation's read and held the
        // index builds queued behind it, threads sitting idle; after it, they run side by side.
        QStringList copied = copies;
        if (hasDeferredKey(t)) {
            TaskSpec pk;
            pk.name = primaryKeyTaskName(t.name);
            pk.kind = TaskKind::PrimaryKey;
            pk.table = t.name;
            pk.object = t.primaryKey.join(u", ");
            pk.dependsOn = copies;
            pk.estimatedRows = stats->rows;
            pk.priority = opt.priority;
            indexes << pk.name;
            add(pk);
            copied << pk.name; // the copies stay listed: validation reads their checkpoints
        }
        for (const auto &idx : t.indexes) {
            TaskSpec index;
            index.name = indexTaskName(t.name, idx.name);
            index.kind = TaskKind::Index;
            index.table = t.name;
            index.object = idx.name;
            index.dependsOn = copied;
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
        validate.dependsOn = copied;
        validate.estimatedRows = stats->rows;
        validate.priority = opt.priority;
        lastOfEachTable << indexes << validate.name;
        add(validate);
    }

    std::vector<std::optional<Result<qint64>>> counted(counts.size());
    onLanes(qsizetype(counts.size()), [&](qsizetype i, Result<std::unique_ptr<DbConnection>> &own) {
        const TaskSpec &copy = tasks[counts[size_t(i)].task];
        counted[size_t(i)] = own ? sourceEngine.countRange(**own, tables[counts[size_t(i)].table], copy.keyLo, copy.keyHi)
                                 : Result<qint64>(own.error());
    });
    for (size_t i = 0; i < counts.size(); ++i) {
        if (!*counted[i])
            return counted[i]->error();
        tasks[counts[i].task].estimatedRows = **counted[i];
    }

    // Constraints, once the rows they cover are in. Each is a task of its own: one that the
    // target rejects ends in Error without holding up the others.
    QStringList constraints;
    auto addConstraint = [&](TaskKind kind, const TableSchema &t, const QString &object, const QStringList &dependsOn) {
        TaskSpec s;
        s.kind = kind;
        s.name = kind == TaskKind::Identity ? QStringLiteral("identity:") + t.name
                                            : QStringLiteral("%1:%2.%3").arg(toString(kind), t.name, object);
        s.table = t.name;
        s.object = object;
        s.dependsOn = dependsOn;
        s.priority = plan.optionsFor(t.name).priority;
        constraints << s.name;
        add(s);
    };
    for (const auto &t : tables) {
        const QStringList copies = copiesOf.value(t.name);
        for (const auto &check : t.checks)
            addConstraint(TaskKind::Check, t, check.name, copies);
        for (const auto &fk : t.foreignKeys) {
            QStringList deps = copies;
            // A parent left out of the plan has no tasks: the target then says what is missing.
            for (const auto &parent : tables) {
                if (parent.name != fk.referencedTable)
                    continue;
                if (parent.name != t.name)
                    deps << copiesOf.value(parent.name);
                if (hasDeferredKey(parent)
                    && QSet<QString>(parent.primaryKey.begin(), parent.primaryKey.end())
                           == QSet<QString>(fk.referencedColumns.begin(), fk.referencedColumns.end()))
                    deps << primaryKeyTaskName(parent.name);
                else if (const IndexSchema *idx = uniqueIndexOn(parent, fk.referencedColumns))
                    deps << indexTaskName(parent.name, idx->name);
            }
            addConstraint(TaskKind::ForeignKey, t, fk.name, deps);
        }
        for (const auto &col : t.columns)
            if (col.identity) {
                addConstraint(TaskKind::Identity, t, col.name, copies);
                break; // every engine numbers at most one column per table
            }
    }
    for (const auto &v : views) {
        if (!plan.includesTable(v.name))
            continue;
        TaskSpec s;
        s.kind = TaskKind::View;
        s.name = QStringLiteral("view:") + v.name;
        s.object = v.name;
        s.dependsOn = prepares;
        // A view built on other views waits for them.
        for (const auto &other : views)
            if (other.name != v.name && plan.includesTable(other.name)
                && v.selectSql.contains(QRegularExpression(QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(other.name)))))
                s.dependsOn << QStringLiteral("view:") + other.name;
        constraints << s.name;
        add(s);
    }

    auto scriptWarnings = addScriptTasks(plan, tables, scripts, tasks);
    if (!scriptWarnings)
        return scriptWarnings.error();
    if (warnings)
        *warnings << *scriptWarnings;
    QStringList scriptTasks;
    for (const TaskSpec &t : tasks)
        if (t.kind == TaskKind::Script)
            scriptTasks << t.name;

    TaskSpec finalize;
    finalize.name = QStringLiteral("finalize");
    finalize.kind = TaskKind::Finalize;
    finalize.dependsOn = lastOfEachTable + constraints + scriptTasks;
    add(finalize);
    return tasks;
}

} // namespace cockpit
