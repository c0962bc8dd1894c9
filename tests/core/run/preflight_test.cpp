// The preflight against real databases: SQLite files it makes itself, and the test PostgreSQL
// and MariaDB servers where the test opens a second session of its own and expects the
// preflight to list it and refuse.

#include "engine/dbconnection.h"
#include "run/preflight.h"
#include "store/controlstore.h"
#include "support/testsupport.h"

#include <QProcess>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>
#include <QUuid>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// A source with two small tables.
QString writeSource(const QTemporaryDir &dir)
{
    const QString path = dir.filePath(QStringLiteral("source.db"));
    execSqlite(path, QStringLiteral("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"));
    execSqlite(path, QStringLiteral("INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')"));
    execSqlite(path, QStringLiteral("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"));
    execSqlite(path, QStringLiteral("INSERT INTO notes VALUES (1, 'a')"));
    return path;
}

Plan planFor(const QTemporaryDir &dir, const QString &targetUrl)
{
    auto source = ConnectionUrl::parse(QStringLiteral("sqlite:///") + writeSource(dir), dir.path());
    auto target = ConnectionUrl::parse(targetUrl, dir.path());
    EXPECT_TRUE(source.ok() && target.ok());
    return Plan::fromUrls(*source, *target, dir.filePath(QStringLiteral("upgrade.state.db")));
}

PreflightReport preflight(const Plan &plan)
{
    auto report = runPreflight(plan);
    EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().message.toStdString());
    return report.ok() ? *report : PreflightReport{};
}

CheckStatus statusOf(const PreflightReport &r, const QString &id)
{
    const PreflightCheck *c = r.find(id);
    EXPECT_NE(c, nullptr) << "no check " << id.toStdString() << " in\n" << r.toText().toStdString();
    return c ? c->status : CheckStatus::Ok;
}

QString detailsOf(const PreflightReport &r, const QString &id)
{
    const PreflightCheck *c = r.find(id);
    return c ? c->details.join(u'\n') : QString();
}

} // namespace

TEST(Preflight, CleanSqlitePlanHasNoBlocker)
{
    QTemporaryDir dir;
    const Plan plan = planFor(dir, QStringLiteral("sqlite:target.db"));
    const PreflightReport r = preflight(plan);
    EXPECT_FALSE(r.hasBlockers()) << r.toText().toStdString();
    EXPECT_EQ(statusOf(r, QStringLiteral("source.connect")), CheckStatus::Ok);
    EXPECT_EQ(statusOf(r, QStringLiteral("source.access")), CheckStatus::Ok);
    EXPECT_EQ(statusOf(r, QStringLiteral("source.sessions")), CheckStatus::Ok);
    EXPECT_EQ(statusOf(r, QStringLiteral("target.connect")), CheckStatus::Ok);
    EXPECT_EQ(statusOf(r, QStringLiteral("target.space")), CheckStatus::Ok);
    EXPECT_TRUE(detailsOf(r, QStringLiteral("target.connect")).contains(QStringLiteral("does not exist yet")));
    // Looking does not create the target.
    EXPECT_FALSE(QFileInfo::exists(dir.filePath(QStringLiteral("target.db"))));
}

TEST(Preflight, ExistingEmptySqliteTargetIsReady)
{
    QTemporaryDir dir;
    execSqlite(dir.filePath(QStringLiteral("target.db")), QStringLiteral("CREATE TABLE unrelated (x)"));
    const PreflightReport r = preflight(planFor(dir, QStringLiteral("sqlite:target.db")));
    EXPECT_FALSE(r.hasBlockers()) << r.toText().toStdString();
    EXPECT_EQ(statusOf(r, QStringLiteral("target.tables")), CheckStatus::Ok);
    EXPECT_EQ(statusOf(r, QStringLiteral("target.sessions")), CheckStatus::Ok);
    EXPECT_EQ(statusOf(r, QStringLiteral("target.access")), CheckStatus::Ok);
}

