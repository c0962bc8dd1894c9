#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqlitestatement.h"
#include "engine/sqlite/sqlitelockholders.h"
#include "engine/sqlite/sqlitewritelock.h"
#include "engine/sqlexpression.h"
#include "engine/rowhasher.h"
#include "engine/valueconvert.h"
#include "engine/valuetext.h"

#include <QFileInfo>
#include <QFuture>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>
#include <QRegularExpression>
#include <QScopeGuard>
#include <array>
#include <atomic>
#include <charconv>
#include <cmath>

namespace cockpit {

namespace {

const QString kCheckpoint = QString::fromLatin1(kCheckpointTable);

// Our SQL functions (row reader, checksum, date scan) live on the connection only while they
// are used: `what` names them in the error. A statement using one must be finalized before
// it is removed (SQLite keeps a function its statements use).
Status addSqlFunction(sqlite3 *db, const char *name, int arguments, void *data, void (*scalar)(sqlite3_context *, int, sqlite3_value **),
                      void (*step)(sqlite3_context *, int, sqlite3_value **), void (*final)(sqlite3_context *),
                      const QString &what)
{
    if (sqlite3_create_function_v2(db, name, arguments, SQLITE_UTF8, data, scalar, step, final, nullptr) != SQLITE_OK)
        return makeError(QStringLiteral("registering %1 failed: %2").arg(what, QString::fromUtf8(sqlite3_errmsg(db))));
    return {};
}

void removeSqlFunction(sqlite3 *db, const char *name, int arguments)
{
    sqlite3_create_function_v2(db, name, arguments, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr, nullptr);
}

// Reads the rows of `SELECT key, values... FROM ...`. Each row is handed, inside SQLite, to a
// function of this reader (`SELECT cockpit_row_N(key, values...) FROM ...`) that appends it to
// the batch through the sqlite3_value API: reading result columns one sqlite3_column_* call at a
// time takes the connection's mutex and error bookkeeping per value, ~17 % of a SQLite ->
// PostgreSQL run's CPU in perf. Tables wider than a function's argument limit use the columns.
class SqliteReader final : public RowReader {
public:
    // `key`: the key expression ("0" when there is none); `from`: " FROM ... [WHERE/ORDER BY]".
    static Result<std::unique_ptr<SqliteReader>> open(sqlite3 *db, const QString &key, const QString &columns,
                                                      int columnCount, const QString &from)
    {
        std::unique_ptr<SqliteReader> r(new SqliteReader(db, columnCount));
        QString select = key + QStringLiteral(", ") + columns;
        if (columnCount + 1 <= kMaxFunctionArguments && !needsSort(db, select, from)) {
            static std::atomic<quint64> counter{0};
            r->m_function = QStringLiteral("cockpit_row_%1").arg(counter.fetch_add(1)).toUtf8();
            if (auto st = addSqlFunction(db, r->m_function.constData(), columnCount + 1, r.get(), appendRow, nullptr,
                                         nullptr, QStringLiteral("the row reader"));
                !st)
                return st.error();
            select = QString::fromUtf8(r->m_function) + u'(' + select + u')';
        }
        auto s = SqliteStatement::prepare(db, QStringLiteral("SELECT ") + select + from);
        if (!s)
            return s.error();
        r->m_stmt = std::move(*s);
        return r;
    }

    ~SqliteReader() override
    {
        m_stmt = SqliteStatement(); // finalized first: SQLite keeps a function its statements use
        if (!m_function.isEmpty())
            removeSqlFunction(m_db, m_function.constData(), m_columns + 1);
    }

    sqlite3_stmt *statement() const { return m_stmt.get(); }

    Result<int> next(RowBatch &batch, int maxRows) override
    {
        batch.reset(m_columns);
        if (m_done)
            return 0;
        m_batch = &batch;
        sqlite3_stmt *s = m_stmt.get();
        int n = 0;
        while (n < maxRows && batch.byteSize() < kBatchByteBudget) {
            const int rc = sqlite3_step(s);
            if (rc == SQLITE_DONE) {
                m_done = true;
                break;
            }
            if (rc != SQLITE_ROW)
                return m_stmt.error(QStringLiteral("reading rows failed"));
            if (m_function.isEmpty())
                appendColumns(s, batch);
            ++n;
        }
        return n;
    }

private:
    static constexpr int kMaxFunctionArguments = 127; // SQLITE_MAX_FUNCTION_ARG's default

    // A sorted statement computes its result columns before sorting: the function would see
    // every row at the first step, in scan order. Such reads (first-difference reports on a
    // table without a usable key) go through the columns.
    static bool needsSort(sqlite3 *db, const QString &select, const QString &from)
    {
        if (!from.contains(QLatin1String(" ORDER BY "))) // only an ORDER BY can make SQLite sort
            return false;
        auto plan = SqliteStatement::prepare(db, QStringLiteral("EXPLAIN QUERY PLAN SELECT ") + select + from);
        if (!plan)
            return true;
        while (sqlite3_step(plan->get()) == SQLITE_ROW)
            if (plan->text(3).contains(QLatin1String("TEMP B-TREE")))
                return true;
        return false;
    }

    SqliteReader(sqlite3 *db, int columns) : m_db(db), m_columns(columns) {}

    static void appendRow(sqlite3_context *context, int argc, sqlite3_value **argv)
    {
        RowBatch &batch = *static_cast<SqliteReader *>(sqlite3_user_data(context))->m_batch;
        batch.beginRow(sqlite3_value_int64(argv[0]));
        for (int i = 1; i < argc; ++i) {
            sqlite3_value *v = argv[i];
            switch (sqlite3_value_type(v)) {
            case SQLITE_NULL: batch.addNull(); break;
            case SQLITE_INTEGER: batch.addInteger(sqlite3_value_int64(v)); break;
            case SQLITE_FLOAT: batch.addReal(sqlite3_value_double(v)); break;
            case SQLITE_TEXT: {
                const auto *p = reinterpret_cast<const char *>(sqlite3_value_text(v));
                batch.addText(p, sqlite3_value_bytes(v));
                break;
            }
            default: {
                const void *p = sqlite3_value_blob(v);
                batch.addBlob(p, sqlite3_value_bytes(v));
                break;
            }
            }
        }
        sqlite3_result_null(context);
    }

    void appendColumns(sqlite3_stmt *s, RowBatch &batch)
    {
        batch.beginRow(sqlite3_column_int64(s, 0));
        for (int col = 1; col <= m_columns; ++col) {
            switch (sqlite3_column_type(s, col)) {
            case SQLITE_NULL: batch.addNull(); break;
            case SQLITE_INTEGER: batch.addInteger(sqlite3_column_int64(s, col)); break;
            case SQLITE_FLOAT: batch.addReal(sqlite3_column_double(s, col)); break;
            case SQLITE_TEXT: {
                const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(s, col));
                batch.addText(p, sqlite3_column_bytes(s, col));
                break;
            }
            default: {
                const void *p = sqlite3_column_blob(s, col);
                batch.addBlob(p, sqlite3_column_bytes(s, col));
                break;
            }
            }
        }
    }

    sqlite3 *m_db;
    int m_columns;
    QByteArray m_function; // empty: read through the columns
    SqliteStatement m_stmt;
    RowBatch *m_batch = nullptr; // the batch next() fills
    bool m_done = false;
};

// Bulk-load settings for a target being created: no fsync per commit (WAL keeps it
// consistent after a crash or kill -9), a larger page cache, temp data in memory.
const char kBulkLoadPragmas[] = "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY";
// Scans (copy reads, checksums) read each page once and the OS caches the file: a small page
// cache per connection keeps the process within its memory bound when several scans run at
// once (at 5,000,000 rows, 32 MB per scan put the SQLite demo's peak at 208 MB).
const QString kReadPragmas = QStringLiteral("PRAGMA cache_size=-8192");

// Binds an exact decimal that arrives as text (PostgreSQL numeric, MariaDB decimal) the way
// SQLite's NUMERIC affinity stores it - an integer, or a real - but only when that is exact;
// otherwise as text, every digit kept (see sqliteTypeName: such columns have BLOB affinity).
void bindDecimal(sqlite3_stmt *s, int p, const char *text, size_t size)
{
    const std::string canonical = canonicalDecimal(text, size);
    const char *begin = canonical.data(), *end = begin + canonical.size();
    qint64 integer = 0;
    if (auto r = std::from_chars(begin, end, integer); r.ec == std::errc() && r.ptr == end) {
        sqlite3_bind_int64(s, p, integer);
        return;
    }
    double real = 0;
    if (auto r = std::from_chars(begin, end, real); r.ec == std::errc() && r.ptr == end) {
        std::string back;
        appendShortestDouble(back, real);
        if (canonicalDecimal(back.data(), back.size()) == canonical) {
            sqlite3_bind_double(s, p, real);
            return;
        }
    }
    sqlite3_bind_text(s, p, size ? text : "", int(size), SQLITE_STATIC);
}

class SqliteWriter final : public RowWriter {
public:
    SqliteWriter(DbConnection &c, SqliteStatement insert, SqliteStatement checkpoint, std::vector<bool> decimals)
        : m_connection(c), m_db(c.sqlite()), m_insert(std::move(insert)), m_checkpoint(std::move(checkpoint)),
          m_decimals(std::move(decimals))
    {
    }

