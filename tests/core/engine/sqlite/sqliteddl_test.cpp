// SQLite target tables built from the column model (README "Type mapping", to SQLite): an
// integer key from another engine is declared INTEGER, so that it stays the rowid alias.
#include "engine/sqlite/sqliteengine.h"
#include "support/testsupport.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// Whether `createSql`'s table "t" numbers its rows by `key`: a row inserted with key 42 has rowid 42.
bool keyIsRowid(const QString &createSql, const QString &key)
{
    sqlite3 *db = nullptr;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return false;
    const QString sql = createSql + QStringLiteral("; INSERT INTO t (\"%1\") VALUES (42)").arg(key);
    bool rowid = false;
    if (sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, nullptr) == SQLITE_OK) {
        sqlite3_stmt *st = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT rowid FROM t", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            rowid = sqlite3_column_int64(st, 0) == 42;
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return rowid;
}

} // namespace

// README "integer", to SQLite: `INTEGER` (a single-column key stays the rowid alias).
TEST(SqliteDdl, IntegerKeyFromAServerIsTheRowidAlias)
{
    for (const ColumnType &id : {postgresColumnType(QStringLiteral("int4"), -1, QStringLiteral("integer")),
                                 postgresColumnType(QStringLiteral("int2"), -1, QStringLiteral("smallint")),
                                 mysqlColumnType(QStringLiteral("bigint"), QStringLiteral("bigint(20)"), -1, 19, 0)}) {
        TableSchema t;
        t.name = QStringLiteral("t");
        t.columns << testColumn(QStringLiteral("id"), id, 1)
                  << testColumn(QStringLiteral("v"), postgresColumnType(QStringLiteral("text"), -1, QStringLiteral("text")));
        t.primaryKey = QStringList{QStringLiteral("id")};
        const QString sql = SqliteEngine().createTableSql(t);
        SCOPED_TRACE(sql.toStdString());
        EXPECT_TRUE(sql.contains(QStringLiteral("\"id\" INTEGER NOT NULL")));
        EXPECT_TRUE(sql.contains(QStringLiteral("PRIMARY KEY (\"id\")")));
        EXPECT_TRUE(keyIsRowid(sql, QStringLiteral("id")));
    }
}

// A plan's override spelt another way (`BIGINT`) on a numbered key would make the key a column
// of its own beside the rowid: an identity key is declared INTEGER whatever it was given.
TEST(SqliteDdl, IdentityKeyIsIntegerWhateverItsOverride)
{
    TableSchema t;
    t.name = QStringLiteral("t");
    t.columns << testColumn(QStringLiteral("id"), *parseTypeName(EngineKind::SQLite, QStringLiteral("BIGINT")), 1);
    t.columns.first().identity = true;
    t.primaryKey = QStringList{QStringLiteral("id")};
    const QString sql = SqliteEngine().createTableSql(t);
    EXPECT_TRUE(sql.contains(QStringLiteral("\"id\" INTEGER NOT NULL"))) << sql.toStdString();
    EXPECT_TRUE(keyIsRowid(sql, QStringLiteral("id"))) << sql.toStdString();
    t.columns.first().identity = false; // not numbered: the override as given
    EXPECT_TRUE(SqliteEngine().createTableSql(t).contains(QStringLiteral("\"id\" BIGINT NOT NULL")));
}
