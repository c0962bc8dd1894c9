// The SQLite target's checkpoint table: reading a task's checkpoint, and dropping the table
// (and the fence table, sqlitefence.cpp) when the run is finished.
#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqliteinternal.h"
#include "engine/sqlite/sqlitewritelock.h"

namespace cockpit {

using namespace sqliteinternal;

Result<std::optional<Checkpoint>> SqliteEngine::readCheckpoint(DbConnection &c, const QString &task)
{
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT table_name, run_id, last_key, "
                                                                 "rows_done, row_hash FROM %1 WHERE task = ?1")
                                                      .arg(quoteIdentifier(kCheckpoint)));
    if (!s) // no checkpoint table yet: nothing committed
        return std::optional<Checkpoint>();
    const QByteArray name = task.toUtf8();
    sqlite3_bind_text(s->get(), 1, name.constData(), -1, SQLITE_STATIC);
    const int rc = sqlite3_step(s->get());
    if (rc == SQLITE_DONE)
        return std::optional<Checkpoint>();
    if (rc != SQLITE_ROW)
        return s->error(QStringLiteral("reading the checkpoint of %1 failed").arg(task));
    Checkpoint cp;
    cp.task = task;
    cp.table = s->text(0);
    cp.runId = s->text(1);
    cp.lastKey = sqlite3_column_int64(s->get(), 2);
    cp.rowsDone = sqlite3_column_int64(s->get(), 3);
    if (sqlite3_column_type(s->get(), 4) != SQLITE_NULL)
        cp.rowHashSum = quint64(sqlite3_column_int64(s->get(), 4));
    return std::optional<Checkpoint>(cp);
}

Status SqliteEngine::finishTarget(DbConnection &c)
{
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    if (auto st = sqliteExec(c.sqlite(), QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoteIdentifier(kCheckpoint)),
                             QStringLiteral("drop the checkpoint table"));
        !st)
        return st;
    if (auto st = sqliteExec(c.sqlite(), QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoteIdentifier(kFence)),
                             QStringLiteral("drop the fence table"));
        !st)
        return st;
    // Back to a single self-contained file; if another connection still reads, SQLite keeps
    // WAL, which is harmless.
    sqlite3_exec(c.sqlite(), "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE", nullptr,
                 nullptr, nullptr);
    return {};
}

} // namespace cockpit
