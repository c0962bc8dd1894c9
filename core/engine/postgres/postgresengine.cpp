#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pgbinarycopy.h"
#include "engine/postgres/pgbinaryread.h"
#include "engine/postgres/pgrowhash.h"
#include "engine/connectionpool.h"
#include "engine/rowhasher.h"

#include <QScopeGuard>
#include "engine/valuetext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <cstdlib>
#include <cstring>
#include <charconv>
#include <libpq-fe.h>

namespace cockpit {

namespace {

// Column names aggregated with json_agg: a name may hold any character (a newline, a comma),
// so no separator would do.
QStringList jsonNames(const QString &json)
{
    QStringList names;
    for (const QJsonValue &v : QJsonDocument::fromJson(json.toUtf8()).array())
        names << v.toString();
    return names;
}

const QString kCheckpoint = QString::fromLatin1(kCheckpointTable);

// A PGresult owned for its scope.
class PgResult {
public:
    explicit PgResult(PGresult *r = nullptr) : m_r(r) {}
    ~PgResult() { PQclear(m_r); }
    PgResult(PgResult &&o) noexcept : m_r(o.m_r) { o.m_r = nullptr; }
    PgResult &operator=(PgResult &&o) noexcept
    {
        std::swap(m_r, o.m_r);
        return *this;
    }
    PGresult *get() const { return m_r; }
    int rows() const { return PQntuples(m_r); }
    QString text(int row, int col) const { return QString::fromUtf8(PQgetvalue(m_r, row, col)); }
    bool isNull(int row, int col) const { return PQgetisnull(m_r, row, col); }

private:
    PGresult *m_r;
};

QString pgError(PGconn *conn, PGresult *r = nullptr)
{
    const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
    return QString::fromUtf8(m && *m ? m : PQerrorMessage(conn)).simplified();
}

// Runs `sql` with text parameters; errors carry the statement.
Result<PgResult> pgExec(PGconn *conn, const QString &sql, const QStringList &params = {})
{
    const QByteArray utf8 = sql.toUtf8();
    std::vector<QByteArray> values;
    std::vector<const char *> pointers;
    for (const auto &p : params) {
        values.push_back(p.toUtf8());
    }
    for (const auto &v : values)
        pointers.push_back(v.constData());
    PgResult r(params.isEmpty() ? PQexec(conn, utf8.constData())
                                : PQexecParams(conn, utf8.constData(), int(pointers.size()), nullptr,
                                               pointers.data(), nullptr, nullptr, 0));
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        return makeError(pgError(conn, r.get()), sql);
    return r;
}

// `values` as one text[] literal parameter, each element quoted for the array parser.
QString textArray(const QStringList &values)
{
    QStringList quoted;
    for (QString v : values) {
        v.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        quoted << u'"' + v + u'"';
    }
    return u'{' + quoted.join(u',') + u'}';
}

Status pgRun(PGconn *conn, const QString &sql, const QString &what, const QStringList &params = {})
{
    auto r = pgExec(conn, sql, params);
    if (!r)
        return makeError(what + QStringLiteral(": ") + r.error().message, sql);
    return {};
}

// Ends an abandoned COPY OUT so that the connection can be used (or pooled) again.
void abandonCopyOut(PGconn *conn)
{
    if (PGcancel *c = PQgetCancel(conn)) {
        char e[256];
        PQcancel(c, e, sizeof e);
        PQfreeCancel(c);
    }
    char *buf = nullptr;
    while (PQgetCopyData(conn, &buf, 0) > 0)
        PQfreemem(buf);
    while (PGresult *r = PQgetResult(conn))
        PQclear(r);
}

// After PQgetCopyData said the COPY OUT is over: its outcome, and the connection left idle.
// After a COPY's data (out: read to its end; in: PQputCopyEnd sent): the server's error, empty
// when it succeeded, and the connection left idle either way.
QString copyResultError(PGconn *conn)
{
    PgResult r(PQgetResult(conn));
    const bool ok = PQresultStatus(r.get()) == PGRES_COMMAND_OK;
    const QString error = ok ? QString() : pgError(conn, r.get());
    while (PGresult *more = PQgetResult(conn))
        PQclear(more);
    return error;
}

Status endCopyOut(PGconn *conn)
{
    if (const QString error = copyResultError(conn); !error.isEmpty())
        return makeError(QStringLiteral("reading rows failed: ") + error);
    return {};
}

// The statement that records a copy task's checkpoint in `schema` (quoted), inserted or replaced.
QString checkpointUpsertSql(const QString &schema)
{
    return QStringLiteral("INSERT INTO %1.%2 (task, table_name, run_id, last_key, rows_done, row_hash) "
                          "VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')::bigint) ON CONFLICT (task) DO UPDATE SET "
                          "last_key = EXCLUDED.last_key, rows_done = EXCLUDED.rows_done, row_hash = EXCLUDED.row_hash")
        .arg(schema, PostgresEngine().quoteIdentifier(kCheckpoint));
}

// Inside a batch's transaction, once its rows are in: records `cp` and commits.
Status saveCheckpointAndCommit(PGconn *conn, const QString &upsertSql, const Checkpoint &cp)
{
    if (auto st = pgRun(conn, upsertSql, QStringLiteral("saving the checkpoint"),
                        {cp.task, cp.table, cp.runId, QString::number(cp.lastKey), QString::number(cp.rowsDone),
                         cp.rowHashSum ? QString::number(qint64(*cp.rowHashSum)) : QString()});
        !st)
        return st;
    return pgRun(conn, QStringLiteral("COMMIT"), QStringLiteral("commit batch"));
}

// A row from this size on: a passthrough row ends its batch and is sent from where libpq put it
// (Passthrough::copyBatch; smaller rows are copied together, as per-batch costs outweigh a
// copy), and the connection that read it is not kept (connectionpool::dropWhenGivenBack).
constexpr size_t kDirectRow = size_t(16) << 20;

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
    PostgresWriter(PGconn *conn, QByteArray copySql, QString checkpointSql, std::vector<TypeClass> classes,
                   std::vector<PgBinaryKind> binaryKinds, bool hashes)
        : m_conn(conn), m_copySql(std::move(copySql)), m_binaryCopySql(m_copySql + " (FORMAT binary)"),
          m_checkpointSql(std::move(checkpointSql)), m_classes(std::move(classes)),
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
        if (auto st = saveCheckpointAndCommit(m_conn, m_checkpointSql, cp); !st)
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
    std::vector<TypeClass> m_classes;
    std::vector<PgBinaryKind> m_binaryKinds;
    bool m_hashes; // hashesRows()
    std::string m_buffer; // text COPY
    ByteBuffer m_binary;  // binary COPY
    std::vector<PgCopySplice> m_splices; // values of m_binary sent from the batch instead
};

// pg_constraint's action codes as SQL.
QString referentialAction(const QString &code)
{
    if (code == QLatin1String("r"))
        return QStringLiteral("RESTRICT");
    if (code == QLatin1String("c"))
        return QStringLiteral("CASCADE");
    if (code == QLatin1String("n"))
        return QStringLiteral("SET NULL");
    if (code == QLatin1String("d"))
        return QStringLiteral("SET DEFAULT");
    return QStringLiteral("NO ACTION");
}

std::vector<TypeClass> classesOf(const TableSchema &t)
{
    std::vector<TypeClass> out;
    for (const auto &c : t.columns)
        out.push_back(c.type.cls);
    return out;
}

} // namespace

