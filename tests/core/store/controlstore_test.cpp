// The control store's contract, the same cases against both implementations: an SQLite file
// and a schema on the test PostgreSQL server (COCKPIT_TEST_PG_URL; skipped only when unset).
// The store's tables are inspected and altered with SQL of their own (sqlite3, a QPSQL session),
// not through the code under test.

#include "store/controlstore.h"
#include "store/postgrescontrolstore.h"
#include "store/sqlcontrolstore.h"
#include "support/testsupport.h"

#include <QCoreApplication>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>
#include <gtest/gtest.h>
#include <atomic>
#include <thread>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// The error of a failed Status/Result, for the failure message.
template <typename R>
std::string why(const R &r)
{
    return r.ok() ? std::string() : r.error().message.toStdString();
}
#define ASSERT_OK(expr)                                                                                               \
    do {                                                                                                              \
        const auto &result_ = (expr);                                                                                 \
        ASSERT_TRUE(result_.ok()) << why(result_);                                                                    \
    } while (0)

struct SqliteBackend {
    static constexpr bool kPostgres = false;
    QTemporaryDir dir;
    bool available() const { return true; }
    QString location() const { return dir.filePath(QStringLiteral("run.state.db")); }
    QString exec(const QString &sql)
    {
        try {
            execSqlite(location(), sql);
            return {};
        } catch (const std::exception &e) {
            return QString::fromStdString(e.what());
        }
    }
};

struct PostgresBackend {
    static constexpr bool kPostgres = true;
    PgScratchSchema pg; // dropped, with the store's tables, at the end of the test
    bool available() const { return !pg.url().isEmpty(); }
    QString location() const { return pg.url(); }
    QString exec(const QString &sql) { return pg.exec(sql); }
};

template <typename Backend>
class ControlStoreTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (!backend.available())
            GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)";
    }

    std::unique_ptr<ControlStore> open()
    {
        auto s = ControlStore::open(backend.location());
        EXPECT_TRUE(s.ok()) << (s.ok() ? std::string() : s.error().message.toStdString());
        return s.ok() ? std::move(*s) : nullptr;
    }

    static TaskSpec spec(const QString &name, int ordinal)
    {
        TaskSpec s;
        s.name = name;
        s.ordinal = ordinal;
        s.kind = TaskKind::Copy;
        s.table = QStringLiteral("CUSTTABLE");
        s.group = QStringLiteral("default");
        s.keyLo = 1;
        s.keyHi = 5'000'000'000LL; // beyond 32 bits
        s.estimatedRows = 1234;
        s.priority = 3;
        return s;
    }

    Backend backend;
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
class BackendNames {
public:
    template <typename T>
    static std::string GetName(int) { return T::kPostgres ? "Postgres" : "Sqlite"; }
};
TYPED_TEST_SUITE(ControlStoreTest, Backends, BackendNames);

