#include "tasks/taskconnections.h"
#include "tasks/taskkinds.h"
#include "tasks/taskoutcomes.h"
#include "engine/rowhasher.h"
#include "tasks/rejectfile.h"
#include <future>

namespace cockpit {

namespace {

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

QString firstDifferences(const TaskContext &ctx, Connections &c, int limit)
{
    const TableSchema &t = ctx.table;
    auto src = c.engines.source().openOrderedReader(*c.source, t);
    auto tgt = c.engines.target().openOrderedReader(*c.target, targetSchema(ctx));
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
        auto cp = c.engines.target().readCheckpoint(*c.target, copy);
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

} // namespace

TaskOutcome runValidate(const TaskContext &ctx)
{
    const ValidateInputs &in = ctx.inputs<ValidateInputs>();
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    auto limited = converterFor(ctx, *c);
    if (!limited)
        return failed(limited.error());
    const ValueConverter converter = std::move(*limited);
    const bool converted = converter.active();
    qint64 sourceRejects = 0;
    ctx.control->rowsDone = 0;

    std::optional<TableChecksum> streamed;
    if (in.validation == ValidationMode::Streamed) {
        QString why;
        streamed = streamedSourceSum(ctx, *c, &why);
        if (!streamed)
            ctx.log(LogLevel::Info, QStringLiteral("reading the source again in full: ") + why);
    }
    // Progress: rows hashed (the target only, when the copies hashed the source).
    ctx.control->rowsTotal = (streamed ? 1 : 2) * ctx.spec.estimatedRows;

    // The source side on a thread of its own (with its own connection, since a connection
    // belongs to the thread that opened it) while the target is hashed here. Streamed: a count
    // of the source rows, which must be the rows the copies read plus those they rejected.
    // Full: both sides are hashed; a table whose values are converted compares the target with
    // the source *as converted*, without the rows that do not convert, and those must be
    // exactly the rows in the reject file.
    // Chosen as the copy chose its path (EnginePair::route), so both sums hash alike. Copied by
    // a writer or a passthrough that hashed what it sent with pgrowhash, the server sums the
    // same hash over the target: no row is read back.
    const TableSchema targetTable = targetSchema(ctx);
    const EnginePair::Route route = c->engines.route(*c->target, ctx.table, targetTable, converted);
    const bool onServer = streamed && route.streamed == EnginePair::RowSums::Server;
    const EnginePair &engines = c->engines;
    auto sourceSum = std::async(std::launch::async, [&ctx, &converter, converted, &route, &engines, &targetTable, &sourceRejects,
                                                     &streamed]() -> Result<TableChecksum> {
        auto source = DbConnection::open(ctx.source, DbConnection::Mode::ReadOnly);
        if (!source)
            return source.error();
        InterruptibleScope scope(*ctx.control, source->get());
        Engine &engine = engines.source();
        if (streamed) {
            auto stats = engine.stats(**source, ctx.table);
            if (!stats)
                return stats.error();
            sourceRejects = stats->rows - streamed->rows;
            return *streamed;
        }
        if (!converted)
            return engines.sourceSum(route, **source, ctx.table, &ctx.control->rowsDone);
        TableSchema whole = ctx.table;
        whole.copyKey.clear();
        auto reader = engine.openReader(**source, whole, 0, 0);
        if (!reader)
            return reader.error();
        ConvertingReader convertingReader(**reader, converter);
        auto sum = checksumRows(convertingReader, targetTable, &ctx.control->rowsDone);
        sourceRejects = convertingReader.rejected();
        return sum;
    });
    Result<TableChecksum> targetSum = TableChecksum{};
    {
        InterruptibleScope scope(*ctx.control, c->target.get());
        targetSum = engines.targetSum(route, bool(streamed), *c->target, targetTable, in.indexBuilds, &ctx.control->rowsDone);
    }
    const Result<TableChecksum> sourceResult = sourceSum.get();
    if (!sourceResult)
        return failedOrStopped(ctx, sourceResult.error());
    if (!targetSum)
        return failedOrStopped(ctx, targetSum.error());
    const TableChecksum source = sourceResult.value(), target = targetSum.value();
    ctx.log(LogLevel::Info, QStringLiteral("source%1: %2; target%3: %4")
                                        .arg(streamed ? QStringLiteral(" (hashed by the copy)") : QString(), source.toString(),
                                             onServer ? QStringLiteral(" (summed on the server)") : QString(), target.toString()));
    if (onServer && !(source == target)) {
        // The authoritative comparison, which also names the rows that differ; it also covers
        // sums an earlier build committed with another hash before a resume.
        ctx.log(LogLevel::Info, QStringLiteral("the server's sum differs from the copy's: reading both sides in full"));
        TaskContext full = ctx;
        ValidateInputs fullInputs = in;
        fullInputs.validation = ValidationMode::Full;
        full.kindInputs = fullInputs;
        return runValidate(full);
    }
    QString rejectNote;
    qint64 listed = 0;
    std::shared_ptr<RejectFile> rejects;
    if (converted) {
        rejects = RejectFile::open(in.rejectsDir, ctx.table.name);
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
    auto source2 = DbConnection::open(ctx.source, DbConnection::Mode::ReadOnly);
    if (!source2)
        return failed(source2.error());
    c->source = std::move(*source2);
    const QString diffs = firstDifferences(ctx, *c, 5);
    if (!diffs.isEmpty())
        what += QStringLiteral("; first differences: ") + diffs;
    return failed(makeError(QStringLiteral("validation of \"%1\" failed: %2").arg(ctx.table.name, what)));
}

} // namespace cockpit
