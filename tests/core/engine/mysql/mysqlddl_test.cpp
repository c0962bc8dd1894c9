// MariaDB target tables built from the column model (README "Type mapping", to MariaDB): text
// compares byte for byte (utf8mb4_nopad_bin), and text in a key gets a bounded length.
#include "engine/mysql/mysqlengine.h"
#include "support/testsupport.h"

#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

// README "text", to MariaDB: `varchar(n)`, `longtext` (`varchar(255)` in a key), `utf8mb4_nopad_bin`.
TEST(MysqlDdl, TextIsNoPadBinaryAndBoundedInKeys)
{
    const ColumnType text = postgresColumnType(QStringLiteral("text"), -1, QStringLiteral("text"));
    TableSchema t;
    t.name = QStringLiteral("t");
    t.columns << testColumn(QStringLiteral("code"), text, 1) << testColumn(QStringLiteral("note"), text)
              << testColumn(QStringLiteral("label"), sqliteColumnType(QStringLiteral("VARCHAR(40)")))
              << testColumn(QStringLiteral("tag"), text);
    t.primaryKey = QStringList{QStringLiteral("code")};
    IndexSchema byTag;
    byTag.name = QStringLiteral("t_tag");
    byTag.columns = QStringList{QStringLiteral("tag")};
    t.indexes << byTag; // an index needs a bounded length as the key does
    const QString sql = MysqlEngine().createTableSql(t);
    SCOPED_TRACE(sql.toStdString());
    EXPECT_TRUE(sql.contains(QStringLiteral("`code` varchar(255) NOT NULL")));
    EXPECT_TRUE(sql.contains(QStringLiteral("`note` longtext")));
    EXPECT_TRUE(sql.contains(QStringLiteral("`label` varchar(40)")));
    EXPECT_TRUE(sql.contains(QStringLiteral("`tag` varchar(255)")));
    EXPECT_TRUE(sql.endsWith(QStringLiteral(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin")));
}