TYPED_TEST(ControlStoreTest, CreatesAndLoadsTasksWithEveryField)
{
    auto store = this->open();
    ASSERT_TRUE(store);
    EXPECT_FALSE(*store->hasTasks());
    TaskSpec a = this->spec(QStringLiteral("copy:CUSTTABLE#1"), 1);
    a.keyAfter = QString();                 // "" is a key like any other
    a.keyThrough = QStringLiteral("M'x\"");
    a.sampledRange = true;
    TaskSpec b = this->spec(QStringLiteral("index:CUSTTABLE"), 2);
    b.kind = TaskKind::Index;
    b.dependsOn = {a.name, QStringLiteral("prepare:CUSTTABLE")};
    ASSERT_OK(store->createTasks({a, b}));
    EXPECT_TRUE(*store->hasTasks());

    auto rows = store->loadTasks();
    ASSERT_TRUE(rows.ok()) << rows.error().message.toStdString();
    ASSERT_EQ(rows->size(), 2);
    const auto &[la, sa] = (*rows)[0];
    EXPECT_EQ(la.name, a.name);
    EXPECT_EQ(la.kind, TaskKind::Copy);
    EXPECT_EQ(la.keyHi, 5'000'000'000LL);
    EXPECT_EQ(la.priority, 3);
    EXPECT_TRUE(la.sampledRange);
    ASSERT_TRUE(la.keyAfter.has_value());
    EXPECT_EQ(*la.keyAfter, QString());
    EXPECT_EQ(la.keyThrough.value_or(QStringLiteral("unset")), QStringLiteral("M'x\""));
    EXPECT_EQ(sa.state, TaskState::Waiting);
    EXPECT_EQ(sa.rowsTotal, 1234);
    const auto &lb = (*rows)[1].first;
    EXPECT_EQ(lb.kind, TaskKind::Index);
    EXPECT_EQ(lb.dependsOn, b.dependsOn);
    EXPECT_FALSE(lb.keyAfter.has_value());
    EXPECT_FALSE(lb.keyThrough.has_value());

    ASSERT_OK(store->setMeta(QStringLiteral("run_id"), QStringLiteral("r1")));
    ASSERT_OK(store->setMeta(QStringLiteral("run_id"), QStringLiteral("r2"))); // replaced
    EXPECT_EQ(*store->meta(QStringLiteral("run_id")), QStringLiteral("r2"));
    EXPECT_EQ(*store->meta(QStringLiteral("nothing")), QString());
}

TYPED_TEST(ControlStoreTest, SavesAStatusAndItsEventInOneTransaction)
{
    auto store = this->open();
    ASSERT_TRUE(store);
    const QString name = QStringLiteral("copy:CUSTTABLE#1");
    ASSERT_OK(store->createTasks({this->spec(name, 1)}));

    TaskStatus st;
    st.state = TaskState::Executing;
    st.attempts = 1;
    st.startedAt = QDateTime::currentDateTimeUtc();
    st.seconds = 0.25;
    ASSERT_OK(store->saveStatus(name, st, TaskState::Waiting, QStringLiteral("started")));
    st.message = QStringLiteral("batch 1");
    ASSERT_OK(store->saveStatus(name, st, TaskState::Executing, QStringLiteral("no event"))); // same state
    auto events = store->events(name);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 1);
    EXPECT_EQ((*events)[0].fromState, QStringLiteral("Waiting"));
    EXPECT_EQ((*events)[0].toState, QStringLiteral("Executing"));
    EXPECT_EQ((*events)[0].message, QStringLiteral("started"));

    // The event cannot be written: the status is not saved either.
    ASSERT_EQ(this->backend.exec(QStringLiteral("DROP TABLE event")), QString());
    TaskStatus ended = st;
    ended.state = TaskState::Ended;
    ended.endedAt = QDateTime::currentDateTimeUtc();
    EXPECT_FALSE(store->saveStatus(name, ended, TaskState::Executing, QStringLiteral("ended")).ok());
    auto rows = store->loadTasks();
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].second.state, TaskState::Executing);
    EXPECT_EQ((*rows)[0].second.message, QStringLiteral("batch 1"));
    EXPECT_FALSE((*rows)[0].second.endedAt.isValid());
    EXPECT_TRUE((*rows)[0].second.startedAt.isValid());
}

TYPED_TEST(ControlStoreTest, SavesProgressPriorityLogAndEvents)
{
    auto store = this->open();
    ASSERT_TRUE(store);
    const QString a = QStringLiteral("copy:A"), b = QStringLiteral("copy:B");
    ASSERT_OK(store->createTasks({this->spec(a, 1), this->spec(b, 2)}));
    TaskStatus pa, pb;
    pa.rowsDone = 6'000'000'000LL;
    pa.checkpoint = 42;
    pa.hasCheckpoint = true;
    pa.seconds = 1.5;
    pb.rowsDone = 7;
    pb.message = QStringLiteral("going");
    ASSERT_OK(store->saveProgress({{a, pa}, {b, pb}}));
    auto rows = store->loadTasks();
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].second.rowsDone, 6'000'000'000LL);
    EXPECT_EQ((*rows)[0].second.checkpoint, 42);
    EXPECT_TRUE((*rows)[0].second.hasCheckpoint);
    EXPECT_DOUBLE_EQ((*rows)[0].second.seconds, 1.5);
    EXPECT_EQ((*rows)[1].second.message, QStringLiteral("going"));

    ASSERT_OK(store->setPriority(b, -4, QStringLiteral("priority -4 by admin")));
    ASSERT_OK(store->recordEvent(QStringLiteral("group default"), QStringLiteral("worker removed")));
    rows = store->loadTasks();
    EXPECT_EQ((*rows)[1].first.priority, -4);
    auto all = store->events();
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 2);
    EXPECT_EQ((*all)[0].task, b);
    EXPECT_EQ((*all)[0].fromState, QString());
    EXPECT_EQ((*all)[1].message, QStringLiteral("worker removed"));

    for (int i = 0; i < 5; ++i)
        ASSERT_OK(store->appendLog(i % 2 ? a : QString(), LogLevel::Warn, QStringLiteral("line %1").arg(i)));
    auto last = store->log(QString(), 3);
    ASSERT_TRUE(last.ok()) << last.error().message.toStdString();
    ASSERT_EQ(last->size(), 3);
    EXPECT_EQ((*last)[0].message, QStringLiteral("line 2")); // the newest 3, oldest first
    EXPECT_EQ((*last)[2].message, QStringLiteral("line 4"));
    EXPECT_EQ((*last)[2].level, LogLevel::Warn);
    auto ofA = store->log(a, 10);
    ASSERT_TRUE(ofA.ok());
    ASSERT_EQ(ofA->size(), 2);
    EXPECT_EQ((*ofA)[1].message, QStringLiteral("line 3"));
}

