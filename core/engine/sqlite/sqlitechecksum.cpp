// The SQLite table checksum as an SQL aggregate (cockpit_checksum), the rows hashed inside SQLite.
#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqliteinternal.h"
#include "engine/sqlite/sqlitebigblob.h"
#include "engine/rowhasher.h"

#include <QScopeGuard>
#include <algorithm>
#include <memory>
#include <atomic>

namespace cockpit {

using namespace sqliteinternal;

namespace {

// The checksum as an SQL aggregate, cockpit_checksum(col1, col2, ...): SQLite hands each row's
// values to it without the per-value API calls and copies of reading them out row by row.
// Same RowHasher, same normalization: the sums equal those of checksumRows on any engine.
struct ChecksumFunction {
    std::vector<TypeClass> classes;
    std::atomic<qint64> *rowsHashed = nullptr;
    RowHasher hasher; // one per checksum: its buffers serve every row
    // Big blobs read in pieces (sqlitebigblob.h): the function's arguments then start with the
    // rowid and the masks. 0: every value is an argument.
    int masks = 0;
    QByteArray table;
    std::vector<QByteArray> columns;
    std::unique_ptr<char[]> piece;
};

// Hashes column `col` of row `rowid`, a big blob, in pieces. False: the error is set.
bool hashBigBlob(sqlite3_context *context, ChecksumFunction &f, sqlite3_int64 rowid, int col)
{
    sqlite3 *db = sqlite3_context_db_handle(context);
    SqliteBlob blob;
    int rc = blob.open(db, f.table, f.columns[size_t(col)], rowid, false);
    if (rc == SQLITE_OK) {
        if (!f.piece)
            f.piece = std::make_unique_for_overwrite<char[]>(kBlobPieceBytes);
        const int size = blob.size();
        f.hasher.beginBlob(size);
        for (int at = 0; at < size && rc == SQLITE_OK; at += kBlobPieceBytes) {
            const int n = std::min(kBlobPieceBytes, size - at);
            rc = blob.read(f.piece.get(), n, at);
            if (rc == SQLITE_OK)
                f.hasher.addPiece(f.piece.get(), n);
        }
    }
    if (rc != SQLITE_OK) {
        const QByteArray message = "reading a big value of column " + f.columns[size_t(col)] + " failed: " + sqlite3_errmsg(db);
        sqlite3_result_error(context, message.constData(), int(message.size()));
        return false;
    }
    return true;
}

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
    sqlite3_int64 rowid = 0;
    sqlite3_value **masks = nullptr;
    if (f->masks) {
        rowid = sqlite3_value_int64(argv[0]);
        masks = argv + 1;
        argv += 1 + f->masks;
        argc -= 1 + f->masks;
    }
    for (int i = 0; i < argc; ++i) {
        if (masks && isBigBlob(masks, i)) { // a blob: hashed as one whatever the column's class
            if (!hashBigBlob(context, *f, rowid, i))
                return;
            continue;
        }
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
    QString arguments = columnList(t);
    if (const QString rowid = rowidAlias(c.sqlite(), t.name, t.columns); !rowid.isEmpty()) {
        function.masks = bigBlobMasks(int(t.columns.size()));
        function.table = t.name.toUtf8();
        for (const auto &col : t.columns)
            function.columns.push_back(col.name.toUtf8());
        arguments = bigBlobArguments(rowid, t.columns);
    }
    const int argumentCount = int(t.columns.size()) + (function.masks ? 1 + function.masks : 0);
    if (auto st = addSqlFunction(c.sqlite(), "cockpit_checksum", argumentCount, &function, nullptr, checksumStep,
                                 checksumFinal, QStringLiteral("the checksum function"));
        !st)
        return st.error();
    auto unregister = qScopeGuard([&] { removeSqlFunction(c.sqlite(), "cockpit_checksum", argumentCount); });
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT cockpit_checksum(%1) FROM %2")
                                                      .arg(arguments, quoteIdentifier(t.name)));
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

} // namespace cockpit
