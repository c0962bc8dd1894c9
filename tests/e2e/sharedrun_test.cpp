// A run shared through a PostgreSQL control store: a coordinator (run --threads 0) and three
// worker processes. One worker is killed with SIGKILL, another frozen with SIGSTOP past its
// lease, each in the middle of a copy. Their tasks go to the others once the lease has run
// out, resume from the target's checkpoint, and the target ends equal to the source.

#include "demo/demogenerator.h"
#include "e2e/clisupport.h"
#include "e2e/ownservers.h"
#include "support/testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <gtest/gtest.h>
#include <csignal>
#include <memory>
#include <vector>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// A copies-only demo into `targetUrl` whose copy lasts seconds: small batches, so a worker is
// seen holding a copy with committed rows.
QString writePlan(const QTemporaryDir &dir, const QString &targetUrl)
{
    auto plan = writeDemo(DemoOptions{dir.path(), 200000, 0.05});
    EXPECT_TRUE(plan.ok());
    plan->scriptsDir.clear(); // copies only: the target must equal the source
    plan->batchSize = 250;
    plan->tableOptions.clear();
    plan->target = *ConnectionUrl::parse(targetUrl, dir.path());
    QFile f(plan->filePath);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(plan->toJson());
    return plan->filePath;
}

std::unique_ptr<QProcess> start(const QStringList &args)
{
    auto p = std::make_unique<QProcess>();
    p->start(QStringLiteral(UPGRADECTL_PATH), args);
    EXPECT_TRUE(p->waitForStarted());
    return p;
}

std::string output(QProcess &p)
{
    return (p.readAllStandardOutput() + p.readAllStandardError()).toStdString();
}

// Keeps XDG_STATE_HOME (where upgradectl writes its logs) inside the test's directory.
class StateHome {
public:
    explicit StateHome(const QString &dir) : m_old(qgetenv("XDG_STATE_HOME"))
    {
        qputenv("XDG_STATE_HOME", QFile::encodeName(dir));
    }
    ~StateHome()
    {
        if (m_old.isNull())
            qunsetenv("XDG_STATE_HOME");
        else
            qputenv("XDG_STATE_HOME", m_old);
    }

private:
    QByteArray m_old;
};

struct SharedRun {
    PgScratchSchema target, state;
    // The store's own server, when the test restarts it (else the suite's, schema `state`).
    std::unique_ptr<OwnServer> storeServer;
    QString storeUrl() const
    {
        return storeServer ? storeServer->url() + QStringLiteral("?schema=s_shared") : state.url();
    }
    QString storeValue(const QString &sql)
    {
        return storeServer ? storeServer->value(QStringLiteral("SET search_path TO s_shared; ") + sql) : state.value(sql);
    }
    QTemporaryDir dir;
    std::unique_ptr<StateHome> home;
    QString plan, sourceDb;
    std::unique_ptr<QProcess> coordinator;
    std::vector<std::unique_ptr<QProcess>> workers; // w1, w2, w3
    QStringList names{QStringLiteral("w1"), QStringLiteral("w2"), QStringLiteral("w3")};

    void startWorkers()
    {
        for (const QString &name : names)
            workers.push_back(start({QStringLiteral("worker"), QStringLiteral("--state"), storeUrl(), QStringLiteral("--threads"),
                                     QStringLiteral("1"), QStringLiteral("--name"), name, QStringLiteral("--lease"),
                                     QStringLiteral("4"), QStringLiteral("--quiet")}));
    }

    // Starts the coordinator and, once it has started the run, three one-thread workers; or,
    // `workersFirst`, the workers before there is a run (they wait for it), then the coordinator.
    bool begin(bool workersFirst = false)
    {
        home = std::make_unique<StateHome>(dir.filePath(QStringLiteral("xdg")));
        plan = writePlan(dir, target.url());
        sourceDb = dir.filePath(QStringLiteral("source.db"));
        if (workersFirst) {
            startWorkers();
            for (size_t i = 0; i < workers.size(); ++i) {
                QByteArray said;
                const bool waiting = waitUntil([&] {
                    said += workers[i]->readAllStandardError();
                    return said.contains("waiting for the run at") || workers[i]->state() != QProcess::Running;
                }, 30000);
                EXPECT_TRUE(waiting && workers[i]->state() == QProcess::Running) << qPrintable(names[int(i)]) << ": " << said.toStdString();
                if (!waiting || workers[i]->state() != QProcess::Running)
                    return false;
            }
        }
        coordinator = start({QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--state"), storeUrl(),
                             QStringLiteral("--threads"), QStringLiteral("0"), QStringLiteral("--quiet"),
                             QStringLiteral("--override"), QStringLiteral("the test's own sessions")});
        const bool started = waitUntil([&] {
            return coordinator->state() != QProcess::Running
                   || storeValue(QStringLiteral("SELECT value FROM meta WHERE key = 'shared_run_started'")) == QLatin1String("1");
        }, 120000);
        EXPECT_TRUE(started);
        EXPECT_EQ(coordinator->state(), QProcess::Running) << coordinator->readAllStandardError().toStdString();
        if (!started || coordinator->state() != QProcess::Running)
            return false;
        if (workersFirst)
            return true;
        // The coordinator executes nothing.
        EXPECT_EQ(storeValue(QStringLiteral("SELECT count(*) FROM task WHERE state IN ('Ready', 'Executing')")), QStringLiteral("0"));
        startWorkers();
        return true;
    }

