#include "store/sqlcontrolstore.h"

#include <QCoreApplication>
#include <QDateTime>
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

const SqlControlStore::AddedColumn SqlControlStore::kAddedInVersion2[5] = {
    {"task", "sampled_range", "INTEGER NOT NULL DEFAULT 0", "bigint NOT NULL DEFAULT 0"},
    {"task", "key_after", "TEXT", "text"},
    {"task", "key_through", "TEXT", "text"},
    {"command", "threads", "INTEGER NOT NULL DEFAULT 0", "bigint NOT NULL DEFAULT 0"},
    {"command", "priority", "INTEGER NOT NULL DEFAULT 0", "bigint NOT NULL DEFAULT 0"},
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

Status SqlControlStore::exec(const QString &sql, const QVariantList &binds)
{
    QSqlQuery q(db());
    const bool ran = binds.isEmpty() ? q.exec(sql) : [&] {
        if (!q.prepare(sql))
            return false;
        for (const auto &b : binds)
            q.addBindValue(b);
        return q.exec();
    }();
    if (!ran)
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)), sql);
    return {};
}

Status SqlControlStore::transaction(const std::function<Status()> &body)
{
    if (auto st = exec(beginStatement()); !st)
        return st;
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

Result<qint64> SqlControlStore::insert(const QString &sql, const QVariantList &binds)
{
    QSqlQuery q(db());
    if (!q.prepare(sql + returningId()))
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)), sql);
    for (const auto &b : binds)
        q.addBindValue(b);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)), sql);
    return insertedId(q);
}

Result<QString> SqlControlStore::meta(const QString &key)
{
    QSqlQuery q(db());
    q.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    q.addBindValue(key);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    return q.next() ? q.value(0).toString() : QString();
}

