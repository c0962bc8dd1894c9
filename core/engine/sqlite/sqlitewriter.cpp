// SQLite writes a batch as prepared INSERTs and the checkpoint in one IMMEDIATE transaction.
#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqliteinternal.h"
#include "engine/sqlite/sqlitebigblob.h"
#include "engine/sqlite/sqlitewritelock.h"
#include "engine/valuetext.h"

#include <charconv>

namespace cockpit {

using namespace sqliteinternal;

namespace {

// Binds an exact decimal that arrives as text (PostgreSQL numeric, MariaDB decimal) the way
// SQLite's NUMERIC affinity stores it - an integer, or a real - but only when that is exact;
// otherwise as text, every digit kept (see sqliteTypeName: such columns have BLOB affinity).
void bindDecimal(sqlite3_stmt *s, int p, const char *text, size_t size)
{
    const std::string canonical = canonicalDecimal(text, size);
    const char *begin = canonical.data(), *end = begin + canonical.size();
    qint64 integer = 0;
    if (auto r = std::from_chars(begin, end, integer); r.ec == std::errc() && r.ptr == end) {
        sqlite3_bind_int64(s, p, integer);
        return;
    }
    double real = 0;
    if (auto r = std::from_chars(begin, end, real); r.ec == std::errc() && r.ptr == end) {
        std::string back;
        appendShortestDouble(back, real);
        if (canonicalDecimal(back.data(), back.size()) == canonical) {
            sqlite3_bind_double(s, p, real);
            return;
        }
    }
    sqlite3_bind_text(s, p, size ? text : "", int(size), SQLITE_STATIC);
}

class SqliteWriter final : public RowWriter {
public:
    SqliteWriter(DbConnection &c, SqliteStatement insert, SqliteStatement checkpoint, std::vector<bool> decimals)
        : m_connection(c), m_db(c.sqlite()), m_insert(std::move(insert)), m_checkpoint(std::move(checkpoint)),
          m_decimals(std::move(decimals))
    {
    }

    // Big blobs of the columns marked in `inPieces` are inserted as a zeroblob and written in
    // pieces (sqlitebigblob.h): SQLite never builds their record whole. A rowid table only.
    void writeBigBlobsInPieces(const TableSchema &t, const QString &rowid, std::vector<bool> inPieces)
    {
        m_inPieces = std::move(inPieces);
        m_table = t.name.toUtf8();
        m_quotedTable = SqliteEngine().quoteIdentifier(t.name);
        m_rowid = rowid;
        for (const auto &col : t.columns)
            m_columnNames.push_back(col.name.toUtf8());
    }

    Status writeBatch(const RowBatch &batch, Checkpoint &cp) override
    {
        auto lock = SqliteWriteLock::acquire(m_connection);
        if (!lock)
            return lock.error();
        // IMMEDIATE takes the write lock up front: parallel chunk writers queue on the busy
        // timeout instead of deadlocking on a lock upgrade.
        if (auto st = sqliteExec(m_db, QStringLiteral("BEGIN IMMEDIATE"), QStringLiteral("begin batch")); !st)
            return st;
        auto fail = [&](TaskError e) -> Status {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            return e;
        };
        sqlite3_stmt *s = m_insert.get();
        std::vector<int> big; // the row's columns bound as a zeroblob
        for (int row = 0; row < batch.rows(); ++row) {
            big.clear();
            for (int col = 0; col < batch.columns(); ++col) {
                const Value &v = batch.value(row, col);
                const int p = col + 1;
                switch (v.type) {
                case ValueType::Null: sqlite3_bind_null(s, p); break;
                case ValueType::Integer: sqlite3_bind_int64(s, p, v.integer); break;
                case ValueType::Real: sqlite3_bind_double(s, p, v.real); break;
                // SQLite binds a null pointer as NULL: an empty value (in a batch whose byte
                // arena is empty, data() is null) must point somewhere to stay ''.
                case ValueType::Text:
                    if (m_decimals[size_t(col)])
                        bindDecimal(s, p, batch.bytes(v), v.size);
                    else
                        sqlite3_bind_text(s, p, v.size ? batch.bytes(v) : "", int(v.size), SQLITE_STATIC);
                    break;
                case ValueType::Blob:
                    if (v.size >= quint32(kBigBlobBytes) && !m_inPieces.empty() && m_inPieces[size_t(col)]) {
                        sqlite3_bind_zeroblob(s, p, int(v.size));
                        big.push_back(col);
                    } else {
                        sqlite3_bind_blob(s, p, v.size ? batch.bytes(v) : "", int(v.size), SQLITE_STATIC);
                    }
                    break;
                }
            }
            const int rc = sqlite3_step(s);
            sqlite3_reset(s);
            if (rc != SQLITE_DONE)
                return fail(m_insert.error(QStringLiteral("inserting a row failed (source key %1)")
                                               .arg(batch.key(row))));
            if (!big.empty())
                if (auto st = writeBigBlobs(batch, row, big); !st)
                    return fail(st.error());
        }
        sqlite3_stmt *c = m_checkpoint.get();
        const QByteArray task = cp.task.toUtf8(), table = cp.table.toUtf8(), run = cp.runId.toUtf8();
        sqlite3_bind_text(c, 1, task.constData(), int(task.size()), SQLITE_STATIC);
        sqlite3_bind_text(c, 2, table.constData(), int(table.size()), SQLITE_STATIC);
        sqlite3_bind_text(c, 3, run.constData(), int(run.size()), SQLITE_STATIC);
        sqlite3_bind_int64(c, 4, cp.lastKey);
        sqlite3_bind_int64(c, 5, cp.rowsDone);
        if (cp.rowHashSum)
            sqlite3_bind_int64(c, 6, sqlite3_int64(*cp.rowHashSum));
        else
            sqlite3_bind_null(c, 6);
        if (auto st = m_checkpoint.exec(QStringLiteral("saving the checkpoint failed")); !st)
            return fail(st.error());
        if (auto st = sqliteinternal::checkFence(m_db, cp.task, cp.epoch); !st)
            return fail(st.error());
        if (auto st = sqliteExec(m_db, QStringLiteral("COMMIT"), QStringLiteral("commit batch")); !st)
            return fail(st.error());
        return {};
    }

private:
    // Writes the big blobs of `row` over the zeroblobs its insert left.
    Status writeBigBlobs(const RowBatch &batch, int row, const std::vector<int> &columns)
    {
        const sqlite3_int64 rowid = sqlite3_last_insert_rowid(m_db);
        for (const int col : columns) {
            const Value &v = batch.value(row, col);
            SqliteBlob blob;
            if (blob.open(m_db, m_table, m_columnNames[size_t(col)], rowid, true) == SQLITE_OK
                && blob.write(batch.bytes(v), int(v.size), 0) == SQLITE_OK) // page by page
                continue;
            // A column SQLite will not write through a blob (an indexed one, say): the value
            // whole, by an UPDATE.
            auto update = SqliteStatement::prepare(m_db, QStringLiteral("UPDATE %1 SET %2 = ?1 WHERE %3 = ?2")
                                                             .arg(m_quotedTable,
                                                                  SqliteEngine().quoteIdentifier(QString::fromUtf8(m_columnNames[size_t(col)])),
                                                                  m_rowid));
            if (!update)
                return update.error();
            sqlite3_bind_blob(update->get(), 1, batch.bytes(v), int(v.size), SQLITE_STATIC);
            sqlite3_bind_int64(update->get(), 2, rowid);
            if (auto st = update->exec(QStringLiteral("writing a big value failed (source key %1)").arg(batch.key(row))); !st)
                return st;
        }
        return {};
    }

