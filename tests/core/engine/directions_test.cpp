// Every direction between SQLite, PostgreSQL and MariaDB (3 x 3, same engine included) copies
// the awkward dataset (tests/support/awkwarddataset.h) faithfully: a real UpgradeRun ends every
// task, validation says "equal", and - independently of our checksum - the values read back
// from the target with plain SQL equal the source's. Pairs with a server skip when its URL
// variable is unset.
//
// What legitimately changes, and is asserted exactly:
//   * SQLite's NUMERIC affinity stores a NUMERIC(28,12) value as an integer or a double (15
//     significant digits), so a SQLite source holds, and the copy carries, that double's exact
//     decimal. Exact decimals from PostgreSQL/MariaDB keep every digit on a SQLite target: the
//     column is declared NUMERIC_BLOB(p,s), BLOB affinity, and holds an integer or a real when
//     that is exact (as NUMERIC would), text otherwise.
//   * Only PostgreSQL keeps the sign of a zero double: -0.0 is 0 on SQLite and MariaDB.
//   * Booleans are 0/1 on SQLite and MariaDB (tinyint(1)), true/false on PostgreSQL; compared as
//     0/1. Timestamps are compared without trailing fraction zeros (MariaDB datetime(6) prints
//     six digits); on a SQLite target they are ISO text 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
//   * Column types follow README "Type mapping" (a SQLite REAL is double precision on
//     PostgreSQL and double on MariaDB, ...): asserted column by column below.

