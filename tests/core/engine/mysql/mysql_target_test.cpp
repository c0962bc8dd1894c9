// SQLite -> MariaDB -> SQLite on the real server that scripts/test-servers.sh starts
// (COCKPIT_TEST_MYSQL_URL, password in MYSQL_PWD). Each test works in a database of its own
// (cockpit_<random>). Counts and sums are computed with plain SQL on both sides,
// independently of the code under test.

#include "demo/demogenerator.h"
#include "support/testsupport.h"

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

class MysqlTarget : public ::testing::Test {
protected:
    QTemporaryDir dir;
    std::unique_ptr<MysqlScratchDatabase> m_mysql; // this test's database, dropped afterwards

    void SetUp() override
    {
        m_mysql = std::make_unique<MysqlScratchDatabase>();
        if (m_mysql->url().isEmpty())
            GTEST_SKIP() << "COCKPIT_TEST_MYSQL_URL is not set (scripts/test-servers.sh starts the server)";
        m_url = m_mysql->url();
    }

    void TearDown() override { m_mysql.reset(); }

    void exec(const QString &sql) { ASSERT_EQ(m_mysql->exec(sql), QString()) << " in " << sql.toStdString(); }

    QString myValue(const QString &sql) { return m_mysql->value(sql); }

    Plan plan()
    {
        auto p = writeDemo(DemoOptions{dir.path(), 30000, 0.05});
        EXPECT_TRUE(p.ok());
        Plan plan = *p;
        plan.scriptsDir.clear(); // copies only: the target must equal the source
        auto target = ConnectionUrl::parse(m_url, dir.path());
        EXPECT_TRUE(target.ok()) << target.error().message.toStdString();
        plan.target = *target;
        plan.chunkRows = 10000; // INVENTTRANS in three chunks copied in parallel
        plan.batchSize = 2000;
        plan.tableOptions.clear();
        return plan;
    }

    QString m_url;
};

