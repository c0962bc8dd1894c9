// Big values read and written in pieces (README "Memory"): a SQLite blob through sqlite3_blob_*
// (read into the batch, hashed by the checksum, written over a zeroblob), a PostgreSQL bytea by
// substring on the server (the reader, and the checksums of validation). Per SQLite/PostgreSQL
// pair, a table with values of tens of MB in two columns - one in a row after small ones, one
// in the first row - arrives byte for byte, and the run's validation compares it (equal). A
// small value equal to the reader's stand-in for a big bytea stays what it is. No timings or
// memory figures here: bench/bigvalue/bigvalue.sh measures those.

#include "support/awkwarddataset.h"
#include "support/testsupport.h"
#include "engine/engine.h"
#include "engine/postgres/postgresengine.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

constexpr int kFirst = 40 * 1024 * 1024;  // row 1, column a
constexpr int kSecond = 24 * 1024 * 1024; // row 3, column b (after a small row)
// The PostgreSQL reader's stand-in for a big bytea (pgreader.cpp), here a value of its own.
const QByteArray kStandIn = QByteArrayLiteral("cockpit big bytea read in pieces");

std::vector<Direction> sqliteAndPostgres()
{
    std::vector<Direction> out;
    for (const auto &d : allDirections())
        if (d.source != EngineKind::MySQL && d.target != EngineKind::MySQL)
            out.push_back(d);
    return out;
}

class BigValues : public ::testing::TestWithParam<Direction> {};

// "id:a:b" per row in key order, each value as md5:length (NULL as NULL), read with the
// engine's own SQL (SQLite: its bytes, hashed here).
QStringList digests(const TestDatabase &db)
{
    QStringList out;
    const QString table = db.table(QStringLiteral("big"));
    if (db.kind() == EngineKind::PostgreSQL) {
        for (const auto &row : db.rows(QStringLiteral("SELECT id, coalesce(md5(a) || ':' || length(a), 'NULL'), "
                                                      "coalesce(md5(b) || ':' || length(b), 'NULL') FROM %1 ORDER BY id")
                                           .arg(table)))
            out << row.value(0).toString() + u':' + row.value(1).toString() + u':' + row.value(2).toString();
        return out;
    }
    auto digest = [](const QVariant &v) {
        if (v.isNull())
            return QStringLiteral("NULL");
        const QByteArray b = v.toByteArray();
        return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Md5).toHex()) + u':' + QString::number(b.size());
    };
    const QStringList ids = [&] {
        QStringList x;
        for (const auto &row : db.rows(QStringLiteral("SELECT id FROM %1 ORDER BY id").arg(table)))
            x << row.value(0).toString();
        return x;
    }();
    for (const QString &id : ids) { // one row at a time: a big value at once
        const auto row = db.rows(QStringLiteral("SELECT a, b FROM %1 WHERE id = %2").arg(table, id)).value(0);
        out << id + u':' + digest(row.value(0)) + u':' + digest(row.value(1));
    }
    return out;
}

TEST_P(BigValues, CopiedByteForByteAndValidated)
{
    const Direction d = GetParam();
    for (EngineKind k : {d.source, d.target})
        if (TestDatabase::serverUrl(k).isEmpty())
            GTEST_SKIP() << "a server of the pair is not configured (scripts/test-servers.sh starts them)";
    QTemporaryDir dir;
    QString error;
    auto source = TestDatabase::create(d.source, dir.path(), QStringLiteral("src"), &error);
    ASSERT_TRUE(source) << qPrintable(error);
    auto target = TestDatabase::create(d.target, dir.path(), QStringLiteral("tgt"), &error);
    ASSERT_TRUE(target) << qPrintable(error);

    const QString table = source->table(QStringLiteral("big"));
    const QString standIn = QString::fromLatin1(kStandIn.toHex());
    if (d.source == EngineKind::PostgreSQL) {
        // 16 distinct bytes per md5, every byte value present.
        auto random = [](int bytes, int seed) {
            return QStringLiteral("(SELECT decode(string_agg(md5((i + %2)::text), '' ORDER BY i), 'hex') FROM generate_series(1, %1) i)")
                .arg(bytes / 16)
                .arg(seed);
        };
        ASSERT_EQ(source->exec(QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, a bytea, b bytea); "
                                              "INSERT INTO %1 VALUES (1, %2, NULL), (2, '\\x00ff', ''), (3, '\\x01', %3), "
                                              "(4, decode('%4', 'hex'), NULL); "
                                              "INSERT INTO %1 SELECT i, decode(md5(i::text), 'hex'), NULL FROM generate_series(5, 200) i")
                                   .arg(table, random(kFirst, 0), random(kSecond, 7), standIn)),
                  QString());
    } else {
        ASSERT_EQ(source->exec(QStringLiteral("CREATE TABLE big (id INTEGER PRIMARY KEY, a BLOB, b BLOB); "
                                              "INSERT INTO big VALUES (1, randomblob(%1), NULL), (2, x'00ff', x''), (3, x'01', randomblob(%2)), "
                                              "(4, x'%3', NULL); "
                                              "WITH RECURSIVE n(i) AS (SELECT 5 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
                                              "INSERT INTO big SELECT i, randomblob(16), NULL FROM n")
                                   .arg(kFirst)
                                   .arg(kSecond)
                                   .arg(standIn)),
                  QString());
    }
    const QStringList original = digests(*source);
    ASSERT_EQ(original.size(), 200);
    ASSERT_TRUE(original[0].endsWith(QStringLiteral(":%1:NULL").arg(kFirst))) << qPrintable(original[0]);
    ASSERT_TRUE(original[2].endsWith(QStringLiteral(":%1").arg(kSecond))) << qPrintable(original[2]);

    auto s = ConnectionUrl::parse(source->url(), dir.path());
    auto t = ConnectionUrl::parse(target->url(), dir.path());
    ASSERT_TRUE(s.ok() && t.ok());
    Plan plan = Plan::fromUrls(*s, *t, dir.filePath(QStringLiteral("state.db")));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const auto &task : allTasks(run))
        EXPECT_EQ(task.status.state, TaskState::Ended) << qPrintable(task.spec.name) << ": " << qPrintable(task.status.message);
    const QString validate = taskView(run, QStringLiteral("validate:big")).status.message;
    EXPECT_TRUE(validate.contains(QLatin1String("200 rows")) && validate.contains(QLatin1String("equal"))) << qPrintable(validate);

    const QStringList copied = digests(*target);
    ASSERT_EQ(copied.size(), original.size());
    for (qsizetype i = 0; i < original.size(); ++i)
        EXPECT_EQ(copied[i].toStdString(), original[i].toStdString()) << "row " << i + 1;
}

