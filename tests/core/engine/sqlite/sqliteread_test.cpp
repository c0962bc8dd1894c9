// Reading SQLite inside the library. The checksum runs as an SQL aggregate (SqliteEngine::checksum). It
// must give exactly the sums of the row-by-row path every other engine uses (checksumRows over
// a reader), whatever the storage classes: otherwise a SQLite side would never validate
// against a PostgreSQL or MariaDB side.

#include "engine/sqlite/sqliteengine.h"
#include "support/testsupport.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

TEST(SqliteChecksum, InLibraryAggregateEqualsTheRowByRowChecksum)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("mixed.db"));
    // Declared types give the column classes; SQLite's dynamic typing puts other storage
    // classes in them too (text in a NUMERIC column, a real in an INTEGER one, blobs, NULLs).
    execSqlite(file, QStringLiteral("CREATE TABLE \"we ird\" (id INTEGER PRIMARY KEY, amount NUMERIC(28,12), qty REAL, "
                                    "flag BOOLEAN, name VARCHAR(20), born DATE, data BLOB, n INTEGER)"));
    execSqlite(file, QStringLiteral(
        "INSERT INTO \"we ird\" VALUES (1, 12.5, 1, 1, 'a', '2024-01-02', x'00ff10', 5), "
        "(2, '0012.5000', 2.5, 0, '', NULL, x'', 5.0), (3, 7, -0.0, NULL, 'h\u00e9llo', 'not a date', NULL, 9007199254740993), "
        "(4, NULL, NULL, 't', NULL, 20240102, 'text in a blob column', NULL), (5, -0.000000000001, 1e308, 2, 'x', '', x'01', -1)"));
    // Enough rows to cross the progress reporting step.
    execSqlite(file, QStringLiteral("WITH RECURSIVE k(i) AS (SELECT 6 UNION ALL SELECT i + 1 FROM k WHERE i < 5000) "
                                    "INSERT INTO \"we ird\" SELECT i, i + 0.25, i, i % 2, 'n' || i, '2024-01-01', x'aa', i FROM k"));

    auto url = ConnectionUrl::parse(QStringLiteral("sqlite:") + file, dir.path());
    ASSERT_TRUE(url.ok());
    auto c = DbConnection::open(*url, DbConnection::Mode::ReadOnly);
    ASSERT_TRUE(c.ok());
    SqliteEngine engine;
    auto tables = engine.introspect(**c);
    ASSERT_TRUE(tables.ok());
    ASSERT_EQ(tables->size(), 1);
    const TableSchema t = tables->first();

    std::atomic<qint64> hashed{0};
    auto inLibrary = engine.checksum(**c, t, &hashed);
    ASSERT_TRUE(inLibrary.ok()) << inLibrary.error().message.toStdString();
    TableSchema whole = t;
    whole.copyKey.clear();
    auto reader = engine.openReader(**c, whole, 0, 0);
    ASSERT_TRUE(reader.ok());
    auto rowByRow = checksumRows(**reader, t, nullptr);
    ASSERT_TRUE(rowByRow.ok());
    EXPECT_EQ(inLibrary->rows, 5000);
    EXPECT_EQ(*inLibrary, *rowByRow) << inLibrary->toString().toStdString() << " vs " << rowByRow->toString().toStdString();
    EXPECT_EQ(hashed.load(), 5000); // progress counts every row once

    // And it sees a change: one value differs, the sum differs.
    c->reset();
    execSqlite(file, QStringLiteral("UPDATE \"we ird\" SET name = 'b' WHERE id = 1"));
    auto again = DbConnection::open(*url, DbConnection::Mode::ReadOnly);
    ASSERT_TRUE(again.ok());
    auto changed = engine.checksum(**again, t);
    ASSERT_TRUE(changed.ok());
    EXPECT_EQ(changed->rows, 5000);
    EXPECT_NE(changed->sum, inLibrary->sum);
}

// The reader hands rows over inside SQLite (a per-row function) unless the statement sorts:
// batches must hold at most maxRows rows, in key order, and a sorted read (no key: every
// column) must come back sorted.
TEST(SqliteReaderBatches, KeyOrderAndBatchSizesHoldWithAndWithoutASort)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("r.db"));
    execSqlite(file, QStringLiteral("CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE nokey (a TEXT, b INTEGER)"));
    execSqlite(file, QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25) "
                                    "INSERT INTO k SELECT 26 - i, 'v' || (26 - i) FROM n; "
                                    "INSERT INTO nokey VALUES ('c', 3), ('a', 2), ('b', 1), ('a', 1)"));
    auto url = ConnectionUrl::parse(QStringLiteral("sqlite:") + file, dir.path());
    auto c = DbConnection::open(*url, DbConnection::Mode::ReadOnly);
    ASSERT_TRUE(c.ok());
    SqliteEngine engine;
    auto tables = engine.introspect(**c);
    ASSERT_TRUE(tables.ok());
    TableSchema k, nokey;
    for (const auto &t : *tables)
        (t.name == QLatin1String("k") ? k : nokey) = t;
    ASSERT_TRUE(k.hasCopyKey());

    auto reader = engine.openReader(**c, k, 3, 20); // keys 4..20
    ASSERT_TRUE(reader.ok());
    RowBatch batch;
    QList<qint64> keys;
    QStringList values;
    while (true) {
        auto n = (*reader)->next(batch, 4);
        ASSERT_TRUE(n.ok());
        if (*n == 0)
            break;
        EXPECT_LE(*n, 4);
        EXPECT_EQ(batch.rows(), *n);
        for (int r = 0; r < batch.rows(); ++r) {
            keys << batch.key(r);
            values << QString::fromUtf8(batch.bytes(batch.value(r, 1)), int(batch.value(r, 1).size));
        }
    }
    QList<qint64> expected;
    for (qint64 i = 4; i <= 20; ++i)
        expected << i;
    EXPECT_EQ(keys, expected);
    EXPECT_EQ(values.first(), QStringLiteral("v4"));
    EXPECT_EQ(values.last(), QStringLiteral("v20"));

    auto ordered = engine.openOrderedReader(**c, nokey);
    ASSERT_TRUE(ordered.ok());
    QStringList rows;
    while (true) {
        auto n = (*ordered)->next(batch, 3);
        ASSERT_TRUE(n.ok());
        if (*n == 0)
            break;
        EXPECT_LE(*n, 3);
        for (int r = 0; r < batch.rows(); ++r)
            rows << QString::fromUtf8(batch.bytes(batch.value(r, 0)), 1) + QString::number(batch.value(r, 1).integer);
    }
    EXPECT_EQ(rows, (QStringList{QStringLiteral("a1"), QStringLiteral("a2"), QStringLiteral("b1"), QStringLiteral("c3")}));
}

