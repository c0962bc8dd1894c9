#pragma once
// The control store in a schema of a PostgreSQL database (postgresql://...?schema=S, default
// "cockpit_state"): a store that processes on several machines can share. The tool creates the
// schema and its tables, and migrates an older schema version, in one transaction under a
// transaction-level advisory lock of the schema, so that any number of processes may open a new
// store at once. The owner lease is a session-level advisory lock of the schema held by the
// owning store's connection: the server drops it when that connection ends, on any host, however
// the owner died. Credentials as for every connection (DbConnection): a password typed in the
// window, PGPASSWORD or ~/.pgpass; nothing secret is stored. A lost session is replaced
// (reconnectIfLost()).

#include "plan/connectionurl.h"
#include "store/sqlcontrolstore.h"

namespace cockpit {

class DbConnection;

class PostgresControlStore final : public SqlControlStore {
public:
    // `url`: a PostgreSQL URL; its schema (?schema=) defaults to statelocation::kDefaultSchema.
    static Result<std::unique_ptr<ControlStore>> open(const ConnectionUrl &url, IfMissing ifMissing);
    ~PostgresControlStore() override;

    Result<bool> claim(const QString &app, double staleSeconds) override;
    Status release() override;
    Status heartbeat() override;

    // This store's session on the server (pg_terminate_backend takes it).
    qint64 sessionId() const;
    // LISTEN on the schema's channel (notifyChanged NOTIFYs it); other sessions' notifications
    // call `onChange`, this session's own do not.
    bool listenForChanges(std::function<void(int changes)> onChange) override;

protected:
    QSqlDatabase &db() override;
    QString beginStatement() const override { return QStringLiteral("BEGIN"); }
    bool keepsPrepared() const override { return true; }
    QString returningId() const override { return QStringLiteral(" RETURNING id"); }
    Result<qint64> insertedId(QSqlQuery &q) override;
    QString clockSql() const override { return QStringLiteral("extract(epoch FROM clock_timestamp())::double precision"); }
    // One statement: the first claimable candidate in dispatch order, FOR UPDATE SKIP LOCKED, so
    // that workers claiming at the same moment take different tasks instead of waiting.
    Result<std::optional<std::pair<QString, qint64>>> claimFirst(const QStringList &candidates, const QString &set,
                                                                  const QVariantList &setBinds) override;
    Result<std::optional<bool>> leaseHeld() override;
    QString errorOf(const QSqlQuery &q) const override;
    Status notifyChanged(Change what) override;

private:
    QString channel() const; // "cockpit_" and the schema, as a plain lower-case identifier
    PostgresControlStore() = default;
    Status setUpSchema(IfMissing ifMissing);
    Status setUpSession(); // a new session's search_path: the store's schema
    Result<bool> queryBool(const QString &sql, const QVariantList &binds);

    // A session the server lost (a restart, a network cut, pg_terminate_backend) is replaced
    // by a new one before the next statement, at most once a second and never inside a
    // transaction (its statements fail, it rolls back). The new session takes back what the
    // old one held: the schema, the owner's lock (unless another process took the run
    // meanwhile), LISTEN; the listener is told once, for the notifications it missed.
    void reconnectIfLost();
    bool subscribe(); // LISTEN on this session, calling m_onChange

    ConnectionUrl m_sessionUrl; // the store's, in schema pg_catalog (open())
    std::unique_ptr<DbConnection> m_connection;
    // The lost session, kept until the next reconnection: a caller's query may still use it.
    std::unique_ptr<DbConnection> m_lostConnection;
    qint64 m_reconnectTriedAtMs = -1; // QDateTime ms since the epoch
    QString m_schema;
    bool m_holdsLease = false; // this connection holds the owner's advisory lock
    bool m_lostTheRun = false; // the lock was gone with a lost session and another took it
    std::function<void(int changes)> m_onChange;
};

} // namespace cockpit
