#include "store/controlstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSysInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <sys/file.h>
#include <unistd.h>

namespace cockpit {

namespace {

constexpr int kSchemaVersion = 1;

const char *const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS task ("
    " name TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, kind TEXT NOT NULL, table_name TEXT NOT NULL,"
    " object TEXT NOT NULL, group_name TEXT NOT NULL, depends TEXT NOT NULL,"
    " key_lo INTEGER NOT NULL, key_hi INTEGER NOT NULL, estimated_rows INTEGER NOT NULL,"
    " priority INTEGER NOT NULL DEFAULT 0,"
    " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, rows_done INTEGER NOT NULL DEFAULT 0,"
    " rows_total INTEGER NOT NULL DEFAULT 0, bytes_done INTEGER NOT NULL DEFAULT 0,"
    " checkpoint INTEGER NOT NULL DEFAULT 0, has_checkpoint INTEGER NOT NULL DEFAULT 0,"
    " started_at TEXT, ended_at TEXT, seconds REAL NOT NULL DEFAULT 0, message TEXT NOT NULL DEFAULT '',"
    " skipped INTEGER NOT NULL DEFAULT 0, sampled_range INTEGER NOT NULL DEFAULT 0, key_after TEXT,"
    " key_through TEXT)",
    "CREATE TABLE IF NOT EXISTS event (id INTEGER PRIMARY KEY, at TEXT NOT NULL, task TEXT NOT NULL,"
    " from_state TEXT NOT NULL, to_state TEXT NOT NULL, message TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS task_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, task TEXT NOT NULL,"
    " level TEXT NOT NULL, message TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS task_log_by_task ON task_log (task, id)",
    "CREATE INDEX IF NOT EXISTS event_by_task ON event (task, id)",
    "CREATE TABLE IF NOT EXISTS command (id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL,"
    " task TEXT NOT NULL, with_dependents INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0,"
    " ok INTEGER NOT NULL DEFAULT 0, result TEXT NOT NULL DEFAULT '', threads INTEGER NOT NULL DEFAULT 0,"
    " priority INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS owner (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL,"
    " host TEXT NOT NULL, app TEXT NOT NULL, heartbeat_at REAL NOT NULL)",
};

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

// Serializes the set-up of a store between processes of this host: SQLite can answer "database
// is locked" at once, without its busy wait, to a second process that switches a brand-new file
// to WAL while the first one is still creating it. Held only while open() runs.
class OpeningLock {
public:
    explicit OpeningLock(const QString &storePath) : m_path(QFile::encodeName(storePath + QStringLiteral(".open"))) {}
    ~OpeningLock()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    OpeningLock(const OpeningLock &) = delete;
    OpeningLock &operator=(const OpeningLock &) = delete;

