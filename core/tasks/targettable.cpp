#include "tasks/targettable.h"
#include "engine/enginepair.h"

#include <QJsonArray>
#include <QJsonObject>

namespace cockpit {

namespace {

// The classes a scan decides, as stored with the run and named in its warnings.
constexpr std::pair<TypeClass, const char *> kScannedClasses[] = {
    {TypeClass::Text, "text"}, {TypeClass::Blob, "blob"}, {TypeClass::Float64, "double"}, {TypeClass::BigInt, "bigint"}};

QString scannedName(TypeClass cls)
{
    for (const auto &[c, name] : kScannedClasses)
        if (c == cls)
            return QLatin1String(name);
    return QStringLiteral("text");
}

TypeClass scannedClass(const QString &name)
{
    for (const auto &[c, n] : kScannedClasses)
        if (name == QLatin1String(n))
            return c;
    return TypeClass::Text; // holds any value
}

} // namespace

QJsonObject TypeScan::toJson() const
{
    QJsonObject types;
    for (auto it = retyped.begin(); it != retyped.end(); ++it)
        types.insert(it.key(), scannedName(it.value()));
    return QJsonObject{{QStringLiteral("types"), types},
                       {QStringLiteral("keyDropped"), keyDropped},
                       {QStringLiteral("nullKeyColumnsRejected"), QJsonArray::fromStringList(nullKeyColumnsRejected)},
                       {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}};
}

TypeScan TypeScan::fromJson(const QJsonObject &o)
{
    TypeScan scan;
    const QJsonObject types = o.value(QStringLiteral("types")).toObject();
    for (auto it = types.begin(); it != types.end(); ++it)
        scan.retyped.insert(it.key(), scannedClass(it.value().toString()));
    for (const QString &column : o.value(QStringLiteral("text")).toVariant().toStringList()) // the date scan's form
        scan.retyped.insert(column, TypeClass::Text);
    scan.keyDropped = o.value(QStringLiteral("keyDropped")).toBool();
    scan.nullKeyColumnsRejected = o.value(QStringLiteral("nullKeyColumnsRejected")).toVariant().toStringList();
    scan.warnings = o.value(QStringLiteral("warnings")).toVariant().toStringList();
    return scan;
}

namespace {


// What a column of class `cls` is checked for; nullopt: nothing (text and binary hold anything).
std::optional<ScanAs> scanAs(TypeClass cls)
{
    switch (cls) {
    case TypeClass::Date: return ScanAs::Date;
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: return ScanAs::Timestamp;
    case TypeClass::Boolean: return ScanAs::Boolean;
    case TypeClass::SmallInt: return ScanAs::Integer16;
    case TypeClass::Integer: return ScanAs::Integer32;
    case TypeClass::BigInt: return ScanAs::Integer;
    case TypeClass::Float32:
    case TypeClass::Float64:
    case TypeClass::Numeric: return ScanAs::Number;
    default: return std::nullopt;
    }
}

} // namespace

Result<TargetTable> resolveTargetTable(const Plan &plan, const TableSchema &source, const std::optional<TypeScan> &known)
{
    TargetTable out;
    out.schema = source;
    const TableOptions options = plan.optionsFor(source.name);
    out.nullKeys = *options.nullKeys;
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

    // A SQLite target keeps SQLite's own typing; PostgreSQL and MariaDB take a column's values
    // only when its type holds every one of them. An overridden column is not scanned: the
    // administrator chose its type, and its values that do not convert become rejects.
    if (!EnginePair(plan.source.engine, plan.target.engine).scansValues())
        return out;
    for (const ColumnSchema &column : out.schema.columns)
        if ((scanAs(column.type.cls) && !overriddenColumns.contains(column.name)) || column.primaryKeyPosition > 0)
            out.scanColumns << column.name;
    if (known)
        applyTypeScan(out, *known);
    return out;
}

Result<TypeScan> scanColumnValues(const TargetTable &table, Engine &sourceEngine, DbConnection &source)
{
    QVector<ColumnSchema> scanned;
    std::vector<ScanAs> as;
    for (const ColumnSchema &column : table.schema.columns)
        if (table.scanColumns.contains(column.name)) {
            scanned << column;
            as.push_back(scanAs(column.type.cls).value_or(ScanAs::Any));
        }
    TypeScan scan;
    if (scanned.isEmpty())
        return scan;
    auto found = sourceEngine.scanValues(source, table.schema, scanned, as);
    if (!found)
        return found.error();
    QStringList nullKeyColumns;
    for (qsizetype k = 0; k < scanned.size(); ++k) {
        const ColumnSchema &column = scanned[k];
        const ColumnValues &v = (*found)[size_t(k)];
        // The rowid alias (INTEGER PRIMARY KEY) is never NULL: SQLite numbers such a row.
        if (column.primaryKeyPosition > 0 && v.hasNull && !column.identity)
            nullKeyColumns << column.name;
        // The widest class found decides: text holds numbers and dates, a double holds integers.
        TypeClass to;
        QString value;
        const bool dateColumn = as[size_t(k)] == ScanAs::Date || as[size_t(k)] == ScanAs::Timestamp;
        if (v.firstText || (dateColumn && (v.firstInteger || v.firstReal || v.firstBlob))) {
            to = TypeClass::Text;
            value = v.firstText.value_or(v.firstInteger.value_or(v.firstReal.value_or(v.firstBlob.value_or(QString()))));
        } else if (v.firstBlob) {
            to = TypeClass::Blob;
            value = *v.firstBlob;
        } else if (v.firstReal) {
            to = TypeClass::Float64;
            value = *v.firstReal;
        } else if (v.firstInteger) {
            to = TypeClass::BigInt;
            value = *v.firstInteger;
        } else {
            continue;
        }
        scan.retyped.insert(column.name, to);
        const ScanAs a = as[size_t(k)];
        const bool wider = to == TypeClass::BigInt && (a == ScanAs::Integer16 || a == ScanAs::Integer32);
        const QString why = a == ScanAs::Date        ? QStringLiteral("is not an ISO date (YYYY-MM-DD)")
                            : a == ScanAs::Timestamp ? QStringLiteral("is not an ISO timestamp (YYYY-MM-DD HH:MM:SS)")
                            : wider                  ? QStringLiteral("does not fit in %1 bits").arg(a == ScanAs::Integer16 ? 16 : 32)
                            : a == ScanAs::Integer || a == ScanAs::Integer32 || a == ScanAs::Integer16
                                ? QStringLiteral("is not an integer")
                            : a == ScanAs::Boolean ? QStringLiteral("is not a boolean (0/1, true/false, yes/no)")
                                                                 : QStringLiteral("is not a number");
        scan.warnings << QStringLiteral("column \"%1\" (declared %2) is %3 on the target: the value \"%4\" %5; "
                                        "SQLite keeps any value in any column, a type override in the plan makes such "
                                        "values rejects instead")
                             .arg(column.name, column.declaredType.isEmpty() ? QStringLiteral("without a type") : column.declaredType,
                                  scannedName(to), value.left(80), why);
    }
    const QString key = table.schema.primaryKey.join(QStringLiteral(", ")), columns = u'"' + nullKeyColumns.join(QStringLiteral("\", \"")) + u'"';
    if (!nullKeyColumns.isEmpty() && table.nullKeys == NullKeys::Reject) {
        scan.nullKeyColumnsRejected = nullKeyColumns;
        scan.warnings << QStringLiteral("column %1 of the primary key (%2) holds NULLs, which SQLite allows in a key that is not "
                                        "the rowid; the plan's nullKeys is \"reject\": the key is created and each such row is a reject")
                             .arg(columns, key);
    } else if (!nullKeyColumns.isEmpty()) {
        scan.keyDropped = true;
        scan.warnings << QStringLiteral("the primary key (%1) is not created on the target: column %2 holds NULLs, which "
                                        "SQLite allows in a key that is not the rowid; the rows are copied as they are "
                                        "(the plan's nullKeys \"reject\" keeps the key and rejects those rows instead)")
                             .arg(key, columns);
    }
    return scan;
}

void applyTypeScan(TargetTable &table, const TypeScan &scan)
{
    table.typeScan = scan;
    table.scanColumns.clear();
    for (auto &column : table.schema.columns) {
        const auto to = scan.retyped.constFind(column.name);
        if (to == scan.retyped.constEnd())
            continue;
        column.type.cls = *to;
        column.type.native.clear();
        column.type.length = column.type.precision = column.type.scale = -1;
    }
    if (scan.keyDropped) {
        table.schema.primaryKey.clear();
        for (auto &column : table.schema.columns)
            column.primaryKeyPosition = 0;
    }
    // The copy's value check (valueconvert.h) rejects a NULL where the target says NOT NULL.
    for (auto &column : table.schema.columns)
        if (scan.nullKeyColumnsRejected.contains(column.name))
            column.notNull = true;
    if (!scan.retyped.isEmpty() || scan.keyDropped || !scan.nullKeyColumnsRejected.isEmpty())
        table.schema.createSql.clear();
}

} // namespace cockpit
