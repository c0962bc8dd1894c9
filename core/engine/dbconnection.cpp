#include "engine/dbconnection.h"
#include "engine/credentials.h"
#include "engine/sqlite/sqlitestatement.h"
#include "engine/mysql/mysqlclient.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <atomic>
#include <cstring>
#include <iterator>
#include <optional>
#include <libpq-fe.h>
#include <errmsg.h>
#include <mysql.h>
#include <sqlite3.h>

namespace cockpit {

static QString uniqueConnectionName()
{
    static std::atomic<quint64> counter{0};
    return QStringLiteral("cockpit-%1-%2")
        .arg(quintptr(QThread::currentThreadId()))
        .arg(counter.fetch_add(1));
}

// MariaDB's password: typed in the window, else MYSQL_PWD.
static QString mysqlPassword(const ConnectionUrl &url)
{
    if (const auto typed = credentials::lookup(url))
        return *typed;
    return qEnvironmentVariable("MYSQL_PWD");
}

// libpq's conninfo options: the URL's TLS parameters go through under libpq's own names,
// quoted for conninfo (connectionurl.cpp keeps ';' out of them, which Qt turns into spaces).
static QString postgresOptions(const ConnectionUrl &url)
{
    QStringList options{QStringLiteral("connect_timeout=10"),
                        QStringLiteral("application_name=") + DbConnection::applicationName()};
    for (const char *key : {"sslmode", "sslrootcert", "sslcert", "sslkey"}) {
        const QString value = url.params.value(QLatin1String(key));
        if (value.isEmpty())
            continue;
        QString quoted = value;
        quoted.replace(u'\\', QLatin1String("\\\\")).replace(u'\'', QLatin1String("\\'"));
        options << QLatin1String(key) + QStringLiteral("='") + quoted + u'\'';
    }
    return options.join(u';');
}

// The URL's MariaDB TLS files, with the option names of Qt's QMYSQL and of the client library.
struct MysqlTlsFile {
    const char *param;
    const char *qtOption;
    mysql_option clientOption;
};
static const MysqlTlsFile kMysqlTlsFiles[] = {{"ssl-ca", "SSL_CA", MYSQL_OPT_SSL_CA},
                                              {"ssl-cert", "SSL_CERT", MYSQL_OPT_SSL_CERT},
                                              {"ssl-key", "SSL_KEY", MYSQL_OPT_SSL_KEY}};

static bool mysqlUsesTls(const ConnectionUrl &url)
{
    for (const auto &f : kMysqlTlsFiles)
        if (url.params.contains(QLatin1String(f.param)))
            return true;
    return false;
}

static bool mysqlVerifiesHost(const ConnectionUrl &url)
{
    return url.params.value(QStringLiteral("ssl-verify-server-cert")) == QLatin1String("true");
}

// Qt 6.4's QMYSQL sets the TLS files (the client then requires TLS and checks the certificate
// chain against ssl-ca in the handshake) but passes no option that would have the client library
// check the host name too: its connect options are SSL_KEY, SSL_CERT, SSL_CA, SSL_CAPATH,
// SSL_CIPHER, the timeouts, MYSQL_OPT_RECONNECT, UNIX_SOCKET and CLIENT_* flags (no
// MYSQL_OPT_SSL_VERIFY_SERVER_CERT, no option file), and Connector/C 3.3 reads no option file
// unless told to (MYSQL_READ_DEFAULT_FILE/GROUP). So once Qt's open() connected, the same handle
// is told to verify the server certificate and reconnected (mariadb_reconnect, public API; it
// needs MYSQL_OPT_RECONNECT for this one call, off again after it so that a lost session is
// never silently replaced): the session Qt's driver and we go on with is a new handshake, with
// the handle's options, user, password and database, in which the client library itself checked
// the name. The first session, closed by then, logged in to a server whose certificate that CA
// signed, whatever its name, and ran no statement of ours. Why it failed, or nullopt.
static std::optional<QString> mysqlReconnectCheckingHostName(MYSQL *mysql, const QString &host)
{
    const my_bool on = 1, off = 0;
    if (mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on) != 0
        || mysql_optionsv(mysql, MYSQL_OPT_RECONNECT, &on) != 0)
        return QStringLiteral("the client library cannot check the server certificate's name: %1")
            .arg(QString::fromUtf8(mysql_error(mysql)));
    const bool failed = mariadb_reconnect(mysql) != 0;
    mysql_optionsv(mysql, MYSQL_OPT_RECONNECT, &off);
    if (!failed)
        return std::nullopt;
    // The client library's words for a certificate of another name (a chain it does not trust
    // gets OpenSSL's reason, shown as it is, like any other failure: refused either way).
    const QString why = QString::fromUtf8(mysql_error(mysql));
    if (mysql_errno(mysql) == CR_SSL_CONNECTION_ERROR
        && why.contains(QLatin1String("Validation of SSL server certificate failed")))
        return QStringLiteral("the server certificate is not for \"%1\"").arg(host);
    return why;
}

