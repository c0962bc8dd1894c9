#include "e2e/serverruns.h"

#include "demo/demogenerator.h"
#include "e2e/clisupport.h"
#include "support/testsupport.h"

#include <QDir>
#include <QFile>
#include <gtest/gtest.h>

namespace cockpit::test {

QString writeServerPlan(const QTemporaryDir &dir, const QString &targetUrl, const QString &retryJson, int rows)
{
    auto demo = writeDemo(DemoOptions{dir.path(), rows, 0.05});
    EXPECT_TRUE(demo.ok());
    if (!demo.ok())
        return {};
    demo->scriptsDir.clear();
    demo->batchSize = 2000;
    demo->chunkRows = 100000;
    demo->tableOptions.clear();
    demo->target = *ConnectionUrl::parse(targetUrl, dir.path());
    QByteArray json = demo->toJson();
    if (!retryJson.isEmpty()) {
        const int at = int(json.indexOf("\"retry\""));
        const int end = int(json.indexOf('}', at));
        json.replace(at, end - at + 1, "\"retry\": " + retryJson.toUtf8());
    }
    QFile f(demo->filePath);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(json);
    return demo->filePath;
}

QString writeServerPlanWithSlowScript(const QTemporaryDir &dir, const QString &targetUrl, int sleepSeconds)
{
    auto demo = writeDemo(DemoOptions{dir.path(), 300000, 0.05});
    EXPECT_TRUE(demo.ok());
    if (!demo.ok())
        return {};
    demo->target = *ConnectionUrl::parse(targetUrl, dir.path());
    QFile f(demo->filePath);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(demo->toJson());
    f.close();
    const QString seconds = QString::number(sleepSeconds);
    for (const auto &[file, sleep] : {std::pair{QStringLiteral("slow_audit.sql"), QStringLiteral("SELECT pg_sleep(%1)").arg(seconds)},
                                      std::pair{QStringLiteral("slow_audit.mysql.sql"), QStringLiteral("SELECT SLEEP(%1)").arg(seconds)}}) {
        QFile script(QDir(demo->scriptsDir).filePath(file));
        EXPECT_TRUE(script.open(QIODevice::WriteOnly));
        script.write(("-- depends: copy:SALESTABLE\n-- transaction: single\n" + sleep + ";\n").toUtf8());
    }
    return demo->filePath;
}

QStringList runArgs(const QString &plan)
{
    return {QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")};
}

bool startRunUntilRowsMove(QProcess &p, const QString &plan, const QString &state)
{
    p.start(QStringLiteral(UPGRADECTL_PATH), runArgs(plan));
    if (!p.waitForStarted()) {
        ADD_FAILURE() << "upgradectl did not start";
        return false;
    }
    waitUntil([&] { return p.state() != QProcess::Running || copiedRows(state) > 0; }, 120000);
    if (p.state() != QProcess::Running) {
        ADD_FAILURE() << "the run ended before its rows moved: " << p.readAllStandardError().toStdString();
        return false;
    }
    return true;
}

QString executingTask(const QString &state, const QString &pattern, const QProcess &p)
{
    QString name;
    waitUntil([&] {
        if (p.state() != QProcess::Running)
            return true;
        try {
            name = queryStrings(state, QStringLiteral("SELECT name FROM task WHERE name LIKE '%1' AND state = 'Executing' LIMIT 1").arg(pattern)).value(0);
        } catch (const std::exception &) { // the store is being created
        }
        return !name.isEmpty();
    }, 300000);
    return name;
}

void expectTargetEqualsSource(const QString &source, const OwnServer &server, OwnServer::Kind kind)
{
    const QStringList tables = queryStrings(source, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table'"));
    ASSERT_FALSE(tables.isEmpty());
    for (const QString &t : tables) {
        const QString want = queryStrings(source, QStringLiteral("SELECT count(*) || ' ' || count(DISTINCT RECID) || ' ' || "
                                                                 "coalesce(sum(RECID), 0) FROM \"%1\"").arg(t)).value(0);
        const QString got = kind == OwnServer::Postgres
                                ? server.value(QStringLiteral("SELECT count(*) || ' ' || count(DISTINCT \"RECID\") || ' ' || "
                                                              "coalesce(sum(\"RECID\"), 0) FROM \"%1\"").arg(t))
                                : server.value(QStringLiteral("SELECT CONCAT_WS(' ', count(*), count(DISTINCT `RECID`), "
                                                              "coalesce(sum(`RECID`), 0)) FROM `%1`").arg(t));
        EXPECT_EQ(got.toStdString(), want.toStdString()) << qPrintable(t);
    }
}

// Rerun of every task in Error, then the run again: it completes, every task Ended.
void rerunCompletes(const QString &plan, const QString &state)
{
    const QStringList failed = queryStrings(state, QStringLiteral("SELECT name FROM task WHERE state = 'Error'"));
    const Cli rerun = upgradectl(QStringList{QStringLiteral("rerun"), QStringLiteral("--state"), state} + failed);
    EXPECT_EQ(rerun.exitCode, 0) << qPrintable(rerun.err) << qPrintable(rerun.out);
    const Cli last = upgradectl(runArgs(plan));
    EXPECT_EQ(last.exitCode, 0) << qPrintable(last.err) << qPrintable(last.out);
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE state <> 'Ended'")), 0) << qPrintable(unfinishedTasks(state));
}

QString unfinishedTasks(const QString &state)
{
    return queryStrings(state, QStringLiteral("SELECT name || ': ' || state || ': ' || message FROM task WHERE state <> 'Ended'"))
        .join(u'\n');
}

} // namespace cockpit::test
