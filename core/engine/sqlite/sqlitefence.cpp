// The SQLite target's fence table (a shared run's lease epoch per task, Engine::raiseFence):
// raising a task's epoch, and the check each batch makes inside its write transaction. SQLite
// has one writer per file, so the write lock a batch holds from its first row to its commit is
// what raiseFence waits for.
#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqliteinternal.h"
#include "engine/sqlite/sqlitewritelock.h"

namespace cockpit {

using namespace sqliteinternal;

namespace {

// `task`'s epoch on the target: nullopt when it has none (an error: no fence table).
Result<std::optional<qint64>> storedEpoch(sqlite3 *db, const QString &task)
{
    auto s = SqliteStatement::prepare(db, QStringLiteral("SELECT epoch FROM %1 WHERE task = ?1").arg(SqliteEngine().quoteIdentifier(kFence)));
    if (!s)
        return s.error();
    const QByteArray name = task.toUtf8();
    sqlite3_bind_text(s->get(), 1, name.constData(), -1, SQLITE_STATIC);
    const int rc = sqlite3_step(s->get());
    if (rc == SQLITE_DONE)
        return std::optional<qint64>();
    if (rc != SQLITE_ROW)
        return s->error(QStringLiteral("reading the lease epoch of %1 failed").arg(task));
    return std::optional<qint64>(sqlite3_column_int64(s->get(), 0));
}

} // namespace

Status sqliteinternal::checkFence(sqlite3 *db, const QString &task, qint64 epoch)
{
    if (epoch == 0)
        return {};
    auto stored = storedEpoch(db, task);
    if (!stored)
        return stored.error();
    const qint64 onTarget = stored->value_or(0);
    if (onTarget != epoch)
        return takenOverError(onTarget, epoch);
    return {};
}

Status SqliteEngine::raiseFence(DbConnection &c, const QString &task, qint64 epoch)
{
    sqlite3 *db = c.sqlite();
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    // IMMEDIATE: the write lock first, so a batch of an older epoch commits (or rolls back)
    // before the epoch is read.
    if (auto st = sqliteExec(db, QStringLiteral("BEGIN IMMEDIATE"), QStringLiteral("begin raising the lease epoch")); !st)
        return st;
    auto fail = [&](const TaskError &e) -> Status {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    };
    const QString fence = quoteIdentifier(kFence);
    if (auto st = sqliteExec(db, QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (task TEXT PRIMARY KEY, epoch INTEGER NOT NULL)").arg(fence),
                             QStringLiteral("create the fence table"));
        !st)
        return fail(st.error());
    auto stored = storedEpoch(db, task);
    if (!stored)
        return fail(stored.error());
    if (*stored && **stored > epoch)
        return fail(takenOverError(**stored, epoch));
    if (!*stored || **stored < epoch) {
        auto set = SqliteStatement::prepare(db, QStringLiteral("INSERT OR REPLACE INTO %1 (task, epoch) VALUES (?1, ?2)").arg(fence));
        if (!set)
            return fail(set.error());
        const QByteArray name = task.toUtf8();
        sqlite3_bind_text(set->get(), 1, name.constData(), -1, SQLITE_STATIC);
        sqlite3_bind_int64(set->get(), 2, epoch);
        if (auto st = set->exec(QStringLiteral("raising the lease epoch of %1 failed").arg(task)); !st)
            return fail(st.error());
    }
    if (auto st = sqliteExec(db, QStringLiteral("COMMIT"), QStringLiteral("commit the lease epoch")); !st)
        return fail(st.error());
    return {};
}

Status SqliteEngine::checkFence(DbConnection &c, const QString &task, qint64 epoch)
{
    return sqliteinternal::checkFence(c.sqlite(), task, epoch);
}

} // namespace cockpit