    Status writeBatch(const RowBatch &batch, Checkpoint &cp) override
    {
        auto lock = SqliteWriteLock::acquire(m_connection);
        if (!lock)
            return lock.error();
        // IMMEDIATE takes the write lock up front: parallel chunk writers queue on the busy
        // timeout instead of deadlocking on a lock upgrade.
        if (auto st = sqliteExec(m_db, QStringLiteral("BEGIN IMMEDIATE"), QStringLiteral("begin batch")); !st)
            return st;
        auto fail = [&](TaskError e) -> Status {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            return e;
        };
        sqlite3_stmt *s = m_insert.get();
        for (int row = 0; row < batch.rows(); ++row) {
            for (int col = 0; col < batch.columns(); ++col) {
                const Value &v = batch.value(row, col);
                const int p = col + 1;
                switch (v.type) {
                case ValueType::Null: sqlite3_bind_null(s, p); break;
                case ValueType::Integer: sqlite3_bind_int64(s, p, v.integer); break;
                case ValueType::Real: sqlite3_bind_double(s, p, v.real); break;
                // SQLite binds a null pointer as NULL: an empty value (in a batch whose byte
                // arena is empty, data() is null) must point somewhere to stay ''.
                case ValueType::Text:
                    if (m_decimals[size_t(col)])
                        bindDecimal(s, p, batch.bytes(v), v.size);
                    else
                        sqlite3_bind_text(s, p, v.size ? batch.bytes(v) : "", int(v.size), SQLITE_STATIC);
                    break;
                case ValueType::Blob: sqlite3_bind_blob(s, p, v.size ? batch.bytes(v) : "", int(v.size), SQLITE_STATIC); break;
                }
            }
            const int rc = sqlite3_step(s);
            sqlite3_reset(s);
            if (rc != SQLITE_DONE)
                return fail(m_insert.error(QStringLiteral("inserting a row failed (source key %1)")
                                               .arg(batch.key(row))));
        }
        sqlite3_stmt *c = m_checkpoint.get();
        const QByteArray task = cp.task.toUtf8(), table = cp.table.toUtf8(), run = cp.runId.toUtf8();
        sqlite3_bind_text(c, 1, task.constData(), int(task.size()), SQLITE_STATIC);
        sqlite3_bind_text(c, 2, table.constData(), int(table.size()), SQLITE_STATIC);
        sqlite3_bind_text(c, 3, run.constData(), int(run.size()), SQLITE_STATIC);
        sqlite3_bind_int64(c, 4, cp.lastKey);
        sqlite3_bind_int64(c, 5, cp.rowsDone);
        if (cp.rowHashSum)
            sqlite3_bind_int64(c, 6, sqlite3_int64(*cp.rowHashSum));
        else
            sqlite3_bind_null(c, 6);
        if (auto st = m_checkpoint.exec(QStringLiteral("saving the checkpoint failed")); !st)
            return fail(st.error());
        if (auto st = sqliteExec(m_db, QStringLiteral("COMMIT"), QStringLiteral("commit batch")); !st)
            return fail(st.error());
        return {};
    }

private:
    DbConnection &m_connection;
    sqlite3 *m_db;
    SqliteStatement m_insert;
    SqliteStatement m_checkpoint;
    std::vector<bool> m_decimals; // per column: an exact decimal (TypeClass::Numeric)
};

// A token of SQLite DDL: a bare word, a quoted name or literal, or one other character.
struct SqlToken {
    qsizetype at = 0;
    qsizetype size = 0;
    bool word = false;
};

QVector<SqlToken> tokenize(const QString &sql)
{
    QVector<SqlToken> out;
    qsizetype i = 0;
    while (i < sql.size()) {
        const QChar ch = sql[i];
        if (ch.isSpace()) {
            ++i;
        } else if (sql.mid(i, 2) == QLatin1String("--")) {
            while (i < sql.size() && sql[i] != u'\n')
                ++i;
        } else if (sql.mid(i, 2) == QLatin1String("/*")) {
            const qsizetype end = sql.indexOf(QLatin1String("*/"), i + 2);
            i = end < 0 ? sql.size() : end + 2;
        } else if (const qsizetype n = quotedLength(sql, i, u"'\"`["); n > 0) {
            out << SqlToken{i, n, false};
            i += n;
        } else if (ch.isLetterOrNumber() || ch == u'_') {
            qsizetype end = i + 1;
            while (end < sql.size() && (sql[end].isLetterOrNumber() || sql[end] == u'_' || sql[end] == u'$'))
                ++end;
            out << SqlToken{i, end - i, true};
            i = end;
        } else {
            out << SqlToken{i, 1, false};
            ++i;
        }
    }
    return out;
}

bool isWord(const QString &sql, const SqlToken &t, QLatin1String word)
{
    return t.word && QStringView(sql).mid(t.at, t.size).compare(word, Qt::CaseInsensitive) == 0;
}

// The CHECK constraints of a CREATE TABLE (column and table constraints), in order. SQLite
// keeps only the statement, so they are read from it.
QVector<CheckSchema> checksOf(const QString &table, const QString &createSql)
{
    const QVector<SqlToken> tokens = tokenize(createSql);
    QVector<CheckSchema> out;
    for (qsizetype k = 0; k + 1 < tokens.size(); ++k) {
        if (!isWord(createSql, tokens[k], QLatin1String("CHECK")) || createSql[tokens[k + 1].at] != u'(')
            continue;
        int depth = 0;
        qsizetype end = k + 1;
        for (; end < tokens.size(); ++end) {
            const QChar ch = tokens[end].size == 1 ? createSql[tokens[end].at] : QChar();
            depth += ch == u'(' ? 1 : ch == u')' ? -1 : 0;
            if (depth == 0)
                break;
        }
        if (end >= tokens.size())
            break; // unbalanced: SQLite itself would not have accepted it
        CheckSchema check;
        const qsizetype from = tokens[k + 1].at + 1;
        check.expression = createSql.mid(from, tokens[end].at - from).trimmed();
        if (k >= 2 && isWord(createSql, tokens[k - 2], QLatin1String("CONSTRAINT")))
            check.name = unquoteIdentifier(createSql.mid(tokens[k - 1].at, tokens[k - 1].size));
        else
            check.name = QStringLiteral("ck_%1_%2").arg(table).arg(out.size() + 1);
        out << check;
        k = end;
    }
    return out;
}

// The query of a CREATE VIEW: what follows its first top-level AS.
QString viewSelect(const QString &createSql)
{
    int depth = 0;
    for (const auto &t : tokenize(createSql)) {
        const QChar ch = t.size == 1 ? createSql[t.at] : QChar();
        depth += ch == u'(' ? 1 : ch == u')' ? -1 : 0;
        if (depth == 0 && isWord(createSql, t, QLatin1String("AS")))
            return createSql.mid(t.at + t.size).trimmed();
    }
    return createSql;
}

// The column names a CREATE VIEW declares ("CREATE VIEW v (a, "b c") AS ..."); empty when it
// declares none and the query's own names are the view's.
QStringList viewColumns(const QString &createSql)
{
    QStringList names;
    int depth = 0;
    bool inList = false;
    qsizetype start = -1;
    for (const auto &t : tokenize(createSql)) {
        const QChar ch = t.size == 1 ? createSql[t.at] : QChar();
        if (depth == 0 && !inList && isWord(createSql, t, QLatin1String("AS")))
            break;
        if (ch == u'(') {
            if (depth++ == 0 && !inList) {
                inList = true;
                start = t.at + 1;
            }
        } else if (ch == u')' || (ch == u',' && depth == 1 && inList)) {
            if (ch == u')' && --depth > 0)
                continue;
            if (inList && start >= 0)
                names << unquoteIdentifier(createSql.mid(start, t.at - start).trimmed());
            start = t.at + 1;
            if (ch == u')')
                return names;
        }
    }
    return {};
}

// A string literal for statements built as text.
QString literal(const QString &s)
{
    QString q = s;
    q.replace(u'\'', QStringLiteral("''"));
    return u'\'' + q + u'\'';
}

QString keyBounds(const TableSchema &t)
{
    return QStringLiteral(" WHERE %1 > ?1 AND %1 <= ?2 ORDER BY %1").arg(t.copyKey);
}

} // namespace

