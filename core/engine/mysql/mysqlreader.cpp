// MariaDB reads rows with mysql_use_result (MysqlReader, one row in memory at a time): the
// copy's key ranges, a sampled text key's ranges, the ordered reads of first-difference
// reports and the checksum's full scan.
#include "engine/mysql/mysqlengine.h"
#include "engine/mysql/mysqlclient.h"
#include "engine/rowhasher.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace cockpit {

using namespace mysqlinternal;

namespace {

// A binary value from this size on is read (and hashed) in pieces of kPiece (a multiple of 8,
// as the hasher's words) with SUBSTRING: mysql_use_result hands a row over in the client's
// network buffer, which a copy into the batch doubles (a 100 MB value cost 200 MB).
constexpr qint64 kBigValue = 16 * 1024 * 1024;
constexpr qint64 kPiece = 4 * 1024 * 1024;

bool isBlob(const ColumnSchema &c) { return c.type.cls == TypeClass::Blob; }

// The quoted column of a one-column integer primary key, which names a row; else empty. (Not
// t.copyKey: a validation's schema may be the source's, its key quoted for another engine.)
QString integerKey(const MysqlEngine &e, const TableSchema &t)
{
    if (t.primaryKey.size() != 1)
        return {};
    for (const auto &c : t.columns)
        if (c.name == t.primaryKey.first()
            && (c.type.cls == TypeClass::SmallInt || c.type.cls == TypeClass::Integer || c.type.cls == TypeClass::BigInt))
            return e.quoteIdentifier(c.name);
    return {};
}

// The columns, a big binary value as NULL.
QStringList guardedColumns(const MysqlEngine &e, const TableSchema &t)
{
    QStringList out;
    for (const auto &c : t.columns)
        out << (isBlob(c) ? QStringLiteral("IF(LENGTH(%1) >= %2, NULL, %1)").arg(e.quoteIdentifier(c.name)).arg(kBigValue)
                          : e.quoteIdentifier(c.name));
    return out;
}

// Streams `SELECT key, cols...` (mysql_use_result: one row in memory at a time) into batches,
// typed by the columns' classes.
// With BigColumns (a keyed copy of a table with binary columns), a binary value of kBigValue or
// more comes as NULL and its length after the columns; such a row ends the stream (freeing it
// reads the rest of the range's rows), its big values are read in pieces by key straight into
// the batch, and the stream starts again after its key.
struct BigColumns {
    QString head, tail;         // the rest of the range: head + the last key read + tail
    QString where;              // " FROM t WHERE key = " (a key follows)
    std::vector<size_t> columns; // the binary columns, their lengths in this order after the columns
    QStringList quoted;          // their names
};

class MysqlReader final : public RowReader {
public:
    MysqlReader(MYSQL *conn, MYSQL_RES *res, std::vector<TypeClass> classes, std::optional<BigColumns> big = {})
        : m_conn(conn), m_res(res), m_classes(std::move(classes)), m_big(std::move(big))
    {
    }
    ~MysqlReader() override
    {
        if (m_res) // abandoned midway: freeing reads the rest, so the connection is usable again
            mysql_free_result(m_res);
    }

