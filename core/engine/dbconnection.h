#pragma once
// One database connection, owned by the thread that opened it (a QSqlDatabase never crosses
// threads). RAII: the destructor closes it and removes the uniquely named QSqlDatabase.

#include "plan/connectionurl.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <atomic>
#include <memory>
#include <mutex>

struct sqlite3;
struct pg_conn;
struct pg_cancel;
struct st_mysql;

namespace cockpit {

class DbConnection {
public:
    enum class Mode { ReadOnly, ReadWrite };

    static Result<std::unique_ptr<DbConnection>> open(const ConnectionUrl &url, Mode mode);
    // What this process's sessions call themselves where the server keeps a name
    // (PostgreSQL's application_name): "upgrade-cockpit/<pid>", so that the preflight can tell
    // them from other programs' sessions.
    static QString applicationName();
    ~DbConnection();
    DbConnection(const DbConnection &) = delete;
    DbConnection &operator=(const DbConnection &) = delete;

    const ConnectionUrl &url() const { return m_url; }
    QSqlDatabase &db() { return m_db; }
    sqlite3 *sqlite() const { return m_sqlite; }     // the native handle for SQLite, else nullptr
    pg_conn *postgres() const { return m_postgres; } // the libpq handle for PostgreSQL, else nullptr
    st_mysql *mysql() const { return m_mysql; }      // the MariaDB client handle (MYSQL*), else nullptr
    // PostgreSQL: the schema of the URL (?schema=), "public" by default.
    QString schema() const;

    // Thread-safe: makes the statement running on this connection fail soon ("interrupted").
    void interrupt();
    // True once interrupt() was called: lets waits outside a statement give up too.
    bool interruptRequested() const { return m_interruptRequested; }

    // The server's id of this session (PostgreSQL's backend pid, MariaDB's thread id), as
    // pg_stat_activity and the process list show it; 0 for SQLite.
    qint64 sessionId() const;

    Mode mode() const { return m_mode; }
    // Connected, no transaction open, never interrupted: fit for another task (connectionpool.h).
    bool isIdle() const;
    // Still connected: the server has not closed the session meanwhile (one cheap round trip).
    bool isAlive();
    // Why a statement on this connection failed: the server's text, and for PostgreSQL
    // libpq's reason when the session is gone. Qt's driver can report a connection that died
    // (a server shutting down) as open, and a statement on it then fails with no text; naming
    // the lost connection lets transientfault.h classify it as the server's and retry it.
    QString errorOf(const QSqlQuery &q) const;

private:
    DbConnection() = default;
    ConnectionUrl m_url;
    Mode m_mode = Mode::ReadOnly;
    QString m_name;
    QSqlDatabase m_db;
    sqlite3 *m_sqlite = nullptr;
    pg_conn *m_postgres = nullptr;
    pg_cancel *m_pgCancel = nullptr; // made in the owning thread; PQcancel may use it anywhere
    st_mysql *m_mysql = nullptr;
    unsigned long m_mysqlThreadId = 0; // the server's id of this session, for KILL QUERY
    std::atomic<bool> m_interruptRequested{false};
};

} // namespace cockpit