QString SqliteEngine::quoteIdentifier(const QString &name) const
{
    QString q = name;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}

Result<QVector<TableSchema>> SqliteEngine::introspect(DbConnection &c)
{
    sqlite3 *db = c.sqlite();
    auto tables = SqliteStatement::prepare(
        db, QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT "
                           "LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '%1' ORDER BY name")
                .arg(kCheckpoint));
    if (!tables)
        return tables.error();
    auto columns = SqliteStatement::prepare(
        db, QStringLiteral("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM "
                           "pragma_table_xinfo(?1) ORDER BY cid"));
    auto indexes = SqliteStatement::prepare(
        db, QStringLiteral("SELECT il.name, il.\"unique\", m.sql, il.origin FROM pragma_index_list(?1) il "
                           "LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = il.name "
                           "WHERE il.origin IN ('c', 'u') ORDER BY il.name"));
    auto foreignKeys = SqliteStatement::prepare(
        db, QStringLiteral("SELECT id, \"table\", \"from\", \"to\", on_delete, on_update FROM "
                           "pragma_foreign_key_list(?1) ORDER BY id, seq"));
    if (!foreignKeys)
        return foreignKeys.error();
    auto indexColumns = SqliteStatement::prepare(
        db, QStringLiteral("SELECT name FROM pragma_index_info(?1) ORDER BY seqno"));
    if (!columns)
        return columns.error();
    if (!indexes)
        return indexes.error();
    if (!indexColumns)
        return indexColumns.error();

    static const QRegularExpression withoutRowid(QStringLiteral("\\bWITHOUT\\s+ROWID\\b"),
                                                 QRegularExpression::CaseInsensitiveOption);
    QVector<TableSchema> out;
    while (true) {
        const int rc = sqlite3_step(tables->get());
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW)
            return tables->error(QStringLiteral("listing tables failed"));
        TableSchema t;
        t.name = tables->text(0);
        t.createSql = tables->text(1);
        if (t.createSql.startsWith(QLatin1String("CREATE VIRTUAL"), Qt::CaseInsensitive))
            continue; // virtual tables (FTS, R*Tree) are recreated from their module, not copied

        const QByteArray name = t.name.toUtf8();
        sqlite3_bind_text(columns->get(), 1, name.constData(), -1, SQLITE_TRANSIENT);
        QMap<int, QString> pk;
        while (sqlite3_step(columns->get()) == SQLITE_ROW) {
            if (sqlite3_column_int(columns->get(), 5) != 0)
                continue; // generated or hidden columns are computed by the target itself
            ColumnSchema col;
            col.name = columns->text(0);
            col.declaredType = columns->text(1);
            col.type = sqliteColumnType(col.declaredType);
            col.notNull = sqlite3_column_int(columns->get(), 2) != 0;
            col.defaultSql = columns->text(3);
            col.primaryKeyPosition = sqlite3_column_int(columns->get(), 4);
            if (col.primaryKeyPosition > 0)
                pk.insert(col.primaryKeyPosition, col.name);
            t.columns << col;
        }
        sqlite3_reset(columns->get());
        t.primaryKey = pk.values();

        sqlite3_bind_text(indexes->get(), 1, name.constData(), -1, SQLITE_TRANSIENT);
        while (sqlite3_step(indexes->get()) == SQLITE_ROW) {
            IndexSchema idx;
            idx.name = indexes->text(0);
            idx.unique = sqlite3_column_int(indexes->get(), 1) != 0;
            idx.createSql = indexes->text(2);
            const QByteArray iname = idx.name.toUtf8();
            sqlite3_bind_text(indexColumns->get(), 1, iname.constData(), -1, SQLITE_TRANSIENT);
            while (sqlite3_step(indexColumns->get()) == SQLITE_ROW)
                idx.columns << indexColumns->text(0);
            sqlite3_reset(indexColumns->get());
            if (indexes->text(3) == QLatin1String("u")) {
                // A UNIQUE constraint: its automatic index has a reserved name and no SQL.
                idx.name = QStringLiteral("uq_%1_%2").arg(t.name, idx.columns.join(u'_'));
                idx.declaredByTable = true;
            }
            t.indexes << idx;
        }
        sqlite3_reset(indexes->get());

        sqlite3_bind_text(foreignKeys->get(), 1, name.constData(), -1, SQLITE_TRANSIENT);
        int lastId = -1;
        while (sqlite3_step(foreignKeys->get()) == SQLITE_ROW) {
            const int id = sqlite3_column_int(foreignKeys->get(), 0);
            if (id != lastId) {
                ForeignKeySchema fk;
                fk.referencedTable = foreignKeys->text(1);
                fk.onDelete = foreignKeys->text(4);
                fk.onUpdate = foreignKeys->text(5);
                t.foreignKeys << fk;
                lastId = id;
            }
            ForeignKeySchema &fk = t.foreignKeys.last();
            fk.columns << foreignKeys->text(2);
            fk.referencedColumns << foreignKeys->text(3); // empty: the parent's primary key
        }
        sqlite3_reset(foreignKeys->get());
        for (auto &fk : t.foreignKeys) // SQLite keeps no names for foreign keys
            fk.name = QStringLiteral("fk_%1_%2").arg(t.name, fk.columns.join(u'_'));
        t.checks = checksOf(t.name, t.createSql);

        if (!withoutRowid.match(t.createSql).hasMatch()) {
            if (t.primaryKey.size() == 1) {
                for (auto &col : t.columns)
                    if (col.name == t.primaryKey.first()
                        && col.declaredType.compare(QLatin1String("INTEGER"), Qt::CaseInsensitive) == 0) {
                        t.copyKey = quoteIdentifier(col.name); // an alias of the rowid
                        col.identity = true; // numbered by SQLite when an insert leaves it out
                    }
            }
            if (t.copyKey.isEmpty()) {
                for (const auto &alias : {QStringLiteral("rowid"), QStringLiteral("_rowid_"),
                                            QStringLiteral("oid")}) {
                    bool shadowed = false;
                    for (const auto &col : t.columns)
                        shadowed |= col.name.compare(alias, Qt::CaseInsensitive) == 0;
                    if (!shadowed) {
                        t.copyKey = alias;
                        break;
                    }
                }
            }
        }
        // A WITHOUT ROWID table is split by its text primary key. Text affinity only: a bound
        // text value then compares as the stored keys do (another affinity would convert it).
        if (t.copyKey.isEmpty() && t.primaryKey.size() == 1)
            for (const auto &col : t.columns)
                if (col.name == t.primaryKey.first() && col.type.isText())
                    t.sampledKey = col.name;
        out << t;
    }
    // A foreign key written without the parent's columns references its primary key.
    for (auto &t : out)
        for (auto &fk : t.foreignKeys)
            if (fk.referencedColumns.join(QString()).isEmpty())
                for (const auto &parent : out)
                    if (parent.name.compare(fk.referencedTable, Qt::CaseInsensitive) == 0)
                        fk.referencedColumns = parent.primaryKey;
    return out;
}

Result<QVector<ViewSchema>> SqliteEngine::introspectViews(DbConnection &c)
{
    auto views = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY name"));
    if (!views)
        return views.error();
    QVector<ViewSchema> out;
    while (sqlite3_step(views->get()) == SQLITE_ROW)
        out << ViewSchema{views->text(0), viewSelect(views->text(1)), viewColumns(views->text(1))};
    return out;
}

Result<TableStats> SqliteEngine::stats(DbConnection &c, const TableSchema &t)
{
    const QString key = t.hasCopyKey() ? t.copyKey : QStringLiteral("0");
    // Three subqueries, not one SELECT: alone, count(*) walks the smallest b-tree without
    // decoding a row and min/max seek the key's ends; together SQLite would read every row
    // (0.10 s vs 0.01 s for the 1,000,000-row INVENTTRANS).
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT (SELECT count(*) FROM %2), (SELECT min(%1) FROM %2), "
                                                                 "(SELECT max(%1) FROM %2)")
                                                      .arg(key, quoteIdentifier(t.name)));
    if (!s)
        return s.error();
    if (sqlite3_step(s->get()) != SQLITE_ROW)
        return s->error(QStringLiteral("counting rows of \"%1\" failed").arg(t.name));
    TableStats st;
    st.rows = sqlite3_column_int64(s->get(), 0);
    st.minKey = sqlite3_column_int64(s->get(), 1);
    st.maxKey = sqlite3_column_int64(s->get(), 2);
    return st;
}