    Result<int> next(RowBatch &batch, int maxRows) override
    {
        batch.reset(int(m_classes.size()));
        int n = 0;
        while (m_res && n < maxRows && batch.byteSize() < kBatchByteBudget) {
            MYSQL_ROW row = mysql_fetch_row(m_res);
            if (!row) {
                const bool failed = mysql_errno(m_conn) != 0;
                const QString error = myError(m_conn);
                mysql_free_result(m_res);
                m_res = nullptr;
                if (failed)
                    return makeError(QStringLiteral("reading rows failed: ") + error);
                break;
            }
            const unsigned long *lengths = mysql_fetch_lengths(m_res);
            if (m_big && hasBigValue(row)) {
                if (auto st = readBigRow(batch, row, lengths); !st)
                    return st.error();
                ++n;
                continue;
            }
            batch.beginRow(row[0] ? std::strtoll(row[0], nullptr, 10) : 0);
            for (size_t col = 0; col < m_classes.size(); ++col) {
                if (!row[col + 1])
                    batch.addNull();
                else
                    addField(batch, col, row[col + 1], lengths[col + 1]);
            }
            ++n;
        }
        return n;
    }

private:
    void addField(RowBatch &batch, size_t col, const char *p, size_t len)
    {
            switch (m_classes[col]) {
            case TypeClass::Boolean:
            case TypeClass::SmallInt:
            case TypeClass::Integer:
            case TypeClass::BigInt: batch.addInteger(std::strtoll(p, nullptr, 10)); break;
            case TypeClass::Float32:
            case TypeClass::Float64: batch.addReal(std::strtod(p, nullptr)); break;
            case TypeClass::Blob: batch.addBlob(p, int(len)); break;
            case TypeClass::Timestamp:
            case TypeClass::TimestampTz:
            case TypeClass::Time: {
                // datetime(6)/time(6) always print six fraction digits ("12:34:56.000000");
                // SQLite text and PostgreSQL print none or only the significant ones. Trim
                // the fraction's trailing zeros (and a bare '.') so that equal instants
                // read back as equal text and hash the same on every engine.
                if (memchr(p, '.', len)) {
                    while (len > 0 && p[len - 1] == '0')
                        --len;
                    if (len > 0 && p[len - 1] == '.')
                        --len;
                }
                if (m_classes[col] == TypeClass::TimestampTz) {
                    // The session is UTC: say so the way PostgreSQL does (TimeZone UTC).
                    m_text.assign(p, len);
                    m_text += "+00";
                    batch.addText(m_text.data(), int(m_text.size()));
                } else {
                    batch.addText(p, int(len));
                }
                break;
            }
            default: batch.addText(p, int(len)); break;
            }
    }

    bool hasBigValue(MYSQL_ROW row) const
    {
        for (size_t i = 0; i < m_big->columns.size(); ++i)
            if (!row[1 + m_big->columns[i]] && row[1 + m_classes.size() + i])
                return true;
        return false;
    }

    Status readBigRow(RowBatch &batch, MYSQL_ROW row, const unsigned long *lengths)
    {
        const qint64 key = std::strtoll(row[0], nullptr, 10);
        const size_t width = m_classes.size();
        std::vector<std::optional<std::string>> small(width);
        std::vector<qint64> sizes(width, -1);
        for (size_t col = 0; col < width; ++col)
            if (row[col + 1])
                small[col].emplace(row[col + 1], lengths[col + 1]);
        for (size_t i = 0; i < m_big->columns.size(); ++i)
            if (!row[1 + m_big->columns[i]] && row[1 + width + i])
                sizes[m_big->columns[i]] = std::strtoll(row[1 + width + i], nullptr, 10);
        mysql_free_result(m_res); // reads the rest of the range: the session is free for the pieces
        m_res = nullptr;
        if (mysql_errno(m_conn) != 0)
            return makeError(QStringLiteral("reading rows failed: ") + myError(m_conn));
        batch.beginRow(key);
        for (size_t col = 0, big = 0; col < width; ++col) {
            if (sizes[col] < 0) {
                if (small[col])
                    addField(batch, col, small[col]->data(), small[col]->size());
                else
                    batch.addNull();
                continue;
            }
            while (m_big->columns[big] != col)
                ++big;
            const qint64 size = sizes[col];
            char *into = batch.addBlobSpace(int(size));
            for (qint64 at = 0; at < size; at += kPiece) {
                const qint64 n = std::min(kPiece, size - at);
                const QByteArray sql = (QStringLiteral("SELECT SUBSTRING(%1, %2, %3)").arg(m_big->quoted[int(big)]).arg(at + 1).arg(n)
                                        + m_big->where + QString::number(key))
                                           .toUtf8();
                if (mysql_real_query(m_conn, sql.constData(), (unsigned long)sql.size()) != 0)
                    return makeError(QStringLiteral("reading a big value failed: ") + myError(m_conn), QString::fromUtf8(sql));
                MYSQL_RES *res = mysql_store_result(m_conn);
                if (!res)
                    return makeError(QStringLiteral("reading a big value failed: ") + myError(m_conn), QString::fromUtf8(sql));
                MYSQL_ROW piece = mysql_fetch_row(res);
                const qint64 got = piece && piece[0] ? qint64(mysql_fetch_lengths(res)[0]) : -1;
                if (got == n)
                    std::memcpy(into + at, piece[0], size_t(n));
                mysql_free_result(res);
                if (got != n)
                    return makeError(QStringLiteral("reading a big value failed: the row of key %1 changed while it was read (%2 bytes "
                                                    "at offset %3, not %4)")
                                         .arg(key)
                                         .arg(got)
                                         .arg(at)
                                         .arg(n),
                                     QString::fromUtf8(sql));
            }
        }
        const QByteArray sql = (m_big->head + QString::number(key) + m_big->tail).toUtf8();
        if (mysql_real_query(m_conn, sql.constData(), (unsigned long)sql.size()) != 0 || !(m_res = mysql_use_result(m_conn)))
            return makeError(QStringLiteral("reading rows failed: ") + myError(m_conn), QString::fromUtf8(sql));
        return {};
    }