TEST_F(MysqlTarget, DemoCopiesToMariaDbAndBackToSqliteUnchanged)
{
    Plan p = plan();
    {
        UpgradeRun run;
        ASSERT_EQ(openAndWait(run, p), QString());
        ASSERT_TRUE(runToEnd(run));
        for (const auto &t : allTasks(run))
            EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
    }

    const QString source = dir.filePath(QStringLiteral("source.db"));
    const QStringList tables = queryStrings(source, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"));
    ASSERT_GE(tables.size(), 30);
    for (const QString &t : tables) {
        EXPECT_EQ(myValue(QStringLiteral("SELECT count(*) FROM `%1`").arg(t)),
                  QString::number(queryInt(source, QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t))))
            << qPrintable(t);
    }
    // Values, not just counts: sums of keys, of an exact numeric, the non-ASCII text, blobs.
    EXPECT_EQ(myValue(QStringLiteral("SELECT sum(`RECID`) FROM `INVENTTRANS`")),
              queryStrings(source, QStringLiteral("SELECT sum(RECID) FROM INVENTTRANS")).value(0));
    EXPECT_EQ(myValue(QStringLiteral("SELECT CAST(ROUND(sum(`COSTAMOUNTPOSTED`), 2) AS CHAR) FROM `INVENTTRANS`")),
              queryStrings(source, QStringLiteral("SELECT printf('%.2f', sum(COSTAMOUNTPOSTED)) FROM INVENTTRANS")).value(0));
    const qint64 nonAscii = queryInt(source, QStringLiteral("SELECT count(*) FROM CUSTTABLE WHERE NAME GLOB '*[^ -~]*'"));
    EXPECT_GT(nonAscii, 0);
    EXPECT_EQ(myValue(QStringLiteral("SELECT count(*) FROM `CUSTTABLE` WHERE CHAR_LENGTH(`NAME`) <> LENGTH(`NAME`)")),
              QString::number(nonAscii));
    const qint64 blobBytes = queryInt(source, QStringLiteral("SELECT coalesce(sum(length(FILE_)), 0) FROM DOCUVALUE"));
    EXPECT_GT(blobBytes, 0);
    EXPECT_EQ(myValue(QStringLiteral("SELECT coalesce(sum(length(`FILE_`)), 0) FROM `DOCUVALUE`")), QString::number(blobBytes));
    // Schema fidelity: REAL becomes DOUBLE, primary keys are constraints, indexes exist.
    EXPECT_EQ(myValue(QStringLiteral("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                                     "AND TABLE_NAME = 'INVENTTRANS' AND COLUMN_NAME = 'QTY'")),
              QStringLiteral("double"));
    EXPECT_EQ(myValue(QStringLiteral("SELECT count(*) FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() "
                                     "AND CONSTRAINT_TYPE = 'PRIMARY KEY'")),
              QString::number(queryInt(source, QStringLiteral("SELECT count(DISTINCT m.name) FROM sqlite_master m, pragma_table_info(m.name) p "
                                                               "WHERE m.type = 'table' AND p.pk > 0"))));
    EXPECT_EQ(myValue(QStringLiteral("SELECT count(DISTINCT TABLE_NAME, INDEX_NAME) FROM information_schema.STATISTICS "
                                     "WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME LIKE 'I\\_%'")),
              QString::number(queryInt(source, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"))));
    EXPECT_EQ(myValue(QStringLiteral("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                     "AND TABLE_NAME = '_cockpit_checkpoint'")),
              QStringLiteral("0"));

    // MariaDB -> SQLite: the round trip gives back the source, row for row and type for type.
    Plan back = p;
    back.source = *ConnectionUrl::parse(m_url, dir.path());
    back.target = *ConnectionUrl::parse(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("back.db")), dir.path());
    back.statePath = dir.filePath(QStringLiteral("state-back.db"));
    {
        UpgradeRun run;
        ASSERT_EQ(openAndWait(run, back), QString());
        ASSERT_TRUE(runToEnd(run));
        for (const auto &t : allTasks(run))
            EXPECT_EQ(t.status.state, TaskState::Ended) << "back: " << qPrintable(t.spec.name) << ": "
                                                        << qPrintable(t.status.message);
    }
    EXPECT_EQ(tableDifferences(source, dir.filePath(QStringLiteral("back.db"))), QStringList());
}

TEST_F(MysqlTarget, ExistingTargetTableIsNotOverwritten)
{
    Plan p = plan();
    p.ifTargetExists = IfTargetExists::Fail;
    exec(QStringLiteral("CREATE TABLE `CUSTTABLE` (x int)"));
    exec(QStringLiteral("INSERT INTO `CUSTTABLE` VALUES (42)"));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runToEnd(run));
    const TaskView prepare = taskView(run, QStringLiteral("prepare:CUSTTABLE"));
    EXPECT_EQ(prepare.status.state, TaskState::Error);
    EXPECT_TRUE(prepare.status.message.contains(QStringLiteral("already exists"))) << qPrintable(prepare.status.message);
    EXPECT_EQ(myValue(QStringLiteral("SELECT x FROM `CUSTTABLE`")), QStringLiteral("42"));
    EXPECT_EQ(taskView(run, QStringLiteral("validate:INVENTTRANS")).status.state, TaskState::Ended);
}

TEST_F(MysqlTarget, ExistingTargetTableIsReplacedWhenThePlanSaysSo)
{
    Plan p = plan();
    p.ifTargetExists = IfTargetExists::Replace;
    exec(QStringLiteral("CREATE TABLE `CUSTTABLE` (x int)"));
    exec(QStringLiteral("INSERT INTO `CUSTTABLE` VALUES (42)"));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const auto &t : allTasks(run))
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
    EXPECT_EQ(myValue(QStringLiteral("SELECT count(*) FROM `CUSTTABLE`")),
              QString::number(queryInt(dir.filePath(QStringLiteral("source.db")), QStringLiteral("SELECT count(*) FROM CUSTTABLE"))));
}

TEST_F(MysqlTarget, UnreachableServerIsAClearError)
{
    Plan p = plan();
    auto bad = ConnectionUrl::parse(QStringLiteral("mysql://nobody@127.0.0.1:1/nodb"), dir.path());
    ASSERT_TRUE(bad.ok());
    p.target = *bad;
    UpgradeRun run;
    const QString error = openAndWait(run, p);
    EXPECT_TRUE(error.contains(QStringLiteral("cannot connect to mysql://nobody@127.0.0.1:1/nodb"))) << qPrintable(error);
}

} // namespace
