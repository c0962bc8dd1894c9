// Writing the demo's rows (demobuild.h): a table's CREATE and INSERT text, and its rows in blocks
// of their own random stream and RecId range.
#include "demo/demobuild.h"
#include "demo/demorandom.h"
#include "demo/demowords.h"

namespace cockpit::demointernal {

namespace {

constexpr int64_t kFirstRecId = 5637144576; // AX 2009's first RecId
constexpr int64_t kBlockRecIds = 3 * kBlockRows; // a row advances RECID by 1 to 3

uint64_t blockSeed(const char *table, int64_t block)
{
    uint64_t z = seedFor(table) + uint64_t(block) * 0xD1B54A32D192ED03ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

QByteArray insertSql(const TableSpec &t)
{
    QByteArray sql = "INSERT INTO " + QByteArray(t.name) + " (RECID, DATAAREAID, RECVERSION";
    QByteArray values = "?, ?, ?";
    for (const Col &c : t.cols) {
        sql += ", " + QByteArray(c.name);
        values += ", ?";
    }
    return sql + ") VALUES (" + values + ')';
}

} // namespace

QByteArray createTableSql(const TableSpec &t)
{
    QByteArray sql = "CREATE TABLE " + QByteArray(t.name) + " (\n    RECID ";
    sql += t.key == Key::RecIdPk ? "INTEGER PRIMARY KEY" : "BIGINT NOT NULL";
    sql += ",\n    DATAAREAID VARCHAR(4) NOT NULL DEFAULT 'dat',\n    RECVERSION INTEGER NOT NULL DEFAULT 1";
    for (const Col &c : t.cols) {
        sql += ",\n    " + QByteArray(c.name) + ' ' + c.type;
        if (c.notNull)
            sql += " NOT NULL";
        if (c.defaultValue)
            sql += " DEFAULT " + QByteArray(c.defaultValue);
    }
    if (t.constraint)
        sql += ",\n    " + QByteArray(t.constraint);
    sql += "\n)";
    return sql;
}

TaskError cancelled() { return makeError(QStringLiteral("demo: cancelled")); }

// Rows [from, to) of `t`; `from` must start a block (0 or a multiple of kBlockRows).
Status Db::insertRows(const TableSpec &t, int64_t from, int64_t to, const std::atomic<bool> &cancel)
{
    Q_ASSERT(from % kBlockRows == 0);
    if (from >= to)
        return {};
    const QByteArray sql = insertSql(t);
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v3(m_db, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &st, nullptr)
        != SQLITE_OK)
        return failure(QStringLiteral("cannot prepare the insert into %1").arg(QLatin1String(t.name)), sql);
    struct Finalizer {
        sqlite3_stmt *st;
        ~Finalizer() { sqlite3_finalize(st); }
    } finalizer{st};

    static constexpr double kPow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    RowBuffer buf;
    const int ncols = int(t.cols.size());
    Rng rng(0);
    int64_t recId = 0;

    for (int64_t row = from; row < to; ++row) {
        if (row == from || row % kBlockRows == 0) {
            if (cancel.load(std::memory_order_relaxed))
                return cancelled();
            const int64_t block = row / kBlockRows;
            rng = Rng(blockSeed(t.name, block));
            recId = kFirstRecId + block * kBlockRecIds;
        }
        buf.reset();
        // The AX system columns.
        recId += 1 + ((rng.next() & 7) == 0 ? int64_t(rng.below(3)) : 0);
        sqlite3_bind_int64(st, 1, recId);
        const char *company = t.dataAreaBlock > 0
            ? kCompanies[size_t(row / t.dataAreaBlock) % kCompanies.size()]
            : kCompaniesWeighted[rng.below(kCompaniesWeighted.size())];
        sqlite3_bind_text(st, 2, company, -1, SQLITE_STATIC);
        // RECVERSION: 0 for about one row in eleven (rows not written since the column came, the
        // upgrade's fill_new_columns script sets them to 1), 1 mostly, else a random version.
        const uint64_t v = rng.next();
        sqlite3_bind_int64(st, 3, (v & 3) ? ((v >> 2) & 7 ? 1 : 0) : int64_t((v >> 33) & 0x7fffffff) + 1);

        for (int i = 0; i < ncols; ++i) {
            const Col &c = t.cols[size_t(i)];
            const int p = i + 4;
            if (c.nulls > 0 && rng.unit() < c.nulls) {
                sqlite3_bind_null(st, p);
                continue;
            }
            if (c.empties > 0 && rng.unit() < c.empties) {
                sqlite3_bind_text(st, p, "", 0, SQLITE_STATIC);
                continue;
            }
            char *m = buf.mark();
            switch (c.gen) {
            case Gen::Code:
                buf.put(c.prefix);
                buf.putUInt(uint64_t(c.lo + row * c.mul / c.div + 1), c.width);
                buf.put(c.suffix);
                sqlite3_bind_text(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            case Gen::Ref:
                buf.put(c.prefix);
                buf.putUInt(uint64_t(c.lo + rng.range(1, c.hi)), c.width);
                sqlite3_bind_text(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            case Gen::Int:
                sqlite3_bind_int64(st, p, rng.range(c.lo, c.hi));
                break;
            case Gen::Real:
                sqlite3_bind_double(st, p, double(rng.range(c.lo, c.hi)) / kPow10[c.decimals]);
                break;
            case Gen::Date:
                buf.putDate(rng.range(c.lo, c.hi));
                sqlite3_bind_text(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            case Gen::DateTime: {
                buf.putDate(rng.range(c.lo, c.hi));
                const unsigned secs = unsigned(rng.below(86400));
                buf.putChar(' ');
                buf.put2(secs / 3600);
                buf.putChar(':');
                buf.put2(secs / 60 % 60);
                buf.putChar(':');
                buf.put2(secs % 60);
                sqlite3_bind_text(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            }
            case Gen::Pick:
                sqlite3_bind_text(st, p, (*c.list)[rng.below(c.list->size())], -1, SQLITE_STATIC);
                break;
            case Gen::Cycle:
                sqlite3_bind_text(st, p, (*c.list)[size_t(row) % c.list->size()], -1, SQLITE_STATIC);
                break;
            case Gen::Words:
                buf.put((*c.list)[rng.below(c.list->size())]);
                buf.putChar(' ');
                buf.put((*c.list2)[rng.below(c.list2->size())]);
                if (c.hi > 0) {
                    buf.putChar(' ');
                    buf.putUInt(uint64_t(rng.range(c.lo, c.hi)), 0);
                }
                sqlite3_bind_text(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            case Gen::Blob:
                buf.putRandomBytes(rng, size_t(rng.range(c.lo, c.hi)));
                sqlite3_bind_blob(st, p, m, buf.since(m), SQLITE_STATIC);
                break;
            }
        }
        if (sqlite3_step(st) != SQLITE_DONE)
            return failure(QStringLiteral("cannot insert row %1 into %2").arg(row + 1).arg(QLatin1String(t.name)),
                           sql);
        sqlite3_reset(st);
    }
    return {};
}

} // namespace cockpit::demointernal