    MYSQL *m_conn;
    MYSQL_RES *m_res;
    std::vector<TypeClass> m_classes;
    std::optional<BigColumns> m_big;
    std::string m_text;
};

Result<std::unique_ptr<RowReader>> startQuery(MYSQL *conn, const QString &sql, std::vector<TypeClass> classes,
                                              std::optional<BigColumns> big = {})
{
    const QByteArray utf8 = sql.toUtf8();
    if (mysql_real_query(conn, utf8.constData(), utf8.size()) != 0)
        return makeError(QStringLiteral("reading rows failed: ") + myError(conn), sql);
    MYSQL_RES *res = mysql_use_result(conn);
    if (!res)
        return makeError(QStringLiteral("reading rows failed: ") + myError(conn), sql);
    return std::unique_ptr<RowReader>(new MysqlReader(conn, res, std::move(classes), std::move(big)));
}

} // namespace

Result<std::unique_ptr<RowReader>> MysqlEngine::openReader(DbConnection &c, const TableSchema &t,
                                                          qint64 afterKey, qint64 keyHi)
{
    const QString key = integerKey(*this, t);
    if (t.hasCopyKey() && t.copyKey == key && std::any_of(t.columns.begin(), t.columns.end(), isBlob)) {
        BigColumns big;
        QStringList columns = guardedColumns(*this, t);
        for (size_t i = 0; i < size_t(t.columns.size()); ++i)
            if (isBlob(t.columns[qsizetype(i)])) {
                big.columns.push_back(i);
                big.quoted << quoteIdentifier(t.columns[qsizetype(i)].name);
                columns << QStringLiteral("IF(LENGTH(%1) >= %2, LENGTH(%1), NULL)").arg(big.quoted.last()).arg(kBigValue);
            }
        big.head = QStringLiteral("SELECT %1, %2 FROM %3 WHERE %1 > ").arg(key, columns.join(QStringLiteral(", ")), quoteIdentifier(t.name));
        big.tail = QStringLiteral(" AND %1 <= %2 ORDER BY %1").arg(key, QString::number(keyHi));
        big.where = QStringLiteral(" FROM %1 WHERE %2 = ").arg(quoteIdentifier(t.name), key);
        const QString query = big.head + QString::number(afterKey) + big.tail;
        return startQuery(c.mysql(), query, classesOf(t), std::move(big));
    }
    QString query = QStringLiteral("SELECT %1, %2 FROM %3")
                        .arg(t.hasCopyKey() ? t.copyKey : QStringLiteral("0"), columnList(t), quoteIdentifier(t.name));
    if (t.hasCopyKey())
        query += QStringLiteral(" WHERE %1 > %2 AND %1 <= %3 ORDER BY %1").arg(t.copyKey).arg(afterKey).arg(keyHi);
    return startQuery(c.mysql(), query, classesOf(t));
}

