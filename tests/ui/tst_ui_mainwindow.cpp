// MainWindow against a real run: a small demo (5,000 INVENTTRANS rows) written into a
// temporary folder, opened through UpgradeRun, driven through the window's actions.

#include "demo/demogenerator.h"
#include "engine/credentials.h"
#include "engine/dbconnection.h"
#include "fakerun.h"
#include "run/upgraderun.h"
#include "ui/logpane.h"
#include "ui/mainwindow.h"
#include "ui/passworddialog.h"
#include "ui/runsummarybar.h"
#include "ui/taskdetailspane.h"
#include "ui/taskfilterproxymodel.h"
#include "ui/taskstatepresentation.h"
#include "ui/tasktablemodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QAction>
#include <QApplication>
#include <QInputDialog>
#include <QSqlQuery>
#include <QTimer>
#include <QUuid>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QScopeGuard>
#include <memory>

using namespace cockpit;
using Command = MainWindow::Command;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void gridShowsThePlansTasks();
    void actionsAreEnabledByTheSelectedTasksState();
    void pausingAWaitingTaskShowsPausedBeforeRun();
    void raisingAndLoweringPriorityPostsTheChangeAndShowsIt();
    void fullRunEndsWithEveryTaskEnded();
    void closingWhileRunningStopsAtTheNextBatchFirst();
    void refusalsAreShownInTheStatusBarAndLog();
    void demoIsWrittenOnAWorkerThreadOnFirstStart();
    void tenThousandSelectedTasksUpdateAndEnableActions();
    void refusedPasswordIsAskedForAndKeptInMemoryOnly();
    void openControlStoreUrlShowsARunKeptInPostgres();
    void summaryBarFitsANarrowWindowWithoutOverlaps();

private:
    // Writes a fresh demo and opens it in a new window; false (and a test failure) on error.
    bool openDemo(qint64 inventTransRows = 5000);
    QString firstTaskIn(TaskState state, TaskKind kind) const;
    // The stable state name in the grid's StateRole ("Paused"), for readable QCOMPARE output.
    QString stateInGrid(const QString &task) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    Plan m_plan;
};

void TestMainWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestMainWindow::cleanup()
{
    m_tester.reset();
    m_window.reset(); // the run's destructor stops whatever is still executing
    m_dir.reset();
}

bool TestMainWindow::openDemo(qint64 inventTransRows)
{
    auto plan = writeDemo(DemoOptions{m_dir->path(), inventTransRows, 0.05});
    if (!plan) {
        qWarning("writeDemo: %s", qPrintable(plan.error().message));
        return false;
    }
    m_plan = *plan;
    m_window = std::make_unique<MainWindow>();
    m_window->setConfirmDestructiveActions(false);
    m_window->setPreflightBeforeRun(false); // Run's preflight: tst_ui_preflightdialog
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_window->model(), QAbstractItemModelTester::FailureReportingMode::Warning);
    QSignalSpy opened(m_window.get(), &MainWindow::runOpened);
    m_window->openPlan(m_plan);
    m_window->show();
    if (!QTest::qWaitForWindowExposed(m_window.get()))
        return false;
    if (!opened.wait(60'000)) {
        qWarning("the run did not open");
        return false;
    }
    if (!opened.first().at(0).toBool()) {
        qWarning("open failed: %s", qPrintable(opened.first().at(1).toString()));
        return false;
    }
    return true;
}

QString TestMainWindow::firstTaskIn(TaskState state, TaskKind kind) const
{
    const TaskTableModel *model = m_window->model();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->task(r).status.state == state && model->task(r).spec.kind == kind)
            return model->task(r).spec.name;
    }
    return {};
}

QString TestMainWindow::stateInGrid(const QString &task) const
{
    const TaskTableModel *model = m_window->model();
    const int row = model->rowOfTask(task);
    return toString(static_cast<TaskState>(
        model->index(row, TaskTableModel::StateColumn).data(TaskTableModel::StateRole).toInt()));
}