TYPED_TEST(ControlStoreTest, CommandsRoundTripBetweenTwoStores)
{
    auto poster = this->open();
    auto runner = this->open();
    ASSERT_TRUE(poster && runner);
    auto pause = poster->postCommand(TaskAction::Pause, QStringLiteral("copy:*"), true);
    auto group = poster->postGroupCommand(GroupAction::SetThreads, QStringLiteral("big"), 7);
    auto priority = poster->postPriorityCommand(QStringLiteral("copy:A"), -2);
    ASSERT_TRUE(pause.ok() && group.ok() && priority.ok());
    EXPECT_LT(*pause, *group);
    EXPECT_LT(*group, *priority);

    auto pending = runner->pendingCommands();
    ASSERT_TRUE(pending.ok()) << pending.error().message.toStdString();
    ASSERT_EQ(pending->size(), 3);
    EXPECT_EQ((*pending)[0].id, *pause);
    EXPECT_EQ((*pending)[0].action, TaskAction::Pause);
    EXPECT_EQ((*pending)[0].task, QStringLiteral("copy:*"));
    EXPECT_TRUE((*pending)[0].withDependents);
    EXPECT_EQ((*pending)[1].groupAction, GroupAction::SetThreads);
    EXPECT_EQ((*pending)[1].threads, 7);
    EXPECT_EQ((*pending)[2].priority, -2);

    ASSERT_OK(runner->finishCommand(*pause, true, QStringLiteral("paused 3")));
    auto outcome = poster->commandOutcome(*pause);
    ASSERT_TRUE(outcome.ok());
    EXPECT_TRUE(outcome->done);
    EXPECT_TRUE(outcome->ok);
    EXPECT_EQ(outcome->result, QStringLiteral("paused 3"));
    EXPECT_FALSE(poster->commandOutcome(*group)->done);
    EXPECT_EQ(runner->pendingCommands()->size(), 2);
    EXPECT_FALSE(poster->commandOutcome(*priority + 1000).ok());
}

TYPED_TEST(ControlStoreTest, OwnerLeaseRefusesASecondClaimUntilTheFirstStoreIsGone)
{
    auto first = this->open();
    auto second = this->open();
    ASSERT_TRUE(first && second);
    EXPECT_FALSE(ControlStore::ownerAlive(*second->owner(), 5.0));
    ASSERT_TRUE(*first->claim(QStringLiteral("first"), 5.0));
    EXPECT_TRUE(*first->claim(QStringLiteral("first"), 5.0)); // claiming again: still ours

    EXPECT_FALSE(*second->claim(QStringLiteral("second"), 5.0));
    auto o = second->owner();
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->app, QStringLiteral("first"));
    EXPECT_EQ(o->pid, QCoreApplication::applicationPid());
    EXPECT_EQ(o->host, QSysInfo::machineHostName());
    EXPECT_LT(o->heartbeatAge, 5.0);
    EXPECT_TRUE(ControlStore::ownerAlive(*o, 5.0));
    ASSERT_OK(first->heartbeat());

    first.reset(); // the lock goes with the store (its file descriptor, its session)
    ASSERT_TRUE(*second->claim(QStringLiteral("second"), 5.0));
    EXPECT_EQ(second->owner()->app, QStringLiteral("second"));

    // A release hands the run over at once.
    auto third = this->open();
    ASSERT_TRUE(third);
    EXPECT_FALSE(*third->claim(QStringLiteral("third"), 5.0));
    ASSERT_OK(second->release());
    EXPECT_EQ(third->owner()->pid, 0);
    EXPECT_TRUE(*third->claim(QStringLiteral("third"), 5.0));
}

TYPED_TEST(ControlStoreTest, RefusesASchemaVersionNewerThanItReads)
{
    ASSERT_TRUE(this->open());
    ASSERT_EQ(this->backend.exec(QStringLiteral("UPDATE meta SET value = '%1' WHERE key = 'schema_version'")
                                     .arg(SqlControlStore::kSchemaVersion + 1)),
              QString());
    auto s = ControlStore::open(this->backend.location());
    ASSERT_FALSE(s.ok());
    const QString message = s.error().message;
    EXPECT_TRUE(message.contains(QStringLiteral("schema version %1").arg(SqlControlStore::kSchemaVersion + 1)))
        << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("this build reads %1").arg(SqlControlStore::kSchemaVersion)))
        << message.toStdString();
}

