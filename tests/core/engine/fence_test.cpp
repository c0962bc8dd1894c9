// Fencing on the target (Engine::raiseFence, Checkpoint::epoch): a worker whose lease was taken
// over (its epoch is below the target's) commits nothing more, on every write path that commits
// a checkpoint - RowWriter::writeBatch on each target engine (MariaDB's LOAD DATA LOCAL row
// included), the copiers' copyBatch (SQLite to SQLite, PostgreSQL to PostgreSQL) and SQLite's
// copyWhole - and the copy task fails "taken over" without touching the target. Epoch 0 (one
// machine) leaves no trace of the fence. Real files and servers; a server's cases skip when its
// URL variable is unset.

#include "support/awkwarddataset.h"
#include "support/testsupport.h"
#include "engine/enginepair.h"
#include "tasks/taskexecutor.h"

#include <QDir>
#include <QFile>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <thread>

using namespace cockpit;
using namespace cockpit::test;

namespace {

const QString kTask = QStringLiteral("copy:items");

// Rows keyed first..last, v = "row <key>".
RowBatch rowsOf(qint64 first, qint64 last)
{
    RowBatch batch(2);
    for (qint64 k = first; k <= last; ++k) {
        batch.beginRow(k);
        batch.addInteger(k);
        const QByteArray v = "row " + QByteArray::number(k);
        batch.addText(v.constData(), int(v.size()));
    }
    return batch;
}

Checkpoint checkpointAt(qint64 lastKey, qint64 rows, qint64 epoch)
{
    return Checkpoint{kTask, QStringLiteral("items"), QStringLiteral("run-1"), lastKey, rows, {}, epoch};
}

bool takenOver(const Status &st, qint64 onTarget, qint64 held)
{
    return !st && st.error().message.startsWith(QStringLiteral("taken over by another worker: lease epoch %1 on the target, "
                                                               "this attempt holds %2; it stopped before committing")
                                                    .arg(onTarget)
                                                    .arg(held));
}

// A source and a target database of one engine (or a SQLite source for another target), the
// source's `items` (30 rows keyed 1..30) prepared on the target.
class Fence : public ::testing::TestWithParam<EngineKind> {
protected:
    QTemporaryDir dir;
    std::unique_ptr<TestDatabase> sourceDb, targetDb;
    std::unique_ptr<DbConnection> source, target, other; // other: another worker's connection to the target
    std::unique_ptr<EnginePair> engines;
    TableSchema sourceTable, targetTable;

    bool open(EngineKind from, EngineKind to, const QString &extraColumn = {})
    {
        for (EngineKind k : {from, to})
            if (TestDatabase::serverUrl(k).isEmpty())
                return false;
        QString error;
        sourceDb = TestDatabase::create(from, dir.path(), QStringLiteral("src"), &error);
        EXPECT_TRUE(sourceDb) << qPrintable(error);
        targetDb = TestDatabase::create(to, dir.path(), QStringLiteral("tgt"), &error);
        EXPECT_TRUE(targetDb) << qPrintable(error);
        if (!sourceDb || !targetDb)
            return false;
        // INTEGER: SQLite's rowid, the copy key
        const QString key = from == EngineKind::SQLite ? QStringLiteral("INTEGER") : QStringLiteral("bigint");
        EXPECT_EQ(sourceDb->exec(QStringLiteral("CREATE TABLE %1 (id %2 NOT NULL PRIMARY KEY, v varchar(40)%3)")
                                     .arg(sourceDb->table(QStringLiteral("items")), key, extraColumn)),
                  QString());
        QStringList rows;
        for (int k = 1; k <= 30; ++k)
            rows << QStringLiteral("(%1, 'row %1'%2)").arg(k).arg(extraColumn.isEmpty() ? QString() : QStringLiteral(", NULL"));
        EXPECT_EQ(sourceDb->exec(QStringLiteral("INSERT INTO %1 VALUES ").arg(sourceDb->table(QStringLiteral("items"))) + rows.join(u',')), QString());
        engines = std::make_unique<EnginePair>(from, to);
        source = connect(*sourceDb, DbConnection::Mode::ReadOnly);
        target = connect(*targetDb, DbConnection::Mode::ReadWrite);
        other = connect(*targetDb, DbConnection::Mode::ReadWrite);
        if (!source || !target || !other)
            return false;
        auto tables = engines->source().introspect(*source);
        EXPECT_TRUE(tables.ok()) << qPrintable(tables.error().message);
        EXPECT_EQ(tables->size(), 1);
        if (!tables || tables->size() != 1)
            return false;
        sourceTable = tables->first();
        targetTable = engines->targetTable(sourceTable);
        QStringList warnings;
        const Status prepared = engines->target().prepareTable(*target, targetTable, QStringLiteral("run-1"), PrepareMode::FailIfExists, &warnings);
        EXPECT_TRUE(prepared.ok()) << qPrintable(prepared.error().message);
        return prepared.ok();
    }

