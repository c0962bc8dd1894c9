// PostgreSQL-only source types copied to SQLite and MariaDB, each to its nearest faithful type
// (README "Type mapping"), values kept:
//   enum      -> VARCHAR(n) / varchar(n), n = its longest label; the label as text
//   int[], text[] -> TEXT / longtext holding PostgreSQL's array literal ('{1,2,3}', '{"a b",NULL}')
//   domain    -> its base type with the domain's precision (the CHECK stays behind)
//   tsvector  -> TEXT / longtext in its text form ('''brown'':3 ''fox'':4')
//   inheritance: parent and child are copied as separate tables, each with its own rows only;
//   a partitioned table as one table with the rows of all its partitions
//   identity, serial -> an integer key numbered by the target (identity:T task)
// (those need a server). Without one, PgTypeMapping walks every row of the README table
// (tests/support/typemappingcases.h) from SQLite and MariaDB to PostgreSQL and back.

#include "engine/postgres/postgresengine.h"
#include "support/awkwarddataset.h"
#include "support/typemappingcases.h"
#include "support/testsupport.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

std::string lines(const QStringList &rows) { return rows.join(u'\n').toStdString(); }

QVector<AwkwardTable> pgTypeTables()
{
    AwkwardTable things;
    things.name = QStringLiteral("things");
    things.columns = {{QStringLiteral("id"), ColumnKind::Key},        {QStringLiteral("counter"), ColumnKind::Int},
                      {QStringLiteral("feeling"), ColumnKind::VarChar}, {QStringLiteral("numbers"), ColumnKind::Text},
                      {QStringLiteral("words"), ColumnKind::Text},      {QStringLiteral("amount"), ColumnKind::Decimal},
                      {QStringLiteral("doc"), ColumnKind::Text}};
    AwkwardTable parent;
    parent.name = QStringLiteral("parent");
    parent.columns = {{QStringLiteral("id"), ColumnKind::Int}, {QStringLiteral("name"), ColumnKind::Text}};
    AwkwardTable child = parent;
    child.name = QStringLiteral("child");
    child.columns << AwkwardColumn{QStringLiteral("extra"), ColumnKind::Text};
    AwkwardTable measures = parent;
    measures.name = QStringLiteral("measures");
    measures.columns = {{QStringLiteral("id"), ColumnKind::Int}, {QStringLiteral("v"), ColumnKind::Text}};
    return {things, parent, child, measures};
}

