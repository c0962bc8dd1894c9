// SQLite -> PostgreSQL on the real server that scripts/test.sh starts (COCKPIT_TEST_PG_URL).
// Each test works in a schema of its own. Counts and sums are computed with plain SQL on both
// sides, independently of the code under test.

#include "demo/demogenerator.h"
#include "engine/engine.h"
#include "engine/postgres/postgresengine.h"
#include "support/testsupport.h"

#include <QLocale>
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

class PostgresTarget : public ::testing::Test {
protected:
    QTemporaryDir dir;
    std::unique_ptr<PgScratchSchema> m_pg; // this test's schema (and "<schema>_b"), dropped afterwards
    QString schema;

    void SetUp() override
    {
        m_pg = std::make_unique<PgScratchSchema>();
        if (m_pg->url().isEmpty())
            GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test.sh starts the server)";
        schema = m_pg->schema();
        m_url = m_pg->url();
    }

    void TearDown() override
    {
        if (!schema.isEmpty())
            m_pg->exec(QStringLiteral("DROP SCHEMA IF EXISTS %1_b CASCADE").arg(schema));
        m_pg.reset();
    }

    void exec(const QString &sql) { ASSERT_EQ(m_pg->exec(sql), QString()) << " in " << sql.toStdString(); }

    QString pgValue(const QString &sql) { return m_pg->value(sql); }

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

