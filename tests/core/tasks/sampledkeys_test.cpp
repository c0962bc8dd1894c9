// Tables whose only key is not an integer (a PostgreSQL uuid, a MariaDB varchar, a SQLite
// WITHOUT ROWID text key) are split at sampled key values into chunk tasks that copy in
// parallel: planning covers every row exactly once, and a real run into another engine ends
// every task with the same rows, the same keys and an equal checksum.

#include "engine/engine.h"
#include "store/controlstore.h"
#include "support/awkwarddataset.h"
#include "support/testsupport.h"
#include "tasks/taskplanner.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUuid>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// Key prefixes whose collation order differs from their byte order: mixed case, spaces,
// accents, other scripts. No two differ only by case or accent, so they stay distinct under
// case- and accent-insensitive collations too.
const QStringList kPrefixes = {QStringLiteral("apple"), QStringLiteral("Banana"), QStringLiteral("Äpfel"),
                               QStringLiteral("zebra"), QStringLiteral("Yak"), QStringLiteral(" leading space"),
                               QStringLiteral("ñandú"), QStringLiteral("Ωmega"), QStringLiteral("日本"),
                               QStringLiteral("mid dle")};

QString textKey(int i) { return QStringLiteral("%1 %2").arg(kPrefixes[i % kPrefixes.size()]).arg(i); }

QStringList sorted(QStringList l)
{
    l.sort();
    return l;
}

QStringList column(const TestDatabase &db, const QString &sql)
{
    QStringList out;
    for (const auto &row : db.rows(sql))
        out << row.value(0).toString();
    return out;
}

// A source table `item` keyed by `keyType` on `db`, `rows` rows, keys from `key`.
QString createItems(TestDatabase &db, const QString &keyType, const QString &tableSuffix, int rows,
                    const std::function<QString(int)> &key)
{
    if (QString e = db.exec(QStringLiteral("CREATE TABLE %1 (code %2 PRIMARY KEY, label TEXT, n INTEGER)%3")
                                .arg(db.table(QStringLiteral("item")), keyType, tableSuffix));
        !e.isEmpty())
        return e;
    QSqlQuery q(db.db());
    if (!q.prepare(QStringLiteral("INSERT INTO %1 (code, label, n) VALUES (?, ?, ?)").arg(db.table(QStringLiteral("item")))))
        return q.lastError().text();
    db.db().transaction();
    for (int i = 0; i < rows; ++i) {
        q.addBindValue(key(i));
        q.addBindValue(QStringLiteral("label %1").arg(i * 7));
        q.addBindValue(i);
        if (!q.exec())
            return q.lastError().text();
    }
    db.db().commit();
    return {};
}

struct Case {
    EngineKind source;
    EngineKind target;
};

QString name(EngineKind k)
{
    switch (k) {
    case EngineKind::SQLite: return QStringLiteral("SQLite");
    case EngineKind::PostgreSQL: return QStringLiteral("PostgreSQL");
    case EngineKind::MySQL: return QStringLiteral("MariaDB");
    }
    return {};
}

class SampledKeys : public ::testing::TestWithParam<Case> {};