QStringList columnTypes(const TestDatabase &db, const QString &table)
{
    const QString sql = db.kind() == EngineKind::SQLite
                            ? QStringLiteral("SELECT type FROM pragma_table_info('%1') ORDER BY cid").arg(table)
                            : QStringLiteral("SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                                             "AND TABLE_NAME = '%1' ORDER BY ORDINAL_POSITION").arg(table);
    QStringList out;
    for (const auto &row : db.rows(sql))
        out << row.value(0).toString();
    return out;
}

class PostgresOnlyTypes : public ::testing::TestWithParam<EngineKind> {};

TEST_P(PostgresOnlyTypes, MapToTheNearestTypeAndKeepTheirValues)
{
    const EngineKind targetKind = GetParam();
    for (EngineKind k : {EngineKind::PostgreSQL, targetKind})
        if (TestDatabase::serverUrl(k).isEmpty())
            GTEST_SKIP() << "a server URL variable is not set (scripts/test-servers.sh starts the servers)";
    QTemporaryDir dir;
    QString error;
    auto source = TestDatabase::create(EngineKind::PostgreSQL, dir.path(), QStringLiteral("pgsrc"), &error);
    ASSERT_TRUE(source) << qPrintable(error);
    auto target = TestDatabase::create(targetKind, dir.path(), QStringLiteral("tgt"), &error);
    ASSERT_TRUE(target) << qPrintable(error);
    const QString s = source->schema();
    ASSERT_EQ(source->exec(QStringLiteral(
                  "CREATE TYPE %1.mood AS ENUM ('sad', 'ok', 'very happy');\n"
                  "CREATE DOMAIN %1.positive_amount AS numeric(12,3) CHECK (VALUE > 0);\n"
                  "CREATE TABLE %1.things (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, counter serial, "
                  "feeling %1.mood, numbers int[], words text[], amount %1.positive_amount, doc tsvector);\n"
                  "INSERT INTO %1.things (feeling, numbers, words, amount, doc) VALUES "
                  "('very happy', '{1,2,3}', ARRAY['a b', 'c,d', 'q\"x', NULL, 'ü', 'back\\slash'], 12.345, "
                  "to_tsvector('simple', 'the quick brown fox')), "
                  "('sad', '{}', '{}', 0.001, ''), (NULL, NULL, NULL, NULL, NULL), "
                  "('ok', '{-2147483648,NULL}', '{\"\"}', 999999999.999, 'a:1 b:2');\n"
                  "CREATE TABLE %1.parent (id int PRIMARY KEY, name text);\n"
                  "CREATE TABLE %1.child (extra text) INHERITS (%1.parent);\n"
                  "INSERT INTO %1.parent VALUES (1, 'p1'), (2, 'p2');\n"
                  "INSERT INTO %1.child VALUES (3, 'c3', 'x'), (4, 'c4', NULL);\n"
                  "CREATE TABLE %1.measures (id int, v text) PARTITION BY RANGE (id);\n"
                  "CREATE TABLE %1.measures_low PARTITION OF %1.measures FOR VALUES FROM (0) TO (100);\n"
                  "CREATE TABLE %1.measures_high PARTITION OF %1.measures FOR VALUES FROM (100) TO (1000);\n"
                  "INSERT INTO %1.measures VALUES (1, 'low'), (150, 'high'), (999, NULL)")
                  .arg(s)),
              QString());

    auto sourceUrl = ConnectionUrl::parse(source->url(), dir.path());
    auto targetUrl = ConnectionUrl::parse(target->url(), dir.path());
    ASSERT_TRUE(sourceUrl.ok() && targetUrl.ok());
    Plan plan = Plan::fromUrls(*sourceUrl, *targetUrl, dir.filePath(QStringLiteral("state.db")));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const auto &t : allTasks(run)) {
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
        if (t.spec.kind == TaskKind::Validate) {
            EXPECT_TRUE(t.status.message.contains(QStringLiteral("equal"))) << qPrintable(t.status.message);
        }
    }
    // The identity key is numbered on the target from max+1 (serial and identity both count as
    // identity; the constraints phase moves the counter past the copied keys).
    EXPECT_EQ(taskView(run, QStringLiteral("identity:things")).status.state, TaskState::Ended);

    // Every value as PostgreSQL prints it (enum label, array literal, tsvector text, domain's
    // numeric), and each inheritance table with its own rows only.
    for (const AwkwardTable &t : pgTypeTables()) {
        if (t.name == QLatin1String("parent"))
            continue; // plain SQL on the source sees the child's rows too (no ONLY): asserted below
        EXPECT_EQ(lines(readCanonicalRows(*target, t)), lines(readCanonicalRows(*source, t))) << qPrintable(t.name);
    }
    EXPECT_EQ(lines(readCanonicalRows(*target, pgTypeTables()[0])),
              lines(QStringList{
                  "'1' | '1' | 'very happy' | '{1,2,3}' | '{\"a b\",\"c,d\",\"q\\\"x\",NULL,ü,\"back\\\\slash\"}' | '12.345' | "
                  "''brown':3 'fox':4 'quick':2 'the':1'",
                  "'2' | '2' | 'sad' | '{}' | '{}' | '0.001' | ''",
                  "'3' | '3' | NULL | NULL | NULL | NULL | NULL",
                  "'4' | '4' | 'ok' | '{-2147483648,NULL}' | '{\"\"}' | '999999999.999' | ''a':1 'b':2'"}));
    EXPECT_EQ(lines(readCanonicalRows(*target, pgTypeTables()[1])), lines(QStringList{"'1' | 'p1'", "'2' | 'p2'"}));
    EXPECT_EQ(lines(readCanonicalRows(*target, pgTypeTables()[2])), lines(QStringList{"'3' | 'c3' | 'x'", "'4' | 'c4' | NULL"}));
    // A partitioned table arrives whole, as one table; its partitions are not copied again.
    EXPECT_EQ(lines(readCanonicalRows(*target, pgTypeTables()[3])), lines(QStringList{"'1' | 'low'", "'150' | 'high'", "'999' | NULL"}));
    const QString partitions = targetKind == EngineKind::SQLite
                                   ? QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name LIKE 'measures_%'")
                                   : QStringLiteral("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                                    "AND TABLE_NAME LIKE 'measures_%'");
    EXPECT_EQ(target->value(partitions).toStdString(), "0");

    const QStringList expectedTypes =
        targetKind == EngineKind::SQLite
            ? QStringList{"INTEGER", "INTEGER", "VARCHAR(10)", "TEXT", "TEXT", "NUMERIC(12,3)", "TEXT"}
            : QStringList{"bigint(20)", "int(11)", "varchar(10)", "longtext", "longtext", "decimal(12,3)", "longtext"};
    EXPECT_EQ(columnTypes(*target, QStringLiteral("things")).join(u',').toStdString(), expectedTypes.join(u',').toStdString());
}

INSTANTIATE_TEST_SUITE_P(ToSqliteAndMariaDb, PostgresOnlyTypes, ::testing::Values(EngineKind::SQLite, EngineKind::MySQL),
                         [](const ::testing::TestParamInfo<EngineKind> &info) {
                             return std::string(info.param == EngineKind::SQLite ? "SQLite" : "MariaDB");
                         });

} // namespace