TEST_F(PostgresTarget, DemoCopiesWithEveryCountSumAndIndex)
{
    Plan p = plan();
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const auto &t : allTasks(run)) {
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
        if (t.spec.kind == TaskKind::Copy) { // the demo's keys have gaps: chunks are counted
            EXPECT_EQ(t.status.rowsDone, t.spec.estimatedRows) << qPrintable(t.spec.name);
        }
    }

    const QString source = dir.filePath(QStringLiteral("source.db"));
    const QStringList tables = queryStrings(source, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"));
    ASSERT_GE(tables.size(), 30);
    for (const QString &t : tables) {
        EXPECT_EQ(pgValue(QStringLiteral("SELECT count(*) FROM %1.\"%2\"").arg(schema, t)),
                  QString::number(queryInt(source, QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t))))
            << qPrintable(t);
    }
    // Values, not just counts: sums of keys, of an exact numeric, and the non-ASCII text.
    EXPECT_EQ(pgValue(QStringLiteral("SELECT sum(\"RECID\") FROM %1.\"INVENTTRANS\"").arg(schema)),
              queryStrings(source, QStringLiteral("SELECT sum(RECID) FROM INVENTTRANS")).value(0));
    const qint64 nonAscii = queryInt(source, QStringLiteral("SELECT count(*) FROM CUSTTABLE WHERE NAME GLOB '*[^ -~]*'"));
    EXPECT_GT(nonAscii, 0);
    EXPECT_EQ(pgValue(QStringLiteral("SELECT count(*) FROM %1.\"CUSTTABLE\" WHERE \"NAME\" ~ '[^ -~]'").arg(schema)),
              QString::number(nonAscii));
    const qint64 blobBytes = queryInt(source, QStringLiteral("SELECT coalesce(sum(length(FILE_)), 0) FROM DOCUVALUE"));
    EXPECT_GT(blobBytes, 0);
    EXPECT_EQ(pgValue(QStringLiteral("SELECT coalesce(sum(length(\"FILE_\")), 0) FROM %1.\"DOCUVALUE\"").arg(schema)),
              QString::number(blobBytes));
    // Schema fidelity: REAL stays double precision, NOT NULL stays, primary keys are constraints.
    EXPECT_EQ(pgValue(QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_schema='%1' "
                                     "AND table_name='INVENTTRANS' AND column_name='QTY'").arg(schema)),
              QStringLiteral("double precision"));
    EXPECT_EQ(pgValue(QStringLiteral("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                                     "WHERE n.nspname = '%1' AND c.contype = 'p'").arg(schema)),
              QString::number(queryInt(source, QStringLiteral("SELECT count(DISTINCT m.name) FROM sqlite_master m, pragma_table_info(m.name) p "
                                                               "WHERE m.type = 'table' AND p.pk > 0"))));
    const QString indexes = pgValue(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE schemaname = '%1' AND indexname LIKE 'I\\_%'").arg(schema));
    EXPECT_EQ(indexes, QString::number(queryInt(source, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"))));
    EXPECT_EQ(pgValue(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname='%1' AND tablename='_cockpit_checkpoint'").arg(schema)),
              QStringLiteral("0"));
}

// Streamed validation (the default) hashes the rows while copying and has the server sum the
// same hash over the target (pgrowhash.h; a table with a bytea column is read back instead): it
// must still catch a changed target row, name it after reading both sides in full, and catch a
// source that changed after the copy.
TEST_F(PostgresTarget, StreamedValidationCatchesATamperedTargetAndAChangedSource)
{
    Plan p = plan();
    ASSERT_EQ(p.validation, ValidationMode::Streamed);
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    for (const QString &task : {QStringLiteral("validate:CUSTTABLE"), QStringLiteral("validate:INVENTTRANS")})
        ASSERT_TRUE(requestAndWait(run, TaskAction::Pause, task).first) << qPrintable(task);
    ASSERT_TRUE(runToEnd(run));
    const TaskView other = taskView(run, QStringLiteral("validate:VENDTABLE"));
    EXPECT_EQ(other.status.state, TaskState::Ended) << qPrintable(other.status.message);
    EXPECT_TRUE(other.status.message.contains(QLatin1String("equal (source hashed during the copy, target on the server)")))
        << qPrintable(other.status.message);
    const TaskView blobs = taskView(run, QStringLiteral("validate:DOCUVALUE")); // bytea: read back
    EXPECT_EQ(blobs.status.state, TaskState::Ended) << qPrintable(blobs.status.message);
    EXPECT_TRUE(blobs.status.message.endsWith(QLatin1String("equal (source hashed during the copy)"))) << qPrintable(blobs.status.message);
    // Summed in parts of a few heap blocks (progress, and a Cancel that ends within a part): the
    // same rows and sum as in one piece, every row counted once in the progress.
    {
        auto conn = DbConnection::open(p.target, DbConnection::Mode::ReadOnly);
        ASSERT_TRUE(conn.ok()) << qPrintable(conn.error().message);
        auto tables = PostgresEngine().introspect(**conn);
        ASSERT_TRUE(tables.ok()) << qPrintable(tables.error().message);
        const auto inventtrans = std::find_if(tables->begin(), tables->end(), [](const TableSchema &t) { return t.name == QLatin1String("INVENTTRANS"); });
        ASSERT_NE(inventtrans, tables->end());
        ASSERT_TRUE(PostgresEngine::hashesOnServer(**conn, *inventtrans));
        std::atomic<qint64> wholeRows{0}, partRows{0};
        auto whole = PostgresEngine::serverChecksum(**conn, *inventtrans, IndexBuilds::Threads, &wholeRows);
        auto parts = PostgresEngine::serverChecksum(**conn, *inventtrans, IndexBuilds::Threads, &partRows, 3);
        ASSERT_TRUE(whole.ok() && parts.ok());
        const qint64 rows = pgValue(QStringLiteral("SELECT count(*) FROM %1.\"INVENTTRANS\"").arg(schema)).toLongLong();
        EXPECT_GT(pgValue(QStringLiteral("SELECT pg_relation_size('%1.\"INVENTTRANS\"') / 8192").arg(schema)).toLongLong(), 3 * 5);
        EXPECT_EQ(whole->rows, rows);
        EXPECT_EQ(*whole, *parts);
        EXPECT_EQ(wholeRows.load(), rows);
        EXPECT_EQ(partRows.load(), rows);
        // And the sum the validation compared is this one.
        const auto vendtable = std::find_if(tables->begin(), tables->end(), [](const TableSchema &t) { return t.name == QLatin1String("VENDTABLE"); });
        ASSERT_NE(vendtable, tables->end());
        auto vend = PostgresEngine::serverChecksum(**conn, *vendtable, IndexBuilds::Server, nullptr);
        ASSERT_TRUE(vend.ok());
        EXPECT_TRUE(other.status.message.contains(QStringLiteral("checksum %1 equal").arg(vend->sum, 16, 16, QLatin1Char('0'))))
            << qPrintable(other.status.message);
    }

    const QString recid = pgValue(QStringLiteral("SELECT \"RECID\" FROM %1.\"CUSTTABLE\" ORDER BY \"RECID\" OFFSET 7 LIMIT 1").arg(schema));
    exec(QStringLiteral("UPDATE %1.\"CUSTTABLE\" SET \"NAME\" = 'tampered' WHERE \"RECID\" = %2").arg(schema, recid));
    const QString source = dir.filePath(QStringLiteral("source.db"));
    const qint64 sourceRows = queryInt(source, QStringLiteral("SELECT count(*) FROM INVENTTRANS"));
    execSqlite(source, QStringLiteral("DELETE FROM INVENTTRANS WHERE RECID = (SELECT max(RECID) FROM INVENTTRANS)"));

    for (const QString &task : {QStringLiteral("validate:CUSTTABLE"), QStringLiteral("validate:INVENTTRANS")})
        ASSERT_TRUE(requestAndWait(run, TaskAction::Resume, task).first) << qPrintable(task);
    ASSERT_TRUE(waitUntil([&] {
        return taskView(run, QStringLiteral("validate:CUSTTABLE")).status.state == TaskState::Error
               && taskView(run, QStringLiteral("validate:INVENTTRANS")).status.state == TaskState::Error;
    }, 60000));
    const QString tampered = taskView(run, QStringLiteral("validate:CUSTTABLE")).status.message;
    EXPECT_TRUE(tampered.contains(QLatin1String("checksum differs"))) << qPrintable(tampered);
    EXPECT_TRUE(tampered.contains(recid)) << qPrintable(tampered);
    EXPECT_EQ(queryInt(p.statePath, QStringLiteral("SELECT count(*) FROM task_log WHERE task = 'validate:CUSTTABLE' "
                                                   "AND message LIKE '%server''s sum differs from the copy''s%'")),
              1);
    const QString changed = taskView(run, QStringLiteral("validate:INVENTTRANS")).status.message;
    const QString expected = QStringLiteral("the source has %1 rows but the copies wrote %2")
                                 .arg(QLocale::system().toString(sourceRows - 1), QLocale::system().toString(sourceRows));
    EXPECT_TRUE(changed.contains(expected)) << qPrintable(changed) << " / " << qPrintable(expected);
}

// PostgreSQL to PostgreSQL with the same built-in types: rows travel undecoded in binary,
// hashed as they pass with the hash the target's server sums itself (a table with an infinite
// date, which that hash cannot take, is validated on both sides' raw values instead); every
// value arrives (compared with SQL), and a changed target value is still caught and named.
TEST_F(PostgresTarget, PostgresToPostgresTravelsUndecodedAndStillCatchesAChange)
{
    Plan first = plan();
    {
        UpgradeRun run;
        ASSERT_EQ(openAndWait(run, first), QString());
        ASSERT_TRUE(runToEnd(run));
    }
    exec(QStringLiteral("UPDATE %1.\"CUSTTRANS\" SET \"TRANSDATE\" = 'infinity' WHERE \"RECID\" = "
                        "(SELECT min(\"RECID\") FROM %1.\"CUSTTRANS\")").arg(schema));
    exec(QStringLiteral("CREATE SCHEMA %1_b").arg(schema));
    Plan p = first;
    p.source = *ConnectionUrl::parse(m_url, dir.path());
    p.target = *ConnectionUrl::parse(m_url + QStringLiteral("_b"), dir.path());
    p.statePath = dir.filePath(QStringLiteral("state-pg.db"));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(requestAndWait(run, TaskAction::Pause, QStringLiteral("validate:INVENTTRANS")).first);
    ASSERT_TRUE(runToEnd(run));
    EXPECT_GT(queryInt(p.statePath, QStringLiteral("SELECT count(*) FROM task_log WHERE task LIKE 'copy:INVENTTRANS#%' "
                                                   "AND message LIKE '%binary format, not decoded%'")),
              0);
    const TaskView onServer = taskView(run, QStringLiteral("validate:VENDTABLE"));
    EXPECT_TRUE(onServer.status.message.contains(QLatin1String("target on the server"))) << qPrintable(onServer.status.message);
    const TaskView infinite = taskView(run, QStringLiteral("validate:CUSTTRANS"));
    EXPECT_EQ(infinite.status.state, TaskState::Ended) << qPrintable(infinite.status.message);
    EXPECT_FALSE(infinite.status.message.contains(QLatin1String("on the server"))) << qPrintable(infinite.status.message);
    const QStringList tables = queryStrings(dir.filePath(QStringLiteral("source.db")),
                                            QStringLiteral("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"));
    for (const QString &t : tables) {
        for (const auto &[a, b] : {std::pair{schema, schema + QStringLiteral("_b")}, std::pair{schema + QStringLiteral("_b"), schema}})
            EXPECT_EQ(pgValue(QStringLiteral("SELECT count(*) FROM (SELECT * FROM %1.\"%3\" EXCEPT ALL SELECT * FROM %2.\"%3\") d")
                                  .arg(a, b, t)),
                      QStringLiteral("0"))
                << qPrintable(t);
    }
    const QString recid = pgValue(QStringLiteral("SELECT \"RECID\" FROM %1_b.\"INVENTTRANS\" ORDER BY \"RECID\" OFFSET 12345 LIMIT 1").arg(schema));
    exec(QStringLiteral("UPDATE %1_b.\"INVENTTRANS\" SET \"COSTAMOUNTPOSTED\" = \"COSTAMOUNTPOSTED\" + 0.000000000001 "
                        "WHERE \"RECID\" = %2").arg(schema, recid));
    ASSERT_TRUE(requestAndWait(run, TaskAction::Resume, QStringLiteral("validate:INVENTTRANS")).first);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, QStringLiteral("validate:INVENTTRANS")).status.state == TaskState::Error; }, 60000));
    const QString message = taskView(run, QStringLiteral("validate:INVENTTRANS")).status.message;
    EXPECT_TRUE(message.contains(QLatin1String("checksum differs"))) << qPrintable(message);
    EXPECT_TRUE(message.contains(recid)) << qPrintable(message);
}

// "validation": "full" reads the source a second time instead of trusting the copy's hashes.
TEST_F(PostgresTarget, FullValidationReadsTheSourceAgain)
{
    Plan p = plan();
    p.validation = ValidationMode::Full;
    p.include = {QStringLiteral("CUSTTABLE"), QStringLiteral("INVENTTRANS")};
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const QString &task : {QStringLiteral("validate:CUSTTABLE"), QStringLiteral("validate:INVENTTRANS")}) {
        const TaskView v = taskView(run, task);
        EXPECT_EQ(v.status.state, TaskState::Ended) << qPrintable(v.status.message);
        EXPECT_TRUE(v.status.message.contains(QLatin1String("equal"))) << qPrintable(v.status.message);
        EXPECT_FALSE(v.status.message.contains(QLatin1String("hashed during the copy"))) << qPrintable(v.status.message);
    }
}

TEST_F(PostgresTarget, ExistingTargetTableIsNotOverwritten)
{
    Plan p = plan();
    p.ifTargetExists = IfTargetExists::Fail;
    exec(QStringLiteral("CREATE TABLE %1.\"CUSTTABLE\" (x int)").arg(schema));
    exec(QStringLiteral("INSERT INTO %1.\"CUSTTABLE\" VALUES (42)").arg(schema));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runToEnd(run));
    const TaskView prepare = taskView(run, QStringLiteral("prepare:CUSTTABLE"));
    EXPECT_EQ(prepare.status.state, TaskState::Error);
    EXPECT_TRUE(prepare.status.message.contains(QStringLiteral("already exists"))) << qPrintable(prepare.status.message);
    EXPECT_EQ(pgValue(QStringLiteral("SELECT x FROM %1.\"CUSTTABLE\"").arg(schema)), QStringLiteral("42"));
    EXPECT_EQ(taskView(run, QStringLiteral("validate:INVENTTRANS")).status.state, TaskState::Ended);
}

