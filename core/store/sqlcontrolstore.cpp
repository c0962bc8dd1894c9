#include "store/sqlcontrolstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QScopeGuard>
#include <QSqlError>
#include <QSysInfo>
#include <cerrno>
#include <csignal>

namespace cockpit {

namespace {

// The action of a priority command (a TaskAction's or GroupAction's text otherwise).
const QString kPriorityAction = QStringLiteral("priority");

// Qt binds a null QString as SQL NULL; these columns hold "" instead.
QString text(const QString &s) { return s.isNull() ? QStringLiteral("") : s; }

QString now() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }
double nowSeconds() { return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0; }
QString dateText(const QDateTime &d) { return d.isValid() ? d.toString(Qt::ISODateWithMs) : QString(); }
QDateTime parseDate(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

std::optional<TaskAction> actionFromString(const QString &s)
{
    for (auto a : {TaskAction::Pause, TaskAction::Resume, TaskAction::Rerun, TaskAction::Skip,
                   TaskAction::Cancel})
        if (toString(a) == s)
            return a;
    return std::nullopt;
}

std::optional<GroupAction> groupActionFromString(const QString &s)
{
    for (auto a : {GroupAction::RemoveWorker, GroupAction::AddWorker, GroupAction::SetThreads})
        if (toString(a) == s)
            return a;
    return std::nullopt;
}

} // namespace

const SqlControlStore::AddedColumn SqlControlStore::kAddedColumns[11] = {
    // version 2
    {"task", "sampled_range", "INTEGER NOT NULL DEFAULT 0", "bigint NOT NULL DEFAULT 0"},
    {"task", "key_after", "TEXT", "text"},
    {"task", "key_through", "TEXT", "text"},
    {"command", "threads", "INTEGER NOT NULL DEFAULT 0", "bigint NOT NULL DEFAULT 0"},
    {"command", "priority", "INTEGER NOT NULL DEFAULT 0", "bigint NOT NULL DEFAULT 0"},
    // version 3
    {"task", "lease_owner", "TEXT NOT NULL DEFAULT ''", "text NOT NULL DEFAULT ''"},
    {"task", "lease_epoch", "INTEGER NOT NULL DEFAULT 0", "bigint NOT NULL DEFAULT 0"},
    {"task", "lease_until", "REAL NOT NULL DEFAULT 0", "double precision NOT NULL DEFAULT 0"},
    {"task", "not_before", "REAL NOT NULL DEFAULT 0", "double precision NOT NULL DEFAULT 0"},
    {"task", "stop_request", "TEXT NOT NULL DEFAULT ''", "text NOT NULL DEFAULT ''"},
    // version 4
    {"command", "worker", "TEXT NOT NULL DEFAULT ''", "text NOT NULL DEFAULT ''"},
};

QString SqlControlStore::errorOf(const QSqlQuery &q) const
{
    const QString t = q.lastError().text().simplified();
    return t.isEmpty() ? QStringLiteral("the driver gave no reason") : t;
}

TaskError SqlControlStore::storeError(const QString &what) const
{
    return makeError(QStringLiteral("control store %1: %2").arg(m_path, what));
}

PreparedQuery SqlControlStore::prepared(const QString &sql)
{
    QSqlDatabase &session = db(); // first: it may replace a lost session (and retire these)
    if (keepsPrepared())
        if (const auto it = m_prepared.constFind(sql); it != m_prepared.cend())
            return PreparedQuery(*it);
    auto q = std::make_shared<QSqlQuery>(session);
    // One that does not prepare is not kept: its exec() fails with why.
    if (q->prepare(sql) && keepsPrepared())
        m_prepared.insert(sql, q);
    return PreparedQuery(q);
}

void SqlControlStore::retirePrepared()
{
    m_retiredPrepared = std::move(m_prepared);
    m_prepared.clear();
}

void SqlControlStore::forgetPrepared()
{
    m_prepared.clear();
    m_retiredPrepared.clear();
}

Status SqlControlStore::exec(const QString &sql, const QVariantList &binds)
{
    if (binds.isEmpty()) {
        QSqlQuery q(db());
        if (!q.exec(sql))
            return makeError(QStringLiteral("control store: %1").arg(errorOf(q)), sql);
        return {};
    }
    const PreparedQuery q = prepared(sql);
    for (const auto &b : binds)
        q->addBindValue(b);
    if (!q->exec())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)), sql);
    return {};
}