class PgTypeMapping : public ::testing::TestWithParam<TypeMappingCase> {};

// Class -> the type created on PostgreSQL ("to PostgreSQL"); a PostgreSQL source keeps
// format_type's spelling (but for domains: their base type).
TEST_P(PgTypeMapping, CreatedOnPostgres)
{
    const TypeMappingCase &c = GetParam();
    EXPECT_EQ(PostgresEngine::typeName(introspected(c.from)).toStdString(), c.toPostgres);
}

// And back: the type created, read as PostgreSQL spells it, is in the same README row with its
// length, precision and scale (uuid and json stay themselves here).
// (Same-engine copies keep the declaration: only the SQLite and MariaDB sources.)
class PgTypeReadBack : public PgTypeMapping {};

TEST_P(PgTypeReadBack, InTheSameRow)
{
    const TypeMappingCase &c = GetParam();
    const ColumnType t = introspected(c.from);
    const QString created = PostgresEngine::typeName(t);
    const std::optional<ColumnType> back = parseTypeName(EngineKind::PostgreSQL, created);
    ASSERT_TRUE(back.has_value()) << created.toStdString();
    EXPECT_EQ(readmeRowOf(back->cls), readmeRowOf(t.cls)) << created.toStdString();
    if (t.cls == TypeClass::Numeric) {
        EXPECT_EQ(back->precision, t.precision);
        EXPECT_EQ(back->scale, t.scale);
    }
    if (t.cls == TypeClass::VarChar || t.cls == TypeClass::Char) {
        EXPECT_EQ(back->length, t.length);
    }
}

INSTANTIATE_TEST_SUITE_P(PgTypesReadme, PgTypeMapping, ::testing::ValuesIn(typeMappingCases()),
                         [](const ::testing::TestParamInfo<TypeMappingCase> &info) {
                             return typeMappingCaseName(info.param, info.index);
                         });
INSTANTIATE_TEST_SUITE_P(PgTypesReadme, PgTypeReadBack, ::testing::ValuesIn(typeMappingCasesNotFrom(EngineKind::PostgreSQL)),
                         [](const ::testing::TestParamInfo<TypeMappingCase> &info) {
                             return typeMappingCaseName(info.param, info.index);
                         });