TEST_F(PostgresTarget, ExistingTargetTableIsReplacedWhenThePlanSaysSo)
{
    Plan p = plan();
    p.ifTargetExists = IfTargetExists::Replace;
    exec(QStringLiteral("CREATE TABLE %1.\"CUSTTABLE\" (x int)").arg(schema));
    exec(QStringLiteral("INSERT INTO %1.\"CUSTTABLE\" VALUES (42)").arg(schema));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const auto &t : allTasks(run))
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
    EXPECT_EQ(pgValue(QStringLiteral("SELECT count(*) FROM %1.\"CUSTTABLE\"").arg(schema)),
              QString::number(queryInt(dir.filePath(QStringLiteral("source.db")), QStringLiteral("SELECT count(*) FROM CUSTTABLE"))));
}

TEST_F(PostgresTarget, MissingPrivilegesAreClearErrorsBeforeAnyTask)
{
    // The owner gives up its own rights (it could grant them back): no CREATE on the target
    // schema, no SELECT on one source table.
    exec(QStringLiteral("REVOKE CREATE ON SCHEMA %1 FROM CURRENT_USER").arg(schema));
    UpgradeRun run;
    const QString error = openAndWait(run, plan());
    EXPECT_TRUE(error.startsWith(QStringLiteral("target: user \"")) && error.contains(QStringLiteral("may not create tables in schema"))
                && error.contains(schema) && !error.contains(QStringLiteral("cockpit-test")))
        << qPrintable(error);
    EXPECT_EQ(allTasks(run).size(), 0); // nothing planned, nothing started

    exec(QStringLiteral("GRANT CREATE ON SCHEMA %1 TO CURRENT_USER").arg(schema));
    exec(QStringLiteral("CREATE TABLE %1.\"Open\" (id int PRIMARY KEY); CREATE TABLE %1.\"Sec ret\" (id int PRIMARY KEY); "
                        "REVOKE SELECT ON %1.\"Sec ret\" FROM CURRENT_USER").arg(schema));
    auto source = ConnectionUrl::parse(m_url, dir.path());
    auto target = ConnectionUrl::parse(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("back.db")), dir.path());
    ASSERT_TRUE(source.ok() && target.ok());
    UpgradeRun back;
    const QString sourceError = openAndWait(back, Plan::fromUrls(*source, *target, dir.filePath(QStringLiteral("back-state.db"))));
    EXPECT_TRUE(sourceError.startsWith(QStringLiteral("source: user \"")) && sourceError.contains(QStringLiteral("may not read 1 table(s)"))
                && sourceError.contains(QStringLiteral("\"Sec ret\"")) && !sourceError.contains(QStringLiteral("\"Open\"")))
        << qPrintable(sourceError);
}