QString PostgresEngine::quoteIdentifier(const QString &name) const
{
    QString q = name;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}

Status PostgresEngine::checkAccess(DbConnection &c, const QVector<TableSchema> &tables, bool asTarget)
{
    PGconn *conn = c.postgres();
    if (asTarget) {
        auto r = pgExec(conn, QStringLiteral("SELECT current_user, has_schema_privilege($1, 'CREATE')"), {c.schema()});
        if (!r)
            return r.error();
        if (r->text(0, 1) != QLatin1String("t"))
            return makeError(QStringLiteral("user \"%1\" may not create tables in schema \"%2\" of %3 "
                                            "(GRANT CREATE ON SCHEMA %4 TO %5)")
                                 .arg(r->text(0, 0), c.schema(), c.url().display(), quoteIdentifier(c.schema()),
                                      quoteIdentifier(r->text(0, 0))));
        return {};
    }
    QStringList names;
    for (const auto &t : tables)
        names << t.name;
    auto r = pgExec(conn, QStringLiteral("SELECT current_user, t FROM unnest($1::text[]) AS t "
                                         "WHERE NOT has_table_privilege(quote_ident($2) || '.' || quote_ident(t), 'SELECT') "
                                         "ORDER BY t"),
                    {textArray(names), c.schema()});
    if (!r)
        return r.error();
    if (r->rows() == 0)
        return {};
    QStringList denied;
    for (int i = 0; i < r->rows() && i < 5; ++i)
        denied << u'"' + r->text(i, 1) + u'"';
    return makeError(QStringLiteral("user \"%1\" may not read %2 table(s) of %3: %4%5 (GRANT SELECT)")
                         .arg(r->text(0, 0))
                         .arg(r->rows())
                         .arg(c.url().display(), denied.join(QStringLiteral(", ")),
                              r->rows() > 5 ? QStringLiteral(", ...") : QString()));
}

QString PostgresEngine::typeName(const ColumnType &t)
{
    if (t.nativeEngine == EngineKind::PostgreSQL && !t.native.isEmpty())
        return t.native; // PostgreSQL to PostgreSQL: the type exactly as declared
    switch (t.cls) {
    case TypeClass::Boolean: return QStringLiteral("boolean");
    case TypeClass::SmallInt: return QStringLiteral("smallint");
    case TypeClass::Integer: return QStringLiteral("integer");
    case TypeClass::BigInt: return QStringLiteral("bigint");
    case TypeClass::Float32: return QStringLiteral("real");
    case TypeClass::Float64: return QStringLiteral("double precision");
    case TypeClass::Numeric:
        if (t.precision > 0)
            return QStringLiteral("numeric(%1,%2)").arg(t.precision).arg(std::max(0, t.scale));
        return QStringLiteral("numeric");
    // SQLite never pads CHAR(n); varchar(n) keeps the values exactly as they are.
    case TypeClass::Char: return QStringLiteral("varchar(%1)").arg(t.length);
    case TypeClass::VarChar: return QStringLiteral("varchar(%1)").arg(t.length);
    case TypeClass::Text: return QStringLiteral("text");
    case TypeClass::Blob: return QStringLiteral("bytea");
    case TypeClass::Date: return QStringLiteral("date");
    case TypeClass::Time: return QStringLiteral("time");
    case TypeClass::Timestamp: return QStringLiteral("timestamp");
    case TypeClass::TimestampTz: return QStringLiteral("timestamptz");
    case TypeClass::Uuid: return QStringLiteral("uuid");
    case TypeClass::Json: return QStringLiteral("json");
    case TypeClass::Unknown: return QStringLiteral("text");
    }
    return QStringLiteral("text");
}

QString PostgresEngine::relation(const DbConnection &c, const TableSchema &t) const
{
    return (t.partitioned ? QString() : QStringLiteral("ONLY ")) + quoteIdentifier(c.schema()) + u'.' + quoteIdentifier(t.name);
}

QString PostgresEngine::createTableSql(const QString &schema, const TableSchema &t, QStringList *dropped) const
{
    // The primary key comes after the copy (defersPrimaryKey); its columns refuse NULLs from
    // the first row on, as the key would.
    TableSchema body = t;
    for (auto &col : body.columns)
        col.notNull = col.notNull || t.primaryKey.contains(col.name);
    body.primaryKey.clear();
    return QStringLiteral("CREATE TABLE %1.%2 ").arg(quoteIdentifier(schema), quoteIdentifier(t.name))
           + columnDefinitions(body, EngineKind::PostgreSQL, [](const ColumnSchema &c) { return typeName(c.type); }, dropped);
}