TEST_P(SampledKeys, TableSplitsIntoChunksAndArrivesWhole)
{
    const Case c = GetParam();
    for (EngineKind k : {c.source, c.target})
        if (TestDatabase::serverUrl(k).isEmpty())
            GTEST_SKIP() << qPrintable(name(k)) << ": its URL variable is not set (scripts/test-servers.sh starts the server)";
    QTemporaryDir dir;
    QString error;
    auto source = TestDatabase::create(c.source, dir.path(), QStringLiteral("src"), &error);
    ASSERT_TRUE(source) << qPrintable(error);
    auto target = TestDatabase::create(c.target, dir.path(), QStringLiteral("tgt"), &error);
    ASSERT_TRUE(target) << qPrintable(error);
    constexpr int kRows = 437;
    switch (c.source) {
    case EngineKind::PostgreSQL:
        ASSERT_EQ(createItems(*source, QStringLiteral("uuid"), QString(), kRows,
                              [](int) { return QUuid::createUuid().toString(QUuid::WithoutBraces); }),
                  QString());
        break;
    case EngineKind::MySQL:
        ASSERT_EQ(createItems(*source, QStringLiteral("VARCHAR(60)"),
                              QStringLiteral(" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"), kRows, textKey),
                  QString());
        break;
    case EngineKind::SQLite:
        ASSERT_EQ(createItems(*source, QStringLiteral("TEXT COLLATE NOCASE"), QStringLiteral(" WITHOUT ROWID"), kRows, textKey),
                  QString());
        break;
    }
    const QString keys = QStringLiteral("SELECT code FROM %1");
    const QStringList sourceKeys = column(*source, keys.arg(source->table(QStringLiteral("item"))));
    ASSERT_EQ(sourceKeys.size(), kRows);

    auto sourceUrl = ConnectionUrl::parse(source->url(), dir.path());
    auto targetUrl = ConnectionUrl::parse(target->url(), dir.path());
    ASSERT_TRUE(sourceUrl.ok() && targetUrl.ok());
    Plan plan = Plan::fromUrls(*sourceUrl, *targetUrl, dir.filePath(QStringLiteral("state.db")));
    plan.chunkRows = 100; // five chunks, the last of 37 rows
    plan.copyMethod = CopyMethod::Batches; // SQLite to SQLite would transfer the table whole
    plan.batchSize = 16;  // each in several batches
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(runToEnd(run));

    int chunks = 0;
    for (const auto &t : allTasks(run)) {
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
        if (t.spec.kind == TaskKind::Copy && t.spec.table == QLatin1String("item")) {
            ++chunks;
            EXPECT_TRUE(t.spec.sampledRange) << qPrintable(t.spec.name);
            EXPECT_EQ(t.status.rowsDone, t.spec.estimatedRows) << qPrintable(t.spec.name);
        }
    }
    EXPECT_EQ(chunks, 5);
    const TaskView validate = taskView(run, QStringLiteral("validate:item"));
    EXPECT_EQ(validate.status.state, TaskState::Ended);
    EXPECT_TRUE(validate.status.message.contains(QStringLiteral("equal"))) << qPrintable(validate.status.message);

    const QStringList targetKeys = column(*target, keys.arg(target->table(QStringLiteral("item"))));
    EXPECT_EQ(targetKeys.size(), kRows);
    auto lower = [](QStringList l) {
        for (auto &k : l)
            k = k.toLower(); // a uuid's text on a text target is PostgreSQL's own (lower case)
        return l;
    };
    EXPECT_EQ(sorted(lower(targetKeys)), sorted(lower(sourceKeys)));
    EXPECT_EQ(target->value(QStringLiteral("SELECT sum(n) FROM %1").arg(target->table(QStringLiteral("item")))).toLongLong(),
              qint64(kRows) * (kRows - 1) / 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, SampledKeys,
                         ::testing::Values(Case{EngineKind::PostgreSQL, EngineKind::SQLite},
                                           Case{EngineKind::MySQL, EngineKind::PostgreSQL},
                                           Case{EngineKind::SQLite, EngineKind::MySQL},
                                           Case{EngineKind::SQLite, EngineKind::SQLite}),
                         [](const ::testing::TestParamInfo<Case> &info) {
                             return (name(info.param.source) + QStringLiteral("To") + name(info.param.target)).toStdString();
                         });

// Planning alone, on a SQLite WITHOUT ROWID source: for row counts below, at and above a
// multiple of chunkRows, the chunks read back (through the same reader the copy uses) give
// every key once, in key order, numbered by position, each chunk as many rows as estimated.
TEST(SampledKeyPlanning, ChunksCoverEveryRowExactlyOnce)
{
    for (int rows : {0, 99, 100, 400, 401}) {
        SCOPED_TRACE(rows);
        QTemporaryDir dir;
        QString error;
        auto source = TestDatabase::create(EngineKind::SQLite, dir.path(), QStringLiteral("src"), &error);
        ASSERT_TRUE(source) << qPrintable(error);
        ASSERT_EQ(createItems(*source, QStringLiteral("TEXT COLLATE NOCASE"), QStringLiteral(" WITHOUT ROWID"), rows, textKey),
                  QString());
        const QStringList ordered = column(*source, QStringLiteral("SELECT code FROM item ORDER BY code"));

        auto url = ConnectionUrl::parse(source->url(), dir.path());
        ASSERT_TRUE(url.ok());
        Plan plan = Plan::fromUrls(*url, *ConnectionUrl::parse(QStringLiteral("sqlite:t.db"), dir.path()),
                                   dir.filePath(QStringLiteral("state.db")));
        plan.chunkRows = 100;
        plan.copyMethod = CopyMethod::Batches; // chunks, not one SQLite transfer
        auto conn = DbConnection::open(*url, DbConnection::Mode::ReadOnly);
        ASSERT_TRUE(conn.ok());
        auto engine = Engine::create(EngineKind::SQLite);
        auto tables = engine->introspect(**conn);
        ASSERT_TRUE(tables.ok());
        ASSERT_EQ(tables->size(), 1);
        const TableSchema &item = tables->first();
        EXPECT_FALSE(item.hasCopyKey());
        EXPECT_EQ(item.sampledKey, QStringLiteral("code"));
        auto tasks = planTasks(plan, *tables, {}, *engine, **conn);
        ASSERT_TRUE(tasks.ok()) << qPrintable(tasks.error().message);

        QStringList read;
        int chunks = 0;
        for (const TaskSpec &t : *tasks) {
            if (t.kind != TaskKind::Copy)
                continue;
            ++chunks;
            ASSERT_TRUE(t.sampledRange);
            auto reader = engine->openKeyRange(**conn, item, KeyRange{t.keyAfter, t.keyThrough}, 0, t.keyLo);
            ASSERT_TRUE(reader.ok()) << qPrintable(reader.error().message);
            RowBatch batch;
            qint64 position = t.keyLo, inChunk = 0;
            while (true) {
                auto n = (*reader)->next(batch, 7);
                ASSERT_TRUE(n.ok());
                if (*n == 0)
                    break;
                for (int r = 0; r < batch.rows(); ++r) {
                    EXPECT_EQ(batch.key(r), position++);
                    const Value &v = batch.value(r, 0);
                    read << QString::fromUtf8(batch.bytes(v), int(v.size));
                    ++inChunk;
                }
            }
            EXPECT_EQ(inChunk, t.estimatedRows) << qPrintable(t.name);
            EXPECT_EQ(position - 1, t.keyHi) << qPrintable(t.name);
        }
        EXPECT_EQ(chunks, std::max(1, (rows + 99) / 100));
        EXPECT_EQ(read, ordered);

        // A resumed chunk skips exactly the rows it committed.
        if (rows > 100) {
            const TaskSpec &second = *std::find_if(tasks->begin(), tasks->end(), [](const TaskSpec &t) {
                return t.name == QLatin1String("copy:item#2");
            });
            auto reader = engine->openKeyRange(**conn, item, KeyRange{second.keyAfter, second.keyThrough}, 30, second.keyLo);
            ASSERT_TRUE(reader.ok());
            RowBatch batch;
            ASSERT_TRUE((*reader)->next(batch, 1).ok());
            ASSERT_EQ(batch.rows(), 1);
            EXPECT_EQ(batch.key(0), second.keyLo + 30);
            const Value &v = batch.value(0, 0);
            EXPECT_EQ(QString::fromUtf8(batch.bytes(v), int(v.size)), ordered.value(int(second.keyLo + 30 - 1)));
        }
    }
}

} // namespace