Status SqlControlStore::transaction(const std::function<Status()> &body)
{
    if (auto st = exec(beginStatement()); !st)
        return st;
    m_inTransaction = true;
    const auto ended = qScopeGuard([this] { m_inTransaction = false; });
    Status st = body();
    // The first error is the one worth reporting; a failed ROLLBACK after it adds nothing.
    if (!st) {
        (void)exec(QStringLiteral("ROLLBACK"));
        return st;
    }
    if (auto c = exec(QStringLiteral("COMMIT")); !c) {
        (void)exec(QStringLiteral("ROLLBACK"));
        return c;
    }
    return {};
}

Result<qint64> SqlControlStore::insertCommand(const QString &sql, const QVariantList &binds)
{
    auto id = insert(sql, binds);
    if (id)
        (void)notifyChanged(Commands); // failed or not, the command is stored: the owner's next poll finds it
    return id;
}

Result<qint64> SqlControlStore::insert(const QString &sql, const QVariantList &binds)
{
    const PreparedQuery q = prepared(sql + returningId());
    for (const auto &b : binds)
        q->addBindValue(b);
    if (!q->exec())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)), sql);
    return insertedId(q);
}

Result<QString> SqlControlStore::meta(const QString &key)
{
    const PreparedQuery q = prepared(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    q->addBindValue(key);
    if (!q->exec())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    return q->next() ? q->value(0).toString() : QString();
}

Status SqlControlStore::setMeta(const QString &key, const QString &value)
{
    if (auto st = exec(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) "
                                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                       {key, value});
        !st)
        return st;
    return notifyChanged(Meta);
}

Result<bool> SqlControlStore::hasTasks()
{
    QSqlQuery q(db());
    if (!q.exec(QStringLiteral("SELECT count(*) FROM task")) || !q.next())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    return q.value(0).toLongLong() > 0;
}