    Status take(int timeoutMs)
    {
        m_fd = ::open(m_path.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (m_fd < 0) // a folder nobody may write (a state only read, by status or report): no set-up to race
            return {};
        for (int waited = 0; ::flock(m_fd, LOCK_EX | LOCK_NB) != 0; waited += 20) {
            if (waited >= timeoutMs)
                return makeError(QStringLiteral("another process has been opening the control store for %1 s (%2)")
                                     .arg(timeoutMs / 1000)
                                     .arg(QFile::decodeName(m_path)));
            QThread::msleep(20);
        }
        return {};
    }

private:
    QByteArray m_path;
    int m_fd = -1;
};

} // namespace

QString toString(GroupAction action)
{
    switch (action) {
    case GroupAction::RemoveWorker: return QStringLiteral("remove worker");
    case GroupAction::AddWorker: return QStringLiteral("add worker");
    case GroupAction::SetThreads: return QStringLiteral("set threads");
    }
    return {};
}

Result<std::unique_ptr<ControlStore>> ControlStore::open(const QString &path)
{
    static std::atomic<quint64> counter{0};
    std::unique_ptr<ControlStore> s(new ControlStore);
    s->m_path = QFileInfo(path).absoluteFilePath();
    s->m_name = QStringLiteral("store-%1").arg(counter.fetch_add(1));
    if (!QDir().mkpath(QFileInfo(s->m_path).absolutePath()))
        return makeError(QStringLiteral("cannot create the folder of the control store %1").arg(s->m_path));
    OpeningLock opening(s->m_path);
    if (auto st = opening.take(10000); !st)
        return st.error();
    s->m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), s->m_name);
    s->m_db.setDatabaseName(s->m_path);
    s->m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!s->m_db.open())
        return makeError(QStringLiteral("cannot open the control store %1: %2")
                             .arg(s->m_path, s->m_db.lastError().text()));
    QSqlQuery q(s->m_db);
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
        return makeError(QStringLiteral("%1 is not a usable control store: %2")
                             .arg(s->m_path, q.lastError().text()));
    q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    for (const char *ddl : kSchema)
        if (auto st = s->exec(QString::fromLatin1(ddl)); !st)
            return makeError(QStringLiteral("control store %1: %2").arg(s->m_path, st.error().message));
    // Columns added since version 1 (a state file written before them reads as without them).
    struct Added { const char *table, *column, *type; };
    const Added added[] = {{"task", "sampled_range", "INTEGER NOT NULL DEFAULT 0"},
                           {"task", "key_after", "TEXT"},
                           {"task", "key_through", "TEXT"},
                           {"command", "threads", "INTEGER NOT NULL DEFAULT 0"},
                           {"command", "priority", "INTEGER NOT NULL DEFAULT 0"}};
    for (const auto &[table, column, type] : added) {
        QSqlQuery has(s->m_db);
        if (!has.exec(QStringLiteral("SELECT 1 FROM pragma_table_info('%1') WHERE name = '%2'")
                          .arg(QLatin1String(table), QLatin1String(column))))
            return makeError(QStringLiteral("control store %1: %2").arg(s->m_path, has.lastError().text()));
        if (has.next())
            continue;
        if (auto st = s->exec(QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3")
                                  .arg(QLatin1String(table), QLatin1String(column), QLatin1String(type))); !st)
            return makeError(QStringLiteral("control store %1: %2").arg(s->m_path, st.error().message));
    }
    auto version = s->meta(QStringLiteral("schema_version"));
    if (!version)
        return version.error();
    if (version->isEmpty()) {
        if (auto st = s->setMeta(QStringLiteral("schema_version"), QString::number(kSchemaVersion)); !st)
            return st.error();
    } else if (version->toInt() != kSchemaVersion) {
        return makeError(QStringLiteral("control store %1 has schema version %2; this build reads %3")
                             .arg(s->m_path, *version)
                             .arg(kSchemaVersion));
    }
    return s;
}

ControlStore::~ControlStore()
{
    if (m_lockFd >= 0)
        ::close(m_lockFd);
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

Status ControlStore::exec(const QString &sql, const QVariantList &binds)
{
    QSqlQuery q(m_db);
    if (!q.prepare(sql))
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()), sql);
    for (const auto &b : binds)
        q.addBindValue(b);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()), sql);
    return {};
}

Status ControlStore::transaction(const std::function<Status()> &body)
{
    if (auto st = exec(QStringLiteral("BEGIN IMMEDIATE")); !st)
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

Result<QString> ControlStore::meta(const QString &key)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    q.addBindValue(key);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
    return q.next() ? q.value(0).toString() : QString();
}

Status ControlStore::setMeta(const QString &key, const QString &value)
{
    return exec(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"), {key, value});
}

Result<bool> ControlStore::hasTasks()
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM task")) || !q.next())
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
    return q.value(0).toLongLong() > 0;
}

Status ControlStore::createTasks(const QVector<TaskSpec> &specs)
{
    return transaction([&]() -> Status {
        QSqlQuery q(m_db);
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
            q.addBindValue(s.sampledRange);
            // NULL: no bound on that side ("" is a key value like any other).
            q.addBindValue(s.keyAfter ? QVariant(text(*s.keyAfter)) : QVariant(QMetaType(QMetaType::QString)));
            q.addBindValue(s.keyThrough ? QVariant(text(*s.keyThrough)) : QVariant(QMetaType(QMetaType::QString)));
            if (!q.exec())
                return makeError(QStringLiteral("control store: saving task %1: %2")
                                     .arg(s.name, q.lastError().text()));
        }
        return {};
    });
}

