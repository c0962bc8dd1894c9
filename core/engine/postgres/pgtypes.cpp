#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"

namespace cockpit {

using namespace pginternal;

QString PostgresEngine::quoteIdentifier(const QString &name) const
{
    QString q = name;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}

QString PostgresEngine::typeName(const ColumnType &t)
{
    if (t.nativeEngine == EngineKind::PostgreSQL && !t.native.isEmpty())
        return t.native; // PostgreSQL to PostgreSQL: the type exactly as declared
    switch (t.cls) {
    case TypeClass::Boolean: return QStringLiteral("boolean");
    case TypeClass::SmallInt: return QStringLiteral("smallint");
    case TypeClass::Integer: return QStringLiteral("integer");
    case TypeClass::BigInt: return QStringLiteral("bigint");
    case TypeClass::Float32: return QStringLiteral("real");
    case TypeClass::Float64: return QStringLiteral("double precision");
    case TypeClass::Numeric:
        if (t.precision > 0)
            return QStringLiteral("numeric(%1,%2)").arg(t.precision).arg(std::max(0, t.scale));
        return QStringLiteral("numeric");
    // SQLite never pads CHAR(n); varchar(n) keeps the values exactly as they are.
    case TypeClass::Char: return QStringLiteral("varchar(%1)").arg(t.length);
    case TypeClass::VarChar: return QStringLiteral("varchar(%1)").arg(t.length);
    case TypeClass::Text: return QStringLiteral("text");
    case TypeClass::Blob: return QStringLiteral("bytea");
    case TypeClass::Date: return QStringLiteral("date");
    case TypeClass::Time: return QStringLiteral("time");
    case TypeClass::Timestamp: return QStringLiteral("timestamp");
    case TypeClass::TimestampTz: return QStringLiteral("timestamptz");
    case TypeClass::Uuid: return QStringLiteral("uuid");
    case TypeClass::Json: return QStringLiteral("json");
    case TypeClass::Unknown: return QStringLiteral("text");
    }
    return QStringLiteral("text");
}

QString PostgresEngine::relation(const DbConnection &c, const TableSchema &t) const
{
    return (t.partitioned ? QString() : QStringLiteral("ONLY ")) + quoteIdentifier(c.schema()) + u'.' + quoteIdentifier(t.name);
}

QString PostgresEngine::readRelation(DbConnection &c, const TableSchema &t) const { return relation(c, t); }

QString PostgresEngine::qualifiedName(DbConnection &c, const QString &table) const
{
    return quoteIdentifier(c.schema()) + u'.' + quoteIdentifier(table);
}

std::vector<PgBinaryKind> PostgresEngine::binaryKinds(const TableSchema &t)
{
    std::vector<PgBinaryKind> kinds;
    for (const auto &col : t.columns) {
        const auto kind = binaryCopyKind(col.type, typeName(col.type));
        if (!kind)
            return {};
        kinds.push_back(*kind);
    }
    return kinds;
}

} // namespace cockpit