TYPED_TEST(ControlStoreTest, MigratesAnOlderSchemaVersion)
{
    ASSERT_TRUE(this->open());
    // A version-1 store: without the columns version 2 added.
    for (const char *drop : {"ALTER TABLE task DROP COLUMN key_through", "ALTER TABLE task DROP COLUMN sampled_range",
                             "ALTER TABLE command DROP COLUMN priority",
                             "UPDATE meta SET value = '1' WHERE key = 'schema_version'"})
        ASSERT_EQ(this->backend.exec(QString::fromLatin1(drop)), QString()) << drop;
    auto store = this->open();
    ASSERT_TRUE(store);
    EXPECT_EQ(*store->meta(QStringLiteral("schema_version")), QString::number(SqlControlStore::kSchemaVersion));
    TaskSpec t = this->spec(QStringLiteral("copy:A#1"), 1);
    t.keyThrough = QStringLiteral("K");
    t.sampledRange = true;
    ASSERT_OK(store->createTasks({t}));
    auto rows = store->loadTasks();
    ASSERT_TRUE(rows.ok()) << rows.error().message.toStdString();
    EXPECT_EQ((*rows)[0].first.keyThrough.value_or(QString()), QStringLiteral("K"));
    EXPECT_TRUE((*rows)[0].first.sampledRange);
    auto id = store->postPriorityCommand(QStringLiteral("copy:A#1"), 9);
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(store->pendingCommands()->value(0).priority, 9);
}

TYPED_TEST(ControlStoreTest, MigratesAVersionTwoStoreToTheSharedRunsLeases)
{
    ASSERT_TRUE(this->open());
    for (const char *drop : {"ALTER TABLE task DROP COLUMN lease_owner", "ALTER TABLE task DROP COLUMN lease_epoch",
                             "ALTER TABLE task DROP COLUMN lease_until", "ALTER TABLE task DROP COLUMN not_before",
                             "ALTER TABLE task DROP COLUMN stop_request", "DROP TABLE worker",
                             "ALTER TABLE command DROP COLUMN worker",
                             "UPDATE meta SET value = '2' WHERE key = 'schema_version'"})
        ASSERT_EQ(this->backend.exec(QString::fromLatin1(drop)), QString()) << drop;
    auto store = this->open();
    ASSERT_TRUE(store);
    EXPECT_EQ(*store->meta(QStringLiteral("schema_version")), QString::number(SqlControlStore::kSchemaVersion));
    ASSERT_OK(store->createTasks({this->spec(QStringLiteral("copy:A#1"), 1)}));
    auto lease = store->claimTask({QStringLiteral("copy:A#1")}, QStringLiteral("w1"), 30);
    ASSERT_TRUE(lease.ok()) << why(lease);
    ASSERT_TRUE(lease->has_value());
    EXPECT_GT((*lease)->epoch, 0);
    ASSERT_OK(store->renewLeases({QStringLiteral("w1"), QStringLiteral("h"), 1, 2, {QStringLiteral("default")}, {}, 0}, 30, {}));
    EXPECT_EQ(store->workers()->size(), 1);
    // Version 4: a group command may name the one worker it is for.
    ASSERT_TRUE(store->postGroupCommand(GroupAction::RemoveWorker, QStringLiteral("copy"), 0, QStringLiteral("w1")).ok());
    EXPECT_EQ(store->pendingCommands()->value(0).worker, QStringLiteral("w1"));
}

