#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"
#include "engine/tablesizes.h"

#include <QRegularExpression>

namespace cockpit {

using namespace pginternal;

Result<QStringList> PostgresEngine::otherSessions(DbConnection &c)
{
    // Other users' sessions show no address or state to a user without pg_read_all_stats:
    // they are listed all the same, with "?".
    auto r = pgExec(c.postgres(), QStringLiteral(
        "SELECT pid, usename, application_name, "
        "CASE WHEN client_port = -1 THEN 'local socket' ELSE host(client_addr) || ':' || client_port END, "
        "state, to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' "
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend' AND application_name IS DISTINCT FROM $1 "
        "ORDER BY backend_start, pid"), {DbConnection::applicationName()});
    if (!r)
        return makeError(QStringLiteral("listing the sessions of %1 failed: %2").arg(c.url().display(), r.error().message));
    QStringList lines;
    for (int i = 0; i < r->rows(); ++i)
        lines << sessionLine(r->text(i, 0), r->text(i, 1), r->text(i, 2), r->text(i, 3), r->text(i, 4), r->text(i, 5));
    return lines;
}

Result<QString> PostgresEngine::describeSession(DbConnection &observer, qint64 session)
{
    // The session's own wait, the relations it waits to lock, and the first session that
    // blocks it (pg_blocking_pids: lock holders, and waiters ahead of it in the queue).
    auto r = pgExec(observer.postgres(), QStringLiteral(
        "SELECT a.state, coalesce(a.wait_event_type, ''), coalesce(a.wait_event, ''), "
        "coalesce(extract(epoch FROM now() - a.query_start)::bigint, 0), left(a.query, 200), "
        "coalesce((SELECT string_agg(DISTINCT coalesce(c.relname, l.locktype), ', ') FROM pg_locks l "
        "LEFT JOIN pg_class c ON c.oid = l.relation WHERE l.pid = a.pid AND NOT l.granted), ''), "
        "coalesce(b.pid::text, ''), coalesce(b.usename::text, ''), coalesce(b.application_name, ''), coalesce(b.state, ''), "
        "left(coalesce(b.query, ''), 200) "
        "FROM pg_stat_activity a LEFT JOIN LATERAL (SELECT s.* FROM pg_stat_activity s "
        "WHERE s.pid = ANY (pg_blocking_pids(a.pid)) ORDER BY s.pid LIMIT 1) b ON true WHERE a.pid = $1"),
        {QString::number(session)});
    if (!r)
        return r.error();
    if (r->rows() == 0)
        return QStringLiteral("the server has no session %1 any more").arg(session);
    const QString state = r->text(0, 0), waitType = r->text(0, 1), waitEvent = r->text(0, 2);
    const QString seconds = r->text(0, 3), query = r->text(0, 4).simplified(), relations = r->text(0, 5);
    if (!r->text(0, 6).isEmpty()) {
        QStringList who;
        for (int i : {8, 7, 9})
            if (!r->text(0, i).isEmpty())
                who << (i == 7 ? QStringLiteral("user ") + r->text(0, i) : r->text(0, i));
        return QStringLiteral("blocked by pid %1 (%2): %3 (%4)")
            .arg(r->text(0, 6), who.join(QStringLiteral(", ")), r->text(0, 10).simplified(),
                 relations.isEmpty() ? QStringLiteral("waiting for %1 %2").arg(waitType, waitEvent)
                                     : QStringLiteral("waiting for a lock on %1").arg(relations));
    }
    if (!waitType.isEmpty() && waitType != QLatin1String("Client"))
        return QStringLiteral("%1 for %2 s, waiting for %3 %4: %5").arg(state, seconds, waitType, waitEvent, query);
    return QStringLiteral("%1 for %2 s, not waiting: %3").arg(state, seconds, query);
}

Result<qint64> PostgresEngine::sizeOnDisk(DbConnection &c, const QVector<TableSchema> &tables)
{
    // What the New upgrade dialog shows per table: a partitioned table counts its partitions.
    auto sizes = tableSizes(c);
    if (!sizes)
        return sizes.error();
    qint64 total = 0;
    for (const auto &t : tables)
        total += sizes->value(t.name);
    return total;
}

Result<QString> PostgresEngine::dataDirectory(DbConnection &c)
{
    auto r = pgExec(c.postgres(), QStringLiteral("SELECT current_setting('data_directory')"));
    if (!r) {
        QString why = r.error().message;
        why.remove(QRegularExpression(QStringLiteral("^ERROR:\\s*")));
        return makeError(QStringLiteral("the server does not tell its data directory: %1").arg(why));
    }
    return r->text(0, 0);
}

} // namespace cockpit
