#pragma once
// Building the demo's source.db (demogenerator.h): one SQLite file being written (Db), the
// spec's SQL (demorows.cpp) and writeSource, which builds the whole file with two threads
// (demosource.cpp).

#include "demo/demospec.h"
#include "util/result.h"

#include <QByteArray>
#include <QFile>
#include <QString>

#include <sqlite3.h>

#include <atomic>

namespace cockpit::demointernal {

// Rows are generated in blocks, each with its own random stream and RecId range, so any block
// can be written by any thread and the data is the same however the work is split.
constexpr int64_t kBlockRows = 65536;

QByteArray createTableSql(const TableSpec &t);

// One SQLite file being built: no journal, no syncs, one writer.
class Db {
public:
    explicit Db(QString path) : m_path(std::move(path)) {}
    ~Db() { (void)close(); }
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;

    Status open(int cacheKiB)
    {
        m_cacheKiB = cacheKiB;
        const QByteArray p = QFile::encodeName(m_path);
        if (sqlite3_open_v2(p.constData(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
            != SQLITE_OK)
            return failure(QStringLiteral("cannot create the database"));
        return exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; "
                    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-"
                    + QByteArray::number(cacheKiB));
    }

    Status exec(const QByteArray &sql)
    {
        char *msg = nullptr;
        if (sqlite3_exec(m_db, sql.constData(), nullptr, nullptr, &msg) != SQLITE_OK) {
            const QString m = QString::fromUtf8(msg ? msg : sqlite3_errmsg(m_db));
            sqlite3_free(msg);
            return makeError(QStringLiteral("\"%1\": %2").arg(m_path, m), QString::fromUtf8(sql));
        }
        return {};
    }

    Status createIndexes(const TableSpec &t)
    {
        // Secondary indexes go on after the rows: one sort instead of random-order inserts.
        // SQLite sizes its sorter runs by the cache size, and sorting a big run as one in-memory
        // list is cache-miss bound: small runs, merged afterwards, are faster.
        if (t.indexes.empty())
            return {};
        Status s = exec("PRAGMA cache_size=-4096");
        for (size_t i = 0; s && i < t.indexes.size(); ++i)
            s = exec(t.indexes[i]);
        if (s)
            s = exec("PRAGMA cache_size=-" + QByteArray::number(m_cacheKiB));
        return s;
    }

    Status insertRows(const TableSpec &t, int64_t from, int64_t to, const std::atomic<bool> &cancel);

    Status close()
    {
        if (m_db && sqlite3_close(m_db) != SQLITE_OK)
            return failure(QStringLiteral("cannot close the database"));
        m_db = nullptr;
        return {};
    }

private:
    TaskError failure(const QString &what, const QByteArray &sql = {}) const
    {
        return makeError(QStringLiteral("\"%1\": %2: %3")
                             .arg(m_path, what,
                                  m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("out of memory")),
                         QString::fromUtf8(sql));
    }

    QString m_path;
    sqlite3 *m_db = nullptr;
    int m_cacheKiB = 0;
};

TaskError cancelled();

// Removes a database and its -wal, -shm and -journal files.
Status removeDatabase(const QString &path);

// Builds source.db under a temporary name with two threads. Each writes about half of
// INVENTTRANS; this thread then copies the other half in and builds INVENTTRANS's indexes.
// The small tables are shared out so both threads finish together: this thread builds its share
// in place, the other thread in a side file that is copied in at the end with SQLite's
// INSERT ... SELECT * transfer (raw records and index entries, no re-encoding nor re-sorting).
Status writeSource(const QString &finalPath, int64_t inventTransRows, double otherTablesScale);

} // namespace cockpit::demointernal
