// MariaDB writes a batch as multi-row INSERT ... VALUES statements (each under a limit taken
// from max_allowed_packet) and the checkpoint in one transaction (MysqlWriter). A row too big
// for that limit (a big value) goes alone by LOAD DATA LOCAL INFILE, its bytes streamed from
// the batch in pieces (LocalRow): no hex copy, and no max_allowed_packet limit - the server
// caps a prepared statement's mysql_stmt_send_long_data and CONCAT() at max_allowed_packet,
// LOAD DATA's fields not.
#include "engine/mysql/mysqlengine.h"
#include "engine/mysql/mysqlclient.h"
#include "engine/valuetext.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
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

// One row in LOAD DATA's default text format with X'5C' (backslash) escaping: fields end in a
// tab, the row in a newline, NULL is \N; the values' bytes are escaped as they are streamed.
class LocalRow final : public LocalStream {
public:
    void clear()
    {
        m_pieces.clear();
        m_small.clear();
        m_piece = m_at = 0;
    }
    // Text of its own (a number, \N, a separator), copied.
    void addSmall(std::string_view s)
    {
        m_pieces.push_back(Piece{nullptr, m_small.size(), s.size(), false});
        m_small += s;
    }
    void addBytes(const char *p, size_t n) { m_pieces.push_back(Piece{p, 0, n, true}); }

    size_t read(char *buf, size_t size) override
    {
        size_t out = 0;
        while (m_piece < m_pieces.size() && out + 2 <= size) {
            const Piece &pc = m_pieces[m_piece];
            const char *p = pc.p ? pc.p : m_small.data() + pc.offset;
            if (!pc.escape) {
                const size_t k = std::min(pc.n - m_at, size - out);
                std::memcpy(buf + out, p + m_at, k);
                out += k;
                m_at += k;
            } else {
                while (m_at < pc.n && out + 2 <= size) {
                    const char c = p[m_at++];
                    switch (c) {
                    case '\\': buf[out++] = '\\'; buf[out++] = '\\'; break;
                    case '\t': buf[out++] = '\\'; buf[out++] = 't'; break;
                    case '\n': buf[out++] = '\\'; buf[out++] = 'n'; break;
                    case '\0': buf[out++] = '\\'; buf[out++] = '0'; break;
                    default: buf[out++] = c;
                    }
                }
            }
            if (m_at == pc.n) {
                ++m_piece;
                m_at = 0;
            }
        }
        return out;
    }

private:
    struct Piece {
        const char *p; // the batch's bytes, or null: m_small from offset
        size_t offset, n;
        bool escape;
    };
    std::vector<Piece> m_pieces;
    std::string m_small;
    size_t m_piece = 0, m_at = 0;
};

class MysqlWriter final : public RowWriter {
public:
    MysqlWriter(MYSQL *conn, std::string prefix, QByteArray load, QString checkpointTable, std::vector<TypeClass> classes,
                size_t limit)
        : m_conn(conn), m_prefix(std::move(prefix)), m_load(std::move(load)), m_checkpointTable(std::move(checkpointTable)),
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
            if (!m_load.isEmpty() && insertBytes(batch, row) > m_limit) {
                if (!m_sql.empty())
                    if (auto st = send(row - 1); !st)
                        return fail(st.error());
                if (auto st = loadRow(batch, row); !st)
                    return fail(st.error());
                firstRow = row + 1;
                continue;
            }
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
        // After every row, those of LOAD DATA LOCAL included: all in this transaction.
        if (auto st = mysqlinternal::checkFence(m_conn, cp.task, cp.epoch); !st)
            return fail(st.error());
        if (auto st = myRun(m_conn, QStringLiteral("COMMIT"), QStringLiteral("commit batch")); !st)
            return fail(st.error());
        return {};
    }

