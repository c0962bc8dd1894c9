#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"
#include "engine/postgres/pgbinarycopy.h"
#include "engine/postgres/pgrowhash.h"
#include "engine/valuetext.h"

#include <cmath>

namespace cockpit {

using namespace pginternal;

namespace {

void appendCopyText(std::string &out, const char *p, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        const char c = p[i];
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
        }
    }
}

void appendHex(std::string &out, const char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    out += "\\\\x";
    for (size_t i = 0; i < n; ++i) {
        out += digits[(unsigned char)p[i] >> 4];
        out += digits[(unsigned char)p[i] & 15];
    }
}

class PostgresWriter final : public RowWriter {
public:
    // `binaryKinds`: one per column when the table can travel in binary (pgbinarycopy.h),
    // else empty.
    PostgresWriter(PGconn *conn, QByteArray copySql, QString checkpointSql, QString fenceSql, std::vector<TypeClass> classes,
                   std::vector<PgBinaryKind> binaryKinds, bool hashes)
        : m_conn(conn), m_copySql(std::move(copySql)), m_binaryCopySql(m_copySql + " (FORMAT binary)"),
          m_checkpointSql(std::move(checkpointSql)), m_fenceSql(std::move(fenceSql)), m_classes(std::move(classes)),
          m_binaryKinds(std::move(binaryKinds)), m_hashes(hashes)
    {
    }

    bool hashesRows() const override { return m_hashes; }

    Status writeBatch(const RowBatch &batch, Checkpoint &cp) override
    {
        if (auto st = pgRun(m_conn, QStringLiteral("BEGIN"), QStringLiteral("begin batch")); !st)
            return st;
        auto fail = [&](const TaskError &e) -> Status {
            PQclear(PQexec(m_conn, "ROLLBACK"));
            return e;
        };
        if (batch.rows() > 0) {
            m_binary.clear();
            m_splices.clear();
            m_buffer.clear(); // the text rows of this batch, what is left of them after the loop
            // Binary when every value encodes exactly; otherwise this batch goes as text. Big
            // values stay in the batch's arena and are sent from there (PgCopySplice).
            const bool binary = !m_binaryKinds.empty() && encodeBinaryCopy(batch, m_binaryKinds, m_binary, &m_splices);
            // The hash of what the server will store: known only for what went in binary.
            if (m_hashes && cp.rowHashSum
                && !(binary && pgrowhash::addCopyStream(m_binary.data(), m_binary.size(), m_binaryKinds, *cp.rowHashSum, m_splices)))
                cp.rowHashSum.reset();
            const QByteArray &copySql = binary ? m_binaryCopySql : m_copySql;
            PgResult start(PQexec(m_conn, copySql.constData()));
            if (PQresultStatus(start.get()) != PGRES_COPY_IN)
                return fail(makeError(QStringLiteral("starting COPY failed: ") + pgError(m_conn, start.get()),
                                      QString::fromUtf8(copySql)));
            if (binary) {
                // In kSendSize pieces: libpq's output buffer grows to hold what one call gives it.
                auto send = [&](const char *p, size_t size) {
                    for (size_t at = 0; at < size; at += kSendSize)
                        if (PQputCopyData(m_conn, p + at, int(std::min(kSendSize, size - at))) != 1)
                            return false;
                    return true;
                };
                size_t at = 0; // the stream up to here is sent
                for (const PgCopySplice &splice : m_splices) {
                    if (!send(m_binary.data() + at, splice.at - at) || !send(splice.data, splice.size))
                        return fail(makeError(QStringLiteral("sending rows failed: ") + pgError(m_conn)));
                    at = splice.at;
                }
                if (!send(m_binary.data() + at, m_binary.size() - at))
                    return fail(makeError(QStringLiteral("sending rows failed: ") + pgError(m_conn)));
            } else {
                for (int row = 0; row < batch.rows(); ++row) {
                    for (int col = 0; col < batch.columns(); ++col) {
                        if (col > 0)
                            m_buffer += '\t';
                        appendValue(batch, batch.value(row, col), m_classes[size_t(col)]);
                    }
                    m_buffer += '\n';
                    if (m_buffer.size() > kSendSize) {
                        if (PQputCopyData(m_conn, m_buffer.data(), int(m_buffer.size())) != 1)
                            return fail(makeError(QStringLiteral("sending rows failed: ") + pgError(m_conn)));
                        m_buffer.clear();
                    }
                }
            }
            if (!m_buffer.empty() && PQputCopyData(m_conn, m_buffer.data(), int(m_buffer.size())) != 1)
                return fail(makeError(QStringLiteral("sending rows failed: ") + pgError(m_conn)));
            if (PQputCopyEnd(m_conn, nullptr) != 1)
                return fail(makeError(QStringLiteral("ending COPY failed: ") + pgError(m_conn)));
            if (const QString error = copyResultError(m_conn); !error.isEmpty())
                return fail(makeError(QStringLiteral("COPY into the target failed (source keys %1 to %2): %3")
                                          .arg(batch.key(0))
                                          .arg(batch.lastKey())
                                          .arg(error),
                                      QString::fromUtf8(copySql)));
        }
        if (auto st = saveCheckpointAndCommit(m_conn, m_checkpointSql, m_fenceSql, cp); !st)
            return fail(st.error());
        return {};
    }

private:
    void appendValue(const RowBatch &batch, const Value &v, TypeClass cls)
    {
        switch (v.type) {
        case ValueType::Null: m_buffer += "\\N"; return;
        case ValueType::Integer:
            if (cls == TypeClass::Boolean)
                m_buffer += v.integer ? "t" : "f";
            else
                appendInteger(m_buffer, v.integer);
            return;
        case ValueType::Real:
            if (std::isnan(v.real))
                m_buffer += "NaN";
            else if (std::isinf(v.real))
                m_buffer += v.real > 0 ? "Infinity" : "-Infinity";
            else
                appendShortestDouble(m_buffer, v.real);
            return;
        case ValueType::Text:
            if (cls == TypeClass::Blob)
                appendHex(m_buffer, batch.bytes(v), v.size);
            else
                appendCopyText(m_buffer, batch.bytes(v), v.size);
            return;
        case ValueType::Blob:
            if (cls == TypeClass::Blob)
                appendHex(m_buffer, batch.bytes(v), v.size);
            else
                appendCopyText(m_buffer, batch.bytes(v), v.size);
            return;
        }
    }

