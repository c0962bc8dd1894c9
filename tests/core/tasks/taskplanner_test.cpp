// Planning on a real SQLite source: how a keyed table splits into chunks, and that each chunk's
// row estimate is its exact count (counted with plain SQL here), with dense keys and with gaps.

#include "engine/engine.h"
#include "support/testsupport.h"
#include "tasks/taskplanner.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// The copy tasks of a 1,000-row table (ids 1..1000, minus `missing`), planned in chunks of 300.
QVector<TaskSpec> plannedCopies(const QTemporaryDir &dir, const QString &missing)
{
    const QString db = dir.filePath(QStringLiteral("src.db"));
    execSqlite(db, QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); "
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                                  "INSERT INTO t SELECT i, 'v' || i FROM n; DELETE FROM t WHERE id IN (%1)")
                       .arg(missing.isEmpty() ? QStringLiteral("0") : missing));
    auto source = ConnectionUrl::parse(QStringLiteral("sqlite:src.db"), dir.path());
    auto target = ConnectionUrl::parse(QStringLiteral("sqlite:t.db"), dir.path());
    Plan plan = Plan::fromUrls(*source, *target, dir.filePath(QStringLiteral("state.db")));
    plan.chunkRows = 300;
    plan.copyMethod = CopyMethod::Batches;
    auto engine = Engine::create(EngineKind::SQLite);
    auto conn = DbConnection::open(*source, DbConnection::Mode::ReadOnly);
    EXPECT_TRUE(conn.ok());
    auto tables = engine->introspect(**conn);
    EXPECT_TRUE(tables.ok());
    auto tasks = planTasks(plan, *tables, {}, *engine, **conn);
    EXPECT_TRUE(tasks.ok()) << qPrintable(tasks.error().message);
    QVector<TaskSpec> copies;
    for (const auto &t : *tasks)
        if (t.kind == TaskKind::Copy)
            copies << t;
    return copies;
}

void expectExactEstimates(const QTemporaryDir &dir, const QVector<TaskSpec> &copies)
{
    qint64 total = 0;
    for (const auto &c : copies) {
        EXPECT_EQ(c.estimatedRows, queryInt(dir.filePath(QStringLiteral("src.db")),
                                            QStringLiteral("SELECT count(*) FROM t WHERE id BETWEEN %1 AND %2").arg(c.keyLo).arg(c.keyHi)))
            << qPrintable(c.name);
        total += c.estimatedRows;
    }
    EXPECT_EQ(total, queryInt(dir.filePath(QStringLiteral("src.db")), QStringLiteral("SELECT count(*) FROM t")));
}

} // namespace

TEST(Planner, DenseKeysSplitIntoChunksWhoseWidthIsTheirCount)
{
    QTemporaryDir dir;
    const auto copies = plannedCopies(dir, {});
    ASSERT_EQ(copies.size(), 4);
    EXPECT_EQ(copies.first().keyLo, 1);
    EXPECT_EQ(copies.last().keyHi, 1000);
    expectExactEstimates(dir, copies);
}

TEST(Planner, KeysWithGapsAreCountedPerChunk)
{
    QTemporaryDir dir;
    const auto copies = plannedCopies(dir, QStringLiteral("3, 4, 5, 260, 999"));
    ASSERT_EQ(copies.size(), 4);
    expectExactEstimates(dir, copies);
    EXPECT_EQ(copies.first().estimatedRows, 250 - 3);
}
