// Closing the window during a run asks: Cancel keeps the window and the run; "Pause at the
// next batch and close" ends with every task in the control store and nothing executing;
// "Keep running without the window" releases the run to a detached upgradectl that finishes
// it (the test watches the state file until every task has Ended). Real demo runs.

#include "demo/demogenerator.h"
#include "run/upgraderun.h"
#include "store/controlstore.h"
#include "ui/closeduringrunquestion.h"
#include "ui/mainwindow.h"
#include "ui/tasktablemodel.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <signal.h>

using namespace cockpit;
using Choice = CloseDuringRunQuestion::Choice;

class TestCloseDuringRun : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void closingAsksAndCancelKeepsTheWindowAndTheRun();
    void pauseAndCloseKeepsEveryTaskInTheStore();
    void keepRunningHandsTheRunToUpgradectlWhichFinishesIt();

private:
    // Opens a demo, presses Run and waits until a copy is executing. False: skip (it ended
    // first) or failure, said by the message.
    bool startRunning(QString *skip);
    CloseDuringRunQuestion *askToClose();
    struct StoreCounts {
        int tasks = -1; // -1: unreadable right now
        int ended = 0;
        int executing = 0;
        qint64 rowsDone = 0;
        QStringList names;
    };
    StoreCounts readStore() const;

    QTemporaryDir m_settingsDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
    Plan m_plan;
};

void TestCloseDuringRun::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void TestCloseDuringRun::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCloseDuringRun::cleanup()
{
    m_window.reset();
    m_dir.reset();
}

