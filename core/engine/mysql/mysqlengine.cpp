// MariaDB: quoting, access checks, ad-hoc queries, and the preflight's questions of a server
// (other sessions, what a session waits for, size, data directory). The rest of MysqlEngine is
// in the files named after what they hold (mysqlintrospect.cpp, mysqlddl.cpp,
// mysqlreader.cpp, ...).
#include "engine/mysql/mysqlengine.h"
#include "engine/mysql/mysqlclient.h"
#include "engine/owntcpports.h"

#include <QSet>

namespace cockpit {

using namespace mysqlinternal;

QString MysqlEngine::quoteIdentifier(const QString &name) const
{
    QString q = name;
    q.replace(u'`', QStringLiteral("``"));
    return u'`' + q + u'`';
}

Status MysqlEngine::checkAccess(DbConnection &c, const QVector<TableSchema> &tables, bool asTarget)
{
    MYSQL *conn = c.mysql();
    if (asTarget) {
        // MariaDB's grants come in many shapes (roles, wildcards): creating a probe table is
        // the one question that gets the server's own answer.
        const QString probe = quoteIdentifier(QStringLiteral("_cockpit_access_probe"));
        if (auto st = myRun(conn, QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (x INT)").arg(probe), QStringLiteral("create a table"));
            !st)
            return makeError(QStringLiteral("the user of %1 may not create tables there: %2").arg(c.url().display(), st.error().message));
        return myRun(conn, QStringLiteral("DROP TABLE IF EXISTS %1").arg(probe), QStringLiteral("drop the probe table"));
    }
    for (const auto &t : tables)
        if (auto st = myRun(conn, QStringLiteral("SELECT 1 FROM %1 LIMIT 0").arg(quoteIdentifier(t.name)), QStringLiteral("read")); !st)
            return makeError(QStringLiteral("the user of %1 may not read table \"%2\": %3").arg(c.url().display(), t.name, st.error().message));
    return {};
}

Result<QVector<QStringList>> MysqlEngine::firstRows(DbConnection &c, const QString &sql, int limit)
{
    auto rows = myRows(c.mysql(), QStringLiteral("SELECT * FROM (%1) q LIMIT %2").arg(sql).arg(limit));
    if (!rows)
        return rows.error();
    for (auto &row : *rows)
        for (auto &v : row)
            if (v.isNull())
                v = QStringLiteral("NULL");
    return rows;
}

// Preflight -------------------------------------------------------------------------------

Result<QStringList> MysqlEngine::otherSessions(DbConnection &c)
{
    // Without the PROCESS privilege the server lists this user's sessions only. MariaDB keeps no
    // application name (performance_schema is usually off): this process's other connections
    // are told by their client port (HOST is "address:port" over TCP).
    auto rows = myRows(c.mysql(), QStringLiteral(
        "SELECT ID, USER, HOST, COMMAND, STATE, "
        "DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL TIME SECOND, '%Y-%m-%d %H:%i:%s UTC') "
        "FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() "
        "AND COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Slave_IO', 'Slave_SQL') ORDER BY ID"));
    if (!rows)
        return makeError(QStringLiteral("listing the sessions of %1 failed: %2").arg(c.url().display(), rows.error().message));
    const QSet<int> ownPorts = ownTcpPortsTo(c.url().port > 0 ? c.url().port : 3306);
    QStringList lines;
    for (const auto &r : *rows) {
        if (ownPorts.contains(r.value(2).section(u':', -1).toInt()))
            continue;
        const QString state = r.value(4).isEmpty() ? r.value(3) : r.value(3) + QStringLiteral(" (") + r.value(4) + u')';
        lines << sessionLine(r.value(0), r.value(1), QString(), r.value(2), state, r.value(5));
    }
    return lines;
}

Result<QString> MysqlEngine::describeSession(DbConnection &observer, qint64 session)
{
    auto self = myRows(observer.mysql(), QStringLiteral(
        "SELECT COMMAND, COALESCE(STATE, ''), TIME, LEFT(COALESCE(INFO, ''), 200) "
        "FROM information_schema.PROCESSLIST WHERE ID = %1").arg(session));
    if (!self)
        return self.error();
    if (self->isEmpty())
        return QStringLiteral("the server has no session %1 any more (or shows it only with the PROCESS privilege)").arg(session);
    QStringList s = self->first();
    s[3] = s[3].simplified();
    // InnoDB row locks: who holds what this session waits for. information_schema.INNODB_TRX
    // needs the PROCESS privilege; without it only the session's own state is told.
    auto blocker = myRows(observer.mysql(), QStringLiteral(
        "SELECT b.trx_mysql_thread_id, COALESCE(p.USER, ''), COALESCE(p.COMMAND, ''), "
        "LEFT(COALESCE(p.INFO, b.trx_query, ''), 200) "
        "FROM information_schema.INNODB_LOCK_WAITS w "
        "JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id "
        "JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id "
        "LEFT JOIN information_schema.PROCESSLIST p ON p.ID = b.trx_mysql_thread_id "
        "WHERE r.trx_mysql_thread_id = %1 LIMIT 1").arg(session));
    if (blocker && !blocker->isEmpty()) {
        QStringList b = blocker->first();
        b[3] = b[3].simplified();
        return QStringLiteral("blocked by thread %1 (user %2, %3): %4 (%5 for %6 s)")
            .arg(b.value(0), b.value(1), b.value(2), b.value(3), s.value(1), s.value(2));
    }
    return QStringLiteral("%1 for %2 s%3: %4")
        .arg(s.value(0), s.value(2), s.value(1).isEmpty() ? QString() : QStringLiteral(" (") + s.value(1) + u')', s.value(3));
}

Result<qint64> MysqlEngine::sizeOnDisk(DbConnection &c, const QVector<TableSchema> &tables)
{
    if (tables.isEmpty())
        return qint64(0);
    QStringList names;
    for (const auto &t : tables)
        names << literal(t.name);
    auto rows = myRows(c.mysql(), QStringLiteral("SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES "
                                                 "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (%1)")
                                      .arg(names.join(QStringLiteral(", "))));
    if (!rows)
        return rows.error();
    return rows->value(0).value(0).toLongLong();
}

Result<QString> MysqlEngine::dataDirectory(DbConnection &c)
{
    auto rows = myRows(c.mysql(), QStringLiteral("SELECT @@datadir"));
    if (!rows)
        return makeError(QStringLiteral("the server does not tell its data directory: %1").arg(rows.error().message));
    return rows->value(0).value(0);
}

} // namespace cockpit