TYPED_TEST(ControlStoreTest, LeasesAreClaimedOnceRenewedExpiredAndFenceTheirWrites)
{
    auto w1 = this->open();
    auto w2 = this->open();
    ASSERT_TRUE(w1 && w2);
    const QString a = QStringLiteral("copy:A#1"), b = QStringLiteral("copy:B \"x\", {y}#1");
    ASSERT_OK(w1->createTasks({this->spec(a, 1), this->spec(b, 2)}));

    // Claims in the order given; a task goes to one worker only.
    auto l1 = w1->claimTask({a, b}, QStringLiteral("w1"), 30);
    ASSERT_TRUE(l1.ok()) << why(l1);
    ASSERT_TRUE(l1->has_value());
    EXPECT_EQ((*l1)->task, a);
    // Epochs rise with every claim and pass the store clock's milliseconds (a new run's are
    // above an earlier run's on the same target).
    EXPECT_GT((*l1)->epoch, 1'700'000'000'000LL);
    auto l2 = w2->claimTask({a, b}, QStringLiteral("w2"), 30);
    ASSERT_TRUE(l2.ok() && l2->has_value()) << why(l2);
    EXPECT_EQ((*l2)->task, b);
    EXPECT_FALSE(w2->claimTask({a, b}, QStringLiteral("w2"), 30)->has_value());
    auto rows = w2->loadTasks();
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].second.state, TaskState::Ready);
    EXPECT_EQ((*rows)[0].second.worker, QStringLiteral("w1"));
    EXPECT_EQ((*rows)[1].second.worker, QStringLiteral("w2"));

    // Only the holder writes the task's state.
    TaskStatus executing;
    executing.state = TaskState::Executing;
    executing.attempts = 1;
    EXPECT_FALSE(*w2->saveStatusIf(a, executing, TaskState::Ready, QStringLiteral("attempt 1"), &**l2, false));
    TaskLease stale = **l1;
    stale.epoch -= 1;
    EXPECT_FALSE(*w1->saveStatusIf(a, executing, TaskState::Ready, QStringLiteral("attempt 1"), &stale, false));
    EXPECT_TRUE(*w1->saveStatusIf(a, executing, TaskState::Ready, QStringLiteral("attempt 1"), &**l1, false));

    // A heartbeat prolongs the lease, writes the progress and says what the worker holds.
    TaskStatus progress = executing;
    progress.rowsDone = 500;
    progress.checkpoint = 500;
    progress.hasCheckpoint = true;
    const WorkerInfo self1{QStringLiteral("w1"), QStringLiteral("host1"), 11, 2, {QStringLiteral("default")}, {a}, 0};
    auto held = w1->renewLeases(self1, 30, {{**l1, progress}});
    ASSERT_TRUE(held.ok()) << why(held);
    ASSERT_EQ(held->size(), 1);
    EXPECT_EQ((*held)[0].task, a);
    EXPECT_EQ((*held)[0].epoch, (*l1)->epoch);
    EXPECT_FALSE((*held)[0].stopRequest.has_value());
    EXPECT_EQ((*w2->loadTasks())[0].second.rowsDone, 500);
    EXPECT_TRUE(w2->expireLeases()->isEmpty());

    // An administrator's pause of a held task goes to its worker.
    EXPECT_EQ(*w2->requestStop(b, TaskAction::Pause), QStringLiteral("w2"));
    auto held2 = w2->renewLeases({QStringLiteral("w2"), QStringLiteral("host2"), 22, 1, {}, {b}, 0}, 30, {});
    ASSERT_TRUE(held2.ok() && held2->size() == 1) << why(held2);
    EXPECT_EQ((*held2)[0].stopRequest, std::optional<TaskAction>(TaskAction::Pause));
    auto workers = w2->workers();
    ASSERT_TRUE(workers.ok());
    ASSERT_EQ(workers->size(), 2);
    EXPECT_EQ((*workers)[0].host, QStringLiteral("host1"));
    EXPECT_EQ((*workers)[0].executing, QStringList{a});
    EXPECT_LT((*workers)[0].heartbeatAge, 5.0);

    // w1 stops beating: once its lease has run out, another process hands the task back, and
    // w1 can write nothing more; w2 takes it over under a higher epoch.
    ASSERT_EQ(this->backend.exec(QStringLiteral("UPDATE task SET lease_until = lease_until - 60 WHERE name = 'copy:A#1'")), QString());
    auto expired = w2->expireLeases();
    ASSERT_TRUE(expired.ok()) << why(expired);
    ASSERT_EQ(expired->size(), 1);
    EXPECT_EQ((*expired)[0].task, a);
    EXPECT_EQ((*expired)[0].worker, QStringLiteral("w1"));
    EXPECT_EQ((*expired)[0].was, TaskState::Executing);
    const auto events = *w2->events(a);
    ASSERT_FALSE(events.isEmpty());
    EXPECT_EQ(events.last().toState, QStringLiteral("Waiting"));
    EXPECT_TRUE(events.last().message.contains(QLatin1String("worker w1 lost its lease"))) << qPrintable(events.last().message);
    TaskStatus ended = progress;
    ended.state = TaskState::Ended;
    EXPECT_FALSE(*w1->saveStatusIf(a, ended, TaskState::Executing, QStringLiteral("done"), &**l1, true));
    EXPECT_TRUE(w1->renewLeases(self1, 30, {{**l1, progress}})->isEmpty());
    auto again = w2->claimTask({a}, QStringLiteral("w2"), 30);
    ASSERT_TRUE(again.ok() && again->has_value());
    EXPECT_GT((*again)->epoch, (*l1)->epoch);
    EXPECT_EQ((*w2->loadTasks())[0].second.rowsDone, 500); // the progress w1 wrote before it lost it

    // A retry's delay: released with a not-before time, nobody claims it before then.
    TaskStatus waiting = progress;
    waiting.state = TaskState::Waiting;
    EXPECT_TRUE(*w2->saveStatusIf(a, waiting, TaskState::Ready, QStringLiteral("retry"), &**again, true, 60));
    EXPECT_FALSE(w1->claimTask({a}, QStringLiteral("w1"), 30)->has_value());
    // Without a lease, a write needs the task unleased and still in the state it was read in.
    TaskStatus paused = waiting;
    paused.state = TaskState::Paused;
    EXPECT_FALSE(*w1->saveStatusIf(a, paused, TaskState::Error, QStringLiteral("pause"), nullptr, false));
    EXPECT_TRUE(*w1->saveStatusIf(a, paused, TaskState::Waiting, QStringLiteral("pause"), nullptr, false));
    EXPECT_FALSE(*w1->saveStatusIf(b, paused, TaskState::Ready, QStringLiteral("pause"), nullptr, false)); // w2 holds it
    ASSERT_OK(w1->removeWorker(QStringLiteral("w1")));
    EXPECT_EQ(w1->workers()->size(), 1);
}

