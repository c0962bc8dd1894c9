#include "tasks/targettable.h"
#include "engine/sqlite/sqliteengine.h"

namespace cockpit {

Result<TargetTable> resolveTargetTable(const Plan &plan, const TableSchema &source, const std::optional<DateScan> &known)
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
    for (const ColumnSchema &column : out.schema.columns)
        if ((column.type.cls == TypeClass::Date || column.type.cls == TypeClass::Timestamp)
            && !overriddenColumns.contains(column.name))
            out.dateColumns << column.name;
    if (known)
        applyDateScan(out, *known);
    return out;
}

Result<DateScan> scanDateColumns(const TargetTable &table, DbConnection &sqliteSource)
{
    QVector<ColumnSchema> scanned;
    std::vector<bool> timestamp;
    for (const ColumnSchema &column : table.schema.columns)
        if (table.dateColumns.contains(column.name)) {
            scanned << column;
            timestamp.push_back(column.type.cls == TypeClass::Timestamp);
        }
    DateScan scan;
    if (scanned.isEmpty())
        return scan;
    auto bad = SqliteEngine().firstNonIsoValues(sqliteSource, table.schema, scanned, timestamp);
    if (!bad)
        return bad.error();
    for (qsizetype k = 0; k < scanned.size(); ++k) {
        if (!(*bad)[size_t(k)])
            continue;
        const ColumnSchema &column = scanned[k];
        scan.textColumns << column.name;
        scan.warnings << QStringLiteral("column \"%1\" (declared %2) stays text on the target: the value \"%3\" is not "
                                        "an ISO %4")
                             .arg(column.name, column.declaredType, *(*bad)[size_t(k)],
                                  timestamp[size_t(k)] ? QStringLiteral("timestamp (YYYY-MM-DD HH:MM:SS)")
                                                       : QStringLiteral("date (YYYY-MM-DD)"));
    }
    return scan;
}

void applyDateScan(TargetTable &table, const DateScan &scan)
{
    table.dateScan = scan;
    table.dateColumns.clear();
    for (auto &column : table.schema.columns)
        if (scan.textColumns.contains(column.name)) {
            column.type.cls = TypeClass::Text;
            column.type.native.clear();
        }
}

} // namespace cockpit
