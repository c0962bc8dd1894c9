#include "engine/dbconnection.h"

#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <atomic>
#include <libpq-fe.h>
#include <sqlite3.h>

namespace cockpit {

static QString uniqueConnectionName()
{
    static std::atomic<quint64> counter{0};
    return QStringLiteral("cockpit-%1-%2")
        .arg(quintptr(QThread::currentThreadId()))
        .arg(counter.fetch_add(1));
}

Result<std::unique_ptr<DbConnection>> DbConnection::open(const ConnectionUrl &url, Mode mode)
{
    std::unique_ptr<DbConnection> c(new DbConnection);
    c->m_url = url;
    c->m_name = uniqueConnectionName();
    switch (url.engine) {
    case EngineKind::SQLite: {
        if (mode == Mode::ReadOnly && !QFileInfo::exists(url.path))
            return makeError(QStringLiteral("SQLite database %1 does not exist").arg(url.display()));
        c->m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), c->m_name);
        c->m_db.setDatabaseName(url.path);
        QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=600000");
        if (mode == Mode::ReadOnly)
            options += QStringLiteral(";QSQLITE_OPEN_READONLY");
        c->m_db.setConnectOptions(options);
        if (!c->m_db.open())
            return makeError(QStringLiteral("cannot open %1: %2")
                                 .arg(url.display(), c->m_db.lastError().text()));
        const QVariant h = c->m_db.driver()->handle();
        if (h.isValid() && qstrcmp(h.typeName(), "sqlite3*") == 0)
            c->m_sqlite = *static_cast<sqlite3 *const *>(h.constData());
        if (!c->m_sqlite)
            return makeError(QStringLiteral("the Qt SQLite driver exposes no native handle"));
        // Reading the schema proves the file is a database (opening alone does not).
        QSqlQuery q(c->m_db);
        if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")))
            return makeError(QStringLiteral("%1 is not a usable SQLite database: %2")
                                 .arg(url.display(), q.lastError().text()));
        return c;
    }
    case EngineKind::PostgreSQL: {
        c->m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), c->m_name);
        if (!c->m_db.isValid())
            return makeError(QStringLiteral("the Qt PostgreSQL driver (QPSQL) is not installed: "
                                            "install libqt6sql6-psql"));
        c->m_db.setHostName(url.host);
        c->m_db.setPort(url.port);
        c->m_db.setDatabaseName(url.database);
        if (!url.user.isEmpty())
            c->m_db.setUserName(url.user);
        // No password here: libpq reads PGPASSWORD or ~/.pgpass itself, so it never passes
        // through our memory or logs.
        c->m_db.setConnectOptions(QStringLiteral("connect_timeout=10;application_name=upgrade-cockpit"));
        if (!c->m_db.open())
            return makeError(QStringLiteral("cannot connect to %1: %2")
                                 .arg(url.display(), c->m_db.lastError().databaseText().simplified()));
        const QVariant h = c->m_db.driver()->handle();
        // Qt 6 names the metatype after the struct ("pg_conn*"); Qt 5 used the typedef.
        if (h.isValid() && (qstrcmp(h.typeName(), "pg_conn*") == 0 || qstrcmp(h.typeName(), "PGconn*") == 0))
            c->m_postgres = *static_cast<pg_conn *const *>(h.constData());
        if (!c->m_postgres)
            return makeError(QStringLiteral("the Qt PostgreSQL driver exposes no native handle (%1)").arg(QString::fromLatin1(h.typeName())));
        c->m_pgCancel = PQgetCancel(c->m_postgres);
        // One text form for values on every connection (Qt's driver switches bytea to the
        // escape format): hex bytea, ISO dates, shortest exact floats, UTC, quiet notices.
        PQsetNoticeProcessor(c->m_postgres, [](void *, const char *) {}, nullptr);
        QSqlQuery set(c->m_db);
        if (!set.exec(QStringLiteral("SET bytea_output = hex; SET DateStyle = ISO, YMD; "
                                     "SET extra_float_digits = 1; SET TimeZone = 'UTC'; "
                                     "SET client_encoding = 'UTF8'")))
            return makeError(QStringLiteral("%1: cannot set the session: %2")
                                 .arg(url.display(), set.lastError().databaseText().simplified()));
        // Unqualified names resolve in the URL's schema only, and a source connection cannot
        // write whatever a bug would try.
        QSqlQuery path(c->m_db);
        path.prepare(QStringLiteral("SELECT set_config('search_path', quote_ident(?), false)"));
        path.addBindValue(c->schema());
        if (!path.exec() || (mode == Mode::ReadOnly && !path.exec(QStringLiteral("SET default_transaction_read_only = on"))))
            return makeError(QStringLiteral("%1: cannot set the session: %2")
                                 .arg(url.display(), path.lastError().databaseText().simplified()));
        QSqlQuery q(c->m_db);
        q.prepare(QStringLiteral("SELECT 1 FROM pg_namespace WHERE nspname = ?"));
        q.addBindValue(c->schema());
        if (!q.exec() || !q.next())
            return makeError(QStringLiteral("%1: schema \"%2\" does not exist").arg(url.display(), c->schema()));
        return c;
    }
    case EngineKind::MySQL:
        break;
    }
    return makeError(QStringLiteral("%1: the %2 engine is not supported yet")
                         .arg(url.display(), toString(url.engine)));
}

DbConnection::~DbConnection()
{
    m_sqlite = nullptr;
    if (m_pgCancel)
        PQfreeCancel(m_pgCancel);
    m_postgres = nullptr;
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

void DbConnection::interrupt()
{
    if (m_sqlite)
        sqlite3_interrupt(m_sqlite);
    if (m_pgCancel) {
        char error[256];
        PQcancel(m_pgCancel, error, sizeof error); // thread-safe by libpq's design
    }
}

QString DbConnection::schema() const
{
    return m_url.params.value(QStringLiteral("schema"), QStringLiteral("public"));
}


} // namespace cockpit
