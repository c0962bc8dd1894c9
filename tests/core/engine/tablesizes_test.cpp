// tableSizes(): what the New upgrade dialog shows per table, checked against the database's own
// page counts (SQLite) and pg_total_relation_size (PostgreSQL).

#include "engine/tablesizes.h"
#include "engine/postgres/postgresengine.h"
#include "support/testsupport.h"

#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>
#include <QUuid>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// `url` opened read-only; empty, with the test failed, when it cannot be.
std::unique_ptr<DbConnection> openReadOnly(const QString &url)
{
    auto parsed = ConnectionUrl::parse(url, {});
    if (!parsed.ok()) {
        ADD_FAILURE() << "cannot parse " << url.toStdString();
        return {};
    }
    auto c = DbConnection::open(*parsed, DbConnection::Mode::ReadOnly);
    if (!c.ok()) {
        ADD_FAILURE() << c.error().message.toStdString();
        return {};
    }
    return std::move(*c);
}

} // namespace

TEST(TableSizes, SqliteCountsEveryPageOfATableAndItsIndexes)
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("sizes.db"));
    execSqlite(db, QStringLiteral("CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT); "
                                  "CREATE INDEX big_name ON big (name); "
                                  "CREATE TABLE small (id INTEGER PRIMARY KEY); "
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
                                  "INSERT INTO big SELECT i, printf('name %08d', i) FROM n"));
    auto c = openReadOnly(QStringLiteral("sqlite:") + db);
    ASSERT_TRUE(c);
    auto sizes = tableSizes(*c);
    ASSERT_TRUE(sizes.ok()) << sizes.error().message.toStdString();
    if (sizes->isEmpty())
        GTEST_SKIP() << "this SQLite library has no dbstat table";

    const qint64 pageSize = queryInt(db, QStringLiteral("PRAGMA page_size"));
    const qint64 pages = queryInt(db, QStringLiteral("PRAGMA page_count"));
    EXPECT_EQ(sizes->size(), 2);
    EXPECT_EQ(sizes->value(QStringLiteral("small")), pageSize); // one empty leaf page
    EXPECT_GT(sizes->value(QStringLiteral("big")), 20000 * 13); // every row's name, at least
    // Every page but the schema's belongs to one of the two tables (a fresh file has no free page).
    EXPECT_EQ(sizes->value(QStringLiteral("big")) + sizes->value(QStringLiteral("small")), (pages - 1) * pageSize);
}

TEST(TableSizes, PostgresGivesTheTotalRelationSizeOfTheSchemasTables)
{
    PgScratchSchema pg;
    if (pg.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set";
    ASSERT_EQ(pg.exec(QStringLiteral("CREATE TABLE big (id int PRIMARY KEY, name text); "
                                     "INSERT INTO big SELECT i, repeat('x', 200) FROM generate_series(1, 5000) i; "
                                     "CREATE TABLE small (id int)")),
              QString());
    auto c = openReadOnly(pg.url());
    ASSERT_TRUE(c);
    auto sizes = tableSizes(*c);
    ASSERT_TRUE(sizes.ok()) << sizes.error().message.toStdString();
    EXPECT_EQ(sizes->size(), 2);
    EXPECT_EQ(QString::number(sizes->value(QStringLiteral("big"))),
              pg.value(QStringLiteral("SELECT pg_total_relation_size('%1.big')").arg(pg.schema())));
    EXPECT_EQ(QString::number(sizes->value(QStringLiteral("small"))),
              pg.value(QStringLiteral("SELECT pg_total_relation_size('%1.small')").arg(pg.schema())));
    EXPECT_GT(sizes->value(QStringLiteral("big")), 5000 * 200);
}

TEST(TableSizes, MariadbGivesDataAndIndexLengthOfTheDatabasesTables)
{
    MysqlScratchDatabase mysql;
    if (mysql.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_MYSQL_URL is not set";
    for (const QString &sql : {QStringLiteral("CREATE TABLE big (id int PRIMARY KEY, name varchar(200), KEY (name)) ENGINE=InnoDB"),
                               QStringLiteral("INSERT INTO big SELECT seq, repeat('x', 200) FROM seq_1_to_5000"),
                               QStringLiteral("CREATE TABLE small (id int) ENGINE=InnoDB"),
                               QStringLiteral("ANALYZE TABLE big, small")})
        ASSERT_EQ(mysql.exec(sql), QString()) << sql.toStdString();

    auto c = openReadOnly(mysql.url());
    ASSERT_TRUE(c);
    auto sizes = tableSizes(*c);
    ASSERT_TRUE(sizes.ok()) << sizes.error().message.toStdString();
    EXPECT_EQ(sizes->size(), 2);
    for (const QString &table : {QStringLiteral("big"), QStringLiteral("small")})
        EXPECT_EQ(QString::number(sizes->value(table)),
                  mysql.value(QStringLiteral("SELECT data_length + index_length FROM information_schema.tables "
                                             "WHERE table_schema = '%1' AND table_name = '%2'")
                                  .arg(mysql.database(), table)));
    EXPECT_GT(sizes->value(QStringLiteral("big")), sizes->value(QStringLiteral("small")));
}

// A partitioned table stores nothing itself: its size is its partitions' (and theirs, a level
// down), and the preflight's sizeOnDisk, which sums these sizes, says the same.
TEST(TableSizes, PostgresCountsAPartitionedTablesPartitions)
{
    PgScratchSchema pg;
    if (pg.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set";
    ASSERT_EQ(pg.exec(QStringLiteral("CREATE TABLE events (id int, at date, note text) PARTITION BY RANGE (at); "
                                     "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'); "
                                     "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') "
                                     "PARTITION BY LIST (id); "
                                     "CREATE TABLE events_2025_all PARTITION OF events_2025 DEFAULT; "
                                     "CREATE INDEX ON events (id); "
                                     "INSERT INTO events SELECT i, date '2024-01-01' + i % 700, repeat('x', 200) "
                                     "FROM generate_series(1, 5000) i")),
              QString());
    auto c = openReadOnly(pg.url());
    ASSERT_TRUE(c);
    auto sizes = tableSizes(*c);
    ASSERT_TRUE(sizes.ok()) << sizes.error().message.toStdString();
    const QString partitions = pg.value(QStringLiteral("SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('%1.events')")
                                            .arg(pg.schema()));
    EXPECT_EQ(QString::number(sizes->value(QStringLiteral("events"))), partitions);
    EXPECT_GT(sizes->value(QStringLiteral("events")), 5000 * 200);
    EXPECT_EQ(sizes->value(QStringLiteral("events")),
              sizes->value(QStringLiteral("events_2024")) + sizes->value(QStringLiteral("events_2025")));

    TableSchema events;
    events.name = QStringLiteral("events");
    events.partitioned = true;
    auto onDisk = PostgresEngine().sizeOnDisk(*c, {events});
    ASSERT_TRUE(onDisk.ok()) << onDisk.error().message.toStdString();
    EXPECT_EQ(*onDisk, sizes->value(QStringLiteral("events")));
}
