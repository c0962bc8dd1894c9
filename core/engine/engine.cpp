#include "engine/engine.h"
#include "engine/mysql/mysqlengine.h"
#include "engine/postgres/postgresengine.h"
#include "engine/sqlite/sqliteengine.h"

namespace cockpit {

std::unique_ptr<Engine> Engine::create(EngineKind kind)
{
    switch (kind) {
    case EngineKind::SQLite: return std::make_unique<SqliteEngine>();
    case EngineKind::PostgreSQL: return std::make_unique<PostgresEngine>();
    case EngineKind::MySQL: return std::make_unique<MysqlEngine>();
    }
    return nullptr;
}

QString Engine::quotedList(const QStringList &names) const
{
    QStringList quoted;
    for (const auto &n : names)
        quoted << quoteIdentifier(n);
    return quoted.join(QStringLiteral(", "));
}

QString Engine::columnList(const TableSchema &t) const
{
    QStringList names;
    for (const auto &c : t.columns)
        names << c.name;
    return quotedList(names);
}

QString Engine::keyOrder(const TableSchema &t) const
{
    return t.primaryKey.isEmpty() ? columnList(t) : quotedList(t.primaryKey);
}

QString Engine::columnDefinitions(const TableSchema &t, EngineKind own,
                                  const std::function<QString(const ColumnSchema &)> &typeOf,
                                  QStringList *dropped) const
{
    QStringList defs;
    for (const auto &col : t.columns) {
        QString d = quoteIdentifier(col.name);
        if (const QString type = typeOf(col); !type.isEmpty())
            d += u' ' + type;
        if (col.notNull)
            d += QStringLiteral(" NOT NULL");
        if (!col.defaultSql.isEmpty()) {
            const bool kept = col.type.nativeEngine == own && !col.defaultSql.contains(QLatin1String("nextval("));
            const QString def = kept ? col.defaultSql : portableDefault(col.defaultSql);
            if (def.isEmpty()) {
                if (dropped)
                    *dropped << QStringLiteral("column \"%1\": default %2 has no %3 equivalent and was dropped")
                                    .arg(col.name, col.defaultSql, toString(own));
            } else {
                // Signed numbers in parentheses: every engine accepts that form.
                d += QStringLiteral(" DEFAULT ") + (def.startsWith(u'-') || def.startsWith(u'+') ? u'(' + def + u')' : def);
            }
        }
        defs << d;
    }
    if (!t.primaryKey.isEmpty())
        defs << QStringLiteral("PRIMARY KEY (%1)").arg(quotedList(t.primaryKey));
    return QStringLiteral("(\n  ") + defs.join(QStringLiteral(",\n  ")) + QStringLiteral("\n)");
}

QString TableChecksum::toString() const
{
    return QStringLiteral("%1 rows, checksum %2").arg(rows).arg(sum, 16, 16, QLatin1Char('0'));
}

} // namespace cockpit
