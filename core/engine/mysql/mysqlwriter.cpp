// MariaDB writes a batch as multi-row INSERT ... VALUES statements (each under a limit taken
// from max_allowed_packet) and the checkpoint in one transaction (MysqlWriter).
#include "engine/mysql/mysqlengine.h"
#include "engine/mysql/mysqlclient.h"
#include "engine/valuetext.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

namespace cockpit {

using namespace mysqlinternal;

namespace {

void appendQuoted(std::string &out, const char *p, size_t n)
{
    out += '\'';
    for (size_t i = 0; i < n; ++i) {
        if (p[i] == '\'')
            out += '\'';
        out += p[i];
    }
    out += '\'';
}

void appendHexLiteral(std::string &out, const char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    out += "X'";
    for (size_t i = 0; i < n; ++i) {
        out += digits[(unsigned char)p[i] >> 4];
        out += digits[(unsigned char)p[i] & 15];
    }
    out += '\'';
}

class MysqlWriter final : public RowWriter {
public:
    MysqlWriter(MYSQL *conn, std::string prefix, QString checkpointTable, std::vector<TypeClass> classes,
                size_t limit)
        : m_conn(conn), m_prefix(std::move(prefix)), m_checkpointTable(std::move(checkpointTable)),
          m_classes(std::move(classes)), m_limit(limit)
    {
    }

    Status writeBatch(const RowBatch &batch, Checkpoint &cp) override
    {
        if (auto st = myRun(m_conn, QStringLiteral("START TRANSACTION"), QStringLiteral("begin batch")); !st)
            return st;
        auto fail = [&](const TaskError &e) -> Status {
            mysql_real_query(m_conn, "ROLLBACK", 8);
            return e;
        };
        m_sql.clear();
        int firstRow = 0;
        auto send = [&](int lastRow) -> Status {
            if (mysql_real_query(m_conn, m_sql.data(), m_sql.size()) != 0)
                return makeError(QStringLiteral("INSERT into the target failed (source keys %1 to %2): %3")
                                     .arg(batch.key(firstRow))
                                     .arg(batch.key(lastRow))
                                     .arg(myError(m_conn)),
                                 QString::fromUtf8(m_sql.data(), qsizetype(std::min<size_t>(m_sql.size(), 2000))));
            m_sql.clear();
            return {};
        };
        for (int row = 0; row < batch.rows(); ++row) {
            m_row.clear();
            m_row += '(';
            for (int col = 0; col < batch.columns(); ++col) {
                if (col > 0)
                    m_row += ',';
                appendValue(batch, batch.value(row, col), m_classes[size_t(col)]);
            }
            m_row += ')';
            // Each statement stays under the limit (a single larger row goes alone).
            if (!m_sql.empty() && m_sql.size() + m_row.size() + 1 > m_limit) {
                if (auto st = send(row - 1); !st)
                    return fail(st.error());
                firstRow = row;
            }
            if (m_sql.empty())
                m_sql = m_prefix;
            else
                m_sql += ',';
            m_sql += m_row;
        }
        if (!m_sql.empty())
            if (auto st = send(batch.rows() - 1); !st)
                return fail(st.error());
        const QString checkpoint = QStringLiteral("INSERT INTO %1 (task, table_name, run_id, last_key, rows_done, row_hash) "
                                                  "VALUES (%2, %3, %4, %5, %6, %7) ON DUPLICATE KEY UPDATE "
                                                  "last_key = VALUES(last_key), rows_done = VALUES(rows_done), "
                                                  "row_hash = VALUES(row_hash)")
                                       .arg(m_checkpointTable, literal(cp.task), literal(cp.table), literal(cp.runId))
                                       .arg(cp.lastKey)
                                       .arg(cp.rowsDone)
                                       .arg(cp.rowHashSum ? QString::number(qint64(*cp.rowHashSum)) : QStringLiteral("NULL"));
        if (auto st = myRun(m_conn, checkpoint, QStringLiteral("saving the checkpoint")); !st)
            return fail(st.error());
        if (auto st = myRun(m_conn, QStringLiteral("COMMIT"), QStringLiteral("commit batch")); !st)
            return fail(st.error());
        return {};
    }

private:
    void appendValue(const RowBatch &batch, const Value &v, TypeClass cls)
    {
        switch (v.type) {
        case ValueType::Null: m_row += "NULL"; return;
        case ValueType::Integer:
            if (cls == TypeClass::Boolean)
                m_row += v.integer ? '1' : '0';
            else
                appendInteger(m_row, v.integer);
            return;
        case ValueType::Real:
            if (!std::isfinite(v.real)) {
                m_row += "'NaN'"; // MySQL has no NaN or infinity: strict mode rejects the batch
            } else if (cls == TypeClass::Float32 || cls == TypeClass::Float64) {
                // Shortest round-trip digits with an exponent: a double literal, parsed exactly
                // (a plain "0.1" would be a DECIMAL literal first).
                char buf[64];
                const auto r = std::to_chars(buf, buf + sizeof buf, v.real, std::chars_format::scientific);
                m_row.append(buf, r.ptr);
            } else {
                appendShortestDouble(m_row, v.real);
            }
            return;
        case ValueType::Text:
            if (cls == TypeClass::Blob) {
                appendHexLiteral(m_row, batch.bytes(v), v.size);
            } else {
                size_t n = v.size;
                const char *p = batch.bytes(v);
                if (cls == TypeClass::TimestampTz) { // datetime(6) holds UTC without an offset
                    if (n >= 3 && std::string_view(p + n - 3, 3) == "+00")
                        n -= 3;
                    else if (n >= 6 && std::string_view(p + n - 6, 6) == "+00:00")
                        n -= 6;
                    else if (n >= 1 && p[n - 1] == 'Z')
                        n -= 1;
                }
                appendQuoted(m_row, p, n);
            }
            return;
        case ValueType::Blob: appendHexLiteral(m_row, batch.bytes(v), v.size); return;
        }
    }