TEST(Preflight, ExistingTargetTableBlocksWhenThePlanFails)
{
    QTemporaryDir dir;
    // SQLite names are case-insensitive: "ITEMS" takes the place of "items".
    execSqlite(dir.filePath(QStringLiteral("target.db")), QStringLiteral("CREATE TABLE ITEMS (id INTEGER)"));
    Plan plan = planFor(dir, QStringLiteral("sqlite:target.db"));
    ASSERT_EQ(plan.ifTargetExists, IfTargetExists::Fail);
    PreflightReport r = preflight(plan);
    EXPECT_EQ(statusOf(r, QStringLiteral("target.tables")), CheckStatus::Blocker);
    EXPECT_EQ(r.idsWith(CheckStatus::Blocker), QStringList{QStringLiteral("target.tables")});
    EXPECT_TRUE(detailsOf(r, QStringLiteral("target.tables")).contains(QStringLiteral("1 table on the target already")));
    EXPECT_TRUE(detailsOf(r, QStringLiteral("target.tables")).contains(QStringLiteral(": items")));

    plan.ifTargetExists = IfTargetExists::Replace;
    r = preflight(plan);
    EXPECT_FALSE(r.hasBlockers()) << r.toText().toStdString();
    EXPECT_EQ(statusOf(r, QStringLiteral("target.tables")), CheckStatus::Warning);
    EXPECT_TRUE(detailsOf(r, QStringLiteral("target.tables")).contains(QStringLiteral("will be replaced")));
}

TEST(Preflight, TablesThisRunCreatedDoNotBlockItsContinuation)
{
    QTemporaryDir dir;
    const Plan plan = planFor(dir, QStringLiteral("sqlite:target.db"));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(runToEnd(run));
    EXPECT_EQ(queryInt(dir.filePath(QStringLiteral("target.db")), QStringLiteral("SELECT count(*) FROM items")), 3);
    const PreflightReport r = preflight(plan);
    EXPECT_EQ(statusOf(r, QStringLiteral("target.tables")), CheckStatus::Ok) << r.toText().toStdString();
}

TEST(Preflight, AnotherProgramHoldingTheSqliteSourceBlocks)
{
    const QString sqlite3 = QStandardPaths::findExecutable(QStringLiteral("sqlite3"));
    if (sqlite3.isEmpty())
        GTEST_SKIP() << "the sqlite3 shell is not installed";
    QTemporaryDir dir;
    const Plan plan = planFor(dir, QStringLiteral("sqlite:target.db"));
    execSqlite(plan.source.path, QStringLiteral("PRAGMA journal_mode = WAL"));
    // The shell keeps a read transaction open until its input ends.
    QProcess shell;
    shell.start(sqlite3, {plan.source.path});
    ASSERT_TRUE(shell.waitForStarted());
    shell.write("BEGIN;\nSELECT 'ready', count(*) FROM items;\n");
    ASSERT_TRUE(waitUntil([&] { shell.waitForReadyRead(100); return shell.peek(100).contains("ready"); }, 10000));

    const PreflightReport r = preflight(plan);
    EXPECT_EQ(statusOf(r, QStringLiteral("source.sessions")), CheckStatus::Blocker) << r.toText().toStdString();
    EXPECT_TRUE(detailsOf(r, QStringLiteral("source.sessions")).contains(QStringLiteral("pid %1 ").arg(shell.processId())))
        << detailsOf(r, QStringLiteral("source.sessions")).toStdString();
    EXPECT_TRUE(detailsOf(r, QStringLiteral("source.sessions")).contains(QStringLiteral("reading")));

    shell.closeWriteChannel();
    ASSERT_TRUE(shell.waitForFinished(10000));
    EXPECT_EQ(statusOf(preflight(plan), QStringLiteral("source.sessions")), CheckStatus::Ok);
}

TEST(Preflight, UnreachablePostgresIsABlockerWithOneLine)
{
    QTemporaryDir dir;
    const PreflightReport r = preflight(planFor(dir, QStringLiteral("postgresql://nobody@127.0.0.1:1/nowhere")));
    EXPECT_EQ(statusOf(r, QStringLiteral("target.connect")), CheckStatus::Blocker);
    const PreflightCheck *c = r.find(QStringLiteral("target.connect"));
    ASSERT_NE(c, nullptr);
    ASSERT_FALSE(c->details.isEmpty());
    EXPECT_TRUE(c->details.first().startsWith(QStringLiteral("cannot connect to postgresql://nobody@127.0.0.1:1/nowhere")))
        << c->details.first().toStdString();
    EXPECT_FALSE(c->details.first().contains(u'\n'));
    EXPECT_EQ(r.find(QStringLiteral("target.sessions")), nullptr); // nothing more to ask an unreachable server
}