Result<QVector<TableSchema>> PostgresEngine::introspect(DbConnection &c)
{
    PGconn *conn = c.postgres();
    // With the schema on the search path, pg_get_indexdef names tables unqualified, so the
    // statement can be replayed in another schema.
    if (auto st = pgRun(conn, QStringLiteral("SELECT set_config('search_path', $1, false)"), QStringLiteral("search path"),
                        {quoteIdentifier(c.schema())});
        !st)
        return st.error();
    auto quoted = pgExec(conn, QStringLiteral("SELECT quote_ident($1)"), {c.schema()});
    if (!quoted)
        return quoted.error();
    const QString qualifier = quoted->text(0, 0) + u'.';
    auto tables = pgExec(conn, QStringLiteral("SELECT c.oid, c.relname, c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                              "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                                              "AND c.relname <> $2 ORDER BY c.relname"),
                         {c.schema(), kCheckpoint});
    if (!tables)
        return tables.error();
    QVector<TableSchema> out;
    for (int i = 0; i < tables->rows(); ++i) {
        TableSchema t;
        const QString oid = tables->text(i, 0);
        t.name = tables->text(i, 1);
        t.partitioned = tables->text(i, 2) == QLatin1String("t");
        auto columns = pgExec(conn, QStringLiteral(
            "SELECT a.attname, t.typname, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, "
            "format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, t.typtype, bt.typname, "
            "t.typnamespace = 'pg_catalog'::regnamespace, pg_get_serial_sequence(a.attrelid::regclass::text, a.attname), "
            "(SELECT max(octet_length(e.enumlabel)) FROM pg_enum e WHERE e.enumtypid = t.oid) "
            "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"), {oid});
        if (!columns)
            return columns.error();
        for (int k = 0; k < columns->rows(); ++k) {
            if (!columns->text(k, 7).isEmpty())
                continue; // generated columns are computed by the target itself
            ColumnSchema col;
            col.name = columns->text(k, 0);
            // A domain copies as its base type.
            const QString typname = columns->text(k, 8) == QLatin1String("d") ? columns->text(k, 9) : columns->text(k, 1);
            col.declaredType = columns->text(k, 3);
            col.type = postgresColumnType(typname, columns->text(k, 2).toInt(), col.declaredType);
            if (columns->text(k, 10) != QLatin1String("t"))
                col.type.native.clear(); // enums, domains, arrays of user types: mapped by class
            if (columns->text(k, 8) == QLatin1String("e")) { // an enum: text as long as its longest label
                col.type.cls = TypeClass::VarChar;
                col.type.length = std::max(1, columns->text(k, 12).toInt());
            }
            col.notNull = columns->text(k, 4) == QLatin1String("t");
            // Identity and serial columns: numbered by their sequence, which is not copied.
            col.sequenceName = columns->text(k, 11);
            col.identity = !columns->text(k, 6).isEmpty()
                           || (!col.sequenceName.isEmpty() && columns->text(k, 5).startsWith(QLatin1String("nextval(")));
            if (!col.identity)
                col.defaultSql = columns->text(k, 5);
            t.columns << col;
        }
        auto pk = pgExec(conn, QStringLiteral("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                                              "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1 AND i.indisprimary "
                                              "ORDER BY array_position(i.indkey::int2[], a.attnum)"), {oid});
        if (!pk)
            return pk.error();
        for (int k = 0; k < pk->rows(); ++k) {
            t.primaryKey << pk->text(k, 0);
            for (auto &col : t.columns)
                if (col.name == t.primaryKey.last())
                    col.primaryKeyPosition = k + 1;
        }
        auto indexes = pgExec(conn, QStringLiteral(
            "SELECT ic.relname, i.indisunique, pg_get_indexdef(i.indexrelid), "
            "(SELECT json_agg(a.attname ORDER BY array_position(i.indkey::int2[], a.attnum)) FROM pg_attribute a "
            " WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)), i.indexprs IS NOT NULL OR i.indpred IS NOT NULL "
            "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = $1 AND NOT i.indisprimary "
            "ORDER BY ic.relname"), {oid});
        if (!indexes)
            return indexes.error();
        for (int k = 0; k < indexes->rows(); ++k) {
            IndexSchema idx;
            idx.name = indexes->text(k, 0);
            idx.unique = indexes->text(k, 1) == QLatin1String("t");
            // pg_get_indexdef always qualifies the table: drop the source schema so the
            // statement replays in the target's (createIndex sets its search path).
            idx.createSql = indexes->text(k, 2).replace(QStringLiteral(" ON ") + qualifier, QStringLiteral(" ON "));
            if (indexes->text(k, 4) != QLatin1String("t"))
                idx.columns = jsonNames(indexes->text(k, 3));
            t.indexes << idx;
        }
        // Unique constraints come with their index above; foreign keys and checks here.
        auto constraints = pgExec(conn, QStringLiteral(
            "SELECT c.conname, c.contype, pg_get_expr(c.conbin, c.conrelid), rc.relname, c.confdeltype, c.confupdtype, "
            "(SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), "
            "(SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
            " JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) "
            "FROM pg_constraint c LEFT JOIN pg_class rc ON rc.oid = c.confrelid "
            "WHERE c.conrelid = $1 AND c.contype IN ('f', 'c') ORDER BY c.conname"), {oid});
        if (!constraints)
            return constraints.error();
        for (int k = 0; k < constraints->rows(); ++k) {
            if (constraints->text(k, 1) == QLatin1String("c")) {
                t.checks << CheckSchema{constraints->text(k, 0), constraints->text(k, 2)};
                continue;
            }
            ForeignKeySchema fk;
            fk.name = constraints->text(k, 0);
            fk.referencedTable = constraints->text(k, 3);
            fk.onDelete = referentialAction(constraints->text(k, 4));
            fk.onUpdate = referentialAction(constraints->text(k, 5));
            fk.columns = jsonNames(constraints->text(k, 6));
            fk.referencedColumns = jsonNames(constraints->text(k, 7));
            t.foreignKeys << fk;
        }
        // The copy key: a single integer primary key; otherwise the table is copied whole.
        if (t.primaryKey.size() == 1)
            for (const auto &col : t.columns)
                if (col.name == t.primaryKey.first() && col.type.isInteger())
                    t.copyKey = quoteIdentifier(col.name);
        // Otherwise one key column of any type (uuid, text, numeric, ...): its text form cast
        // back to the column's type compares exactly as the stored values do.
        if (t.copyKey.isEmpty())
            t.sampledKey = sampledKeyOf(t, [](const ColumnSchema &) { return true; });
        out << t;
    }
    return out;
}

