#include "engine/sqlite/sqlitewritelock.h"

#include <QString>
#include <chrono>
#include <map>

namespace cockpit {

namespace {

std::shared_ptr<std::timed_mutex> mutexFor(const QString &path)
{
    static std::mutex registryMutex;
    static std::map<QString, std::weak_ptr<std::timed_mutex>> registry;
    std::lock_guard lock(registryMutex);
    auto &slot = registry[path];
    auto m = slot.lock();
    if (!m) {
        m = std::make_shared<std::timed_mutex>();
        slot = m;
    }
    return m;
}

} // namespace

Result<SqliteWriteLock> SqliteWriteLock::acquire(DbConnection &c)
{
    using namespace std::chrono_literals;
    SqliteWriteLock w;
    w.m_mutex = mutexFor(c.url().path);
    w.m_lock = std::unique_lock(*w.m_mutex, std::defer_lock);
    while (!w.m_lock.try_lock_for(20ms)) {
        if (c.interruptRequested())
            return makeError(QStringLiteral("interrupted while waiting to write to %1").arg(c.url().display()));
    }
    return w;
}

} // namespace cockpit
