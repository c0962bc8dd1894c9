// Faults on the target that need the administrator: a statement timeout, a lock held by another
// session past the lock timeout, a full disk, a read-only target. Each ends the tasks it hits in
// Error naming the cause and the remedy, counts no partial batch as done, and Rerun after the
// fix completes the run exactly. A deadlock, by contrast, is retried by itself.

#include "e2e/clisupport.h"
#include "e2e/ownservers.h"
#include "e2e/serverruns.h"
#include "support/testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <functional>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// Tasks in Error, each "name: message".
QStringList errorTasks(const QString &state)
{
    return queryStrings(state, QStringLiteral("SELECT name || ': ' || message FROM task WHERE state = 'Error'"));
}

// The run ended in Error on `cause` (a fragment of the server's message) with `remedy` (a
// fragment of what to do); nothing left Executing; a failed copy counts only what its target
// holds (no partial batch counted as done).
void expectErrorOn(const QString &state, const QString &cause, const QString &remedy)
{
    const QStringList errors = errorTasks(state);
    ASSERT_FALSE(errors.isEmpty()) << qPrintable(unfinishedTasks(state));
    for (const QString &e : errors)
        EXPECT_TRUE(e.contains(cause, Qt::CaseInsensitive) && e.contains(remedy)) << qPrintable(e);
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE state IN ('Executing', 'Ready')")), 0);
    EXPECT_EQ(queryStrings(state, QStringLiteral("PRAGMA integrity_check")).value(0), QStringLiteral("ok"));
}

// No partial batch counted as done: for every table, the rows its copy tasks count as committed
// (the control store) are at most the rows the target holds. `targetCount` counts a table there.
// `someCommitted`: a batch was committed before the fault (a SQLite to SQLite copy commits a
// table whole, at its end).
void expectNoPartialBatchCounted(const QString &state, const std::function<qint64(const QString &)> &targetCount, bool someCommitted = true)
{
    const QStringList tables = queryStrings(state, QStringLiteral("SELECT table_name || '|' || sum(rows_done) FROM task WHERE kind = 'copy' "
                                                                  "GROUP BY table_name HAVING sum(rows_done) > 0"));
    EXPECT_TRUE(!someCommitted || !tables.isEmpty());
    for (const QString &t : tables)
        EXPECT_LE(t.section(u'|', 1).toLongLong(), targetCount(t.section(u'|', 0, 0))) << qPrintable(t);
}

void expectNoPartialBatchCounted(const QString &state, const OwnServer &server, OwnServer::Kind kind)
{
    expectNoPartialBatchCounted(state, [&](const QString &table) {
        const QString n = server.value(kind == OwnServer::Postgres ? QStringLiteral("SELECT count(*) FROM \"%1\"").arg(table)
                                                                   : QStringLiteral("SELECT count(*) FROM `%1`").arg(table));
        EXPECT_FALSE(n.startsWith(QLatin1String("error"))) << qPrintable(n);
        return n.toLongLong();
    });
}

// A tmpfs of `megabytes` at a folder of its own (needs root); unmounted at destruction.
class SmallDisk {
public:
    explicit SmallDisk(int megabytes)
    {
        if (!m_dir.isValid())
            return;
        m_mounted = QProcess::execute(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                                                QStringLiteral("size=%1m,mode=0777").arg(megabytes), QStringLiteral("tmpfs"),
                                                                m_dir.path()}) == 0;
    }
    ~SmallDisk()
    {
        if (m_mounted)
            QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), m_dir.path()});
    }
    bool mounted() const { return m_mounted; }
    QString path() const { return m_dir.path(); }
    bool remount(const QString &options) const
    {
        return QProcess::execute(QStringLiteral("mount"), {QStringLiteral("-o"), QStringLiteral("remount,") + options, m_dir.path()}) == 0;
    }

private:
    QTemporaryDir m_dir{QStringLiteral("/tmp/cockpit-disk.XXXXXX")};
    bool m_mounted = false;
};

