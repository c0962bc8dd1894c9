#include "store/sqlitecontrolstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSysInfo>
#include <QThread>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace cockpit {

namespace {

// The schema of version SqlControlStore::kSchemaVersion.
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
    " key_through TEXT, lease_owner TEXT NOT NULL DEFAULT '', lease_epoch INTEGER NOT NULL DEFAULT 0,"
    " lease_until REAL NOT NULL DEFAULT 0, not_before REAL NOT NULL DEFAULT 0,"
    " stop_request TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS event (id INTEGER PRIMARY KEY, at TEXT NOT NULL, task TEXT NOT NULL,"
    " from_state TEXT NOT NULL, to_state TEXT NOT NULL, message TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS task_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, task TEXT NOT NULL,"
    " level TEXT NOT NULL, message TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS task_log_by_task ON task_log (task, id)",
    "CREATE INDEX IF NOT EXISTS event_by_task ON event (task, id)",
    "CREATE TABLE IF NOT EXISTS command (id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL,"
    " task TEXT NOT NULL, with_dependents INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0,"
    " ok INTEGER NOT NULL DEFAULT 0, result TEXT NOT NULL DEFAULT '', threads INTEGER NOT NULL DEFAULT 0,"
    " priority INTEGER NOT NULL DEFAULT 0, worker TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS owner (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL,"
    " host TEXT NOT NULL, app TEXT NOT NULL, heartbeat_at REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS worker (name TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL,"
    " threads INTEGER NOT NULL, groups TEXT NOT NULL, executing TEXT NOT NULL, started_at REAL NOT NULL,"
    " heartbeat_at REAL NOT NULL)",
};

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

Result<std::unique_ptr<ControlStore>> SqliteControlStore::open(const QString &path, IfMissing ifMissing)
{
    static std::atomic<quint64> counter{0};
    std::unique_ptr<SqliteControlStore> s(new SqliteControlStore);
    s->m_path = QFileInfo(path).absoluteFilePath();
    s->m_name = QStringLiteral("store-%1").arg(counter.fetch_add(1));
    if (ifMissing == IfMissing::Fail && !QFileInfo::exists(s->m_path))
        return missingRunError(s->m_path);
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
    if (auto st = s->setUpSchema(); !st)
        return st.error();
    return std::unique_ptr<ControlStore>(std::move(s));
}

// A store of the current version is only read (a state in a folder nobody may write still
// opens for status and report); otherwise the tables are created, or a store of an older version
// migrated, in one transaction.
Status SqliteControlStore::setUpSchema()
{
    const int before = [this] {
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'schema_version'")))
            return 0; // no meta table: a new file
        return q.next() ? q.value(0).toInt() : 0;
    }();
    // The columns versions 2 and 3 added that the file lacks (all of them in a new file). Looked
    // for whatever the version says, as builds before the version was bumped did.
    QVector<const AddedColumn *> missing;
    for (const auto &added : kAddedColumns) {
        QSqlQuery has(m_db);
        if (has.exec(QStringLiteral("SELECT 1 FROM pragma_table_info('%1') WHERE name = '%2'")
                         .arg(QLatin1String(added.table), QLatin1String(added.column)))
            && !has.next())
            missing << &added;
    }
    if (before == kSchemaVersion && missing.isEmpty())
        return {};
    if (before > kSchemaVersion)
        return makeError(QStringLiteral("control store %1 has schema version %2; this build reads %3 (and migrates "
                                        "older ones): open it with a newer Upgrade Cockpit")
                             .arg(m_path)
                             .arg(before)
                             .arg(kSchemaVersion));
    const Status st = transaction([&]() -> Status {
        for (const char *ddl : kSchema)
            if (auto st = exec(QString::fromLatin1(ddl)); !st)
                return st;
        // The columns added since the file's version (a file written before them reads as
        // without them); a new file's tables were just created with them. The worker table of
        // version 3 is among kSchema's.
        for (const AddedColumn *added : missing) {
            QSqlQuery has(m_db);
            if (!has.exec(QStringLiteral("SELECT 1 FROM pragma_table_info('%1') WHERE name = '%2'")
                              .arg(QLatin1String(added->table), QLatin1String(added->column))))
                return makeError(errorOf(has));
            if (has.next())
                continue;
            if (auto st = exec(QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3")
                                   .arg(QLatin1String(added->table), QLatin1String(added->column),
                                        QLatin1String(added->sqliteType)));
                !st)
                return st;
        }
        return setMeta(QStringLiteral("schema_version"), QString::number(kSchemaVersion));
    });
    if (!st)
        return storeError(st.error().message);
    return {};
}

SqliteControlStore::~SqliteControlStore()
{
    if (m_lockFd >= 0)
        ::close(m_lockFd);
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

Result<qint64> SqliteControlStore::insertedId(QSqlQuery &q)
{
    return q.lastInsertId().toLongLong();
}

Result<bool> SqliteControlStore::claim(const QString &app, double staleSeconds)
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
        return writeOwnerRow(app);
    });
    if (!st || !claimed) { // owned from another host (or unreadable): the lock is not ours to keep
        ::close(m_lockFd);
        m_lockFd = -1;
    }
    if (!st)
        return st.error();
    return claimed;
}

Status SqliteControlStore::release()
{
    // The row first: whoever takes the lock next must not find this process still named.
    Status st = deleteOwnerRow();
    if (m_lockFd >= 0) {
        ::close(m_lockFd); // also releases the flock
        m_lockFd = -1;
    }
    return st;
}

} // namespace cockpit
