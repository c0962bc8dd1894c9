// SQLite to SQLite: the source attached to the target connection, rows copied by
// INSERT ... SELECT inside SQLite (SqliteEngine::AttachedCopy).
#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqliteinternal.h"
#include "engine/sqlite/sqlitewritelock.h"

#include <algorithm>
#include <atomic>

namespace cockpit {

using namespace sqliteinternal;

Result<std::unique_ptr<SqliteEngine::AttachedCopy>> SqliteEngine::AttachedCopy::open(DbConnection &target,
                                                                                 const QString &sourcePath,
                                                                                 const TableSchema &t, qint64 keyHi)
{
    std::unique_ptr<AttachedCopy> a(new AttachedCopy);
    a->m_target = &target;
    a->m_keyHi = keyHi;
    a->m_db = target.sqlite();
    if (auto st = sqliteExec(a->m_db, QString::fromLatin1(kBulkLoadPragmas), QStringLiteral("set bulk-load pragmas")); !st)
        return st.error();
    auto attach = SqliteStatement::prepare(a->m_db, QStringLiteral("ATTACH DATABASE ?1 AS cockpit_source"));
    if (!attach)
        return attach.error();
    const QByteArray path = sourcePath.toUtf8();
    sqlite3_bind_text(attach->get(), 1, path.constData(), -1, SQLITE_STATIC);
    if (auto st = attach->exec(QStringLiteral("attach the source")); !st)
        return st.error();
    SqliteEngine e;
    const QString table = e.quoteIdentifier(t.name);
    const QString cols = e.columnList(t);
    // The key of the batch's last row, then every row up to it: the batch is exact even when
    // keys have gaps.
    a->m_boundSql = QStringLiteral("SELECT %1 FROM cockpit_source.%2 WHERE %1 > ?1 AND %1 <= ?2 ORDER BY %1 LIMIT 1 OFFSET ?3")
                        .arg(t.copyKey, table);
    a->m_insertSql = QStringLiteral("INSERT INTO main.%1 (%2) SELECT %2 FROM cockpit_source.%1 WHERE %3 > ?1 AND %3 <= ?2 ORDER BY %3")
                         .arg(table, cols, t.copyKey);
    // SELECT * without a column list: the only form the transfer optimization accepts.
    a->m_wholeSql = t.createSql.isEmpty()
                        ? QStringLiteral("INSERT INTO main.%1 (%2) SELECT %2 FROM cockpit_source.%1").arg(table, cols)
                        : QStringLiteral("INSERT INTO main.%1 SELECT * FROM cockpit_source.%1").arg(table);
    a->m_checkpointSql = QStringLiteral("INSERT OR REPLACE INTO main.%1 (task, table_name, run_id, last_key, rows_done, row_hash) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                             .arg(e.quoteIdentifier(kCheckpoint));
    return a;
}

SqliteEngine::AttachedCopy::~AttachedCopy()
{
    sqlite3_exec(m_db, "DETACH DATABASE cockpit_source", nullptr, nullptr, nullptr);
}

Result<int> SqliteEngine::AttachedCopy::copyBatch(Checkpoint &cp, int batchSize)
{
    auto bound = SqliteStatement::prepare(m_db, m_boundSql);
    auto insert = SqliteStatement::prepare(m_db, m_insertSql);
    if (!bound)
        return bound.error();
    if (!insert)
        return insert.error();
    sqlite3_bind_int64(bound->get(), 1, cp.lastKey);
    sqlite3_bind_int64(bound->get(), 2, m_keyHi);
    sqlite3_bind_int64(bound->get(), 3, batchSize - 1);
    const int rc = sqlite3_step(bound->get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return bound->error(QStringLiteral("finding the batch's last key failed"));
    const qint64 upTo = rc == SQLITE_ROW ? sqlite3_column_int64(bound->get(), 0) : m_keyHi;
    sqlite3_reset(bound->get()); // release the source read lock before queueing for the writer

    auto lock = SqliteWriteLock::acquire(*m_target);
    if (!lock)
        return lock.error();
    // Deferred BEGIN: IMMEDIATE would also take a write lock on the attached source, and the
    // commit would then wait for every reader of the source (other chunks, validations).
    if (auto st = sqliteExec(m_db, QStringLiteral("BEGIN"), QStringLiteral("begin batch")); !st)
        return st.error();
    auto fail = [&](const TaskError &e) -> Result<int> {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    };
    sqlite3_bind_int64(insert->get(), 1, cp.lastKey);
    sqlite3_bind_int64(insert->get(), 2, upTo);
    if (auto st = insert->exec(QStringLiteral("copying a batch failed (source keys after %1 up to %2)").arg(cp.lastKey).arg(upTo)); !st)
        return fail(st.error());
    const int rows = sqlite3_changes(m_db);
    if (rows == 0) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return 0;
    }
    Checkpoint next = cp;
    next.lastKey = upTo;
    next.rowsDone += rows;
    if (auto st = commitWithCheckpoint(next); !st)
        return fail(st.error());
    cp = next;
    return rows;
}

namespace {

// SQLite calls the progress handler every kStepsPerCall VM steps (the statement's own step
// counter is only updated when it returns).
constexpr int kStepsPerCall = 10000;

struct TransferProgress {
    std::atomic<qint64> *rows = nullptr;
    double stepsPerRow = 1;
    qint64 expectedRows = 0;
    qint64 calls = 0;
};

int onTransferProgress(void *p)
{
    auto *x = static_cast<TransferProgress *>(p);
    ++x->calls;
    *x->rows = std::min(x->expectedRows, qint64(double(x->calls) * kStepsPerCall / x->stepsPerRow));
    return 0;
}

} // namespace

Result<qint64> SqliteEngine::AttachedCopy::copyWhole(Checkpoint &cp, qint64 completeKey, std::atomic<qint64> *rowsCopied,
                                                     qint64 expectedRows, int indexes,
                                                     const std::function<Result<std::optional<quint64>>(qint64 rows)> &sourceHash)
{
    auto insert = SqliteStatement::prepare(m_db, m_wholeSql);
    if (!insert)
        return insert.error();
    auto lock = SqliteWriteLock::acquire(*m_target);
    if (!lock)
        return lock.error();
    if (auto st = sqliteExec(m_db, QStringLiteral("BEGIN"), QStringLiteral("begin copy")); !st)
        return st.error();
    // VM steps per row of the transfer loop, and per row of each index loop (counted with
    // SQLITE_STMTSTATUS_VM_STEP on the demo's 37 tables: 5 + 3 per index, exactly).
    constexpr double kTableSteps = 5, kIndexSteps = 3;
    TransferProgress progress{rowsCopied, kTableSteps + kIndexSteps * indexes, expectedRows};
    if (rowsCopied)
        sqlite3_progress_handler(m_db, kStepsPerCall, onTransferProgress, &progress);
    const Status copied = insert->exec(QStringLiteral("copying the table failed"));
    if (rowsCopied)
        sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
    if (!copied) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return copied.error();
    }
    Checkpoint next = cp;
    next.lastKey = completeKey;
    next.rowsDone = sqlite3_changes64(m_db);
    if (sourceHash) {
        auto hash = sourceHash(next.rowsDone);
        if (!hash) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            return hash.error();
        }
        next.rowHashSum = *hash;
    }
    if (auto st = commitWithCheckpoint(next); !st) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return st.error();
    }
    cp = next;
    return next.rowsDone;
}