Result<TableStats> PostgresEngine::stats(DbConnection &c, const TableSchema &t)
{
    const QString key = t.hasCopyKey() ? t.copyKey : QStringLiteral("0");
    auto r = pgExec(c.postgres(), QStringLiteral("SELECT count(*), coalesce(min(%1), 0), coalesce(max(%1), 0) FROM %2")
                                      .arg(key, relation(c, t)));
    if (!r)
        return r.error();
    return TableStats{r->text(0, 0).toLongLong(), r->text(0, 1).toLongLong(), r->text(0, 2).toLongLong()};
}

Result<qint64> PostgresEngine::countRange(DbConnection &c, const TableSchema &t, qint64 keyLo, qint64 keyHi)
{
    auto r = pgExec(c.postgres(), QStringLiteral("SELECT count(*) FROM %1 WHERE %2 BETWEEN $1 AND $2")
                                      .arg(relation(c, t), t.copyKey),
                    {QString::number(keyLo), QString::number(keyHi)});
    if (!r)
        return r.error();
    return r->text(0, 0).toLongLong();
}

Status PostgresEngine::prepareTable(DbConnection &c, const TableSchema &t, const QString &runId, PrepareMode mode,
                                    QStringList *warnings)
{
    PGconn *conn = c.postgres();
    const QString schema = quoteIdentifier(c.schema());
    const QString checkpoint = schema + u'.' + quoteIdentifier(kCheckpoint);
    if (auto st = pgRun(conn, QStringLiteral("BEGIN"), QStringLiteral("begin prepare")); !st)
        return st;
    auto fail = [&](const TaskError &e) -> Status {
        PQclear(PQexec(conn, "ROLLBACK"));
        return e;
    };
    // Parallel prepares would race on creating the checkpoint table: serialize them.
    if (auto st = pgRun(conn, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('upgrade-cockpit prepare'))"),
                        QStringLiteral("lock"));
        !st)
        return fail(st.error());
    if (auto st = pgRun(conn, QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (task text PRIMARY KEY, table_name text NOT NULL, "
                                             "run_id text NOT NULL, last_key bigint NOT NULL, rows_done bigint NOT NULL, "
                                             "row_hash bigint)")
                                  .arg(checkpoint),
                        QStringLiteral("create the checkpoint table"));
        !st)
        return fail(st.error());
    auto exists = pgExec(conn, QStringLiteral("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2"),
                         {c.schema(), t.name});
    if (!exists)
        return fail(exists.error());
    if (exists->rows() > 0) {
        auto marker = pgExec(conn, QStringLiteral("SELECT run_id FROM %1 WHERE task = $1").arg(checkpoint),
                             {QStringLiteral("prepare:") + t.name});
        if (!marker)
            return fail(marker.error());
        const bool ours = marker->rows() > 0 && marker->text(0, 0) == runId;
        if (!ours && mode == PrepareMode::FailIfExists)
            return fail(makeError(QStringLiteral("target table \"%1\" already exists in %2; set \"ifTargetExists\": "
                                                 "\"replace\" in the plan to drop and recreate it")
                                      .arg(t.name, c.url().display())));
        // CASCADE: foreign keys and views of an earlier run that point at it go with it (their
        // tasks create them again).
        if (auto st = pgRun(conn, QStringLiteral("DROP TABLE %1.%2 CASCADE").arg(schema, quoteIdentifier(t.name)),
                            QStringLiteral("drop the existing target table"));
            !st)
            return fail(st.error());
    }
    if (auto st = pgRun(conn, QStringLiteral("DELETE FROM %1 WHERE table_name = $1").arg(checkpoint),
                        QStringLiteral("clear old checkpoints"), {t.name});
        !st)
        return fail(st.error());
    const QString create = createTableSql(c.schema(), t, warnings);
    if (auto st = pgRun(conn, create, QStringLiteral("create table \"%1\"").arg(t.name)); !st)
        return fail(st.error());
    if (auto st = pgRun(conn, QStringLiteral("INSERT INTO %1 (task, table_name, run_id, last_key, rows_done) "
                                             "VALUES ($1, $2, $3, 0, 0)")
                                  .arg(checkpoint),
                        QStringLiteral("record the prepare marker"), {QStringLiteral("prepare:") + t.name, t.name, runId});
        !st)
        return fail(st.error());
    if (auto st = pgRun(conn, QStringLiteral("COMMIT"), QStringLiteral("commit prepare")); !st)
        return fail(st.error());
    return {};
}

