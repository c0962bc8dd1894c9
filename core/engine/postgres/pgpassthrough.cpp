#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"
#include "engine/postgres/pgrowhash.h"
#include "engine/connectionpool.h"
#include "engine/rowhasher.h"

#include <QScopeGuard>
#include <algorithm>
#include <cstring>
#include <optional>

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
bool pginternal::walkBinaryRow(const char *p, size_t n, int columns, int keyColumn, RowHasher *hasher, qint64 &key, int firstHashed)
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
            if (hasher && f >= firstHashed)
                hasher->addNull();
            continue;
        }
        if (at + size_t(len) > n)
            return false;
        if (hasher && f >= firstHashed)
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

Status pginternal::forEachBinaryRow(PGconn *conn, const QString &copySql, const std::function<Status(const char *p, size_t n)> &row)
{
    PgResult r(PQexec(conn, copySql.toUtf8().constData()));
    if (PQresultStatus(r.get()) != PGRES_COPY_OUT)
        return makeError(QStringLiteral("reading rows failed: ") + pgError(conn, r.get()), copySql);
    bool headerSeen = false, done = false;
    char *buffer = nullptr;
    auto cleanUp = qScopeGuard([&] {
        if (buffer)
            PQfreemem(buffer);
        if (!done)
            abandonCopyOut(conn);
    });
    while (true) {
        auto next = nextBinaryRow(conn, headerSeen, done, buffer);
        if (!next)
            return next.error();
        if (!*next)
            return {};
        if (auto st = row((*next)->first, (*next)->second); !st)
            return st;
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
    p->m_fenceSql = fenceCheckSql(schema);
    QString columns = e.columnList(t);
    // A keyed read outside a transaction (ending a COPY early cancels it): a big bytea as the
    // stand-in, its row then sent alone, the value read in pieces.
    if (t.hasCopyKey() && PQtransactionStatus(p->m_source) == PQTRANS_IDLE) {
        QStringList guarded;
        bool any = false;
        for (const auto &col : t.columns) {
            const QString q = e.quoteIdentifier(col.name);
            const bool bytea = col.type.cls == TypeClass::Blob;
            any |= bytea;
            p->m_quoted << q;
            p->m_bytea.push_back(bytea);
            guarded << (bytea ? byteaOrStandIn(q) : q);
        }
        if (any) {
            columns = guarded.join(QStringLiteral(", "));
            p->m_relation = e.relation(source, t);
            p->m_key = t.copyKey;
            p->m_keyHi = keyHi;
        } else {
            p->m_bytea.clear();
        }
    }
    QString query = QStringLiteral("SELECT %1 FROM %2").arg(columns, e.relation(source, t));
    p->m_select = query;
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

Status PostgresEngine::Passthrough::restartSource(qint64 afterKey)
{
    const QString sql = QStringLiteral("COPY (%1 WHERE %2 > %3 AND %2 <= %4 ORDER BY %2) TO STDOUT (FORMAT binary)")
                            .arg(m_select, m_key, QString::number(afterKey), QString::number(m_keyHi));
    PgResult r(PQexec(m_source, sql.toUtf8().constData()));
    if (PQresultStatus(r.get()) != PGRES_COPY_OUT)
        return makeError(QStringLiteral("reading rows failed: ") + pgError(m_source, r.get()), sql);
    m_headerSeen = false;
    m_done = false;
    return {};
}

bool PostgresEngine::Passthrough::hasStandIn(const char *p, size_t n) const
{
    size_t at = 2;
    for (int f = 0; f < m_columns && at + 4 <= n; ++f) {
        const auto len = qint32(readBig32(p + at));
        at += 4;
        if (len < 0)
            continue;
        if (m_bytea[size_t(f)] && len == kBigByteaStandIn.size() && at + size_t(len) <= n
            && std::memcmp(p + at, kBigByteaStandIn.constData(), size_t(len)) == 0)
            return true;
        at += size_t(len);
    }
    return false;
}

// Inside the target's COPY: row `key` read again from the source in one snapshot, its big
// values in pieces, sent as one tuple and hashed (raw) as it goes. `sent`: false when the row
// is gone since.
Status PostgresEngine::Passthrough::sendBigRow(qint64 key, RowHasher *hasher, quint64 &sum, bool &sent)
{
    sent = false;
    if (auto st = pgRun(m_source, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"), QStringLiteral("begin reading a big row"));
        !st)
        return st;
    auto rollback = qScopeGuard([&] { PQclear(PQexec(m_source, "ROLLBACK")); });
    QStringList sizes;
    for (int i = 0; i < m_columns; ++i)
        if (m_bytea[size_t(i)])
            sizes << QStringLiteral("octet_length(%1)::bigint").arg(m_quoted[i]);
    const QString where = QStringLiteral("%1 = $1").arg(m_key);
    // m_select is "SELECT columns FROM relation": the sizes go after the columns.
    const QString select = m_select.left(m_select.lastIndexOf(QLatin1String(" FROM "))) + QStringLiteral(", ")
                           + sizes.join(QStringLiteral(", ")) + m_select.mid(m_select.lastIndexOf(QLatin1String(" FROM ")))
                           + QStringLiteral(" WHERE ") + where;
    const QByteArray text = select.toUtf8(), keyText = QByteArray::number(key);
    const char *params[1] = {keyText.constData()};
    PgResult r(PQexecParams(m_source, text.constData(), 1, nullptr, params, nullptr, nullptr, 1));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
        return makeError(QStringLiteral("reading a big row failed: ") + pgError(m_source, r.get()), select);
    if (PQntuples(r.get()) == 0)
        return {}; // gone since
    auto sendBytes = [&](const char *p, size_t n) { return PQputCopyData(m_target, p, int(n)) == 1; };
    auto big32 = [](qint32 v) {
        std::string b(4, '\0');
        for (int k = 0; k < 4; ++k)
            b[size_t(k)] = char(quint32(v) >> (24 - 8 * k));
        return b;
    };
    const char count[2] = {char(quint32(m_columns) >> 8), char(m_columns & 0xff)};
    if (!sendBytes(count, 2))
        return makeError(QStringLiteral("sending rows failed: ") + pgError(m_target));
    int sizeField = m_columns;
    constexpr size_t kSendSize = 1 << 20;
    for (int i = 0; i < m_columns; ++i) {
        qint64 size = -1;
        if (m_bytea[size_t(i)]) {
            const int f = sizeField++;
            if (!PQgetisnull(r.get(), 0, f)) {
                size = 0;
                const char *v = PQgetvalue(r.get(), 0, f);
                for (int k = 0; k < 8; ++k)
                    size = (size << 8) | quint8(v[k]);
            }
        }
        if (size >= kBigBytea) {
            if (hasher)
                hasher->beginBlob(int(size));
            if (!sendBytes(big32(qint32(size)).data(), 4))
                return makeError(QStringLiteral("sending rows failed: ") + pgError(m_target));
            bool sendFailed = false;
            if (auto st = readByteaInPieces(m_source, m_relation, m_quoted[i], where, {QString::number(key)}, size,
                                            [&](const char *p, int n) {
                                                if (hasher)
                                                    hasher->addPiece(p, n);
                                                for (size_t at = 0; at < size_t(n) && !sendFailed; at += kSendSize)
                                                    sendFailed = !sendBytes(p + at, std::min(kSendSize, size_t(n) - at));
                                            });
                !st)
                return st;
            if (sendFailed)
                return makeError(QStringLiteral("sending rows failed: ") + pgError(m_target));
            continue;
        }
        if (PQgetisnull(r.get(), 0, i)) {
            if (hasher)
                hasher->addNull();
            if (!sendBytes(big32(-1).data(), 4))
                return makeError(QStringLiteral("sending rows failed: ") + pgError(m_target));
            continue;
        }
        const int len = PQgetlength(r.get(), 0, i);
        if (hasher)
            hasher->addBlob(PQgetvalue(r.get(), 0, i), len);
        if (!sendBytes(big32(len).data(), 4) || !sendBytes(PQgetvalue(r.get(), 0, i), size_t(len)))
            return makeError(QStringLiteral("sending rows failed: ") + pgError(m_target));
    }
    if (hasher)
        sum += hasher->finishRow();
    rollback.dismiss();
    if (auto st = pgRun(m_source, QStringLiteral("COMMIT"), QStringLiteral("end reading a big row")); !st)
        return st;
    sent = true;
    return {};
}

Result<int> PostgresEngine::Passthrough::copyBatch(Checkpoint &cp, int maxRows)
{
    m_tuples.clear();
    if (m_restart) {
        m_restart = false;
        if (auto st = restartSource(m_restartAfter); !st)
            return st.error();
    }
    std::optional<qint64> bigRow; // the key of a row sent alone, its big values in pieces
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
        if (!m_bytea.empty() && hasStandIn(p, n)) {
            // The COPY ends here: a row after others ends the batch without it (the next one
            // starts with it); alone, it is read again and sent with its values in pieces.
            qint64 key = 0;
            if (!walkBinaryRow(p, n, m_columns, m_keyColumn, nullptr, key))
                return makeError(QStringLiteral("reading rows failed: a binary COPY row does not have %1 fields").arg(m_columns));
            abandonCopyOut(m_source);
            m_done = true;
            if (rows > 0) {
                m_restart = true;
                m_restartAfter = lastKey;
                break;
            }
            if (key < m_keyHi) {
                m_restart = true;
                m_restartAfter = key;
            }
            bigRow = key;
            break;
        }
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
    if (rows == 0 && !bigRow)
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
        || !send(direct.first, direct.second))
        return fail(makeError(QStringLiteral("sending rows failed: ") + pgError(m_target)));
    if (bigRow) {
        bool sent = false;
        if (auto st = sendBigRow(*bigRow, serverHash ? nullptr : &hasher, sum, sent); !st) {
            PQputCopyEnd(m_target, "a big row could not be read");
            copyResultError(m_target);
            return fail(st.error());
        }
        if (sent) {
            ++rows;
            lastKey = *bigRow;
            hashed = hashed && !serverHash; // the server's hash kinds cover no bytea
        } else if (m_restart) {
            // Gone since: nothing sent; the batch goes on after it.
            PQputCopyEnd(m_target, "nothing to copy");
            copyResultError(m_target);
            PQclear(PQexec(m_target, "ROLLBACK"));
            return copyBatch(cp, maxRows);
        }
    }
    if (PQputCopyData(m_target, trailer, 2) != 1 || PQputCopyEnd(m_target, nullptr) != 1)
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
    if (auto st = saveCheckpointAndCommit(m_target, m_checkpointSql, m_fenceSql, next); !st)
        return fail(st.error());
    cp = next;
    return rows;
}

} // namespace cockpit