    static constexpr size_t kSendSize = 1 << 20; // ~1 MB per PQputCopyData
    PGconn *m_conn;
    QByteArray m_copySql;
    QByteArray m_binaryCopySql;
    QString m_checkpointSql;
    QString m_fenceSql; // fenceCheckSql
    std::vector<TypeClass> m_classes;
    std::vector<PgBinaryKind> m_binaryKinds;
    bool m_hashes; // hashesRows()
    std::string m_buffer; // text COPY
    ByteBuffer m_binary;  // binary COPY
    std::vector<PgCopySplice> m_splices; // values of m_binary sent from the batch instead
};

} // namespace

Result<std::unique_ptr<RowWriter>> PostgresEngine::openWriter(DbConnection &c, const TableSchema &t)
{
    // A lost commit loses its checkpoint with it, so not waiting for the WAL flush is safe.
    if (auto st = pgRun(c.postgres(), QStringLiteral("SET synchronous_commit = off"), QStringLiteral("session setting")); !st)
        return st.error();
    const QString schema = quoteIdentifier(c.schema());
    const QByteArray copy = QStringLiteral("COPY %1.%2 (%3) FROM STDIN").arg(schema, quoteIdentifier(t.name), columnList(t)).toUtf8();
    const QString checkpoint = checkpointUpsertSql(schema);
    return std::unique_ptr<RowWriter>(new PostgresWriter(c.postgres(), copy, checkpoint, fenceCheckSql(schema), classesOf(t), binaryKinds(t),
                                                         hashesOnServer(c, t)));
}

Status PostgresEngine::clearTable(DbConnection &c, const TableSchema &t)
{
    return pgRun(c.postgres(), QStringLiteral("TRUNCATE %1.%2").arg(quoteIdentifier(c.schema()), quoteIdentifier(t.name)),
                 QStringLiteral("clear a partial copy of \"%1\"").arg(t.name));
}

} // namespace cockpit
