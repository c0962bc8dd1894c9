// The date scan that decides whether a SQLite text column becomes date/timestamp on a server
// target: every value is read, also when a big table is scanned in rowid ranges on several
// connections, and the value reported is the first bad one in rowid order.
#include "engine/dbconnection.h"
#include "engine/sqlite/sqliteengine.h"
#include "support/testsupport.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

std::vector<std::optional<QString>> scan(const QString &db)
{
    auto url = ConnectionUrl::parse(QStringLiteral("sqlite:") + db, {});
    EXPECT_TRUE(url.ok());
    auto c = DbConnection::open(*url, DbConnection::Mode::ReadOnly);
    EXPECT_TRUE(c.ok()) << c.error().message.toStdString();
    SqliteEngine engine;
    auto schema = engine.introspect(**c);
    EXPECT_TRUE(schema.ok());
    const TableSchema &t = schema->first();
    QVector<ColumnSchema> columns;
    for (const auto &col : t.columns)
        if (col.name != QLatin1String("id"))
            columns << col;
    auto found = engine.scanValues(**c, t, columns, {ScanAs::Date, ScanAs::Timestamp});
    EXPECT_TRUE(found.ok()) << found.error().message.toStdString();
    std::vector<std::optional<QString>> bad;
    if (found.ok())
        for (const auto &v : *found)
            bad.push_back(v.firstText);
    return bad;
}

} // namespace

TEST(DateScan, EveryRowIsReadAndTheFirstBadValueInRowidOrderIsReported)
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("s.db"));
    // 600,000 rows: three rowid ranges of 200,000 on a machine with three cores or more, two on two.
    execSqlite(db, QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, d DATE, ts DATETIME); "
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600000) "
                                  "INSERT INTO t SELECT i, date('2001-01-01', '+' || (i % 5000) || ' days'), "
                                  "datetime('2001-01-01 00:00:00', '+' || i || ' seconds') FROM n"));
    auto clean = scan(db);
    ASSERT_EQ(clean.size(), size_t(2));
    EXPECT_FALSE(clean[0].has_value()) << clean[0]->toStdString();
    EXPECT_FALSE(clean[1].has_value()) << clean[1]->toStdString();

    // A bad date only in the last rows, and bad timestamps in the first and the last rows.
    execSqlite(db, QStringLiteral("UPDATE t SET d = '2001-02-30x' WHERE id = 599999; "
                                  "UPDATE t SET ts = 'yesterday' WHERE id = 17; UPDATE t SET ts = 'tomorrow' WHERE id = 599000"));
    auto bad = scan(db);
    ASSERT_EQ(bad.size(), size_t(2));
    EXPECT_EQ(bad[0].value_or(QStringLiteral("none")), QStringLiteral("2001-02-30x"));
    EXPECT_EQ(bad[1].value_or(QStringLiteral("none")), QStringLiteral("yesterday"));
}