Result<qint64> SqliteEngine::countRange(DbConnection &c, const TableSchema &t, qint64 keyLo, qint64 keyHi)
{
    if (!t.hasCopyKey()) {
        auto all = stats(c, t);
        if (!all)
            return all.error();
        return all->rows;
    }
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT count(*) FROM %1 WHERE %2 BETWEEN ?1 AND ?2")
                                                      .arg(quoteIdentifier(t.name), t.copyKey));
    if (!s)
        return s.error();
    sqlite3_bind_int64(s->get(), 1, keyLo);
    sqlite3_bind_int64(s->get(), 2, keyHi);
    if (sqlite3_step(s->get()) != SQLITE_ROW)
        return s->error(QStringLiteral("counting rows of \"%1\" failed").arg(t.name));
    return qint64(sqlite3_column_int64(s->get(), 0));
}

QString SqliteEngine::createTableSql(const TableSchema &t, QStringList *dropped) const
{
    // SQLite cannot add constraints to an existing table: foreign keys and checks are declared
    // here, and the constraint tasks verify them after the copy. (Foreign keys are not
    // enforced while loading: the writer's connection leaves foreign_keys off.)
    QStringList constraints;
    for (const auto &fk : t.foreignKeys)
        constraints << foreignKeyClause(fk);
    for (const auto &check : t.checks)
        constraints << checkClause(check);
    // An identity key must be declared INTEGER to be the rowid SQLite numbers.
    const auto typeOf = [&t](const ColumnSchema &c) {
        return c.identity && t.primaryKey == QStringList{c.name} ? QStringLiteral("INTEGER") : sqliteTypeName(c.type);
    };
    return QStringLiteral("CREATE TABLE %1 ").arg(quoteIdentifier(t.name))
           + columnDefinitions(t, EngineKind::SQLite, typeOf, dropped, constraints);
}

Status SqliteEngine::createTableWithChecks(sqlite3 *db, const TableSchema &t, QStringList *warnings) const
{
    const QString what = QStringLiteral("create table \"%1\"").arg(t.name);
    const bool created = sqliteExec(db, createTableSql(t, warnings), what).ok();
    // SQLite accepts a CHECK naming an unknown function and fails every insert later: each
    // expression must also prepare against the new table.
    TableSchema kept = t;
    kept.checks.clear();
    for (const auto &check : t.checks) {
        auto probe = SqliteStatement::prepare(db, QStringLiteral("SELECT 1 FROM %1 WHERE NOT (%2)")
                                                      .arg(quoteIdentifier(t.name), check.expression));
        if (probe)
            kept.checks << check;
        else if (warnings)
            *warnings << QStringLiteral("CHECK %1 (%2) is not valid SQLite and was not declared: %3")
                             .arg(check.name, check.expression, probe.error().message);
    }
    if (created && kept.checks.size() == t.checks.size())
        return {};
    if (created)
        if (auto st = sqliteExec(db, QStringLiteral("DROP TABLE %1").arg(quoteIdentifier(t.name)), what); !st)
            return st;
    return sqliteExec(db, createTableSql(kept, nullptr), what);
}

Status SqliteEngine::prepareTable(DbConnection &c, const TableSchema &t, const QString &runId,
                                  PrepareMode mode, QStringList *warnings)
{
    sqlite3 *db = c.sqlite();
    // WAL: readers (validation, the UI's status) never block the loader; synchronous=NORMAL
    // commits without fsync yet stays consistent after a crash or kill -9.
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    if (auto st = sqliteExec(db, QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("set WAL")); !st)
        return st;
    if (auto st = sqliteExec(db, QStringLiteral("BEGIN IMMEDIATE"), QStringLiteral("begin prepare")); !st)
        return st;
    auto fail = [&](const TaskError &e) -> Status {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    };
    if (auto st = sqliteExec(db, QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (task TEXT PRIMARY KEY, "
                                                "table_name TEXT NOT NULL, run_id TEXT NOT NULL, "
                                                "last_key INTEGER NOT NULL, rows_done INTEGER NOT NULL, row_hash INTEGER)")
                                 .arg(quoteIdentifier(kCheckpoint)),
                             QStringLiteral("create the checkpoint table"));
        !st)
        return fail(st.error());

    auto exists = SqliteStatement::prepare(db, QStringLiteral("SELECT name FROM sqlite_master WHERE "
                                                              "type = 'table' AND name = ?1 COLLATE NOCASE"));
    auto marker = SqliteStatement::prepare(db, QStringLiteral("SELECT run_id FROM %1 WHERE task = ?1")
                                                   .arg(quoteIdentifier(kCheckpoint)));
    if (!exists)
        return fail(exists.error());
    if (!marker)
        return fail(marker.error());
    const QByteArray name = t.name.toUtf8();
    const QByteArray markerTask = (QStringLiteral("prepare:") + t.name).toUtf8();
    sqlite3_bind_text(exists->get(), 1, name.constData(), -1, SQLITE_STATIC);
    if (sqlite3_step(exists->get()) == SQLITE_ROW) {
        const QString existing = exists->text(0);
        sqlite3_bind_text(marker->get(), 1, markerTask.constData(), -1, SQLITE_STATIC);
        const bool ours = sqlite3_step(marker->get()) == SQLITE_ROW && marker->text(0) == runId;
        // SQLite refuses DROP TABLE ("database table is locked") while a statement of this
        // connection is still positioned on a row: finish both lookups first.
        sqlite3_reset(exists->get());
        sqlite3_reset(marker->get());
        if (!ours && mode == PrepareMode::FailIfExists)
            return fail(makeError(QStringLiteral("target table \"%1\" already exists in %2; set "
                                                 "\"ifTargetExists\": \"replace\" in the plan to "
                                                 "drop and recreate it")
                                      .arg(existing, c.url().display())));
        if (auto st = sqliteExec(db, QStringLiteral("DROP TABLE %1").arg(quoteIdentifier(existing)),
                                 QStringLiteral("drop the existing target table"));
            !st)
            return fail(st.error());
    }
    exists = SqliteStatement::prepare(db, QStringLiteral("DELETE FROM %1 WHERE table_name = ?1")
                                              .arg(quoteIdentifier(kCheckpoint)));
    if (!exists)
        return fail(exists.error());
    sqlite3_bind_text(exists->get(), 1, name.constData(), -1, SQLITE_STATIC);
    if (auto st = exists->exec(QStringLiteral("clear old checkpoints")); !st)
        return fail(st.error());

    const Status created = t.createSql.isEmpty()
                               ? createTableWithChecks(db, t, warnings)
                               : sqliteExec(db, t.createSql, QStringLiteral("create table \"%1\"").arg(t.name));
    if (!created)
        return fail(created.error());
    auto insertMarker = SqliteStatement::prepare(
        db, QStringLiteral("INSERT INTO %1 (task, table_name, run_id, last_key, rows_done) "
                           "VALUES (?1, ?2, ?3, 0, 0)")
                .arg(quoteIdentifier(kCheckpoint)));
    if (!insertMarker)
        return fail(insertMarker.error());
    const QByteArray run = runId.toUtf8();
    sqlite3_bind_text(insertMarker->get(), 1, markerTask.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_text(insertMarker->get(), 2, name.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_text(insertMarker->get(), 3, run.constData(), -1, SQLITE_STATIC);
    if (auto st = insertMarker->exec(QStringLiteral("record the prepare marker")); !st)
        return fail(st.error());
    if (auto st = sqliteExec(db, QStringLiteral("COMMIT"), QStringLiteral("commit prepare")); !st)
        return fail(st.error());
    return {};
}

Result<std::optional<Checkpoint>> SqliteEngine::readCheckpoint(DbConnection &c, const QString &task)
{
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT table_name, run_id, last_key, "
                                                                 "rows_done, row_hash FROM %1 WHERE task = ?1")
                                                      .arg(quoteIdentifier(kCheckpoint)));
    if (!s) // no checkpoint table yet: nothing committed
        return std::optional<Checkpoint>();
    const QByteArray name = task.toUtf8();
    sqlite3_bind_text(s->get(), 1, name.constData(), -1, SQLITE_STATIC);
    const int rc = sqlite3_step(s->get());
    if (rc == SQLITE_DONE)
        return std::optional<Checkpoint>();
    if (rc != SQLITE_ROW)
        return s->error(QStringLiteral("reading the checkpoint of %1 failed").arg(task));
    Checkpoint cp;
    cp.task = task;
    cp.table = s->text(0);
    cp.runId = s->text(1);
    cp.lastKey = sqlite3_column_int64(s->get(), 2);
    cp.rowsDone = sqlite3_column_int64(s->get(), 3);
    if (sqlite3_column_type(s->get(), 4) != SQLITE_NULL)
        cp.rowHashSum = quint64(sqlite3_column_int64(s->get(), 4));
    return std::optional<Checkpoint>(cp);
}