Status SqlControlStore::createTasks(const QVector<TaskSpec> &specs)
{
    return transaction([&]() -> Status {
        const PreparedQuery q = prepared(QStringLiteral(
            "INSERT INTO task (name, ordinal, kind, table_name, object, group_name, depends, key_lo,"
            " key_hi, estimated_rows, priority, state, rows_total, sampled_range, key_after, key_through)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
        for (const auto &s : specs) {
            q->addBindValue(s.name);
            q->addBindValue(s.ordinal);
            q->addBindValue(toString(s.kind));
            q->addBindValue(text(s.table));
            q->addBindValue(text(s.object));
            q->addBindValue(text(s.group));
            q->addBindValue(text(s.dependsOn.join(u'\n')));
            q->addBindValue(s.keyLo);
            q->addBindValue(s.keyHi);
            q->addBindValue(s.estimatedRows);
            q->addBindValue(s.priority);
            q->addBindValue(toString(TaskState::Waiting));
            q->addBindValue(s.estimatedRows);
            q->addBindValue(s.sampledRange ? 1 : 0); // an integer on both engines, as every flag
            // NULL: no bound on that side ("" is a key value like any other).
            q->addBindValue(s.keyAfter ? QVariant(text(*s.keyAfter)) : QVariant(QMetaType(QMetaType::QString)));
            q->addBindValue(s.keyThrough ? QVariant(text(*s.keyThrough)) : QVariant(QMetaType(QMetaType::QString)));
            if (!q->exec())
                return makeError(QStringLiteral("control store: saving task %1: %2")
                                     .arg(s.name, errorOf(q)));
        }
        return {};
    });
}

Result<QVector<std::pair<TaskSpec, TaskStatus>>> SqlControlStore::loadTasks()
{
    QSqlQuery q(db());
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral(
            "SELECT name, ordinal, kind, table_name, object, group_name, depends, key_lo, key_hi,"
            " estimated_rows, priority, state, attempts, rows_done, rows_total, bytes_done, checkpoint,"
            " has_checkpoint, started_at, ended_at, seconds, message, skipped, sampled_range, key_after,"
            " key_through, lease_owner FROM task ORDER BY ordinal")))
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    QVector<std::pair<TaskSpec, TaskStatus>> out;
    while (q.next()) {
        TaskSpec s;
        TaskStatus st;
        s.name = q.value(0).toString();
        s.ordinal = q.value(1).toInt();
        const auto kind = taskKindFromString(q.value(2).toString());
        const auto state = taskStateFromString(q.value(11).toString());
        if (!kind || !state)
            return makeError(QStringLiteral("control store %1: task %2 has an unknown kind or state")
                                 .arg(m_path, s.name));
        s.kind = *kind;
        s.table = q.value(3).toString();
        s.object = q.value(4).toString();
        s.group = q.value(5).toString();
        const QString deps = q.value(6).toString();
        s.dependsOn = deps.isEmpty() ? QStringList() : deps.split(u'\n');
        s.keyLo = q.value(7).toLongLong();
        s.keyHi = q.value(8).toLongLong();
        s.estimatedRows = q.value(9).toLongLong();
        s.priority = q.value(10).toInt();
        st.state = *state;
        st.attempts = q.value(12).toInt();
        st.rowsDone = q.value(13).toLongLong();
        st.rowsTotal = q.value(14).toLongLong();
        st.bytesDone = q.value(15).toLongLong();
        st.checkpoint = q.value(16).toLongLong();
        st.hasCheckpoint = q.value(17).toBool();
        st.startedAt = parseDate(q.value(18));
        st.endedAt = parseDate(q.value(19));
        st.seconds = q.value(20).toDouble();
        st.message = q.value(21).toString();
        st.skipped = q.value(22).toBool();
        s.sampledRange = q.value(23).toBool();
        if (!q.value(24).isNull())
            s.keyAfter = q.value(24).toString();
        if (!q.value(25).isNull())
            s.keyThrough = q.value(25).toString();
        if (st.state == TaskState::Ready || st.state == TaskState::Executing)
            st.worker = q.value(26).toString();
        out.push_back({s, st});
    }
    return out;
}

static void bindStatus(QSqlQuery &q, const TaskStatus &s)
{
    q.addBindValue(toString(s.state));
    q.addBindValue(s.attempts);
    q.addBindValue(s.rowsDone);
    q.addBindValue(s.rowsTotal);
    q.addBindValue(s.bytesDone);
    q.addBindValue(s.checkpoint);
    q.addBindValue(s.hasCheckpoint ? 1 : 0);
    q.addBindValue(s.startedAt.isValid() ? QVariant(dateText(s.startedAt)) : QVariant(QMetaType(QMetaType::QString)));
    q.addBindValue(s.endedAt.isValid() ? QVariant(dateText(s.endedAt)) : QVariant(QMetaType(QMetaType::QString)));
    q.addBindValue(s.seconds);
    q.addBindValue(text(s.message));
    q.addBindValue(s.skipped ? 1 : 0);
}

// An executing task's progress: the columns and their binds, in this order.
static const char kSetProgress[] = "rows_done = ?, rows_total = ?, bytes_done = ?, checkpoint = ?,"
                                   " has_checkpoint = ?, seconds = ?, message = ?";

static void bindProgress(QSqlQuery &q, const TaskStatus &s)
{
    q.addBindValue(s.rowsDone);
    q.addBindValue(s.rowsTotal);
    q.addBindValue(s.bytesDone);
    q.addBindValue(s.checkpoint);
    q.addBindValue(s.hasCheckpoint ? 1 : 0);
    q.addBindValue(s.seconds);
    q.addBindValue(text(s.message));
}