    std::unique_ptr<DbConnection> connect(const TestDatabase &db, DbConnection::Mode mode)
    {
        auto url = ConnectionUrl::parse(db.url(), dir.path());
        EXPECT_TRUE(url.ok());
        auto c = DbConnection::open(*url, mode);
        EXPECT_TRUE(c.ok()) << qPrintable(c.error().message);
        return c ? std::move(*c) : nullptr;
    }
    ConnectionUrl sourceUrl() const { return *ConnectionUrl::parse(sourceDb->url(), dir.path()); }

    Engine &engine() { return engines->target(); }
    qint64 targetRows() { return targetDb->value(QStringLiteral("SELECT count(*) FROM %1").arg(targetDb->table(QStringLiteral("items")))).toLongLong(); }
    // The committed checkpoint of kTask as "lastKey/rowsDone", or "none".
    QString committed()
    {
        auto cp = engine().readCheckpoint(*target, kTask);
        if (!cp)
            return QStringLiteral("error: ") + cp.error().message;
        return *cp ? QStringLiteral("%1/%2").arg((*cp)->lastKey).arg((*cp)->rowsDone) : QStringLiteral("none");
    }
    QString fenceEpoch()
    {
        return targetDb->value(QStringLiteral("SELECT epoch FROM %1 WHERE task = 'copy:items'").arg(targetDb->table(QStringLiteral("_cockpit_fence"))));
    }
    bool hasFenceTable()
    {
        auto tables = engine().introspect(*target); // never lists it: asked of the catalog
        EXPECT_TRUE(tables.ok());
        for (const auto &t : *tables)
            EXPECT_NE(t.name, QStringLiteral("_cockpit_fence"));
        switch (targetDb->kind()) {
        case EngineKind::SQLite:
            return targetDb->value(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = '_cockpit_fence'")) != QLatin1String("0");
        case EngineKind::PostgreSQL:
            return targetDb->value(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = '%1' AND tablename = '_cockpit_fence'")
                                       .arg(targetDb->schema()))
                   != QLatin1String("0");
        case EngineKind::MySQL:
            return targetDb->value(QStringLiteral("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '%1' "
                                                  "AND TABLE_NAME = '_cockpit_fence'")
                                       .arg(targetDb->schema()))
                   != QLatin1String("0");
        }
        return false;
    }

    // Another worker takes the task over: epoch 2, on a connection of its own.
    void takeOver() { ASSERT_TRUE(engine().raiseFence(*other, kTask, 2).ok()); }
    // Raising below the target's epoch is refused, and changes nothing.
    void expectNoLowering()
    {
        EXPECT_TRUE(takenOver(engine().raiseFence(*target, kTask, 1), 2, 1));
        EXPECT_EQ(fenceEpoch(), QStringLiteral("2"));
    }
};

TEST_P(Fence, WriteBatchOfAnOlderEpochCommitsNothing)
{
    if (!open(EngineKind::SQLite, GetParam()))
        GTEST_SKIP() << "the target's URL variable is not set";
    auto writer = engine().openWriter(*target, targetTable);
    ASSERT_TRUE(writer.ok()) << qPrintable(writer.error().message);
    ASSERT_TRUE(engine().raiseFence(*target, kTask, 1).ok());
    EXPECT_EQ(fenceEpoch(), QStringLiteral("1"));

    Checkpoint cp = checkpointAt(10, 10, 1);
    Status st = (*writer)->writeBatch(rowsOf(1, 10), cp);
    ASSERT_TRUE(st.ok()) << qPrintable(st.error().message);
    EXPECT_EQ(targetRows(), 10);

    takeOver();
    cp = checkpointAt(20, 20, 1);
    st = (*writer)->writeBatch(rowsOf(11, 20), cp);
    EXPECT_TRUE(takenOver(st, 2, 1)) << qPrintable(st ? QStringLiteral("committed") : st.error().message);
    EXPECT_EQ(targetRows(), 10);
    EXPECT_EQ(committed(), QStringLiteral("10/10"));

    cp.epoch = 2; // the worker that holds the lease now
    st = (*writer)->writeBatch(rowsOf(11, 20), cp);
    ASSERT_TRUE(st.ok()) << qPrintable(st.error().message);
    EXPECT_EQ(targetRows(), 20);
    EXPECT_EQ(committed(), QStringLiteral("20/20"));
    expectNoLowering();
}

// MariaDB: a row over the INSERT limit goes by LOAD DATA LOCAL, in the batch's transaction.
TEST_P(Fence, MariaDbLoadDataRowOfAnOlderEpochCommitsNothing)
{
    if (GetParam() != EngineKind::MySQL)
        GTEST_SKIP() << "MariaDB only";
    if (!open(EngineKind::SQLite, EngineKind::MySQL, QStringLiteral(", big text")))
        GTEST_SKIP() << "COCKPIT_TEST_MYSQL_URL is not set";
    auto local = targetDb->value(QStringLiteral("SELECT @@local_infile"));
    if (local != QLatin1String("1"))
        GTEST_SKIP() << "the server's local_infile is OFF";
    auto writer = engine().openWriter(*target, targetTable);
    ASSERT_TRUE(writer.ok()) << qPrintable(writer.error().message);
    ASSERT_TRUE(engine().raiseFence(*target, kTask, 1).ok());
    const QByteArray big(5 << 20, 'x'); // over the 4 MB a statement holds at most
    auto bigRows = [&](qint64 first, qint64 last) {
        RowBatch batch(3);
        for (qint64 k = first; k <= last; ++k) {
            batch.beginRow(k);
            batch.addInteger(k);
            batch.addText("v", 1);
            batch.addText(big.constData(), int(big.size()));
        }
        return batch;
    };
    Checkpoint cp = checkpointAt(2, 2, 1);
    Status st = (*writer)->writeBatch(bigRows(1, 2), cp);
    ASSERT_TRUE(st.ok()) << qPrintable(st.error().message);
    takeOver();
    cp = checkpointAt(4, 4, 1);
    st = (*writer)->writeBatch(bigRows(3, 4), cp);
    EXPECT_TRUE(takenOver(st, 2, 1)) << qPrintable(st ? QStringLiteral("committed") : st.error().message);
    EXPECT_EQ(targetRows(), 2);
    EXPECT_EQ(committed(), QStringLiteral("2/2"));
    cp.epoch = 2;
    st = (*writer)->writeBatch(bigRows(3, 4), cp);
    ASSERT_TRUE(st.ok()) << qPrintable(st.error().message);
    EXPECT_EQ(targetRows(), 4);
    EXPECT_EQ(targetDb->value(QStringLiteral("SELECT sum(length(big)) FROM %1").arg(targetDb->table(QStringLiteral("items")))).toLongLong(), 4 * qint64(big.size()));
}

// The copiers of one engine to itself: SQLite's INSERT ... SELECT, PostgreSQL's binary passthrough.
TEST_P(Fence, CopyBatchOfAnOlderEpochCommitsNothing)
{
    if (GetParam() == EngineKind::MySQL)
        GTEST_SKIP() << "no copier into MariaDB";
    if (!open(GetParam(), GetParam()))
        GTEST_SKIP() << "the server's URL variable is not set";
    const EnginePair::Route route = engines->route(*target, sourceTable, targetTable, false);
    ASSERT_NE(route.copy, EnginePair::CopyPath::Rows);
    auto copier = engines->openCopier(route, *source, sourceUrl(), *target, sourceTable, targetTable, 0, 30);
    ASSERT_TRUE(copier.ok()) << qPrintable(copier.error().message);
    ASSERT_TRUE(engine().raiseFence(*target, kTask, 1).ok());

    Checkpoint cp = checkpointAt(0, 0, 1);
    auto n = (*copier)->copyBatch(cp, 10);
    ASSERT_TRUE(n.ok()) << qPrintable(n.error().message);
    EXPECT_EQ(*n, 10);
    EXPECT_EQ(committed(), QStringLiteral("10/10"));

    takeOver();
    n = (*copier)->copyBatch(cp, 10);
    ASSERT_FALSE(n.ok());
    EXPECT_TRUE(takenOver(Status(n.error()), 2, 1)) << qPrintable(n.error().message);
    EXPECT_EQ(cp.lastKey, 10); // the caller's checkpoint did not advance either
    EXPECT_EQ(targetRows(), 10);
    EXPECT_EQ(committed(), QStringLiteral("10/10"));

    // The new attempt (epoch 2) continues from what the target committed.
    copier->reset();
    copier = engines->openCopier(route, *source, sourceUrl(), *target, sourceTable, targetTable, cp.lastKey, 30);
    ASSERT_TRUE(copier.ok()) << qPrintable(copier.error().message);
    cp.epoch = 2;
    while (true) {
        n = (*copier)->copyBatch(cp, 10);
        ASSERT_TRUE(n.ok()) << qPrintable(n.error().message);
        if (*n == 0)
            break;
    }
    EXPECT_EQ(targetRows(), 30);
    EXPECT_EQ(committed(), QStringLiteral("30/30"));
    expectNoLowering();
}

TEST_P(Fence, CopyWholeOfAnOlderEpochCommitsNothing)
{
    if (GetParam() != EngineKind::SQLite)
        GTEST_SKIP() << "copyWhole is SQLite's (to SQLite)";
    ASSERT_TRUE(open(EngineKind::SQLite, EngineKind::SQLite));
    const EnginePair::Route route = engines->route(*target, sourceTable, targetTable, false, true);
    auto copier = engines->openCopier(route, *source, sourceUrl(), *target, sourceTable, targetTable, 0, 30);
    ASSERT_TRUE(copier.ok()) << qPrintable(copier.error().message);
    ASSERT_TRUE((*copier)->copiesWhole());
    ASSERT_TRUE(engine().raiseFence(*target, kTask, 1).ok());
    takeOver();

    Checkpoint cp = checkpointAt(0, 0, 1);
    auto n = (*copier)->copyWhole(cp, 30, nullptr, 30, 0, nullptr);
    ASSERT_FALSE(n.ok());
    EXPECT_TRUE(takenOver(Status(n.error()), 2, 1)) << qPrintable(n.error().message);
    EXPECT_EQ(targetRows(), 0);
    EXPECT_EQ(committed(), QStringLiteral("none"));

    cp.epoch = 2;
    n = (*copier)->copyWhole(cp, 30, nullptr, 30, 0, nullptr);
    ASSERT_TRUE(n.ok()) << qPrintable(n.error().message);
    EXPECT_EQ(*n, 30);
    EXPECT_EQ(targetRows(), 30);
    EXPECT_EQ(committed(), QStringLiteral("30/30"));
    expectNoLowering();
}

// raiseFence waits for a transaction of the older epoch that holds the fence row (a batch
// between its check and its commit) instead of racing it.
TEST_P(Fence, RaiseWaitsForABatchThatHoldsTheFenceRow)
{
    if (!open(EngineKind::SQLite, GetParam()))
        GTEST_SKIP() << "the target's URL variable is not set";
    ASSERT_TRUE(engine().raiseFence(*target, kTask, 1).ok());
    QSqlQuery q(target->db());
    ASSERT_TRUE(q.exec(engine().beginTransactionSql()));
    ASSERT_TRUE(engine().checkFence(*target, kTask, 1).ok());
    std::atomic<bool> raised{false};
    QString raiseError;
    const QString url = targetDb->url(), folder = dir.path();
    std::thread other([&] { // a connection is its thread's
        auto c = DbConnection::open(*ConnectionUrl::parse(url, folder), DbConnection::Mode::ReadWrite);
        if (!c) {
            raiseError = c.error().message;
        } else if (auto st = Engine::create(GetParam())->raiseFence(**c, kTask, 2); !st) {
            raiseError = st.error().message;
        }
        raised = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    EXPECT_FALSE(raised) << "raiseFence did not wait for the open batch";
    EXPECT_TRUE(engine().checkFence(*target, kTask, 1).ok()); // still this batch's epoch
    EXPECT_TRUE(q.exec(QStringLiteral("COMMIT")));
    other.join();
    EXPECT_EQ(raiseError, QString());
    EXPECT_EQ(fenceEpoch(), QStringLiteral("2"));
}

TEST_P(Fence, EpochZeroWritesNoFenceTable)
{
    if (!open(EngineKind::SQLite, GetParam()))
        GTEST_SKIP() << "the target's URL variable is not set";
    auto writer = engine().openWriter(*target, targetTable);
    ASSERT_TRUE(writer.ok()) << qPrintable(writer.error().message);
    Checkpoint cp = checkpointAt(10, 10, 0);
    const Status st = (*writer)->writeBatch(rowsOf(1, 10), cp);
    ASSERT_TRUE(st.ok()) << qPrintable(st.error().message);
    EXPECT_TRUE(engine().checkFenceAlone(*target, kTask, 0).ok());
    EXPECT_EQ(targetRows(), 10);
    EXPECT_FALSE(hasFenceTable());
}

TEST_P(Fence, FinishTargetDropsTheFenceTable)
{
    if (!open(EngineKind::SQLite, GetParam()))
        GTEST_SKIP() << "the target's URL variable is not set";
    ASSERT_TRUE(engine().raiseFence(*target, kTask, 3).ok());
    EXPECT_TRUE(hasFenceTable()); // and introspect() does not list it
    EXPECT_TRUE(engine().raiseFence(*target, kTask, 3).ok()); // the same epoch again: no change
    ASSERT_TRUE(engine().finishTarget(*target).ok());
    EXPECT_FALSE(hasFenceTable());
}

INSTANTIATE_TEST_SUITE_P(Targets, Fence, ::testing::Values(EngineKind::SQLite, EngineKind::PostgreSQL, EngineKind::MySQL),
                         [](const auto &info) { return engineName(info.param).toStdString(); });

// The copy task of an attempt whose lease another worker took over (it raised the fence to 2)
// ends Failed "taken over", the target as it was; the new attempt finishes the copy.
TEST(FenceTask, CopyOfAnOlderEpochFailsTakenOverAndLeavesTheTarget)
{
    QTemporaryDir dir;
    const QString sourcePath = dir.filePath(QStringLiteral("source.db")), targetPath = dir.filePath(QStringLiteral("target.db"));
    execSqlite(sourcePath, QStringLiteral("CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT)"));
    QStringList rows;
    for (int k = 1; k <= 30; ++k)
        rows << QStringLiteral("(%1, 'row %1')").arg(k);
    execSqlite(sourcePath, QStringLiteral("INSERT INTO items VALUES ") + rows.join(u','));
    auto s = ConnectionUrl::parse(QStringLiteral("sqlite:") + sourcePath, dir.path());
    auto t = ConnectionUrl::parse(QStringLiteral("sqlite:") + targetPath, dir.path());
    ASSERT_TRUE(s.ok() && t.ok());
    auto engine = Engine::create(EngineKind::SQLite);
    auto conn = DbConnection::open(*s, DbConnection::Mode::ReadOnly);
    ASSERT_TRUE(conn.ok());
    auto tables = engine->introspect(**conn);
    ASSERT_TRUE(tables.ok() && tables->size() == 1);

    TaskControl control;
    TaskContext ctx;
    ctx.table = tables->first();
    ctx.source = *s;
    ctx.target = *t;
    ctx.runId = QStringLiteral("run-1");
    ctx.control = &control;
    ctx.log = [](LogLevel, const QString &) {};
    ctx.epoch = 1;
    ctx.spec.name = QStringLiteral("prepare:items");
    ctx.spec.kind = TaskKind::Prepare;
    ctx.spec.table = QStringLiteral("items");
    ctx.kindInputs = PrepareInputs{};
    const TaskOutcome prepared = executeTask(ctx);
    ASSERT_EQ(prepared.kind, TaskOutcome::Ended) << qPrintable(prepared.message);

    ctx.spec.name = kTask;
    ctx.spec.kind = TaskKind::Copy;
    ctx.spec.keyLo = 1;
    ctx.spec.keyHi = 30;
    ctx.spec.estimatedRows = 1000000; // in batches, not one whole-table statement
    CopyInputs copy;
    copy.batchSize = 10;
    ctx.kindInputs = copy;
    control.requestStop(StopRequest::Pause); // after the first batch
    const TaskOutcome paused = executeTask(ctx);
    ASSERT_EQ(paused.kind, TaskOutcome::Paused) << qPrintable(paused.message);
    EXPECT_EQ(queryInt(targetPath, QStringLiteral("SELECT count(*) FROM items")), 10);

    // Another worker takes the copy over (its attempt has epoch 2); this one resumes at epoch 1.
    {
        auto other = DbConnection::open(*t, DbConnection::Mode::ReadWrite);
        ASSERT_TRUE(other.ok());
        ASSERT_TRUE(engine->raiseFence(**other, kTask, 2).ok());
    }
    TaskControl again;
    ctx.control = &again;
    const TaskOutcome stale = executeTask(ctx);
    EXPECT_EQ(stale.kind, TaskOutcome::Failed);
    EXPECT_TRUE(stale.error.message.contains(QLatin1String("taken over by another worker"))) << qPrintable(stale.error.message);
    EXPECT_EQ(queryInt(targetPath, QStringLiteral("SELECT count(*) FROM items")), 10);
    EXPECT_EQ(queryInt(targetPath, QStringLiteral("SELECT last_key FROM _cockpit_checkpoint WHERE task = 'copy:items'")), 10);

    TaskControl third;
    ctx.control = &third;
    ctx.epoch = 2;
    const TaskOutcome done = executeTask(ctx);
    ASSERT_EQ(done.kind, TaskOutcome::Ended) << qPrintable(done.message);
    EXPECT_EQ(queryInt(targetPath, QStringLiteral("SELECT count(*) FROM items")), 30);
    EXPECT_EQ(queryInt(targetPath, QStringLiteral("SELECT epoch FROM _cockpit_fence WHERE task = 'copy:items'")), 2);
}

// One machine (epoch 0): the tasks behave as before and the target holds no fence table.
TEST(FenceTask, EpochZeroCopyLeavesNoFenceTable)
{
    QTemporaryDir dir;
    const QString sourcePath = dir.filePath(QStringLiteral("source.db")), targetPath = dir.filePath(QStringLiteral("target.db"));
    execSqlite(sourcePath, QStringLiteral("CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO items VALUES (1, 'a'), (2, 'b')"));
    auto s = ConnectionUrl::parse(QStringLiteral("sqlite:") + sourcePath, dir.path());
    auto t = ConnectionUrl::parse(QStringLiteral("sqlite:") + targetPath, dir.path());
    ASSERT_TRUE(s.ok() && t.ok());
    auto conn = DbConnection::open(*s, DbConnection::Mode::ReadOnly);
    ASSERT_TRUE(conn.ok());
    auto tables = Engine::create(EngineKind::SQLite)->introspect(**conn);
    ASSERT_TRUE(tables.ok() && tables->size() == 1);
    TaskControl control;
    TaskContext ctx;
    ctx.table = tables->first();
    ctx.source = *s;
    ctx.target = *t;
    ctx.runId = QStringLiteral("run-1");
    ctx.control = &control;
    ctx.log = [](LogLevel, const QString &) {};
    ctx.spec.name = QStringLiteral("prepare:items");
    ctx.spec.kind = TaskKind::Prepare;
    ctx.spec.table = QStringLiteral("items");
    ctx.kindInputs = PrepareInputs{};
    ASSERT_EQ(executeTask(ctx).kind, TaskOutcome::Ended);
    ctx.spec.name = kTask;
    ctx.spec.kind = TaskKind::Copy;
    ctx.spec.keyLo = 1;
    ctx.spec.keyHi = 2;
    ctx.kindInputs = CopyInputs{};
    const TaskOutcome done = executeTask(ctx);
    ASSERT_EQ(done.kind, TaskOutcome::Ended) << qPrintable(done.message);
    EXPECT_EQ(queryInt(targetPath, QStringLiteral("SELECT count(*) FROM items")), 2);
    EXPECT_EQ(queryInt(targetPath, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = '_cockpit_fence'")), 0);
}

// A script of an older epoch commits nothing: the fence is raised to 2 from inside the script
// (as another worker would have meanwhile), so the check before its COMMIT sees it.
class FenceScript : public ::testing::Test {
protected:
    QTemporaryDir dir;
    QString targetPath() const { return dir.filePath(QStringLiteral("target.db")); }

    TaskOutcome runScript(const QString &text)
    {
        const QString scripts = dir.filePath(QStringLiteral("scripts"));
        QDir().mkpath(scripts);
        QFile f(scripts + QStringLiteral("/takeover.sql"));
        EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text.toUtf8());
        f.close();
        TaskControl control;
        TaskContext ctx;
        ctx.target = *ConnectionUrl::parse(QStringLiteral("sqlite:") + targetPath(), dir.path());
        ctx.source = ctx.target;
        ctx.runId = QStringLiteral("run-1");
        ctx.control = &control;
        ctx.log = [](LogLevel, const QString &) {};
        ctx.epoch = 1;
        ctx.spec.name = QStringLiteral("script:takeover");
        ctx.spec.kind = TaskKind::Script;
        ctx.spec.object = QStringLiteral("takeover");
        ctx.kindInputs = ScriptInputs{scripts};
        return executeTask(ctx);
    }
};

TEST_F(FenceScript, TransactionalScriptIsRolledBackBeforeItsCommit)
{
    const TaskOutcome o = runScript(QStringLiteral("CREATE TABLE NEWT (X integer);\n"
                                                   "INSERT INTO NEWT VALUES (1);\n"
                                                   "UPDATE _cockpit_fence SET epoch = 2 WHERE task = 'script:takeover';\n"));
    EXPECT_EQ(o.kind, TaskOutcome::Failed);
    EXPECT_TRUE(takenOver(Status(o.error), 2, 1)) << qPrintable(o.error.message);
    EXPECT_EQ(queryInt(targetPath(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'NEWT'")), 0);
    EXPECT_EQ(queryInt(targetPath(), QStringLiteral("SELECT epoch FROM _cockpit_fence WHERE task = 'script:takeover'")), 1);
}

TEST_F(FenceScript, PerStatementScriptStopsBeforeTheNextStatement)
{
    const TaskOutcome o = runScript(QStringLiteral("-- transaction: per-statement\n"
                                                   "CREATE TABLE NEWT (X integer);\n"
                                                   "UPDATE _cockpit_fence SET epoch = 2 WHERE task = 'script:takeover';\n"
                                                   "INSERT INTO NEWT VALUES (1);\n"));
    EXPECT_EQ(o.kind, TaskOutcome::Failed);
    EXPECT_TRUE(takenOver(Status(o.error), 2, 1)) << qPrintable(o.error.message);
    EXPECT_EQ(queryInt(targetPath(), QStringLiteral("SELECT count(*) FROM NEWT")), 0); // the third statement never ran
}

} // namespace
