// Checksums of a PostgreSQL table with big bytea values, without a value held whole: libpq keeps a
// whole COPY row in its input buffer and hands it over in a buffer of its own, so a 100 MB value
// read back cost 200 MB. The rows are read with each bytea of kBigBytea or more as NULL (the
// server's octet_length reads no TOASTed value) and, first, the row's ctid when it has one; the
// sum of row hashes does not depend on the order of the rows, so those rows are hashed after the
// COPY, one by one, their big values in pieces (substring on the server). All in one snapshot.
#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"
#include "engine/rowhasher.h"

#include <QRegularExpression>
#include <QScopeGuard>
#include <algorithm>
#include <cstring>
#include <functional>

namespace cockpit {

using namespace pginternal;

namespace {

quint32 big32(const char *p)
{
    return (quint32(quint8(p[0])) << 24) | (quint32(quint8(p[1])) << 16) | (quint32(quint8(p[2])) << 8) | quint32(quint8(p[3]));
}

bool isBytea(const ColumnSchema &col) { return col.type.cls == TypeClass::Blob; }

// Not a partitioned table: a ctid names a row within one partition only.
bool hasBytea(const TableSchema &t) { return !t.partitioned && std::any_of(t.columns.begin(), t.columns.end(), isBytea); }

QString bigCondition(const PostgresEngine &e, const ColumnSchema &col)
{
    return QStringLiteral("octet_length(%1) >= %2").arg(e.quoteIdentifier(col.name), QString::number(kBigBytea));
}

// The columns, a big bytea as NULL.
QStringList guardedColumns(const PostgresEngine &e, const TableSchema &t)
{
    QStringList out;
    for (const auto &col : t.columns)
        out << (isBytea(col) ? QStringLiteral("CASE WHEN %1 THEN NULL ELSE %2 END").arg(bigCondition(e, col), e.quoteIdentifier(col.name))
                             : e.quoteIdentifier(col.name));
    return out;
}

// The row's ctid as text when it has a big bytea, else NULL.
QString bigRowMarker(const PostgresEngine &e, const TableSchema &t)
{
    QStringList any;
    for (const auto &col : t.columns)
        if (isBytea(col))
            any << bigCondition(e, col);
    return QStringLiteral("CASE WHEN %1 THEN ctid::text END").arg(any.join(QStringLiteral(" OR ")));
}

// A statement with text parameters, its result in binary.
Result<PgResult> execBinary(PGconn *conn, const QString &sql, const QList<QByteArray> &params)
{
    std::vector<const char *> values;
    for (const auto &p : params)
        values.push_back(p.constData());
    const QByteArray text = sql.toUtf8();
    PgResult r(PQexecParams(conn, text.constData(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 1));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
        return makeError(QStringLiteral("reading a big value failed: ") + pgError(conn, r.get()), sql);
    return r;
}

// Opens a snapshot for the checksum's reads unless the connection is in a transaction already;
// the guard ends it.
// `sum` in one snapshot: the COPY and the big rows read again after it see the same rows. A
// connection already in a transaction keeps it (its snapshot is the caller's); else a read-only
// REPEATABLE READ transaction is begun, rolled back when `sum` fails and committed after it.
Result<TableChecksum> inOneSnapshot(PGconn *conn, const std::function<Result<TableChecksum>()> &sum)
{
    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        return sum();
    if (auto st = pgRun(conn, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"), QStringLiteral("begin the checksum")); !st)
        return st.error();
    auto rollback = qScopeGuard([&] { PQclear(PQexec(conn, "ROLLBACK")); });
    auto result = sum();
    if (!result)
        return result;
    rollback.dismiss();
    if (auto st = pgRun(conn, QStringLiteral("COMMIT"), QStringLiteral("end the checksum")); !st)
        return st.error();
    return result;
}

} // namespace

Status pginternal::readByteaInPieces(PGconn *conn, const QString &relation, const QString &column, const QString &where,
                                     const QStringList &whereParams, qint64 size,
                                     const std::function<void(const char *, int)> &piece)
{
    const int first = int(whereParams.size()) + 1;
    const QString sql = QStringLiteral("SELECT substring(%1 FROM $%4::int FOR $%5::int) FROM %2 WHERE %3")
                            .arg(column, relation, where, QString::number(first), QString::number(first + 1));
    for (qint64 at = 0; at < size; at += kByteaPiece) {
        const qint64 n = std::min<qint64>(kByteaPiece, size - at);
        QList<QByteArray> params;
        for (const auto &p : whereParams)
            params << p.toUtf8();
        params << QByteArray::number(at + 1) << QByteArray::number(n);
        auto r = execBinary(conn, sql, params);
        if (!r)
            return r.error();
        if (r->rows() != 1 || r->isNull(0, 0) || PQgetlength(r->get(), 0, 0) != int(n))
            return makeError(QStringLiteral("reading a big value of %1 failed: the row changed while it was read").arg(relation));
        piece(PQgetvalue(r->get(), 0, 0), int(n));
    }
    return {};
}

namespace {

class BigRows {
public:
    BigRows(PGconn *conn, const PostgresEngine &e, const QString &relation, const TableSchema &t)
        : m_conn(conn), m_t(t), m_relation(relation), m_columns(guardedColumns(e, t))
    {
        for (const auto &col : t.columns)
            m_quoted << e.quoteIdentifier(col.name);
    }

    // Hashes the big bytea at column `col` of row `ctid`, `size` bytes, in pieces.
    Status hashBytea(const QByteArray &ctid, int col, qint64 size, RowHasher &hasher)
    {
        hasher.beginBlob(int(size));
        return readByteaInPieces(m_conn, m_relation, m_quoted[col], QStringLiteral("ctid = $1::tid"), {QString::fromUtf8(ctid)},
                                 size, [&](const char *p, int n) { hasher.addPiece(p, n); });
    }

    // The sizes of row `ctid`'s bytea values (-1: NULL or not a bytea).
    Result<std::vector<qint64>> sizes(const QByteArray &ctid)
    {
        QStringList lengths;
        for (int i = 0; i < m_t.columns.size(); ++i)
            lengths << (isBytea(m_t.columns[i]) ? QStringLiteral("octet_length(%1)::bigint").arg(m_quoted[i]) : QStringLiteral("NULL::bigint"));
        auto r = pgExec(m_conn, QStringLiteral("SELECT %1 FROM %2 WHERE ctid = $1::tid").arg(lengths.join(QStringLiteral(", ")), m_relation),
                        {QString::fromUtf8(ctid)});
        if (!r)
            return r.error();
        if (r->rows() != 1)
            return makeError(QStringLiteral("reading a big value of \"%1\" failed: the row changed while it was read").arg(m_t.name));
        std::vector<qint64> out;
        for (int i = 0; i < m_t.columns.size(); ++i)
            out.push_back(r->isNull(0, i) ? -1 : r->text(0, i).toLongLong());
        return out;
    }

    // The row hash of row `ctid` as rawChecksum hashes a row: every field's binary bytes.
    Result<quint64> rawRowHash(const QByteArray &ctid, RowHasher &hasher)
    {
        auto size = sizes(ctid);
        if (!size)
            return size.error();
        auto r = execBinary(m_conn, QStringLiteral("SELECT %1 FROM %2 WHERE ctid = $1::tid").arg(m_columns.join(QStringLiteral(", ")), m_relation),
                            {ctid});
        if (!r)
            return r.error();
        if (r->rows() != 1)
            return makeError(QStringLiteral("reading a big value of \"%1\" failed: the row changed while it was read").arg(m_t.name));
        for (int i = 0; i < m_t.columns.size(); ++i) {
            if ((*size)[size_t(i)] >= kBigBytea) {
                if (auto st = hashBytea(ctid, i, (*size)[size_t(i)], hasher); !st)
                    return st.error();
            } else if (r->isNull(0, i)) {
                hasher.addNull();
            } else {
                hasher.addBlob(PQgetvalue(r->get(), 0, i), PQgetlength(r->get(), 0, i));
            }
        }
        return hasher.finishRow();
    }

    // The row hash of row `ctid` as checksumRows hashes a row: its values typed.
    Result<quint64> typedRowHash(const QByteArray &ctid, RowHasher &hasher)
    {
        auto size = sizes(ctid);
        if (!size)
            return size.error();
        // COPY takes no parameters: the ctid (checked: "(block,offset)") is written in.
        static const QRegularExpression tid(QStringLiteral("^\\(\\d+,\\d+\\)$"));
        if (!tid.match(QString::fromUtf8(ctid)).hasMatch())
            return makeError(QStringLiteral("reading a big value of \"%1\" failed: unexpected ctid %2").arg(m_t.name, QString::fromUtf8(ctid)));
        RowBatch batch;
        {
            auto reader = startCopyOut(m_conn,
                                       QStringLiteral("SELECT %1 FROM %2 WHERE ctid = '%3'::tid")
                                           .arg(m_columns.join(QStringLiteral(", ")), m_relation, QString::fromUtf8(ctid)),
                                       classesOf(m_t), false);
            if (!reader)
                return reader.error();
            auto rows = readSingleRow(**reader, batch);
            if (!rows)
                return rows.error();
            if (*rows != 1)
                return makeError(QStringLiteral("reading a big value of \"%1\" failed: the row changed while it was read").arg(m_t.name));
        }
        for (int i = 0; i < m_t.columns.size(); ++i) {
            if ((*size)[size_t(i)] >= kBigBytea) {
                if (auto st = hashBytea(ctid, i, (*size)[size_t(i)], hasher); !st)
                    return st.error();
            } else {
                hasher.addTyped(batch, batch.value(0, i), m_t.columns[i].type.cls);
            }
        }
        return hasher.finishRow();
    }

    const QStringList &columns() const { return m_columns; }
    const QString &relation() const { return m_relation; }

private:
    PGconn *m_conn;
    const TableSchema &m_t;
    QString m_relation;
    QStringList m_columns; // guarded
    QStringList m_quoted;
};

} // namespace

bool pginternal::readsBigByteaInPieces(const TableSchema &t) { return hasBytea(t); }

Result<TableChecksum> pginternal::rawChecksumInPieces(DbConnection &c, const TableSchema &t, const QString &relation,
                                                      std::atomic<qint64> *rowsHashed)
{
    PGconn *conn = c.postgres();
    return inOneSnapshot(conn, [&]() -> Result<TableChecksum> {
        PostgresEngine e;
        BigRows big(conn, e, relation, t);
        const QString sql = QStringLiteral("COPY (SELECT %1, %2 FROM %3) TO STDOUT (FORMAT binary)")
                                .arg(bigRowMarker(e, t), big.columns().join(QStringLiteral(", ")), big.relation());
        std::vector<QByteArray> bigRows;
        TableChecksum sum;
        RowHasher hasher;
        const int fields = int(t.columns.size()) + 1;
        auto st = forEachBinaryRow(conn, sql, [&](const char *p, size_t n) -> Status {
            auto malformed = [&] {
                return makeError(QStringLiteral("reading rows failed: a binary COPY row does not have %1 fields").arg(fields));
            };
            if (n < 6 || int(qint16((quint8(p[0]) << 8) | quint8(p[1]))) != fields)
                return malformed();
            const auto markerLength = qint32(big32(p + 2));
            if (markerLength >= 0) { // a row with a big value: hashed after the COPY
                if (size_t(6) + size_t(markerLength) > n)
                    return malformed();
                bigRows.emplace_back(p + 6, markerLength);
                return {};
            }
            qint64 unusedKey = 0;
            if (!walkBinaryRow(p, n, fields, -1, &hasher, unusedKey, 1)) // the marker (NULL here) unhashed
                return malformed();
            sum.sum += hasher.finishRow();
            if (++sum.rows % 4096 == 0 && rowsHashed)
                *rowsHashed += 4096;
            return {};
        });
        if (!st)
            return st.error();
        for (const auto &ctid : bigRows) {
            auto h = big.rawRowHash(ctid, hasher);
            if (!h)
                return h.error();
            sum.sum += *h;
            ++sum.rows;
        }
        if (rowsHashed)
            *rowsHashed += qint64(bigRows.size());
        return sum;
    });
}

Result<TableChecksum> pginternal::typedChecksumInPieces(DbConnection &c, const TableSchema &t, const QString &relation,
                                                        std::atomic<qint64> *rowsHashed)
{
    PGconn *conn = c.postgres();
    return inOneSnapshot(conn, [&]() -> Result<TableChecksum> {
        PostgresEngine e;
        BigRows big(conn, e, relation, t);
        std::vector<TypeClass> classes = classesOf(t);
        classes.push_back(TypeClass::Text); // the marker, last
        std::vector<QByteArray> bigRows;
        TableChecksum sum;
        RowHasher hasher;
        {
            auto reader = startCopyOut(conn,
                                       QStringLiteral("SELECT %1, %2 FROM %3")
                                           .arg(big.columns().join(QStringLiteral(", ")), bigRowMarker(e, t), big.relation()),
                                       classes, false);
            if (!reader)
                return reader.error();
            auto hashed = checksumRowsSettingAside(**reader, t, rowsHashed, [&](const RowBatch &batch, const Value &marker) {
                bigRows.emplace_back(batch.bytes(marker), qsizetype(marker.size));
            });
            if (!hashed)
                return hashed.error();
            sum = *hashed;
        }
        for (const auto &ctid : bigRows) {
            auto h = big.typedRowHash(ctid, hasher);
            if (!h)
                return h.error();
            sum.sum += *h;
            ++sum.rows;
        }
        return sum;
    });
}

} // namespace cockpit