Result<std::optional<Checkpoint>> PostgresEngine::readCheckpoint(DbConnection &c, const QString &task)
{
    const QString checkpoint = quoteIdentifier(c.schema()) + u'.' + quoteIdentifier(kCheckpoint);
    auto has = pgExec(c.postgres(), QStringLiteral("SELECT to_regclass($1) IS NOT NULL"), {checkpoint});
    if (!has)
        return has.error();
    if (has->text(0, 0) != QLatin1String("t"))
        return std::optional<Checkpoint>();
    auto r = pgExec(c.postgres(), QStringLiteral("SELECT table_name, run_id, last_key, rows_done, row_hash FROM %1 WHERE task = $1")
                                      .arg(checkpoint),
                    {task});
    if (!r)
        return r.error();
    if (r->rows() == 0)
        return std::optional<Checkpoint>();
    Checkpoint cp{task, r->text(0, 0), r->text(0, 1), r->text(0, 2).toLongLong(), r->text(0, 3).toLongLong(), {}};
    if (!r->isNull(0, 4))
        cp.rowHashSum = quint64(r->text(0, 4).toLongLong());
    return std::optional<Checkpoint>(cp);
}

Status PostgresEngine::finishTarget(DbConnection &c)
{
    return pgRun(c.postgres(), QStringLiteral("DROP TABLE IF EXISTS %1.%2").arg(quoteIdentifier(c.schema()), quoteIdentifier(kCheckpoint)),
                 QStringLiteral("drop the checkpoint table"));
}


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

static Result<std::unique_ptr<RowReader>> startCopyOut(PGconn *conn, const QString &query,
                                                        std::vector<TypeClass> classes, bool keyFirst)
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

QString PostgresEngine::readRelation(DbConnection &c, const TableSchema &t) const { return relation(c, t); }

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

Result<std::unique_ptr<RowWriter>> PostgresEngine::openWriter(DbConnection &c, const TableSchema &t)
{
    // A lost commit loses its checkpoint with it, so not waiting for the WAL flush is safe.
    if (auto st = pgRun(c.postgres(), QStringLiteral("SET synchronous_commit = off"), QStringLiteral("session setting")); !st)
        return st.error();
    const QString schema = quoteIdentifier(c.schema());
    const QByteArray copy = QStringLiteral("COPY %1.%2 (%3) FROM STDIN").arg(schema, quoteIdentifier(t.name), columnList(t)).toUtf8();
    const QString checkpoint = checkpointUpsertSql(schema);
    return std::unique_ptr<RowWriter>(new PostgresWriter(c.postgres(), copy, checkpoint, classesOf(t), binaryKinds(t),
                                                         hashesOnServer(c, t)));
}

std::vector<PgBinaryKind> PostgresEngine::binaryKinds(const TableSchema &t)
{
    std::vector<PgBinaryKind> kinds;
    for (const auto &col : t.columns) {
        const auto kind = binaryCopyKind(col.type, typeName(col.type));
        if (!kind)
            return {};
        kinds.push_back(*kind);
    }
    return kinds;
}

bool PostgresEngine::hashesOnServer(DbConnection &c, const TableSchema &t)
{
    const char *encoding = PQparameterStatus(c.postgres(), "server_encoding");
    return encoding && std::strcmp(encoding, "UTF8") == 0 && pgrowhash::covers(binaryKinds(t));
}

Result<TableChecksum> PostgresEngine::serverChecksum(DbConnection &c, const TableSchema &t, IndexBuilds builds,
                                                     std::atomic<qint64> *rowsHashed, qint64 blocksPerPart)
{
    PostgresEngine e;
    QStringList columns;
    for (const auto &col : t.columns)
        columns << e.quoteIdentifier(col.name);
    const QString select = pgrowhash::sumSql(e.relation(c, t), columns, binaryKinds(t));
    // One snapshot for every part; Threads: the batch groups already keep the cores busy.
    if (auto st = pgRun(c.postgres(),
                        QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ%1")
                            .arg(builds == IndexBuilds::Threads ? QStringLiteral("; SET LOCAL max_parallel_workers_per_gather = 0") : QString()),
                        QStringLiteral("begin the checksum"));
        !st)
        return st.error();
    auto rollback = qScopeGuard([&] { PQclear(PQexec(c.postgres(), "ROLLBACK")); });
    qint64 blocks = 0;
    if (!t.partitioned && PQserverVersion(c.postgres()) >= 140000) {
        auto size = pgExec(c.postgres(), QStringLiteral("SELECT pg_relation_size($1::regclass) / current_setting('block_size')::bigint"),
                           {e.qualifiedName(c, t.name)});
        if (!size)
            return size.error();
        blocks = size->text(0, 0).toLongLong();
    }
    QStringList parts;
    if (blocks <= blocksPerPart) {
        parts << select;
    } else {
        for (qint64 lo = 0; lo < blocks; lo += blocksPerPart)
            parts << select + (lo + blocksPerPart < blocks ? QStringLiteral(" WHERE ctid >= '(%1,0)'::tid AND ctid < '(%2,0)'::tid")
                                                                 .arg(lo)
                                                                 .arg(lo + blocksPerPart)
                                                           : QStringLiteral(" WHERE ctid >= '(%1,0)'::tid").arg(lo));
    }
    TableChecksum sum;
    for (const QString &part : parts) {
        auto r = pgExec(c.postgres(), part);
        if (!r)
            return makeError(QStringLiteral("summing the row hashes of \"%1\" on the server failed: %2").arg(t.name, r.error().message),
                             part);
        quint64 partSum = 0;
        if (!pgrowhash::reduceSum(r->text(0, 1), partSum))
            return makeError(QStringLiteral("the server's sum of the row hashes of \"%1\" is not a number: %2").arg(t.name, r->text(0, 1)));
        const qint64 rows = r->text(0, 0).toLongLong();
        sum.rows += rows;
        sum.sum += partSum;
        if (rowsHashed)
            *rowsHashed += rows;
    }
    rollback.dismiss();
    if (auto st = pgRun(c.postgres(), QStringLiteral("COMMIT"), QStringLiteral("end the checksum")); !st)
        return st.error();
    return sum;
}

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