// An ext4 file system in a file, loop-mounted with errors=remount-ro (needs root and a loop
// device): failNow() makes the kernel take it read-only under the open files, as it does on a
// disk error; repair() is the administrator's fsck and mount.
class FailingDisk {
public:
    FailingDisk()
    {
        if (!m_dir.isValid())
            return;
        const QString image = m_dir.filePath(QStringLiteral("disk.img")), mount = m_dir.filePath(QStringLiteral("mnt"));
        m_mounted = QDir().mkpath(mount) && QProcess::execute(QStringLiteral("truncate"), {QStringLiteral("-s"), QStringLiteral("512M"), image}) == 0
            && quietly(QStringLiteral("mkfs.ext4"), {QStringLiteral("-q"), QStringLiteral("-F"), image}) == 0 && mountImage();
    }
    ~FailingDisk()
    {
        if (m_mounted)
            QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), path()});
    }
    bool mounted() const { return m_mounted; }
    QString path() const { return m_dir.filePath(QStringLiteral("mnt")); }
    bool failNow() const
    {
        QProcess find;
        find.start(QStringLiteral("findmnt"), {QStringLiteral("-n"), QStringLiteral("-o"), QStringLiteral("SOURCE"), path()});
        find.waitForFinished();
        QFile trigger(QStringLiteral("/sys/fs/ext4/%1/trigger_fs_error").arg(QFileInfo(QString::fromUtf8(find.readAllStandardOutput().trimmed())).fileName()));
        return trigger.open(QIODevice::WriteOnly) && trigger.write("1") == 1;
    }
    bool repair()
    {
        m_mounted = false;
        return QProcess::execute(QStringLiteral("umount"), {path()}) == 0
            && quietly(QStringLiteral("e2fsck"), {QStringLiteral("-f"), QStringLiteral("-y"), m_dir.filePath(QStringLiteral("disk.img"))}) <= 1
            && mountImage(); // e2fsck: 1 is "errors corrected"
    }

private:
    static int quietly(const QString &program, const QStringList &args)
    {
        QProcess p;
        p.setStandardOutputFile(QProcess::nullDevice());
        p.setStandardErrorFile(QProcess::nullDevice());
        p.start(program, args);
        return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    bool mountImage()
    {
        m_mounted = QProcess::execute(QStringLiteral("mount"), {QStringLiteral("-o"), QStringLiteral("loop,errors=remount-ro"),
                                                                m_dir.filePath(QStringLiteral("disk.img")), path()}) == 0;
        return m_mounted;
    }
    QTemporaryDir m_dir{QStringLiteral("/tmp/cockpit-ext4.XXXXXX")};
    bool m_mounted = false;
};

void runEndsInError(QProcess &p)
{
    ASSERT_TRUE(p.waitForFinished(300000));
    EXPECT_EQ(p.exitCode(), 1) << p.readAllStandardError().toStdString();
}

// The server's statement time limit, set for the cockpit's user, cancels a long post-sync script.
void statementTimeoutEndsInErrorThenRerunCompletes(OwnServer::Kind kind)
{
    OwnServer server(kind);
    ASSERT_TRUE(server.error().isEmpty()) << qPrintable(server.error());
    const QString limit = kind == OwnServer::Postgres ? QStringLiteral("ALTER ROLE cockpit SET statement_timeout = '2500ms'")
                                                      : QStringLiteral("SET GLOBAL max_statement_time = 2.5");
    ASSERT_EQ(server.admin(limit), QString());
    QTemporaryDir dir;
    const QString plan = writeServerPlanWithSlowScript(dir, server.url(), 4);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    const Cli run = upgradectl(runArgs(plan));
    EXPECT_EQ(run.exitCode, 1) << qPrintable(run.err);
    // MariaDB says "max_statement_time exceeded" of a query, only "interrupted" of an ALTER.
    expectErrorOn(state, kind == OwnServer::Postgres ? QStringLiteral("statement timeout") : QStringLiteral("interrupted"),
                  QStringLiteral("statement time limit"));
    EXPECT_TRUE(errorTasks(state).join(u'\n').contains(QLatin1String("script:slow_audit"))) << qPrintable(errorTasks(state).join(u'\n'));

    ASSERT_EQ(server.admin(kind == OwnServer::Postgres ? QStringLiteral("ALTER ROLE cockpit RESET statement_timeout")
                                                       : QStringLiteral("SET GLOBAL max_statement_time = 0")),
              QString());
    rerunCompletes(plan, state);
}