// A claim re-checks the dependencies in the store: a task chosen on a view read before its
// dependency was rerun is not claimed until that dependency has Ended again.
TYPED_TEST(ControlStoreTest, ATaskIsClaimedOnlyOnceItsDependenciesHaveEnded)
{
    auto store = this->open();
    ASSERT_TRUE(store);
    TaskSpec prepare = this->spec(QStringLiteral("prepare:A"), 1), other = this->spec(QStringLiteral("prepare:B"), 2);
    TaskSpec copy = this->spec(QStringLiteral("copy:A"), 3);
    copy.dependsOn = {prepare.name, other.name};
    ASSERT_OK(store->createTasks({prepare, other, copy}));
    TaskStatus ended;
    ended.state = TaskState::Ended;
    ASSERT_OK(store->saveStatus(prepare.name, ended, TaskState::Waiting, QStringLiteral("ended")));
    EXPECT_FALSE(store->claimTask({copy.name}, QStringLiteral("w1"), 30)->has_value()); // prepare:B is Waiting
    ASSERT_OK(store->saveStatus(other.name, ended, TaskState::Waiting, QStringLiteral("ended")));
    auto claimed = store->claimTask({copy.name}, QStringLiteral("w1"), 30);
    ASSERT_TRUE(claimed.ok() && claimed->has_value()) << why(claimed);
    EXPECT_EQ((*claimed)->task, copy.name);
}

TYPED_TEST(ControlStoreTest, WorkersClaimingAtOnceTakeEachTaskOnce)
{
    {
        auto store = this->open();
        ASSERT_TRUE(store);
        QVector<TaskSpec> specs;
        for (int i = 0; i < 60; ++i)
            specs << this->spec(QStringLiteral("copy:T#%1").arg(i), i);
        ASSERT_OK(store->createTasks(specs));
    }
    QStringList all;
    for (int i = 0; i < 60; ++i)
        all << QStringLiteral("copy:T#%1").arg(i);
    std::vector<QStringList> got(3);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < 3; ++w)
        threads.emplace_back([&, w] {
            auto s = ControlStore::open(this->backend.location());
            if (!s) {
                ++failures;
                return;
            }
            for (;;) {
                auto l = (*s)->claimTask(all, QStringLiteral("w%1").arg(w), 30);
                if (!l) {
                    ++failures;
                    return;
                }
                if (!l->has_value())
                    return;
                got[size_t(w)] << (*l)->task;
            }
        });
    for (auto &t : threads)
        t.join();
    EXPECT_EQ(failures, 0);
    QStringList claimed = got[0] + got[1] + got[2];
    claimed.sort();
    QStringList expected = all;
    expected.sort();
    EXPECT_EQ(claimed, expected); // every task once, none twice
}

TYPED_TEST(ControlStoreTest, AMissingStoreIsNotCreatedWhenOnlyAnExistingOneWillDo)
{
    auto s = ControlStore::open(this->backend.location(), ControlStore::IfMissing::Fail);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(s.error().message.startsWith(QStringLiteral("no run state at "))) << s.error().message.toStdString();
    ASSERT_TRUE(this->open());
    EXPECT_TRUE(ControlStore::open(this->backend.location(), ControlStore::IfMissing::Fail).ok());
}

// --- PostgreSQL only: what only a server store does ---

class PostgresControlStoreTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (pg.url().isEmpty())
            GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)";
    }
    PgScratchSchema pg;
};

