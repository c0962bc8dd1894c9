// `upgradectl priority` through the real binary: against a run that another process executes
// (the command travels through the control store) and against a run nobody executes.

#include "demo/demogenerator.h"
#include "e2e/clisupport.h"
#include "support/testsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

TEST(CliPriority, SetFromAnotherProcessIsStoredAndRefusedWhereItCannotApply)
{
    QTemporaryDir dir;
    // INVENTTRANS in one chunk of small batches: its copy executes for seconds, what follows
    // it waits meanwhile.
    auto plan = writeDemo(DemoOptions{dir.path(), 300000, 0.05});
    ASSERT_TRUE(plan.ok());
    plan->scriptsDir.clear();
    plan->batchSize = 500;
    plan->chunkRows = 10'000'000;
    plan->tableOptions.clear();
    QFile f(plan->filePath);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(plan->toJson());
    f.close();
    const QString state = dir.filePath(QStringLiteral("state.db"));
    auto query = [&](const QString &sql) {
        try { // the file may exist before its tables do
            return QFileInfo::exists(state) ? queryInt(state, sql) : qint64(-1);
        } catch (const std::exception &) {
            return qint64(-1);
        }
    };
    auto priority = [&](const QStringList &args) {
        return upgradectl(QStringList{QStringLiteral("priority"), QStringLiteral("--state"), state} + args);
    };

    QProcess run;
    run.start(QStringLiteral(UPGRADECTL_PATH), {QStringLiteral("run"), QStringLiteral("--plan"), plan->filePath, QStringLiteral("--quiet")});
    ASSERT_TRUE(run.waitForStarted());
    ASSERT_TRUE(waitUntil([&] {
        return query(QStringLiteral("SELECT count(*) FROM task WHERE name = 'copy:INVENTTRANS' AND state = 'Executing'")) == 1;
    }, 60000));

    const Cli raised = priority({QStringLiteral("validate:INVENTTRANS"), QStringLiteral("7")});
    EXPECT_EQ(raised.exitCode, 0) << qPrintable(raised.err);
    EXPECT_EQ(raised.out, QStringLiteral("validate:INVENTTRANS: ok (priority set from 0 to 7 by administrator)\n"));
    // A negative N is the number, not an option; globs as for pause.
    const Cli lowered = priority({QStringLiteral("index:INVENTTRANS.*"), QStringLiteral("-1")});
    EXPECT_EQ(lowered.exitCode, 0) << qPrintable(lowered.err);
    EXPECT_TRUE(lowered.out.contains(QStringLiteral("index:INVENTTRANS.I_177ITEMIDX: ok (priority set from 0 to -1 by administrator)")))
        << qPrintable(lowered.out);
    const Cli executing = priority({QStringLiteral("copy:INVENTTRANS"), QStringLiteral("3")});
    EXPECT_EQ(executing.exitCode, 1);
    EXPECT_TRUE(executing.out.startsWith(QStringLiteral("copy:INVENTTRANS: refused (executing: the priority only orders dispatch")))
        << qPrintable(executing.out);
    const Cli unknown = priority({QStringLiteral("copy:NOSUCH"), QStringLiteral("1")});
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_EQ(unknown.out, QStringLiteral("copy:NOSUCH: refused (no task matches)\n"));

    EXPECT_EQ(query(QStringLiteral("SELECT priority FROM task WHERE name = 'validate:INVENTTRANS'")), 7);
    EXPECT_EQ(query(QStringLiteral("SELECT priority FROM task WHERE name = 'copy:INVENTTRANS'")), 0);
    EXPECT_EQ(query(QStringLiteral("SELECT count(*) FROM event WHERE task = 'validate:INVENTTRANS' AND from_state = '' "
                                   "AND message = 'priority set from 0 to 7 by administrator'")), 1);

    ASSERT_TRUE(run.waitForFinished(300000));
    EXPECT_EQ(run.exitCode(), 0) << run.readAllStandardError().toStdString();

    // Nobody runs it now: applied (here refused) by the scheduler's own rules all the same.
    const Cli ended = priority({QStringLiteral("validate:INVENTTRANS"), QStringLiteral("1")});
    EXPECT_EQ(ended.exitCode, 1);
    EXPECT_EQ(ended.out, QStringLiteral("validate:INVENTTRANS: refused (already ended)\n"));
    const Cli status = upgradectl({QStringLiteral("status"), QStringLiteral("--state"), state, QStringLiteral("--json")});
    EXPECT_TRUE(status.out.contains(QStringLiteral("\"priority\": 7"))) << qPrintable(status.out);

    // Bad input: one line, exit code 2.
    const Cli word = priority({QStringLiteral("validate:INVENTTRANS"), QStringLiteral("high")});
    EXPECT_EQ(word.exitCode, 2);
    EXPECT_EQ(word.err, QStringLiteral("upgradectl: priority: N must be a whole number, not \"high\"\n"));
    const Cli none = priority({QStringLiteral("validate:INVENTTRANS")});
    EXPECT_EQ(none.exitCode, 2);
    EXPECT_EQ(none.err, QStringLiteral("upgradectl: priority: --state S, at least one TASK and the priority N are required\n"));
}

} // namespace