    MYSQL *m_conn;
    std::string m_prefix;
    QString m_checkpointTable;
    std::vector<TypeClass> m_classes;
    size_t m_limit;
    std::string m_sql;
    std::string m_row;
};

} // namespace

Result<qint64> MysqlEngine::maxAllowedPacket(DbConnection &c)
{
    auto packet = myRows(c.mysql(), QStringLiteral("SELECT @@max_allowed_packet"));
    if (!packet)
        return packet.error();
    return packet->value(0).value(0).toLongLong();
}

// The one place a value's size limit is decided. Only MariaDB needs one: it takes a row in one
// INSERT of at most max_allowed_packet bytes (at most 1 GB), a binary value as hex (twice its
// size); this is the limit of a row's values, with room for the rest of the statement. No
// source holds a value past PostgreSQL's 1 GB - 1 per field or SQLite's SQLITE_MAX_LENGTH
// (1,000,000,000 bytes by default): SQLite and MariaDB values are smaller, PostgreSQL's too.
Result<std::optional<qint64>> MysqlEngine::maxRowBytes(DbConnection &c)
{
    auto packet = maxAllowedPacket(c);
    if (!packet)
        return packet.error();
    return std::optional<qint64>(*packet - 64 * 1024);
}

Result<std::unique_ptr<RowWriter>> MysqlEngine::openWriter(DbConnection &c, const TableSchema &t)
{
    auto packet = maxAllowedPacket(c);
    if (!packet)
        return packet.error();
    const qint64 maxPacket = *packet;
    const size_t limit = size_t(std::clamp<qint64>(maxPacket / 2, 64 * 1024, 4 * 1024 * 1024));
    const std::string prefix = QStringLiteral("INSERT INTO %1 (%2) VALUES ")
                                   .arg(quoteIdentifier(t.name), columnList(t))
                                   .toStdString();
    return std::unique_ptr<RowWriter>(new MysqlWriter(c.mysql(), prefix, quoteIdentifier(kCheckpoint), classesOf(t), limit));
}

} // namespace cockpit