bool TestCloseDuringRun::startRunning(QString *skip)
{
    auto plan = writeDemo(DemoOptions{m_dir->path(), 400'000, 0.05});
    if (!plan) {
        qWarning("writeDemo: %s", qPrintable(plan.error().message));
        return false;
    }
    m_plan = *plan;
    m_window = std::make_unique<MainWindow>();
    m_window->setHeadlessRunner(QStringLiteral(UPGRADECTL_PATH));
    QSignalSpy opened(m_window.get(), &MainWindow::runOpened);
    m_window->openPlan(m_plan);
    m_window->show();
    if (!QTest::qWaitForWindowExposed(m_window.get()) || !opened.wait(60'000)
        || !opened.first().at(0).toBool()) {
        qWarning("the run did not open");
        return false;
    }
    QSignalSpy finished(m_window->run(), &UpgradeRun::finished);
    m_window->startRun();
    QElapsedTimer clock;
    clock.start();
    while (m_window->model()->summary().count(TaskState::Executing) == 0 && finished.isEmpty()
           && clock.elapsed() < 60'000)
        QTest::qWait(20);
    if (!finished.isEmpty())
        *skip = QStringLiteral("the run finished before it could be interrupted");
    return m_window->model()->summary().count(TaskState::Executing) > 0;
}

CloseDuringRunQuestion *TestCloseDuringRun::askToClose()
{
    if (m_window->close())
        return nullptr; // closed without asking: wrong
    auto *question = m_window->findChild<CloseDuringRunQuestion *>();
    if (question && !QTest::qWaitForWindowExposed(question))
        return nullptr;
    return question;
}

TestCloseDuringRun::StoreCounts TestCloseDuringRun::readStore() const
{
    StoreCounts counts;
    auto store = ControlStore::open(m_plan.statePath);
    if (!store)
        return counts;
    auto tasks = (*store)->loadTasks();
    if (!tasks)
        return counts;
    counts.tasks = int(tasks->size());
    for (const auto &[spec, status] : *tasks) {
        counts.names << spec.name;
        counts.ended += status.state == TaskState::Ended;
        counts.executing += status.state == TaskState::Executing;
        counts.rowsDone += status.rowsDone;
    }
    counts.names.sort();
    return counts;
}

void TestCloseDuringRun::closingAsksAndCancelKeepsTheWindowAndTheRun()
{
    QString skip;
    if (!startRunning(&skip)) {
        if (!skip.isEmpty())
            QSKIP(qPrintable(skip));
        QFAIL("the run did not start");
    }
    const QString shots = qEnvironmentVariable("COCKPIT_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        // The grid mid-run, showing one phase: what docs/screenshots/grid-filters.png shows.
        m_window->phaseFilter()->setCurrentText(phaseName(TaskKind::Copy));
        QTest::qWait(1500);
        m_window->grab().save(shots + QStringLiteral("/grid-filters.png"));
        m_window->phaseFilter()->setCurrentIndex(0);
    }
    CloseDuringRunQuestion *question = askToClose();
    QVERIFY(question);
    if (!shots.isEmpty())
        question->grab().save(shots + QStringLiteral("/close-during-run.png"));
    QVERIFY(question->button(Choice::PauseAndClose)->isEnabled());
    QVERIFY(question->button(Choice::KeepRunning)->isEnabled());
    QVERIFY(question->informativeText().contains(QStringLiteral("upgradectl status --state")));
    // Asking again while the question is open does not stack a second one.
    QVERIFY(!m_window->close());
    QCOMPARE(m_window->findChildren<CloseDuringRunQuestion *>().size(), 1);

    question->button(Choice::Cancel)->click();
    QTRY_VERIFY(m_window->findChildren<CloseDuringRunQuestion *>().isEmpty());
    QVERIFY(m_window->isVisible());
    QVERIFY(!m_window->isStopping());
    QVERIFY(m_window->model()->summary().dispatching);
    QVERIFY(m_window->action(MainWindow::Command::Stop)->isEnabled());
}

void TestCloseDuringRun::pauseAndCloseKeepsEveryTaskInTheStore()
{
    QString skip;
    if (!startRunning(&skip)) {
        if (!skip.isEmpty())
            QSKIP(qPrintable(skip));
        QFAIL("the run did not start");
    }
    QStringList names;
    for (int r = 0; r < m_window->model()->rowCount(); ++r)
        names << m_window->model()->task(r).spec.name;
    names.sort();

    CloseDuringRunQuestion *question = askToClose();
    QVERIFY(question);
    question->button(Choice::PauseAndClose)->click();
    QVERIFY(m_window->isStopping());
    QVERIFY(m_window->isVisible()); // until the executing copies commit their batch
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), 60'000);
    m_window.reset(); // the run is released

    const StoreCounts store = readStore();
    QCOMPARE(store.tasks, int(names.size()));
    QCOMPARE(store.names, names);
    QCOMPARE(store.executing, 0);
    QVERIFY(store.ended > 0 || store.rowsDone > 0); // the work done so far is kept
}

void TestCloseDuringRun::keepRunningHandsTheRunToUpgradectlWhichFinishesIt()
{
    QString skip;
    if (!startRunning(&skip)) {
        if (!skip.isEmpty())
            QSKIP(qPrintable(skip));
        QFAIL("the run did not start");
    }
    const int taskCount = m_window->model()->rowCount();
    QSignalSpy handedOver(m_window.get(), &MainWindow::handedOver);
    CloseDuringRunQuestion *question = askToClose();
    QVERIFY(question);
    question->button(Choice::KeepRunning)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!handedOver.isEmpty(), 60'000);
    const qint64 pid = handedOver.first().at(0).toLongLong();
    QCOMPARE(handedOver.first().at(1).toString(), m_plan.statePath);
    QVERIFY(pid > 0);
    auto killLeftover = qScopeGuard([pid] { ::kill(pid_t(pid), SIGTERM); });
    QTRY_VERIFY(!m_window->isVisible());
    QVERIFY(m_window->run() == nullptr); // released before upgradectl claimed it
    m_window.reset();

    // upgradectl takes over and finishes every task.
    StoreCounts store;
    QTRY_VERIFY_WITH_TIMEOUT((store = readStore()).ended == taskCount, 240'000);
    QCOMPARE(store.tasks, taskCount);
    // …and then exits.
    QTRY_VERIFY_WITH_TIMEOUT(::kill(pid_t(pid), 0) != 0, 30'000);
    killLeftover.dismiss();
}

QTEST_MAIN(TestCloseDuringRun)
#include "tst_ui_closeduringrun.moc"