    // The index of a worker holding a copy with committed rows, and that copy's name; -1 if
    // none was seen within the time.
    std::pair<int, QString> workerInTheMiddleOfACopy()
    {
        QString held;
        waitUntil([&] {
            held = storeValue(QStringLiteral("SELECT lease_owner || '|' || name FROM task WHERE state = 'Executing'"
                                              " AND kind = 'copy' AND rows_done > 0 AND rows_done < rows_total"
                                              " ORDER BY rows_total - rows_done DESC LIMIT 1"));
            return held.contains(QLatin1Char('|')) || coordinator->state() != QProcess::Running;
        }, 120000);
        const int at = held.indexOf(QLatin1Char('|'));
        if (at < 0)
            return {-1, {}};
        return {int(names.indexOf(held.left(at))), held.mid(at + 1)};
    }

    // Waits for the coordinator and the workers that are still running; all must end with 0.
    void finish(int skip)
    {
        ASSERT_TRUE(coordinator->waitForFinished(300000));
        EXPECT_EQ(coordinator->exitCode(), 0) << output(*coordinator);
        for (int i = 0; i < int(workers.size()); ++i) {
            if (i == skip)
                continue;
            ASSERT_TRUE(workers[size_t(i)]->waitForFinished(60000)) << qPrintable(names[i]);
            EXPECT_EQ(workers[size_t(i)]->exitCode(), 0) << qPrintable(names[i]) << ": " << output(*workers[size_t(i)]);
        }
    }

    int count(const QString &sql) { return storeValue(sql).toInt(); }

    // The events that handed `task` back from `worker` once its lease had run out.
    int lostLeaseEvents(const QString &task, const QString &worker)
    {
        return count(QStringLiteral("SELECT count(*) FROM event WHERE task = '%1' AND message LIKE 'worker %2 lost its lease%%'")
                         .arg(task, worker));
    }

    // Every task ended and each table holds exactly the source's rows.
    void expectTheTargetEqualsTheSource()
    {
        EXPECT_EQ(storeValue(QStringLiteral("SELECT count(*) FROM task WHERE state <> 'Ended'")), QStringLiteral("0"));
        for (const QString &t : queryStrings(sourceDb, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table'")))
            EXPECT_EQ(target.value(QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t)),
                      QString::number(queryInt(sourceDb, QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t))))
                << qPrintable(t);
    }
};

} // namespace

TEST(SharedRun, AKilledWorkersCopyIsHandedOverAndTheTargetEndsEqualToTheSource)
{
    SharedRun run;
    if (run.target.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)";
    ASSERT_TRUE(run.begin());
    const auto [victim, task] = run.workerInTheMiddleOfACopy();
    ASSERT_GE(victim, 0) << "no worker was seen in the middle of a copy";
    const QString name = run.names[victim];
    ::kill(pid_t(run.workers[size_t(victim)]->processId()), SIGKILL);
    ASSERT_TRUE(run.workers[size_t(victim)]->waitForFinished(10000));
    run.finish(victim);

    run.expectTheTargetEqualsTheSource();
    // The killed worker's copy was handed back once, then claimed again and finished.
    EXPECT_EQ(run.lostLeaseEvents(task, name), 1) << qPrintable(task);
    EXPECT_GE(run.count(QStringLiteral("SELECT count(*) FROM event WHERE task = '%1' AND message LIKE 'claimed by worker %%'").arg(task)), 2);
    // The work was shared: both survivors claimed tasks.
    for (int i = 0; i < 3; ++i) {
        if (i == victim)
            continue;
        EXPECT_GT(run.count(QStringLiteral("SELECT count(*) FROM event WHERE message LIKE 'claimed by worker %1 %%'").arg(run.names[i])), 0)
            << qPrintable(run.names[i]);
    }
    // The status command reads the shared store.
    const Cli status = upgradectl({QStringLiteral("status"), QStringLiteral("--state"), run.storeUrl(), QStringLiteral("--json")});
    EXPECT_EQ(status.exitCode, 0) << qPrintable(status.err);
}