Status SqlControlStore::setMeta(const QString &key, const QString &value)
{
    return exec(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                {key, value});
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
        QSqlQuery q(db());
        q.prepare(QStringLiteral(
            "INSERT INTO task (name, ordinal, kind, table_name, object, group_name, depends, key_lo,"
            " key_hi, estimated_rows, priority, state, rows_total, sampled_range, key_after, key_through)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
        for (const auto &s : specs) {
            q.addBindValue(s.name);
            q.addBindValue(s.ordinal);
            q.addBindValue(toString(s.kind));
            q.addBindValue(text(s.table));
            q.addBindValue(text(s.object));
            q.addBindValue(text(s.group));
            q.addBindValue(text(s.dependsOn.join(u'\n')));
            q.addBindValue(s.keyLo);
            q.addBindValue(s.keyHi);
            q.addBindValue(s.estimatedRows);
            q.addBindValue(s.priority);
            q.addBindValue(toString(TaskState::Waiting));
            q.addBindValue(s.estimatedRows);
            q.addBindValue(s.sampledRange ? 1 : 0); // an integer on both engines, as every flag
            // NULL: no bound on that side ("" is a key value like any other).
            q.addBindValue(s.keyAfter ? QVariant(text(*s.keyAfter)) : QVariant(QMetaType(QMetaType::QString)));
            q.addBindValue(s.keyThrough ? QVariant(text(*s.keyThrough)) : QVariant(QMetaType(QMetaType::QString)));
            if (!q.exec())
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
            " key_through FROM task ORDER BY ordinal")))
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

static const char kUpdateStatus[] =
    "UPDATE task SET state = ?, attempts = ?, rows_done = ?, rows_total = ?, bytes_done = ?,"
    " checkpoint = ?, has_checkpoint = ?, started_at = ?, ended_at = ?, seconds = ?, message = ?,"
    " skipped = ? WHERE name = ?";

Status SqlControlStore::saveStatus(const QString &task, const TaskStatus &status, TaskState from,
                                const QString &eventMessage)
{
    return transaction([&]() -> Status {
        QSqlQuery q(db());
        q.prepare(QString::fromLatin1(kUpdateStatus));
        bindStatus(q, status);
        q.addBindValue(task);
        if (!q.exec())
            return makeError(QStringLiteral("control store: saving %1: %2").arg(task, errorOf(q)));
        if (from != status.state)
            return exec(QStringLiteral("INSERT INTO event (at, task, from_state, to_state, message) "
                                       "VALUES (?, ?, ?, ?, ?)"),
                        {now(), task, toString(from), toString(status.state), text(eventMessage)});
        return {};
    });
}

Status SqlControlStore::saveProgress(const QVector<std::pair<QString, TaskStatus>> &updates)
{
    if (updates.isEmpty())
        return {};
    return transaction([&]() -> Status {
        QSqlQuery q(db());
        q.prepare(QStringLiteral("UPDATE task SET rows_done = ?, rows_total = ?, bytes_done = ?,"
                                 " checkpoint = ?, has_checkpoint = ?, seconds = ?, message = ? WHERE name = ?"));
        for (const auto &[name, s] : updates) {
            q.addBindValue(s.rowsDone);
            q.addBindValue(s.rowsTotal);
            q.addBindValue(s.bytesDone);
            q.addBindValue(s.checkpoint);
            q.addBindValue(s.hasCheckpoint ? 1 : 0);
            q.addBindValue(s.seconds);
            q.addBindValue(text(s.message));
            q.addBindValue(name);
            if (!q.exec())
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
    QSqlQuery q(db());
    q.prepare(task.isEmpty()
                  ? QStringLiteral("SELECT at, task, level, message FROM (SELECT * FROM task_log ORDER BY id DESC LIMIT ?) AS recent ORDER BY id")
                  : QStringLiteral("SELECT at, task, level, message FROM (SELECT * FROM task_log WHERE task = ? ORDER BY id DESC LIMIT ?) AS recent ORDER BY id"));
    if (!task.isEmpty())
        q.addBindValue(task);
    q.addBindValue(limit);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    QVector<LogLine> out;
    while (q.next())
        out.push_back({parseDate(q.value(0)), q.value(1).toString(), logLevelFromString(q.value(2).toString()),
                       q.value(3).toString()});
    return out;
}

Result<qint64> SqlControlStore::postCommand(TaskAction action, const QString &task, bool withDependents)
{
    return insert(QStringLiteral("INSERT INTO command (at, action, task, with_dependents) VALUES (?, ?, ?, ?)"),
                  {now(), toString(action), text(task), withDependents ? 1 : 0});
}

Result<qint64> SqlControlStore::postGroupCommand(GroupAction action, const QString &group, int threads)
{
    return insert(QStringLiteral("INSERT INTO command (at, action, task, with_dependents, threads) VALUES (?, ?, ?, 0, ?)"),
                  {now(), toString(action), text(group), threads});
}

Result<qint64> SqlControlStore::postPriorityCommand(const QString &task, int priority)
{
    return insert(QStringLiteral("INSERT INTO command (at, action, task, with_dependents, priority) VALUES (?, ?, ?, 0, ?)"),
                  {now(), kPriorityAction, text(task), priority});
}

Result<QVector<StoredCommand>> SqlControlStore::pendingCommands()
{
    QSqlQuery q(db());
    if (!q.exec(QStringLiteral("SELECT id, action, task, with_dependents, threads, priority FROM command WHERE done = 0 ORDER BY id")))
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    QVector<StoredCommand> out;
    QVector<qint64> unknown;
    while (q.next()) {
        StoredCommand c;
        c.id = q.value(0).toLongLong();
        c.task = q.value(2).toString();
        c.withDependents = q.value(3).toBool();
        c.threads = q.value(4).toInt();
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
    QSqlQuery q(db());
    q.prepare(QStringLiteral("SELECT done, ok, result FROM command WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(errorOf(q)));
    if (!q.next())
        return makeError(QStringLiteral("control store: command %1 not found").arg(id));
    return CommandOutcome{q.value(0).toBool(), q.value(1).toBool(), q.value(2).toString()};
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