// Another session holds an ACCESS EXCLUSIVE lock on a table being copied; the server's
// lock_timeout ends the copy's wait.
void lockHeldPastTheLockTimeoutEndsInErrorThenRerunCompletes()
{
    OwnServer server(OwnServer::Postgres);
    ASSERT_TRUE(server.error().isEmpty()) << qPrintable(server.error());
    ASSERT_EQ(server.admin(QStringLiteral("ALTER ROLE cockpit SET lock_timeout = '1s'")), QString());
    QTemporaryDir dir;
    const QString plan = writeServerPlan(dir, server.url(), QStringLiteral("{\"attempts\": 2, \"delaySeconds\": 0.2}"));
    const QString state = dir.filePath(QStringLiteral("state.db"));
    QProcess p;
    ASSERT_TRUE(startRunUntilRowsMove(p, plan, state));
    const QString task = executingTask(state, QStringLiteral("copy:INVENTTRANS%"), p);
    ASSERT_FALSE(task.isEmpty()) << "INVENTTRANS was copied before the lock was taken";
    QProcess holder; // a report left open in a transaction, as administrators find them
    server.startAdminSession(holder, QStringLiteral("BEGIN; LOCK TABLE \"INVENTTRANS\" IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600);"));
    runEndsInError(p);
    expectErrorOn(state, QStringLiteral("lock timeout"), QStringLiteral("another session held a lock"));
    EXPECT_TRUE(errorTasks(state).join(u'\n').contains(QLatin1String("copy:INVENTTRANS"))) << qPrintable(errorTasks(state).join(u'\n'));
    // The fix: the administrator ends that session.
    EXPECT_EQ(server.admin(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'BEGIN; LOCK TABLE%' "
                                          "AND pid <> pg_backend_pid()")),
              QStringLiteral("1"));
    holder.waitForFinished();
    expectNoPartialBatchCounted(state, server, OwnServer::Postgres);
    rerunCompletes(plan, state);
    expectTargetEqualsSource(dir.filePath(QStringLiteral("source.db")), server, OwnServer::Postgres);
}

