// The type mapping, the heart of schema fidelity (README "Type mapping"): each engine's native
// types into the neutral class and back, the SQLite affinity fallbacks, the per-column
// override's parser. The directions tests prove the mapping on data; these pin each rule.
#include "engine/columntype.h"

#include <gtest/gtest.h>

using namespace cockpit;

TEST(ColumnTypes, SqliteDeclaredTypesAndItsAffinityRules)
{
    const ColumnType v = sqliteColumnType(QStringLiteral("VARCHAR(20)"));
    EXPECT_EQ(v.cls, TypeClass::VarChar);
    EXPECT_EQ(v.length, 20);
    const ColumnType n = sqliteColumnType(QStringLiteral("NUMERIC(28,12)"));
    EXPECT_EQ(n.cls, TypeClass::Numeric);
    EXPECT_EQ(n.precision, 28);
    EXPECT_EQ(n.scale, 12);
    EXPECT_EQ(sqliteColumnType(QStringLiteral("DATETIME")).cls, TypeClass::Timestamp);
    EXPECT_EQ(sqliteColumnType(QStringLiteral("DATE")).cls, TypeClass::Date);
    EXPECT_EQ(sqliteColumnType(QStringLiteral("BOOLEAN")).cls, TypeClass::Boolean);
    EXPECT_EQ(sqliteColumnType(QStringLiteral("TEXT")).cls, TypeClass::Text);
    EXPECT_EQ(sqliteColumnType(QStringLiteral("CLOB")).cls, TypeClass::Text);
    EXPECT_EQ(sqliteColumnType(QStringLiteral("BLOB")).cls, TypeClass::Blob);
    EXPECT_EQ(sqliteColumnType(QString()).cls, TypeClass::Blob); // no type: BLOB affinity
    // SQLite's own rules for names outside the list: anything with INT is an integer (a
    // misspelt "intege" too), REAL/FLOA/DOUB a double, the rest numeric.
    EXPECT_TRUE(sqliteColumnType(QStringLiteral("intege")).isInteger());
    EXPECT_TRUE(sqliteColumnType(QStringLiteral("UNSIGNED BIG INT")).isInteger());
    EXPECT_EQ(sqliteColumnType(QStringLiteral("DOUBLE PRECISION")).cls, TypeClass::Float64);
    EXPECT_EQ(sqliteColumnType(QStringLiteral("MONEYISH")).cls, TypeClass::Numeric);
}

TEST(ColumnTypes, SqliteTargetNamesKeepTheRowidAndEveryDigit)
{
    ColumnType big;
    big.cls = TypeClass::BigInt;
    EXPECT_EQ(sqliteTypeName(big), QStringLiteral("INTEGER")); // a single key stays the rowid alias
    ColumnType narrow;
    narrow.cls = TypeClass::Numeric;
    narrow.precision = 12;
    narrow.scale = 2;
    EXPECT_EQ(sqliteTypeName(narrow), QStringLiteral("NUMERIC(12,2)"));
    ColumnType wide = narrow;
    wide.precision = 28;
    wide.scale = 12;
    EXPECT_EQ(sqliteTypeName(wide), QStringLiteral("NUMERIC_BLOB(28,12)")); // past a double's 15 digits
}

TEST(ColumnTypes, PostgresTypesWithTheirModifiers)
{
    const ColumnType v = postgresColumnType(QStringLiteral("varchar"), 44, QStringLiteral("character varying(40)"));
    EXPECT_EQ(v.cls, TypeClass::VarChar);
    EXPECT_EQ(v.length, 40); // typmod is the length + 4
    const ColumnType n = postgresColumnType(QStringLiteral("numeric"), ((12 << 16) | 2) + 4, QStringLiteral("numeric(12,2)"));
    EXPECT_EQ(n.cls, TypeClass::Numeric);
    EXPECT_EQ(n.precision, 12);
    EXPECT_EQ(n.scale, 2);
    EXPECT_EQ(postgresColumnType(QStringLiteral("int8"), -1, QStringLiteral("bigint")).cls, TypeClass::BigInt);
    EXPECT_EQ(postgresColumnType(QStringLiteral("float4"), -1, QStringLiteral("real")).cls, TypeClass::Float32);
    EXPECT_EQ(postgresColumnType(QStringLiteral("timestamptz"), -1, QStringLiteral("timestamp with time zone")).cls, TypeClass::TimestampTz);
    EXPECT_EQ(postgresColumnType(QStringLiteral("bytea"), -1, QStringLiteral("bytea")).cls, TypeClass::Blob);
    EXPECT_EQ(postgresColumnType(QStringLiteral("uuid"), -1, QStringLiteral("uuid")).cls, TypeClass::Uuid);
    EXPECT_EQ(postgresColumnType(QStringLiteral("_int4"), -1, QStringLiteral("integer[]")).cls, TypeClass::Text); // arrays as text
}

TEST(ColumnTypes, MariaDbTypesUnsignedAndTinyintOne)
{
    EXPECT_EQ(mysqlColumnType(QStringLiteral("tinyint"), QStringLiteral("tinyint(1)"), -1, 3, 0).cls, TypeClass::Boolean);
    const ColumnType u = mysqlColumnType(QStringLiteral("bigint"), QStringLiteral("bigint(20) unsigned"), -1, 20, 0);
    EXPECT_EQ(u.cls, TypeClass::Numeric); // past int64: decimal(20,0)
    EXPECT_EQ(u.precision, 20);
    EXPECT_EQ(u.scale, 0);
    const ColumnType v = mysqlColumnType(QStringLiteral("varchar"), QStringLiteral("varchar(30)"), 30, -1, -1);
    EXPECT_EQ(v.cls, TypeClass::VarChar);
    EXPECT_EQ(v.length, 30);
    EXPECT_EQ(mysqlColumnType(QStringLiteral("longblob"), QStringLiteral("longblob"), -1, -1, -1).cls, TypeClass::Blob);
}

TEST(ColumnTypes, MariaDbTargetNamesBoundTextInKeys)
{
    ColumnType text;
    text.cls = TypeClass::Text;
    EXPECT_EQ(mysqlTypeName(text, false), QStringLiteral("longtext"));
    EXPECT_EQ(mysqlTypeName(text, true), QStringLiteral("varchar(255)")); // an index needs a bounded length
    ColumnType unconstrained;
    unconstrained.cls = TypeClass::Numeric;
    EXPECT_EQ(mysqlTypeName(unconstrained, false), QStringLiteral("decimal(65,30)"));
    ColumnType uuid;
    uuid.cls = TypeClass::Uuid;
    EXPECT_EQ(mysqlTypeName(uuid, false), QStringLiteral("char(36)"));
}

TEST(ColumnTypes, OverridesParseAsTheTargetSpellsThem)
{
    const auto n = parseTypeName(EngineKind::PostgreSQL, QStringLiteral("numeric(12,2)"));
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(n->cls, TypeClass::Numeric);
    EXPECT_EQ(n->precision, 12);
    EXPECT_EQ(n->scale, 2);
    EXPECT_EQ(n->native, QStringLiteral("numeric(12,2)"));
    EXPECT_EQ(describeType(*n), QStringLiteral("numeric(12,2)"));
    EXPECT_EQ(parseTypeName(EngineKind::PostgreSQL, QStringLiteral("date"))->cls, TypeClass::Date);
    EXPECT_FALSE(parseTypeName(EngineKind::PostgreSQL, QStringLiteral("numbr(12,2)")).has_value()); // a typo stops the plan
    EXPECT_FALSE(parseTypeName(EngineKind::MySQL, QStringLiteral("bytea")).has_value());             // not a MariaDB type
}