TEST(Preflight, OverrideIsLoggedWithTheRun)
{
    QTemporaryDir dir;
    const Plan plan = planFor(dir, QStringLiteral("sqlite:target.db"));
    EXPECT_FALSE(recordOverride(plan, {QStringLiteral("target.sessions")}, {QStringLiteral("alice"), QStringLiteral("  ")}).ok());
    {
        auto store = ControlStore::open(plan.statePath);
        ASSERT_TRUE(store.ok());
    }
    ASSERT_TRUE(recordOverride(plan, {QStringLiteral("target.sessions"), QStringLiteral("target.tables")},
                               {QStringLiteral("alice"), QStringLiteral("reporting job is read-only")})
                    .ok());
    auto store = ControlStore::open(plan.statePath);
    ASSERT_TRUE(store.ok());
    auto lines = (*store)->log(QString(), 10);
    ASSERT_TRUE(lines.ok());
    ASSERT_EQ(lines->size(), 1);
    EXPECT_EQ(lines->first().level, LogLevel::Warn);
    EXPECT_EQ(lines->first().message, QStringLiteral("preflight override by alice: started despite target.sessions, "
                                                     "target.tables; reason: reporting job is read-only"));
}

TEST(PreflightPostgres, SecondSessionOnTheTargetBlocks)
{
    PgScratchSchema scratch;
    if (scratch.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)";
    QTemporaryDir dir;
    const Plan plan = planFor(dir, scratch.url());
    const QString marker = QStringLiteral("preflight-second-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
    const QUrl u(qEnvironmentVariable("COCKPIT_TEST_PG_URL"));
    {
        QSqlDatabase second = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), marker);
        second.setHostName(u.host());
        second.setPort(u.port(5432));
        second.setUserName(u.userName());
        second.setDatabaseName(u.path().mid(1));
        second.setConnectOptions(QStringLiteral("application_name=") + marker);
        ASSERT_TRUE(second.open()) << second.lastError().text().toStdString();
        QSqlQuery pid(second);
        ASSERT_TRUE(pid.exec(QStringLiteral("SELECT pg_backend_pid()")) && pid.next());

        const PreflightReport r = preflight(plan);
        EXPECT_EQ(statusOf(r, QStringLiteral("target.connect")), CheckStatus::Ok) << r.toText().toStdString();
        EXPECT_EQ(statusOf(r, QStringLiteral("target.access")), CheckStatus::Ok);
        EXPECT_EQ(statusOf(r, QStringLiteral("target.tables")), CheckStatus::Ok);
        EXPECT_EQ(statusOf(r, QStringLiteral("target.sessions")), CheckStatus::Blocker);
        const QString sessions = detailsOf(r, QStringLiteral("target.sessions"));
        EXPECT_TRUE(sessions.contains(QStringLiteral("pid %1 ").arg(pid.value(0).toString()))) << sessions.toStdString();
        EXPECT_TRUE(sessions.contains(QStringLiteral("application \"%1\"").arg(marker))) << sessions.toStdString();
        // The preflight's own connections are not "other sessions".
        EXPECT_FALSE(sessions.contains(DbConnection::applicationName())) << sessions.toStdString();
        // The PostgreSQL server's data directory is not for every user to read: unknown, a warning.
        EXPECT_NE(statusOf(r, QStringLiteral("target.space")), CheckStatus::Blocker);
        pid.finish();
        second.close();
    }
    QSqlDatabase::removeDatabase(marker);
}