// A deadlock between a copy and another session: the server picks the copy's transaction as
// the victim; the copy runs that batch again by itself and the run completes exactly.
void deadlockVictimRetriesAndTheRunCompletes()
{
    OwnServer server(OwnServer::Postgres);
    ASSERT_TRUE(server.error().isEmpty()) << qPrintable(server.error());
    QTemporaryDir dir;
    // 2 M rows: a copy of some seconds (a chunk of 300,000 rows copies in under a second), so
    // that a round below finds a chunk still copying.
    const QString plan = writeServerPlan(dir, server.url(), {}, 2000000);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    QProcess p;
    ASSERT_TRUE(startRunUntilRowsMove(p, plan, state));
    // The other session takes a copy's checkpoint row and, once the copy's next batch waits for
    // that row (pg_locks: not granted; the batch holds the table meanwhile), asks for the copy's
    // table: a cycle, found by the copy's session (the other one checks late), which is
    // cancelled. Waiting for the copy's wait, not a fixed time, makes the cycle certain whatever
    // the machine's speed; a chunk that ended before its next batch is simply tried again.
    const QString deadlocked = QStringLiteral("SELECT count(*) FROM task_log WHERE task LIKE 'copy:INVENTTRANS%' AND "
                                              "message LIKE 'attempt % failed after % s: %deadlock detected%'");
    for (int round = 0; round < 5 && p.state() == QProcess::Running && queryInt(state, deadlocked) == 0; ++round) {
        const QString task = executingTask(state, QStringLiteral("copy:INVENTTRANS%"), p);
        if (task.isEmpty())
            break;
        if (!waitUntil([&] { return server.value(QStringLiteral("SELECT count(*) FROM _cockpit_checkpoint WHERE task = '%1'").arg(task)) == QLatin1String("1"); }, 60000))
            continue;
        QProcess other;
        server.startAdminSession(other, QStringLiteral("BEGIN; SET LOCAL deadlock_timeout = '30s'; "
                                                       "SELECT 1 FROM _cockpit_checkpoint WHERE task = '%1' FOR UPDATE; "
                                                       "DO $$ BEGIN FOR i IN 1..100 LOOP EXIT WHEN EXISTS (SELECT 1 FROM pg_locks "
                                                       "WHERE NOT granted AND pid <> pg_backend_pid()); PERFORM pg_sleep(0.05); END LOOP; END $$; "
                                                       "LOCK TABLE \"INVENTTRANS\" IN SHARE MODE; COMMIT;").arg(task));
        EXPECT_TRUE(other.waitForFinished(60000));
        waitUntil([&] { return queryInt(state, deadlocked) > 0; }, 3000);
    }
    if (p.state() != QProcess::NotRunning) {
        ASSERT_TRUE(p.waitForFinished(300000));
    }
    EXPECT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE state <> 'Ended'")), 0) << qPrintable(unfinishedTasks(state));
    EXPECT_GT(queryInt(state, deadlocked), 0)
        << qPrintable(queryStrings(state, QStringLiteral("SELECT task || ': ' || message FROM task_log WHERE task LIKE 'copy:INVENTTRANS%'")).join(u'\n'));
    expectTargetEqualsSource(dir.filePath(QStringLiteral("source.db")), server, OwnServer::Postgres);
}

// A PostgreSQL target whose tables live in a tablespace on a disk too small for them.
void tablespaceFullEndsInErrorThenRerunCompletes()
{
    SmallDisk disk(6);
    if (!disk.mounted())
        GTEST_SKIP() << "cannot mount a tmpfs here (needs root): the full-disk test does not run";
    OwnServer server(OwnServer::Postgres);
    ASSERT_TRUE(server.error().isEmpty()) << qPrintable(server.error());
    ASSERT_EQ(QProcess::execute(QStringLiteral("chown"), {QStringLiteral("postgres:postgres"), disk.path()}), 0);
    ASSERT_EQ(server.admin(QStringLiteral("CREATE TABLESPACE small LOCATION '%1'").arg(disk.path())), QString());
    ASSERT_EQ(server.admin(QStringLiteral("GRANT CREATE ON TABLESPACE small TO cockpit")), QString());
    ASSERT_EQ(server.admin(QStringLiteral("ALTER ROLE cockpit SET default_tablespace = small")), QString());
    QTemporaryDir dir;
    const QString plan = writeServerPlan(dir, server.url(), QStringLiteral("{\"attempts\": 2, \"delaySeconds\": 0.2}"));
    const QString state = dir.filePath(QStringLiteral("state.db"));
    const Cli run = upgradectl(runArgs(plan));
    EXPECT_EQ(run.exitCode, 1) << qPrintable(run.err);
    expectErrorOn(state, QStringLiteral("No space left on device"), QStringLiteral("the target's disk is full"));
    expectNoPartialBatchCounted(state, server, OwnServer::Postgres);
    ASSERT_TRUE(disk.remount(QStringLiteral("size=512m"))); // the fix: a bigger disk
    rerunCompletes(plan, state);
    expectTargetEqualsSource(dir.filePath(QStringLiteral("source.db")), server, OwnServer::Postgres);
    (void)server.admin(QStringLiteral("ALTER ROLE cockpit RESET default_tablespace"));
}