#include "support/awkwarddataset.h"
#include "support/testsupport.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// The declared types of `Order`'s columns on the target, in column order.
QStringList targetColumnTypes(const TestDatabase &db, const QString &table)
{
    QString sql;
    switch (db.kind()) {
    case EngineKind::SQLite:
        sql = QStringLiteral("SELECT type FROM pragma_table_info('%1') ORDER BY cid").arg(table);
        break;
    case EngineKind::PostgreSQL:
        sql = QStringLiteral("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '%1'::regclass "
                             "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")
                  .arg(db.table(table));
        break;
    case EngineKind::MySQL:
        sql = QStringLiteral("SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                             "AND TABLE_NAME = '%1' ORDER BY ORDINAL_POSITION")
                  .arg(table);
        break;
    }
    QStringList out;
    for (const auto &row : db.rows(sql))
        out << row.value(0).toString();
    return out;
}

// `Order`: id, Mixed Case, with space, big, Small, amount, dbl, bin, day, at, flag.
QStringList expectedOrderTypes(EngineKind source, EngineKind target)
{
    if (source == target) { // the source's own declarations
        AwkwardTable order = awkwardDataset().first();
        QStringList out;
        for (const auto &c : order.columns)
            out << nativeType(source, c);
        if (target == EngineKind::PostgreSQL) // as format_type prints them
            out = QStringList{"bigint", "character varying(40)", "text", "bigint", "integer", "numeric(28,12)",
                              "double precision", "bytea", "date", "timestamp(6) without time zone", "boolean"};
        if (target == EngineKind::MySQL)
            out = QStringList{"bigint(20)", "varchar(40)", "longtext", "bigint(20)", "int(11)", "decimal(28,12)",
                              "double", "longblob", "date", "datetime(6)", "tinyint(1)"};
        return out;
    }
    // A SQLite INTEGER is 64-bit (bigint), INT is 32-bit (integer).
    switch (target) {
    case EngineKind::SQLite:
        return {"INTEGER", "VARCHAR(40)", "TEXT", "INTEGER", "INTEGER", "NUMERIC_BLOB(28,12)", "REAL", "BLOB", "DATE",
                "DATETIME", "BOOLEAN"};
    case EngineKind::PostgreSQL:
        return {"bigint", "character varying(40)", "text", "bigint", "integer", "numeric(28,12)", "double precision",
                "bytea", "date", "timestamp without time zone", "boolean"};
    case EngineKind::MySQL:
        return {"bigint(20)", "varchar(40)", "longtext", "bigint(20)", "int(11)", "decimal(28,12)", "double", "longblob",
                "date", "datetime(6)", "tinyint(1)"};
    }
    return {};
}

// Rows one per line, for readable failures.
std::string lines(const QStringList &rows) { return rows.join(u'\n').toStdString(); }

class Directions : public ::testing::TestWithParam<Direction> {};

TEST_P(Directions, AwkwardDatasetArrivesValueForValue)
{
    const Direction d = GetParam();
    for (EngineKind k : {d.source, d.target})
        if (TestDatabase::serverUrl(k).isEmpty())
            GTEST_SKIP() << qPrintable(engineName(k)) << ": its URL variable is not set (scripts/test-servers.sh starts the server)";
    QTemporaryDir dir;
    QString error;
    auto source = TestDatabase::create(d.source, dir.path(), QStringLiteral("src"), &error);
    ASSERT_TRUE(source) << qPrintable(error);
    auto target = TestDatabase::create(d.target, dir.path(), QStringLiteral("tgt"), &error);
    ASSERT_TRUE(target) << qPrintable(error);
    ASSERT_EQ(createAwkwardDataset(*source), QString());

    const QVector<AwkwardTable> tables = awkwardDataset();
    // The fixture holds what it claims (as the source engine stores it).
    for (const AwkwardTable &t : tables)
        ASSERT_EQ(lines(readCanonicalRows(*source, t)), lines(expectedCanonicalRows(d.source, t))) << qPrintable(t.name);

    auto sourceUrl = ConnectionUrl::parse(source->url(), dir.path());
    auto targetUrl = ConnectionUrl::parse(target->url(), dir.path());
    ASSERT_TRUE(sourceUrl.ok() && targetUrl.ok());
    Plan plan = Plan::fromUrls(*sourceUrl, *targetUrl, dir.filePath(QStringLiteral("state.db")));
    plan.chunkRows = 100; // `my table` (300 rows) in three chunks
    plan.batchSize = 16;  // and every chunk in several batches
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(runToEnd(run));

    QStringList validated;
    for (const auto &t : allTasks(run)) {
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
        if (t.spec.kind == TaskKind::Copy) { // planning's row estimates are exact (dense keys: the range's width)
            EXPECT_EQ(t.status.rowsDone, t.spec.estimatedRows) << qPrintable(t.spec.name);
        }
        if (t.spec.kind == TaskKind::Validate) {
            EXPECT_TRUE(t.status.message.contains(QStringLiteral("equal"))) << qPrintable(t.spec.name) << ": "
                                                                              << qPrintable(t.status.message);
            validated << t.spec.name;
        }
    }
    validated.sort();
    QStringList expectedValidations;
    for (const AwkwardTable &t : tables)
        expectedValidations << QStringLiteral("validate:") + t.name;
    expectedValidations.sort();
    EXPECT_EQ(validated.join(u',').toStdString(), expectedValidations.join(u',').toStdString());
    if (plan.copiesByTransfer(QStringLiteral("my table"))) // SQLite to SQLite: one statement per table
        EXPECT_EQ(taskView(run, QStringLiteral("copy:my table")).status.state, TaskState::Ended);
    else
        for (int chunk = 1; chunk <= 3; ++chunk)
            EXPECT_EQ(taskView(run, QStringLiteral("copy:my table#%1").arg(chunk)).status.state, TaskState::Ended) << chunk;

    // Independently of the checksum: every value, read back with plain SQL.
    for (const AwkwardTable &t : tables) {
        const QStringList sourceRows = readCanonicalRows(*source, t);
        QStringList expected = sourceRows;
        if (d.target != EngineKind::PostgreSQL) {
            // The one change SQLite and MariaDB make to a value: a zero double loses its sign.
            for (QString &row : expected)
                row.replace(QStringLiteral("'-0'"), QStringLiteral("'0'"));
            expected.sort();
        }
        EXPECT_EQ(lines(readCanonicalRows(*target, t)), lines(expected)) << qPrintable(t.name);
        EXPECT_EQ(target->value(QStringLiteral("SELECT count(*) FROM %1").arg(target->table(t.name))).toStdString(),
                  std::to_string(t.rows.size()))
            << qPrintable(t.name);
    }
    if (d.target == EngineKind::SQLite && d.source != EngineKind::SQLite) {
        // NUMERIC_BLOB: an integer or a real where that is exact, the digits as text otherwise.
        EXPECT_EQ(target->value(QStringLiteral("SELECT group_concat(typeof(amount), ',') FROM "
                                               "(SELECT amount FROM \"Order\" ORDER BY id)")).toStdString(),
                  "text,null,real,integer,text,integer,real");
    }
    EXPECT_EQ(targetColumnTypes(*target, QStringLiteral("Order")).join(u',').toStdString(),
              expectedOrderTypes(d.source, d.target).join(u',').toStdString());
}

INSTANTIATE_TEST_SUITE_P(AllPairs, Directions, ::testing::ValuesIn(allDirections()),
                         [](const ::testing::TestParamInfo<Direction> &info) { return directionName(info.param); });

} // namespace