// A worker frozen (SIGSTOP) past its lease loses the copy to another; woken (SIGCONT), its
// next batch meets the raised fence on the target and stops before committing: nothing it
// writes after the hand-over lands, the rows are there once, and it carries on with other work.
TEST(SharedRun, AFrozenWorkerWokenAfterItsLeaseWritesNothingTwice)
{
    SharedRun run;
    if (run.target.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)";
    ASSERT_TRUE(run.begin());
    const auto [victim, task] = run.workerInTheMiddleOfACopy();
    ASSERT_GE(victim, 0) << "no worker was seen in the middle of a copy";
    const QString name = run.names[victim];
    const pid_t pid = pid_t(run.workers[size_t(victim)]->processId());
    ::kill(pid, SIGSTOP);
    // Frozen until another worker has claimed the copy again.
    const bool takenOver = waitUntil([&] {
        return run.count(QStringLiteral("SELECT count(*) FROM task WHERE name = '%1' AND lease_owner <> '' AND lease_owner <> '%2'")
                             .arg(task, name))
                   > 0
               || run.count(QStringLiteral("SELECT count(*) FROM task WHERE name = '%1' AND state = 'Ended'").arg(task)) > 0;
    }, 120000);
    ::kill(pid, SIGCONT);
    ASSERT_TRUE(takenOver);
    run.finish(-1);

    run.expectTheTargetEqualsTheSource();
    EXPECT_EQ(run.lostLeaseEvents(task, name), 1) << qPrintable(task);
    // The woken worker learnt it had lost the copy (from the fence, its next heartbeat or the
    // store refusing its outcome) and dropped what its attempt did.
    QDir logs(run.dir.filePath(QStringLiteral("xdg/upgrade-cockpit")));
    const QStringList folders = logs.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    ASSERT_EQ(folders.size(), 1);
    QFile log(logs.filePath(folders[0] + QStringLiteral("/worker-") + name + QStringLiteral(".log")));
    ASSERT_TRUE(log.open(QIODevice::ReadOnly)) << qPrintable(log.fileName());
    const QString logged = QString::fromUtf8(log.readAll());
    // (Frozen after its last batch, its attempt ends first and the store refuses the outcome.)
    EXPECT_TRUE(logged.contains(task + QStringLiteral(": attempt ended after its lease was lost"))
                || logged.contains(task + QStringLiteral(": lease lost (")))
        << qPrintable(log.fileName()) << "\n" << qPrintable(logged.right(3000));
    // The woken worker's stale attempt was never recorded as the task's outcome.
    EXPECT_EQ(run.count(QStringLiteral("SELECT count(*) FROM task WHERE name = '%1' AND (state <> 'Ended' OR lease_owner = '%2')")
                            .arg(task, name)),
              0);
}

// `upgradectl worker remove --group copy --worker w2`: w2 claims no more copies (what it
// executes finishes) while w1 and w3 go on with them; w2 still works in the other group, and
// the run ends with the target equal to the source. The workers start before the run exists,
// as a fleet started at once does: they wait for the coordinator to plan and start it.
TEST(SharedRun, AWorkerRemovedFromAGroupClaimsNoMoreOfItsTasksWhileTheOthersGoOn)
{
    SharedRun run;
    if (run.target.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)";
    ASSERT_TRUE(run.begin(true));
    ASSERT_TRUE(waitUntil([&] {
        return run.count(QStringLiteral("SELECT count(*) FROM event WHERE message LIKE 'claimed by worker w2 %'")) > 0;
    }, 60000));
    const Cli removed = upgradectl({QStringLiteral("worker"), QStringLiteral("remove"), QStringLiteral("--state"), run.storeUrl(),
                                    QStringLiteral("--group"), QStringLiteral("copy"), QStringLiteral("--worker"), QStringLiteral("w2")});
    ASSERT_EQ(removed.exitCode, 0) << qPrintable(removed.out + removed.err);
    EXPECT_TRUE(removed.out.contains(QStringLiteral("worker w2 removed from batch group copy by administrator"))) << qPrintable(removed.out);
    // Once w2's heartbeat no longer lists the group, it claims none of its tasks; it stays in
    // the other group.
    ASSERT_TRUE(waitUntil([&] {
        return run.count(QStringLiteral("SELECT count(*) FROM worker WHERE name = 'w2' AND groups NOT LIKE '%copy%'"
                                        " AND groups LIKE '%post%'"))
               > 0;
    }, 30000));
    const int cutoff = run.count(QStringLiteral("SELECT max(id) FROM event"));
    const int copiesLeft = run.count(QStringLiteral("SELECT count(*) FROM task WHERE group_name = 'copy' AND state = 'Waiting'"));
    run.finish(-1);
    run.expectTheTargetEqualsTheSource();
    const QString claimsAfter = QStringLiteral("SELECT count(*) FROM event e JOIN task t ON t.name = e.task WHERE e.id > %1"
                                               " AND t.group_name = 'copy' AND e.message LIKE 'claimed by worker %2 %%'")
                                    .arg(cutoff);
    EXPECT_EQ(run.count(claimsAfter.arg(QStringLiteral("w2"))), 0);
    // Not vacuous: copies were left, and the others claimed them.
    EXPECT_GT(copiesLeft, 0);
    EXPECT_GT(run.count(claimsAfter.arg(QStringLiteral("w1"))) + run.count(claimsAfter.arg(QStringLiteral("w3"))), 0);
    // A name the run does not have is refused, with the names it has.
    const Cli unknown = upgradectl({QStringLiteral("worker"), QStringLiteral("add"), QStringLiteral("--state"), run.storeUrl(),
                                    QStringLiteral("--group"), QStringLiteral("copy"), QStringLiteral("--worker"), QStringLiteral("w9")});
    EXPECT_NE(unknown.exitCode, 0);
    EXPECT_TRUE((unknown.out + unknown.err).contains(QStringLiteral("no worker w9 in this run"))) << qPrintable(unknown.out + unknown.err);
}

