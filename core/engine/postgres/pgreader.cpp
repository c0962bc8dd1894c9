#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"
#include "engine/postgres/pgbinaryread.h"
#include "engine/connectionpool.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace cockpit {

using namespace pginternal;

namespace {

// Decodes one field of COPY's text format in place; returns its length.
size_t unescapeCopyField(char *p, size_t n)
{
    const char *first = static_cast<const char *>(std::memchr(p, '\\', n));
    if (!first)
        return n; // the common case: nothing escaped
    size_t out = size_t(first - p);
    for (size_t i = out; i < n; ++i) {
        char c = p[i];
        if (c == '\\' && i + 1 < n) {
            const char e = p[++i];
            switch (e) {
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'v': c = '\v'; break;
            default:
                if (e >= '0' && e <= '7') {
                    int v = e - '0';
                    for (int k = 0; k < 2 && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7'; ++k)
                        v = v * 8 + (p[++i] - '0');
                    c = char(v);
                } else {
                    c = e;
                }
            }
        }
        p[out++] = c;
    }
    return out;
}

// Integer and double text as COPY writes it, without a copy per value (from_chars); what it
// does not take whole ("Infinity", "NaN") goes to strtod as before.
qint64 parseInteger(const char *p, size_t n)
{
    qint64 v = 0;
    if (const auto r = std::from_chars(p, p + n, v); r.ec == std::errc() && r.ptr == p + n)
        return v;
    return std::strtoll(std::string(p, n).c_str(), nullptr, 10);
}

double parseDouble(const char *p, size_t n)
{
    double v = 0;
    if (const auto r = std::from_chars(p, p + n, v); r.ec == std::errc() && r.ptr == p + n)
        return v;
    return std::strtod(std::string(p, n).c_str(), nullptr);
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// A keyed read that reads big bytea values in pieces (kBigByteaStandIn): libpq would hold a
// whole row in its input buffer, and hand it over in a buffer of its own.
struct BigByteaRead {
    QString relation;
    QString key;    // the copy key expression
    QString select; // "SELECT key, columns FROM relation", each bytea as the stand-in when big
    qint64 keyHi = 0;
    std::vector<int> byteaColumns;
    QStringList quoted; // each column's name
};

Result<std::optional<std::vector<PgBinaryRead>>> binaryReadPlan(PGconn *conn, const QByteArray &query,
                                                                const std::vector<TypeClass> &classes, bool keyFirst);

// Starts COPY (query) TO STDOUT, binary when every column reads so (then `binary` holds the decoder).
Status startCopy(PGconn *conn, const QString &query, const std::vector<TypeClass> &classes, bool keyFirst,
                 std::optional<PgBinaryRowDecoder> &binary)
{
    auto plan = binaryReadPlan(conn, query.toUtf8(), classes, keyFirst);
    if (!plan)
        return plan.error();
    const QString sql = QStringLiteral("COPY (%1) TO STDOUT%2").arg(query, *plan ? QStringLiteral(" (FORMAT binary)") : QString());
    PgResult r(PQexec(conn, sql.toUtf8().constData()));
    if (PQresultStatus(r.get()) != PGRES_COPY_OUT)
        return makeError(QStringLiteral("reading rows failed: ") + pgError(conn, r.get()), sql);
    binary.reset();
    if (*plan)
        binary.emplace(std::move(**plan), keyFirst);
    return {};
}

// Streams COPY ... TO STDOUT rows into batches, typed by the columns' classes: text COPY
// parsed here, or binary COPY decoded by `binary` (pgbinaryread.h) into the same values.
class PostgresReader final : public RowReader {
public:
    PostgresReader(PGconn *conn, std::vector<TypeClass> classes, bool keyFirst,
                   std::optional<PgBinaryRowDecoder> binary)
        : m_conn(conn), m_classes(std::move(classes)), m_keyFirst(keyFirst), m_binary(std::move(binary))
    {
    }
    bool binary() const { return m_binary.has_value(); }
    ~PostgresReader() override
    {
        if (!m_done)
            abandonCopyOut(m_conn);
    }

    void readBigByteaInPieces(BigByteaRead big) { m_big = std::move(big); }

    Result<int> next(RowBatch &batch, int maxRows) override
    {
        while (true) {
            auto n = nextRows(batch, maxRows);
            // A big row read alone can have vanished: the read goes on after it.
            if (!n || *n > 0 || !m_restartAfter)
                return n;
        }
    }

private:
    Result<int> nextRows(RowBatch &batch, int maxRows)
    {
        batch.reset(int(m_classes.size()));
        if (m_restartAfter) {
            const qint64 after = *m_restartAfter;
            m_restartAfter.reset();
            if (auto st = startCopy(m_conn,
                                    m_big->select + QStringLiteral(" WHERE %1 > %2 AND %1 <= %3 ORDER BY %1").arg(m_big->key, QString::number(after), QString::number(m_big->keyHi)),
                                    m_classes, m_keyFirst, m_binary);
                !st)
                return st.error();
            m_done = false;
        }
        int n = 0;
        while (!m_done && n < maxRows && batch.byteSize() < kBatchByteBudget) {
            char *line = nullptr;
            const int len = PQgetCopyData(m_conn, &line, 0);
            if (len >= int(kDirectRow))
                connectionpool::dropWhenGivenBack(m_conn);
            if (len == -1) {
                m_done = true;
                if (auto st = endCopyOut(m_conn); !st)
                    return st.error();
                if (m_binary && !m_binary->ended())
                    return makeError(QStringLiteral("reading rows failed: the binary COPY data ended without its trailer"));
                break;
            }
            if (len < 0) {
                m_done = true;
                return makeError(QStringLiteral("reading rows failed: ") + pgError(m_conn));
            }
            if (m_binary) {
                auto rows = m_binary->decode(line, size_t(len), batch, m_rowNumber);
                PQfreemem(line);
                if (!rows)
                    return rows.error();
                m_rowNumber += *rows;
                n += *rows;
            } else {
                auto st = parseLine(batch, line, size_t(len), m_rowNumber++);
                PQfreemem(line);
                if (!st)
                    return st.error();
                ++n;
            }
            if (m_big && n > 0 && hasStandIn(batch, n - 1)) {
                if (auto st = readBigRow(batch); !st)
                    return st.error();
                return batch.rows();
            }
        }
        return n;
    }

    // Whether a bytea column of `row` holds the stand-in of a big value.
    bool hasStandIn(const RowBatch &batch, int row) const
    {
        for (const int col : m_big->byteaColumns) {
            const Value &v = batch.value(row, col);
            if (v.type == ValueType::Blob && v.size == quint32(kBigByteaStandIn.size())
                && std::memcmp(batch.bytes(v), kBigByteaStandIn.constData(), v.size) == 0)
                return true;
        }
        return false;
    }

    // The batch's last row has a big value: the COPY ends there. A row after others ends the
    // batch without it (the next batch starts with it: the batch then holds little besides);
    // alone, it is read again, its big values in pieces, in one snapshot; the read then goes
    // on after it.
    Status readBigRow(RowBatch &batch)
    {
        abandonCopyOut(m_conn);
        m_done = true;
        const int row = batch.rows() - 1;
        const qint64 key = batch.key(row);
        batch.removeRows({row});
        if (row > 0) {
            m_restartAfter = batch.lastKey();
            return {};
        }
        if (key < m_big->keyHi)
            m_restartAfter = key;
        const bool began = PQtransactionStatus(m_conn) == PQTRANS_IDLE;
        if (began)
            if (auto st = pgRun(m_conn, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"), QStringLiteral("begin reading a big row")); !st)
                return st;
        auto st = readBigRowInSnapshot(batch, key);
        if (began) {
            if (!st)
                PQclear(PQexec(m_conn, "ROLLBACK"));
            else if (auto end = pgRun(m_conn, QStringLiteral("COMMIT"), QStringLiteral("end reading a big row")); !end)
                return end;
        }
        return st;
    }

    Status readBigRowInSnapshot(RowBatch &batch, qint64 key)
    {
        const QString where = QStringLiteral("%1 = $1").arg(m_big->key);
        RowBatch one;
        {
            auto reader = startCopyOut(m_conn, m_big->select + QStringLiteral(" WHERE %1 = %2").arg(m_big->key, QString::number(key)), m_classes, true);
            if (!reader)
                return reader.error();
            RowBatch more;
            auto n = (*reader)->next(one, 2);
            if (!n)
                return n.error();
            if (*n == 1) {
                auto end = (*reader)->next(more, 1);
                if (!end)
                    return end.error();
            }
            if (*n == 0)
                return {}; // gone since
        }
        batch.beginRow(one.key(0));
        for (int col = 0; col < one.columns(); ++col) {
            const Value &v = one.value(0, col);
            switch (v.type) {
            case ValueType::Null: batch.addNull(); break;
            case ValueType::Integer: batch.addInteger(v.integer); break;
            case ValueType::Real: batch.addReal(v.real); break;
            case ValueType::Text: batch.addText(one.bytes(v), int(v.size)); break;
            case ValueType::Blob: batch.addBlob(one.bytes(v), int(v.size)); break;
            }
        }
        // Which stand-ins are big values (a small value can equal the stand-in: it stays).
        QStringList lengths;
        for (const int col : m_big->byteaColumns)
            lengths << QStringLiteral("octet_length(%1)::bigint").arg(m_big->quoted[col]);
        auto sizes = pgExec(m_conn, QStringLiteral("SELECT %1 FROM %2 WHERE %3").arg(lengths.join(QStringLiteral(", ")), m_big->relation, where),
                            {QString::number(key)});
        if (!sizes)
            return sizes.error();
        if (sizes->rows() != 1)
            return makeError(QStringLiteral("reading a big value of %1 failed: the row changed while it was read").arg(m_big->relation));
        for (size_t i = 0; i < m_big->byteaColumns.size(); ++i) {
            const int col = m_big->byteaColumns[i];
            const Value &v = batch.value(0, col);
            const qint64 size = sizes->isNull(0, int(i)) ? -1 : sizes->text(0, int(i)).toLongLong();
            if (v.type != ValueType::Blob || size < kBigBytea)
                continue;
            char *into = batch.setBlobSpace(0, col, int(size));
            if (auto st = readByteaInPieces(m_conn, m_big->relation, m_big->quoted[col], where, {QString::number(key)}, size,
                                            [&into](const char *p, int n) {
                                                std::memcpy(into, p, size_t(n));
                                                into += n;
                                            });
                !st)
                return st;
        }
        return {};
    }

    Status parseLine(RowBatch &batch, char *line, size_t len, qint64 rowNumber)
    {
        if (len > 0 && line[len - 1] == '\n')
            --len;
        size_t start = 0;
        int field = m_keyFirst ? -1 : 0;
        if (!m_keyFirst)
            batch.beginRow(rowNumber);
        for (size_t i = 0; i <= len;) {
            // The next tab (or the end of the line) closes the field.
            const void *tab = std::memchr(line + i, '\t', len - i);
            i = tab ? size_t(static_cast<const char *>(tab) - line) : len;
            char *p = line + start;
            size_t n = i - start;
            start = i + 1;
            ++i;
            const bool null = n == 2 && p[0] == '\\' && p[1] == 'N';
            if (field == -1) {
                batch.beginRow(parseInteger(p, n));
                ++field;
                continue;
            }
            if (field >= int(m_classes.size()))
                return makeError(QStringLiteral("COPY returned more columns than expected"));
            if (null) {
                batch.addNull();
                ++field;
                continue;
            }
            n = unescapeCopyField(p, n);
            switch (m_classes[size_t(field)]) {
            case TypeClass::SmallInt:
            case TypeClass::Integer:
            case TypeClass::BigInt:
                batch.addInteger(parseInteger(p, n));
                break;
            case TypeClass::Boolean: batch.addInteger(n > 0 && (p[0] == 't' || p[0] == '1') ? 1 : 0); break;
            case TypeClass::Float32:
            case TypeClass::Float64: batch.addReal(parseDouble(p, n)); break;
            case TypeClass::Blob: {
                // bytea hex output: \x0a1b...
                if (n >= 2 && p[0] == '\\' && p[1] == 'x') {
                    m_bytes.clear();
                    for (size_t k = 2; k + 1 < n; k += 2)
                        m_bytes.push_back(char(hexValue(p[k]) * 16 + hexValue(p[k + 1])));
                    batch.addBlob(m_bytes.data(), int(m_bytes.size()));
                } else {
                    batch.addBlob(p, int(n));
                }
                break;
            }
            default: batch.addText(p, int(n)); break;
            }
            ++field;
        }
        if (field != int(m_classes.size()))
            return makeError(QStringLiteral("COPY returned %1 columns, expected %2").arg(field).arg(m_classes.size()));
        return {};
    }

    PGconn *m_conn;
    std::vector<TypeClass> m_classes;
    bool m_keyFirst;
    std::optional<PgBinaryRowDecoder> m_binary;
    bool m_done = false;
    qint64 m_rowNumber = 0;
    std::string m_bytes;
    std::optional<BigByteaRead> m_big;
    std::optional<qint64> m_restartAfter; // a COPY to start, for the keys after this one
};

// How each value column of `query` is read in binary, or nothing when some column (or the
// session) needs the text path. Preparing and describing the query (two short round trips,
// nothing planned or run) gives its result types.
// COCKPIT_PG_TEXT_COPY=1 forces text (to compare both paths).
Result<std::optional<std::vector<PgBinaryRead>>> binaryReadPlan(PGconn *conn, const QByteArray &query,
                                                                const std::vector<TypeClass> &classes, bool keyFirst)
{
    using Reads = std::optional<std::vector<PgBinaryRead>>;
    if (qEnvironmentVariableIntValue("COCKPIT_PG_TEXT_COPY") == 1)
        return Reads();
    // The decoder prints dates and timestamps as the text path gets them in this session
    // (dbconnection.cpp): ISO dates, UTC. Both settings are reported by the server.
    const char *timeZone = PQparameterStatus(conn, "TimeZone");
    const char *dateStyle = PQparameterStatus(conn, "DateStyle");
    if (!timeZone || std::strcmp(timeZone, "UTC") != 0 || !dateStyle || std::strncmp(dateStyle, "ISO,", 4) != 0)
        return Reads();
    PgResult prepared(PQprepare(conn, "", query.constData(), 0, nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK)
        return makeError(QStringLiteral("reading rows failed: ") + pgError(conn, prepared.get()), QString::fromUtf8(query));
    PgResult described(PQdescribePrepared(conn, ""));
    if (PQresultStatus(described.get()) != PGRES_COMMAND_OK)
        return makeError(QStringLiteral("reading rows failed: ") + pgError(conn, described.get()), QString::fromUtf8(query));
    const int first = keyFirst ? 1 : 0;
    if (PQnfields(described.get()) != int(classes.size()) + first)
        return Reads(); // the text path reports the mismatch
    if (keyFirst && !binaryReadableKey(PQftype(described.get(), 0)))
        return Reads();
    std::vector<PgBinaryRead> reads;
    for (size_t i = 0; i < classes.size(); ++i) {
        const auto read = binaryReadOf(PQftype(described.get(), int(i) + first), classes[i]);
        if (!read)
            return Reads();
        reads.push_back(*read);
    }
    return Reads(std::move(reads));
}

} // namespace

Result<std::unique_ptr<RowReader>> pginternal::startCopyOut(PGconn *conn, const QString &query, std::vector<TypeClass> classes,
                                                            bool keyFirst)
{
    std::optional<PgBinaryRowDecoder> binary;
    if (auto st = startCopy(conn, query, classes, keyFirst, binary); !st)
        return st.error();
    return std::unique_ptr<RowReader>(new PostgresReader(conn, std::move(classes), keyFirst, std::move(binary)));
}

bool PostgresEngine::readsBinary(const RowReader &reader)
{
    const auto *r = dynamic_cast<const PostgresReader *>(&reader);
    return r && r->binary();
}

Result<std::unique_ptr<RowReader>> PostgresEngine::openReader(DbConnection &c, const TableSchema &t,
                                                             qint64 afterKey, qint64 keyHi)
{
    QString columns = columnList(t);
    BigByteaRead big;
    // Not inside a transaction: ending a COPY early cancels it, which would abort the transaction.
    if (t.hasCopyKey() && PQtransactionStatus(c.postgres()) == PQTRANS_IDLE) {
        // A big bytea as the stand-in, read in pieces.
        QStringList guarded;
        for (int i = 0; i < t.columns.size(); ++i) {
            const QString q = quoteIdentifier(t.columns[i].name);
            big.quoted << q;
            if (t.columns[i].type.cls != TypeClass::Blob) {
                guarded << q;
                continue;
            }
            big.byteaColumns.push_back(i);
            guarded << byteaOrStandIn(q);
        }
        if (!big.byteaColumns.empty())
            columns = guarded.join(QStringLiteral(", "));
    }
    QString query = QStringLiteral("SELECT %1, %2 FROM %3")
                        .arg(t.hasCopyKey() ? t.copyKey : QStringLiteral("0"), columns, relation(c, t));
    big.select = query;
    if (t.hasCopyKey())
        query += QStringLiteral(" WHERE %1 > %2 AND %1 <= %3 ORDER BY %1").arg(t.copyKey).arg(afterKey).arg(keyHi);
    auto reader = startCopyOut(c.postgres(), query, classesOf(t), true);
    if (!reader || big.byteaColumns.empty())
        return reader;
    big.relation = relation(c, t);
    big.key = t.copyKey;
    big.keyHi = keyHi;
    static_cast<PostgresReader &>(**reader).readBigByteaInPieces(std::move(big));
    return reader;
}

Result<std::unique_ptr<RowReader>> PostgresEngine::openKeyRangeRows(DbConnection &c, const TableSchema &t,
                                                                   const KeyRange &range, qint64 skip)
{
    QString type;
    for (const auto &col : t.columns)
        if (col.name == t.sampledKey)
            type = col.declaredType;
    if (type.isEmpty())
        return makeError(QStringLiteral("the key column \"%1\" of \"%2\" is not in its schema").arg(t.sampledKey, t.name));
    // COPY takes no parameters: the bounds are bound to session settings, and the query reads
    // them back cast to the key's type, so the server compares them as key values.
    PGconn *conn = c.postgres();
    if (auto st = pgRun(conn, QStringLiteral("SELECT set_config('cockpit.key_after', $1, false), "
                                             "set_config('cockpit.key_through', $2, false)"),
                        QStringLiteral("set the key range"), {range.after.value_or(QString()), range.through.value_or(QString())});
        !st)
        return st.error();
    const QString key = quoteIdentifier(t.sampledKey);
    QStringList where;
    if (range.after)
        where << QStringLiteral("%1 > current_setting('cockpit.key_after')::%2").arg(key, type);
    if (range.through)
        where << QStringLiteral("%1 <= current_setting('cockpit.key_through')::%2").arg(key, type);
    const QString query = QStringLiteral("SELECT 0, %1 FROM %2%3 ORDER BY %4 OFFSET %5")
                              .arg(columnList(t), relation(c, t),
                                   where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")), key,
                                   QString::number(skip));
    return startCopyOut(conn, query, classesOf(t), true);
}

Result<std::unique_ptr<RowReader>> PostgresEngine::openOrderedReader(DbConnection &c, const TableSchema &t)
{
    return startCopyOut(c.postgres(),
                        QStringLiteral("SELECT %1 FROM %2 ORDER BY %3").arg(columnList(t), relation(c, t), keyOrder(t)),
                        classesOf(t), false);
}

} // namespace cockpit