TEST_F(PostgresTarget, UnreachableServerAndMissingSchemaAreClearErrors)
{
    Plan p = plan();
    auto bad = ConnectionUrl::parse(QStringLiteral("postgresql://nobody@127.0.0.1:1/nodb"), dir.path());
    ASSERT_TRUE(bad.ok());
    p.target = *bad;
    {
        UpgradeRun run;
        const QString error = openAndWait(run, p);
        EXPECT_TRUE(error.contains(QStringLiteral("cannot connect to postgresql://nobody@127.0.0.1:1/nodb"))) << qPrintable(error);
    }
    auto missing = ConnectionUrl::parse(m_url + QStringLiteral("_nope"), dir.path());
    ASSERT_TRUE(missing.ok());
    p.target = *missing;
    UpgradeRun run;
    const QString error = openAndWait(run, p);
    EXPECT_TRUE(error.contains(QStringLiteral("does not exist"))) << qPrintable(error);
}

TEST_F(PostgresTarget, PostgresSourceCopiesToPostgresAndSqliteAndStaysIntact)
{
    Plan first = plan();
    {
        UpgradeRun run;
        ASSERT_EQ(openAndWait(run, first), QString());
        ASSERT_TRUE(runToEnd(run));
    }
    const QString source = dir.filePath(QStringLiteral("source.db"));
    const QStringList tables = queryStrings(source, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"));
    auto counts = [&](const QString &schemaName) {
        QStringList out;
        for (const auto &t : tables)
            out << t + u'=' + pgValue(QStringLiteral("SELECT count(*) FROM %1.\"%2\"").arg(schemaName, t));
        return out;
    };
    const QStringList before = counts(schema);

    // PostgreSQL -> PostgreSQL (another schema) and PostgreSQL -> SQLite, from that copy.
    exec(QStringLiteral("CREATE SCHEMA %1_b").arg(schema));
    for (const QString &target : {m_url + QStringLiteral("_b"), QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("back.db"))}) {
        Plan p = first;
        p.source = *ConnectionUrl::parse(m_url, dir.path());
        p.target = *ConnectionUrl::parse(target, dir.path());
        p.statePath = dir.filePath(QStringLiteral("state-%1.db").arg(target.startsWith(QLatin1String("sqlite")) ? 2 : 1));
        UpgradeRun run;
        ASSERT_EQ(openAndWait(run, p), QString());
        ASSERT_TRUE(runToEnd(run));
        for (const auto &t : allTasks(run))
            EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(target) << " " << qPrintable(t.spec.name) << ": "
                                                        << qPrintable(t.status.message);
    }
    // The source is untouched (its connection is read-only), and both copies hold every row,
    // including the tables without an integer key (copied whole).
    EXPECT_EQ(counts(schema), before);
    EXPECT_EQ(counts(schema + QStringLiteral("_b")), before);
    QStringList back;
    for (const auto &t : tables)
        back << t + u'=' + QString::number(queryInt(dir.filePath(QStringLiteral("back.db")), QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t)));
    EXPECT_EQ(back, before);
    EXPECT_EQ(tableDifferences(source, dir.filePath(QStringLiteral("back.db"))), QStringList());
}