// A SQLite target on a disk too small for it.
TEST(TargetFaults, SqliteDiskFullEndsInErrorAndRerunCompletesOnceThereIsRoom)
{
    SmallDisk disk(6);
    if (!disk.mounted())
        GTEST_SKIP() << "cannot mount a tmpfs here (needs root): the full-disk test does not run";
    QTemporaryDir dir;
    const QString target = QDir(disk.path()).filePath(QStringLiteral("target.db"));
    const QString plan = writeServerPlan(dir, QStringLiteral("sqlite:") + target, QStringLiteral("{\"attempts\": 2, \"delaySeconds\": 0.2}"));
    const QString state = dir.filePath(QStringLiteral("state.db"));
    const Cli run = upgradectl(runArgs(plan));
    EXPECT_EQ(run.exitCode, 1) << qPrintable(run.err);
    expectErrorOn(state, QStringLiteral("database or disk is full"), QStringLiteral("the target's disk is full"));
    expectNoPartialBatchCounted(state, [&](const QString &table) { return queryInt(target, QStringLiteral("SELECT count(*) FROM \"%1\"").arg(table)); });
    ASSERT_TRUE(disk.remount(QStringLiteral("size=512m")));
    rerunCompletes(plan, state);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), target), QStringList());
}

// A SQLite target on a read-only file system (as root, file modes stop nothing, so a read-only
// mount stands in): the preflight refuses before anything runs, and the run completes once the
// file system is writable.
TEST(TargetFaults, SqliteTargetOnAReadOnlyFileSystemIsRefusedAndRunsOnceWritable)
{
    SmallDisk disk(512);
    if (!disk.mounted())
        GTEST_SKIP() << "cannot mount a tmpfs here (needs root): the read-only test does not run";
    ASSERT_TRUE(disk.remount(QStringLiteral("ro")));
    QTemporaryDir dir;
    const QString target = QDir(disk.path()).filePath(QStringLiteral("target.db"));
    const QString plan = writeServerPlan(dir, QStringLiteral("sqlite:") + target);
    const Cli refused = upgradectl(runArgs(plan));
    EXPECT_EQ(refused.exitCode, 2) << qPrintable(refused.err); // the target cannot be opened
    EXPECT_TRUE(refused.err.contains(QLatin1String("target.connect")) && refused.err.contains(QLatin1String("not writable")))
        << qPrintable(refused.err);
    EXPECT_FALSE(QFileInfo::exists(target));
    ASSERT_TRUE(disk.remount(QStringLiteral("rw")));
    const Cli run = upgradectl(runArgs(plan));
    EXPECT_EQ(run.exitCode, 0) << qPrintable(run.err);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), target), QStringList());
}

// The file system of a SQLite target turns read-only under the copy (the kernel's answer to a
// disk error): the copies end in Error naming it, nothing uncommitted is counted, and once the
// disk is checked and mounted again the rolled-back journal leaves a target that Rerun completes.
TEST(TargetFaults, SqliteTargetTurningReadOnlyMidCopyEndsInErrorAndRerunCompletesOnceRepaired)
{
    FailingDisk disk;
    if (!disk.mounted())
        GTEST_SKIP() << "cannot loop-mount an ext4 image here (needs root and a loop device): the test does not run";
    QTemporaryDir dir;
    const QString target = QDir(disk.path()).filePath(QStringLiteral("target.db"));
    const QString plan = writeServerPlan(dir, QStringLiteral("sqlite:") + target, QStringLiteral("{\"attempts\": 2, \"delaySeconds\": 0.2}"));
    const QString state = dir.filePath(QStringLiteral("state.db"));
    QProcess p;
    ASSERT_TRUE(startRunUntilRowsMove(p, plan, state));
    ASSERT_TRUE(disk.failNow());
    runEndsInError(p);
    expectErrorOn(state, QStringLiteral("Read-only file system"), QStringLiteral("the target accepts no writes"));
    ASSERT_TRUE(disk.repair());
    expectNoPartialBatchCounted(
        state, [&](const QString &table) { return queryInt(target, QStringLiteral("SELECT count(*) FROM \"%1\"").arg(table)); }, false);
    rerunCompletes(plan, state);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), target), QStringList());
}