TEST_F(PostgresControlStoreTest, TheLeaseIsFreedWhenTheOwnersSessionIsKilled)
{
    auto first = ControlStore::open(pg.url());
    auto second = ControlStore::open(pg.url());
    ASSERT_TRUE(first.ok() && second.ok());
    ASSERT_TRUE(*(*first)->claim(QStringLiteral("first"), 5.0));
    EXPECT_FALSE(*(*second)->claim(QStringLiteral("second"), 5.0));
    const qint64 session = dynamic_cast<PostgresControlStore &>(**first).sessionId();
    ASSERT_GT(session, 0);
    EXPECT_EQ(pg.value(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(session)), QStringLiteral("true"));
    // The server drops the lock once the backend has exited (a moment after the signal).
    bool claimed = false;
    for (int i = 0; i < 100 && !claimed; ++i) {
        auto c = (*second)->claim(QStringLiteral("second"), 5.0);
        ASSERT_TRUE(c.ok()) << c.error().message.toStdString();
        claimed = *c;
        if (!claimed)
            QThread::msleep(50);
    }
    EXPECT_TRUE(claimed);
    EXPECT_FALSE((*first)->heartbeat().ok()); // the killed owner learns it at its next write
    // Its new session cannot take the lock back: the run is the second's now, and it says so.
    const Status again = (*first)->heartbeat();
    ASSERT_FALSE(again.ok());
    EXPECT_TRUE(again.error().message.contains(QStringLiteral("another process owns the run now"))) << again.error().message.toStdString();
    EXPECT_FALSE(*(*first)->claim(QStringLiteral("first"), 5.0));
}

// A session the server ended (a restart, a network cut) fails the statement that meets it;
// the next one runs on a new session, which holds the owner's lock again and listens again,
// and the listener is told once for what it may have missed.
TEST_F(PostgresControlStoreTest, ALostSessionIsReplacedWithItsLeaseAndItsListener)
{
    auto store = ControlStore::open(pg.url());
    auto writer = ControlStore::open(pg.url());
    auto other = ControlStore::open(pg.url());
    ASSERT_TRUE(store.ok() && writer.ok() && other.ok());
    ASSERT_TRUE(*(*store)->claim(QStringLiteral("owner"), 5.0));
    int heard = 0;
    int told = 0;
    ASSERT_TRUE((*store)->listenForChanges([&](int changes) {
        ++heard;
        told |= changes;
    }));
    const qint64 session = dynamic_cast<PostgresControlStore &>(**store).sessionId();
    EXPECT_EQ(pg.value(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(session)), QStringLiteral("true"));
    ASSERT_TRUE(waitUntil([&] {
        return pg.value(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = %1").arg(session)) == QLatin1String("0");
    }, 5000));
    EXPECT_FALSE((*store)->meta(QStringLiteral("run_id")).ok()); // the statement that meets the lost session
    ASSERT_OK((*store)->setMeta(QStringLiteral("k"), QStringLiteral("v")));
    EXPECT_EQ(*(*store)->meta(QStringLiteral("k")), QStringLiteral("v"));
    EXPECT_NE(dynamic_cast<PostgresControlStore &>(**store).sessionId(), session);
    EXPECT_EQ(heard, 1); // told once, on the new session, that anything may have changed
    EXPECT_EQ(told, ControlStore::All);
    ASSERT_OK((*store)->heartbeat());
    EXPECT_FALSE(*(*other)->claim(QStringLiteral("other"), 5.0)); // the lock is held again
    ASSERT_OK((*writer)->setMeta(QStringLiteral("k"), QStringLiteral("w")));
    EXPECT_TRUE(waitUntil([&] { return heard >= 2; }, 5000)); // and it listens again
}

TEST_F(PostgresControlStoreTest, AListenerHearsTheOtherStoresChangesButNotItsOwn)
{
    auto listener = ControlStore::open(pg.url());
    auto writer = ControlStore::open(pg.url());
    ASSERT_TRUE(listener.ok() && writer.ok());
    int heard = 0;
    int last = 0; // what the last notification said changed
    ASSERT_TRUE((*listener)->listenForChanges([&](int changes) {
        ++heard;
        last = changes;
    }));
    // A command, a state change (with its event), a meta value: each is told, and what it was.
    ASSERT_TRUE((*writer)->postCommand(TaskAction::Pause, QStringLiteral("copy:*"), false).ok());
    EXPECT_TRUE(waitUntil([&] { return heard >= 1; }, 5000));
    EXPECT_EQ(last, ControlStore::Commands);
    TaskSpec copy;
    copy.name = QStringLiteral("copy:A");
    copy.table = QStringLiteral("A");
    ASSERT_OK((*writer)->createTasks({copy}));
    TaskStatus paused;
    paused.state = TaskState::Paused;
    ASSERT_OK((*writer)->saveStatus(QStringLiteral("copy:A"), paused, TaskState::Waiting, QStringLiteral("paused")));
    EXPECT_TRUE(waitUntil([&] { return heard >= 2; }, 5000));
    EXPECT_EQ(last, ControlStore::Tasks);
    ASSERT_OK((*writer)->setMeta(QStringLiteral("shared_run_started"), QStringLiteral("1")));
    EXPECT_TRUE(waitUntil([&] { return heard >= 3; }, 5000));
    EXPECT_EQ(last, ControlStore::Meta);
    // Its own writes it does not hear.
    const int before = heard;
    ASSERT_OK((*listener)->setMeta(QStringLiteral("shared_run_started"), QStringLiteral("0")));
    waitUntil([] { return false; }, 500);
    EXPECT_EQ(heard, before);
    // A store on a file cannot tell: its processes poll.
    QTemporaryDir dir;
    auto file = ControlStore::open(dir.filePath(QStringLiteral("state.db")));
    ASSERT_TRUE(file.ok());
    EXPECT_FALSE((*file)->listenForChanges([](int) {}));
}

TEST_F(PostgresControlStoreTest, TheOwnersLeaseShowsAsHeldWhateverItsHeartbeat)
{
    auto first = ControlStore::open(pg.url());
    auto reader = ControlStore::open(pg.url());
    ASSERT_TRUE(first.ok() && reader.ok());
    ASSERT_TRUE(*(*first)->claim(QStringLiteral("first"), 5.0));
    ASSERT_EQ(pg.exec(QStringLiteral("UPDATE owner SET heartbeat_at = 0")), QString()); // a long planning
    auto o = (*reader)->owner();
    ASSERT_TRUE(o.ok());
    EXPECT_GT(o->heartbeatAge, 1000);
    EXPECT_EQ(o->leaseHeld, std::optional<bool>(true));
    EXPECT_TRUE(ControlStore::ownerAlive(*o, 5.0));
    first->reset();
    o = (*reader)->owner(); // the row is left behind, the lock is not
    EXPECT_EQ(o->leaseHeld, std::optional<bool>(false));
    EXPECT_FALSE(ControlStore::ownerAlive(*o, 5.0));
}

TEST_F(PostgresControlStoreTest, ManyProcessesCanCreateANewStoreAtOnce)
{
    // A schema nobody made yet (pg's scratch schema only holds the name for the clean-up).
    const QString schema = pg.schema() + QStringLiteral("_new");
    const QString url = QString(pg.url()).replace(QStringLiteral("schema=") + pg.schema(), QStringLiteral("schema=") + schema);
    std::atomic<int> opened{0};
    std::vector<std::string> errors(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] {
            auto s = ControlStore::open(url);
            if (s.ok())
                ++opened;
            else
                errors[i] = s.error().message.toStdString();
        });
    for (auto &t : threads)
        t.join();
    pg.exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(schema));
    EXPECT_EQ(opened, 4) << errors[0] << errors[1] << errors[2] << errors[3];
}