namespace {

// The control store keeps a sampled chunk's text bounds (an empty key is not "no bound"), and
// a state file written before they existed still opens, its tasks without them.
TEST(SampledKeyStore, BoundsRoundTripAndOldStateFilesOpen)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("state.db"));
    {
        auto store = ControlStore::open(path);
        ASSERT_TRUE(store.ok()) << qPrintable(store.error().message);
        TaskSpec first, second;
        first.name = QStringLiteral("copy:item#1");
        first.table = QStringLiteral("item");
        first.sampledRange = true;
        first.keyThrough = QString(QLatin1String(""));
        first.keyLo = 1;
        first.keyHi = 100;
        second = first;
        second.name = QStringLiteral("copy:item#2");
        second.ordinal = 1;
        second.keyAfter = QString(QLatin1String(""));
        second.keyThrough = QStringLiteral("Ωmega 'quoted' 7");
        ASSERT_TRUE((*store)->createTasks({first, second}).ok());
        auto loaded = (*store)->loadTasks();
        ASSERT_TRUE(loaded.ok());
        ASSERT_EQ(loaded->size(), 2);
        const TaskSpec &a = (*loaded)[0].first, &b = (*loaded)[1].first;
        EXPECT_TRUE(a.sampledRange);
        EXPECT_FALSE(a.keyAfter.has_value());
        ASSERT_TRUE(a.keyThrough.has_value());
        EXPECT_EQ(*a.keyThrough, QString());
        ASSERT_TRUE(b.keyAfter.has_value());
        EXPECT_EQ(*b.keyAfter, QString());
        EXPECT_EQ(b.keyThrough, std::optional<QString>(QStringLiteral("Ωmega 'quoted' 7")));
    }
    // The same file as an earlier build left it: without the new columns.
    for (const char *column : {"sampled_range", "key_after", "key_through"})
        execSqlite(path, QStringLiteral("ALTER TABLE task DROP COLUMN %1").arg(QLatin1String(column)));
    auto store = ControlStore::open(path);
    ASSERT_TRUE(store.ok()) << qPrintable(store.error().message);
    auto loaded = (*store)->loadTasks();
    ASSERT_TRUE(loaded.ok()) << qPrintable(loaded.error().message);
    ASSERT_EQ(loaded->size(), 2);
    EXPECT_FALSE((*loaded)[0].first.sampledRange);
    EXPECT_FALSE((*loaded)[1].first.keyAfter.has_value());
}

} // namespace