// Inside the open transaction: records `cp`, checks the fence and commits.
Status SqliteEngine::AttachedCopy::commitWithCheckpoint(const Checkpoint &cp)
{
    auto checkpoint = SqliteStatement::prepare(m_db, m_checkpointSql);
    if (!checkpoint)
        return checkpoint.error();
    const QByteArray task = cp.task.toUtf8(), table = cp.table.toUtf8(), run = cp.runId.toUtf8();
    sqlite3_bind_text(checkpoint->get(), 1, task.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_text(checkpoint->get(), 2, table.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_text(checkpoint->get(), 3, run.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(checkpoint->get(), 4, cp.lastKey);
    sqlite3_bind_int64(checkpoint->get(), 5, cp.rowsDone);
    if (cp.rowHashSum)
        sqlite3_bind_int64(checkpoint->get(), 6, sqlite3_int64(*cp.rowHashSum));
    else
        sqlite3_bind_null(checkpoint->get(), 6);
    if (auto st = checkpoint->exec(QStringLiteral("saving the checkpoint failed")); !st)
        return st;
    // The write lock is ours since the rows' INSERT: the epoch read here holds to the commit.
    if (auto st = sqliteinternal::checkFence(m_db, cp.task, cp.epoch); !st)
        return st;
    return sqliteExec(m_db, QStringLiteral("COMMIT"), QStringLiteral("commit batch"));
}

} // namespace cockpit