TEST(PreflightMysql, AnotherProgramsSessionBlocksAndOursDoNot)
{
    const QString client = QStandardPaths::findExecutable(QStringLiteral("mysql"));
    if (client.isEmpty())
        GTEST_SKIP() << "the mysql client is not installed";
    MysqlScratchDatabase my; // this process's own session on the database: not an "other" one
    if (my.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_MYSQL_URL is not set (scripts/test-servers.sh starts the server)";
    const QString database = my.database();
    const QUrl u(my.url());
    const QString ourId = my.value(QStringLiteral("SELECT CONNECTION_ID()"));
    bool numeric = false;
    ourId.toLongLong(&numeric);
    ASSERT_TRUE(numeric) << ourId.toStdString();

    // Another program's session: the mysql client, waiting in a query on that database.
    QProcess other;
    other.start(client, {QStringLiteral("-h"), u.host(), QStringLiteral("-P"), QString::number(u.port(3306)),
                         QStringLiteral("-u"), u.userName(), database, QStringLiteral("-e"),
                         QStringLiteral("SELECT '%1', SLEEP(120)").arg(database)});
    ASSERT_TRUE(other.waitForStarted());
    auto stop = qScopeGuard([&] { other.kill(); other.waitForFinished(); });
    QString otherId;
    ASSERT_TRUE(waitUntil([&] {
        const QString id = my.value(QStringLiteral("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT ''%1''%%'").arg(database));
        if (!id.startsWith(QLatin1String("error: ")) && id != QLatin1String("no row"))
            otherId = id;
        return !otherId.isEmpty();
    }, 10000));

    QTemporaryDir dir;
    const Plan plan = planFor(dir, my.url());
    const PreflightReport r = preflight(plan);
    EXPECT_EQ(statusOf(r, QStringLiteral("target.sessions")), CheckStatus::Blocker) << r.toText().toStdString();
    const QString sessions = detailsOf(r, QStringLiteral("target.sessions"));
    EXPECT_TRUE(sessions.contains(QStringLiteral("pid %1 ").arg(otherId))) << sessions.toStdString();
    EXPECT_FALSE(sessions.contains(QStringLiteral("pid %1 ").arg(ourId))) << sessions.toStdString();
    EXPECT_EQ(statusOf(r, QStringLiteral("target.access")), CheckStatus::Ok);
    EXPECT_EQ(statusOf(r, QStringLiteral("target.tables")), CheckStatus::Ok);
    EXPECT_NE(statusOf(r, QStringLiteral("target.space")), CheckStatus::Blocker);

    // With the other session gone, only this process's is left: nothing blocks.
    EXPECT_EQ(my.exec(QStringLiteral("KILL %1").arg(otherId)), QString());
    EXPECT_TRUE(waitUntil([&] {
        return preflight(plan).find(QStringLiteral("target.sessions"))->status == CheckStatus::Ok;
    }, 10000)) << preflight(plan).toText().toStdString();
}

// Names a target would cut (PostgreSQL keeps 63 bytes, MariaDB 64 characters) are refused
// before the run, each named; the targets need not be reachable for that.
TEST(Preflight, NamesLongerThanTheTargetKeepsAreBlockers)
{
    QTemporaryDir dir;
    const QString source = dir.filePath(QStringLiteral("long.db"));
    const QString table64 = QString(64, u'a');
    const QString column70 = QString(70, u'c');
    const QString umlauts = QString(32, QChar(0xFC)); // 32 characters, 64 UTF-8 bytes
    execSqlite(source, QStringLiteral("CREATE TABLE \"%1\" (id INTEGER PRIMARY KEY, \"%2\" TEXT, \"%3\" TEXT)").arg(table64, column70, umlauts));
    execSqlite(source, QStringLiteral("CREATE TABLE fine (id INTEGER PRIMARY KEY, \"%1\" TEXT)").arg(QString(63, u'f')));
    auto planTo = [&](const QString &target) {
        return Plan::fromUrls(*ConnectionUrl::parse(QStringLiteral("sqlite:///") + source, dir.path()),
                              *ConnectionUrl::parse(target, dir.path()), dir.filePath(QStringLiteral("s.db")));
    };

    const PreflightReport pg = preflight(planTo(QStringLiteral("postgresql://u@127.0.0.1:1/db")));
    EXPECT_EQ(statusOf(pg, QStringLiteral("target.names")), CheckStatus::Blocker) << pg.toText().toStdString();
    const QString pgDetails = detailsOf(pg, QStringLiteral("target.names"));
    EXPECT_TRUE(pgDetails.contains(QStringLiteral("table \"%1\" is 64 bytes long; PostgreSQL keeps 63").arg(table64))) << qPrintable(pgDetails);
    EXPECT_TRUE(pgDetails.contains(QStringLiteral("column of \"%1\" \"%2\" is 70 bytes long").arg(table64, column70))) << qPrintable(pgDetails);
    EXPECT_TRUE(pgDetails.contains(QStringLiteral("\"%1\" is 64 bytes long").arg(umlauts))) << qPrintable(pgDetails);
    EXPECT_FALSE(pgDetails.contains(QString(63, u'f'))) << qPrintable(pgDetails); // 63 fits

    const PreflightReport my = preflight(planTo(QStringLiteral("mysql://u@127.0.0.1:1/db")));
    EXPECT_EQ(statusOf(my, QStringLiteral("target.names")), CheckStatus::Blocker);
    const QString myDetails = detailsOf(my, QStringLiteral("target.names"));
    EXPECT_TRUE(myDetails.contains(QStringLiteral("\"%1\" is 70 characters long; MariaDB keeps 64").arg(column70))) << qPrintable(myDetails);
    EXPECT_FALSE(myDetails.contains(QStringLiteral("table \"%1\" is").arg(table64))) << qPrintable(myDetails); // 64 fits
    EXPECT_FALSE(myDetails.contains(umlauts + QStringLiteral("\" is"))) << qPrintable(myDetails);

    const PreflightReport lite = preflight(planTo(QStringLiteral("sqlite:copy.db")));
    EXPECT_EQ(statusOf(lite, QStringLiteral("target.names")), CheckStatus::Ok) << lite.toText().toStdString();
}

// PostgreSQL tells "Item" from "ITEM"; SQLite tells no names apart by case, MariaDB no column
// names: such a pair is one name there, refused before the run.
TEST(PreflightPostgres, NamesThatDifferOnlyInCaseAreBlockersWhereTheTargetIgnoresCase)
{
    PgScratchSchema scratch;
    if (scratch.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)";
    ASSERT_EQ(scratch.exec(QStringLiteral("CREATE TABLE \"Item\" (id int PRIMARY KEY)")), QString());
    ASSERT_EQ(scratch.exec(QStringLiteral("CREATE TABLE \"ITEM\" (id int PRIMARY KEY)")), QString());
    ASSERT_EQ(scratch.exec(QStringLiteral("CREATE TABLE stock (id int PRIMARY KEY, \"Qty\" int, \"QTY\" int)")), QString());
    QTemporaryDir dir;
    auto planTo = [&](const QString &target) {
        return Plan::fromUrls(*ConnectionUrl::parse(scratch.url(), dir.path()), *ConnectionUrl::parse(target, dir.path()),
                              dir.filePath(QStringLiteral("s.db")));
    };
    const PreflightReport lite = preflight(planTo(QStringLiteral("sqlite:copy.db")));
    EXPECT_EQ(statusOf(lite, QStringLiteral("target.names")), CheckStatus::Blocker) << lite.toText().toStdString();
    const QString liteDetails = detailsOf(lite, QStringLiteral("target.names"));
    EXPECT_TRUE(liteDetails.contains(QStringLiteral("tables \"ITEM\", \"Item\" are one name on SQLite"))) << qPrintable(liteDetails);
    EXPECT_TRUE(liteDetails.contains(QStringLiteral("columns of \"stock\" \"Qty\", \"QTY\" are one name on SQLite"))) << qPrintable(liteDetails);

    const PreflightReport my = preflight(planTo(QStringLiteral("mysql://u@127.0.0.1:1/db")));
    const QString myDetails = detailsOf(my, QStringLiteral("target.names"));
    EXPECT_TRUE(myDetails.contains(QStringLiteral("columns of \"stock\" \"Qty\", \"QTY\" are one name on MariaDB"))) << qPrintable(myDetails);
    EXPECT_FALSE(myDetails.contains(QStringLiteral("tables \""))) << qPrintable(myDetails);

    const PreflightReport pg = preflight(planTo(scratch.url() + QStringLiteral("x")));
    EXPECT_EQ(statusOf(pg, QStringLiteral("target.names")), CheckStatus::Ok) << pg.toText().toStdString();
}
