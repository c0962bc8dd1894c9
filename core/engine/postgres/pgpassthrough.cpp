#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"
#include "engine/postgres/pgrowhash.h"
#include "engine/connectionpool.h"
#include "engine/rowhasher.h"

#include <QScopeGuard>
#include <cstring>

namespace cockpit {

using namespace pginternal;

namespace {

// COPY's binary format: an 11-byte signature, flags and the header extension's length, each
// 32-bit; then per row a 16-bit field count and per field a 32-bit length (-1: NULL) and the
// bytes; a field count of -1 ends the stream.
constexpr char kBinarySignature[] = "PGCOPY\n\377\r\n";
constexpr int kBinaryHeader = 19;

quint32 readBig32(const char *p)
{
    return (quint32(quint8(p[0])) << 24) | (quint32(quint8(p[1])) << 16) | (quint32(quint8(p[2])) << 8) | quint8(p[3]);
}

} // namespace

// Walks one binary row: hashes every field's raw bytes into `hasher` (when given) and reads
// the integer at `keyColumn` into `key`. False when the row is not `columns` well-formed fields.
bool pginternal::walkBinaryRow(const char *p, size_t n, int columns, int keyColumn, RowHasher *hasher, qint64 &key)
{
    if (n < 2 || int(qint16((quint8(p[0]) << 8) | quint8(p[1]))) != columns)
        return false;
    size_t at = 2;
    for (int f = 0; f < columns; ++f) {
        if (at + 4 > n)
            return false;
        const auto len = qint32(readBig32(p + at));
        at += 4;
        if (len < 0) {
            if (hasher)
                hasher->addNull();
            continue;
        }
        if (at + size_t(len) > n)
            return false;
        if (hasher)
            hasher->addBlob(p + at, len);
        if (f == keyColumn) {
            qint64 v = 0;
            for (qint32 k = 0; k < len; ++k)
                v = (v << 8) | quint8(p[at + size_t(k)]);
            if (len == 2)
                v = qint16(v);
            else if (len == 4)
                v = qint32(v);
            key = v;
        }
        at += size_t(len);
    }
    return at == n;
}

// Reads one message of a binary COPY OUT: a row (returned), the trailer or the end (nullopt,
// `done` set). The header, which the server sends in front of the first row, is skipped.
Result<std::optional<std::pair<char *, size_t>>> pginternal::nextBinaryRow(PGconn *conn, bool &headerSeen, bool &done, char *&buffer)
{
    while (true) {
        if (buffer) {
            PQfreemem(buffer);
            buffer = nullptr;
        }
        const int len = PQgetCopyData(conn, &buffer, 0);
        if (len >= int(kDirectRow))
            connectionpool::dropWhenGivenBack(conn);
        if (len == -1) {
            done = true;
            if (auto st = endCopyOut(conn); !st)
                return st.error();
            return std::optional<std::pair<char *, size_t>>();
        }
        if (len < 0) {
            done = true;
            return makeError(QStringLiteral("reading rows failed: ") + pgError(conn));
        }
        char *p = buffer;
        size_t n = size_t(len);
        if (!headerSeen) {
            if (n < kBinaryHeader || std::memcmp(p, kBinarySignature, 11) != 0)
                return makeError(QStringLiteral("reading rows failed: not a binary COPY stream"));
            const size_t skip = kBinaryHeader + readBig32(p + 15);
            if (n < skip)
                return makeError(QStringLiteral("reading rows failed: truncated binary COPY header"));
            headerSeen = true;
            p += skip;
            n -= skip;
            if (n == 0)
                continue;
        }
        if (n == 2 && quint8(p[0]) == 0xff && quint8(p[1]) == 0xff)
            continue; // the trailer; the end follows
        return std::optional<std::pair<char *, size_t>>(std::pair{p, n});
    }
}


bool PostgresEngine::Passthrough::applies(const TableSchema &t)
{
    for (const auto &col : t.columns)
        if (col.type.nativeEngine != EngineKind::PostgreSQL || col.type.native.isEmpty()
            || !binaryCopyKind(col.type, col.type.native))
            return false;
    return !t.columns.isEmpty();
}

Result<std::unique_ptr<PostgresEngine::Passthrough>> PostgresEngine::Passthrough::open(DbConnection &source, DbConnection &target,
                                                                                     const TableSchema &t, qint64 afterKey,
                                                                                     qint64 keyHi,
                                                                                     std::vector<PgBinaryKind> serverHashKinds)
{
    PostgresEngine e;
    std::unique_ptr<Passthrough> p(new Passthrough);
    p->m_source = source.postgres();
    p->m_target = target.postgres();
    p->m_columns = int(t.columns.size());
    p->m_serverKinds = std::move(serverHashKinds);
    if (!p->m_serverKinds.empty() && p->m_serverKinds.size() != size_t(p->m_columns))
        return makeError(QStringLiteral("\"%1\" has %2 columns on the target but %3 on the source")
                             .arg(t.name)
                             .arg(p->m_serverKinds.size())
                             .arg(p->m_columns));
    for (int i = 0; i < t.columns.size(); ++i)
        if (e.quoteIdentifier(t.columns[i].name) == t.copyKey)
            p->m_keyColumn = i;
    if (t.hasCopyKey() && p->m_keyColumn < 0)
        return makeError(QStringLiteral("the copy key %1 of \"%2\" is not one of its columns").arg(t.copyKey, t.name));
    if (auto st = pgRun(p->m_target, QStringLiteral("SET synchronous_commit = off"), QStringLiteral("session setting")); !st)
        return st.error();
    const QString schema = e.quoteIdentifier(target.schema());
    p->m_copySql = QStringLiteral("COPY %1.%2 (%3) FROM STDIN (FORMAT binary)")
                       .arg(schema, e.quoteIdentifier(t.name), e.columnList(t))
                       .toUtf8();
    p->m_checkpointSql = checkpointUpsertSql(schema);
    QString query = QStringLiteral("SELECT %1 FROM %2").arg(e.columnList(t), e.relation(source, t));
    if (t.hasCopyKey())
        query += QStringLiteral(" WHERE %1 > %2 AND %1 <= %3 ORDER BY %1").arg(t.copyKey).arg(afterKey).arg(keyHi);
    const QString sql = QStringLiteral("COPY (%1) TO STDOUT (FORMAT binary)").arg(query);
    PgResult r(PQexec(p->m_source, sql.toUtf8().constData()));
    if (PQresultStatus(r.get()) != PGRES_COPY_OUT)
        return makeError(QStringLiteral("reading rows failed: ") + pgError(p->m_source, r.get()), sql);
    return p;
}

PostgresEngine::Passthrough::~Passthrough()
{
    if (!m_done && m_source)
        abandonCopyOut(m_source);
}

Result<int> PostgresEngine::Passthrough::copyBatch(Checkpoint &cp, int maxRows)
{
    m_tuples.clear();
    RowHasher hasher;
    const bool serverHash = !m_serverKinds.empty();
    bool hashed = true; // false once a row the server could not hash went by (pgrowhash::addTuple)
    quint64 sum = 0;
    qint64 lastKey = cp.lastKey;
    int rows = 0;
    std::pair<const char *, size_t> direct{nullptr, 0}; // the last row, when sent where it lies
    char *buffer = nullptr;
    auto freeBuffer = qScopeGuard([&] {
        if (buffer)
            PQfreemem(buffer);
    });
    while (!m_done && rows < maxRows && qint64(m_tuples.size()) < kBatchByteBudget) {
        auto row = nextBinaryRow(m_source, m_headerSeen, m_done, buffer);
        if (!row)
            return row.error();
        if (!*row)
            break;
        const auto [p, n] = **row;
        if (!walkBinaryRow(p, n, m_columns, m_keyColumn, serverHash ? nullptr : &hasher, lastKey))
            return makeError(QStringLiteral("reading rows failed: a binary COPY row does not have %1 fields").arg(m_columns));
        if (!serverHash)
            sum += hasher.finishRow();
        else if (hashed)
            hashed = pgrowhash::addTuple(p, n, m_serverKinds, sum);
        ++rows;
        if (n >= kDirectRow) {
            // A big row ends the batch and is sent from libpq's buffer (`buffer`, freed on
            // return): a copy into m_tuples would hold it once more at the peak.
            direct = {p, n};
            break;
        }
        m_tuples.append(p, n);
    }
    if (rows == 0)
        return 0;

    if (auto st = pgRun(m_target, QStringLiteral("BEGIN"), QStringLiteral("begin batch")); !st)
        return st.error();
    auto fail = [&](const TaskError &e) -> Result<int> {
        PQclear(PQexec(m_target, "ROLLBACK"));
        return e;
    };
    PgResult start(PQexec(m_target, m_copySql.constData()));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN)
        return fail(makeError(QStringLiteral("starting COPY failed: ") + pgError(m_target, start.get()), QString::fromUtf8(m_copySql)));
    // The signature, then no flags and no header extension.
    static const std::string header = std::string(kBinarySignature, 11) + std::string(8, '\0');
    static const char trailer[2] = {'\377', '\377'};
    // In 1 MB pieces: libpq's output buffer grows to hold what one call gives it, and keeps that
    // size for the session (a 100 MB row sent whole made it 128 MB).
    constexpr size_t kSendSize = 1 << 20;
    auto send = [&](const char *p, size_t size) {
        for (size_t at = 0; at < size; at += kSendSize)
            if (PQputCopyData(m_target, p + at, int(std::min(kSendSize, size - at))) != 1)
                return false;
        return true;
    };
    if (PQputCopyData(m_target, header.data(), kBinaryHeader) != 1 || !send(m_tuples.data(), m_tuples.size())
        || !send(direct.first, direct.second) || PQputCopyData(m_target, trailer, 2) != 1
        || PQputCopyEnd(m_target, nullptr) != 1)
        return fail(makeError(QStringLiteral("sending rows failed: ") + pgError(m_target)));
    if (const QString error = copyResultError(m_target); !error.isEmpty())
        return fail(makeError(QStringLiteral("COPY into the target failed (source keys after %1 up to %2): %3")
                                  .arg(cp.lastKey)
                                  .arg(lastKey)
                                  .arg(error)));
    Checkpoint next = cp;
    next.lastKey = lastKey;
    next.rowsDone += rows;
    if (!hashed)
        next.rowHashSum.reset(); // validation reads both sides
    else if (next.rowHashSum) // absent: an earlier attempt did not hash, the sum would be partial
        *next.rowHashSum += sum;
    if (auto st = saveCheckpointAndCommit(m_target, m_checkpointSql, next); !st)
        return fail(st.error());
    cp = next;
    return rows;
}

} // namespace cockpit