// Walks one binary row: hashes every field's raw bytes into `hasher` (when given) and reads
// the integer at `keyColumn` into `key`. False when the row is not `columns` well-formed fields.
bool walkBinaryRow(const char *p, size_t n, int columns, int keyColumn, RowHasher *hasher, qint64 &key)
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
Result<std::optional<std::pair<char *, size_t>>> nextBinaryRow(PGconn *conn, bool &headerSeen, bool &done, char *&buffer)
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

} // namespace

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

Result<TableChecksum> PostgresEngine::rawChecksum(DbConnection &c, const TableSchema &t, std::atomic<qint64> *rowsHashed)
{
    PostgresEngine e;
    const QString sql = QStringLiteral("COPY (SELECT %1 FROM %2) TO STDOUT (FORMAT binary)").arg(e.columnList(t), e.relation(c, t));
    PgResult r(PQexec(c.postgres(), sql.toUtf8().constData()));
    if (PQresultStatus(r.get()) != PGRES_COPY_OUT)
        return makeError(QStringLiteral("reading rows failed: ") + pgError(c.postgres(), r.get()), sql);
    bool headerSeen = false, done = false;
    char *buffer = nullptr;
    auto cleanUp = qScopeGuard([&] {
        if (buffer)
            PQfreemem(buffer);
        if (!done)
            abandonCopyOut(c.postgres());
    });
    RowHasher hasher;
    TableChecksum sum;
    qint64 unusedKey = 0;
    while (true) {
        auto row = nextBinaryRow(c.postgres(), headerSeen, done, buffer);
        if (!row)
            return row.error();
        if (!*row)
            break;
        if (!walkBinaryRow((*row)->first, (*row)->second, int(t.columns.size()), -1, &hasher, unusedKey))
            return makeError(QStringLiteral("reading rows failed: a binary COPY row does not have %1 fields").arg(t.columns.size()));
        sum.sum += hasher.finishRow();
        if (++sum.rows % 4096 == 0 && rowsHashed)
            *rowsHashed += 4096;
    }
    return sum;
}

Status PostgresEngine::clearTable(DbConnection &c, const TableSchema &t)
{
    return pgRun(c.postgres(), QStringLiteral("TRUNCATE %1.%2").arg(quoteIdentifier(c.schema()), quoteIdentifier(t.name)),
                 QStringLiteral("clear a partial copy of \"%1\"").arg(t.name));
}

namespace {

// For an index or key build's transaction (plan "indexBuilds").
QString workersSetting(IndexBuilds builds)
{
    return builds == IndexBuilds::Threads ? QStringLiteral("SET LOCAL max_parallel_maintenance_workers = 0; ") : QString();
}

} // namespace

Status PostgresEngine::createIndex(DbConnection &c, const TableSchema &t, const IndexSchema &index, IndexBuilds builds)
{
    const QString schema = quoteIdentifier(c.schema());
    QString create = index.createSql;
    if (create.isEmpty()) {
        if (index.columns.isEmpty())
            return makeError(QStringLiteral("index \"%1\" is an expression index; its SQL cannot be translated to "
                                            "PostgreSQL automatically yet")
                                 .arg(index.name));
        create = QStringLiteral("CREATE %1INDEX %2 ON %3.%4 (%5)")
                     .arg(index.unique ? QStringLiteral("UNIQUE ") : QString(), quoteIdentifier(index.name), schema,
                          quoteIdentifier(t.name), quotedList(index.columns));
    }
    // The source's own statement (PostgreSQL to PostgreSQL) names the table unqualified: the
    // transaction's search path puts it in the target schema.
    // The advisory lock makes a rerun wait for a backend still building the same index for a
    // client that was killed (the server runs a multi-statement string to its COMMIT even when
    // the client is gone); then DROP ... IF EXISTS sees that index and the rerun replaces it.
    const QString lockKey = QStringLiteral("upgrade-cockpit index %1.%2").arg(c.schema(), index.name);
    QString quotedKey = lockKey;
    quotedKey.replace(u'\'', QStringLiteral("''"));
    const QString sql = QStringLiteral("BEGIN; SELECT pg_advisory_xact_lock(hashtext('%4')); SET LOCAL search_path = %1; %5"
                                       "DROP INDEX IF EXISTS %1.%2; %3; COMMIT")
                            .arg(schema, quoteIdentifier(index.name), create, quotedKey, workersSetting(builds));
    auto r = pgExec(c.postgres(), sql);
    if (!r) {
        PQclear(PQexec(c.postgres(), "ROLLBACK"));
        return makeError(QStringLiteral("create index \"%1\": %2").arg(index.name, r.error().message), create);
    }
    return {};
}

Result<QString> PostgresEngine::addPrimaryKey(DbConnection &c, const TableSchema &t, IndexBuilds builds)
{
    PGconn *conn = c.postgres();
    const QString table = qualifiedName(c, t.name);
    const QString add = QStringLiteral("ALTER TABLE %1 ADD PRIMARY KEY (%2)").arg(table, quotedList(t.primaryKey));
    auto fail = [&](const TaskError &e) -> Result<QString> {
        PQclear(PQexec(conn, "ROLLBACK"));
        return makeError(QStringLiteral("add the primary key of \"%1\": %2").arg(t.name, e.message), add);
    };
    if (auto st = pgRun(conn, QStringLiteral("BEGIN"), QStringLiteral("begin")); !st)
        return fail(st.error());
    // A rerun waits here for a backend still adding the key for a client that was killed (the
    // server runs "ALTER ...; COMMIT" to its end even when the client is gone), then finds it.
    if (auto st = pgRun(conn, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext($1))"), QStringLiteral("lock"),
                        {QStringLiteral("upgrade-cockpit pk ") + table});
        !st)
        return fail(st.error());
    auto existing = pgExec(conn, QStringLiteral("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'"),
                           {table});
    if (!existing)
        return fail(existing.error());
    if (existing->rows() > 0) { // committed by an attempt whose end the process did not live to record
        PQclear(PQexec(conn, "ROLLBACK"));
        return QStringLiteral("primary key already in place: ") + existing->text(0, 0);
    }
    // No name: the server names it as CREATE TABLE would ("T_pkey").
    if (auto r = pgExec(conn, workersSetting(builds) + add + QStringLiteral("; COMMIT")); !r)
        return fail(r.error());
    return QStringLiteral("primary key added");
}

