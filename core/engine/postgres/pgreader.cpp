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

    Result<int> next(RowBatch &batch, int maxRows) override
    {
        batch.reset(int(m_classes.size()));
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
                continue;
            }
            auto st = parseLine(batch, line, size_t(len), m_rowNumber++);
            PQfreemem(line);
            if (!st)
                return st.error();
            ++n;
        }
        return n;
    }

private:
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
};

} // namespace

// How each value column of `query` is read in binary, or nothing when some column (or the
// session) needs the text path. Preparing and describing the query (two short round trips,
// nothing planned or run) gives its result types.
// COCKPIT_PG_TEXT_COPY=1 forces text (to compare both paths).
static Result<std::optional<std::vector<PgBinaryRead>>> binaryReadPlan(PGconn *conn, const QByteArray &query,
                                                                       const std::vector<TypeClass> &classes,
                                                                       bool keyFirst)
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

Result<std::unique_ptr<RowReader>> pginternal::startCopyOut(PGconn *conn, const QString &query, std::vector<TypeClass> classes,
                                                            bool keyFirst)
{
    auto plan = binaryReadPlan(conn, query.toUtf8(), classes, keyFirst);
    if (!plan)
        return plan.error();
    const QString sql = QStringLiteral("COPY (%1) TO STDOUT%2").arg(query, *plan ? QStringLiteral(" (FORMAT binary)") : QString());
    PgResult r(PQexec(conn, sql.toUtf8().constData()));
    if (PQresultStatus(r.get()) != PGRES_COPY_OUT)
        return makeError(QStringLiteral("reading rows failed: ") + pgError(conn, r.get()), sql);
    std::optional<PgBinaryRowDecoder> binary;
    if (*plan)
        binary.emplace(std::move(**plan), keyFirst);
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
    QString query = QStringLiteral("SELECT %1, %2 FROM %3")
                        .arg(t.hasCopyKey() ? t.copyKey : QStringLiteral("0"), columnList(t), relation(c, t));
    if (t.hasCopyKey())
        query += QStringLiteral(" WHERE %1 > %2 AND %1 <= %3 ORDER BY %1").arg(t.copyKey).arg(afterKey).arg(keyHi);
    return startCopyOut(c.postgres(), query, classesOf(t), true);
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
