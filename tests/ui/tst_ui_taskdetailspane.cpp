// The details pane on real widgets: a failing script's statement is highlighted at the line
// the task's error names, a check failure at its header line, and other tasks show no SQL.
#include "ui/taskdetailspane.h"
#include "demo/demogenerator.h"
#include "run/upgraderun.h"
#include "ui/ratesparkline.h"

#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace cockpit;

class TestTaskDetailsPane : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    Plan m_plan;

    TaskView scriptTask(TaskState state, const QString &message)
    {
        TaskView t;
        t.spec.name = QStringLiteral("script:fix");
        t.spec.kind = TaskKind::Script;
        t.spec.object = QStringLiteral("fix");
        t.spec.dependsOn = {QStringLiteral("copy:SALESLINE")};
        t.status.state = state;
        t.status.attempts = 1;
        t.status.message = message;
        return t;
    }

private slots:
    void initTestCase()
    {
        m_plan.scriptsDir = m_dir.path();
        m_plan.target.engine = EngineKind::SQLite;
        QFile f(m_dir.filePath(QStringLiteral("fix.sql")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("-- depends: copy:SALESLINE\n"                       // 1
                "-- check: SELECT 1 FROM SALESLINE WHERE QTY < 0\n"   // 2
                "CREATE TABLE NEWT (X integer);\n"                     // 3
                "UPDATE SALESLINE\n"                                   // 4
                "   SET NOSUCHCOLUMN = 1\n"                            // 5
                " WHERE RECID > 0;\n"                                  // 6
                "INSERT INTO NEWT VALUES (1);\n");                     // 7
    }

    void failingStatementIsHighlightedOverItsLines()
    {
        TaskDetailsPane pane;
        pane.resize(700, 400);
        pane.show();
        pane.showTask(scriptTask(TaskState::Error, QStringLiteral("fix.sql:4: statement 2 of 3 failed: no such column: NOSUCHCOLUMN")), m_plan);
        QVERIFY(pane.sqlView()->isVisible());
        QCOMPARE(pane.highlightedLines(), std::make_pair(4, 6));
        QCOMPARE(pane.sqlView()->extraSelections().size(), 3);
        QVERIFY(pane.sqlView()->toPlainText().contains(QStringLiteral("4  UPDATE SALESLINE")));
        QCOMPARE(pane.sqlView()->textCursor().blockNumber(), 3); // scrolled to the statement
        const QString summary = pane.summaryLabel()->text();
        QVERIFY2(summary.contains(QStringLiteral("<b>Error:</b> fix.sql:4: statement 2 of 3 failed")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("transaction: single")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("3 statements, 1 check")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("Depends on: copy:SALESLINE")), qPrintable(summary));

        if (const QString shots = qEnvironmentVariable("COCKPIT_SCREENSHOT_DIR"); !shots.isEmpty())
            pane.grab().save(shots + QStringLiteral("/details-script-error.png"));
        // A refresh with the same task keeps the header and the marks.
        pane.showTask(scriptTask(TaskState::Error, QStringLiteral("fix.sql:4: statement 2 of 3 failed: no such column: NOSUCHCOLUMN")), m_plan);
        QVERIFY(pane.summaryLabel()->text().contains(QStringLiteral("transaction: single")));
        QCOMPARE(pane.highlightedLines(), std::make_pair(4, 6));
    }

    void failedCheckIsHighlightedAtItsHeaderLine()
    {
        TaskDetailsPane pane;
        pane.showTask(scriptTask(TaskState::Error, QStringLiteral("fix.sql:2: check returned rows (it must return none): (1)")), m_plan);
        QCOMPARE(pane.highlightedLines(), std::make_pair(2, 2));
        QCOMPARE(pane.sqlView()->extraSelections().size(), 1);
    }

    void endedScriptAndOtherTasksHighlightNothing()
    {
        TaskDetailsPane pane;
        pane.show();
        pane.showTask(scriptTask(TaskState::Ended, QStringLiteral("3 statements run, 1 check passed in 0.1 s")), m_plan);
        QCOMPARE(pane.highlightedLines(), std::make_pair(0, 0));
        QVERIFY(pane.sqlView()->isVisible());
        TaskView copy;
        copy.spec.name = QStringLiteral("copy:SALESLINE");
        copy.spec.kind = TaskKind::Copy;
        copy.status.state = TaskState::Executing;
        pane.showTask(copy, m_plan);
        QVERIFY(!pane.sqlView()->isVisible());
        QVERIFY(pane.summaryLabel()->text().contains(QStringLiteral("Bulk copy")));
        TaskView finalize;
        finalize.spec.name = QStringLiteral("finalize");
        finalize.spec.kind = TaskKind::Finalize;
        for (int i = 0; i < 10000; ++i)
            finalize.spec.dependsOn << QStringLiteral("copy:T%1").arg(i);
        pane.showTask(finalize, m_plan);
        QVERIFY2(pane.summaryLabel()->text().contains(QStringLiteral("Waits for: copy:T0, copy:T1, copy:T2, copy:T3, copy:T4, copy:T5 and 9994 more")),
                 qPrintable(pane.summaryLabel()->text().left(300)));
        pane.showTask(std::nullopt, m_plan);
        QCOMPARE(pane.summaryLabel()->text(), QStringLiteral("Select one task to see its details."));
    }

    // A real run's state file: the attempts tab lists the task's state changes and the log tab
    // its log lines, read on a worker thread; rows/s samples draw the sparkline.
    void attemptsAndLogComeFromTheStateFileAndRatesDrawTheSparkline()
    {
        QTemporaryDir dir;
        auto plan = writeDemo(DemoOptions{dir.path(), 2000, 0.02});
        QVERIFY(plan.ok());
        plan->scriptsDir.clear();
        UpgradeRun run;
        QSignalSpy opened(&run, &UpgradeRun::opened);
        run.open(*plan);
        QVERIFY(opened.wait(60000));
        QVERIFY(opened.first().at(0).toBool());
        QSignalSpy finished(&run, &UpgradeRun::finished);
        run.start();
        QVERIFY(finished.wait(120000));
        TaskView copy;
        for (const TaskView &t : run.snapshot().tasks)
            if (t.spec.name == QLatin1String("copy:SALESLINE"))
                copy = t;
        QVERIFY(copy.status.state == TaskState::Ended);

        TaskDetailsPane pane;
        pane.setStatePath(plan->statePath);
        pane.showTask(copy, *plan);
        QTRY_VERIFY_WITH_TIMEOUT(pane.historyView()->text().contains(QStringLiteral("(attempt 1)")), 10000);
        QVERIFY2(pane.historyView()->text().contains(QStringLiteral("<b>Ended</b>")), qPrintable(pane.historyView()->text()));
        QTRY_VERIFY_WITH_TIMEOUT(pane.logView()->toPlainText().contains(QStringLiteral("rows")), 10000);
        QVERIFY2(pane.summaryLabel()->text().contains(QStringLiteral("Rows: ")), qPrintable(pane.summaryLabel()->text()));

        copy.status.state = TaskState::Executing;
        for (double rate : {1000.0, 3000.0, 2000.0}) {
            copy.rowsPerSecond = rate;
            pane.showTask(copy, *plan);
        }
        QCOMPARE(pane.sparkline()->samples().size(), size_t(3));
        QCOMPARE(pane.sparkline()->samples().back(), 2000.0);
        QVERIFY(!pane.sparkline()->isHidden());
    }
};

QTEST_MAIN(TestTaskDetailsPane)
#include "tst_ui_taskdetailspane.moc"