Result<TableChecksum> PostgresEngine::checksum(DbConnection &c, const TableSchema &t, std::atomic<qint64> *rowsHashed)
{
    auto reader = startCopyOut(c.postgres(),
                               QStringLiteral("SELECT %1 FROM %2").arg(columnList(t), relation(c, t)),
                               classesOf(t), false);
    if (!reader)
        return reader.error();
    return checksumRows(**reader, t, rowsHashed);
}

Result<std::unique_ptr<RowReader>> PostgresEngine::openOrderedReader(DbConnection &c, const TableSchema &t)
{
    return startCopyOut(c.postgres(),
                        QStringLiteral("SELECT %1 FROM %2 ORDER BY %3").arg(columnList(t), relation(c, t), keyOrder(t)),
                        classesOf(t), false);
}

QString PostgresEngine::identityClause(const TableSchema &, const ColumnSchema &column) const
{
    // BY DEFAULT: the copy writes the source's numbers; the identity task moves the sequence on.
    return column.type.isInteger() ? QStringLiteral("GENERATED BY DEFAULT AS IDENTITY") : QString();
}

QString PostgresEngine::qualifiedName(DbConnection &c, const QString &table) const
{
    return quoteIdentifier(c.schema()) + u'.' + quoteIdentifier(table);
}

Result<QVector<ViewSchema>> PostgresEngine::introspectViews(DbConnection &c)
{
    PGconn *conn = c.postgres();
    // With the schema on the search path, pg_get_viewdef names its tables unqualified.
    if (auto st = pgRun(conn, QStringLiteral("SELECT set_config('search_path', $1, false)"), QStringLiteral("search path"),
                        {quoteIdentifier(c.schema())});
        !st)
        return st.error();
    auto views = pgExec(conn, QStringLiteral("SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n "
                                             "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'v' ORDER BY c.relname"),
                        {c.schema()});
    if (!views)
        return views.error();
    QVector<ViewSchema> out;
    for (int i = 0; i < views->rows(); ++i) {
        QString select = views->text(i, 1).trimmed();
        if (select.endsWith(u';'))
            select.chop(1);
        out << ViewSchema{views->text(i, 0), select, {}};
    }
    return out;
}

Result<QVector<QStringList>> PostgresEngine::firstRows(DbConnection &c, const QString &sql, int limit)
{
    auto r = pgExec(c.postgres(), QStringLiteral("SELECT * FROM (%1) q LIMIT %2").arg(sql).arg(limit));
    if (!r)
        return r.error();
    QVector<QStringList> rows;
    for (int i = 0; i < r->rows(); ++i) {
        QStringList row;
        for (int k = 0; k < PQnfields(r->get()); ++k)
            row << (r->isNull(i, k) ? QStringLiteral("NULL") : r->text(i, k));
        rows << row;
    }
    return rows;
}

// Runs `alter` on the table in one transaction after dropping the constraint of that name an
// earlier attempt may have left (so a rerun after kill -9 replaces it).
static Status replaceConstraint(PostgresEngine &e, DbConnection &c, const TableSchema &t, const QString &name,
                                const QString &clause, const QString &what)
{
    const QString table = e.qualifiedName(c, t.name);
    const QString sql = QStringLiteral("BEGIN; SET LOCAL search_path = %1; ALTER TABLE %2 DROP CONSTRAINT IF EXISTS %3; "
                                       "ALTER TABLE %2 ADD %4; COMMIT")
                            .arg(e.quoteIdentifier(c.schema()), table, e.quoteIdentifier(name), clause);
    auto r = pgExec(c.postgres(), sql);
    if (!r) {
        PQclear(PQexec(c.postgres(), "ROLLBACK"));
        return makeError(what + QStringLiteral(": ") + r.error().message, sql);
    }
    return {};
}

Status PostgresEngine::addForeignKey(DbConnection &c, const TableSchema &t, const ForeignKeySchema &fk)
{
    auto st = replaceConstraint(*this, c, t, fk.name, foreignKeyClause(fk), QStringLiteral("foreign key %1").arg(fk.name));
    if (!st)
        if (auto orphans = describeOrphans(c, t, fk); orphans && !orphans->isEmpty())
            return makeError(st.error().message + QStringLiteral("; ") + *orphans, st.error().sql);
    return st;
}

Status PostgresEngine::addCheck(DbConnection &c, const TableSchema &t, const CheckSchema &check)
{
    return replaceConstraint(*this, c, t, check.name, checkClause(check), QStringLiteral("CHECK %1").arg(check.name));
}

Result<qint64> PostgresEngine::resetIdentity(DbConnection &c, const TableSchema &t, const ColumnSchema &column)
{
    PGconn *conn = c.postgres();
    const QString table = qualifiedName(c, t.name);
    const QString col = quoteIdentifier(column.name);
    auto sequence = pgExec(conn, QStringLiteral("SELECT pg_get_serial_sequence($1, $2)"), {table, column.name});
    if (!sequence)
        return sequence.error();
    if (sequence->isNull(0, 0)) // not declared at prepare (e.g. a text key): make it one now
        if (auto st = pgRun(conn, QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 ADD GENERATED BY DEFAULT AS IDENTITY").arg(table, col),
                            QStringLiteral("make \"%1\" an identity column").arg(column.name));
            !st)
            return st.error();
    auto next = pgExec(conn, QStringLiteral("SELECT setval(pg_get_serial_sequence($1, $2), greatest(coalesce(max(%1), 0) + 1, 1), false) "
                                            "FROM %2").arg(col, table),
                       {table, column.name});
    if (!next)
        return makeError(QStringLiteral("moving the sequence of \"%1\" on: %2").arg(column.name, next.error().message), next.error().sql);
    return next->text(0, 0).toLongLong();
}

