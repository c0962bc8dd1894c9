// The type mapping, the heart of schema fidelity (README "Type mapping"): each engine's native
// types into the neutral class and back, the SQLite affinity fallbacks, the per-column
// override's parser. The directions tests prove the mapping on data; these pin each rule.
// ColumnTypeMapping walks every row of the README table (tests/support/typemappingcases.h) from
// each engine to SQLite and MariaDB and back; the PostgreSQL names are pgtypes_test.cpp's.
#include "engine/columntype.h"
#include "support/typemappingcases.h"

#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

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

class ColumnTypeMapping : public ::testing::TestWithParam<TypeMappingCase> {};

// Source type -> class, as each engine's introspection reads it ("from ..." columns).
TEST_P(ColumnTypeMapping, SourceTypeBecomesItsClass)
{
    const TypeMappingCase &c = GetParam();
    const ColumnType t = introspected(c.from);
    EXPECT_STREQ(className(t.cls), className(c.as.cls));
    EXPECT_EQ(t.length, c.as.length);
    EXPECT_EQ(t.precision, c.as.precision);
    EXPECT_EQ(t.scale, c.as.scale);
    EXPECT_EQ(t.nativeEngine, c.from.engine);
    // The README lists MariaDB's unsigned bigint under integer; it travels as an exact decimal.
    const bool unsignedBigint = c.from.engine == EngineKind::MySQL && c.as.cls == TypeClass::Numeric
                                && std::string(c.row) == "integer";
    EXPECT_EQ(readmeRowOf(t.cls), unsignedBigint ? std::string("exact decimal") : std::string(c.row));
}

// Class -> the type created on SQLite ("to SQLite"); a SQLite source keeps its declaration.
TEST_P(ColumnTypeMapping, CreatedOnSqlite)
{
    const TypeMappingCase &c = GetParam();
    EXPECT_EQ(sqliteTypeName(introspected(c.from)).toStdString(), c.toSqlite);
}

// Class -> the type created on MariaDB ("to MariaDB"), plain and in a key; a MariaDB source
// keeps its declaration.
TEST_P(ColumnTypeMapping, CreatedOnMariaDb)
{
    const TypeMappingCase &c = GetParam();
    const ColumnType t = introspected(c.from);
    EXPECT_EQ(mysqlTypeName(t, false).toStdString(), c.toMariaDb);
    EXPECT_EQ(mysqlTypeName(t, true).toStdString(), c.toMariaDbKey);
}

// And back: the type created on SQLite or MariaDB, read by that engine's introspection as a
// source of the next copy, is in the same README row, its length/precision kept where the
// target holds them. (MariaDB's introspection is given what information_schema reports for the
// created type: parseTypeName reads it the same way.)
TEST_P(ColumnTypeMapping, ReadBackInTheSameRow)
{
    const TypeMappingCase &c = GetParam();
    const ColumnType t = introspected(c.from);
    for (const EngineKind target : {EngineKind::SQLite, EngineKind::MySQL}) {
        if (target == c.from.engine)
            continue; // same-engine copies keep the declaration
        // uuid and json have no type of their own there: text (README "other").
        const std::string row = readmeRowOf(t.cls) == "other" ? "text" : readmeRowOf(t.cls);
        for (const bool key : {false, true}) {
            if (target == EngineKind::SQLite && key)
                continue; // SQLite's names do not depend on keys
            const QString created = target == EngineKind::SQLite ? sqliteTypeName(t) : mysqlTypeName(t, key);
            SCOPED_TRACE(std::string("on ") + engineLabel(target) + " as " + created.toStdString());
            const std::optional<ColumnType> back = target == EngineKind::SQLite
                                                       ? std::optional<ColumnType>(sqliteColumnType(created))
                                                       : parseTypeName(EngineKind::MySQL, created);
            ASSERT_TRUE(back.has_value());
            EXPECT_EQ(readmeRowOf(back->cls), row);
            if (t.cls == TypeClass::Numeric && t.precision > 0 && t.precision <= 65 && t.scale <= 30) {
                EXPECT_EQ(back->precision, t.precision);
                EXPECT_EQ(back->scale, t.scale);
            }
            if ((t.cls == TypeClass::VarChar || t.cls == TypeClass::Char) && t.length <= (key ? 768 : 16383)) {
                EXPECT_EQ(back->length, t.length);
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(ColumnTypeReadme, ColumnTypeMapping, ::testing::ValuesIn(typeMappingCases()),
                         [](const ::testing::TestParamInfo<TypeMappingCase> &info) {
                             return typeMappingCaseName(info.param, info.index);
                         });

// README "date / time", to SQLite: a timestamptz from PostgreSQL or MariaDB is created as
// TIMESTAMPTZ, and a SQLite file holding one is read back as timestamptz (without that name
// SQLite's affinity rules made it numeric, and the timestamps rejects on a server).
TEST(ColumnTypes, SqliteReadsBackTheTimestamptzItCreates)
{
    ColumnType tz;
    tz.cls = TypeClass::TimestampTz;
    tz.nativeEngine = EngineKind::PostgreSQL;
    ASSERT_EQ(sqliteTypeName(tz), QStringLiteral("TIMESTAMPTZ"));
    EXPECT_STREQ(className(sqliteColumnType(QStringLiteral("TIMESTAMPTZ")).cls), className(TypeClass::TimestampTz));
}

// README "integer": SQLite keeps any 64-bit integer in a column declared INT or SMALLINT; the
// names keep their widths here, and the value scan makes such a column bigint when a value is
// beyond it (tests/core/engine/sqlite/sqlitetyping_test.cpp, table wideint).
TEST(ColumnTypes, SqliteNarrowIntegerNamesAreIntegers)
{
    for (const char *declared : {"INT", "MEDIUMINT", "SMALLINT", "TINYINT", "INT4", "INT2"}) {
        SCOPED_TRACE(declared);
        const ColumnType t = sqliteColumnType(QString::fromUtf8(declared));
        EXPECT_TRUE(t.isInteger());
        EXPECT_EQ(sqliteTypeName(t), QString::fromUtf8(declared)); // SQLite to SQLite: as declared
    }
}