Result<QVector<std::pair<TaskSpec, TaskStatus>>> ControlStore::loadTasks()
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral(
            "SELECT name, ordinal, kind, table_name, object, group_name, depends, key_lo, key_hi,"
            " estimated_rows, priority, state, attempts, rows_done, rows_total, bytes_done, checkpoint,"
            " has_checkpoint, started_at, ended_at, seconds, message, skipped, sampled_range, key_after,"
            " key_through FROM task ORDER BY ordinal")))
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
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

Status ControlStore::saveStatus(const QString &task, const TaskStatus &status, TaskState from,
                                const QString &eventMessage)
{
    return transaction([&]() -> Status {
        QSqlQuery q(m_db);
        q.prepare(QString::fromLatin1(kUpdateStatus));
        bindStatus(q, status);
        q.addBindValue(task);
        if (!q.exec())
            return makeError(QStringLiteral("control store: saving %1: %2").arg(task, q.lastError().text()));
        if (from != status.state)
            return exec(QStringLiteral("INSERT INTO event (at, task, from_state, to_state, message) "
                                       "VALUES (?, ?, ?, ?, ?)"),
                        {now(), task, toString(from), toString(status.state), text(eventMessage)});
        return {};
    });
}

Status ControlStore::saveProgress(const QVector<std::pair<QString, TaskStatus>> &updates)
{
    if (updates.isEmpty())
        return {};
    return transaction([&]() -> Status {
        QSqlQuery q(m_db);
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
                return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
        }
        return {};
    });
}

Status ControlStore::setPriority(const QString &task, int priority, const QString &eventMessage)
{
    return transaction([&]() -> Status {
        if (auto st = exec(QStringLiteral("UPDATE task SET priority = ? WHERE name = ?"), {priority, task}); !st)
            return st;
        return recordEvent(task, eventMessage);
    });
}

Result<QVector<StoredEvent>> ControlStore::events(const QString &task)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(task.isEmpty() ? QStringLiteral("SELECT at, task, from_state, to_state, message FROM event ORDER BY id")
                             : QStringLiteral("SELECT at, task, from_state, to_state, message FROM event WHERE task = ? ORDER BY id"));
    if (!task.isEmpty())
        q.addBindValue(task);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
    QVector<StoredEvent> out;
    while (q.next())
        out.push_back({parseDate(q.value(0)), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toString(), q.value(4).toString()});
    return out;
}

Status ControlStore::recordEvent(const QString &subject, const QString &message)
{
    return exec(QStringLiteral("INSERT INTO event (at, task, from_state, to_state, message) VALUES (?, ?, '', '', ?)"),
                {now(), text(subject), text(message)});
}

Status ControlStore::appendLog(const QString &task, LogLevel level, const QString &message)
{
    return exec(QStringLiteral("INSERT INTO task_log (at, task, level, message) VALUES (?, ?, ?, ?)"),
                {now(), text(task), toString(level), text(message)});
}

Result<QVector<LogLine>> ControlStore::log(const QString &task, int limit)
{
    QSqlQuery q(m_db);
    q.prepare(task.isEmpty()
                  ? QStringLiteral("SELECT at, task, level, message FROM (SELECT * FROM task_log ORDER BY id DESC LIMIT ?) ORDER BY id")
                  : QStringLiteral("SELECT at, task, level, message FROM (SELECT * FROM task_log WHERE task = ? ORDER BY id DESC LIMIT ?) ORDER BY id"));
    if (!task.isEmpty())
        q.addBindValue(task);
    q.addBindValue(limit);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
    QVector<LogLine> out;
    while (q.next())
        out.push_back({parseDate(q.value(0)), q.value(1).toString(), logLevelFromString(q.value(2).toString()),
                       q.value(3).toString()});
    return out;
}

Result<qint64> ControlStore::postCommand(TaskAction action, const QString &task, bool withDependents)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO command (at, action, task, with_dependents) VALUES (?, ?, ?, ?)"));
    q.addBindValue(now());
    q.addBindValue(toString(action));
    q.addBindValue(task);
    q.addBindValue(withDependents ? 1 : 0);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
    return q.lastInsertId().toLongLong();
}

Result<qint64> ControlStore::postGroupCommand(GroupAction action, const QString &group, int threads)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO command (at, action, task, with_dependents, threads) VALUES (?, ?, ?, 0, ?)"));
    q.addBindValue(now());
    q.addBindValue(toString(action));
    q.addBindValue(text(group));
    q.addBindValue(threads);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
    return q.lastInsertId().toLongLong();
}