static const char kUpdateStatus[] =
    "UPDATE task SET state = ?, attempts = ?, rows_done = ?, rows_total = ?, bytes_done = ?,"
    " checkpoint = ?, has_checkpoint = ?, started_at = ?, ended_at = ?, seconds = ?, message = ?,"
    " skipped = ? WHERE name = ?";

Status SqlControlStore::saveStatus(const QString &task, const TaskStatus &status, TaskState from,
                                const QString &eventMessage)
{
    return transaction([&]() -> Status {
        const PreparedQuery q = prepared(QString::fromLatin1(kUpdateStatus));
        bindStatus(q, status);
        q->addBindValue(task);
        if (!q->exec())
            return makeError(QStringLiteral("control store: saving %1: %2").arg(task, errorOf(q)));
        return recordTransition(task, from, status.state, eventMessage);
    });
}

Status SqlControlStore::recordTransition(const QString &task, TaskState from, TaskState to, const QString &message)
{
    if (from == to)
        return {};
    if (auto st = notifyChanged(Tasks); !st)
        return st;
    return exec(QStringLiteral("INSERT INTO event (at, task, from_state, to_state, message) VALUES (?, ?, ?, ?, ?)"),
                {now(), task, toString(from), toString(to), text(message)});
}

Status SqlControlStore::saveProgress(const QVector<std::pair<QString, TaskStatus>> &updates)
{
    if (updates.isEmpty())
        return {};
    return transaction([&]() -> Status {
        const PreparedQuery q = prepared(QStringLiteral("UPDATE task SET %1 WHERE name = ?").arg(QLatin1String(kSetProgress)));
        for (const auto &[name, s] : updates) {
            bindProgress(q, s);
            q->addBindValue(name);
            if (!q->exec())
                return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
        }
        return {};
    });
}

Status SqlControlStore::setPriority(const QString &task, int priority, const QString &eventMessage)
{
    return transaction([&]() -> Status {
        if (auto st = exec(QStringLiteral("UPDATE task SET priority = ? WHERE name = ?"), {priority, task}); !st)
            return st;
        return recordEvent(task, eventMessage);
    });
}

Result<QVector<StoredEvent>> SqlControlStore::events(const QString &task)
{
    QSqlQuery q(db());
    q.setForwardOnly(true);
    q.prepare(task.isEmpty() ? QStringLiteral("SELECT at, task, from_state, to_state, message FROM event ORDER BY id")
                             : QStringLiteral("SELECT at, task, from_state, to_state, message FROM event WHERE task = ? ORDER BY id"));
    if (!task.isEmpty())
        q.addBindValue(task);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    QVector<StoredEvent> out;
    while (q.next())
        out.push_back({parseDate(q.value(0)), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toString(), q.value(4).toString()});
    return out;
}

Status SqlControlStore::recordEvent(const QString &subject, const QString &message)
{
    return exec(QStringLiteral("INSERT INTO event (at, task, from_state, to_state, message) VALUES (?, ?, '', '', ?)"),
                {now(), text(subject), text(message)});
}

Status SqlControlStore::appendLog(const QString &task, LogLevel level, const QString &message)
{
    return exec(QStringLiteral("INSERT INTO task_log (at, task, level, message) VALUES (?, ?, ?, ?)"),
                {now(), text(task), toString(level), text(message)});
}

Result<QVector<LogLine>> SqlControlStore::log(const QString &task, int limit)
{
    const PreparedQuery q = prepared(task.isEmpty()
                  ? QStringLiteral("SELECT at, task, level, message FROM (SELECT * FROM task_log ORDER BY id DESC LIMIT ?) AS recent ORDER BY id")
                  : QStringLiteral("SELECT at, task, level, message FROM (SELECT * FROM task_log WHERE task = ? ORDER BY id DESC LIMIT ?) AS recent ORDER BY id"));
    if (!task.isEmpty())
        q->addBindValue(task);
    q->addBindValue(limit);
    if (!q->exec())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    QVector<LogLine> out;
    while (q->next())
        out.push_back({parseDate(q->value(0)), q->value(1).toString(), logLevelFromString(q->value(2).toString()),
                       q->value(3).toString()});
    return out;
}