// A worker waits only for a run that is not there yet: told --no-wait it exits 2, and a store
// it cannot reach fails at once instead of waiting.
TEST(SharedRun, AWorkerWithoutARunWaitsUnlessToldNotToAndAnUnreachableStoreFailsAtOnce)
{
    PgScratchSchema state;
    if (state.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)";
    const Cli noWait = upgradectl({QStringLiteral("worker"), QStringLiteral("--state"), state.url(), QStringLiteral("--no-wait")});
    EXPECT_EQ(noWait.exitCode, 2);
    EXPECT_TRUE(noWait.err.contains(QStringLiteral("no run state at"))) << qPrintable(noWait.err);
    const Cli unreachable = upgradectl({QStringLiteral("worker"), QStringLiteral("--state"),
                                        QStringLiteral("postgresql://cockpit@127.0.0.1:1/cockpit_test?schema=s")});
    EXPECT_EQ(unreachable.exitCode, 2);
    EXPECT_FALSE(unreachable.err.contains(QStringLiteral("waiting for the run"))) << qPrintable(unreachable.err);
    EXPECT_TRUE(unreachable.err.contains(QStringLiteral("127.0.0.1"))) << qPrintable(unreachable.err);
}

// The control store's server restarted under a shared run, in the middle of a copy: each
// process replaces its lost session (saying so in its log), the state changes the store
// missed meanwhile are saved once it is back, and the run ends as if nothing had happened.
TEST(SharedRun, TheStoresServerRestartedMidCopyAndTheRunEndsEqualToTheSource)
{
    SharedRun run;
    if (run.target.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)";
    run.storeServer = std::make_unique<OwnServer>(OwnServer::Postgres);
    ASSERT_TRUE(run.storeServer->error().isEmpty()) << qPrintable(run.storeServer->error());
    ASSERT_TRUE(run.begin());
    const auto [busy, task] = run.workerInTheMiddleOfACopy();
    ASSERT_GE(busy, 0) << "no worker was seen in the middle of a copy";
    ASSERT_TRUE(run.storeServer->down());
    QThread::msleep(1500);
    ASSERT_TRUE(run.storeServer->up());
    run.finish(-1);
    run.expectTheTargetEqualsTheSource();
    EXPECT_EQ(run.count(QStringLiteral("SELECT count(*) FROM task WHERE lease_owner <> ''")), 0);
    QDir logs(run.dir.filePath(QStringLiteral("xdg/upgrade-cockpit")));
    const QStringList folders = logs.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    ASSERT_EQ(folders.size(), 1);
    for (const QString &file : QStringList{QStringLiteral("run.log")} + [&] {
             QStringList w;
             for (const QString &name : run.names)
                 w << QStringLiteral("worker-") + name + QStringLiteral(".log");
             return w;
         }()) {
        QFile log(logs.filePath(folders[0] + u'/' + file));
        ASSERT_TRUE(log.open(QIODevice::ReadOnly)) << qPrintable(log.fileName());
        const QString logged = QString::fromUtf8(log.readAll());
        EXPECT_TRUE(logged.contains(QStringLiteral("the session was lost; a new one took over"))) << qPrintable(file) << "\n"
                                                                                               << qPrintable(logged.right(3000));
    }
}
