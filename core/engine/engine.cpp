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

QString TableChecksum::toString() const
{
    return QStringLiteral("%1 rows, checksum %2").arg(rows).arg(sum, 16, 16, QLatin1Char('0'));
}

} // namespace cockpit
