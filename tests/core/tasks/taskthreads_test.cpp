// Tasks on threads of their own, meeting only through the cockpit's own primitives: the per-file
// SQLite write lock, TaskControl's atomics and its interruptible connections, the copy's and the
// validation's source sums on std::async, the task log from several threads. The scheduler
// hands tasks over through Qt's event queue and QThreadPool, which a ThreadSanitizer build
// cannot see into (Debian's Qt is not instrumented); here the test is the scheduler, so a
// TSan build (scripts/sanitize.sh tsan) checks these meeting points for races. In any build
// it checks the outcome: every table copied and validated equal, a canceled copy rerun.

#include "engine/engine.h"
#include "support/testsupport.h"
#include "tasks/targettable.h"
#include "tasks/taskexecutor.h"

#include <QTemporaryDir>
#include <atomic>
#include <gtest/gtest.h>
#include <mutex>
#include <thread>

using namespace cockpit;
using namespace cockpit::test;

namespace {

constexpr int kTables = 3;
constexpr int kRows = 30000;

QString tableName(int i) { return QStringLiteral("T%1").arg(i); }

void writeSource(const QString &path)
{
    for (int i = 0; i < kTables; ++i)
        execSqlite(path, QStringLiteral("CREATE TABLE %1 (id INTEGER PRIMARY KEY, qty INTEGER, name TEXT, price REAL);"
                                        "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < %2) "
                                        "INSERT INTO %1 SELECT k, k * %3, 'row ' || k, k / 7.0 FROM n;")
                             .arg(tableName(i))
                             .arg(kRows)
                             .arg(i + 1));
}

class TaskThreads : public ::testing::TestWithParam<ValidationMode> {
protected:
    QTemporaryDir dir;
    std::mutex logMutex;
    QStringList log; // every task's lines, from every thread

    // The context of `kind` on table `i`, as the scheduler fills it.
    TaskContext context(const Plan &plan, const TableSchema &table, const TableSchema &target, TaskKind kind, TaskControl *control)
    {
        TaskContext ctx;
        ctx.table = table;
        ctx.targetTable = target;
        ctx.source = plan.source;
        ctx.target = plan.target;
        ctx.runId = QStringLiteral("run-threads");
        ctx.control = control;
        ctx.log = [this](LogLevel level, const QString &message) {
            std::lock_guard lock(logMutex);
            log << toString(level) + QStringLiteral(": ") + message;
        };
        ctx.spec.kind = kind;
        ctx.spec.table = table.name;
        ctx.spec.name = toString(kind) + u':' + table.name;
        ctx.spec.keyLo = 1;
        ctx.spec.keyHi = kRows;
        ctx.spec.estimatedRows = kRows;
        switch (kind) {
        case TaskKind::Prepare: ctx.kindInputs = PrepareInputs{}; break;
        case TaskKind::Copy: {
            CopyInputs copy;
            copy.batchSize = 1000; // many batches, many checkpoints
            copy.rejectsDir = plan.rejectsDirectory();
            copy.validation = GetParam();
            ctx.kindInputs = copy;
            break;
        }
        case TaskKind::Validate:
            ctx.kindInputs = ValidateInputs{GetParam(), plan.rejectsDirectory(), IndexBuilds::Threads};
            ctx.spec.dependsOn = {QStringLiteral("copy:") + table.name}; // streamed validation sums its copies' checkpoints
            break;
        default: ADD_FAILURE() << "no inputs for " << qPrintable(toString(kind));
        }
        return ctx;
    }
};

} // namespace