// The target turns read-only under the run (a failover to a standby, an administrator's
// switch): the copies end in Error, and Rerun completes once it is writable again.
void readOnlyTargetEndsInErrorThenRerunCompletes(OwnServer::Kind kind)
{
    OwnServer server(kind);
    ASSERT_TRUE(server.error().isEmpty()) << qPrintable(server.error());
    QTemporaryDir dir;
    const QString plan = writeServerPlan(dir, server.url(), QStringLiteral("{\"attempts\": 3, \"delaySeconds\": 0.2}"));
    const QString state = dir.filePath(QStringLiteral("state.db"));
    QProcess p;
    ASSERT_TRUE(startRunUntilRowsMove(p, plan, state));
    if (kind == OwnServer::Postgres) { // new sessions are read-only; the open ones are cut off and reconnect
        ASSERT_EQ(server.admin(QStringLiteral("ALTER DATABASE cockpit_test SET default_transaction_read_only = on")), QString());
        server.admin(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'cockpit'"));
    } else {
        ASSERT_EQ(server.admin(QStringLiteral("SET GLOBAL read_only = ON")), QString());
    }
    runEndsInError(p);
    expectErrorOn(state, kind == OwnServer::Postgres ? QStringLiteral("read-only transaction") : QStringLiteral("--read-only option"),
                  QStringLiteral("the target accepts no writes"));
    expectNoPartialBatchCounted(state, server, kind);
    ASSERT_EQ(server.admin(kind == OwnServer::Postgres ? QStringLiteral("BEGIN READ WRITE; ALTER DATABASE cockpit_test RESET default_transaction_read_only; COMMIT")
                                                       : QStringLiteral("SET GLOBAL read_only = OFF")),
              QString());
    rerunCompletes(plan, state);
    expectTargetEqualsSource(dir.filePath(QStringLiteral("source.db")), server, kind);
}

} // namespace

TEST(TargetFaults, PostgresStatementTimeoutEndsInErrorAndRerunCompletesOnceLifted)
{
    statementTimeoutEndsInErrorThenRerunCompletes(OwnServer::Postgres);
}

TEST(TargetFaults, MariaDbStatementTimeoutEndsInErrorAndRerunCompletesOnceLifted)
{
    statementTimeoutEndsInErrorThenRerunCompletes(OwnServer::MariaDb);
}

TEST(TargetFaults, PostgresLockHeldPastTheLockTimeoutEndsInErrorAndRerunCompletes)
{
    lockHeldPastTheLockTimeoutEndsInErrorThenRerunCompletes();
}

TEST(TargetFaults, PostgresDeadlockVictimRetriesAndTheRunCompletes)
{
    deadlockVictimRetriesAndTheRunCompletes();
}

TEST(TargetFaults, PostgresTablespaceFullEndsInErrorAndRerunCompletesOnceThereIsRoom)
{
    tablespaceFullEndsInErrorThenRerunCompletes();
}

TEST(TargetFaults, PostgresTurnedReadOnlyEndsInErrorAndRerunCompletesOnceWritable)
{
    readOnlyTargetEndsInErrorThenRerunCompletes(OwnServer::Postgres);
}

TEST(TargetFaults, MariaDbTurnedReadOnlyEndsInErrorAndRerunCompletesOnceWritable)
{
    readOnlyTargetEndsInErrorThenRerunCompletes(OwnServer::MariaDb);
}
