#pragma once
// What several of the SQLite engine's files share (sqliteengine.h declares the engine): the
// checkpoint and fence tables' names and the fence check, the connection pragmas of a bulk load and of a scan, and our SQL
// functions' registration. SQLite engine only.

#include "engine/engine.h"
#include "engine/sqlite/sqlitestatement.h"

namespace cockpit::sqliteinternal {

inline const QString kCheckpoint = QString::fromLatin1(kCheckpointTable);
inline const QString kFence = QString::fromLatin1(kFenceTable);

// Inside a batch's write transaction, before its commit: `task`'s fence row holds exactly
// `epoch` (Engine::checkFence); nothing is read for epoch 0 (sqlitefence.cpp).
Status checkFence(sqlite3 *db, const QString &task, qint64 epoch);

// Our SQL functions (row reader, checksum, value scan) live on the connection only while they
// are used: `what` names them in the error. A statement using one must be finalized before
// it is removed (SQLite keeps a function its statements use).
inline Status addSqlFunction(sqlite3 *db, const char *name, int arguments, void *data,
                             void (*scalar)(sqlite3_context *, int, sqlite3_value **),
                             void (*step)(sqlite3_context *, int, sqlite3_value **), void (*final)(sqlite3_context *),
                             const QString &what)
{
    if (sqlite3_create_function_v2(db, name, arguments, SQLITE_UTF8, data, scalar, step, final, nullptr) != SQLITE_OK)
        return makeError(QStringLiteral("registering %1 failed: %2").arg(what, QString::fromUtf8(sqlite3_errmsg(db))));
    return {};
}

inline void removeSqlFunction(sqlite3 *db, const char *name, int arguments)
{
    sqlite3_create_function_v2(db, name, arguments, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr, nullptr);
}

// Bulk-load settings for a target being created: a larger page cache, temp data in memory, and
// synchronous=FULL, so that a commit (the rows and their checkpoint) is on the disk before the
// control store counts it as done. NORMAL survives a kill -9 but not a disk or OS failure:
// the WAL pages a commit left in the page cache were lost when the file system turned
// read-only, while the control store already counted the table copied. One fsync per batch
// (20,000 rows by default) costs little beside the batch.
inline constexpr char kBulkLoadPragmas[] = "PRAGMA synchronous=FULL; PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY";
// Scans (copy reads, checksums) read each page once and the OS caches the file: a small page
// cache per connection keeps the process within its memory bound when several scans run at
// once (at 5,000,000 rows, 32 MB per scan put the SQLite demo's peak at 208 MB).
inline const QString kReadPragmas = QStringLiteral("PRAGMA cache_size=-8192");

} // namespace cockpit::sqliteinternal
