// What a run leaves behind holds no password and is for its user only: a SQLite -> PostgreSQL
// run with a password (PGPASSWORD, as an administrator sets it), with rejects and reports, then
// every file it wrote, its output and its process's arguments are searched for the password;
// every file and folder it created is user-only.
#include "e2e/clisupport.h"
#include "support/testsupport.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <gtest/gtest.h>

using namespace cockpit::test;

namespace {

// The files under `dir` whose bytes contain `needle`.
QStringList filesContaining(const QString &dir, const QByteArray &needle)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            found << f.fileName();
    }
    return found;
}

} // namespace

TEST(Security, NoPasswordInWhatARunWritesAndEveryFileIsUserOnly)
{
    PgScratchSchema pg;
    if (pg.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test.sh starts the server)";
    const QByteArray password = qgetenv("PGPASSWORD");
    ASSERT_FALSE(password.isEmpty()) << "the test server takes a password (scripts/test-servers.sh)";
    QTemporaryDir dir;
    const QString work = dir.filePath(QStringLiteral("run")); // created by upgradectl, not by the test
    QDir().mkpath(work);
    QFile::setPermissions(work, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                    | QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther);
    const QString source = work + QStringLiteral("/source.db");
    execSqlite(source, QStringLiteral("CREATE TABLE ITEMS (id INTEGER PRIMARY KEY, qty TEXT, note TEXT);"
                                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
                                      "INSERT INTO ITEMS SELECT i, CASE WHEN i % 1000 = 0 THEN 'n/a' ELSE i END, 'row ' || i FROM n;"));
    const QString plan = work + QStringLiteral("/plan.json");
    {
        QFile f(plan);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"source": "sqlite:source.db", "target": "%1", "state": "out/state.db",
                                   "rejectsDir": "out/rejects",
                                   "tableOptions": {"ITEMS": {"maxRejects": 10, "columns": {"qty": {"type": "integer"}}}}})")
                    .arg(pg.url())
                    .toUtf8());
    }
    const QString out = work + QStringLiteral("/out");
    const QString state = out + QStringLiteral("/state.db");

    // The process list while it runs: its arguments, as `ps` shows them to every user.
    QProcess run;
    // The test's own session on the server would be a preflight blocker (single-user rule).
    run.start(QStringLiteral(UPGRADECTL_PATH), {QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--override"),
                                                QStringLiteral("the security test's own session")});
    ASSERT_TRUE(run.waitForStarted());
    // Read once the child has exec'd upgradectl (until then it shows the test's own arguments).
    QByteArray argv;
    waitUntil([&] {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(run.processId()));
        argv = cmdline.open(QIODevice::ReadOnly) ? cmdline.readAll() : QByteArray();
        return argv.contains("--plan") || run.state() != QProcess::Running;
    }, 5000);
    EXPECT_TRUE(argv.contains("--plan")) << argv.constData();
    EXPECT_FALSE(argv.contains(password));
    ASSERT_TRUE(run.waitForFinished(300000));
    const QByteArray output = run.readAllStandardOutput() + run.readAllStandardError();
    ASSERT_EQ(run.exitCode(), 0) << output.constData();
    EXPECT_FALSE(output.contains(password));
    ASSERT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE state <> 'Ended'")), 0);
    EXPECT_EQ(pg.value(QStringLiteral("SELECT count(*) FROM \"ITEMS\"")), QStringLiteral("4995"));

    // Everything an administrator may keep: reports in every format, status, the plan written back.
    for (const QString &name : {QStringLiteral("report.html"), QStringLiteral("report.csv"), QStringLiteral("report.json")}) {
        const Cli report = upgradectl({QStringLiteral("report"), QStringLiteral("--state"), state, QStringLiteral("--out"), out + u'/' + name});
        EXPECT_EQ(report.exitCode, 0) << qPrintable(report.err);
    }
    const Cli status = upgradectl({QStringLiteral("status"), QStringLiteral("--state"), state, QStringLiteral("--json")});
    EXPECT_EQ(status.exitCode, 0);
    EXPECT_FALSE(status.out.toUtf8().contains(password) || status.err.toUtf8().contains(password));
    const Cli written = upgradectl({QStringLiteral("plan"), QStringLiteral("--source"), QStringLiteral("sqlite:") + source,
                                    QStringLiteral("--target"), pg.url(), QStringLiteral("--out"), out + QStringLiteral("/plan-out.json")});
    EXPECT_EQ(written.exitCode, 0) << qPrintable(written.err);

    ASSERT_TRUE(QFileInfo::exists(out + QStringLiteral("/rejects/ITEMS.rejects.csv")));
    EXPECT_EQ(filesContaining(work, password), QStringList());

    // User-only: every file and folder the run created (the state, its log, the rejects, the
    // reports), although the folder it started in is readable by all.
    QStringList open;
    QDirIterator it(out, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    int seen = 0;
    while (it.hasNext()) {
        const QFileInfo f(it.next());
        ++seen;
        const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther
                            | QFileDevice::WriteOther | QFileDevice::ExeOther;
        if ((f.permissions() & others).toInt() != 0)
            open << QStringLiteral("%1 (%2)").arg(f.fileName()).arg(int(f.permissions()), 0, 16);
    }
    EXPECT_GE(seen, 6) << "state, its log, the rejects folder and file, three reports";
    EXPECT_EQ(open, QStringList());
}