private:
    // The row's size in an INSERT at most (as ValueConverter::rowFits counts it).
    static size_t insertBytes(const RowBatch &batch, int row)
    {
        size_t bytes = 0;
        for (int col = 0; col < batch.columns(); ++col) {
            const Value &v = batch.value(row, col);
            bytes += v.type == ValueType::Text || v.type == ValueType::Blob ? 2 * size_t(v.size) + 3 : 24;
        }
        return bytes;
    }

    // One row by LOAD DATA LOCAL, inside the batch's transaction. LOAD DATA LOCAL turns errors
    // into warnings (a duplicate key, a value too long): any warning fails the batch.
    Status loadRow(const RowBatch &batch, int row)
    {
        m_local.clear();
        for (int col = 0; col < batch.columns(); ++col) {
            if (col > 0)
                m_local.addSmall("\t");
            const Value &v = batch.value(row, col);
            if (v.type == ValueType::Null) {
                m_local.addSmall("\\N");
            } else if (v.type == ValueType::Text || v.type == ValueType::Blob) {
                m_local.addBytes(batch.bytes(v), textSize(batch, v, m_classes[size_t(col)]));
            } else {
                m_row.clear();
                appendValue(batch, v, m_classes[size_t(col)]);
                if (m_row.size() >= 2 && m_row.front() == '\'') // 'NaN': MariaDB refuses it (a warning here)
                    m_row = m_row.substr(1, m_row.size() - 2);
                m_local.addSmall(m_row);
            }
        }
        m_local.addSmall("\n");
        auto failed = [&](const QString &why) {
            return makeError(QStringLiteral("LOAD DATA of the row with source key %1 into the target failed: %2").arg(batch.key(row)).arg(why),
                             QString::fromUtf8(m_load));
        };
        if (loadLocal(m_conn, m_load, m_local) != 0)
            return failed(myError(m_conn));
        if (mysql_warning_count(m_conn) != 0 || mysql_affected_rows(m_conn) != 1) {
            auto warnings = myRows(m_conn, QStringLiteral("SHOW WARNINGS LIMIT 1"));
            return failed(warnings && !warnings->isEmpty() ? warnings->value(0).value(2)
                                                           : QStringLiteral("%1 rows written, not 1").arg(mysql_affected_rows(m_conn)));
        }
        return {};
    }

    // A text value's bytes as written (a UTC timestamp without its offset).
    static size_t textSize(const RowBatch &batch, const Value &v, TypeClass cls)
    {
        size_t n = v.size;
        const char *p = batch.bytes(v);
        if (v.type == ValueType::Text && cls == TypeClass::TimestampTz) { // datetime(6) holds UTC without an offset
            if (n >= 3 && std::string_view(p + n - 3, 3) == "+00")
                n -= 3;
            else if (n >= 6 && std::string_view(p + n - 6, 6) == "+00:00")
                n -= 6;
            else if (n >= 1 && p[n - 1] == 'Z')
                n -= 1;
        }
        return n;
    }

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
                appendQuoted(m_row, batch.bytes(v), textSize(batch, v, cls));
            }
            return;
        case ValueType::Blob: appendHexLiteral(m_row, batch.bytes(v), v.size); return;
        }
    }

    MYSQL *m_conn;
    std::string m_prefix;
    QByteArray m_load; // the LOAD DATA statement, or empty when the session cannot use it
    LocalRow m_local;
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

// The one place a value's size limit is decided. Only MariaDB may need one: a session that
// can run LOAD DATA LOCAL (local_infile ON on the server) takes a row of any size, in pieces
// (MysqlWriter::loadRow); without it a row goes in one INSERT of at most max_allowed_packet
// bytes (at most 1 GB), a binary value as hex (twice its size), and this is the limit of a
// row's values, with room for the rest of the statement. No source holds a value past
// PostgreSQL's 1 GB - 1 per field or SQLite's SQLITE_MAX_LENGTH (1,000,000,000 bytes by
// default), under LONGBLOB's 4 GB.
Result<std::optional<qint64>> MysqlEngine::maxRowBytes(DbConnection &c)
{
    auto local = canLoadLocal(c.mysql());
    if (!local)
        return local.error();
    if (*local)
        return std::optional<qint64>();
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
    auto local = canLoadLocal(c.mysql());
    if (!local)
        return local.error();
    // CHARACTER SET binary: the bytes as they are (text is UTF-8 already, checked by the converter).
    const QByteArray load = *local ? QStringLiteral("LOAD DATA LOCAL INFILE '%1' INTO TABLE %2 CHARACTER SET binary "
                                                    "FIELDS TERMINATED BY X'09' ESCAPED BY X'5C' LINES TERMINATED BY X'0A' (%3)")
                                         .arg(QLatin1String(kLocalStreamName), quoteIdentifier(t.name), columnList(t))
                                         .toUtf8()
                                   : QByteArray();
    return std::unique_ptr<RowWriter>(
        new MysqlWriter(c.mysql(), prefix, load, quoteIdentifier(kCheckpoint), classesOf(t), limit));
}

} // namespace cockpit
