// End to end through the real binary: `upgradectl run` is killed with SIGKILL in the middle of
// copying, several times, then resumed; every table must equal the source exactly. And the CLI
// steers a run that another process executes.

#include "demo/demogenerator.h"
#include "support/testsupport.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

struct Cli {
    int exitCode = -1;
    QString out;
    QString err;
};

Cli upgradectl(const QStringList &args, int timeoutMs = 300000)
{
    QProcess p;
    p.start(QStringLiteral(UPGRADECTL_PATH), args);
    Cli r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timeout");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// A demo whose copy takes a few seconds: small batches, INVENTTRANS in chunks.
QString writePlan(const QTemporaryDir &dir, qint64 rows, int batchSize, qint64 chunkRows)
{
    auto plan = writeDemo(DemoOptions{dir.path(), rows, 0.05});
    EXPECT_TRUE(plan.ok());
    plan->batchSize = batchSize;
    plan->chunkRows = chunkRows;
    plan->tableOptions.clear();
    QFile f(plan->filePath);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(plan->toJson());
    return plan->filePath;
}

qint64 copiedRows(const QString &state)
{
    return queryInt(state, QStringLiteral("SELECT coalesce(sum(rows_done), 0) FROM task WHERE kind = 'copy'"));
}

TEST(KillAndResume, SigkillDuringCopyNeverLosesOrDuplicatesARow)
{
    QTemporaryDir dir;
    const QString plan = writePlan(dir, 600000, 1000, 150000);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    int killedMidCopy = 0;
    qint64 lastRows = -1;
    for (int delayMs : {700, 500, 900, 600, 800}) {
        QProcess p;
        p.start(QStringLiteral(UPGRADECTL_PATH), {QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")});
        ASSERT_TRUE(p.waitForStarted());
        QThread::msleep(delayMs);
        if (p.state() != QProcess::Running)
            break; // it finished before we could kill it
        p.kill(); // SIGKILL: no chance to stop cleanly
        p.waitForFinished();
        const qint64 rows = copiedRows(state);
        const qint64 total = queryInt(state, QStringLiteral("SELECT coalesce(sum(rows_total), 0) FROM task WHERE kind = 'copy'"));
        if (rows < total)
            ++killedMidCopy;
        EXPECT_GE(rows, lastRows) << "progress went backwards";
        lastRows = rows;
    }
    EXPECT_GE(killedMidCopy, 2) << "the copy finished too quickly to be killed midway";

    const Cli last = upgradectl({QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")});
    EXPECT_EQ(last.exitCode, 0) << qPrintable(last.err) << qPrintable(last.out);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), dir.filePath(QStringLiteral("target.db"))),
              QStringList());
    EXPECT_EQ(queryInt(dir.filePath(QStringLiteral("target.db")), QStringLiteral("SELECT count(*) FROM INVENTTRANS")), 600000);
    // The resumed copies were recorded as further attempts.
    EXPECT_GT(queryInt(state, QStringLiteral("SELECT max(attempts) FROM task WHERE kind = 'copy'")), 1);
}

TEST(Cli, PauseFromAnotherProcessTakesEffectWhileRunning)
{
    QTemporaryDir dir;
    const QString plan = writePlan(dir, 300000, 500, 10'000'000);
    const QString state = dir.filePath(QStringLiteral("state.db"));
    QProcess run;
    run.start(QStringLiteral(UPGRADECTL_PATH), {QStringLiteral("run"), QStringLiteral("--plan"), plan, QStringLiteral("--quiet")});
    ASSERT_TRUE(run.waitForStarted());
    // Wait until the run owns the state and has planned its tasks.
    ASSERT_TRUE(waitUntil([&] {
        try { // the file may exist before its tables do
            return QFileInfo::exists(state) && queryInt(state, QStringLiteral("SELECT count(*) FROM owner")) == 1
                   && queryInt(state, QStringLiteral("SELECT count(*) FROM task")) > 0;
        } catch (const std::exception &) {
            return false;
        }
    }, 30000));
    // INVENTTRANS copies for seconds in small batches, so what follows it is still Waiting.
    const Cli pause = upgradectl({QStringLiteral("pause"), QStringLiteral("--state"), state,
                                  QStringLiteral("index:INVENTTRANS.*"), QStringLiteral("validate:INVENTTRANS")});
    EXPECT_EQ(pause.exitCode, 0) << qPrintable(pause.err) << qPrintable(pause.out);
    EXPECT_TRUE(pause.out.contains(QStringLiteral("validate:INVENTTRANS: ok"))) << qPrintable(pause.out);
    EXPECT_TRUE(pause.out.contains(QStringLiteral("index:INVENTTRANS.I_177ITEMIDX: ok"))) << qPrintable(pause.out);
    ASSERT_TRUE(run.waitForFinished(300000));
    EXPECT_EQ(run.exitCode(), 3) << "a run with paused tasks left ends incomplete";
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE name LIKE '%INVENTTRANS%' AND state = 'Paused'")), 3);
    EXPECT_EQ(queryInt(state, QStringLiteral("SELECT count(*) FROM task WHERE name = 'validate:CUSTTABLE' AND state = 'Ended'")), 1);

    const Cli status = upgradectl({QStringLiteral("status"), QStringLiteral("--state"), state, QStringLiteral("--json")});
    EXPECT_EQ(status.exitCode, 3);
    EXPECT_TRUE(status.out.contains(QStringLiteral("\"Paused\""))) << qPrintable(status.out);

    // Nobody runs it now: resume applies directly, then run resumes the state to its end.
    const Cli resume = upgradectl({QStringLiteral("resume"), QStringLiteral("--state"), state,
                                   QStringLiteral("index:INVENTTRANS.*"), QStringLiteral("validate:INVENTTRANS")});
    EXPECT_EQ(resume.exitCode, 0) << qPrintable(resume.err) << qPrintable(resume.out);
    const Cli again = upgradectl({QStringLiteral("run"), QStringLiteral("--state"), state, QStringLiteral("--quiet")});
    EXPECT_EQ(again.exitCode, 0) << qPrintable(again.err) << qPrintable(again.out);
    EXPECT_TRUE(again.out.contains(QStringLiteral("validate:INVENTTRANS"))) << qPrintable(again.out);
    EXPECT_EQ(tableDifferences(dir.filePath(QStringLiteral("source.db")), dir.filePath(QStringLiteral("target.db"))),
              QStringList());
}

TEST(Cli, BadInputExitsWithTwoAndOneLine)
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("bad.json")));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("{\"source\": \"sqlite:a.db\",\n \"target\": 42}\n");
    f.close();
    const Cli bad = upgradectl({QStringLiteral("run"), QStringLiteral("--plan"), f.fileName()});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_TRUE(bad.err.contains(QStringLiteral("bad.json:2:"))) << qPrintable(bad.err);
    EXPECT_EQ(bad.err.trimmed().count(u'\n'), 0) << qPrintable(bad.err);

    const Cli missing = upgradectl({QStringLiteral("run"), QStringLiteral("--source"), QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("none.db")),
                                    QStringLiteral("--target"), QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("t.db")),
                                    QStringLiteral("--state"), dir.filePath(QStringLiteral("s.db"))});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_TRUE(missing.err.contains(QStringLiteral("does not exist"))) << qPrintable(missing.err);

    const Cli unknown = upgradectl({QStringLiteral("frobnicate")});
    EXPECT_EQ(unknown.exitCode, 2);
}

} // namespace
