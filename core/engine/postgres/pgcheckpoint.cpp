#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"

namespace cockpit {

using namespace pginternal;

// The statement that records a copy task's checkpoint in `schema` (quoted), inserted or replaced.
QString pginternal::checkpointUpsertSql(const QString &schema)
{
    return QStringLiteral("INSERT INTO %1.%2 (task, table_name, run_id, last_key, rows_done, row_hash) "
                          "VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')::bigint) ON CONFLICT (task) DO UPDATE SET "
                          "last_key = EXCLUDED.last_key, rows_done = EXCLUDED.rows_done, row_hash = EXCLUDED.row_hash")
        .arg(schema, PostgresEngine().quoteIdentifier(kCheckpoint));
}

// Inside a batch's transaction, once its rows are in: records `cp`, checks the fence and commits.
Status pginternal::saveCheckpointAndCommit(PGconn *conn, const QString &upsertSql, const QString &fenceSql, const Checkpoint &cp)
{
    if (auto st = pgRun(conn, upsertSql, QStringLiteral("saving the checkpoint"),
                        {cp.task, cp.table, cp.runId, QString::number(cp.lastKey), QString::number(cp.rowsDone),
                         cp.rowHashSum ? QString::number(qint64(*cp.rowHashSum)) : QString()});
        !st)
        return st;
    if (auto st = checkFence(conn, fenceSql, cp.task, cp.epoch); !st)
        return st;
    return pgRun(conn, QStringLiteral("COMMIT"), QStringLiteral("commit batch"));
}

Status PostgresEngine::prepareTable(DbConnection &c, const TableSchema &t, const QString &runId, PrepareMode mode,
                                    QStringList *warnings)
{
    PGconn *conn = c.postgres();
    const QString schema = quoteIdentifier(c.schema());
    const QString checkpoint = schema + u'.' + quoteIdentifier(kCheckpoint);
    if (auto st = pgRun(conn, QStringLiteral("BEGIN"), QStringLiteral("begin prepare")); !st)
        return st;
    auto fail = [&](const TaskError &e) -> Status {
        PQclear(PQexec(conn, "ROLLBACK"));
        return e;
    };
    // Parallel prepares would race on creating the checkpoint table: serialize them.
    if (auto st = pgRun(conn, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('upgrade-cockpit prepare'))"),
                        QStringLiteral("lock"));
        !st)
        return fail(st.error());
    if (auto st = pgRun(conn, QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (task text PRIMARY KEY, table_name text NOT NULL, "
                                             "run_id text NOT NULL, last_key bigint NOT NULL, rows_done bigint NOT NULL, "
                                             "row_hash bigint)")
                                  .arg(checkpoint),
                        QStringLiteral("create the checkpoint table"));
        !st)
        return fail(st.error());
    auto exists = pgExec(conn, QStringLiteral("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2"),
                         {c.schema(), t.name});
    if (!exists)
        return fail(exists.error());
    if (exists->rows() > 0) {
        auto marker = pgExec(conn, QStringLiteral("SELECT run_id FROM %1 WHERE task = $1").arg(checkpoint),
                             {QStringLiteral("prepare:") + t.name});
        if (!marker)
            return fail(marker.error());
        const bool ours = marker->rows() > 0 && marker->text(0, 0) == runId;
        if (!ours && mode == PrepareMode::FailIfExists)
            return fail(makeError(QStringLiteral("target table \"%1\" already exists in %2; set \"ifTargetExists\": "
                                                 "\"replace\" in the plan to drop and recreate it")
                                      .arg(t.name, c.url().display())));
        // CASCADE: foreign keys and views of an earlier run that point at it go with it (their
        // tasks create them again).
        if (auto st = pgRun(conn, QStringLiteral("DROP TABLE %1.%2 CASCADE").arg(schema, quoteIdentifier(t.name)),
                            QStringLiteral("drop the existing target table"));
            !st)
            return fail(st.error());
    }
    if (auto st = pgRun(conn, QStringLiteral("DELETE FROM %1 WHERE table_name = $1").arg(checkpoint),
                        QStringLiteral("clear old checkpoints"), {t.name});
        !st)
        return fail(st.error());
    const QString create = createTableSql(c.schema(), t, warnings);
    if (auto st = pgRun(conn, create, QStringLiteral("create table \"%1\"").arg(t.name)); !st)
        return fail(st.error());
    if (auto st = pgRun(conn, QStringLiteral("INSERT INTO %1 (task, table_name, run_id, last_key, rows_done) "
                                             "VALUES ($1, $2, $3, 0, 0)")
                                  .arg(checkpoint),
                        QStringLiteral("record the prepare marker"), {QStringLiteral("prepare:") + t.name, t.name, runId});
        !st)
        return fail(st.error());
    if (auto st = pgRun(conn, QStringLiteral("COMMIT"), QStringLiteral("commit prepare")); !st)
        return fail(st.error());
    return {};
}

Result<std::optional<Checkpoint>> PostgresEngine::readCheckpoint(DbConnection &c, const QString &task)
{
    const QString checkpoint = quoteIdentifier(c.schema()) + u'.' + quoteIdentifier(kCheckpoint);
    auto has = pgExec(c.postgres(), QStringLiteral("SELECT to_regclass($1) IS NOT NULL"), {checkpoint});
    if (!has)
        return has.error();
    if (has->text(0, 0) != QLatin1String("t"))
        return std::optional<Checkpoint>();
    auto r = pgExec(c.postgres(), QStringLiteral("SELECT table_name, run_id, last_key, rows_done, row_hash FROM %1 WHERE task = $1")
                                      .arg(checkpoint),
                    {task});
    if (!r)
        return r.error();
    if (r->rows() == 0)
        return std::optional<Checkpoint>();
    Checkpoint cp{task, r->text(0, 0), r->text(0, 1), r->text(0, 2).toLongLong(), r->text(0, 3).toLongLong(), {}, 0};
    if (!r->isNull(0, 4))
        cp.rowHashSum = quint64(r->text(0, 4).toLongLong());
    return std::optional<Checkpoint>(cp);
}

Status PostgresEngine::finishTarget(DbConnection &c)
{
    if (auto st = pgRun(c.postgres(), QStringLiteral("DROP TABLE IF EXISTS %1.%2").arg(quoteIdentifier(c.schema()), quoteIdentifier(kCheckpoint)),
                        QStringLiteral("drop the checkpoint table"));
        !st)
        return st;
    return pgRun(c.postgres(), QStringLiteral("DROP TABLE IF EXISTS %1.%2").arg(quoteIdentifier(c.schema()), quoteIdentifier(kFence)),
                 QStringLiteral("drop the fence table"));
}

} // namespace cockpit
