#pragma once
// The QtSql code both control stores share: every statement on the tasks, events, log,
// commands and the owner row is written once here, in SQL that SQLite (3.24+) and PostgreSQL
// both take (INSERT ... ON CONFLICT DO UPDATE, "?" placeholders, integers for flags, aliased
// subqueries). An implementation adds its connection, DDL and migration (open()), how a
// transaction begins, how an inserted id comes back, and the owner lease's lock.
//
// Schema versions are the store's, shared by both implementations: version 1 had no
// task.sampled_range, task.key_after, task.key_through, command.threads, command.priority;
// version 2 added them; version 3 the shared run's leases (task.lease_owner, lease_epoch,
// lease_until, not_before, stop_request) and the worker table; version 4 (kSchemaVersion)
// command.worker. A store of an older version is migrated in a transaction on open; a newer
// one is refused, naming both versions.

#include "store/controlstore.h"

#include <QHash>
#include <QSqlQuery>
#include <memory>

namespace cockpit {

// A statement of SqlControlStore::prepared(), finished (its rows let go) when the handle goes;
// the statement itself stays prepared where the store keeps it.
class PreparedQuery {
public:
    explicit PreparedQuery(std::shared_ptr<QSqlQuery> q) : m_q(std::move(q)) {}
    ~PreparedQuery()
    {
        if (m_q)
            m_q->finish();
    }
    PreparedQuery(const PreparedQuery &) = delete;
    PreparedQuery &operator=(const PreparedQuery &) = delete;
    QSqlQuery *operator->() const { return m_q.get(); }
    operator QSqlQuery &() const { return *m_q; } // for errorOf(q) and the bind helpers

private:
    std::shared_ptr<QSqlQuery> m_q;
};

class SqlControlStore : public ControlStore {
public:
    static constexpr int kSchemaVersion = 4;

    Result<QString> meta(const QString &key) override;
    Status setMeta(const QString &key, const QString &value) override;
    Result<bool> hasTasks() override;
    Status createTasks(const QVector<TaskSpec> &specs) override;
    Result<QVector<std::pair<TaskSpec, TaskStatus>>> loadTasks() override;
    Status saveStatus(const QString &task, const TaskStatus &status, TaskState from,
                      const QString &eventMessage) override;
    Status saveProgress(const QVector<std::pair<QString, TaskStatus>> &updates) override;
    Status setPriority(const QString &task, int priority, const QString &eventMessage) override;
    Result<QVector<StoredEvent>> events(const QString &task = {}) override;
    Status recordEvent(const QString &subject, const QString &message) override;
    Status appendLog(const QString &task, LogLevel level, const QString &message) override;
    Result<QVector<LogLine>> log(const QString &task, int limit) override;
    Result<qint64> postCommand(TaskAction action, const QString &task, bool withDependents) override;
    Result<qint64> postGroupCommand(GroupAction action, const QString &group, int threads = 0,
                                    const QString &worker = {}) override;
    Result<qint64> postPriorityCommand(const QString &task, int priority) override;
    Result<QVector<StoredCommand>> pendingCommands() override;
    Status finishCommand(qint64 id, bool ok, const QString &result) override;
    Result<CommandOutcome> commandOutcome(qint64 id) override;
    Result<RunOwner> owner() override;
    Status heartbeat() override;
    Result<std::optional<TaskLease>> claimTask(const QStringList &candidates, const QString &worker,
                                               double leaseSeconds) override;
    Result<bool> saveStatusIf(const QString &task, const TaskStatus &status, TaskState from,
                              const QString &eventMessage, const TaskLease *lease, bool release,
                              double notBeforeSeconds = 0) override;
    Result<QVector<HeldTask>> renewLeases(const WorkerInfo &self, double leaseSeconds,
                                          const QVector<std::pair<TaskLease, TaskStatus>> &progress) override;
    Result<QVector<ExpiredLease>> expireLeases() override;
    Result<QString> requestStop(const QString &task, TaskAction action) override;
    Result<QVector<WorkerInfo>> workers() override;
    Status removeWorker(const QString &name) override;

protected:
    // The columns versions 2 and 3 added, for the migration of an older store: table, column,
    // and the type as each implementation declares it.
    struct AddedColumn {
        const char *table, *column, *sqliteType, *postgresType;
    };
    static const AddedColumn kAddedColumns[11];

    virtual QSqlDatabase &db() = 0;
    // The statement that opens a write transaction.
    virtual QString beginStatement() const = 0;
    // What follows an INSERT so that insertedId() can read the new row's id ("" or RETURNING).
    virtual QString returningId() const = 0;
    // The id of the row the INSERT `q` just made.
    virtual Result<qint64> insertedId(QSqlQuery &q) = 0;
    // Whether the owner's lease lock is held now, when the store can tell (RunOwner::leaseHeld).
    virtual Result<std::optional<bool>> leaseHeld() { return std::optional<bool>(); }
    // The store server's clock in seconds since 1970, as an SQL expression: leases are timed by
    // it, never by the hosts' clocks.
    virtual QString clockSql() const = 0;
    // The first of `candidates` claimable now, locked against the other workers' claims, as
    // one statement's name and lease_epoch after the claim (claimTask's UPDATE ... RETURNING),
    // given the SET clause and its binds.
    virtual Result<std::optional<std::pair<QString, qint64>>> claimFirst(const QStringList &candidates,
                                                                          const QString &set,
                                                                          const QVariantList &setBinds);
    // The event of a state change (in the caller's transaction).
    Status recordTransition(const QString &task, TaskState from, TaskState to, const QString &message);
    // Tells the processes that listen (listenForChanges) that the store changed; in a
    // transaction, at its commit. Nothing where no one can listen.
    virtual Status notifyChanged(Change what)
    {
        (void)what;
        return {};
    }
    // Why `q` failed, for messages.
    virtual QString errorOf(const QSqlQuery &q) const;

    // `sql` prepared on this session. Where keepsPrepared(), once, and kept: QtSql's PostgreSQL
    // driver prepares on the server at each prepare() and deallocates when the query goes,
    // three round trips for each statement otherwise. Bind, exec() and read it before the
    // next prepared() of the same text. One that does not prepare is not kept; its exec()
    // fails with why.
    PreparedQuery prepared(const QString &sql);
    // SQLite prepares in-process, and a statement left with unread rows would hold its read
    // transaction (and so an old snapshot of the file) open: it prepares afresh each time.
    virtual bool keepsPrepared() const { return false; }
    // The session is being replaced: its statements are kept until the next replacement (a
    // caller may still hold one), then go with the old session.
    void retirePrepared();
    // Before the session closes (an implementation's destructor): no statement outlives it.
    void forgetPrepared();
    // Runs `sql` (prepared with `binds`; as it is when there are none: DDL, BEGIN).
    Status exec(const QString &sql, const QVariantList &binds = {});
    Status transaction(const std::function<Status()> &body);
    // Between transaction()'s BEGIN and its end: a lost session must not be replaced there,
    // or the rest of the transaction would run, committed statement by statement, on another.
    bool inTransaction() const { return m_inTransaction; }
    Result<qint64> insert(const QString &sql, const QVariantList &binds);
    Result<qint64> insertCommand(const QString &sql, const QVariantList &binds); // insert, then notifyChanged
    // "control store <path>: <what>"
    TaskError storeError(const QString &what) const;

    // The owner row: written by a claim, removed by a release (only this process's).
    Status writeOwnerRow(const QString &app);
    Status deleteOwnerRow();

private:
    bool m_inTransaction = false;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_prepared, m_retiredPrepared; // keepsPrepared()
};

} // namespace cockpit