Result<qint64> SqlControlStore::postCommand(TaskAction action, const QString &task, bool withDependents)
{
    return insertCommand(QStringLiteral("INSERT INTO command (at, action, task, with_dependents) VALUES (?, ?, ?, ?)"),
                  {now(), toString(action), text(task), withDependents ? 1 : 0});
}

Result<qint64> SqlControlStore::postGroupCommand(GroupAction action, const QString &group, int threads,
                                                 const QString &worker)
{
    return insertCommand(QStringLiteral("INSERT INTO command (at, action, task, with_dependents, threads, worker) VALUES (?, ?, ?, 0, ?, ?)"),
                  {now(), toString(action), text(group), threads, text(worker)});
}

Result<qint64> SqlControlStore::postPriorityCommand(const QString &task, int priority)
{
    return insertCommand(QStringLiteral("INSERT INTO command (at, action, task, with_dependents, priority) VALUES (?, ?, ?, 0, ?)"),
                  {now(), kPriorityAction, text(task), priority});
}

Result<QVector<StoredCommand>> SqlControlStore::pendingCommands()
{
    QSqlQuery q(db());
    if (!q.exec(QStringLiteral("SELECT id, action, task, with_dependents, threads, priority, worker FROM command WHERE done = 0 ORDER BY id")))
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    QVector<StoredCommand> out;
    QVector<qint64> unknown;
    while (q.next()) {
        StoredCommand c;
        c.id = q.value(0).toLongLong();
        c.task = q.value(2).toString();
        c.withDependents = q.value(3).toBool();
        c.threads = q.value(4).toInt();
        c.worker = q.value(6).toString();
        const QString actionText = q.value(1).toString();
        if (const auto action = actionFromString(actionText))
            c.action = *action;
        else if (const auto group = groupActionFromString(actionText))
            c.groupAction = group;
        else if (actionText == kPriorityAction)
            c.priority = q.value(5).toInt();
        else {
            unknown << c.id;
            continue;
        }
        out.push_back(c);
    }
    for (qint64 id : unknown)
        if (auto st = finishCommand(id, false, QStringLiteral("unknown action")); !st)
            return st.error();
    return out;
}

Status SqlControlStore::finishCommand(qint64 id, bool ok, const QString &result)
{
    return exec(QStringLiteral("UPDATE command SET done = 1, ok = ?, result = ? WHERE id = ?"),
                {ok ? 1 : 0, text(result), id});
}

Result<CommandOutcome> SqlControlStore::commandOutcome(qint64 id)
{
    const PreparedQuery q = prepared(QStringLiteral("SELECT done, ok, result FROM command WHERE id = ?"));
    q->addBindValue(id);
    if (!q->exec())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    if (!q->next())
        return makeError(QStringLiteral("control store: command %1 not found").arg(id));
    return CommandOutcome{q->value(0).toBool(), q->value(1).toBool(), q->value(2).toString()};
}

Result<RunOwner> SqlControlStore::owner()
{
    QSqlQuery q(db());
    if (!q.exec(QStringLiteral("SELECT pid, host, app, heartbeat_at FROM owner WHERE id = 1")))
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    RunOwner o;
    if (q.next()) {
        o.pid = q.value(0).toLongLong();
        o.host = q.value(1).toString();
        o.app = q.value(2).toString();
        o.heartbeatAge = nowSeconds() - q.value(3).toDouble();
    }
    auto held = leaseHeld();
    if (!held)
        return held.error();
    o.leaseHeld = *held;
    return o;
}

