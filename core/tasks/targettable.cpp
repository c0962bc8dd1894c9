#include "tasks/targettable.h"
#include "engine/valueconvert.h"

namespace cockpit {

namespace {

// Reads the `columns` of the source in one pass and returns, per column, the first non-NULL
// value that is not an ISO date (`timestamp[i]`: timestamp), or an empty optional when all are.
Result<std::vector<std::optional<QString>>> firstNonIsoValues(Engine &engine, DbConnection &c, const TableSchema &t,
                                                              const QVector<ColumnSchema> &columns,
                                                              const std::vector<bool> &timestamp)
{
    std::vector<std::optional<QString>> bad(size_t(columns.size()));
    TableSchema scan;
    scan.name = t.name;
    scan.columns = columns;
    auto reader = engine.openReader(c, scan, 0, 0);
    if (!reader)
        return reader.error();
    RowBatch batch;
    std::string canonical;
    qsizetype open = columns.size(); // columns still without a bad value
    while (open > 0) {
        auto n = (*reader)->next(batch, 4096);
        if (!n)
            return n.error();
        if (*n == 0)
            break;
        for (int row = 0; row < batch.rows(); ++row) {
            for (int col = 0; col < batch.columns(); ++col) {
                const Value &v = batch.value(row, col);
                if (v.type == ValueType::Null || bad[size_t(col)])
                    continue;
                const bool parses = v.type == ValueType::Text
                                    && (timestamp[size_t(col)] ? parseIsoTimestamp(batch.bytes(v), v.size, canonical)
                                                               : parseIsoDate(batch.bytes(v), v.size, canonical));
                if (parses)
                    continue;
                switch (v.type) {
                case ValueType::Integer: bad[size_t(col)] = QString::number(v.integer); break;
                case ValueType::Real: bad[size_t(col)] = QString::number(v.real, 'g', 17); break;
                case ValueType::Blob: bad[size_t(col)] = QStringLiteral("<binary>"); break;
                default: bad[size_t(col)] = QString::fromUtf8(batch.bytes(v), int(v.size)); break;
                }
                --open;
            }
        }
    }
    return bad;
}

} // namespace

Result<TargetTable> resolveTargetTable(const Plan &plan, const TableSchema &source, Engine &sourceEngine,
                                       DbConnection &sourceConnection)
{
    TargetTable out;
    out.schema = source;
    const TableOptions options = plan.optionsFor(source.name);
    QStringList overriddenColumns;
    for (auto it = options.columnTypes.begin(); it != options.columnTypes.end(); ++it) {
        ColumnSchema *column = nullptr;
        for (auto &c : out.schema.columns)
            if (c.name.compare(it.key(), Qt::CaseInsensitive) == 0)
                column = &c;
        if (!column)
            return makeError(QStringLiteral("plan: \"tableOptions.%1.columns.%2\": table \"%1\" has no column \"%2\"")
                                 .arg(source.name, it.key()));
        const auto type = parseTypeName(plan.target.engine, it.value());
        if (!type) // the plan parser checked it against this engine
            return makeError(QStringLiteral("plan: \"tableOptions.%1.columns.%2.type\": unknown type \"%3\"")
                                 .arg(source.name, it.key(), it.value()));
        column->type = *type;
        overriddenColumns << column->name;
    }
    // The source's own CREATE TABLE would create the columns with their old types.
    if (!overriddenColumns.isEmpty())
        out.schema.createSql.clear();

    // SQLite keeps a DATE/DATETIME/TIMESTAMP column's values as free text; PostgreSQL and
    // MariaDB take them as dates only when every one of them is one.
    if (plan.source.engine != EngineKind::SQLite || plan.target.engine == EngineKind::SQLite)
        return out;
    QVector<ColumnSchema> scanned;
    std::vector<bool> timestamp;
    QVector<int> positions;
    for (int i = 0; i < out.schema.columns.size(); ++i) {
        const ColumnSchema &column = out.schema.columns[i];
        const bool isDate = column.type.cls == TypeClass::Date;
        if (!(isDate || column.type.cls == TypeClass::Timestamp) || overriddenColumns.contains(column.name))
            continue;
        scanned << column;
        timestamp.push_back(!isDate);
        positions << i;
    }
    if (scanned.isEmpty())
        return out;
    auto bad = firstNonIsoValues(sourceEngine, sourceConnection, source, scanned, timestamp);
    if (!bad)
        return bad.error();
    for (int k = 0; k < positions.size(); ++k) {
        if (!(*bad)[size_t(k)])
            continue;
        ColumnSchema &column = out.schema.columns[positions[k]];
        out.warnings << QStringLiteral("column \"%1\" (declared %2) stays text on the target: the value \"%3\" is not "
                                       "an ISO %4")
                            .arg(column.name, column.declaredType, *(*bad)[size_t(k)],
                                 timestamp[size_t(k)] ? QStringLiteral("timestamp (YYYY-MM-DD HH:MM:SS)")
                                                      : QStringLiteral("date (YYYY-MM-DD)"));
        column.type.cls = TypeClass::Text;
        column.type.native.clear();
    }
    return out;
}

} // namespace cockpit