void TestMainWindow::gridShowsThePlansTasks()
{
    QVERIFY(openDemo());
    QCOMPARE(m_window->windowTitle(),
             QStringLiteral("Data upgrade cockpit (%1)").arg(m_plan.title()));

    const RunSnapshot snapshot = m_window->run()->snapshot(0);
    QVERIFY(!snapshot.tasks.isEmpty());
    QTableView *view = m_window->view();
    QCOMPARE(view->model()->rowCount(), snapshot.tasks.size());

    QVector<TaskView> expected = snapshot.tasks;
    std::sort(expected.begin(), expected.end(),
              [](const TaskView &a, const TaskView &b) { return a.spec.ordinal < b.spec.ordinal; });
    for (int r = 0; r < expected.size(); ++r) {
        QCOMPARE(view->model()->index(r, TaskTableModel::TaskColumn).data().toString(),
                 expected[r].spec.name);
        QCOMPARE(view->model()->index(r, TaskTableModel::StateColumn).data().toString(),
                 TaskStatePresentation::label(expected[r].status.state));
    }
    // The demo copies INVENTTRANS in chunks and shows its rows to copy.
    QVERIFY(!firstTaskIn(TaskState::Waiting, TaskKind::Copy).isEmpty());
    QVERIFY(m_window->summaryBar()->countsText().contains(
        TaskStatePresentation::label(TaskState::Waiting)));
    QVERIFY(m_window->action(Command::Run)->isEnabled());
    QCOMPARE(m_window->action(Command::Run)->text(), QStringLiteral("Run"));
    QVERIFY(!m_window->action(Command::Stop)->isEnabled());
}

void TestMainWindow::actionsAreEnabledByTheSelectedTasksState()
{
    QVERIFY(openDemo());
    // Nothing selected: the task actions are off and say why.
    QVERIFY(!m_window->action(Command::Pause)->isEnabled());
    QVERIFY(m_window->action(Command::Pause)->toolTip().contains(QStringLiteral("select")));

    const QString task = firstTaskIn(TaskState::Waiting, TaskKind::Copy);
    QVERIFY(!task.isEmpty());
    m_window->selectTasks({task});
    QCOMPARE(m_window->selectedTaskNames(), QStringList{task});

    QVERIFY(m_window->action(Command::Pause)->isEnabled());
    QVERIFY(m_window->action(Command::Cancel)->isEnabled());
    QVERIFY(m_window->action(Command::Skip)->isEnabled());
    QAction *resume = m_window->action(Command::Resume);
    QVERIFY(!resume->isEnabled());
    // The reason is the rules' own, not a copy of them.
    const QString why = checkAction(TaskAction::Resume, TaskState::Waiting, true).reason;
    QVERIFY(!why.isEmpty());
    QVERIFY2(resume->toolTip().contains(why), qPrintable(resume->toolTip()));
    QVERIFY(resume->toolTip().contains(task));
    QVERIFY(!m_window->action(Command::Rerun)->isEnabled());
    QVERIFY(m_window->action(Command::Rerun)->toolTip().contains(
        checkAction(TaskAction::Rerun, TaskState::Waiting, true).reason));
}