Status SqlControlStore::heartbeat()
{
    return exec(QStringLiteral("UPDATE owner SET heartbeat_at = ? WHERE id = 1 AND pid = ? AND host = ?"),
                {nowSeconds(), QCoreApplication::applicationPid(), QSysInfo::machineHostName()});
}

Status SqlControlStore::writeOwnerRow(const QString &app)
{
    return exec(QStringLiteral("INSERT INTO owner (id, pid, host, app, heartbeat_at) VALUES (1, ?, ?, ?, ?) "
                               "ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, host = excluded.host, "
                               "app = excluded.app, heartbeat_at = excluded.heartbeat_at"),
                {QCoreApplication::applicationPid(), QSysInfo::machineHostName(), text(app), nowSeconds()});
}

Status SqlControlStore::deleteOwnerRow()
{
    return exec(QStringLiteral("DELETE FROM owner WHERE id = 1 AND pid = ? AND host = ?"),
                {QCoreApplication::applicationPid(), QSysInfo::machineHostName()});
}

// ---- A shared run's leases (controlstore.h, TaskLease) ----

Result<std::optional<std::pair<QString, qint64>>> SqlControlStore::claimFirst(const QStringList &candidates,
                                                                               const QString &set,
                                                                               const QVariantList &setBinds)
{
    // One conditional update per candidate, in order: the store's write lock (SQLite) or the
    // row's (PostgreSQL) lets one claim win; the others find the task no longer Waiting.
    for (const QString &name : candidates) {
        const PreparedQuery q = prepared(QStringLiteral("UPDATE task SET %1 WHERE name = ? AND state = 'Waiting' AND lease_owner = ''"
                                 " AND not_before <= %2 AND NOT EXISTS (SELECT 1 FROM task d WHERE d.state <> 'Ended'"
                                 " AND instr(char(10) || task.depends || char(10), char(10) || d.name || char(10)) > 0)")
                      .arg(set, clockSql()));
        for (const auto &b : setBinds)
            q->addBindValue(b);
        q->addBindValue(name);
        if (!q->exec())
            return makeError(QStringLiteral("control store: claiming %1: %2").arg(name, errorOf(q)));
        if (q->numRowsAffected() != 1)
            continue;
        const PreparedQuery e = prepared(QStringLiteral("SELECT lease_epoch FROM task WHERE name = ?"));
        e->addBindValue(name);
        if (!e->exec() || !e->next())
            return makeError(QStringLiteral("control store: claiming %1: %2").arg(name, errorOf(e)));
        return std::optional<std::pair<QString, qint64>>({name, e->value(0).toLongLong()});
    }
    return std::optional<std::pair<QString, qint64>>();
}

Result<std::optional<TaskLease>> SqlControlStore::claimTask(const QStringList &candidates, const QString &worker,
                                                            double leaseSeconds)
{
    std::optional<TaskLease> claimed;
    if (candidates.isEmpty())
        return claimed;
    const Status st = transaction([&]() -> Status {
        auto first = claimFirst(candidates,
                                // The epoch also passes the store clock's milliseconds: a new run on
                                // a target an earlier one left fenced still starts above it.
                                QStringLiteral("state = 'Ready', message = '', stop_request = '', lease_owner = ?,"
                                               " lease_epoch = CASE WHEN lease_epoch + 1 > CAST(%1 * 1000 AS bigint)"
                                               " THEN lease_epoch + 1 ELSE CAST(%1 * 1000 AS bigint) END,"
                                               " lease_until = %1 + ?")
                                    .arg(clockSql()),
                                {worker, leaseSeconds});
        if (!first)
            return first.error();
        if (!*first)
            return {};
        claimed = TaskLease{(*first)->first, worker, (*first)->second};
        return recordTransition(claimed->task, TaskState::Waiting, TaskState::Ready,
                                QStringLiteral("claimed by worker %1 (lease epoch %2)").arg(worker).arg(claimed->epoch));
    });
    if (!st)
        return st.error();
    return claimed;
}

