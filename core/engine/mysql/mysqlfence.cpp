// The MariaDB target's fence table (a shared run's lease epoch per task, Engine::raiseFence):
// raising a task's epoch, and the check each batch makes before its commit. The check reads
// the row LOCK IN SHARE MODE (a locking read sees the latest committed epoch, not the
// transaction's snapshot), so raiseFence's exclusive lock waits for that batch to end.
#include "engine/mysql/mysqlengine.h"
#include "engine/mysql/mysqlclient.h"

namespace cockpit {

using namespace mysqlinternal;

Status mysqlinternal::checkFence(MYSQL *conn, const QString &task, qint64 epoch)
{
    if (epoch == 0)
        return {};
    auto r = myRows(conn, QStringLiteral("SELECT epoch FROM %1 WHERE task = %2 LOCK IN SHARE MODE")
                              .arg(MysqlEngine().quoteIdentifier(kFence), literal(task)));
    if (!r)
        return makeError(QStringLiteral("checking the lease epoch of %1 failed: %2").arg(task, r.error().message), r.error().sql);
    const qint64 onTarget = r->isEmpty() ? 0 : r->first().value(0).toLongLong();
    if (onTarget != epoch)
        return takenOverError(onTarget, epoch);
    return {};
}

Status MysqlEngine::raiseFence(DbConnection &c, const QString &task, qint64 epoch)
{
    MYSQL *conn = c.mysql();
    const QString fence = quoteIdentifier(kFence);
    // Before the transaction: MariaDB commits a CREATE TABLE at once.
    if (auto st = myRun(conn, QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (task varchar(512) NOT NULL PRIMARY KEY, "
                                             "epoch bigint NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin")
                                  .arg(fence),
                        QStringLiteral("create the fence table"));
        !st)
        return st;
    if (auto st = myRun(conn, QStringLiteral("START TRANSACTION"), QStringLiteral("begin raising the lease epoch")); !st)
        return st;
    auto fail = [&](const TaskError &e) -> Status {
        mysql_real_query(conn, "ROLLBACK", 8);
        return e;
    };
    // The row's exclusive lock at once (ON DUPLICATE KEY UPDATE, not INSERT IGNORE's shared one,
    // which two raises would then both hold and deadlock upgrading): it waits for a batch that
    // holds the row in share mode (checkFence) to commit.
    if (auto st = myRun(conn, QStringLiteral("INSERT INTO %1 (task, epoch) VALUES (%2, %3) ON DUPLICATE KEY UPDATE epoch = epoch")
                                  .arg(fence, literal(task))
                                  .arg(epoch),
                        QStringLiteral("record the lease epoch"));
        !st)
        return fail(st.error());
    auto stored = myRows(conn, QStringLiteral("SELECT epoch FROM %1 WHERE task = %2 FOR UPDATE").arg(fence, literal(task)));
    if (!stored)
        return fail(stored.error());
    const qint64 onTarget = stored->isEmpty() ? 0 : stored->first().value(0).toLongLong();
    if (onTarget > epoch)
        return fail(takenOverError(onTarget, epoch));
    if (onTarget < epoch)
        if (auto st = myRun(conn, QStringLiteral("UPDATE %1 SET epoch = %3 WHERE task = %2").arg(fence, literal(task)).arg(epoch),
                            QStringLiteral("raise the lease epoch"));
            !st)
            return fail(st.error());
    if (auto st = myRun(conn, QStringLiteral("COMMIT"), QStringLiteral("commit the lease epoch")); !st)
        return fail(st.error());
    return {};
}

Status MysqlEngine::checkFence(DbConnection &c, const QString &task, qint64 epoch)
{
    return mysqlinternal::checkFence(c.mysql(), task, epoch);
}

} // namespace cockpit
