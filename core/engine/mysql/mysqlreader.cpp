// MariaDB reads rows with mysql_use_result (MysqlReader, one row in memory at a time): the
// copy's key ranges, a sampled text key's ranges, the ordered reads of first-difference
// reports and the checksum's full scan.
#include "engine/mysql/mysqlengine.h"
#include "engine/mysql/mysqlclient.h"

#include <cstdlib>
#include <cstring>

namespace cockpit {

using namespace mysqlinternal;

namespace {

// Streams `SELECT key, cols...` (mysql_use_result: one row in memory at a time) into batches,
// typed by the columns' classes.
class MysqlReader final : public RowReader {
public:
    MysqlReader(MYSQL *conn, MYSQL_RES *res, std::vector<TypeClass> classes)
        : m_conn(conn), m_res(res), m_classes(std::move(classes))
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
            batch.beginRow(row[0] ? std::strtoll(row[0], nullptr, 10) : 0);
            for (size_t col = 0; col < m_classes.size(); ++col) {
                const char *p = row[col + 1];
                size_t len = lengths[col + 1];
                if (!p) {
                    batch.addNull();
                    continue;
                }
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
            ++n;
        }
        return n;
    }

private:
    MYSQL *m_conn;
    MYSQL_RES *m_res;
    std::vector<TypeClass> m_classes;
    std::string m_text;
};

Result<std::unique_ptr<RowReader>> startQuery(MYSQL *conn, const QString &sql, std::vector<TypeClass> classes)
{
    const QByteArray utf8 = sql.toUtf8();
    if (mysql_real_query(conn, utf8.constData(), utf8.size()) != 0)
        return makeError(QStringLiteral("reading rows failed: ") + myError(conn), sql);
    MYSQL_RES *res = mysql_use_result(conn);
    if (!res)
        return makeError(QStringLiteral("reading rows failed: ") + myError(conn), sql);
    return std::unique_ptr<RowReader>(new MysqlReader(conn, res, std::move(classes)));
}

} // namespace

Result<std::unique_ptr<RowReader>> MysqlEngine::openReader(DbConnection &c, const TableSchema &t,
                                                          qint64 afterKey, qint64 keyHi)
{
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

Result<TableChecksum> MysqlEngine::checksum(DbConnection &c, const TableSchema &t, std::atomic<qint64> *rowsHashed)
{
    auto reader = startQuery(c.mysql(), QStringLiteral("SELECT 0, %1 FROM %2").arg(columnList(t), quoteIdentifier(t.name)),
                             classesOf(t));
    if (!reader)
        return reader.error();
    return checksumRows(**reader, t, rowsHashed);
}

Result<std::unique_ptr<RowReader>> MysqlEngine::openOrderedReader(DbConnection &c, const TableSchema &t)
{
    return startQuery(c.mysql(),
                      QStringLiteral("SELECT 0, %1 FROM %2 ORDER BY %3")
                          .arg(columnList(t), quoteIdentifier(t.name), keyOrder(t)),
                      classesOf(t));
}

} // namespace cockpit