Status SqliteEngine::finishTarget(DbConnection &c)
{
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    if (auto st = sqliteExec(c.sqlite(), QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoteIdentifier(kCheckpoint)),
                             QStringLiteral("drop the checkpoint table"));
        !st)
        return st;
    // Back to a single self-contained file; if another connection still reads, SQLite keeps
    // WAL, which is harmless.
    sqlite3_exec(c.sqlite(), "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE", nullptr,
                 nullptr, nullptr);
    return {};
}

Result<std::unique_ptr<RowReader>> SqliteEngine::openReader(DbConnection &c, const TableSchema &t,
                                                           qint64 afterKey, qint64 keyHi)
{
    // A larger page cache for the scan. (No mmap: mapped source pages count in the process's
    // resident memory, and the bounded-memory target is measured on it.)
    if (auto st = sqliteExec(c.sqlite(), kReadPragmas,
                             QStringLiteral("set read pragmas"));
        !st)
        return st.error();
    auto r = SqliteReader::open(c.sqlite(), t.hasCopyKey() ? t.copyKey : QStringLiteral("0"), columnList(t),
                                int(t.columns.size()),
                                QStringLiteral(" FROM ") + quoteIdentifier(t.name) + (t.hasCopyKey() ? keyBounds(t) : QString()));
    if (!r)
        return r.error();
    if (t.hasCopyKey()) {
        sqlite3_bind_int64((*r)->statement(), 1, afterKey);
        sqlite3_bind_int64((*r)->statement(), 2, keyHi);
    }
    return std::unique_ptr<RowReader>(std::move(*r));
}