TEST_F(PostgresTarget, AwkwardIdentifiersAndDefaultsCrossOver)
{
    // Quotes, spaces, reserved words and non-ASCII in names; defaults of every kind.
    const QString src = dir.filePath(QStringLiteral("odd.db"));
    execSqlite(src, QStringLiteral(
        "CREATE TABLE \"my \"\"odd\"\" table\" (id INTEGER PRIMARY KEY, \"Order\" INTEGER NOT NULL DEFAULT -1, "
        "\"Größe\" NUMERIC(10,2), note TEXT DEFAULT 'it''s', at DATETIME DEFAULT (datetime('now')), "
        "x INTEGER DEFAULT (abs(-3)));"
        "CREATE INDEX \"select\" ON \"my \"\"odd\"\" table\" (\"Order\", \"Größe\");"
        "INSERT INTO \"my \"\"odd\"\" table\" (\"Order\", \"Größe\", note) VALUES (1, 2.5, 'ä\tb'), (2, NULL, NULL), (3, -0.75, 'x''y');"));
    Plan p = Plan::fromUrls(*ConnectionUrl::parse(QStringLiteral("sqlite:") + src, dir.path()),
                            *ConnectionUrl::parse(m_url, dir.path()), dir.filePath(QStringLiteral("odd-state.db")));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const auto &t : allTasks(run))
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
    const QString table = QStringLiteral("%1.\"my \"\"odd\"\" table\"").arg(schema);
    EXPECT_EQ(pgValue(QStringLiteral("SELECT string_agg(\"Order\" || ':' || coalesce(\"Größe\"::text, '-') || ':' || coalesce(note, '-'), '|' ORDER BY id) FROM ") + table),
              QStringLiteral("1:2.50:ä\tb|2:-:-|3:-0.75:x'y"));
    // The portable defaults made it; abs(-3) has no PostgreSQL equivalent: dropped, and said.
    const QString defaults = QStringLiteral("SELECT coalesce(column_default, '-') FROM information_schema.columns WHERE table_schema = '%1' "
                                            "AND table_name = 'my \"odd\" table' AND column_name = '%2'");
    EXPECT_EQ(pgValue(defaults.arg(schema, QStringLiteral("Order"))), QStringLiteral("'-1'::integer"));
    EXPECT_EQ(pgValue(defaults.arg(schema, QStringLiteral("note"))), QStringLiteral("'it''s'::text"));
    EXPECT_EQ(pgValue(defaults.arg(schema, QStringLiteral("at"))), QStringLiteral("CURRENT_TIMESTAMP"));
    EXPECT_EQ(pgValue(defaults.arg(schema, QStringLiteral("x"))), QStringLiteral("-"));
    EXPECT_TRUE(taskView(run, QStringLiteral("prepare:my \"odd\" table")).status.message.contains(QStringLiteral("1 warning")));
    EXPECT_EQ(pgValue(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE schemaname = '%1' AND indexname = 'select'").arg(schema)),
              QStringLiteral("1"));
}