QString DbConnection::errorOf(const QSqlQuery &q) const
{
    QString text = q.lastError().databaseText().simplified();
    if (m_postgres && PQstatus(m_postgres) == CONNECTION_BAD) {
        const QString lost = QString::fromUtf8(PQerrorMessage(m_postgres)).simplified();
        const QString why = lost.isEmpty() ? QStringLiteral("no connection to the server") : lost;
        text = text.isEmpty() || text.contains(why) ? why : text + QStringLiteral("; ") + why;
    }
    if (text.isEmpty())
        text = q.lastError().text().simplified();
    return text.isEmpty() ? QStringLiteral("the driver gave no reason") : text;
}

QString DbConnection::applicationName()
{
    return QStringLiteral("upgrade-cockpit/%1").arg(QCoreApplication::applicationPid());
}

Result<std::unique_ptr<DbConnection>> DbConnection::open(const ConnectionUrl &url, Mode mode)
{
    std::unique_ptr<DbConnection> c(new DbConnection);
    c->m_url = url;
    c->m_mode = mode;
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
        if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master"))) {
            // SQLite says only "unable to open database file" when the OS refused (e.g. the
            // WAL's -shm file on a file system turned read-only): sqliteErrorMessage names the
            // OS's reason for I/O and open errors only, so the error is classified and its
            // remedy shown, and a stale errno never decorates a different error.
            return makeError(QStringLiteral("%1 is not a usable SQLite database: %2")
                                 .arg(url.display(), sqliteErrorMessage(c->m_sqlite)));
        }
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
        // A password typed in the window (credentials.h); otherwise none here: libpq reads
        // PGPASSWORD or ~/.pgpass itself, so it never passes through our memory or logs.
        if (const auto typed = credentials::lookup(url))
            c->m_db.setPassword(*typed);
        c->m_db.setConnectOptions(postgresOptions(url));
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
            return makeError(QStringLiteral("%1: cannot set the session: %2").arg(url.display(), c->errorOf(set)));
        // Unqualified names resolve in the URL's schema only, and a source connection cannot
        // write whatever a bug would try.
        QSqlQuery path(c->m_db);
        path.prepare(QStringLiteral("SELECT set_config('search_path', quote_ident(?), false)"));
        path.addBindValue(c->schema());
        if (!path.exec() || (mode == Mode::ReadOnly && !path.exec(QStringLiteral("SET default_transaction_read_only = on"))))
            return makeError(QStringLiteral("%1: cannot set the session: %2").arg(url.display(), c->errorOf(path)));
        QSqlQuery q(c->m_db);
        q.prepare(QStringLiteral("SELECT 1 FROM pg_namespace WHERE nspname = ?"));
        q.addBindValue(c->schema());
        if (!q.exec())
            return makeError(QStringLiteral("%1: cannot read the schemas: %2").arg(url.display(), c->errorOf(q)));
        if (!q.next())
            return makeError(QStringLiteral("%1: schema \"%2\" does not exist").arg(url.display(), c->schema()));
        return c;
    }
    case EngineKind::MySQL: {
        c->m_db = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), c->m_name);
        if (!c->m_db.isValid())
            return makeError(QStringLiteral("the Qt MySQL driver (QMYSQL) is not installed: "
                                            "install libqt6sql6-mysql"));
        c->m_db.setHostName(url.host);
        c->m_db.setPort(url.port);
        c->m_db.setDatabaseName(url.database);
        if (!url.user.isEmpty())
            c->m_db.setUserName(url.user);
        // The password comes from the window's prompt or the environment (MYSQL_PWD), never
        // from the URL or plan.
        if (const QString pwd = mysqlPassword(url); !pwd.isEmpty())
            c->m_db.setPassword(pwd);
        QString options = QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=10");
        for (const auto &f : kMysqlTlsFiles)
            if (url.params.contains(QLatin1String(f.param)))
                options += u';' + QLatin1String(f.qtOption) + u'=' + url.params.value(QLatin1String(f.param));
        c->m_db.setConnectOptions(options);
        if (!c->m_db.open())
            return makeError(QStringLiteral("cannot connect to %1: %2")
                                 .arg(url.display(), c->m_db.lastError().databaseText().simplified()));
        const QVariant h = c->m_db.driver()->handle();
        if (h.isValid() && (qstrcmp(h.typeName(), "MYSQL*") == 0 || qstrcmp(h.typeName(), "st_mysql*") == 0))
            c->m_mysql = *static_cast<MYSQL *const *>(h.constData());
        if (!c->m_mysql)
            return makeError(QStringLiteral("the Qt MySQL driver exposes no native handle (%1)")
                                 .arg(QString::fromLatin1(h.typeName())));
        if (mysqlVerifiesHost(url))
            if (const auto why = mysqlReconnectCheckingHostName(c->m_mysql, url.host))
                return makeError(QStringLiteral("cannot connect to %1: %2").arg(url.display(), *why));
        // A server's request for a local file is refused (the copy's LOAD DATA LOCAL streams its own rows).
        mysqlinternal::refuseLocalFiles(c->m_mysql);
        // The session's own, after any reconnect: KILL QUERY names it.
        c->m_mysqlThreadId = mysql_thread_id(c->m_mysql);
        if (mysqlUsesTls(url) && !mysql_get_ssl_cipher(c->m_mysql))
            return makeError(QStringLiteral("cannot connect to %1: the connection is not encrypted").arg(url.display()));
        // UTF-8 everywhere, UTC, and strict values: a value the column cannot hold fails the
        // batch instead of being truncated. NO_BACKSLASH_ESCAPES: string literals are quoted
        // by doubling ' only (the writer relies on it). NO_AUTO_VALUE_ON_ZERO: a
        // copied key 0 stays 0 in an AUTO_INCREMENT column. Long timeouts: a streaming reader may
        // wait while its batch is written.
        QStringList settings{QStringLiteral("SET NAMES utf8mb4 COLLATE utf8mb4_bin"),
                             QStringLiteral("SET time_zone = '+00:00'"),
                             QStringLiteral("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES,"
                                            "NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
                                            "NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY,NO_AUTO_VALUE_ON_ZERO'"),
                             QStringLiteral("SET SESSION net_write_timeout = 3600, net_read_timeout = 3600, "
                                            "wait_timeout = 86400")};
        if (mode == Mode::ReadOnly)
            settings << QStringLiteral("SET SESSION TRANSACTION READ ONLY");
        for (const QString &sql : settings) {
            const QByteArray utf8 = sql.toUtf8();
            if (mysql_real_query(c->m_mysql, utf8.constData(), utf8.size()) != 0)
                return makeError(QStringLiteral("%1: cannot set the session: %2")
                                     .arg(url.display(), QString::fromUtf8(mysql_error(c->m_mysql))));
        }
        return c;
    }
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
    m_mysql = nullptr;
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