Result<std::unique_ptr<RowReader>> SqliteEngine::openKeyRangeRows(DbConnection &c, const TableSchema &t,
                                                                 const KeyRange &range, qint64 skip)
{
    if (auto st = sqliteExec(c.sqlite(), kReadPragmas, QStringLiteral("set read pragmas")); !st)
        return st.error();
    const QString key = quoteIdentifier(t.sampledKey);
    QStringList where;
    QVector<QByteArray> bounds;
    if (range.after) {
        bounds << range.after->toUtf8();
        where << QStringLiteral("%1 > ?%2").arg(key).arg(bounds.size());
    }
    if (range.through) {
        bounds << range.through->toUtf8();
        where << QStringLiteral("%1 <= ?%2").arg(key).arg(bounds.size());
    }
    const QString from = QStringLiteral(" FROM %1%2 ORDER BY %3 LIMIT -1 OFFSET ?%4")
                             .arg(quoteIdentifier(t.name),
                                  where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")), key,
                                  QString::number(bounds.size() + 1));
    auto r = SqliteReader::open(c.sqlite(), QStringLiteral("0"), columnList(t), int(t.columns.size()), from);
    if (!r)
        return r.error();
    for (int i = 0; i < bounds.size(); ++i)
        sqlite3_bind_text((*r)->statement(), i + 1, bounds[i].constData(), int(bounds[i].size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64((*r)->statement(), int(bounds.size()) + 1, skip);
    return std::unique_ptr<RowReader>(std::move(*r));
}

Result<std::unique_ptr<RowWriter>> SqliteEngine::openWriter(DbConnection &c, const TableSchema &t)
{
    sqlite3 *db = c.sqlite();
    if (auto st = sqliteExec(db, QString::fromLatin1(kBulkLoadPragmas), QStringLiteral("set bulk-load pragmas")); !st)
        return st.error();
    QStringList params;
    for (int i = 1; i <= t.columns.size(); ++i)
        params << QStringLiteral("?%1").arg(i);
    auto insert = SqliteStatement::prepare(db, QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                                                   .arg(quoteIdentifier(t.name), columnList(t),
                                                        params.join(QStringLiteral(", "))));
    if (!insert)
        return insert.error();
    auto cp = SqliteStatement::prepare(db, QStringLiteral("INSERT OR REPLACE INTO %1 (task, table_name, "
                                                          "run_id, last_key, rows_done, row_hash) VALUES "
                                                          "(?1, ?2, ?3, ?4, ?5, ?6)")
                                               .arg(quoteIdentifier(kCheckpoint)));
    if (!cp)
        return cp.error();
    std::vector<bool> decimals;
    for (const auto &col : t.columns)
        decimals.push_back(col.type.cls == TypeClass::Numeric);
    return std::unique_ptr<RowWriter>(new SqliteWriter(c, std::move(*insert), std::move(*cp), std::move(decimals)));
}

Result<std::unique_ptr<SqliteEngine::AttachedCopy>> SqliteEngine::AttachedCopy::open(DbConnection &target,
                                                                                 const QString &sourcePath,
                                                                                 const TableSchema &t, qint64 keyHi)
{
    std::unique_ptr<AttachedCopy> a(new AttachedCopy);
    a->m_target = &target;
    a->m_keyHi = keyHi;
    a->m_db = target.sqlite();
    if (auto st = sqliteExec(a->m_db, QString::fromLatin1(kBulkLoadPragmas), QStringLiteral("set bulk-load pragmas")); !st)
        return st.error();
    auto attach = SqliteStatement::prepare(a->m_db, QStringLiteral("ATTACH DATABASE ?1 AS cockpit_source"));
    if (!attach)
        return attach.error();
    const QByteArray path = sourcePath.toUtf8();
    sqlite3_bind_text(attach->get(), 1, path.constData(), -1, SQLITE_STATIC);
    if (auto st = attach->exec(QStringLiteral("attach the source")); !st)
        return st.error();
    SqliteEngine e;
    const QString table = e.quoteIdentifier(t.name);
    const QString cols = e.columnList(t);
    // The key of the batch's last row, then every row up to it: the batch is exact even when
    // keys have gaps.
    a->m_boundSql = QStringLiteral("SELECT %1 FROM cockpit_source.%2 WHERE %1 > ?1 AND %1 <= ?2 ORDER BY %1 LIMIT 1 OFFSET ?3")
                        .arg(t.copyKey, table);
    a->m_insertSql = QStringLiteral("INSERT INTO main.%1 (%2) SELECT %2 FROM cockpit_source.%1 WHERE %3 > ?1 AND %3 <= ?2 ORDER BY %3")
                         .arg(table, cols, t.copyKey);
    // SELECT * without a column list: the only form the transfer optimization accepts.
    a->m_wholeSql = t.createSql.isEmpty()
                        ? QStringLiteral("INSERT INTO main.%1 (%2) SELECT %2 FROM cockpit_source.%1").arg(table, cols)
                        : QStringLiteral("INSERT INTO main.%1 SELECT * FROM cockpit_source.%1").arg(table);
    a->m_checkpointSql = QStringLiteral("INSERT OR REPLACE INTO main.%1 (task, table_name, run_id, last_key, rows_done, row_hash) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                             .arg(e.quoteIdentifier(kCheckpoint));
    return a;
}

SqliteEngine::AttachedCopy::~AttachedCopy()
{
    sqlite3_exec(m_db, "DETACH DATABASE cockpit_source", nullptr, nullptr, nullptr);
}

Result<int> SqliteEngine::AttachedCopy::copyBatch(Checkpoint &cp, int batchSize)
{
    auto bound = SqliteStatement::prepare(m_db, m_boundSql);
    auto insert = SqliteStatement::prepare(m_db, m_insertSql);
    if (!bound)
        return bound.error();
    if (!insert)
        return insert.error();
    sqlite3_bind_int64(bound->get(), 1, cp.lastKey);
    sqlite3_bind_int64(bound->get(), 2, m_keyHi);
    sqlite3_bind_int64(bound->get(), 3, batchSize - 1);
    const int rc = sqlite3_step(bound->get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return bound->error(QStringLiteral("finding the batch's last key failed"));
    const qint64 upTo = rc == SQLITE_ROW ? sqlite3_column_int64(bound->get(), 0) : m_keyHi;
    sqlite3_reset(bound->get()); // release the source read lock before queueing for the writer

    auto lock = SqliteWriteLock::acquire(*m_target);
    if (!lock)
        return lock.error();
    // Deferred BEGIN: IMMEDIATE would also take a write lock on the attached source, and the
    // commit would then wait for every reader of the source (other chunks, validations).
    if (auto st = sqliteExec(m_db, QStringLiteral("BEGIN"), QStringLiteral("begin batch")); !st)
        return st.error();
    auto fail = [&](const TaskError &e) -> Result<int> {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    };
    sqlite3_bind_int64(insert->get(), 1, cp.lastKey);
    sqlite3_bind_int64(insert->get(), 2, upTo);
    if (auto st = insert->exec(QStringLiteral("copying a batch failed (source keys after %1 up to %2)").arg(cp.lastKey).arg(upTo)); !st)
        return fail(st.error());
    const int rows = sqlite3_changes(m_db);
    if (rows == 0) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return 0;
    }
    Checkpoint next = cp;
    next.lastKey = upTo;
    next.rowsDone += rows;
    if (auto st = commitWithCheckpoint(next); !st)
        return fail(st.error());
    cp = next;
    return rows;
}

namespace {

// SQLite calls the progress handler every kStepsPerCall VM steps (the statement's own step
// counter is only updated when it returns).
constexpr int kStepsPerCall = 10000;

struct TransferProgress {
    std::atomic<qint64> *rows = nullptr;
    double stepsPerRow = 1;
    qint64 expectedRows = 0;
    qint64 calls = 0;
};

int onTransferProgress(void *p)
{
    auto *x = static_cast<TransferProgress *>(p);
    ++x->calls;
    *x->rows = std::min(x->expectedRows, qint64(double(x->calls) * kStepsPerCall / x->stepsPerRow));
    return 0;
}

} // namespace

Result<bool> SqliteEngine::hasIndex(DbConnection &c, const QString &index)
{
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1"));
    if (!s)
        return s.error();
    const QByteArray name = index.toUtf8();
    sqlite3_bind_text(s->get(), 1, name.constData(), -1, SQLITE_STATIC);
    const int rc = sqlite3_step(s->get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return s->error(QStringLiteral("looking for index \"%1\" failed").arg(index));
    return rc == SQLITE_ROW;
}

Result<qint64> SqliteEngine::AttachedCopy::copyWhole(Checkpoint &cp, qint64 completeKey, std::atomic<qint64> *rowsCopied,
                                                     qint64 expectedRows, int indexes,
                                                     const std::function<Result<std::optional<quint64>>(qint64 rows)> &sourceHash)
{
    auto insert = SqliteStatement::prepare(m_db, m_wholeSql);
    if (!insert)
        return insert.error();
    auto lock = SqliteWriteLock::acquire(*m_target);
    if (!lock)
        return lock.error();
    if (auto st = sqliteExec(m_db, QStringLiteral("BEGIN"), QStringLiteral("begin copy")); !st)
        return st.error();
    // VM steps per row of the transfer loop, and per row of each index loop (counted with
    // SQLITE_STMTSTATUS_VM_STEP on the demo's 37 tables: 5 + 3 per index, exactly).
    constexpr double kTableSteps = 5, kIndexSteps = 3;
    TransferProgress progress{rowsCopied, kTableSteps + kIndexSteps * indexes, expectedRows};
    if (rowsCopied)
        sqlite3_progress_handler(m_db, kStepsPerCall, onTransferProgress, &progress);
    const Status copied = insert->exec(QStringLiteral("copying the table failed"));
    if (rowsCopied)
        sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
    if (!copied) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return copied.error();
    }
    Checkpoint next = cp;
    next.lastKey = completeKey;
    next.rowsDone = sqlite3_changes64(m_db);
    if (sourceHash) {
        auto hash = sourceHash(next.rowsDone);
        if (!hash) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            return hash.error();
        }
        next.rowHashSum = *hash;
    }
    if (auto st = commitWithCheckpoint(next); !st) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return st.error();
    }
    cp = next;
    return next.rowsDone;
}

// Inside the open transaction: records `cp` and commits.
Status SqliteEngine::AttachedCopy::commitWithCheckpoint(const Checkpoint &cp)
{
    auto checkpoint = SqliteStatement::prepare(m_db, m_checkpointSql);
    if (!checkpoint)
        return checkpoint.error();
    const QByteArray task = cp.task.toUtf8(), table = cp.table.toUtf8(), run = cp.runId.toUtf8();
    sqlite3_bind_text(checkpoint->get(), 1, task.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_text(checkpoint->get(), 2, table.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_text(checkpoint->get(), 3, run.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(checkpoint->get(), 4, cp.lastKey);
    sqlite3_bind_int64(checkpoint->get(), 5, cp.rowsDone);
    if (cp.rowHashSum)
        sqlite3_bind_int64(checkpoint->get(), 6, sqlite3_int64(*cp.rowHashSum));
    else
        sqlite3_bind_null(checkpoint->get(), 6);
    if (auto st = checkpoint->exec(QStringLiteral("saving the checkpoint failed")); !st)
        return st;
    return sqliteExec(m_db, QStringLiteral("COMMIT"), QStringLiteral("commit batch"));
}

Status SqliteEngine::clearTable(DbConnection &c, const TableSchema &t)
{
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    return sqliteExec(c.sqlite(), QStringLiteral("DELETE FROM %1").arg(quoteIdentifier(t.name)),
                      QStringLiteral("clear a partial copy of \"%1\"").arg(t.name));
}

Status SqliteEngine::createIndex(DbConnection &c, const TableSchema &t, const IndexSchema &index, IndexBuilds)
{
    if (index.declaredByTable && !t.createSql.isEmpty())
        return {}; // a UNIQUE constraint of the source's own CREATE TABLE, which made the table
    QString create = index.createSql;
    if (create.isEmpty()) {
        create = QStringLiteral("CREATE %1INDEX %2 ON %3 (%4)")
                     .arg(index.unique ? QStringLiteral("UNIQUE ") : QString(),
                          quoteIdentifier(index.name), quoteIdentifier(t.name),
                          quotedList(index.columns));
    }
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    // Idempotent: a rerun after a crash finds either no index or a complete one.
    return sqliteExec(c.sqlite(),
                      QStringLiteral("BEGIN IMMEDIATE; DROP INDEX IF EXISTS %1; %2; COMMIT")
                          .arg(quoteIdentifier(index.name), create),
                      QStringLiteral("create index \"%1\"").arg(index.name));
}

namespace {

// The checksum as an SQL aggregate, cockpit_checksum(col1, col2, ...): SQLite hands each row's
// values to it without the per-value API calls and copies of reading them out row by row.
// Same RowHasher, same normalization: the sums equal those of checksumRows on any engine.
struct ChecksumFunction {
    std::vector<TypeClass> classes;
    std::atomic<qint64> *rowsHashed = nullptr;
    RowHasher hasher; // one per checksum: its buffers serve every row
};

struct ChecksumAccumulator { // zeroed by sqlite3_aggregate_context
    quint64 sum;
    qint64 rows;
    qint64 reported;
};

void checksumStep(sqlite3_context *context, int argc, sqlite3_value **argv)
{
    auto *f = static_cast<ChecksumFunction *>(sqlite3_user_data(context));
    auto *acc = static_cast<ChecksumAccumulator *>(sqlite3_aggregate_context(context, sizeof(ChecksumAccumulator)));
    if (!acc)
        return sqlite3_result_error_nomem(context);
    RowHasher &hasher = f->hasher;
    for (int i = 0; i < argc; ++i) {
        sqlite3_value *v = argv[i];
        RowHasher::View x;
        switch (sqlite3_value_type(v)) {
        case SQLITE_NULL: break;
        case SQLITE_INTEGER:
            x.type = ValueType::Integer;
            x.integer = sqlite3_value_int64(v);
            break;
        case SQLITE_FLOAT:
            x.type = ValueType::Real;
            x.real = sqlite3_value_double(v);
            break;
        case SQLITE_TEXT:
            x.type = ValueType::Text;
            x.bytes = reinterpret_cast<const char *>(sqlite3_value_text(v));
            x.size = sqlite3_value_bytes(v);
            break;
        default:
            x.type = ValueType::Blob;
            x.bytes = static_cast<const char *>(sqlite3_value_blob(v));
            x.size = sqlite3_value_bytes(v);
            break;
        }
        hasher.addTyped(x, f->classes[size_t(i)]);
    }
    acc->sum += hasher.finishRow();
    if (++acc->rows - acc->reported == 4096 && f->rowsHashed) {
        *f->rowsHashed += 4096;
        acc->reported = acc->rows;
    }
}

void checksumFinal(sqlite3_context *context)
{
    const auto *f = static_cast<const ChecksumFunction *>(sqlite3_user_data(context));
    auto *acc = static_cast<ChecksumAccumulator *>(sqlite3_aggregate_context(context, 0));
    const ChecksumAccumulator zero{0, 0, 0};
    if (!acc)
        acc = const_cast<ChecksumAccumulator *>(&zero); // no rows
    if (f->rowsHashed)
        *f->rowsHashed += acc->rows - acc->reported;
    const QByteArray text = QByteArray::number(acc->rows) + ' ' + QByteArray::number(acc->sum);
    sqlite3_result_text(context, text.constData(), int(text.size()), SQLITE_TRANSIENT);
}

} // namespace

namespace {


struct ValueScan {
    std::vector<ScanAs> as;
    std::vector<ColumnValues> found;
    std::string canonical; // kept: a timestamp's text is longer than std::string's inline buffer
};

bool isBooleanWord(const char *p, size_t n)
{
    static const std::array<std::string_view, 12> words{"true", "t", "yes", "y", "on", "1", "false", "f", "no", "n", "off", "0"};
    if (n > 5)
        return false;
    char lower[5];
    for (size_t k = 0; k < n; ++k)
        lower[k] = char(std::tolower(static_cast<unsigned char>(p[k])));
    return std::find(words.begin(), words.end(), std::string_view(lower, n)) != words.end();
}

void valueScanStep(sqlite3_context *context, int argc, sqlite3_value **argv)
{
    auto *scan = static_cast<ValueScan *>(sqlite3_user_data(context));
    for (int i = 0; i < argc; ++i) {
        sqlite3_value *v = argv[i];
        ColumnValues &found = scan->found[size_t(i)];
        const ScanAs as = scan->as[size_t(i)];
        const bool date = as == ScanAs::Date || as == ScanAs::Timestamp;
        switch (sqlite3_value_type(v)) {
        case SQLITE_NULL:
            found.hasNull = true;
            break;
        case SQLITE_TEXT: {
            if (found.firstText || as == ScanAs::Any)
                break;
            const auto *p = reinterpret_cast<const char *>(sqlite3_value_text(v));
            const size_t n = size_t(sqlite3_value_bytes(v));
            if (as == ScanAs::Date && parseIsoDate(p, n, scan->canonical))
                break;
            if (as == ScanAs::Timestamp && parseIsoTimestamp(p, n, scan->canonical))
                break;
            if (as == ScanAs::Boolean && isBooleanWord(p, n))
                break;
            found.firstText = QString::fromUtf8(p, qsizetype(n));
            break;
        }
        case SQLITE_INTEGER:
            if (!found.firstInteger && (date || (as == ScanAs::Boolean && sqlite3_value_int64(v) != 0 && sqlite3_value_int64(v) != 1)))
                found.firstInteger = QString::number(sqlite3_value_int64(v));
            break;
        case SQLITE_FLOAT: {
            const double x = sqlite3_value_double(v);
            const bool integral = x == std::trunc(x) && std::abs(x) < 9.2e18;
            if (!found.firstReal && (date || (as == ScanAs::Integer && !integral) || (as == ScanAs::Boolean && x != 0 && x != 1)))
                found.firstReal = QString::number(x, 'g', 17);
            break;
        }
        default:
            if (!found.firstBlob && as != ScanAs::Any)
                found.firstBlob = QStringLiteral("<%1 bytes of binary>").arg(sqlite3_value_bytes(v));
            break;
        }
    }
}

void valueScanFinal(sqlite3_context *context) { sqlite3_result_null(context); }

} // namespace

// One connection's scan: `select` (SELECT cockpit_value_scan(the columns) FROM t ...) run with
// the scan function registered on `db`.
static Result<std::vector<ColumnValues>> scanValuesOn(sqlite3 *db, const QString &select, const QString &table,
                                                                    const std::vector<ScanAs> &as)
{
    const int n = int(as.size());
    ValueScan scan{as, std::vector<ColumnValues>(size_t(n)), {}};
    if (auto st = addSqlFunction(db, "cockpit_value_scan", n, &scan, nullptr, valueScanStep, valueScanFinal,
                                 QStringLiteral("the value scan"));
        !st)
        return st.error();
    auto unregister = qScopeGuard([&] { removeSqlFunction(db, "cockpit_value_scan", n); });
    auto s = SqliteStatement::prepare(db, select);
    if (!s)
        return s.error();
    if (sqlite3_step(s->get()) != SQLITE_ROW)
        return s->error(QStringLiteral("reading the values of \"%1\" failed").arg(table));
    return scan.found;
}

Result<QStringList> SqliteEngine::keyColumnsWithNulls(DbConnection &c, const TableSchema &t)
{
    QStringList withNulls;
    for (const ColumnSchema &column : t.columns) {
        if (column.primaryKeyPosition == 0 || column.identity)
            continue;
        auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT 1 FROM %1 WHERE %2 IS NULL LIMIT 1")
                                                          .arg(quoteIdentifier(t.name), quoteIdentifier(column.name)));
        if (!s)
            return s.error();
        const int rc = sqlite3_step(s->get());
        if (rc == SQLITE_ROW)
            withNulls << column.name;
        else if (rc != SQLITE_DONE)
            return s->error(QStringLiteral("reading the key of \"%1\" failed").arg(t.name));
    }
    return withNulls;
}

Result<std::vector<ColumnValues>> SqliteEngine::scanValues(DbConnection &c, const TableSchema &t,
                                                                         const QVector<ColumnSchema> &columns,
                                                                         const std::vector<ScanAs> &as)
{
    if (columns.isEmpty())
        return std::vector<ColumnValues>();
    // The scan decides the target's column types, so the table's copy waits for it: a big
    // table is scanned in rowid ranges on a connection per core (INVENTTRANS: 0.5 s on one).
    constexpr qint64 kRowsPerLane = 200000;
    TableSchema scanned;
    scanned.columns = columns;
    const QString select = QStringLiteral("SELECT cockpit_value_scan(%1) FROM %2").arg(columnList(scanned), quoteIdentifier(t.name));
    const int cores = std::max(1, QThread::idealThreadCount());
    qint64 lo = 0, hi = -1;
    {
        auto range = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT min(rowid), max(rowid) FROM %1").arg(quoteIdentifier(t.name)));
        if (range && sqlite3_step(range->get()) == SQLITE_ROW && sqlite3_column_type(range->get(), 0) != SQLITE_NULL) {
            lo = sqlite3_column_int64(range->get(), 0);
            hi = sqlite3_column_int64(range->get(), 1);
        } // else WITHOUT ROWID or empty: one scan
    }
    const int lanes = hi < lo ? 1 : int(std::clamp<qint64>((hi - lo + 1) / kRowsPerLane, 1, cores));
    if (lanes == 1)
        return scanValuesOn(c.sqlite(), select, t.name, as);
    const qint64 width = (hi - lo + 1 + lanes - 1) / lanes;
    auto laneSelect = [&](int lane) {
        return select + QStringLiteral(" WHERE rowid BETWEEN %1 AND %2").arg(lo + width * lane).arg(std::min(hi, lo + width * (lane + 1) - 1));
    };
    std::vector<QFuture<Result<std::vector<ColumnValues>>>> others;
    for (int lane = 1; lane < lanes; ++lane)
        others.push_back(QtConcurrent::run([&, lane]() -> Result<std::vector<ColumnValues>> {
            auto own = DbConnection::open(c.url(), DbConnection::Mode::ReadOnly);
            if (!own)
                return own.error();
            return scanValuesOn((*own)->sqlite(), laneSelect(lane), t.name, as);
        }));
    auto merged = scanValuesOn(c.sqlite(), laneSelect(0), t.name, as);
    for (auto &f : others) {
        auto r = f.result();
        if (!merged)
            continue;
        if (!r) {
            merged = r.error();
            continue;
        }
        for (size_t k = 0; k < r->size(); ++k) { // the first value in rowid order
            ColumnValues &m = (*merged)[k];
            const ColumnValues &lane = (*r)[k];
            for (auto field : {&ColumnValues::firstText, &ColumnValues::firstBlob, &ColumnValues::firstReal, &ColumnValues::firstInteger})
                if (!(m.*field))
                    m.*field = lane.*field;
            m.hasNull = m.hasNull || lane.hasNull;
        }
    }
    return merged;
}

Result<TableChecksum> SqliteEngine::checksum(DbConnection &c, const TableSchema &t,
                                             std::atomic<qint64> *rowsHashed)
{
    TableSchema whole; // every row, in no particular order
    whole.name = t.name;
    whole.columns = t.columns;
    // SQLite limits a function's arguments (127 by default): wider tables are read row by row.
    if (t.columns.isEmpty() || t.columns.size() > 100) {
        auto reader = openReader(c, whole, 0, 0);
        if (!reader)
            return reader.error();
        return checksumRows(**reader, t, rowsHashed);
    }
    if (auto st = sqliteExec(c.sqlite(), kReadPragmas, QStringLiteral("set read pragmas")); !st)
        return st.error();
    ChecksumFunction function;
    for (const auto &col : t.columns)
        function.classes.push_back(col.type.cls);
    function.rowsHashed = rowsHashed;
    if (auto st = addSqlFunction(c.sqlite(), "cockpit_checksum", int(t.columns.size()), &function, nullptr, checksumStep,
                                 checksumFinal, QStringLiteral("the checksum function"));
        !st)
        return st.error();
    auto unregister = qScopeGuard([&] { removeSqlFunction(c.sqlite(), "cockpit_checksum", int(t.columns.size())); });
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT cockpit_checksum(%1) FROM %2")
                                                      .arg(columnList(t), quoteIdentifier(t.name)));
    if (!s)
        return s.error();
    if (sqlite3_step(s->get()) != SQLITE_ROW)
        return s->error(QStringLiteral("checksum of \"%1\" failed").arg(t.name));
    const QList<QByteArray> parts = QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(s->get(), 0))).split(' ');
    TableChecksum sum;
    sum.rows = parts.value(0).toLongLong();
    sum.sum = parts.value(1).toULongLong();
    return sum;
}