namespace {

// Pause takes effect after a batch of a sampled-key chunk: the target then holds exactly the
// rows its checkpoint (a row position) counts, and Resume goes on from there.
TEST(SampledKeyPause, ExecutingChunkPausesAndResumesFromItsPosition)
{
    QTemporaryDir dir;
    const QString source = dir.filePath(QStringLiteral("source.db")), target = dir.filePath(QStringLiteral("target.db"));
    execSqlite(source, QStringLiteral("CREATE TABLE item (code TEXT COLLATE NOCASE PRIMARY KEY, payload TEXT) WITHOUT ROWID; "
                                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) "
                                      "INSERT INTO item SELECT printf('%s %d', CASE i % 3 WHEN 0 THEN 'Äb' WHEN 1 THEN 'b' "
                                      "ELSE 'a B' END, i), hex(randomblob(20)) FROM n"));
    Plan plan = Plan::fromUrls(*ConnectionUrl::parse(QStringLiteral("sqlite:") + source, dir.path()),
                               *ConnectionUrl::parse(QStringLiteral("sqlite:") + target, dir.path()),
                               dir.filePath(QStringLiteral("state.db")));
    plan.chunkRows = 50000;
    plan.copyMethod = CopyMethod::Batches; // chunks, not one SQLite transfer
    plan.batchSize = 10; // thousands of commits per chunk: time to pause it midway
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    run.start();
    const QString copy = QStringLiteral("copy:item#1");
    ASSERT_TRUE(waitUntil([&] {
        const TaskView v = taskView(run, copy);
        return v.status.state == TaskState::Executing && v.status.rowsDone >= 200;
    }, 60000)) << [&] {
        QString states;
        for (const auto &t : allTasks(run))
            states += t.spec.name + u' ' + toString(t.status.state) + u' ' + QString::number(t.status.rowsDone) + u' ' + t.status.message + u'\n';
        return states.toStdString();
    }();
    bool answered = false, ok = false;
    QObject::connect(&run, &UpgradeRun::actionDone, [&](const QString &t, TaskAction, bool o, const QString &) {
        if (t == copy) {
            answered = true;
            ok = o;
        }
    });
    run.request(TaskAction::Pause, {copy}, false);
    ASSERT_TRUE(waitUntil([&] { return answered; }, 10000));
    ASSERT_TRUE(ok);
    ASSERT_TRUE(waitUntil([&] { return taskView(run, copy).status.state == TaskState::Paused; }, 30000));
    const TaskView paused = taskView(run, copy);
    EXPECT_GT(paused.status.rowsDone, 0);
    EXPECT_LT(paused.status.rowsDone, 50000);
    EXPECT_EQ(paused.status.checkpoint - paused.spec.keyLo + 1, paused.status.rowsDone);
    EXPECT_TRUE(paused.status.message.contains(QStringLiteral("in key order"))) << qPrintable(paused.status.message);
    // Other chunks copy meanwhile: count the rows of this one (keys through its upper bound).
    ASSERT_TRUE(paused.spec.keyThrough.has_value());
    EXPECT_EQ(queryInt(target, QStringLiteral("SELECT count(*) FROM item WHERE code <= '%1'").arg(*paused.spec.keyThrough)),
              paused.status.rowsDone);

    bool finished = false;
    QObject::connect(&run, &UpgradeRun::finished, [&] { finished = true; });
    answered = false;
    run.request(TaskAction::Resume, {copy}, false);
    ASSERT_TRUE(waitUntil([&] { return finished && taskView(run, QStringLiteral("finalize")).status.state == TaskState::Ended; }, 120000));
    for (const auto &t : allTasks(run))
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
    EXPECT_EQ(taskView(run, copy).status.attempts, 2);
    EXPECT_EQ(tableDifferences(source, target), QStringList());
}

} // namespace
