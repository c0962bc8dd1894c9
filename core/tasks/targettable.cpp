#include "tasks/targettable.h"
#include "engine/sqlite/sqliteengine.h"

namespace cockpit {

Result<TargetTable> resolveTargetTable(const Plan &plan, const TableSchema &source, Engine &sourceEngine,
                                       DbConnection &sourceConnection, const std::optional<DateScan> &known)
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
    if (known) {
        out.dateScan = *known;
    } else {
        // Only SQLite sources reach here (see above).
        auto bad = static_cast<SqliteEngine &>(sourceEngine).firstNonIsoValues(sourceConnection, source, scanned, timestamp);
        if (!bad)
            return bad.error();
        for (int k = 0; k < positions.size(); ++k) {
            if (!(*bad)[size_t(k)])
                continue;
            const ColumnSchema &column = out.schema.columns[positions[k]];
            out.dateScan.textColumns << column.name;
            out.dateScan.warnings << QStringLiteral("column \"%1\" (declared %2) stays text on the target: the value \"%3\" is not "
                                       "an ISO %4")
                            .arg(column.name, column.declaredType, *(*bad)[size_t(k)],
                                 timestamp[size_t(k)] ? QStringLiteral("timestamp (YYYY-MM-DD HH:MM:SS)")
                                                      : QStringLiteral("date (YYYY-MM-DD)"));
        }
    }
    for (auto &column : out.schema.columns)
        if (out.dateScan.textColumns.contains(column.name)) {
            column.type.cls = TypeClass::Text;
            column.type.native.clear();
        }
    return out;
}

} // namespace cockpit