void TestMainWindow::pausingAWaitingTaskShowsPausedBeforeRun()
{
    QVERIFY(openDemo());
    const QString task = firstTaskIn(TaskState::Waiting, TaskKind::Copy);
    QVERIFY(!task.isEmpty());
    m_window->selectTasks({task});
    QSignalSpy done(m_window->run(), &UpgradeRun::actionDone);
    m_window->action(Command::Pause)->trigger();
    QVERIFY(done.wait(10'000));
    QVERIFY2(done.first().at(2).toBool(), qPrintable(done.first().at(3).toString()));

    QTRY_COMPARE_WITH_TIMEOUT(stateInGrid(task), toString(TaskState::Paused), 5000);
    const int row = m_window->model()->rowOfTask(task);
    QCOMPARE(m_window->model()->index(row, TaskTableModel::StateColumn).data().toString(),
             TaskStatePresentation::label(TaskState::Paused));
    // The selection stays; the actions follow the new state.
    QTRY_VERIFY(m_window->action(Command::Resume)->isEnabled());
    QVERIFY(!m_window->action(Command::Pause)->isEnabled());
    QVERIFY(m_window->action(Command::ResumeAll)->isEnabled());
    QVERIFY(m_window->summaryBar()->countsText().contains(
        TaskStatePresentation::label(TaskState::Paused)));

    m_window->action(Command::Resume)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(stateInGrid(task), toString(TaskState::Waiting), 5000);
}

void TestMainWindow::raisingAndLoweringPriorityPostsTheChangeAndShowsIt()
{
    QVERIFY(openDemo());
    auto *raise = m_window->findChild<QAction *>(QStringLiteral("actionRaisePriority"));
    auto *lower = m_window->findChild<QAction *>(QStringLiteral("actionLowerPriority"));
    QVERIFY(raise && lower);
    QVERIFY(!raise->isEnabled()); // nothing selected
    QVERIFY(raise->toolTip().contains(QStringLiteral("select")));

    const QString task = firstTaskIn(TaskState::Waiting, TaskKind::Copy);
    QVERIFY(!task.isEmpty());
    m_window->selectTasks({task});
    QTRY_VERIFY(raise->isEnabled());
    QVERIFY(lower->isEnabled());
    const int row = m_window->model()->rowOfTask(task);
    auto priorityInGrid = [&] {
        return m_window->model()->index(row, TaskTableModel::PriorityColumn).data().toString();
    };
    QCOMPARE(priorityInGrid(), QStringLiteral("0"));

    QSignalSpy done(m_window->run(), &UpgradeRun::priorityDone);
    raise->trigger();
    QVERIFY(done.wait(10'000));
    QCOMPARE(done.first().at(0).toString(), task);
    QVERIFY2(done.first().at(1).toBool(), qPrintable(done.first().at(2).toString()));
    QCOMPARE(done.first().at(2).toString(), QStringLiteral("priority set from 0 to 1 by administrator"));
    QTRY_COMPARE(priorityInGrid(), QStringLiteral("1"));
    QTRY_VERIFY2(m_window->detailsPane()->summaryLabel()->text().contains(QStringLiteral("priority 1")), qPrintable(m_window->detailsPane()->summaryLabel()->text()));
    // Recorded in the task's history as the administrator's action.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->detailsPane()->historyView()->text().contains(
                                 QStringLiteral("priority set from 0 to 1 by administrator")), 10000);
    lower->trigger();
    QTRY_COMPARE(priorityInGrid(), QStringLiteral("0"));
    lower->trigger();
    QTRY_COMPARE(priorityInGrid(), QStringLiteral("-1"));
    for (const TaskView &t : m_window->run()->snapshot(0).tasks) {
        if (t.spec.name == task) {
            QCOMPARE(t.spec.priority, -1);
        }
    }

    // An ended task takes no priority: the actions are off and say why.
    m_window->action(Command::Skip)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(stateInGrid(task), toString(TaskState::Ended), 5000);
    QTRY_VERIFY(!raise->isEnabled());
    QVERIFY2(raise->toolTip().contains(QStringLiteral("already ended")), qPrintable(raise->toolTip()));
    QVERIFY(!lower->isEnabled());
}

void TestMainWindow::fullRunEndsWithEveryTaskEnded()
{
    QVERIFY(openDemo());
    QSignalSpy finished(m_window->run(), &UpgradeRun::finished);
    QAction *run = m_window->action(Command::Run);
    QVERIFY(run->isEnabled());
    run->trigger();
    QVERIFY(!run->isEnabled()); // no second Run while running
    QVERIFY(run->toolTip().contains(QStringLiteral("already running")));
    QVERIFY(finished.wait(240'000));

    TaskTableModel *model = m_window->model();
    model->refresh();
    auto notEnded = [model] {
        QStringList out;
        for (int r = 0; r < model->rowCount(); ++r) {
            const TaskView &t = model->task(r);
            if (t.status.state != TaskState::Ended)
                out << QStringLiteral("%1 %2: %3").arg(t.spec.name, toString(t.status.state),
                                                       t.status.message + t.waitReason);
        }
        return out.join(QLatin1Char('\n'));
    };
    QTRY_VERIFY2_WITH_TIMEOUT(model->summary().count(TaskState::Ended) == model->rowCount(),
                              qPrintable(notEnded()), 5000);
    for (int r = 0; r < model->rowCount(); ++r) {
        QCOMPARE(stateInGrid(model->task(r).spec.name), toString(TaskState::Ended));
        const QVariant progress =
            model->index(r, TaskTableModel::ProgressColumn).data(TaskTableModel::ProgressRole);
        if (model->task(r).spec.kind == TaskKind::Copy)
            QCOMPARE(progress.toInt(), 1000); // a full bar
        else if (progress.isValid())
            QCOMPARE(progress.toInt(), 1000);
    }
    QVERIFY(model->summary().rowsDone > 0);
    QCOMPARE(m_window->summaryBar()->progressBar()->value(), 1000);
    QTRY_COMPARE(run->text(), QStringLiteral("Continue"));
    QVERIFY(!run->isEnabled()); // nothing left to run
    QVERIFY(!m_window->action(Command::Stop)->isEnabled());
}

void TestMainWindow::closingWhileRunningStopsAtTheNextBatchFirst()
{
    QVERIFY(openDemo(400'000));
    QSignalSpy stopped(m_window->run(), &UpgradeRun::stopped);
    QSignalSpy finished(m_window->run(), &UpgradeRun::finished);
    m_window->action(Command::Run)->trigger();
    // Wait until a copy is executing.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->model()->summary().count(TaskState::Executing) > 0
                                 || !finished.isEmpty(),
                             60'000);
    if (!finished.isEmpty())
        QSKIP("the run finished before it could be interrupted");

    m_window->closePausingRun(); // not closed yet: stopping first
    QVERIFY(m_window->isVisible());
    QVERIFY(m_window->isStopping());
    QVERIFY(!m_window->action(Command::Run)->isEnabled());
    QVERIFY(stopped.wait(60'000) || !stopped.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), 5000);

    // The state was persisted: a new window on the same plan continues.
    m_tester.reset();
    m_window.reset();
    m_window = std::make_unique<MainWindow>();
    QSignalSpy opened(m_window.get(), &MainWindow::runOpened);
    m_window->openPlan(m_plan);
    QVERIFY(opened.wait(60'000));
    QVERIFY(opened.first().at(0).toBool());
    QCOMPARE(m_window->action(Command::Run)->text(), QStringLiteral("Continue"));
    QVERIFY(m_window->action(Command::Run)->isEnabled());
}

void TestMainWindow::refusalsAreShownInTheStatusBarAndLog()
{
    QVERIFY(openDemo());
    const QString task = firstTaskIn(TaskState::Waiting, TaskKind::Copy);
    // What the scheduler answers when a Ready task was already taken by a worker.
    emit m_window->run()->actionDone(task, TaskAction::Pause, false, readyPauseRefusal());
    emit m_window->run()->actionDone(QStringLiteral("copy:OTHER"), TaskAction::Pause, false,
                                     readyPauseRefusal());
    QTRY_VERIFY(m_window->statusBar()->currentMessage().contains(readyPauseRefusal()));
    const QString message = m_window->statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("2 tasks")), qPrintable(message)); // one line for both
    QVERIFY(message.contains(task));
    QVERIFY(m_window->logPane()->plainText().contains(readyPauseRefusal()));
}

void TestMainWindow::demoIsWrittenOnAWorkerThreadOnFirstStart()
{
    const QString dir = m_dir->filePath(QStringLiteral("demo"));
    m_window = std::make_unique<MainWindow>();
    QSignalSpy created(m_window.get(), &MainWindow::demoCreated);
    QSignalSpy opened(m_window.get(), &MainWindow::runOpened);
    m_window->openDemo(dir, 5000);
    m_window->show();
    // The GUI thread is free while the demo is written: the window paints and says why it waits.
    QVERIFY(created.isEmpty());
    QVERIFY(!m_window->action(Command::Run)->isEnabled());
    QVERIFY(m_window->action(Command::Run)->toolTip().contains(QStringLiteral("demo")));
    QVERIFY(created.wait(120'000));
    QVERIFY2(created.first().at(0).toBool(), qPrintable(created.first().at(1).toString()));
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/plan.json")));
    QVERIFY(opened.wait(60'000));
    QVERIFY(opened.first().at(0).toBool());
    QVERIFY(m_window->model()->rowCount() > 0);

    // The second start opens the existing demo without writing it again.
    m_window = std::make_unique<MainWindow>();
    QSignalSpy created2(m_window.get(), &MainWindow::demoCreated);
    QSignalSpy opened2(m_window.get(), &MainWindow::runOpened);
    m_window->openDemo(dir, 5000);
    QVERIFY(opened2.wait(60'000));
    QVERIFY(opened2.first().at(0).toBool());
    QVERIFY(created2.isEmpty());
}

void TestMainWindow::tenThousandSelectedTasksUpdateAndEnableActions()
{
    QVERIFY(openDemo());
    // The same window, its grid fed 10,000 synthetic tasks, all selected: every tick
    // re-evaluates the actions for the whole selection.
    m_tester.reset(); // it walks every cell on each change: not what is measured here
    constexpr int kTasks = 10'000;
    testing::FakeRun fake;
    for (int i = 0; i < kTasks; ++i)
        fake.add(testing::makeTask(i, QStringLiteral("copy:T%1").arg(i), 100'000));
    TaskTableModel *model = m_window->model();
    model->setRefreshInterval(60'000);
    model->setSnapshotSource(fake.source());
    m_window->view()->sortByColumn(TaskTableModel::StateColumn, Qt::AscendingOrder);
    m_window->view()->selectAll();
    QCoreApplication::processEvents();
    QCOMPARE(m_window->selectedTaskNames().size(), kTasks);

    qint64 worstMs = 0;
    for (int tick = 0; tick < 8; ++tick) {
        for (int i = tick; i < kTasks; i += 7)
            fake.update(i, [tick](TaskView &t) {
                t.status.state = tick % 2 ? TaskState::Executing : TaskState::Paused;
                t.status.rowsDone += 1000;
            });
        QElapsedTimer timer;
        timer.start();
        model->refresh(); // model, sorted proxy, actions, status bar
        QCoreApplication::processEvents();
        m_window->view()->viewport()->repaint();
        worstMs = std::max(worstMs, timer.elapsed());
    }
    qInfo("10,000 selected tasks: worst tick %lld ms", worstMs);
    QVERIFY(m_window->action(Command::Pause)->isEnabled());
    QVERIFY(m_window->action(Command::Resume)->isEnabled());
    // How long a tick takes is measured by bench/, not asserted here (it depends on the machine).
}

// A PostgreSQL target that refuses the connection without a password: the window asks for it,
// asks again when it is wrong (showing the server's reason), and opens the run with the right
// one. The password is typed into the real dialog's field; nothing else carries it.
void TestMainWindow::refusedPasswordIsAskedForAndKeptInMemoryOnly()
{
    const QString url = qEnvironmentVariable("COCKPIT_TEST_PG_URL");
    const QByteArray password = qgetenv("PGPASSWORD");
    if (url.isEmpty() || password.isEmpty())
        QSKIP("COCKPIT_TEST_PG_URL/PGPASSWORD are not set (scripts/test.sh starts the server)");
    QVERIFY(openDemo());
    auto target = ConnectionUrl::parse(url + QStringLiteral("?schema=public"), m_dir->path());
    QVERIFY(target.ok());
    Plan plan = m_plan;
    plan.target = *target;
    plan.statePath = m_dir->filePath(QStringLiteral("pg-state.db"));
    qunsetenv("PGPASSWORD");
    credentials::forget(*target);
    auto restore = qScopeGuard([&] {
        qputenv("PGPASSWORD", password);
        credentials::forget(*target);
    });

    QSignalSpy asked(m_window.get(), &MainWindow::passwordRequested);
    QSignalSpy opened(m_window.get(), &MainWindow::runOpened);
    m_window->openPlan(plan);
    QTRY_COMPARE_WITH_TIMEOUT(asked.count(), 1, 30'000);
    auto *dialog = m_window->findChild<PasswordDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("reason"))->text().contains(QStringLiteral("password")));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("password")), QStringLiteral("not-it"));
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("password"))->echoMode(), QLineEdit::Password);
    dialog->accept();
    QTRY_COMPARE_WITH_TIMEOUT(asked.count(), 2, 30'000); // wrong: asked again
    QCOMPARE(opened.count(), 0);
    dialog = nullptr;
    for (auto *d : m_window->findChildren<PasswordDialog *>())
        if (d->isVisible())
            dialog = d;
    QVERIFY(dialog);
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("reason"))->text().contains(QStringLiteral("authentication failed")));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("password")), QString::fromUtf8(password));
    dialog->accept();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30'000);
    QVERIFY2(opened.first().at(0).toBool(), qPrintable(opened.first().at(1).toString()));
    QCOMPARE(credentials::lookup(*target), std::optional<QString>(QString::fromUtf8(password)));
    // Memory only: the state file never holds it.
    QFile state(plan.statePath);
    QVERIFY(state.open(QIODevice::ReadOnly));
    QVERIFY(!state.readAll().contains(password));
}

// A run whose control store is a PostgreSQL schema: a task paused in one window is Paused in
// the next window, opened through File > Open control store URL… (the real input dialog).
void TestMainWindow::openControlStoreUrlShowsARunKeptInPostgres()
{
    const QString server = qEnvironmentVariable("COCKPIT_TEST_PG_URL");
    if (server.isEmpty())
        QSKIP("COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)");
    QVERIFY(openDemo(2000));
    const QString schema = QStringLiteral("ui_state_") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    const QString stateUrl = server + QStringLiteral("?schema=") + schema;
    auto dropSchema = qScopeGuard([&] {
        auto url = ConnectionUrl::parse(server, m_dir->path());
        if (!url)
            return;
        if (auto c = DbConnection::open(*url, DbConnection::Mode::ReadWrite))
            QSqlQuery((*c)->db()).exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(schema));
    });

    Plan plan = m_plan;
    plan.statePath = stateUrl;
    m_window = std::make_unique<MainWindow>();
    m_window->setConfirmDestructiveActions(false);
    QSignalSpy opened(m_window.get(), &MainWindow::runOpened);
    m_window->openPlan(plan);
    m_window->show();
    QVERIFY(opened.wait(60'000));
    QVERIFY2(opened.first().at(0).toBool(), qPrintable(opened.first().at(1).toString()));
    const int tasks = m_window->model()->rowCount();
    QVERIFY(tasks > 0);
    const QString task = firstTaskIn(TaskState::Waiting, TaskKind::Copy);
    m_window->selectTasks({task});
    QSignalSpy done(m_window->run(), &UpgradeRun::actionDone);
    m_window->action(Command::Pause)->trigger();
    QVERIFY(done.wait(10'000));
    QVERIFY2(done.first().at(2).toBool(), qPrintable(done.first().at(3).toString()));
    m_window.reset(); // releases the run

    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy reopened(m_window.get(), &MainWindow::runOpened);
    QTimer::singleShot(0, this, [&] {
        for (QWidget *w : QApplication::topLevelWidgets())
            if (auto *dialog = qobject_cast<QInputDialog *>(w); dialog && dialog->isVisible()) {
                dialog->setTextValue(stateUrl);
                dialog->accept();
            }
    });
    auto *action = m_window->findChild<QAction *>(QStringLiteral("openStoreUrlAction"));
    QVERIFY(action);
    action->trigger(); // the dialog is modal: the timer above answers it
    QVERIFY(reopened.wait(60'000));
    QVERIFY2(reopened.first().at(0).toBool(), qPrintable(reopened.first().at(1).toString()));
    QCOMPARE(m_window->model()->rowCount(), tasks);
    QTRY_COMPARE_WITH_TIMEOUT(stateInGrid(task), toString(TaskState::Paused), 5000);
}

QTEST_MAIN(TestMainWindow)
// At 768 px the status bar cannot hold the counts, the full progress text and the times: the
// bar falls back to the percentage and the times to the parts that fit, nothing overlaps or
// is cut mid-word; a wide window shows everything.
void TestMainWindow::summaryBarFitsANarrowWindowWithoutOverlaps()
{
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    RunSummaryBar *bar = m_window->summaryBar();
    RunSummary summary;
    summary.taskCount = 198;
    summary.countByState[size_t(TaskState::Waiting)] = 150;
    summary.countByState[size_t(TaskState::Executing)] = 3;
    summary.countByState[size_t(TaskState::Ended)] = 45;
    summary.rowsDone = 1'000'000;
    summary.rowsTotal = 1'865'556;
    summary.elapsedSeconds = 75;
    summary.etaSeconds = 60;
    summary.rowsPerSecond = 400'000;
    summary.dispatching = true;
    bar->setSummary(summary);
    auto fits = [](QWidget *w, const QString &text) { return w->fontMetrics().horizontalAdvance(text) <= w->width(); };

    m_window->resize(768, 600);
    QTRY_COMPARE(m_window->width(), 768);
    QProgressBar *progress = bar->progressBar();
    QLabel *times = bar->timesLabel();
    QTRY_VERIFY(fits(progress, progress->text()));
    QVERIFY2(!progress->geometry().intersects(times->geometry()) || times->width() == 0,
             qPrintable(QStringLiteral("progress %1 overlaps times %2").arg(progress->geometry().right()).arg(times->geometry().left())));
    QVERIFY(fits(times, times->text()));
    QVERIFY(progress->text().startsWith(QStringLiteral("53%")));
    QVERIFY(bar->geometry().right() <= m_window->statusBar()->width());

    m_window->resize(1600, 600);
    QTRY_VERIFY(progress->text().contains(TaskTableModel::formatCount(1'865'556)));
    QTRY_COMPARE(times->text(), bar->timesText());
    QVERIFY(times->text().contains(QStringLiteral("rows/s")));
    QVERIFY(fits(progress, progress->text()));
}

#include "tst_ui_mainwindow.moc"