bool DbConnection::isIdle() const
{
    if (m_interruptRequested)
        return false;
    if (m_sqlite)
        return sqlite3_get_autocommit(m_sqlite) != 0;
    if (m_postgres)
        return PQstatus(m_postgres) == CONNECTION_OK && PQtransactionStatus(m_postgres) == PQTRANS_IDLE;
    if (m_mysql) {
        unsigned int status = 0;
        return mysql_errno(m_mysql) == 0
               && mariadb_get_infov(m_mysql, MARIADB_CONNECTION_SERVER_STATUS, &status) == 0
               && (status & SERVER_STATUS_IN_TRANS) == 0;
    }
    return false;
}

qint64 DbConnection::sessionId() const
{
    if (m_postgres)
        return PQbackendPID(m_postgres);
    return qint64(m_mysqlThreadId);
}

bool DbConnection::isAlive()
{
    if (m_postgres) { // an empty query: one round trip (~0.05 ms here), no parsing
        PGresult *r = PQexec(m_postgres, "");
        const bool alive = PQresultStatus(r) == PGRES_EMPTY_QUERY;
        PQclear(r);
        return alive;
    }
    if (m_mysql)
        return mysql_ping(m_mysql) == 0;
    return m_sqlite != nullptr;
}

void DbConnection::interrupt()
{
    m_interruptRequested = true;
    if (m_sqlite)
        sqlite3_interrupt(m_sqlite);
    if (m_pgCancel) {
        char error[256];
        PQcancel(m_pgCancel, error, sizeof error); // thread-safe by libpq's design
    }
    if (m_mysql && m_mysqlThreadId != 0) {
        // MySQL cancels a statement from another session only: a short-lived connection of
        // this thread sends KILL QUERY for ours (best effort; the statement may just finish).
        MYSQL *k = mysql_init(nullptr);
        if (!k)
            return;
        const unsigned int timeout = 5;
        mysql_options(k, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
        // The same TLS as the session's own, the host name checked by the client library as there.
        QByteArray files[std::size(kMysqlTlsFiles)];
        for (std::size_t i = 0; i < std::size(kMysqlTlsFiles); ++i) {
            files[i] = m_url.params.value(QLatin1String(kMysqlTlsFiles[i].param)).toUtf8();
            if (!files[i].isEmpty())
                mysql_optionsv(k, kMysqlTlsFiles[i].clientOption, files[i].constData());
        }
        if (mysqlVerifiesHost(m_url)) {
            const my_bool verify = 1;
            mysql_optionsv(k, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
        }
        const QByteArray host = m_url.host.toUtf8(), user = m_url.user.toUtf8();
        const QByteArray pwd = mysqlPassword(m_url).toUtf8();
        if (mysql_real_connect(k, host.constData(), user.isEmpty() ? nullptr : user.constData(),
                               pwd.isEmpty() ? nullptr : pwd.constData(), nullptr, uint(m_url.port), nullptr, 0)) {
            const QByteArray kill = "KILL QUERY " + QByteArray::number(qulonglong(m_mysqlThreadId));
            mysql_real_query(k, kill.constData(), kill.size());
        }
        mysql_close(k);
        mysql_thread_end();
    }
}

QString DbConnection::schema() const
{
    return m_url.params.value(QStringLiteral("schema"), QStringLiteral("public"));
}


} // namespace cockpit