Result<std::unique_ptr<RowReader>> MysqlEngine::openKeyRangeRows(DbConnection &c, const TableSchema &t,
                                                                const KeyRange &range, qint64 skip)
{
    auto charset = myRows(c.mysql(), QStringLiteral("SELECT CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS "
                                                    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %1 AND COLUMN_NAME = %2")
                                         .arg(literal(t.name), literal(t.sampledKey)));
    if (!charset)
        return charset.error();
    const QStringList column = charset->value(0);
    if (column.value(0).isEmpty() || column.value(1).isEmpty())
        return makeError(QStringLiteral("the key column \"%1\" of \"%2\" has no character set to compare text in")
                             .arg(t.sampledKey, t.name));
    // The text protocol has no parameters: a bound travels as hex bytes (nothing to quote),
    // converted to the column's character set and compared in the column's own collation.
    auto value = [&](const QString &bound) {
        return QStringLiteral("CONVERT(_utf8mb4 X'%1' USING %2) COLLATE %3")
            .arg(QString::fromLatin1(bound.toUtf8().toHex()), column.value(0), column.value(1));
    };
    const QString key = quoteIdentifier(t.sampledKey);
    QStringList where;
    if (range.after)
        where << key + QStringLiteral(" > ") + value(*range.after);
    if (range.through)
        where << key + QStringLiteral(" <= ") + value(*range.through);
    // MySQL has no OFFSET without LIMIT: the largest LIMIT stands for "all".
    const QString query = QStringLiteral("SELECT 0, %1 FROM %2%3 ORDER BY %4 LIMIT 18446744073709551615 OFFSET %5")
                              .arg(columnList(t), quoteIdentifier(t.name),
                                   where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")), key,
                                   QString::number(skip));
    return startQuery(c.mysql(), query, classesOf(t));
}

namespace {

TaskError rowChanged(const TableSchema &t, qint64 key, const QString &what)
{
    return makeError(QStringLiteral("reading a big value of \"%1\" failed: the row of key %2 changed while it was read (%3)")
                         .arg(t.name)
                         .arg(key)
                         .arg(what));
}

// The hash of the row with copy key `key`, as checksumRows hashes it, its big values in pieces.
Result<quint64> bigRowHash(MYSQL *conn, const MysqlEngine &e, const TableSchema &t, qint64 key, RowHasher &hasher)
{
    const QString where = QStringLiteral(" FROM %1 WHERE %2 = %3").arg(e.quoteIdentifier(t.name), integerKey(e, t)).arg(key);
    std::vector<TypeClass> classes = classesOf(t);
    QStringList columns = guardedColumns(e, t);
    for (const auto &c : t.columns) {
        columns << (isBlob(c) ? QStringLiteral("LENGTH(%1)").arg(e.quoteIdentifier(c.name)) : QStringLiteral("NULL"));
        classes.push_back(TypeClass::BigInt);
    }
    RowBatch batch;
    {
        auto reader = startQuery(conn, QStringLiteral("SELECT 0, ") + columns.join(QStringLiteral(", ")) + where, classes);
        if (!reader)
            return reader.error();
        auto rows = readSingleRow(**reader, batch);
        if (!rows)
            return rows.error();
        if (*rows != 1)
            return rowChanged(t, key, QStringLiteral("%1 rows").arg(*rows));
    }
    const int width = int(t.columns.size());
    for (int i = 0; i < width; ++i) {
        const Value &length = batch.value(0, width + i);
        const qint64 size = length.type == ValueType::Integer ? length.integer : -1;
        if (size < kBigValue) {
            hasher.addTyped(batch, batch.value(0, i), t.columns[i].type.cls);
            continue;
        }
        hasher.beginBlob(int(size));
        const QString column = e.quoteIdentifier(t.columns[i].name);
        for (qint64 at = 0; at < size; at += kPiece) {
            const qint64 n = std::min(kPiece, size - at);
            const QByteArray sql = QStringLiteral("SELECT SUBSTRING(%1, %2, %3)").arg(column).arg(at + 1).arg(n).toUtf8() + where.toUtf8();
            if (mysql_real_query(conn, sql.constData(), (unsigned long)sql.size()) != 0)
                return makeError(QStringLiteral("reading a big value of \"%1\" failed: %2").arg(t.name, myError(conn)), QString::fromUtf8(sql));
            MYSQL_RES *res = mysql_store_result(conn);
            if (!res)
                return makeError(QStringLiteral("reading a big value of \"%1\" failed: %2").arg(t.name, myError(conn)), QString::fromUtf8(sql));
            MYSQL_ROW row = mysql_fetch_row(res);
            const unsigned long *lengths = row ? mysql_fetch_lengths(res) : nullptr;
            const qint64 got = row && row[0] ? qint64(lengths[0]) : -1;
            if (got == n)
                hasher.addPiece(row[0], int(n));
            mysql_free_result(res);
            if (got != n)
                return rowChanged(t, key, QStringLiteral("%1 bytes at offset %2, not %3").arg(got).arg(at).arg(n));
        }
    }
    return hasher.finishRow();
}

} // namespace

// A table with a binary column and a one-column integer primary key is hashed with its big values as NULL and the
// rows that have one marked by their key; those rows are hashed after the scan (the sum of
// row hashes does not depend on the order), their big values in pieces - all in one snapshot.
Result<TableChecksum> MysqlEngine::checksum(DbConnection &c, const TableSchema &t, std::atomic<qint64> *rowsHashed)
{
    MYSQL *conn = c.mysql();
    const QString key = integerKey(*this, t);
    if (key.isEmpty() || std::none_of(t.columns.begin(), t.columns.end(), isBlob)) {
        auto reader = startQuery(conn, QStringLiteral("SELECT 0, %1 FROM %2").arg(columnList(t), quoteIdentifier(t.name)), classesOf(t));
        if (!reader)
            return reader.error();
        return checksumRows(**reader, t, rowsHashed);
    }
    unsigned int status = 0;
    const bool ownSnapshot = mariadb_get_infov(conn, MARIADB_CONNECTION_SERVER_STATUS, &status) == 0 && !(status & SERVER_STATUS_IN_TRANS);
    if (ownSnapshot)
        if (auto st = myRun(conn, QStringLiteral("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"), QStringLiteral("begin the checksum")); !st)
            return st.error();
    auto sum = [&]() -> Result<TableChecksum> {
        QStringList big;
        for (const auto &col : t.columns)
            if (isBlob(col))
                big << QStringLiteral("LENGTH(%1) >= %2").arg(quoteIdentifier(col.name)).arg(kBigValue);
        std::vector<TypeClass> classes = classesOf(t);
        classes.push_back(TypeClass::BigInt); // the marker, last
        std::vector<qint64> bigRows;
        TableChecksum out;
        RowHasher hasher;
        {
            auto reader = startQuery(conn,
                                     QStringLiteral("SELECT 0, %1, IF(%2, %3, NULL) FROM %4")
                                         .arg(guardedColumns(*this, t).join(QStringLiteral(", ")), big.join(QStringLiteral(" OR ")),
                                              key, quoteIdentifier(t.name)),
                                     classes);
            if (!reader)
                return reader.error();
            auto hashed = checksumRowsSettingAside(**reader, t, rowsHashed, [&](const RowBatch &, const Value &marker) {
                bigRows.push_back(marker.integer);
            });
            if (!hashed)
                return hashed.error();
            out = *hashed;
        }
        for (qint64 key : bigRows) {
            auto h = bigRowHash(conn, *this, t, key, hasher);
            if (!h)
                return h.error();
            out.sum += *h;
            ++out.rows;
        }
        return out;
    }();
    if (ownSnapshot)
        mysql_real_query(conn, "COMMIT", 6);
    return sum;
}

Result<std::unique_ptr<RowReader>> MysqlEngine::openOrderedReader(DbConnection &c, const TableSchema &t)
{
    return startQuery(c.mysql(),
                      QStringLiteral("SELECT 0, %1 FROM %2 ORDER BY %3")
                          .arg(columnList(t), quoteIdentifier(t.name), keyOrder(t)),
                      classesOf(t));
}

} // namespace cockpit
