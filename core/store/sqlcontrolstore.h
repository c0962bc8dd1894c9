#pragma once
// The QtSql code both control stores share: every statement on the tasks, events, log,
// commands and the owner row is written once here, in SQL that SQLite (3.24+) and PostgreSQL
// both take (INSERT ... ON CONFLICT DO UPDATE, "?" placeholders, integers for flags, aliased
// subqueries). An implementation adds its connection, DDL and migration (open()), how a
// transaction begins, how an inserted id comes back, and the owner lease's lock.
//
// Not yet (the workers' slice): a PostgreSQL store whose session is lost (server restart,
// network cut) does not reconnect, so every later write of its process fails, and nothing
// fences a process that lost its lease from writing on: the next owner can claim the run as
// soon as the server has dropped the lock.
//
// Schema versions are the store's, shared by both implementations: version 1 had no
// task.sampled_range, task.key_after, task.key_through, command.threads, command.priority;
// version 2 (kSchemaVersion) has them. A store of an older version is migrated in a
// transaction on open; a newer one is refused, naming both versions.

#include "store/controlstore.h"

#include <QSqlQuery>

namespace cockpit {

class SqlControlStore : public ControlStore {
public:
    static constexpr int kSchemaVersion = 2;

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
    Result<qint64> postGroupCommand(GroupAction action, const QString &group, int threads = 0) override;
    Result<qint64> postPriorityCommand(const QString &task, int priority) override;
    Result<QVector<StoredCommand>> pendingCommands() override;
    Status finishCommand(qint64 id, bool ok, const QString &result) override;
    Result<CommandOutcome> commandOutcome(qint64 id) override;
    Result<RunOwner> owner() override;
    Status heartbeat() override;

protected:
    // The columns version 2 added, for the migration from version 1: table, column, and the
    // type as each implementation declares it.
    struct AddedColumn {
        const char *table, *column, *sqliteType, *postgresType;
    };
    static const AddedColumn kAddedInVersion2[5];

    virtual QSqlDatabase &db() = 0;
    // The statement that opens a write transaction.
    virtual QString beginStatement() const = 0;
    // What follows an INSERT so that insertedId() can read the new row's id ("" or RETURNING).
    virtual QString returningId() const = 0;
    // The id of the row the INSERT `q` just made.
    virtual Result<qint64> insertedId(QSqlQuery &q) = 0;
    // Whether the owner's lease lock is held now, when the store can tell (RunOwner::leaseHeld).
    virtual Result<std::optional<bool>> leaseHeld() { return std::optional<bool>(); }
    // Why `q` failed, for messages.
    virtual QString errorOf(const QSqlQuery &q) const;

    // Runs `sql` (prepared with `binds`; as it is when there are none: DDL, BEGIN).
    Status exec(const QString &sql, const QVariantList &binds = {});
    Status transaction(const std::function<Status()> &body);
    Result<qint64> insert(const QString &sql, const QVariantList &binds);
    // "control store <path>: <what>"
    TaskError storeError(const QString &what) const;

    // The owner row: written by a claim, removed by a release (only this process's).
    Status writeOwnerRow(const QString &app);
    Status deleteOwnerRow();
};

} // namespace cockpit