Status PostgresEngine::createView(DbConnection &c, const ViewSchema &view)
{
    const QString sql = QStringLiteral("BEGIN; SET LOCAL search_path = %1; DROP VIEW IF EXISTS %2; CREATE VIEW %3 AS %4; COMMIT")
                            .arg(quoteIdentifier(c.schema()), qualifiedName(c, view.name),
                                 viewHeader(view, qualifiedName(c, view.name)), view.selectSql);
    auto r = pgExec(c.postgres(), sql);
    if (!r) {
        PQclear(PQexec(c.postgres(), "ROLLBACK"));
        return makeError(QStringLiteral("create view \"%1\": %2").arg(view.name, r.error().message), sql);
    }
    return {};
}

// Preflight -------------------------------------------------------------------------------

Result<QStringList> PostgresEngine::otherSessions(DbConnection &c)
{
    // Other users' sessions show no address or state to a user without pg_read_all_stats:
    // they are listed all the same, with "?".
    auto r = pgExec(c.postgres(), QStringLiteral(
        "SELECT pid, usename, application_name, "
        "CASE WHEN client_port = -1 THEN 'local socket' ELSE host(client_addr) || ':' || client_port END, "
        "state, to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' "
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend' AND application_name IS DISTINCT FROM $1 "
        "ORDER BY backend_start, pid"), {DbConnection::applicationName()});
    if (!r)
        return makeError(QStringLiteral("listing the sessions of %1 failed: %2").arg(c.url().display(), r.error().message));
    QStringList lines;
    for (int i = 0; i < r->rows(); ++i)
        lines << sessionLine(r->text(i, 0), r->text(i, 1), r->text(i, 2), r->text(i, 3), r->text(i, 4), r->text(i, 5));
    return lines;
}

Result<QString> PostgresEngine::describeSession(DbConnection &observer, qint64 session)
{
    // The session's own wait, the relations it waits to lock, and the first session that
    // blocks it (pg_blocking_pids: lock holders, and waiters ahead of it in the queue).
    auto r = pgExec(observer.postgres(), QStringLiteral(
        "SELECT a.state, coalesce(a.wait_event_type, ''), coalesce(a.wait_event, ''), "
        "coalesce(extract(epoch FROM now() - a.query_start)::bigint, 0), left(a.query, 200), "
        "coalesce((SELECT string_agg(DISTINCT coalesce(c.relname, l.locktype), ', ') FROM pg_locks l "
        "LEFT JOIN pg_class c ON c.oid = l.relation WHERE l.pid = a.pid AND NOT l.granted), ''), "
        "coalesce(b.pid::text, ''), coalesce(b.usename::text, ''), coalesce(b.application_name, ''), coalesce(b.state, ''), "
        "left(coalesce(b.query, ''), 200) "
        "FROM pg_stat_activity a LEFT JOIN LATERAL (SELECT s.* FROM pg_stat_activity s "
        "WHERE s.pid = ANY (pg_blocking_pids(a.pid)) ORDER BY s.pid LIMIT 1) b ON true WHERE a.pid = $1"),
        {QString::number(session)});
    if (!r)
        return r.error();
    if (r->rows() == 0)
        return QStringLiteral("the server has no session %1 any more").arg(session);
    const QString state = r->text(0, 0), waitType = r->text(0, 1), waitEvent = r->text(0, 2);
    const QString seconds = r->text(0, 3), query = r->text(0, 4).simplified(), relations = r->text(0, 5);
    if (!r->text(0, 6).isEmpty()) {
        QStringList who;
        for (int i : {8, 7, 9})
            if (!r->text(0, i).isEmpty())
                who << (i == 7 ? QStringLiteral("user ") + r->text(0, i) : r->text(0, i));
        return QStringLiteral("blocked by pid %1 (%2): %3 (%4)")
            .arg(r->text(0, 6), who.join(QStringLiteral(", ")), r->text(0, 10).simplified(),
                 relations.isEmpty() ? QStringLiteral("waiting for %1 %2").arg(waitType, waitEvent)
                                     : QStringLiteral("waiting for a lock on %1").arg(relations));
    }
    if (!waitType.isEmpty() && waitType != QLatin1String("Client"))
        return QStringLiteral("%1 for %2 s, waiting for %3 %4: %5").arg(state, seconds, waitType, waitEvent, query);
    return QStringLiteral("%1 for %2 s, not waiting: %3").arg(state, seconds, query);
}

Result<qint64> PostgresEngine::sizeOnDisk(DbConnection &c, const QVector<TableSchema> &tables)
{
    QStringList names;
    for (const auto &t : tables)
        names << t.name;
    // Partitions are tables of their own in pg_class: a partitioned table counts its partitions.
    auto r = pgExec(c.postgres(), QStringLiteral(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND (c.relname = ANY($2::text[]) OR c.oid IN (SELECT i.inhrelid FROM pg_inherits i "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relnamespace = n.oid AND p.relname = ANY($2::text[])))"),
        {c.schema(), textArray(names)});
    if (!r)
        return r.error();
    return r->text(0, 0).toLongLong();
}

Result<QString> PostgresEngine::dataDirectory(DbConnection &c)
{
    auto r = pgExec(c.postgres(), QStringLiteral("SELECT current_setting('data_directory')"));
    if (!r) {
        QString why = r.error().message;
        why.remove(QRegularExpression(QStringLiteral("^ERROR:\\s*")));
        return makeError(QStringLiteral("the server does not tell its data directory: %1").arg(why));
    }
    return r->text(0, 0);
}

} // namespace cockpit