Result<qint64> ControlStore::postPriorityCommand(const QString &task, int priority)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO command (at, action, task, with_dependents, priority) VALUES (?, ?, ?, 0, ?)"));
    q.addBindValue(now());
    q.addBindValue(kPriorityAction);
    q.addBindValue(text(task));
    q.addBindValue(priority);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
    return q.lastInsertId().toLongLong();
}

Result<QVector<StoredCommand>> ControlStore::pendingCommands()
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT id, action, task, with_dependents, threads, priority FROM command WHERE done = 0 ORDER BY id")))
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
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

Status ControlStore::finishCommand(qint64 id, bool ok, const QString &result)
{
    return exec(QStringLiteral("UPDATE command SET done = 1, ok = ?, result = ? WHERE id = ?"),
                {ok ? 1 : 0, text(result), id});
}

Result<CommandOutcome> ControlStore::commandOutcome(qint64 id)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT done, ok, result FROM command WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
    if (!q.next())
        return makeError(QStringLiteral("control store: command %1 not found").arg(id));
    return CommandOutcome{q.value(0).toBool(), q.value(1).toBool(), q.value(2).toString()};
}

Result<RunOwner> ControlStore::owner()
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT pid, host, app, heartbeat_at FROM owner WHERE id = 1")))
        return makeError(QStringLiteral("control store: %1").arg(q.lastError().text()));
    RunOwner o;
    if (q.next()) {
        o.pid = q.value(0).toLongLong();
        o.host = q.value(1).toString();
        o.app = q.value(2).toString();
        o.heartbeatAge = nowSeconds() - q.value(3).toDouble();
    }
    return o;
}

bool ControlStore::ownerAlive(const RunOwner &o, double staleSeconds)
{
    if (o.pid == 0 || o.heartbeatAge > staleSeconds)
        return false;
    if (o.host == QSysInfo::machineHostName() && ::kill(pid_t(o.pid), 0) != 0 && errno == ESRCH)
        return false; // the owner died without releasing (kill -9): its lease is void
    return true;
}

Result<bool> ControlStore::claim(const QString &app, double staleSeconds)
{
    if (m_lockFd < 0) {
        const QByteArray lockPath = QFile::encodeName(m_path + QStringLiteral(".lock"));
        const int fd = ::open(lockPath.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            return makeError(QStringLiteral("control store: cannot open %1: %2")
                                 .arg(QFile::decodeName(lockPath), QString::fromLocal8Bit(std::strerror(errno))));
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd);
            return false; // another process of this host owns the run
        }
        m_lockFd = fd;
    }
    bool claimed = false;
    auto st = transaction([&]() -> Status {
        auto o = owner();
        if (!o)
            return o.error();
        const qint64 me = QCoreApplication::applicationPid();
        const bool mine = o->pid == me && o->host == QSysInfo::machineHostName();
        if (!mine && ownerAlive(*o, staleSeconds))
            return {};
        claimed = true;
        return exec(QStringLiteral("INSERT OR REPLACE INTO owner (id, pid, host, app, heartbeat_at) "
                                   "VALUES (1, ?, ?, ?, ?)"),
                    {me, QSysInfo::machineHostName(), app, nowSeconds()});
    });
    if (!st || !claimed) { // owned from another host (or unreadable): the lock is not ours to keep
        ::close(m_lockFd);
        m_lockFd = -1;
    }
    if (!st)
        return st.error();
    return claimed;
}

Status ControlStore::heartbeat()
{
    return exec(QStringLiteral("UPDATE owner SET heartbeat_at = ? WHERE id = 1 AND pid = ?"),
                {nowSeconds(), QCoreApplication::applicationPid()});
}

Status ControlStore::release()
{
    // The row first: whoever takes the lock next must not find this process still named.
    Status st = exec(QStringLiteral("DELETE FROM owner WHERE id = 1 AND pid = ?"),
                {QCoreApplication::applicationPid()});
    if (m_lockFd >= 0) {
        ::close(m_lockFd); // also releases the flock
        m_lockFd = -1;
    }
    return st;
}

} // namespace cockpit
