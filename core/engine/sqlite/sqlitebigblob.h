#pragma once
// Big SQLite blobs read and written in pieces (sqlite3_blob_*), never assembled by SQLite into
// one buffer: reading a value through sqlite3_value_blob/sqlite3_column_blob gathers all of its
// overflow pages into a buffer of its own, and binding one builds the whole record. SQLite
// engine only.
//
// A read passes a row function, per column, `CASE WHEN typeof(c) = 'blob' AND length(c) >= N
// THEN NULL ELSE c END` (typeof and length of a blob read no content: SQLite gives them the
// column's header), plus the rowid and masks naming the columns so replaced; the function then
// reads those through sqlite3_blob_open on the rowid. Rowid tables only: a WITHOUT ROWID table
// reads its values whole; and columns of the Blob class only (BLOB, BYTEA, no declared type):
// a big blob elsewhere is read whole, and other tables pay nothing.

#include "engine/schema.h"
#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqlitestatement.h"

#include <QStringList>

namespace cockpit::sqliteinternal {

// From this size on a blob is read and written in pieces.
inline constexpr int kBigBlobBytes = 4 * 1024 * 1024;
// The piece a big blob is hashed in (a multiple of 8: RowHasher::addPiece).
inline constexpr int kBlobPieceBytes = 1024 * 1024;
static_assert(kBlobPieceBytes % 8 == 0);
// Columns per mask argument.
inline constexpr int kColumnsPerMask = 60;

inline bool mayHoldBigBlob(const ColumnSchema &col) { return col.type.cls == TypeClass::Blob; }

inline bool hasBlobColumn(const QVector<ColumnSchema> &columns)
{
    for (const auto &col : columns)
        if (mayHoldBigBlob(col))
            return true;
    return false;
}

// A name of the table's rowid that no column shadows ("rowid", "_rowid_", "oid"), or empty: a
// WITHOUT ROWID table, one whose columns shadow all three, or one without a Blob column (none
// of its values is read or written in pieces).
inline QString rowidAlias(sqlite3 *db, const QString &table, const QVector<ColumnSchema> &columns)
{
    if (!hasBlobColumn(columns)) // nothing to read in pieces
        return {};
    SqliteEngine e;
    for (const auto &alias : {QStringLiteral("rowid"), QStringLiteral("_rowid_"), QStringLiteral("oid")}) {
        bool shadowed = false;
        for (const auto &col : columns)
            shadowed |= col.name.compare(alias, Qt::CaseInsensitive) == 0;
        if (shadowed)
            continue;
        // Prepared only: a WITHOUT ROWID table has no such column.
        if (SqliteStatement::prepare(db, QStringLiteral("SELECT %1 FROM %2 LIMIT 0").arg(alias, e.quoteIdentifier(table))))
            return alias;
        return {};
    }
    return {};
}

inline int bigBlobMasks(int columns) { return (columns + kColumnsPerMask - 1) / kColumnsPerMask; }

// The row function's arguments after the ones of its own: `rowid, mask..., value...` (see the
// file's comment).
inline QString bigBlobArguments(const QString &rowid, const QVector<ColumnSchema> &columns)
{
    SqliteEngine e;
    const QString big = QStringLiteral("(typeof(%1) = 'blob' AND length(%1) >= %2)");
    QStringList masks, values;
    for (int m = 0; m < bigBlobMasks(int(columns.size())); ++m) {
        QStringList bits{QStringLiteral("0")};
        for (int k = 0; k < kColumnsPerMask && m * kColumnsPerMask + k < columns.size(); ++k)
            if (mayHoldBigBlob(columns[m * kColumnsPerMask + k]))
                bits << QStringLiteral("(%1 << %2)")
                        .arg(big.arg(e.quoteIdentifier(columns[m * kColumnsPerMask + k].name), QString::number(kBigBlobBytes)),
                             QString::number(k));
        masks << bits.join(QStringLiteral(" | "));
    }
    for (const auto &col : columns) {
        const QString c = e.quoteIdentifier(col.name);
        if (!mayHoldBigBlob(col)) {
            values << c;
            continue;
        }
        values << QStringLiteral("CASE WHEN %1 THEN NULL ELSE %2 END").arg(big.arg(c, QString::number(kBigBlobBytes)), c);
    }
    return rowid + QStringLiteral(", ") + masks.join(QStringLiteral(", ")) + QStringLiteral(", ")
           + values.join(QStringLiteral(", "));
}

// Whether column `col` of a row was replaced by NULL as a big blob: `masks` the row function's
// mask arguments.
inline bool isBigBlob(sqlite3_value **masks, int col)
{
    return (quint64(sqlite3_value_int64(masks[col / kColumnsPerMask])) >> (col % kColumnsPerMask)) & 1;
}

// An open blob of a row in the main database, closed on destruction.
class SqliteBlob {
public:
    SqliteBlob() = default;
    SqliteBlob(const SqliteBlob &) = delete;
    SqliteBlob &operator=(const SqliteBlob &) = delete;
    ~SqliteBlob()
    {
        if (m_blob)
            sqlite3_blob_close(m_blob);
    }
    // SQLITE_OK, or SQLite's error (sqlite3_errmsg(db) says which).
    int open(sqlite3 *db, const QByteArray &table, const QByteArray &column, sqlite3_int64 rowid, bool write)
    {
        return sqlite3_blob_open(db, "main", table.constData(), column.constData(), rowid, write ? 1 : 0, &m_blob);
    }
    int size() const { return sqlite3_blob_bytes(m_blob); }
    int read(void *into, int n, int offset) { return sqlite3_blob_read(m_blob, into, n, offset); }
    int write(const void *from, int n, int offset) { return sqlite3_blob_write(m_blob, from, n, offset); }

private:
    sqlite3_blob *m_blob = nullptr;
};

} // namespace cockpit::sqliteinternal
