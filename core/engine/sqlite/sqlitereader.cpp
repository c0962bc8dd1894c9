// SQLite reads rows through a function of the reader (SqliteReader): the copy's key ranges,
// a sampled text key's ranges, and the ordered reads of first-difference reports.
#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqliteinternal.h"
#include "engine/sqlite/sqlitebigblob.h"

#include <atomic>

namespace cockpit {

using namespace sqliteinternal;

namespace {

// function of this reader (`SELECT cockpit_row_N(key, values...) FROM ...`) that appends it to
// the batch through the sqlite3_value API: reading result columns one sqlite3_column_* call at a
// time takes the connection's mutex and error bookkeeping per value, ~17 % of a SQLite ->
// PostgreSQL run's CPU in perf. Tables wider than a function's argument limit use the columns.
class SqliteReader final : public RowReader {
public:
    // `key`: the key expression ("0" when there is none); `from`: " FROM t [WHERE/ORDER BY]",
    // t being `table`'s name.
    static Result<std::unique_ptr<SqliteReader>> open(sqlite3 *db, const QString &key, const TableSchema &table,
                                                      const QString &from)
    {
        const int columnCount = int(table.columns.size());
        std::unique_ptr<SqliteReader> r(new SqliteReader(db, columnCount));
        QString select = key + QStringLiteral(", ") + SqliteEngine().columnList(table);
        if (columnCount + 1 <= kMaxFunctionArguments && !needsSort(db, select, from)) {
            // Big blobs read in pieces straight into the batch (sqlitebigblob.h), where the
            // arguments allow.
            if (columnCount + 2 + bigBlobMasks(columnCount) <= kMaxFunctionArguments) {
                if (const QString rowid = rowidAlias(db, table.name, table.columns); !rowid.isEmpty()) {
                    r->m_masks = bigBlobMasks(columnCount);
                    r->m_table = table.name.toUtf8();
                    for (const auto &col : table.columns)
                        r->m_columnNames.push_back(col.name.toUtf8());
                    select = key + QStringLiteral(", ") + bigBlobArguments(rowid, table.columns);
                }
            }
            const int arguments = columnCount + 1 + (r->m_masks ? 1 + r->m_masks : 0);
            static std::atomic<quint64> counter{0};
            r->m_function = QStringLiteral("cockpit_row_%1").arg(counter.fetch_add(1)).toUtf8();
            r->m_arguments = arguments;
            if (auto st = addSqlFunction(db, r->m_function.constData(), arguments, r.get(), appendRow, nullptr,
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
            removeSqlFunction(m_db, m_function.constData(), m_arguments);
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

    // Reads column `col` of row `rowid`, a big blob, into the batch. False: the error is set.
    bool readBigBlob(sqlite3_context *context, RowBatch &batch, sqlite3_int64 rowid, int col)
    {
        SqliteBlob blob;
        int rc = blob.open(m_db, m_table, m_columnNames[size_t(col)], rowid, false);
        if (rc == SQLITE_OK) {
            const int size = blob.size();
            rc = blob.read(batch.addBlobSpace(size), size, 0); // page by page, into the batch
        }
        if (rc != SQLITE_OK) {
            const QByteArray message = "reading a big value of column " + m_columnNames[size_t(col)] + " failed: " + sqlite3_errmsg(m_db);
            sqlite3_result_error(context, message.constData(), int(message.size()));
            return false;
        }
        return true;
    }

    static void appendRow(sqlite3_context *context, int argc, sqlite3_value **argv)
    {
        auto *r = static_cast<SqliteReader *>(sqlite3_user_data(context));
        RowBatch &batch = *r->m_batch;
        batch.beginRow(sqlite3_value_int64(argv[0]));
        int first = 1;
        sqlite3_int64 rowid = 0;
        sqlite3_value **masks = nullptr;
        if (r->m_masks) {
            rowid = sqlite3_value_int64(argv[1]);
            masks = argv + 2;
            first = 2 + r->m_masks;
        }
        for (int i = first; i < argc; ++i) {
            if (masks && isBigBlob(masks, i - first)) {
                if (!r->readBigBlob(context, batch, rowid, i - first))
                    return;
                continue;
            }
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
    int m_arguments = 0;   // the function's
    int m_masks = 0;       // big blobs read in pieces: the rowid and this many masks lead the values
    QByteArray m_table;
    std::vector<QByteArray> m_columnNames;
    SqliteStatement m_stmt;
    RowBatch *m_batch = nullptr; // the batch next() fills
    bool m_done = false;
};

QString keyBounds(const TableSchema &t)
{
    return QStringLiteral(" WHERE %1 > ?1 AND %1 <= ?2 ORDER BY %1").arg(t.copyKey);
}

} // namespace

Result<std::unique_ptr<RowReader>> SqliteEngine::openReader(DbConnection &c, const TableSchema &t,
                                                           qint64 afterKey, qint64 keyHi)
{
    // A larger page cache for the scan. (No mmap: mapped source pages count in the process's
    // resident memory, and the bounded-memory target is measured on it.)
    if (auto st = sqliteExec(c.sqlite(), kReadPragmas,
                             QStringLiteral("set read pragmas"));
        !st)
        return st.error();
    auto r = SqliteReader::open(c.sqlite(), t.hasCopyKey() ? t.copyKey : QStringLiteral("0"), t,
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
    auto r = SqliteReader::open(c.sqlite(), QStringLiteral("0"), t, from);
    if (!r)
        return r.error();
    for (int i = 0; i < bounds.size(); ++i)
        sqlite3_bind_text((*r)->statement(), i + 1, bounds[i].constData(), int(bounds[i].size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64((*r)->statement(), int(bounds.size()) + 1, skip);
    return std::unique_ptr<RowReader>(std::move(*r));
}

Result<std::unique_ptr<RowReader>> SqliteEngine::openOrderedReader(DbConnection &c, const TableSchema &t)
{
    auto r = SqliteReader::open(c.sqlite(), QStringLiteral("0"), t,
                                QStringLiteral(" FROM %1 ORDER BY %2").arg(quoteIdentifier(t.name), keyOrder(t)));
    if (!r)
        return r.error();
    return std::unique_ptr<RowReader>(std::move(*r));
}

} // namespace cockpit