Result<std::unique_ptr<RowReader>> SqliteEngine::openOrderedReader(DbConnection &c, const TableSchema &t)
{
    auto r = SqliteReader::open(c.sqlite(), QStringLiteral("0"), columnList(t), int(t.columns.size()),
                                QStringLiteral(" FROM %1 ORDER BY %2").arg(quoteIdentifier(t.name), keyOrder(t)));
    if (!r)
        return r.error();
    return std::unique_ptr<RowReader>(std::move(*r));
}

Result<QVector<QStringList>> SqliteEngine::firstRows(DbConnection &c, const QString &sql, int limit)
{
    auto s = SqliteStatement::prepare(c.sqlite(), sql);
    if (!s)
        return s.error();
    QVector<QStringList> rows;
    while (rows.size() < limit) {
        const int rc = sqlite3_step(s->get());
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW)
            return s->error(QStringLiteral("query failed"));
        QStringList row;
        for (int i = 0; i < sqlite3_column_count(s->get()); ++i)
            row << (sqlite3_column_type(s->get(), i) == SQLITE_NULL ? QStringLiteral("NULL") : s->text(i));
        rows << row;
    }
    return rows;
}

Status SqliteEngine::addForeignKey(DbConnection &c, const TableSchema &t, const ForeignKeySchema &fk)
{
    auto declared = firstRows(c, QStringLiteral("SELECT id, group_concat(\"from\", ','), \"table\" FROM "
                                                "(SELECT * FROM pragma_foreign_key_list(%1) ORDER BY id, seq) GROUP BY id")
                                     .arg(literal(t.name)),
                              1000);
    if (!declared)
        return declared.error();
    const bool found = std::any_of(declared->begin(), declared->end(), [&](const QStringList &row) {
        return row.value(1) == fk.columns.join(u',') && row.value(2).compare(fk.referencedTable, Qt::CaseInsensitive) == 0;
    });
    if (!found)
        return makeError(QStringLiteral("foreign key %1 (%2) -> \"%3\" is not declared on the target table \"%4\"; "
                                        "SQLite declares foreign keys only when it creates a table (rerun its prepare task)")
                             .arg(fk.name, fk.columns.join(QStringLiteral(", ")), fk.referencedTable, t.name));
    auto orphans = describeOrphans(c, t, fk);
    if (!orphans)
        return orphans.error();
    if (!orphans->isEmpty())
        return makeError(QStringLiteral("foreign key %1 is broken: %2").arg(fk.name, *orphans));
    return {};
}

