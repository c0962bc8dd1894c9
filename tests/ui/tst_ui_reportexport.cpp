// File > "Export report…" in the real window on a real run (a small demo run to its end): the
// action is off until the run is open, its dialog writes the report in the format of the
// file's extension, and the file holds every task of the run. Closing the window while the
// report is written waits for it.

#include "demo/demogenerator.h"
#include "run/upgraderun.h"
#include "ui/mainwindow.h"
#include "ui/reportexportaction.h"
#include "ui/tasktablemodel.h"

#include <QFile>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace cockpit;

class TestReportExport : public QObject {
    Q_OBJECT
private slots:
    void menuActionWritesTheReportOfTheOpenRun();
    void closingTheWindowWaitsForTheReport();
};

static ReportExportAction *exportAction(MainWindow &window)
{
    for (QAction *menu : window.menuBar()->actions())
        if (menu->menu())
            for (QAction *a : menu->menu()->actions())
                if (auto *e = qobject_cast<ReportExportAction *>(a))
                    return e;
    return nullptr;
}

static QString readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

void TestReportExport::menuActionWritesTheReportOfTheOpenRun()
{
    QTemporaryDir dir;
    auto plan = writeDemo(DemoOptions{dir.path(), 3000, 0.02});
    QVERIFY2(plan.ok(), plan.ok() ? "" : qPrintable(plan.error().message));
    MainWindow window;
    ReportExportAction *action = exportAction(window);
    QVERIFY(action);
    QCOMPARE(action->text(), QStringLiteral("&Export report\u2026"));
    QVERIFY(!action->isEnabled()); // no run open yet

    QSignalSpy opened(&window, &MainWindow::runOpened);
    window.openPlan(*plan);
    window.show();
    QVERIFY(opened.wait(60'000));
    QVERIFY2(opened.first().at(0).toBool(), qPrintable(opened.first().at(1).toString()));
    QVERIFY(action->isEnabled());
    QSignalSpy finished(window.run(), &UpgradeRun::finished);
    window.startRun();
    QVERIFY(finished.wait(240'000));
    window.model()->refresh();
    const int tasks = window.model()->rowCount();
    QVERIFY(tasks > 50);

    // The menu action: its dialog proposes a file beside the state file; we name an HTML file.
    QSignalSpy exported(action, &ReportExportAction::exported);
    action->trigger();
    QTRY_VERIFY(action->dialog() && action->dialog()->isVisible());
    QCOMPARE(action->dialog()->directory().absolutePath(), QFileInfo(plan->statePath).absolutePath());
    const QString html = dir.filePath(QStringLiteral("ticket-4711.html"));
    action->dialog()->selectFile(html);
    static_cast<QDialog *>(action->dialog())->accept(); // what "Save" does
    QVERIFY(exported.wait(30'000));
    QCOMPARE(exported.first().at(0).toString(), html);
    QCOMPARE(exported.first().at(1).toString(), QString());
    QVERIFY(window.statusBar()->currentMessage().startsWith(QStringLiteral("Report written to")));
    const QString page = readAll(html);
    QVERIFY(page.startsWith(QStringLiteral("<!DOCTYPE html>")));
    for (int r = 0; r < tasks; ++r) {
        const QString name = window.model()->task(r).spec.name;
        QVERIFY2(page.contains(QStringLiteral(">%1<").arg(name.toHtmlEscaped())), qPrintable(name));
    }
    QVERIFY(page.contains(QStringLiteral("All %1 tasks ended").arg(tasks)));

    // Another extension, another format: JSON with one entry per task.
    const QString json = dir.filePath(QStringLiteral("ticket-4711.json"));
    action->exportTo(json);
    QVERIFY(exported.wait(30'000));
    QCOMPARE(exported.last().at(1).toString(), QString());
    const QJsonDocument doc = QJsonDocument::fromJson(readAll(json).toUtf8());
    QCOMPARE(doc[QStringLiteral("tasks")].toArray().size(), qsizetype(tasks));
    QCOMPARE(doc[QStringLiteral("summary")][QStringLiteral("states")][QStringLiteral("Ended")].toInt(), tasks);
}

void TestReportExport::closingTheWindowWaitsForTheReport()
{
    QTemporaryDir dir;
    auto plan = writeDemo(DemoOptions{dir.path(), 3000, 0.02});
    QVERIFY2(plan.ok(), plan.ok() ? "" : qPrintable(plan.error().message));
    const QString json = dir.filePath(QStringLiteral("on-close.json"));
    int tasks = 0;
    {
        MainWindow window;
        QSignalSpy opened(&window, &MainWindow::runOpened);
        window.openPlan(*plan);
        QVERIFY(opened.wait(60'000));
        QVERIFY2(opened.first().at(0).toBool(), qPrintable(opened.first().at(1).toString()));
        tasks = window.model()->rowCount();
        exportAction(window)->exportTo(json);
    } // the window goes at once, its report job most likely still working
    // No event loop ran since: the file is complete only because the window waited for it.
    const QJsonDocument doc = QJsonDocument::fromJson(readAll(json).toUtf8());
    QVERIFY(tasks > 50);
    QCOMPARE(doc[QStringLiteral("tasks")].toArray().size(), qsizetype(tasks));
}

QTEST_MAIN(TestReportExport)
#include "tst_ui_reportexport.moc"
