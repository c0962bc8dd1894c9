// The PostgreSQL target's fence table (a shared run's lease epoch per task, Engine::raiseFence):
// raising a task's epoch, and the check each batch makes before its commit. The check reads
// the row FOR SHARE, so raiseFence's FOR UPDATE waits for that batch to end, and a batch that
// checks after a raise reads the raised epoch (READ COMMITTED rereads a row it waited for).
#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"

namespace cockpit {

using namespace pginternal;

QString pginternal::fenceCheckSql(const QString &schema)
{
    return QStringLiteral("SELECT epoch FROM %1.%2 WHERE task = $1 FOR SHARE").arg(schema, PostgresEngine().quoteIdentifier(kFence));
}

Status pginternal::checkFence(PGconn *conn, const QString &checkSql, const QString &task, qint64 epoch)
{
    if (epoch == 0)
        return {};
    auto r = pgExec(conn, checkSql, {task});
    if (!r)
        return makeError(QStringLiteral("checking the lease epoch of %1 failed: %2").arg(task, r.error().message), checkSql);
    const qint64 onTarget = r->rows() > 0 ? r->text(0, 0).toLongLong() : 0;
    if (onTarget != epoch)
        return takenOverError(onTarget, epoch);
    return {};
}

Status PostgresEngine::raiseFence(DbConnection &c, const QString &task, qint64 epoch)
{
    PGconn *conn = c.postgres();
    const QString fence = quoteIdentifier(c.schema()) + u'.' + quoteIdentifier(kFence);
    auto fail = [&](const TaskError &e) -> Status {
        PQclear(PQexec(conn, "ROLLBACK"));
        return e;
    };
    auto has = pgExec(conn, QStringLiteral("SELECT to_regclass($1) IS NOT NULL"), {fence});
    if (!has)
        return has.error();
    if (has->text(0, 0) != QLatin1String("t")) {
        // Workers starting together would race on creating it: serialize them.
        if (auto st = pgRun(conn, QStringLiteral("BEGIN"), QStringLiteral("begin creating the fence table")); !st)
            return st;
        if (auto st = pgRun(conn, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('upgrade-cockpit fence'))"), QStringLiteral("lock"));
            !st)
            return fail(st.error());
        if (auto st = pgRun(conn, QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (task text PRIMARY KEY, epoch bigint NOT NULL)").arg(fence),
                            QStringLiteral("create the fence table"));
            !st)
            return fail(st.error());
        if (auto st = pgRun(conn, QStringLiteral("COMMIT"), QStringLiteral("commit the fence table")); !st)
            return fail(st.error());
    }
    if (auto st = pgRun(conn, QStringLiteral("BEGIN"), QStringLiteral("begin raising the lease epoch")); !st)
        return st;
    if (auto st = pgRun(conn, QStringLiteral("INSERT INTO %1 (task, epoch) VALUES ($1, $2) ON CONFLICT (task) DO NOTHING").arg(fence),
                        QStringLiteral("record the lease epoch"), {task, QString::number(epoch)});
        !st)
        return fail(st.error());
    // FOR UPDATE waits for a batch that holds the row FOR SHARE (checkFence) to commit.
    auto stored = pgExec(conn, QStringLiteral("SELECT epoch FROM %1 WHERE task = $1 FOR UPDATE").arg(fence), {task});
    if (!stored)
        return fail(stored.error());
    const qint64 onTarget = stored->text(0, 0).toLongLong();
    if (onTarget > epoch)
        return fail(takenOverError(onTarget, epoch));
    if (onTarget < epoch)
        if (auto st = pgRun(conn, QStringLiteral("UPDATE %1 SET epoch = $2 WHERE task = $1").arg(fence), QStringLiteral("raise the lease epoch"),
                            {task, QString::number(epoch)});
            !st)
            return fail(st.error());
    if (auto st = pgRun(conn, QStringLiteral("COMMIT"), QStringLiteral("commit the lease epoch")); !st)
        return fail(st.error());
    return {};
}

Status PostgresEngine::checkFence(DbConnection &c, const QString &task, qint64 epoch)
{
    return pginternal::checkFence(c.postgres(), fenceCheckSql(quoteIdentifier(c.schema())), task, epoch);
}

} // namespace cockpit
