// Building the demo's source.db with two threads, under a temporary name renamed into place
// (demobuild.h).
#include "demo/demobuild.h"

#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <future>
#include <thread>
#include <vector>

namespace cockpit::demointernal {

namespace {

Status removeFile(const QString &path)
{
    if (QFileInfo::exists(path) || QFileInfo(path).isSymLink()) {
        QFile f(path);
        if (!f.remove())
            return makeError(QStringLiteral("\"%1\": cannot remove: %2").arg(path, f.errorString()));
    }
    return {};
}

// A database's companions: a stale hot journal or WAL next to a new file would be applied to it.
Status removeCompanions(const QString &path)
{
    for (const char *suffix : {"-wal", "-shm", "-journal"})
        if (auto s = removeFile(path + QLatin1String(suffix)); !s)
            return s;
    return {};
}

} // namespace

Status removeDatabase(const QString &path)
{
    if (auto s = removeCompanions(path); !s)
        return s;
    return removeFile(path);
}


namespace {

QByteArray quoted(const QString &path)
{
    return '\'' + path.toUtf8().replace('\'', "''") + '\'';
}

// Rough CPU cost of work on a table, in "values written" units; used only to split the work
// between the two threads (a wrong guess costs time, never correctness).
double insertCost(const TableSpec &t, int64_t rows) { return double(rows) * double(t.cols.size() + 8); }
double indexCost(const TableSpec &t) { return double(t.rows) * 20.0 * double(t.indexes.size()); }
// Copying a finished table in: raw records and index entries, no encoding nor sorting.
double copyCost(const TableSpec &t, int64_t rows)
{
    return 0.3 * insertCost(t, rows) + double(rows) * 3.0 * double(t.indexes.size());
}

// The work of a thread besides its part of the big table.
Status buildTables(Db &db, const std::vector<const TableSpec *> &tables, const std::atomic<bool> &cancel)
{
    Status s;
    for (size_t i = 0; s && i < tables.size(); ++i) {
        s = db.exec(createTableSql(*tables[i]));
        if (s)
            s = db.insertRows(*tables[i], 0, tables[i]->rows, cancel);
        if (s)
            s = db.createIndexes(*tables[i]);
    }
    return s;
}

// The other thread's share, in two files of its own: the second part of the big table (rows
// only), then its small tables with their indexes. Each file is closed before it is announced.
void buildSideFiles(const TableSpec &big, int64_t splitRow, const std::vector<const TableSpec *> &tables,
                    const QString &bigPath, const QString &tablesPath, const std::atomic<bool> &cancel,
                    std::promise<Status> &bigDone, std::promise<Status> &tablesDone)
{
    Status s;
    if (splitRow < big.rows) {
        Db db(bigPath);
        s = db.open(64 * 1024);
        if (s)
            s = db.exec("BEGIN; " + createTableSql(big));
        if (s)
            s = db.insertRows(big, splitRow, big.rows, cancel);
        if (s)
            s = db.exec("COMMIT");
        if (s)
            s = db.close();
    }
    bigDone.set_value(s);
    if (s && cancel.load())
        s = cancelled();
    if (s && !tables.empty()) {
        Db db(tablesPath);
        s = db.open(64 * 1024);
        if (s)
            s = db.exec("BEGIN");
        if (s)
            s = buildTables(db, tables, cancel);
        if (s)
            s = db.exec("COMMIT");
        if (s)
            s = db.close();
    }
    tablesDone.set_value(s);
}

} // namespace

// Builds source.db under a temporary name with two threads. Each writes about half of
// INVENTTRANS; this thread then copies the other half in and builds INVENTTRANS's indexes.
// The small tables are shared out so both threads finish together: this thread builds its share
// in place, the other thread in a side file that is copied in at the end with SQLite's
// INSERT ... SELECT * transfer (raw records and index entries, no re-encoding nor re-sorting).
Status writeSource(const QString &finalPath, int64_t inventTransRows, double otherTablesScale)
{
    const QString tmpPath = finalPath + QStringLiteral(".partial");
    const QString bigPath = finalPath + QStringLiteral(".partial-1");
    const QString sidePath = finalPath + QStringLiteral(".partial-2");
    for (const QString &p : {tmpPath, bigPath, sidePath})
        if (auto s = removeDatabase(p); !s)
            return s;

    const std::vector<TableSpec> tables = demoTables(inventTransRows, otherTablesScale);
    const TableSpec *big = nullptr;
    std::vector<const TableSpec *> others;
    for (const TableSpec &t : tables) {
        if (std::strcmp(t.name, "INVENTTRANS") == 0)
            big = &t;
        else
            others.push_back(&t);
    }
    // Split the big table on a block boundary, so both halves are ready at the same time.
    const int64_t splitRow = big->rows < 2 * kBlockRows
        ? big->rows
        : std::max(kBlockRows, (big->rows / 2 + kBlockRows / 2) / kBlockRows * kBlockRows);

    // Share out the small tables, largest first, to the thread with less work so far.
    double mainLoad = insertCost(*big, splitRow) + copyCost(*big, big->rows - splitRow) + indexCost(*big);
    double sideLoad = insertCost(*big, big->rows - splitRow);
    std::vector<const TableSpec *> byCost = others;
    std::stable_sort(byCost.begin(), byCost.end(), [](const TableSpec *a, const TableSpec *b) {
        return insertCost(*a, a->rows) + indexCost(*a) > insertCost(*b, b->rows) + indexCost(*b);
    });
    std::vector<const TableSpec *> mine, theirs;
    for (const TableSpec *t : byCost) {
        const double cost = insertCost(*t, t->rows) + indexCost(*t);
        if (mainLoad <= sideLoad) {
            mine.push_back(t);
            mainLoad += cost;
        } else {
            theirs.push_back(t);
            sideLoad += cost;
            mainLoad += copyCost(*t, t->rows);
        }
    }
    // Keep each thread's tables in name order (the order they appear in the schema).
    auto byName = [](const TableSpec *a, const TableSpec *b) { return std::strcmp(a->name, b->name) < 0; };
    std::sort(mine.begin(), mine.end(), byName);
    std::sort(theirs.begin(), theirs.end(), byName);

    std::atomic<bool> cancel{false};
    std::promise<Status> bigDone, sideDone;
    std::future<Status> bigReady = bigDone.get_future(), sideReady = sideDone.get_future();
    std::thread side(buildSideFiles, std::cref(*big), splitRow, std::cref(theirs), std::cref(bigPath),
                     std::cref(sidePath), std::cref(cancel), std::ref(bigDone), std::ref(sideDone));

    Status s;
    {
        Db db(tmpPath);
        s = db.open(64 * 1024);
        if (s)
            s = db.exec("BEGIN; " + createTableSql(*big));
        if (s)
            s = db.insertRows(*big, 0, splitRow, cancel);
        if (s)
            s = buildTables(db, mine, cancel);
        if (s)
            s = db.exec("COMMIT");
        if (s)
            s = bigReady.get();
        // ATTACH is not allowed inside a transaction: one transaction per copied file.
        if (s && splitRow < big->rows)
            s = db.exec("ATTACH " + quoted(bigPath) + " AS part; BEGIN; INSERT INTO INVENTTRANS SELECT * FROM "
                        "part.INVENTTRANS; COMMIT; DETACH part");
        if (s)
            s = db.exec("BEGIN");
        if (s)
            s = db.createIndexes(*big);
        if (s)
            s = db.exec("COMMIT");
        if (s)
            s = sideReady.get();
        if (s && !theirs.empty())
            s = db.exec("ATTACH " + quoted(sidePath) + " AS part; BEGIN");
        for (size_t i = 0; s && i < theirs.size(); ++i) {
            // Same table and indexes, still empty: the copy moves records and index entries as-is.
            s = db.exec(createTableSql(*theirs[i]));
            if (s)
                s = db.createIndexes(*theirs[i]);
            if (s)
                s = db.exec("INSERT INTO " + QByteArray(theirs[i]->name) + " SELECT * FROM part."
                            + QByteArray(theirs[i]->name));
        }
        if (s && !theirs.empty())
            s = db.exec("COMMIT; DETACH part");
        if (s)
            s = db.exec("PRAGMA journal_mode=DELETE");
        if (s)
            s = db.close();
        if (!s)
            cancel = true;
    }
    side.join();
    (void)removeDatabase(bigPath);
    (void)removeDatabase(sidePath);
    if (!s) {
        (void)removeDatabase(tmpPath);
        return s;
    }
    if (auto r = removeCompanions(finalPath); !r) {
        (void)removeDatabase(tmpPath);
        return r;
    }
    // rename(2) replaces an existing source.db atomically; QFile::rename refuses to.
    if (std::rename(QFile::encodeName(tmpPath).constData(), QFile::encodeName(finalPath).constData()) != 0) {
        const QString reason = QString::fromLocal8Bit(std::strerror(errno));
        (void)removeDatabase(tmpPath);
        return makeError(QStringLiteral("\"%1\": cannot rename into place: %2").arg(finalPath, reason));
    }
    return {};
}

} // namespace cockpit::demointernal