Status SqliteEngine::addCheck(DbConnection &c, const TableSchema &t, const CheckSchema &check)
{
    auto violations = describeCheckViolations(c, t, check);
    if (!violations)
        return makeError(QStringLiteral("CHECK %1 (%2): %3").arg(check.name, check.expression, violations.error().message));
    if (!violations->isEmpty())
        return makeError(QStringLiteral("CHECK %1 is broken: %2").arg(check.name, *violations));
    return {};
}

Result<qint64> SqliteEngine::resetIdentity(DbConnection &c, const TableSchema &t, const ColumnSchema &column)
{
    // Only a rowid alias is numbered by SQLite: after max(rowid), and with AUTOINCREMENT
    // after the largest number sqlite_sequence remembers (which explicit keys also raise).
    auto alias = firstRows(c, QStringLiteral("SELECT count(*) FROM pragma_table_info(%1) WHERE pk > 0 AND NOT "
                                             "(name = %2 AND upper(type) = 'INTEGER')")
                                  .arg(literal(t.name), literal(column.name)),
                           1);
    if (!alias)
        return alias.error();
    if (alias->value(0).value(0) != QLatin1String("0"))
        return makeError(QStringLiteral("column \"%1\" of \"%2\" is not an INTEGER PRIMARY KEY on the target; SQLite "
                                        "numbers only those").arg(column.name, t.name));
    auto max = firstRows(c, QStringLiteral("SELECT coalesce(max(%1), 0) FROM %2").arg(quoteIdentifier(column.name), quoteIdentifier(t.name)), 1);
    if (!max)
        return max.error();
    qint64 next = max->value(0).value(0).toLongLong() + 1;
    auto sequence = firstRows(c, QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = %1")
                                     .arg(literal(t.name)),
                              1);
    if (sequence && !sequence->isEmpty()) // AUTOINCREMENT never gives a number twice
        next = std::max(next, sequence->value(0).value(0).toLongLong() + 1);
    return next;
}

Status SqliteEngine::createView(DbConnection &c, const ViewSchema &view)
{
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    const QString name = quoteIdentifier(view.name);
    if (auto st = sqliteExec(c.sqlite(), QStringLiteral("BEGIN IMMEDIATE; DROP VIEW IF EXISTS %1; CREATE VIEW %2 AS %3; COMMIT")
                                             .arg(name, viewHeader(view, name), view.selectSql),
                             QStringLiteral("create view \"%1\"").arg(view.name));
        !st) {
        sqlite3_exec(c.sqlite(), "ROLLBACK", nullptr, nullptr, nullptr);
        return st;
    }
    // SQLite checks a view's tables and functions only when it is used: use it once.
    if (auto probe = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT * FROM %1 LIMIT 0").arg(name)); !probe) {
        sqlite3_exec(c.sqlite(), QStringLiteral("DROP VIEW IF EXISTS %1").arg(name).toUtf8().constData(), nullptr, nullptr, nullptr);
        return makeError(QStringLiteral("view \"%1\" does not work on SQLite: %2").arg(view.name, probe.error().message));
    }
    return {};
}

// Preflight -------------------------------------------------------------------------------

Result<QStringList> SqliteEngine::otherSessions(DbConnection &c)
{
    QStringList lines;
    for (const SqliteLockHolder &h : sqliteLockHolders(c.url().path))
        lines << sessionLine(QString::number(h.pid), QString(), h.program, QStringLiteral("this host"), h.lock, QString());
    return lines;
}

Result<QString> SqliteEngine::describeSession(DbConnection &observer, qint64)
{
    // A file has no sessions: what another process holds on it is what can hold us up.
    QStringList holders;
    for (const SqliteLockHolder &h : sqliteLockHolders(observer.url().path))
        holders << QStringLiteral("pid %1%2 (%3)").arg(h.pid).arg(h.program.isEmpty() ? QString() : u' ' + h.program, h.lock);
    if (holders.isEmpty())
        return QString();
    return QStringLiteral("%1 is also used by %2").arg(QFileInfo(observer.url().path).fileName(), holders.join(QStringLiteral(", ")));
}

Result<qint64> SqliteEngine::sizeOnDisk(DbConnection &c, const QVector<TableSchema> &)
{
    // The whole file: what the plan leaves out is usually small next to what it copies.
    return QFileInfo(c.url().path).size() + QFileInfo(c.url().path + QStringLiteral("-wal")).size();
}

Result<QString> SqliteEngine::dataDirectory(DbConnection &c)
{
    return QFileInfo(c.url().path).absolutePath();
}

} // namespace cockpit
