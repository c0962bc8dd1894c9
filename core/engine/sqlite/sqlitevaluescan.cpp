// The SQLite value scan (what a column's values would need of the target's type) as an SQL
// aggregate, cockpit_value_scan, in rowid lanes on a connection per core.
#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqliteinternal.h"
#include "engine/valueconvert.h"

#include <QFuture>
#include <QScopeGuard>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <array>
#include <cmath>

namespace cockpit {

using namespace sqliteinternal;

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
        const bool integer = as == ScanAs::Integer || as == ScanAs::Integer32 || as == ScanAs::Integer16;
        const qint64 widest = as == ScanAs::Integer16 ? 32767 : as == ScanAs::Integer32 ? 2147483647 : 0;
        auto beyond = [widest](double x) { return widest && (x > double(widest) || x < -double(widest) - 1); };
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
        {
            const qint64 x = sqlite3_value_int64(v);
            if (!found.firstInteger && (date || (as == ScanAs::Boolean && x != 0 && x != 1) || beyond(double(x))))
                found.firstInteger = QString::number(x);
            break;
        }
        case SQLITE_FLOAT: {
            const double x = sqlite3_value_double(v);
            const bool integral = x == std::trunc(x) && std::abs(x) < 9.2e18;
            if (!found.firstReal && (date || (integer && !integral) || (as == ScanAs::Boolean && x != 0 && x != 1)))
                found.firstReal = QString::number(x, 'g', 17);
            else if (!found.firstInteger && integral && beyond(x)) // a whole real, copied as that integer
                found.firstInteger = QString::number(qint64(x));
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

} // namespace cockpit
