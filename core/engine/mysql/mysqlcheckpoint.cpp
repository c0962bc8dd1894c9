// The MariaDB target's checkpoint table: reading a task's checkpoint, and dropping the table
// (and the fence table, mysqlfence.cpp) when the run is finished (prepareTable creates it, mysqlddl.cpp; MysqlWriter writes it).
#include "engine/mysql/mysqlengine.h"
#include "engine/mysql/mysqlclient.h"

namespace cockpit {

using namespace mysqlinternal;

Result<std::optional<Checkpoint>> MysqlEngine::readCheckpoint(DbConnection &c, const QString &task)
{
    auto has = myRows(c.mysql(), QStringLiteral("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                                "AND TABLE_NAME = %1").arg(literal(kCheckpoint)));
    if (!has)
        return has.error();
    if (has->isEmpty())
        return std::optional<Checkpoint>();
    auto r = myRows(c.mysql(), QStringLiteral("SELECT table_name, run_id, last_key, rows_done, row_hash FROM %1 WHERE task = %2")
                                   .arg(quoteIdentifier(kCheckpoint), literal(task)));
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<Checkpoint>();
    const QStringList &row = r->first();
    Checkpoint cp{task, row.value(0), row.value(1), row.value(2).toLongLong(), row.value(3).toLongLong(), {}, 0};
    if (!row.value(4).isNull())
        cp.rowHashSum = quint64(row.value(4).toLongLong());
    return std::optional<Checkpoint>(cp);
}

Status MysqlEngine::finishTarget(DbConnection &c)
{
    if (auto st = myRun(c.mysql(), QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoteIdentifier(kCheckpoint)),
                        QStringLiteral("drop the checkpoint table"));
        !st)
        return st;
    return myRun(c.mysql(), QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoteIdentifier(kFence)),
                 QStringLiteral("drop the fence table"));
}

} // namespace cockpit