Result<bool> SqlControlStore::saveStatusIf(const QString &task, const TaskStatus &status, TaskState from,
                                           const QString &eventMessage, const TaskLease *lease, bool release,
                                           double notBeforeSeconds)
{
    bool saved = false;
    const Status st = transaction([&]() -> Status {
        const QString kept = release ? QStringLiteral("lease_owner = '', lease_until = 0, stop_request = '',")
                                     : QString();
        const QString condition = lease ? QStringLiteral("lease_owner = ? AND lease_epoch = ?")
                                        : QStringLiteral("lease_owner = '' AND state = ?");
        const PreparedQuery q = prepared(QStringLiteral("UPDATE task SET %1 not_before = %2 + ?, %3 AND %4")
                                    .arg(kept, clockSql(), QString::fromLatin1(kUpdateStatus).mid(int(qstrlen("UPDATE task SET "))),
                                         condition));
        q->addBindValue(notBeforeSeconds);
        bindStatus(q, status);
        q->addBindValue(task);
        if (lease) {
            q->addBindValue(lease->worker);
            q->addBindValue(lease->epoch);
        } else {
            q->addBindValue(toString(from));
        }
        if (!q->exec())
            return makeError(QStringLiteral("control store: saving %1: %2").arg(task, errorOf(q)));
        saved = q->numRowsAffected() == 1;
        return saved ? recordTransition(task, from, status.state, eventMessage) : Status();
    });
    if (!st)
        return st.error();
    return saved;
}

Result<QVector<HeldTask>> SqlControlStore::renewLeases(const WorkerInfo &self, double leaseSeconds,
                                                       const QVector<std::pair<TaskLease, TaskStatus>> &progress)
{
    QVector<HeldTask> held;
    const Status st = transaction([&]() -> Status {
        if (auto st = exec(QStringLiteral("INSERT INTO worker (name, host, pid, threads, groups, executing, started_at,"
                                          " heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, %1, %1) ON CONFLICT (name) DO UPDATE"
                                          " SET host = excluded.host, pid = excluded.pid, threads = excluded.threads,"
                                          " groups = excluded.groups, executing = excluded.executing,"
                                          " heartbeat_at = excluded.heartbeat_at")
                                .arg(clockSql()),
                           {self.name, text(self.host), self.pid, self.threads, text(self.groups.join(u'\n')),
                            text(self.executing.join(u'\n'))});
            !st)
            return st;
        if (auto st = exec(QStringLiteral("UPDATE task SET lease_until = %1 + ? WHERE lease_owner = ?"
                                          " AND state IN ('Ready', 'Executing')")
                               .arg(clockSql()),
                           {leaseSeconds, self.name});
            !st)
            return st;
        const PreparedQuery p = prepared(QStringLiteral("UPDATE task SET %1 WHERE name = ? AND lease_owner = ? AND lease_epoch = ?")
                      .arg(QLatin1String(kSetProgress)));
        for (const auto &[lease, s] : progress) {
            bindProgress(p, s);
            p->addBindValue(lease.task);
            p->addBindValue(lease.worker);
            p->addBindValue(lease.epoch);
            if (!p->exec())
                return makeError(QStringLiteral("control store: %1").arg(errorOf(p)));
        }
        const PreparedQuery q = prepared(QStringLiteral("SELECT name, lease_epoch, stop_request FROM task WHERE lease_owner = ?"
                                 " AND state IN ('Ready', 'Executing')"));
        q->addBindValue(self.name);
        if (!q->exec())
            return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
        while (q->next())
            held.push_back({q->value(0).toString(), q->value(1).toLongLong(), actionFromString(q->value(2).toString())});
        return {};
    });
    if (!st)
        return st.error();
    return held;
}