// The checksums that read a big value in pieces still see every byte of it: one byte changed in
// a 24 MB value (same size) changes the table's sum (SQLite: the blob read through
// sqlite3_blob_read; PostgreSQL: the typed and the raw checksum, by substring).
class BigValueChecksum : public ::testing::TestWithParam<EngineKind> {};

TEST_P(BigValueChecksum, SeesOneChangedByte)
{
    const EngineKind kind = GetParam();
    if (TestDatabase::serverUrl(kind).isEmpty())
        GTEST_SKIP() << "the server is not configured";
    QTemporaryDir dir;
    QString error;
    auto db = TestDatabase::create(kind, dir.path(), QStringLiteral("sum"), &error);
    ASSERT_TRUE(db) << qPrintable(error);
    const QString table = db->table(QStringLiteral("big"));
    constexpr int kBytes = 24 * 1024 * 1024;
    if (kind == EngineKind::PostgreSQL)
        ASSERT_EQ(db->exec(QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, a bytea); INSERT INTO %1 VALUES "
                                          "(1, (SELECT decode(string_agg(md5(i::text), '' ORDER BY i), 'hex') FROM generate_series(1, %2) i)), "
                                          "(2, '\\x00ff')")
                               .arg(table)
                               .arg(kBytes / 16)),
                  QString());
    else
        ASSERT_EQ(db->exec(QStringLiteral("CREATE TABLE big (id INTEGER PRIMARY KEY, a BLOB); "
                                          "INSERT INTO big VALUES (1, randomblob(%1)), (2, x'00ff')")
                               .arg(kBytes)),
                  QString());
    auto url = ConnectionUrl::parse(db->url(), dir.path());
    ASSERT_TRUE(url.ok());
    auto engine = Engine::create(kind);
    auto sums = [&]() -> std::vector<quint64> {
        auto c = DbConnection::open(*url, DbConnection::Mode::ReadOnly);
        EXPECT_TRUE(c.ok());
        if (!c.ok())
            return {};
        auto tables = engine->introspect(**c);
        EXPECT_TRUE(tables.ok());
        TableSchema t;
        for (const auto &x : *tables)
            if (x.name == QLatin1String("big"))
                t = x;
        std::vector<quint64> out;
        auto typed = engine->checksum(**c, t);
        EXPECT_TRUE(typed.ok()) << qPrintable(typed.error().message);
        if (typed.ok()) {
            EXPECT_EQ(typed->rows, 2);
            out.push_back(typed->sum);
        }
        if (kind == EngineKind::PostgreSQL) {
            auto raw = PostgresEngine::rawChecksum(**c, t, nullptr);
            EXPECT_TRUE(raw.ok()) << qPrintable(raw.error().message);
            if (raw.ok()) {
                EXPECT_EQ(raw->rows, 2);
                out.push_back(raw->sum);
            }
        }
        return out;
    };
    const std::vector<quint64> before = sums();
    ASSERT_EQ(before.size(), kind == EngineKind::PostgreSQL ? 2u : 1u);
    // The byte in the middle of the value, changed (SQLite: || makes text, the CAST bytes again).
    if (kind == EngineKind::PostgreSQL)
        ASSERT_EQ(db->exec(QStringLiteral("UPDATE %1 SET a = set_byte(a, %2, (get_byte(a, %2) + 1) % 256) WHERE id = 1").arg(table).arg(kBytes / 2)),
                  QString());
    else
        ASSERT_EQ(db->exec(QStringLiteral("UPDATE big SET a = CAST(substr(a, 1, %1) || CASE WHEN substr(a, %2, 1) = x'00' THEN x'01' "
                                          "ELSE x'00' END || substr(a, %3) AS BLOB) WHERE id = 1")
                               .arg(kBytes / 2)
                               .arg(kBytes / 2 + 1)
                               .arg(kBytes / 2 + 2)),
                  QString());
    ASSERT_EQ(db->value(QStringLiteral("SELECT length(a) FROM %1 WHERE id = 1").arg(table)), QString::number(kBytes));
    const std::vector<quint64> after = sums();
    ASSERT_EQ(after.size(), before.size());
    for (size_t i = 0; i < before.size(); ++i)
        EXPECT_NE(after[i], before[i]) << (i == 0 ? "typed" : "raw");
}

INSTANTIATE_TEST_SUITE_P(Engines, BigValueChecksum, ::testing::Values(EngineKind::SQLite, EngineKind::PostgreSQL),
                         [](const ::testing::TestParamInfo<EngineKind> &info) { return engineName(info.param).toStdString(); });

INSTANTIATE_TEST_SUITE_P(SqliteAndPostgres, BigValues, ::testing::ValuesIn(sqliteAndPostgres()),
                         [](const ::testing::TestParamInfo<Direction> &info) { return directionName(info.param); });

} // namespace