TEST_F(PostgresControlStoreTest, TheDefaultSchemaIsCockpitState)
{
    auto s = ControlStore::open(qEnvironmentVariable("COCKPIT_TEST_PG_URL"), ControlStore::IfMissing::Fail);
    if (s.ok())
        EXPECT_TRUE((*s)->path().endsWith(QStringLiteral("?schema=cockpit_state")));
    else
        EXPECT_TRUE(s.error().message.contains(QStringLiteral("?schema=cockpit_state"))) << s.error().message.toStdString();
}

TEST_F(PostgresControlStoreTest, ASchemaHoldingSomethingElseIsRefused)
{
    ASSERT_EQ(pg.exec(QStringLiteral("CREATE TABLE customers (id int)")), QString());
    auto s = ControlStore::open(pg.url());
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(s.error().message.contains(QStringLiteral("holds tables that are no control store (customers)")))
        << s.error().message.toStdString();
    EXPECT_EQ(pg.value(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = '%1'").arg(pg.schema())),
              QStringLiteral("1")); // nothing created beside them
}

TEST_F(PostgresControlStoreTest, AnUnreachableServerOrAWrongPasswordIsSaidSo)
{
    auto unreachable = ControlStore::open(QStringLiteral("postgresql://cockpit@127.0.0.1:1/cockpit_test"));
    ASSERT_FALSE(unreachable.ok());
    EXPECT_TRUE(unreachable.error().message.startsWith(
        QStringLiteral("control store: cannot connect to postgresql://cockpit@127.0.0.1:1/cockpit_test?schema=cockpit_state")))
        << unreachable.error().message.toStdString();

    const QByteArray password = qgetenv("PGPASSWORD");
    qputenv("PGPASSWORD", "not-the-password");
    auto refused = ControlStore::open(pg.url());
    qputenv("PGPASSWORD", password);
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.error().message.contains(QStringLiteral("password authentication failed")))
        << refused.error().message.toStdString();
    EXPECT_FALSE(refused.error().message.contains(QStringLiteral("not-the-password")));
    EXPECT_FALSE(refused.error().message.contains(QStringLiteral("pg_catalog")));

    auto withPassword = ControlStore::open(QStringLiteral("postgresql://cockpit:secret@127.0.0.1/db"));
    ASSERT_FALSE(withPassword.ok());
    EXPECT_FALSE(withPassword.error().message.contains(QStringLiteral("secret")));
}

} // namespace
