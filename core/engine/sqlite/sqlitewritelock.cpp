#include "engine/sqlite/sqlitewritelock.h"

#include <QString>
#include <chrono>
#include <map>

namespace cockpit {

// One per target file: whether a writer holds it, and the writers waiting for it. A mutex and
// a condition variable rather than std::timed_mutex: its try_lock_for locks through
// pthread_mutex_clocklock, which ThreadSanitizer (GCC 12) does not see, so every unlock was
// reported as a bug and what the lock orders was invisible to it.
struct SqliteWriteLock::File {
    std::mutex mutex;
    std::condition_variable freed;
    bool held = false;
};

namespace {

std::shared_ptr<SqliteWriteLock::File> fileFor(const QString &path)
{
    static std::mutex registryMutex;
    static std::map<QString, std::weak_ptr<SqliteWriteLock::File>> registry;
    std::lock_guard lock(registryMutex);
    auto &slot = registry[path];
    auto f = slot.lock();
    if (!f) {
        f = std::make_shared<SqliteWriteLock::File>();
        slot = f;
    }
    return f;
}

} // namespace

Result<SqliteWriteLock> SqliteWriteLock::acquire(DbConnection &c)
{
    using namespace std::chrono_literals;
    std::shared_ptr<File> file = fileFor(c.url().path);
    std::unique_lock lock(file->mutex);
    while (file->held) {
        file->freed.wait_for(lock, 20ms); // woken at once when freed; the timeout checks for an interrupt
        if (file->held && c.interruptRequested())
            return makeError(QStringLiteral("interrupted while waiting to write to %1").arg(c.url().display()));
    }
    file->held = true;
    SqliteWriteLock w;
    w.m_file = std::move(file);
    return w;
}

SqliteWriteLock::SqliteWriteLock(SqliteWriteLock &&o) noexcept : m_file(std::move(o.m_file)) {}

SqliteWriteLock &SqliteWriteLock::operator=(SqliteWriteLock &&o) noexcept
{
    if (this != &o) {
        release();
        m_file = std::move(o.m_file);
    }
    return *this;
}

SqliteWriteLock::~SqliteWriteLock() { release(); }

void SqliteWriteLock::release()
{
    if (!m_file)
        return;
    {
        std::lock_guard lock(m_file->mutex);
        m_file->held = false;
    }
    m_file->freed.notify_one();
    m_file.reset();
}

} // namespace cockpit