TEST_P(TaskThreads, ParallelCopiesAndValidationsIntoOneSqliteFileMeetOnlyThroughTheirLocks)
{
    const QString source = dir.filePath(QStringLiteral("source.db")), target = dir.filePath(QStringLiteral("target.db"));
    writeSource(source);
    const Plan plan = Plan::fromUrls(*ConnectionUrl::parse(QStringLiteral("sqlite:") + source, dir.path()),
                                     *ConnectionUrl::parse(QStringLiteral("sqlite:") + target, dir.path()),
                                     dir.filePath(QStringLiteral("state.db")));
    auto conn = DbConnection::open(plan.source, DbConnection::Mode::ReadOnly);
    ASSERT_TRUE(conn.ok());
    auto tables = Engine::create(EngineKind::SQLite)->introspect(**conn);
    ASSERT_TRUE(tables.ok());
    ASSERT_EQ(tables->size(), kTables);
    std::vector<TableSchema> targets;
    for (const TableSchema &t : *tables) {
        auto resolved = resolveTargetTable(plan, t);
        ASSERT_TRUE(resolved.ok()) << qPrintable(resolved.error().message);
        targets.push_back(resolved->schema);
    }

    // Runs `kind` on every table at once, each on its own thread, while this thread reads their
    // progress as the scheduler's tick does; `cancelFirst` cancels table 0's task once it moves.
    qint64 progressSeen = 0;
    auto runAll = [&](TaskKind kind, bool cancelFirst) {
        std::vector<TaskControl> controls(kTables);
        std::vector<TaskOutcome> outcomes(kTables);
        std::atomic<int> running{kTables};
        std::vector<std::thread> threads;
        for (int i = 0; i < kTables; ++i)
            threads.emplace_back([&, i] {
                outcomes[size_t(i)] = executeTask(context(plan, (*tables)[i], targets[size_t(i)], kind, &controls[size_t(i)]));
                --running;
            });
        bool canceled = false;
        while (running > 0) {
            qint64 seen = 0;
            for (const TaskControl &c : controls)
                seen += c.rowsDone;
            progressSeen = std::max(progressSeen, seen);
            if (cancelFirst && !canceled && controls[0].rowsDone > 0) {
                controls[0].requestStop(StopRequest::Cancel);
                canceled = true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        for (auto &t : threads)
            t.join();
        return outcomes;
    };

    for (int i = 0; i < kTables; ++i) {
        TaskControl control;
        const TaskOutcome prepared = executeTask(context(plan, (*tables)[i], targets[size_t(i)], TaskKind::Prepare, &control));
        ASSERT_EQ(prepared.kind, TaskOutcome::Ended) << qPrintable(prepared.message);
    }
    const std::vector<TaskOutcome> first = runAll(TaskKind::Copy, true);
    EXPECT_GT(progressSeen, 0); // the tick saw rows move
    // Table 0's copy was canceled unless it ended first; the others ended.
    EXPECT_TRUE(first[0].kind == TaskOutcome::Canceled || first[0].kind == TaskOutcome::Ended) << qPrintable(first[0].message);
    for (int i = 1; i < kTables; ++i)
        EXPECT_EQ(first[size_t(i)].kind, TaskOutcome::Ended) << qPrintable(first[size_t(i)].message);
    if (first[0].kind == TaskOutcome::Canceled) { // rerun: on from what its target committed
        TaskControl control;
        TaskContext again = context(plan, (*tables)[0], targets[0], TaskKind::Copy, &control);
        const TaskOutcome rerun = executeTask(again);
        ASSERT_EQ(rerun.kind, TaskOutcome::Ended) << qPrintable(rerun.message);
    }
    for (int i = 0; i < kTables; ++i)
        EXPECT_EQ(queryInt(target, QStringLiteral("SELECT count(*) FROM %1").arg(tableName(i))), kRows);

    const std::vector<TaskOutcome> validated = runAll(TaskKind::Validate, false);
    for (int i = 0; i < kTables; ++i)
        EXPECT_EQ(validated[size_t(i)].kind, TaskOutcome::Ended) << tableName(i).toStdString() << ": " << qPrintable(validated[size_t(i)].message);
    EXPECT_EQ(tableDifferences(source, target), QStringList());
    std::lock_guard lock(logMutex);
    EXPECT_FALSE(log.isEmpty());
}

INSTANTIATE_TEST_SUITE_P(Validation, TaskThreads, ::testing::Values(ValidationMode::Streamed, ValidationMode::Full),
                         [](const ::testing::TestParamInfo<ValidationMode> &info) {
                             return info.param == ValidationMode::Streamed ? std::string("Streamed") : std::string("Full");
                         });