    DbConnection &m_connection;
    sqlite3 *m_db;
    SqliteStatement m_insert;
    SqliteStatement m_checkpoint;
    std::vector<bool> m_decimals; // per column: an exact decimal (TypeClass::Numeric)
    std::vector<bool> m_inPieces; // per column: a big blob is written in pieces (empty: none is)
    QByteArray m_table;
    QString m_quotedTable, m_rowid;
    std::vector<QByteArray> m_columnNames;
};

} // namespace

Result<std::unique_ptr<RowWriter>> SqliteEngine::openWriter(DbConnection &c, const TableSchema &t)
{
    sqlite3 *db = c.sqlite();
    if (auto st = sqliteExec(db, QString::fromLatin1(kBulkLoadPragmas), QStringLiteral("set bulk-load pragmas")); !st)
        return st.error();
    QStringList params;
    for (int i = 1; i <= t.columns.size(); ++i)
        params << QStringLiteral("?%1").arg(i);
    auto insert = SqliteStatement::prepare(db, QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                                                   .arg(quoteIdentifier(t.name), columnList(t),
                                                        params.join(QStringLiteral(", "))));
    if (!insert)
        return insert.error();
    auto cp = SqliteStatement::prepare(db, QStringLiteral("INSERT OR REPLACE INTO %1 (task, table_name, "
                                                          "run_id, last_key, rows_done, row_hash) VALUES "
                                                          "(?1, ?2, ?3, ?4, ?5, ?6)")
                                               .arg(quoteIdentifier(kCheckpoint)));
    if (!cp)
        return cp.error();
    std::vector<bool> decimals;
    for (const auto &col : t.columns)
        decimals.push_back(col.type.cls == TypeClass::Numeric);
    std::unique_ptr<SqliteWriter> writer(new SqliteWriter(c, std::move(*insert), std::move(*cp), std::move(decimals)));
    // Not where the written zeros could be seen before the value: a key's or a foreign key's
    // column, a table with checks or generated columns.
    const QString rowid = rowidAlias(db, t.name, t.columns);
    if (!rowid.isEmpty() && t.checks.isEmpty() && !t.createSql.contains(QLatin1String("GENERATED"), Qt::CaseInsensitive)) {
        std::vector<bool> inPieces;
        for (const auto &col : t.columns) {
            bool keyed = t.primaryKey.contains(col.name);
            for (const auto &fk : t.foreignKeys)
                keyed |= fk.columns.contains(col.name);
            inPieces.push_back(!keyed);
        }
        writer->writeBigBlobsInPieces(t, rowid, std::move(inPieces));
    }
    return std::unique_ptr<RowWriter>(std::move(writer));
}

} // namespace cockpit
