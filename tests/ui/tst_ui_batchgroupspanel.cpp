// BatchGroupsPanel on a real UpgradeRun over a small SQLite demo: the groups with their
// threads, a typed thread limit reaching the run (and surviving refreshes while typed),
// Remove worker holding the group's tasks and Add worker back letting the run end, what the
// workers execute, and the dock in the window.

#include "demo/demogenerator.h"
#include "run/upgraderun.h"
#include "ui/batchgroupspanel.h"
#include "ui/mainwindow.h"

#include <QDockWidget>
#include <QStatusBar>
#include <QLineEdit>
#include <QMenuBar>
#include <QToolButton>
#include <QMenu>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace cockpit;

namespace {

const QString kCopy = QStringLiteral("copy");
const QString kPost = QStringLiteral("post");

GroupView groupOf(const UpgradeRun &run, const QString &name)
{
    for (const auto &g : run.snapshot(std::numeric_limits<quint64>::max()).groups)
        if (g.name == name)
            return g;
    return {};
}

} // namespace

class TestBatchGroupsPanel : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void listsEveryGroupWithItsThreadsAndIdleWorkers();
    void typedThreadLimitReachesTheRunAndSurvivesRefreshesWhileTyped();
    void removeWorkerHoldsTheGroupAndAddBackLetsTheRunEnd();
    void refusedRequestIsShown();
    void workersTableShowsThisProcessAndOtherWorkersWithLateHeartbeats();
    void windowHasTheDockTabbedAfterTheTimeline();

private:
    bool open(qint64 inventTransRows = 2000, int batchSize = 20000);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<UpgradeRun> m_run;
    std::unique_ptr<BatchGroupsPanel> m_panel;
    Plan m_plan;
};

void TestBatchGroupsPanel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestBatchGroupsPanel::cleanup()
{
    m_panel.reset();
    m_run.reset();
    m_dir.reset();
}

bool TestBatchGroupsPanel::open(qint64 inventTransRows, int batchSize)
{
    auto plan = writeDemo(DemoOptions{m_dir->path(), inventTransRows, 0.05});
    if (!plan) {
        qWarning("writeDemo: %s", qPrintable(plan.error().message));
        return false;
    }
    m_plan = *plan;
    m_plan.scriptsDir.clear();
    m_plan.batchSize = batchSize;
    m_plan.tableOptions.clear();
    m_plan.groups = {BatchGroup{kCopy, 2, {QStringLiteral("prepare:*"), QStringLiteral("copy:*")}},
                     BatchGroup{kPost, 3, {QStringLiteral("*")}}};
    m_run = std::make_unique<UpgradeRun>();
    QSignalSpy opened(m_run.get(), &UpgradeRun::opened);
    m_run->open(m_plan);
    if (!opened.wait(60'000) || !opened.first().at(0).toBool()) {
        qWarning("open failed: %s", opened.isEmpty() ? "timeout" : qPrintable(opened.first().at(1).toString()));
        return false;
    }
    m_panel = std::make_unique<BatchGroupsPanel>();
    m_panel->resize(900, 240);
    m_panel->setRun(m_run.get());
    m_panel->show();
    return QTest::qWaitForWindowExposed(m_panel.get());
}

void TestBatchGroupsPanel::listsEveryGroupWithItsThreadsAndIdleWorkers()
{
    QVERIFY(open());
    QTableWidget *table = m_panel->table();
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, BatchGroupsPanel::GroupColumn)->text(), kCopy);
    QCOMPARE(table->item(1, BatchGroupsPanel::GroupColumn)->text(), kPost);
    QCOMPARE(m_panel->threadsEditor(kCopy)->value(), 2);
    QCOMPARE(m_panel->threadsEditor(kPost)->value(), 3);
    QCOMPARE(m_panel->workerText(kCopy), QStringLiteral("has worker"));
    QCOMPARE(m_panel->workerButton(kCopy)->text(), QStringLiteral("Remove worker"));
    QCOMPARE(m_panel->executingText(kPost), QStringLiteral("idle, idle, idle"));
    // Before Run every task of a group waits: the counts are the run's.
    const GroupView copy = groupOf(*m_run, kCopy);
    QVERIFY(copy.waiting > 0);
    QCOMPARE(table->item(0, BatchGroupsPanel::WaitingColumn)->text(), QString::number(copy.waiting));
    QCOMPARE(table->item(0, BatchGroupsPanel::ReadyColumn)->text(), QStringLiteral("0"));
    // On one machine this process is the only worker, with every group's threads.
    QTableWidget *workers = m_panel->workersTable();
    QCOMPARE(workers->rowCount(), 1);
    QCOMPARE(workers->item(0, BatchGroupsPanel::WorkerThreadsColumn)->text(), QStringLiteral("5"));
    QCOMPARE(workers->item(0, BatchGroupsPanel::WorkerGroupsColumn)->text(), QStringLiteral("copy, post"));
    QCOMPARE(workers->item(0, BatchGroupsPanel::WorkerHeartbeatColumn)->text(), QStringLiteral("this process"));
    QCOMPARE(workers->item(0, BatchGroupsPanel::WorkerExecutingColumn)->text(), QStringLiteral("idle"));
}

