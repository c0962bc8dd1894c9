#include "tasks/taskconnections.h"
#include "tasks/taskkinds.h"
#include "tasks/taskoutcomes.h"
#include "engine/rowhasher.h"
#include "tasks/rejectfile.h"
#include <future>

namespace cockpit {

namespace {

QStringList columnNames(const TableSchema &t)
{
    QStringList names;
    for (const auto &c : t.columns)
        names << c.name;
    return names;
}

} // namespace

TaskOutcome runCopy(const TaskContext &ctx)
{
    const CopyInputs &in = ctx.inputs<CopyInputs>();
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

    // A shared run: this attempt's epoch first, so that a batch of an earlier attempt (a worker
    // suspended past its lease) has committed or can no longer commit before the checkpoint is read.
    if (ctx.epoch > 0)
        if (auto st = c->engines.target().raiseFence(*c->target, spec.name, ctx.epoch); !st)
            return failed(st.error());
    // Resume from what the target committed, not from what we remember: the checkpoint sits in
    // the same transaction as the rows it covers.
    auto cp = c->engines.target().readCheckpoint(*c->target, spec.name);
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
        // marked complete. Fenced in a transaction of its own (best effort): clearTable commits
        // by itself.
        if (auto st = c->engines.target().checkFenceAlone(*c->target, spec.name, ctx.epoch); !st)
            return failed(st.error());
        if (auto st = c->engines.target().clearTable(*c->target, table); !st)
            return failed(st.error());
    } else if (rowsDone > 0) {
        ctx.log(LogLevel::Info, QStringLiteral("resuming after %1 (%2 rows already committed)")
                                            .arg(position(after), number(rowsDone)));
    }

    control.rowsDone = rowsDone;
    control.checkpoint = after;
    control.hasCheckpoint = true;

    auto limited = converterFor(ctx, *c);
    if (!limited)
        return failed(limited.error());
    ValueConverter converter = std::move(*limited);
    std::shared_ptr<RejectFile> rejects;
    qint64 chunkRejects = 0; // rows of this chunk listed in the reject file
    if (converter.active()) {
        rejects = RejectFile::open(in.rejectsDir, table.name);
        auto committed = rejects->startCopy(resumable, spec.keyLo, after, spec.keyHi);
        if (!committed)
            return failed(committed.error());
        chunkRejects = *committed;
    }
    std::vector<RejectedValue> rejected;
    const QStringList names = columnNames(table);
    qint64 rowsRead = 0; // keyless copies name a reject by its row number

    RowBatch batch;
    Checkpoint checkpoint{spec.name, table.name, ctx.runId, after, rowsDone, {}, ctx.epoch};
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
                            && spec.estimatedRows <= qint64(in.batchSize) * kBatchesPerWholeCopy;
    const bool transfer = in.transfer && spec.name == QStringLiteral("copy:") + table.name;
    const bool wholeFromStart = (wholeTable || transfer) && checkpoint.rowsDone == 0;
    const TableSchema target = targetSchema(ctx);
    const EnginePair::Route route = c->engines.route(*c->target, table, target, converter.active(), wholeFromStart);
    if (route.copy != EnginePair::CopyPath::Rows) {
        auto copier = c->engines.openCopier(route, *c->source, ctx.source, *c->target, table, target, after, spec.keyHi);
        if (!copier)
            return failedAtCheckpoint(copier.error());
        if ((*copier)->hashesRows())
            checkpoint.rowHashSum = rowHashSum;
        ctx.log(LogLevel::Info, EnginePair::describe(route.copy));
        if (!(*copier)->copiesWhole() || !wholeFromStart)
            return copyInBatches([&] { return (*copier)->copyBatch(checkpoint, in.batchSize); });
        // One statement: a Cancel or a stop interrupts it (rolled back), a Pause lets it end.
        control.setInterruptStatements(true);
        InterruptibleScope scope(control, c->target.get());
        // Streamed validation: the rows travel undecoded, so the source is hashed on a
        // connection of its own while the copy runs (on the other core), and the sum is
        // committed with the checkpoint; validation then reads only the target.
        std::future<Result<TableChecksum>> sourceSum;
        if (in.validation == ValidationMode::Streamed)
            sourceSum = std::async(std::launch::async, [&ctx, &control, &c]() -> Result<TableChecksum> {
                auto source = DbConnection::open(ctx.source, DbConnection::Mode::ReadOnly);
                if (!source)
                    return source.error();
                InterruptibleScope sourceScope(control, source->get());
                return c->engines.source().checksum(**source, ctx.table);
            });
        auto sourceHash = [&sourceSum](qint64 rows) -> Result<std::optional<quint64>> {
            auto sum = sourceSum.get();
            if (!sum)
                return sum.error();
            // Another count than the copy's: no sum, validation reads both sides.
            return sum->rows == rows ? std::optional<quint64>(sum->sum) : std::nullopt;
        };
        // A keyed or sampled checkpoint at keyHi, or a keyless one past it, all read as complete.
        auto n = (*copier)->copyWhole(checkpoint, resumable ? spec.keyHi : spec.keyHi + 1, &control.rowsDone,
                                      spec.estimatedRows, int(table.indexes.size()),
                                      sourceSum.valid() ? std::function(sourceHash) : nullptr);
        if (!n)
            return failedAtCheckpoint(n.error());
        control.rowsDone = checkpoint.rowsDone;
        control.checkpoint = checkpoint.lastKey;
        return outcome(TaskOutcome::Ended, QStringLiteral("%1 rows copied").arg(number(checkpoint.rowsDone)));
    }

    checkpoint.rowHashSum = rowHashSum;
    // The rows are hashed as the source gave them, typed as the full validation would type them
    // (the converted table's types when values are converted), so a streamed validation
    // compares exactly what a second read would have (ValidationMode); or by the writer, as it
    // sends them (RowWriter::hashesRows).
    const TableSchema hashedAs = converter.active() ? target : table;
    RowHasher hasher;
    auto reader = sampled ? c->engines.source().openKeyRange(*c->source, table, KeyRange{spec.keyAfter, spec.keyThrough},
                                                          after - (spec.keyLo - 1), spec.keyLo)
                          : c->engines.source().openReader(*c->source, table, after, spec.keyHi);
    if (!reader)
        return failedAtCheckpoint(reader.error());
    auto writer = c->engines.target().openWriter(*c->target, target);
    if (!writer)
        return failedAtCheckpoint(writer.error());

    while (true) {
        auto n = (*reader)->next(batch, in.batchSize);
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
                if (*total > in.maxRejects)
                    return failedAtCheckpoint(makeError(QStringLiteral("%1 rows of \"%2\" did not convert to the target's types, "
                                                           "more than maxRejects (%3); see %4")
                                                .arg(number(*total), table.name)
                                                .arg(in.maxRejects)
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

} // namespace cockpit
