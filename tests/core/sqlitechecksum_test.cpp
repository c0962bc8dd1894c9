// SQLite's checksum runs inside the library as an SQL aggregate (SqliteEngine::checksum). It
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