Result<QVector<ExpiredLease>> SqlControlStore::expireLeases()
{
    QVector<ExpiredLease> expired;
    const Status st = transaction([&]() -> Status {
        QSqlQuery q(db());
        if (!q.exec(QStringLiteral("SELECT name, lease_owner, state, lease_epoch, %1 - lease_until FROM task"
                                   " WHERE state IN ('Ready', 'Executing') AND lease_until < %1")
                        .arg(clockSql())))
            return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
        struct Found {
            ExpiredLease lease;
            qint64 epoch;
            double late;
        };
        QVector<Found> found;
        while (q.next())
            found.push_back({{q.value(0).toString(), q.value(1).toString(),
                              taskStateFromString(q.value(2).toString()).value_or(TaskState::Executing)},
                             q.value(3).toLongLong(), q.value(4).toDouble()});
        for (const Found &f : found) {
            const QString message =
                f.lease.worker.isEmpty()
                    ? QStringLiteral("interrupted: the process ended; a copy resumes from its last committed batch")
                    : QStringLiteral("worker %1 lost its lease (no heartbeat for %2 s past it); handed back, a copy "
                                     "resumes from its last committed batch")
                          .arg(f.lease.worker)
                          .arg(f.late < 1e6 ? f.late : 0, 0, 'f', 0);
            const PreparedQuery u = prepared(QStringLiteral("UPDATE task SET state = 'Waiting', lease_owner = '', lease_until = 0,"
                                     " stop_request = '', message = ? WHERE name = ? AND lease_epoch = ?"
                                     " AND state IN ('Ready', 'Executing') AND lease_until < %1")
                          .arg(clockSql()));
            u->addBindValue(message);
            u->addBindValue(f.lease.task);
            u->addBindValue(f.epoch);
            if (!u->exec())
                return makeError(QStringLiteral("control store: %1").arg(errorOf(u)));
            if (u->numRowsAffected() != 1)
                continue; // renewed or handed back meanwhile
            if (auto st = recordTransition(f.lease.task, f.lease.was, TaskState::Waiting, message); !st)
                return st;
            expired.push_back(f.lease);
        }
        return {};
    });
    if (!st)
        return st.error();
    return expired;
}

Result<QString> SqlControlStore::requestStop(const QString &task, TaskAction action)
{
    QString holder;
    const Status st = transaction([&]() -> Status {
        if (auto st = exec(QStringLiteral("UPDATE task SET stop_request = ? WHERE name = ? AND lease_owner <> ''"
                                          " AND state IN ('Ready', 'Executing')"),
                           {toString(action), task});
            !st)
            return st;
        const PreparedQuery q = prepared(QStringLiteral("SELECT lease_owner FROM task WHERE name = ? AND state IN ('Ready', 'Executing')"));
        q->addBindValue(task);
        if (!q->exec())
            return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
        holder = q->next() ? q->value(0).toString() : QString();
        return {};
    });
    if (!st)
        return st.error();
    return holder;
}

Result<QVector<WorkerInfo>> SqlControlStore::workers()
{
    QSqlQuery q(db());
    if (!q.exec(QStringLiteral("SELECT name, host, pid, threads, groups, executing, %1 - heartbeat_at FROM worker"
                               " ORDER BY name")
                    .arg(clockSql())))
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    QVector<WorkerInfo> out;
    auto list = [](const QVariant &v) {
        const QString s = v.toString();
        return s.isEmpty() ? QStringList() : s.split(u'\n');
    };
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(), q.value(3).toInt(),
                       list(q.value(4)), list(q.value(5)), std::max(0.0, q.value(6).toDouble())});
    return out;
}

Status SqlControlStore::removeWorker(const QString &name)
{
    return exec(QStringLiteral("DELETE FROM worker WHERE name = ?"), {name});
}

bool ControlStore::ownerAlive(const RunOwner &o, double staleSeconds)
{
    if (o.leaseHeld)
        return *o.leaseHeld;
    if (o.pid == 0 || o.heartbeatAge > staleSeconds)
        return false;
    if (o.host == QSysInfo::machineHostName() && ::kill(pid_t(o.pid), 0) != 0 && errno == ESRCH)
        return false; // the owner died without releasing (kill -9): its lease is void
    return true;
}

} // namespace cockpit