// PostgreSQL targets get their primary keys after the copy (one sort instead of a B-tree
// insert per row): the key still ends up as the source declares it, its columns refuse NULLs
// from the first row, foreign keys and the table's validation wait for the key, and adding it again (an
// attempt whose commit the process did not live to hear) finds the key and keeps it.
TEST_F(PostgresTarget, PrimaryKeyIsAddedAfterTheCopyAndItsColumnsStayNotNull)
{
    const QString src = dir.filePath(QStringLiteral("keys.db"));
    execSqlite(src, QStringLiteral(
        "CREATE TABLE \"key \"\"q\"\" t\" (code TEXT, \"Order\" INTEGER, v TEXT, PRIMARY KEY (code, \"Order\"));"
        "INSERT INTO \"key \"\"q\"\" t\" VALUES ('a', 1, 'x'), ('a', 2, 'y'), ('b', 1, NULL);"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, code TEXT, ord INTEGER, "
        "FOREIGN KEY (code, ord) REFERENCES \"key \"\"q\"\" t\" (code, \"Order\"));"
        "INSERT INTO child VALUES (1, 'a', 2), (2, 'b', 1);"
        "CREATE TABLE nulls (code TEXT PRIMARY KEY, v INTEGER);" // SQLite lets a key other than the rowid be NULL
        "INSERT INTO nulls VALUES ('a', 1), (NULL, 2);"));
    Plan p = Plan::fromUrls(*ConnectionUrl::parse(QStringLiteral("sqlite:") + src, dir.path()),
                            *ConnectionUrl::parse(m_url, dir.path()), dir.filePath(QStringLiteral("keys-state.db")));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    const QString keyTable = QStringLiteral("key \"q\" t");
    const TaskView pk = taskView(run, QStringLiteral("pk:") + keyTable);
    EXPECT_EQ(pk.spec.kind, TaskKind::PrimaryKey);
    EXPECT_EQ(pk.spec.dependsOn, QStringList{QStringLiteral("copy:") + keyTable});
    bool fkWaitsForKey = false;
    for (const auto &t : allTasks(run))
        if (t.spec.kind == TaskKind::ForeignKey && t.spec.table == QLatin1String("child"))
            fkWaitsForKey = t.spec.dependsOn.contains(pk.spec.name);
    EXPECT_TRUE(fkWaitsForKey);
    // ADD PRIMARY KEY locks the table: its validation (and index builds) come after it.
    EXPECT_TRUE(taskView(run, QStringLiteral("validate:") + keyTable).spec.dependsOn.contains(pk.spec.name));

    ASSERT_TRUE(runUntilSettled(run));
    for (const auto &t : allTasks(run)) {
        // The NULL key (SQLite allows it outside the rowid): copied without the key, said by the
        // prepare and the skipped key task (sqlitetyping_test.cpp).
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
        if (t.spec.table == QLatin1String("nulls") && t.spec.kind == TaskKind::PrimaryKey) {
            EXPECT_TRUE(t.status.skipped);
        }
    }
    const QString keyOf = QStringLiteral("SELECT string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid), '|') FROM pg_constraint c "
                                         "WHERE c.conrelid = '%1.\"key \"\"q\"\" t\"'::regclass AND c.contype = 'p'").arg(schema);
    const QString expected = QStringLiteral("key \"q\" t_pkey PRIMARY KEY (code, \"Order\")");
    EXPECT_EQ(pgValue(keyOf), expected);
    EXPECT_LE(taskView(run, pk.spec.name).status.endedAt, taskView(run, QStringLiteral("validate:") + keyTable).status.startedAt);
    EXPECT_EQ(pgValue(QStringLiteral("SELECT count(*) FROM pg_constraint WHERE conrelid = '%1.child'::regclass AND contype IN ('p', 'f')").arg(schema)),
              QStringLiteral("2"));

    auto conn = DbConnection::open(*ConnectionUrl::parse(m_url, dir.path()), DbConnection::Mode::ReadWrite);
    ASSERT_TRUE(conn.ok()) << qPrintable(conn.error().message);
    auto engine = Engine::create(EngineKind::PostgreSQL);
    auto tables = Engine::create(EngineKind::SQLite)->introspect(**DbConnection::open(*ConnectionUrl::parse(QStringLiteral("sqlite:") + src, dir.path()), DbConnection::Mode::ReadOnly));
    ASSERT_TRUE(tables.ok());
    for (const TableSchema &t : *tables)
        if (t.name == keyTable) {
            auto again = engine->addPrimaryKey(**conn, t, IndexBuilds::Threads);
            ASSERT_TRUE(again.ok()) << qPrintable(again.error().message);
            EXPECT_EQ(*again, QStringLiteral("primary key already in place: PRIMARY KEY (code, \"Order\")"));
            EXPECT_EQ(pgValue(keyOf), expected);
        }
}

} // namespace
