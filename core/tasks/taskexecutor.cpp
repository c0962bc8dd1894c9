#include "tasks/taskexecutor.h"
#include "engine/connectionpool.h"
#include "engine/engine.h"
#include "engine/rowhasher.h"
#include "engine/sqlexpression.h"
#include "engine/mysql/mysqlengine.h"
#include "engine/postgres/postgresengine.h"
#include "engine/sqlite/sqliteengine.h"
#include "engine/valueconvert.h"
#include "log/logging.h"
#include "tasks/rejectfile.h"
#include "tasks/scripttask.h"

#include <QLocale>
#include <future>

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
    o.kind = TaskOutcome::Failed;
    o.message = e.message;
    o.error = e;
    return o;
}

namespace {

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

QString number(qint64 n) { return QLocale::system().toString(n); }

// A task's connections, taken from this worker thread's pool and given back when the task is
// done with them (only if idle: see connectionpool.h).
struct Connections {
    std::unique_ptr<DbConnection> source;
    std::unique_ptr<DbConnection> target;
    std::unique_ptr<Engine> sourceEngine;
    std::unique_ptr<Engine> targetEngine;

    Connections() = default;
    Connections(Connections &&) = default;
    Connections &operator=(Connections &&) = default;
    ~Connections()
    {
        connectionpool::giveBack(std::move(source));
        connectionpool::giveBack(std::move(target));
    }
};

Result<Connections> connect(const TaskContext &ctx, bool needSource)
{
    Connections c;
    c.targetEngine = Engine::create(ctx.target.engine);
    auto target = connectionpool::take(ctx.target, DbConnection::Mode::ReadWrite);
    if (!target)
        return target.error();
    c.target = std::move(*target);
    ctx.control->targetSession = c.target->sessionId();
    if (needSource) {
        c.sourceEngine = Engine::create(ctx.source.engine);
        auto source = connectionpool::take(ctx.source, DbConnection::Mode::ReadOnly);
        if (!source)
            return source.error();
        c.source = std::move(*source);
        ctx.control->sourceSession = c.source->sessionId();
    }
    return c;
}

// The target gets the source's own DDL only when both are the same engine; otherwise the
// engine builds it from the column model, with the checks' expressions translated.
TableSchema targetSchema(const TaskContext &ctx)
{
    TableSchema t = ctx.targetTable.columns.isEmpty() ? ctx.table : ctx.targetTable;
    if (ctx.source.engine != ctx.target.engine) {
        t.createSql.clear();
        for (auto &i : t.indexes)
            i.createSql.clear();
        const auto target = Engine::create(ctx.target.engine);
        for (auto &check : t.checks)
            check.expression = translateExpression(check.expression, ctx.source.engine, *target, t.columns);
    }
    return t;
}

TaskOutcome skipped(const QString &reason)
{
    TaskOutcome o;
    o.kind = TaskOutcome::Skipped;
    o.message = reason;
    return o;
}

ValueConverter converterFor(const TaskContext &ctx)
{
    return ValueConverter(ctx.table, targetSchema(ctx), ctx.source.engine, ctx.target.engine);
}

// The converter of a copy or a validation, with the target's limit on a row (MariaDB's
// max_allowed_packet), so both reject the same rows.
Result<ValueConverter> converterFor(const TaskContext &ctx, DbConnection &target)
{
    ValueConverter converter = converterFor(ctx);
    if (ctx.target.engine == EngineKind::MySQL && converter.active()) {
        auto packet = MysqlEngine::maxAllowedPacket(target);
        if (!packet)
            return packet.error();
        converter.setMaxRowBytes(maxRowBytesForMysql(*packet));
    }
    return converter;
}

// PostgreSQL to PostgreSQL with the same built-in types: rows travel undecoded and both sides
// of the validation hash raw binary values (PostgresEngine::Passthrough). One predicate for the
// copy and the validation, so that the sums they compare were made the same way.
bool usesPassthrough(const TaskContext &ctx)
{
    return ctx.source.engine == EngineKind::PostgreSQL && ctx.target.engine == EngineKind::PostgreSQL
           && ctx.table.hasCopyKey() && !ctx.table.hasSampledKey() && !converterFor(ctx).active()
           && PostgresEngine::Passthrough::applies(targetSchema(ctx));
}

// The source rows as the copy writes them: converted, without the rejected ones.
class ConvertingReader : public RowReader {
public:
    ConvertingReader(RowReader &source, ValueConverter converter) : m_source(source), m_converter(std::move(converter)) {}
    Result<int> next(RowBatch &batch, int maxRows) override
    {
        while (true) {
            auto n = m_source.next(batch, maxRows);
            if (!n || *n == 0)
                return n;
            m_rejected.clear();
            m_converter.convert(batch, false, 0, m_rejected);
            m_rejectedRows += qint64(m_rejected.size());
            if (batch.rows() > 0)
                return batch.rows();
        }
    }
    qint64 rejected() const { return m_rejectedRows; }

private:
    RowReader &m_source;
    ValueConverter m_converter;
    std::vector<RejectedValue> m_rejected;
    qint64 m_rejectedRows = 0;
};

QStringList columnNames(const TableSchema &t)
{
    QStringList names;
    for (const auto &c : t.columns)
        names << c.name;
    return names;
}

TaskOutcome createTargetTable(const TaskContext &ctx);

// A SQLite source's values are scanned first (they decide the target's column types and key);
// the decision goes back to the scheduler with the outcome, for the table's other tasks.
TaskOutcome runPrepare(const TaskContext &ctx)
{
    if (ctx.scanColumns.isEmpty())
        return createTargetTable(ctx);
    TargetTable table{ctx.targetTable.columns.isEmpty() ? ctx.table : ctx.targetTable, {}, ctx.scanColumns, ctx.nullKeys};
    Result<TypeScan> scan = TypeScan{};
    {
        auto source = DbConnection::open(ctx.source, DbConnection::Mode::ReadOnly);
        if (!source)
            return failed(source.error());
        InterruptibleScope scope(*ctx.control, source->get());
        scan = scanColumnValues(table, **source);
    }
    if (!scan)
        return failedOrStopped(ctx, scan.error());
    applyTypeScan(table, *scan);
    TaskContext scanned = ctx;
    scanned.targetTable = table.schema;
    scanned.typeWarnings = scan->warnings;
    TaskOutcome o = createTargetTable(scanned);
    o.typeScan = *scan;
    return o;
}

TaskOutcome createTargetTable(const TaskContext &ctx)
{
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    InterruptibleScope scope(*ctx.control, c->target.get());
    const auto mode = ctx.ifTargetExists == IfTargetExists::Replace ? PrepareMode::Replace
                                                                    : PrepareMode::FailIfExists;
    QStringList warnings = ctx.typeWarnings;
    if (auto st = c->targetEngine->prepareTable(*c->target, targetSchema(ctx), ctx.runId, mode, &warnings); !st)
        return failedOrStopped(ctx, st.error());
    for (const auto &w : warnings)
        ctx.log(QStringLiteral("warn"), w);
    for (const auto &conversion : converterFor(ctx).describe())
        ctx.log(QStringLiteral("info"), QStringLiteral("values converted: ") + conversion);
    if (ctx.transfer) {
        // Empty indexes now: the transfer then appends their entries in order, which is
        // cheaper than sorting the table for each CREATE INDEX after the copy.
        const TableSchema t = targetSchema(ctx);
        for (const auto &index : t.indexes) {
            if (!ctx.indexesAtPrepare.contains(index.name))
                continue;
            if (auto st = c->targetEngine->createIndex(*c->target, t, index, ctx.indexBuilds); !st)
                return failedOrStopped(ctx, st.error());
        }
        if (!ctx.indexesAtPrepare.isEmpty())
            ctx.log(QStringLiteral("info"), QStringLiteral("indexes created with the table, filled by the copy: ")
                                                + ctx.indexesAtPrepare.join(QStringLiteral(", ")));
    }
    return ended(warnings.isEmpty() ? QStringLiteral("table created")
                                    : QStringLiteral("table created; %1 warning(s) in the task log").arg(warnings.size()));
}

TaskOutcome runCopy(const TaskContext &ctx)
{
    TaskControl &control = *ctx.control;
    auto c = connect(ctx, true);
    if (!c)
        return failed(c.error());
    const TableSchema &table = ctx.table;
    const TaskSpec &spec = ctx.spec;
    const bool keyed = table.hasCopyKey();
    // A chunk of a sampled key resumes like a keyed one, its checkpoint being the position
    // (in key order) of the last row committed: see TaskSpec::sampledRange.
    const bool sampled = spec.sampledRange;
    const bool resumable = keyed || sampled;
    auto position = [sampled](qint64 at) {
        return sampled ? QStringLiteral("row %1 in key order").arg(at) : QStringLiteral("key %1").arg(at);
    };

    // Resume from what the target committed, not from what we remember: the checkpoint sits in
    // the same transaction as the rows it covers.
    auto cp = c->targetEngine->readCheckpoint(*c->target, spec.name);
    if (!cp)
        return failed(cp.error());
    qint64 after = spec.keyLo - 1;
    qint64 rowsDone = 0;
    std::optional<quint64> rowHashSum = quint64(0); // absent: an earlier attempt did not hash
    if (cp->has_value() && (*cp)->runId == ctx.runId) {
        if (resumable) {
            after = (*cp)->lastKey;
            rowsDone = (*cp)->rowsDone;
            rowHashSum = (*cp)->rowHashSum;
        } else if ((*cp)->lastKey > spec.keyHi) {
            TaskOutcome o = ended(QStringLiteral("%1 rows copied").arg(number((*cp)->rowsDone)));
            o.rowsDone = (*cp)->rowsDone;
            return o;
        }
    }
    if (!resumable) {
        // Without a key there is no position to resume from: start the table again. This is
        // safe because the table is ours (prepared by this run) and its rows were never
        // marked complete.
        if (auto st = c->targetEngine->clearTable(*c->target, table); !st)
            return failed(st.error());
    } else if (rowsDone > 0) {
        ctx.log(QStringLiteral("info"), QStringLiteral("resuming after %1 (%2 rows already committed)")
                                            .arg(position(after), number(rowsDone)));
    }

    control.rowsDone = rowsDone;
    control.checkpoint = after;
    control.hasCheckpoint = true;

    auto limited = converterFor(ctx, *c->target);
    if (!limited)
        return failed(limited.error());
    ValueConverter converter = std::move(*limited);
    std::shared_ptr<RejectFile> rejects;
    qint64 chunkRejects = 0; // rows of this chunk listed in the reject file
    if (converter.active()) {
        rejects = RejectFile::open(ctx.rejectsDir, table.name);
        auto committed = rejects->startCopy(resumable, spec.keyLo, after, spec.keyHi);
        if (!committed)
            return failed(committed.error());
        chunkRejects = *committed;
    }
    std::vector<RejectedValue> rejected;
    const QStringList names = columnNames(table);
    qint64 rowsRead = 0; // keyless copies name a reject by its row number

    RowBatch batch;
    Checkpoint checkpoint{spec.name, table.name, ctx.runId, after, rowsDone, {}};
    auto outcome = [&](TaskOutcome::Kind kind, QString message) {
        TaskOutcome o;
        o.kind = kind;
        o.message = std::move(message);
        o.rowsDone = checkpoint.rowsDone;
        o.checkpoint = checkpoint.lastKey;
        o.hasCheckpoint = true;
        return o;
    };
    // What the target has committed: `checkpoint` runs ahead of it while a batch is written,
    // and a whole-table copy's progress counts rows its transaction may still roll back.
    Checkpoint lastCommitted = checkpoint;
    // A failure reports the committed checkpoint, so no partial batch is counted as done.
    auto failedAtCheckpoint = [&](const TaskError &e) {
        TaskOutcome o = failedOrStopped(ctx, e);
        o.rowsDone = lastCommitted.rowsDone;
        o.checkpoint = lastCommitted.lastKey;
        o.hasCheckpoint = true;
        return o;
    };
    // Stop requests are honoured only between batches, after a commit: the checkpoint on the
    // target then describes exactly the rows that are there.
    auto stopAfterBatch = [&]() -> std::optional<TaskOutcome> {
        switch (control.stopRequest()) {
        case StopRequest::None: break;
        case StopRequest::Pause:
            if (resumable)
                return outcome(TaskOutcome::Paused, QStringLiteral("paused after %1 (%2 rows)")
                                                        .arg(position(checkpoint.lastKey), number(checkpoint.rowsDone)));
            break; // a keyless copy cannot resume midway: it finishes
        case StopRequest::Cancel:
            return outcome(TaskOutcome::Canceled, QStringLiteral("canceled after %1 (%2 rows)")
                                                      .arg(position(checkpoint.lastKey), number(checkpoint.rowsDone)));
        case StopRequest::Interrupt:
            return outcome(TaskOutcome::Interrupted, QStringLiteral("stopped after %1 (%2 rows); "
                                                                    "continues on the next Run")
                                                         .arg(position(checkpoint.lastKey), number(checkpoint.rowsDone)));
        }
        return std::nullopt;
    };
    // After each committed batch: the window sees the checkpoint, then a stop takes effect.
    auto committed = [&]() -> std::optional<TaskOutcome> {
        lastCommitted = checkpoint;
        control.rowsDone = checkpoint.rowsDone;
        control.checkpoint = checkpoint.lastKey;
        return stopAfterBatch();
    };
    // The engine-specific fast paths commit their own batches (rows + checkpoint): `copyBatch()`
    // returns the rows of one, 0 at the end.
    auto copyInBatches = [&](auto &&copyBatch) -> TaskOutcome {
        while (true) {
            auto n = copyBatch();
            if (!n)
                return failedAtCheckpoint(n.error());
            if (*n == 0)
                break;
            if (auto stop = committed())
                return *stop;
        }
        return outcome(TaskOutcome::Ended, QStringLiteral("%1 rows copied").arg(number(checkpoint.rowsDone)));
    };

    // A table of at most ten batches, not split in chunks, copies in one transaction where the
    // engine has a faster whole-table path: a pause or a kill then costs at most those ten
    // batches, which is less than the per-batch overhead saves.
    constexpr qint64 kBatchesPerWholeCopy = 10;
    const bool wholeTable = spec.name == QStringLiteral("copy:") + table.name
                            && spec.estimatedRows <= qint64(ctx.batchSize) * kBatchesPerWholeCopy;
    const bool transfer = ctx.transfer && spec.name == QStringLiteral("copy:") + table.name;
    if (ctx.source.engine == EngineKind::SQLite && ctx.target.engine == EngineKind::SQLite
        && !converter.active() && (keyed || ((wholeTable || transfer) && checkpoint.rowsDone == 0))) {
        // SQLite to SQLite: rows never leave the library (INSERT ... SELECT).
        auto attached = SqliteEngine::AttachedCopy::open(*c->target, ctx.source.path, table);
        if (!attached)
            return failedAtCheckpoint(attached.error());
        if ((wholeTable || transfer) && checkpoint.rowsDone == 0) {
            // One statement: a Cancel or a stop interrupts it (rolled back), a Pause lets it end.
            control.setInterruptStatements(true);
            InterruptibleScope scope(control, c->target.get());
            // Streamed validation: the rows travel undecoded, so the source is hashed on a
            // connection of its own while SQLite copies them (on the other core), and the sum is
            // committed with the checkpoint; validation then reads only the target.
            std::future<Result<TableChecksum>> sourceSum;
            if (ctx.validation == ValidationMode::Streamed)
                sourceSum = std::async(std::launch::async, [&ctx, &control]() -> Result<TableChecksum> {
                    auto source = DbConnection::open(ctx.source, DbConnection::Mode::ReadOnly);
                    if (!source)
                        return source.error();
                    InterruptibleScope sourceScope(control, source->get());
                    return SqliteEngine().checksum(**source, ctx.table);
                });
            auto sourceHash = [&sourceSum](qint64 rows) -> Result<std::optional<quint64>> {
                auto sum = sourceSum.get();
                if (!sum)
                    return sum.error();
                // Another count than the copy's: no sum, validation reads both sides.
                return sum->rows == rows ? std::optional<quint64>(sum->sum) : std::nullopt;
            };
            // A keyed or sampled checkpoint at keyHi, or a keyless one past it, all read as complete.
            auto n = (*attached)->copyWhole(checkpoint, resumable ? spec.keyHi : spec.keyHi + 1, &control.rowsDone,
                                            spec.estimatedRows, int(table.indexes.size()),
                                            sourceSum.valid() ? std::function(sourceHash) : nullptr);
            if (!n)
                return failedAtCheckpoint(n.error());
            control.rowsDone = checkpoint.rowsDone;
            control.checkpoint = checkpoint.lastKey;
            return outcome(TaskOutcome::Ended, QStringLiteral("%1 rows copied").arg(number(checkpoint.rowsDone)));
        }
        return copyInBatches([&] { return (*attached)->copyBatch(checkpoint, spec.keyHi, ctx.batchSize); });
    }

    checkpoint.rowHashSum = rowHashSum;
    if (usesPassthrough(ctx)) {
        const TableSchema target = targetSchema(ctx);
        auto pass = PostgresEngine::Passthrough::open(*c->source, *c->target, table, after, spec.keyHi,
                                                      PostgresEngine::hashesOnServer(*c->target, target)
                                                          ? PostgresEngine::binaryKinds(target)
                                                          : std::vector<PgBinaryKind>());
        if (!pass)
            return failedAtCheckpoint(pass.error());
        ctx.log(QStringLiteral("info"), QStringLiteral("rows travel in COPY's binary format, not decoded (PostgreSQL to PostgreSQL, same types)"));
        return copyInBatches([&] { return (*pass)->copyBatch(checkpoint, ctx.batchSize); });
    }
    // The rows are hashed as the source gave them, typed as the full validation would type them
    // (the converted table's types when values are converted), so a streamed validation
    // compares exactly what a second read would have (ValidationMode); or by the writer, as it
    // sends them (RowWriter::hashesRows).
    const TableSchema hashedAs = converter.active() ? targetSchema(ctx) : table;
    RowHasher hasher;
    auto reader = sampled ? c->sourceEngine->openKeyRange(*c->source, table, KeyRange{spec.keyAfter, spec.keyThrough},
                                                          after - (spec.keyLo - 1), spec.keyLo)
                          : c->sourceEngine->openReader(*c->source, table, after, spec.keyHi);
    if (!reader)
        return failedAtCheckpoint(reader.error());
    auto writer = c->targetEngine->openWriter(*c->target, targetSchema(ctx));
    if (!writer)
        return failedAtCheckpoint(writer.error());

    while (true) {
        auto n = (*reader)->next(batch, ctx.batchSize);
        if (!n)
            return failedAtCheckpoint(n.error());
        if (*n == 0)
            break;
        if (resumable)
            checkpoint.lastKey = batch.lastKey();
        if (converter.active()) {
            rejected.clear();
            converter.convert(batch, resumable, rowsRead + 1, rejected);
            // Listed (and synced) before the batch commits: see rejectfile.h.
            if (!rejected.empty()) {
                auto total = rejects->append(rejected, names);
                if (!total)
                    return failedAtCheckpoint(total.error());
                chunkRejects += qint64(rejected.size());
                if (*total > ctx.maxRejects)
                    return failedAtCheckpoint(makeError(QStringLiteral("%1 rows of \"%2\" did not convert to the target's types, "
                                                           "more than maxRejects (%3); see %4")
                                                .arg(number(*total), table.name)
                                                .arg(ctx.maxRejects)
                                                .arg(rejects->path())));
            }
        }
        rowsRead += *n;
        checkpoint.rowsDone += batch.rows();
        if (checkpoint.rowHashSum && !(*writer)->hashesRows())
            *checkpoint.rowHashSum += hasher.sumRows(batch, hashedAs);
        if (auto st = (*writer)->writeBatch(batch, checkpoint); !st)
            return failedAtCheckpoint(st.error());
        control.bytesDone += batch.byteSize();
        if (auto stop = committed())
            return *stop;
    }
    if (!resumable) {
        checkpoint.lastKey = spec.keyHi + 1; // complete
        batch.reset(int(table.columns.size()));
        if (auto st = (*writer)->writeBatch(batch, checkpoint); !st)
            return failedAtCheckpoint(st.error());
    }
    if (chunkRejects > 0)
        return outcome(TaskOutcome::Ended, QStringLiteral("%1 rows copied, %2 rejected (see %3)")
                                               .arg(number(checkpoint.rowsDone), number(chunkRejects), rejects->path()));
    return outcome(TaskOutcome::Ended, QStringLiteral("%1 rows copied").arg(number(checkpoint.rowsDone)));
}

TaskOutcome runIndex(const TaskContext &ctx)
{
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    const TableSchema t = targetSchema(ctx);
    for (const auto &idx : t.indexes) {
        if (idx.name != ctx.spec.object)
            continue;
        if (ctx.transfer) { // created at prepare, filled by the copy
            auto exists = SqliteEngine::hasIndex(*c->target, idx.name);
            if (!exists)
                return failed(exists.error());
            if (*exists)
                return ended(QStringLiteral("index filled by the table's transfer"));
        }
        InterruptibleScope scope(*ctx.control, c->target.get());
        if (auto st = c->targetEngine->createIndex(*c->target, t, idx, ctx.indexBuilds); !st)
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
    auto done = c->targetEngine->addPrimaryKey(*c->target, targetSchema(ctx), ctx.indexBuilds);
    if (!done)
        return failedOrStopped(ctx, done.error());
    return ended(*done);
}

// Names the first rows that differ, walking both tables in primary-key order.
QString firstDifferences(const TaskContext &ctx, Connections &c, int limit)
{
    const TableSchema &t = ctx.table;
    auto src = c.sourceEngine->openOrderedReader(*c.source, t);
    auto tgt = c.targetEngine->openOrderedReader(*c.target, targetSchema(ctx));
    if (!src || !tgt)
        return QString();
    QVector<int> keyColumns;
    for (const auto &k : t.primaryKey)
        for (int i = 0; i < t.columns.size(); ++i)
            if (t.columns[i].name == k)
                keyColumns << i;
    auto describe = [&](const RowBatch &b, int row) {
        QStringList parts;
        const QVector<int> cols = keyColumns.isEmpty() ? QVector<int>{0} : keyColumns;
        for (int col : cols) {
            const Value &v = b.value(row, col);
            switch (v.type) {
            case ValueType::Null: parts << QStringLiteral("NULL"); break;
            case ValueType::Integer: parts << QString::number(v.integer); break;
            case ValueType::Real: parts << QString::number(v.real, 'g', 17); break;
            case ValueType::Text: parts << QString::fromUtf8(b.bytes(v), int(v.size)); break;
            case ValueType::Blob: parts << QStringLiteral("<blob>"); break;
            }
        }
        return parts.join(u',');
    };
    RowBatch a, b;
    int ia = 0, ib = 0;
    QStringList diffs;
    RowHasher ha, hb;
    qint64 position = 0;
    while (diffs.size() < limit) {
        if (ia >= a.rows()) {
            auto n = (*src)->next(a, 4096);
            ia = 0;
            if (!n)
                break;
        }
        if (ib >= b.rows()) {
            auto n = (*tgt)->next(b, 4096);
            ib = 0;
            if (!n)
                break;
        }
        const bool endA = a.rows() == 0, endB = b.rows() == 0;
        if (endA && endB)
            break;
        if (endA) {
            diffs << QStringLiteral("extra on target: key %1").arg(describe(b, ib++));
            continue;
        }
        if (endB) {
            diffs << QStringLiteral("missing on target: key %1").arg(describe(a, ia++));
            continue;
        }
        for (int col = 0; col < a.columns(); ++col)
            ha.addTyped(a, a.value(ia, col), t.columns[col].type.cls);
        for (int col = 0; col < b.columns(); ++col)
            hb.addTyped(b, b.value(ib, col), t.columns[col].type.cls);
        if (ha.finishRow() != hb.finishRow())
            diffs << QStringLiteral("row %1 differs: source key %2, target key %3")
                         .arg(position + 1)
                         .arg(describe(a, ia), describe(b, ib));
        ++ia;
        ++ib;
        ++position;
    }
    return diffs.join(QStringLiteral("; "));
}

// The source side of a streamed validation: the sums the table's copies hashed as they read
// (kept with their checkpoints on the target). Absent, with the reason, when a copy did not hash.
std::optional<TableChecksum> streamedSourceSum(const TaskContext &ctx, Connections &c, QString *why)
{
    TableChecksum sum;
    for (const QString &copy : ctx.spec.dependsOn) {
        if (!copy.startsWith(QLatin1String("copy:")))
            continue;
        auto cp = c.targetEngine->readCheckpoint(*c.target, copy);
        if (!cp || !cp->has_value() || (*cp)->runId != ctx.runId) {
            *why = QStringLiteral("no checkpoint of %1 on the target").arg(copy);
            return std::nullopt;
        }
        if (!(*cp)->rowHashSum) {
            *why = QStringLiteral("%1 did not hash its rows").arg(copy);
            return std::nullopt;
        }
        sum.rows += (*cp)->rowsDone;
        sum.sum += *(*cp)->rowHashSum;
    }
    return sum;
}

TaskOutcome runValidate(const TaskContext &ctx)
{
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    auto limited = converterFor(ctx, *c->target);
    if (!limited)
        return failed(limited.error());
    const ValueConverter converter = std::move(*limited);
    const bool converted = converter.active();
    qint64 sourceRejects = 0;
    ctx.control->rowsDone = 0;

    std::optional<TableChecksum> streamed;
    if (ctx.validation == ValidationMode::Streamed) {
        QString why;
        streamed = streamedSourceSum(ctx, *c, &why);
        if (!streamed)
            ctx.log(QStringLiteral("info"), QStringLiteral("reading the source again in full: ") + why);
    }
    // Progress: rows hashed (the target only, when the copies hashed the source).
    ctx.control->rowsTotal = (streamed ? 1 : 2) * ctx.spec.estimatedRows;

    // The source side on a thread of its own (with its own connection, since a connection
    // belongs to the thread that opened it) while the target is hashed here. Streamed: a count
    // of the source rows, which must be the rows the copies read plus those they rejected.
    // Full: both sides are hashed; a table whose values are converted compares the target with
    // the source *as converted*, without the rows that do not convert, and those must be
    // exactly the rows in the reject file.
    const bool raw = usesPassthrough(ctx);
    // Copied into PostgreSQL by a writer or a passthrough that hashed what it sent
    // (pgrowhash.h): the server sums the same hash over the target; no row is read back.
    const bool onServer = streamed && ctx.target.engine == EngineKind::PostgreSQL
                          && PostgresEngine::hashesOnServer(*c->target, targetSchema(ctx));
    auto sourceSum = std::async(std::launch::async, [&ctx, &converter, converted, raw, &sourceRejects, &streamed]() -> Result<TableChecksum> {
        auto source = DbConnection::open(ctx.source, DbConnection::Mode::ReadOnly);
        if (!source)
            return source.error();
        InterruptibleScope scope(*ctx.control, source->get());
        auto engine = Engine::create(ctx.source.engine);
        if (raw && !streamed)
            return PostgresEngine::rawChecksum(**source, ctx.table, &ctx.control->rowsDone);
        if (streamed) {
            auto stats = engine->stats(**source, ctx.table);
            if (!stats)
                return stats.error();
            sourceRejects = stats->rows - streamed->rows;
            return *streamed;
        }
        if (!converted)
            return engine->checksum(**source, ctx.table, &ctx.control->rowsDone);
        TableSchema whole = ctx.table;
        whole.copyKey.clear();
        auto reader = engine->openReader(**source, whole, 0, 0);
        if (!reader)
            return reader.error();
        ConvertingReader convertingReader(**reader, converter);
        auto sum = checksumRows(convertingReader, targetSchema(ctx), &ctx.control->rowsDone);
        sourceRejects = convertingReader.rejected();
        return sum;
    });
    Result<TableChecksum> targetSum = TableChecksum{};
    {
        InterruptibleScope scope(*ctx.control, c->target.get());
        targetSum = onServer ? PostgresEngine::serverChecksum(*c->target, targetSchema(ctx), ctx.indexBuilds, &ctx.control->rowsDone)
                    : raw    ? PostgresEngine::rawChecksum(*c->target, targetSchema(ctx), &ctx.control->rowsDone)
                             : c->targetEngine->checksum(*c->target, targetSchema(ctx), &ctx.control->rowsDone);
    }
    const Result<TableChecksum> sourceResult = sourceSum.get();
    if (!sourceResult)
        return failedOrStopped(ctx, sourceResult.error());
    if (!targetSum)
        return failedOrStopped(ctx, targetSum.error());
    const TableChecksum source = sourceResult.value(), target = targetSum.value();
    ctx.log(QStringLiteral("info"), QStringLiteral("source%1: %2; target%3: %4")
                                        .arg(streamed ? QStringLiteral(" (hashed by the copy)") : QString(), source.toString(),
                                             onServer ? QStringLiteral(" (summed on the server)") : QString(), target.toString()));
    if (onServer && !(source == target)) {
        // The authoritative comparison, which also names the rows that differ; it also covers
        // sums an earlier build committed with another hash before a resume.
        ctx.log(QStringLiteral("info"), QStringLiteral("the server's sum differs from the copy's: reading both sides in full"));
        TaskContext full = ctx;
        full.validation = ValidationMode::Full;
        return runValidate(full);
    }
    QString rejectNote;
    qint64 listed = 0;
    std::shared_ptr<RejectFile> rejects;
    if (converted) {
        rejects = RejectFile::open(ctx.rejectsDir, ctx.table.name);
        auto n = rejects->count();
        if (!n)
            return failed(n.error());
        listed = *n;
    }
    if (streamed && sourceRejects != listed)
        return failed(makeError(QStringLiteral("validation of \"%1\" failed: the source has %2 rows but the copies wrote %3 "
                                               "and rejected %4; did the source change during the upgrade? Rerun its copy")
                                    .arg(ctx.table.name, number(streamed->rows + sourceRejects), number(streamed->rows),
                                         number(listed))));
    if (converted) {
        if (listed != sourceRejects)
            return failed(makeError(QStringLiteral("validation of \"%1\" failed: %2 source rows do not convert to the "
                                                   "target's types but %3 lists %4")
                                        .arg(ctx.table.name, number(sourceRejects), rejects->path(), number(listed))));
        if (sourceRejects > 0)
            rejectNote = QStringLiteral("; %1 rejected rows not copied, listed in %2").arg(number(sourceRejects), rejects->path());
    }
    if (source == target) {
        TaskOutcome o = ended(QStringLiteral("%1 rows, checksum %2 equal%3%4")
                                  .arg(number(source.rows))
                                  .arg(source.sum, 16, 16, QLatin1Char('0'))
                                  .arg(onServer   ? QStringLiteral(" (source hashed during the copy, target on the server)")
                                       : streamed ? QStringLiteral(" (source hashed during the copy)")
                                                  : QString(),
                                       rejectNote));
        o.rowsDone = source.rows;
        return o;
    }
    QString what = source.rows != target.rows
                       ? QStringLiteral("row count differs: source %1, target %2")
                             .arg(number(source.rows), number(target.rows))
                       : QStringLiteral("checksum differs (%1 rows each): source %2, target %3")
                             .arg(number(source.rows))
                             .arg(source.sum, 16, 16, QLatin1Char('0'))
                             .arg(target.sum, 16, 16, QLatin1Char('0'));
    c->sourceEngine = Engine::create(ctx.source.engine);
    auto source2 = DbConnection::open(ctx.source, DbConnection::Mode::ReadOnly);
    if (!source2)
        return failed(source2.error());
    c->source = std::move(*source2);
    const QString diffs = firstDifferences(ctx, *c, 5);
    if (!diffs.isEmpty())
        what += QStringLiteral("; first differences: ") + diffs;
    return failed(makeError(QStringLiteral("validation of \"%1\" failed: %2").arg(ctx.table.name, what)));
}

TaskOutcome runForeignKey(const TaskContext &ctx)
{
    const TableSchema t = targetSchema(ctx);
    for (ForeignKeySchema fk : t.foreignKeys) {
        if (fk.name != ctx.spec.object)
            continue;
        if (ctx.referencedKeyDropped)
            return skipped(QStringLiteral("not created: \"%1\" is on the target without its primary key (its key columns "
                                          "hold NULLs on the source), so nothing unique backs (%2)")
                               .arg(fk.referencedTable, fk.referencedColumns.join(QStringLiteral(", "))));
        auto c = connect(ctx, false);
        if (!c)
            return failed(c.error());
        InterruptibleScope scope(*ctx.control, c->target.get());
        const QString adapted = c->targetEngine->adaptForeignKey(t, fk);
        if (!adapted.isEmpty())
            ctx.log(QStringLiteral("warn"), adapted);
        if (auto st = c->targetEngine->addForeignKey(*c->target, t, fk); !st)
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
        if (auto st = c->targetEngine->addCheck(*c->target, t, check); !st)
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
        if (QString why; !c->targetEngine->numbersColumn(t, col, &why))
            return skipped(QStringLiteral("not numbered on the target: ") + why);
        InterruptibleScope scope(*ctx.control, c->target.get());
        auto next = c->targetEngine->resetIdentity(*c->target, t, col);
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
    if (ctx.view.name.isEmpty())
        return failed(makeError(QStringLiteral("view \"%1\" is no longer in the source schema").arg(ctx.spec.object)));
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    InterruptibleScope scope(*ctx.control, c->target.get());
    // The source's quoting ("x" on SQLite and PostgreSQL, `x` on MariaDB) in the target's.
    ViewSchema view = ctx.view;
    if (ctx.source.engine != ctx.target.engine)
        view.selectSql = translateExpression(view.selectSql, ctx.source.engine, *c->targetEngine, {}, Rewrite::QuotesOnly);
    if (auto st = c->targetEngine->createView(*c->target, view); !st) {
        if (ctx.control->stopRequest() != StopRequest::None)
            return failedOrStopped(ctx, st.error());
        ctx.log(QStringLiteral("warn"), QStringLiteral("view SQL: %1").arg(view.selectSql));
        return skipped(QStringLiteral("skipped: the target rejects the view's SQL: ") + st.error().message);
    }
    return ended(QStringLiteral("view created"));
}

TaskOutcome runFinalize(const TaskContext &ctx)
{
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    if (auto st = c->targetEngine->finishTarget(*c->target); !st)
        return failed(st.error());
    return ended(QStringLiteral("checkpoints removed; target ready"));
}

} // namespace

TaskOutcome executeTask(const TaskContext &ctx)
{
    ctx.control->setInterruptStatements(ctx.spec.kind != TaskKind::Copy);
    if (ctx.control->stopRequest() == StopRequest::Cancel
        || ctx.control->stopRequest() == StopRequest::Interrupt)
        return failedOrStopped(ctx, makeError(QStringLiteral("stopped before it started")));
    TaskOutcome o;
    switch (ctx.spec.kind) {
    case TaskKind::Prepare: o = runPrepare(ctx); break;
    case TaskKind::Copy: o = runCopy(ctx); break;
    case TaskKind::Index: o = runIndex(ctx); break;
    case TaskKind::Validate: o = runValidate(ctx); break;
    case TaskKind::Finalize: o = runFinalize(ctx); break;
    case TaskKind::ForeignKey: o = runForeignKey(ctx); break;
    case TaskKind::Check: o = runCheck(ctx); break;
    case TaskKind::Identity: o = runIdentity(ctx); break;
    case TaskKind::View: o = runView(ctx); break;
    case TaskKind::Script: o = runScript(ctx); break;
    case TaskKind::PrimaryKey: o = runPrimaryKey(ctx); break;
    }
    return o;
}

} // namespace cockpit
