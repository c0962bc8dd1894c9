// End to end through the real binary, with the run's control store in a PostgreSQL schema
// (--state postgresql://...): the run completes, `status` reads it from the server, and a
// second run on the same state is refused while the first holds the lease.

#include "demo/demogenerator.h"
#include "e2e/clisupport.h"
#include "support/testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

TEST(Cli, RunWithItsStateOnPostgresCompletesAndASecondRunIsRefused)
{
    PgScratchSchema target, state;
    if (target.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)";
    QTemporaryDir dir;
    auto demo = writeDemo(DemoOptions{dir.path(), 150000, 0.05});
    ASSERT_TRUE(demo.ok());
    // The run's log and plan copy go to this machine's folder of the store, here the test's.
    const QByteArray oldStateHome = qgetenv("XDG_STATE_HOME");
    qputenv("XDG_STATE_HOME", QFile::encodeName(dir.filePath(QStringLiteral("xdg"))));
    const QString source = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("source.db"));
    // The test's own sessions on the server are "other sessions" to the preflight. One thread:
    // the copy lasts long enough for a second run to be tried while the first holds the lease.
    const QStringList runArgs{QStringLiteral("run"), QStringLiteral("--source"), source, QStringLiteral("--target"),
                              target.url(), QStringLiteral("--state"), state.url(), QStringLiteral("--threads"),
                              QStringLiteral("1"), QStringLiteral("--quiet"), QStringLiteral("--override"),
                              QStringLiteral("the test's own sessions")};
    QProcess first;
    first.start(QStringLiteral(UPGRADECTL_PATH), runArgs);
    ASSERT_TRUE(first.waitForStarted());
    // Once it owns the run and has planned it, a second run of the same state is refused.
    const bool planned = waitUntil([&] {
        return first.state() != QProcess::Running
               || (state.value(QStringLiteral("SELECT count(*) FROM owner")) == QLatin1String("1")
                   && state.value(QStringLiteral("SELECT count(*) > 0 FROM task")) == QLatin1String("true"));
    }, 120000);
    ASSERT_TRUE(planned);
    const bool stillRunning = first.state() == QProcess::Running;
    if (stillRunning) {
        const Cli second = upgradectl({QStringLiteral("run"), QStringLiteral("--state"), state.url(), QStringLiteral("--quiet")});
        EXPECT_EQ(second.exitCode, 2) << qPrintable(second.err);
        EXPECT_TRUE(second.err.contains(QLatin1String("is being executed by upgradectl"))) << qPrintable(second.err);
        EXPECT_TRUE(second.err.contains(state.url())) << qPrintable(second.err);
    }
    ASSERT_TRUE(first.waitForFinished(300000));
    EXPECT_EQ(first.exitCode(), 0) << first.readAllStandardError().toStdString();
    EXPECT_TRUE(stillRunning) << "the run ended before a second one could be tried";

    const Cli status = upgradectl({QStringLiteral("status"), QStringLiteral("--state"), state.url(), QStringLiteral("--json")});
    EXPECT_EQ(status.exitCode, 0) << qPrintable(status.err);
    const QJsonObject report = QJsonDocument::fromJson(status.out.toUtf8()).object();
    const int tasks = report.value(QStringLiteral("tasks")).toArray().size();
    EXPECT_GT(tasks, 10);
    EXPECT_EQ(report.value(QStringLiteral("counts")).toObject().value(QStringLiteral("Ended")).toInt(), tasks) << qPrintable(status.out);
    EXPECT_EQ(report.value(QStringLiteral("run")).toString(), QStringLiteral("not running"));
    EXPECT_EQ(state.value(QStringLiteral("SELECT count(*) FROM owner")), QStringLiteral("0")); // released at the end
    // Every copied table holds the source's rows.
    const QString sourceDb = dir.filePath(QStringLiteral("source.db"));
    for (const QString &t : queryStrings(sourceDb, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table'")))
        EXPECT_EQ(target.value(QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t)),
                  QString::number(queryInt(sourceDb, QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t))))
            << qPrintable(t);
    // The log went to the store's local folder, not beside a file.
    QDir xdg(dir.filePath(QStringLiteral("xdg/upgrade-cockpit")));
    const QStringList folders = xdg.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    ASSERT_EQ(folders.size(), 1);
    EXPECT_TRUE(folders[0].endsWith(state.schema())) << qPrintable(folders[0]);
    EXPECT_TRUE(QFile::exists(xdg.filePath(folders[0] + QStringLiteral("/run.log"))));
    if (oldStateHome.isNull())
        qunsetenv("XDG_STATE_HOME");
    else
        qputenv("XDG_STATE_HOME", oldStateHome);
}

TEST(Cli, AStateUrlThatCannotBeUsedIsSaidSo)
{
    const Cli malformed = upgradectl({QStringLiteral("status"), QStringLiteral("--state"),
                                      QStringLiteral("postgresql://admin:secret@127.0.0.1:1/db")});
    EXPECT_EQ(malformed.exitCode, 2);
    EXPECT_TRUE(malformed.err.contains(QLatin1String("contains a password"))) << qPrintable(malformed.err);
    EXPECT_FALSE(malformed.err.contains(QLatin1String("secret")));
    const Cli unreachable = upgradectl({QStringLiteral("status"), QStringLiteral("--state"),
                                        QStringLiteral("postgresql://admin@127.0.0.1:1/db")});
    EXPECT_EQ(unreachable.exitCode, 2);
    EXPECT_TRUE(unreachable.err.contains(QLatin1String("cannot connect to postgresql://admin@127.0.0.1:1/db?schema=cockpit_state")))
        << qPrintable(unreachable.err);
}

} // namespace
