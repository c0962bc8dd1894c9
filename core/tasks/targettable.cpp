#include "tasks/targettable.h"
#include "engine/valueconvert.h"

namespace cockpit {

namespace {

// Reads one column of the source and returns the first non-NULL value that does not parse as
// an ISO date (timestamp), or nothing when all do.
Result<std::optional<QString>> firstNonIsoValue(Engine &engine, DbConnection &c, const TableSchema &t,
                                                const ColumnSchema &column, bool timestamp)
{
    TableSchema one;
    one.name = t.name;
    one.columns = {column};
    auto reader = engine.openReader(c, one, 0, 0);
    if (!reader)
        return reader.error();
    RowBatch batch;
    std::string canonical;
    while (true) {
        auto n = (*reader)->next(batch, 4096);
        if (!n)
            return n.error();
        if (*n == 0)
            return std::optional<QString>();
        for (int row = 0; row < batch.rows(); ++row) {
            const Value &v = batch.value(row, 0);
            if (v.type == ValueType::Null)
                continue;
            const bool parses = v.type == ValueType::Text
                                && (timestamp ? parseIsoTimestamp(batch.bytes(v), v.size, canonical)
                                              : parseIsoDate(batch.bytes(v), v.size, canonical));
            if (parses)
                continue;
            switch (v.type) {
            case ValueType::Integer: return std::optional<QString>(QString::number(v.integer));
            case ValueType::Real: return std::optional<QString>(QString::number(v.real, 'g', 17));
            case ValueType::Blob: return std::optional<QString>(QStringLiteral("<binary>"));
            default: return std::optional<QString>(QString::fromUtf8(batch.bytes(v), int(v.size)));
            }
        }
    }
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
    for (auto &column : out.schema.columns) {
        const bool isDate = column.type.cls == TypeClass::Date;
        if (!(isDate || column.type.cls == TypeClass::Timestamp) || overriddenColumns.contains(column.name))
            continue;
        auto bad = firstNonIsoValue(sourceEngine, sourceConnection, source, column, !isDate);
        if (!bad)
            return bad.error();
        if (!bad->has_value())
            continue;
        out.warnings << QStringLiteral("column \"%1\" (declared %2) stays text on the target: the value \"%3\" is not "
                                       "an ISO %4")
                            .arg(column.name, column.declaredType, **bad,
                                 isDate ? QStringLiteral("date (YYYY-MM-DD)")
                                        : QStringLiteral("timestamp (YYYY-MM-DD HH:MM:SS)"));
        column.type.cls = TypeClass::Text;
        column.type.native.clear();
    }
    return out;
}

} // namespace cockpit