void TestBatchGroupsPanel::typedThreadLimitReachesTheRunAndSurvivesRefreshesWhileTyped()
{
    QVERIFY(open());
    QSpinBox *threads = m_panel->threadsEditor(kPost);
    threads->setFocus();
    QTRY_VERIFY(threads->hasFocus());
    threads->selectAll();
    QTest::keyClicks(threads, QStringLiteral("7"));
    // Refreshes while the administrator types do not overwrite the number.
    m_panel->refresh();
    m_panel->refresh();
    QCOMPARE(threads->text(), QStringLiteral("7"));
    QCOMPARE(groupOf(*m_run, kPost).threads, 3); // not sent before it is entered

    QSignalSpy answered(m_panel.get(), &BatchGroupsPanel::answered);
    QTest::keyClick(threads, Qt::Key_Return);
    QVERIFY(answered.wait(10'000));
    QCOMPARE(answered.first().at(0).toString(), QStringLiteral("threads of batch group post set from 3 to 7 by administrator"));
    QCOMPARE(groupOf(*m_run, kPost).threads, 7);
    m_panel->refresh();
    QCOMPARE(threads->value(), 7);
    QCOMPARE(m_panel->executingText(kPost).count(QStringLiteral("idle")), 7);
}

void TestBatchGroupsPanel::removeWorkerHoldsTheGroupAndAddBackLetsTheRunEnd()
{
    QVERIFY(open(60000, 500)); // INVENTTRANS copies for a while, in small batches
    QToolButton *button = m_panel->workerButton(kCopy);
    QSignalSpy answered(m_panel.get(), &BatchGroupsPanel::answered);
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_COMPARE(m_panel->workerText(kCopy), QStringLiteral("removed"));
    QCOMPARE(button->text(), QStringLiteral("Add worker back"));
    QTRY_COMPARE(answered.size(), 1);
    QVERIFY(answered.first().at(0).toString().startsWith(QStringLiteral("worker removed from batch group copy")));

    // Run: nothing of the group is dispatched (and nothing of post, which needs the copies).
    bool finished = false;
    connect(m_run.get(), &UpgradeRun::finished, this, [&] { finished = true; });
    m_run->start();
    QTRY_VERIFY(m_run->snapshot().summary.dispatching);
    const QString reason = QStringLiteral("batch group copy has no worker (removed by the administrator)");
    for (const TaskView &t : m_run->snapshot().tasks)
        if (t.spec.group == kCopy) {
            QCOMPARE(toString(t.status.state), toString(TaskState::Waiting));
            QCOMPARE(t.waitReason, reason);
        }
    m_panel->refresh();
    QCOMPARE(m_panel->executingText(kCopy), QStringLiteral("idle, idle"));
    QCOMPARE(m_panel->table()->item(0, BatchGroupsPanel::ReadyColumn)->text(), QStringLiteral("0"));
    // The worker no longer takes the removed group's tasks, nor counts its threads.
    QCOMPARE(m_panel->workersTable()->item(0, BatchGroupsPanel::WorkerGroupsColumn)->text(), kPost);
    QCOMPARE(m_panel->workersTable()->item(0, BatchGroupsPanel::WorkerThreadsColumn)->text(), QStringLiteral("3"));

    // Add back: the copies run (the panel names what each worker executes) and the run ends.
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_COMPARE(m_panel->workerText(kCopy), QStringLiteral("has worker"));
    QCOMPARE(button->text(), QStringLiteral("Remove worker"));
    bool sawCopyExecuting = false;
    QTimer refresher;
    connect(&refresher, &QTimer::timeout, this, [&] {
        m_panel->refresh();
        const QString shown = m_panel->executingText(kCopy);
        if (shown.contains(QStringLiteral("copy:INVENTTRANS"))) {
            sawCopyExecuting = true;
            QVERIFY(m_panel->workersTable()->item(0, BatchGroupsPanel::WorkerExecutingColumn)->text().contains(
                QStringLiteral("copy:INVENTTRANS")));
            // One entry per worker thread: the 2 threads, busy or idle.
            QCOMPARE(shown.split(QStringLiteral(", ")).size(), 2);
        }
    });
    refresher.start(20);
    QTRY_VERIFY_WITH_TIMEOUT(finished, 120'000);
    refresher.stop();
    QVERIFY(sawCopyExecuting);
    for (const TaskView &t : m_run->snapshot().tasks)
        QCOMPARE(toString(t.status.state), toString(TaskState::Ended));
    m_panel->refresh();
    QCOMPARE(m_panel->executingText(kCopy), QStringLiteral("idle, idle"));
    QCOMPARE(m_panel->table()->item(0, BatchGroupsPanel::WaitingColumn)->text(), QStringLiteral("0"));
}

void TestBatchGroupsPanel::refusedRequestIsShown()
{
    QVERIFY(open());
    QSignalSpy answered(m_panel.get(), &BatchGroupsPanel::answered);
    m_run->setGroupThreads(kCopy, 300); // the spin box cannot; another client could
    QVERIFY(answered.wait(10'000));
    QCOMPARE(answered.first().at(0).toString(),
             QStringLiteral("Refused: threads of batch group copy must be between 1 and 256, not 300"));
    QCOMPARE(m_panel->threadsEditor(kCopy)->value(), 2);
}

void TestBatchGroupsPanel::workersTableShowsThisProcessAndOtherWorkersWithLateHeartbeats()
{
    // The rows as a shared run's snapshot gives them (three `upgradectl worker`s, one silent).
    BatchGroupsPanel panel;
    panel.resize(900, 240);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    WorkerView a{QStringLiteral("w1"), QStringLiteral("aos1"), 101, 4, {kCopy, kPost}, 1.2, {QStringLiteral("copy:INVENTTRANS#1")}, false};
    WorkerView b{QStringLiteral("w2"), QStringLiteral("aos2"), 202, 2, {kPost}, 40, {}, false};
    WorkerView c{QStringLiteral("gui"), QStringLiteral("desk"), 303, 0, {}, 0, {}, true};
    // w2 was removed from copy alone.
    panel.showGroups({GroupView{kCopy, 2, false, {QStringLiteral("w2")}, {}, 0, 0}, GroupView{kPost, 2, false, {}, {}, 0, 0}});
    panel.showWorkers({a, b, c});
    QTableWidget *t = panel.workersTable();
    QCOMPARE(t->rowCount(), 3);
    QCOMPARE(t->item(0, BatchGroupsPanel::WorkerNameColumn)->text(), QStringLiteral("w1"));
    QCOMPARE(t->item(0, BatchGroupsPanel::WorkerHostColumn)->text(), QStringLiteral("aos1"));
    QCOMPARE(t->item(0, BatchGroupsPanel::WorkerHeartbeatColumn)->text(), QStringLiteral("1 s ago"));
    QVERIFY(t->item(0, BatchGroupsPanel::WorkerHeartbeatColumn)->toolTip().isEmpty());
    QCOMPARE(t->item(0, BatchGroupsPanel::WorkerExecutingColumn)->text(), QStringLiteral("copy:INVENTTRANS#1"));
    QCOMPARE(t->item(1, BatchGroupsPanel::WorkerHeartbeatColumn)->text(), QStringLiteral("40 s ago"));
    QVERIFY(t->item(1, BatchGroupsPanel::WorkerHeartbeatColumn)->toolTip().contains(QStringLiteral("may be gone")));
    QVERIFY(!t->item(1, BatchGroupsPanel::WorkerHeartbeatColumn)->icon().isNull());
    QCOMPARE(t->item(1, BatchGroupsPanel::WorkerExecutingColumn)->text(), QStringLiteral("idle"));
    QCOMPARE(t->item(1, BatchGroupsPanel::WorkerGroupsColumn)->text(), QStringLiteral("post (removed from copy)"));
    QCOMPARE(t->item(2, BatchGroupsPanel::WorkerGroupsColumn)->text(), QStringLiteral("none"));
    // Its row's menu adds it back to copy and removes it from post.
    QMenu menu;
    panel.fillWorkerMenu(menu, QStringLiteral("w2"));
    QStringList entries;
    for (const QAction *action : menu.actions())
        entries << action->text();
    QCOMPARE(entries, (QStringList{QStringLiteral("Add w2 back to batch group copy"), QStringLiteral("Remove w2 from batch group post")}));
    QCOMPARE(t->item(2, BatchGroupsPanel::WorkerHeartbeatColumn)->text(), QStringLiteral("this process"));
    // One worker fewer: its row goes.
    panel.showWorkers({a, c});
    QCOMPARE(t->rowCount(), 2);
    QCOMPARE(t->item(1, BatchGroupsPanel::WorkerNameColumn)->text(), QStringLiteral("gui"));
}

void TestBatchGroupsPanel::windowHasTheDockTabbedAfterTheTimeline()
{
    MainWindow window;
    auto *dock = window.findChild<QDockWidget *>(QStringLiteral("batchGroupsDock"));
    QVERIFY(dock);
    QCOMPARE(dock->widget(), window.batchGroupsPanel());
    auto *timeline = window.findChild<QDockWidget *>(QStringLiteral("timelineDock"));
    QVERIFY(window.tabifiedDockWidgets(timeline).contains(dock));
    auto *view = window.menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu"));
    QVERIFY(view->actions().contains(dock->toggleViewAction()));
    // The run's answers show in the status bar.
    Q_EMIT window.batchGroupsPanel()->answered(QStringLiteral("threads of batch group copy set from 2 to 4 by administrator"));
    QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("threads of batch group copy set from 2 to 4 by administrator"));
}

QTEST_MAIN(TestBatchGroupsPanel)
#include "tst_ui_batchgroupspanel.moc"
