// The run session: opening a plan, a control store or the demo, starting and stopping the run,
// and what its signals change. The session's phase moves only through setSession().
#include "ui/mainwindow.h"

#include "demo/demogenerator.h"
#include "engine/credentials.h"
#include "run/upgraderun.h"
#include "store/statelocation.h"
#include "ui/logpane.h"
#include "ui/passworddialog.h"
#include "ui/recentplans.h"
#include "ui/runsummarybar.h"
#include "ui/tasktablemodel.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QProgressDialog>
#include <QStatusBar>

namespace cockpit {

namespace {

bool looksLikeSqlite(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return f.read(16) == QByteArray("SQLite format 3\0", 16);
}

} // namespace

bool MainWindow::isOpen() const
{
    return m_session == Session::Open || m_session == Session::Starting || m_session == Session::Stopping;
}

void MainWindow::setSession(Session session)
{
    m_session = session;
    updateActions();
}

// --- opening ------------------------------------------------------------------------------

void MainWindow::resetRun()
{
    m_model->setRun(nullptr);
    m_run = std::make_unique<UpgradeRun>();
    connectRun();
    setSession(Session::Opening);
}

void MainWindow::connectRun()
{
    UpgradeRun *run = m_run.get();
    connect(run, &UpgradeRun::opened, this, &MainWindow::onOpened);
    connect(run, &UpgradeRun::actionDone, this, &MainWindow::onActionDone);
    connect(run, &UpgradeRun::stopped, this, &MainWindow::onStopped);
    connect(run, &UpgradeRun::finished, this, &MainWindow::onFinished);
    connect(run, &UpgradeRun::logLine, m_log, &LogPane::addLine);
}

void MainWindow::openPlan(const Plan &plan)
{
    resetRun();
    setWindowTitleFor(plan.title());
    m_summaryBar->setBusy(tr("Opening\u2026"));
    statusBar()->showMessage(tr("Opening the run of %1\u2026")
                                 .arg(QDir::toNativeSeparators(plan.filePath.isEmpty()
                                                                   ? plan.title()
                                                                   : plan.filePath)));
    m_openingPlan = plan;
    if (!plan.filePath.isEmpty())
        recentplans::add(plan.filePath); // File > Open recent
    m_run->open(plan);
}

void MainWindow::openState(const QString &statePath)
{
    resetRun();
    setWindowTitleFor({});
    m_summaryBar->setBusy(tr("Opening\u2026"));
    statusBar()->showMessage(tr("Opening %1\u2026").arg(statelocation::display(statePath)));
    m_run->openState(statePath);
}

void MainWindow::openDemo(const QString &dir, qint64 inventTransRows)
{
    const QString planPath = QDir(dir).filePath(QStringLiteral("plan.json"));
    if (QFileInfo::exists(planPath)) {
        auto plan = loadPlan(planPath);
        if (plan) {
            openPlan(*plan);
            return;
        }
        // A demo from an older version, or edited by hand: write it again.
        m_log->addLine({}, LogLevel::Warn,
                       tr("The demo's plan could not be read (%1); writing the demo again.")
                           .arg(plan.error().message));
    }
    m_model->setRun(nullptr);
    setWindowTitleFor(tr("demo"));
    m_summaryBar->setBusy(tr("Creating the demo\u2026"));
    statusBar()->showMessage(
        tr("Creating the demo in %1\u2026 (a source database of %2 inventory transactions)")
            .arg(QDir::toNativeSeparators(dir), TaskTableModel::formatCount(inventTransRows)));
    const DemoOptions options{dir, inventTransRows};
    m_demo.start(
        [options] {
            DemoOutcome outcome;
            auto plan = writeDemo(options);
            if (plan)
                outcome.plan = std::move(*plan);
            else
                outcome.error = plan.error().message;
            return outcome;
        },
        [this](const DemoOutcome &outcome) { onDemoWritten(outcome); });
    setSession(Session::CreatingDemo);
}

void MainWindow::onDemoWritten(const DemoOutcome &outcome)
{
    setSession(Session::NoRun);
    if (m_closing != Closing::No) {
        m_closing = Closing::Now;
        close();
        return;
    }
    if (!outcome.plan) {
        m_summaryBar->setSummary({});
        statusBar()->showMessage(tr("Could not create the demo: %1").arg(outcome.error));
        emit demoCreated(false, outcome.error);
        emit runOpened(false, outcome.error);
        return;
    }
    emit demoCreated(true, {});
    openPlan(*outcome.plan);
}

void MainWindow::openPlanFile()
{
    if (isActive()) {
        statusBar()->showMessage(tr("Stop the run before opening another plan."), 8000);
        return;
    }
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open plan"), QString(),
        tr("Upgrade plans (*.json);;Control stores (*.db);;All files (*)"));
    if (path.isEmpty())
        return;
    m_openedFromMenu = true;
    if (looksLikeSqlite(path)) {
        openState(path);
        return;
    }
    auto plan = loadPlan(path);
    if (!plan) {
        QMessageBox::critical(this, tr("Cannot open the plan"), plan.error().message);
        return;
    }
    openPlan(*plan);
}

void MainWindow::onOpened(bool ok, const QString &error)
{
    const std::optional<Plan> plan = std::exchange(m_openingPlan, std::nullopt);
    if (!ok && plan) {
        if (const auto url = credentials::passwordWanted(*plan, error)) {
            // Ask, keep the answer in memory only, and open the same plan again.
            statusBar()->showMessage(tr("%1 needs a password").arg(url->display()));
            auto *dialog = new PasswordDialog(*url, error, this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(dialog, &QDialog::accepted, this, [this, dialog, plan] {
                credentials::remember(dialog->url(), dialog->password());
                openPlan(*plan);
            });
            connect(dialog, &QDialog::rejected, this, [this, error] { onOpened(false, error); });
            dialog->open();
            emit passwordRequested(url->display());
            return;
        }
    }
    if (!ok) {
        m_summaryBar->setSummary({});
        statusBar()->showMessage(tr("Could not open the run: %1").arg(error));
        if (m_openedFromMenu) {
            auto *box = new QMessageBox(QMessageBox::Critical, tr("Cannot open the run"), error,
                                        QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
        m_openedFromMenu = false;
        updateActions();
        emit runOpened(false, error);
        return;
    }
    m_openedFromMenu = false;
    setWindowTitleFor(m_run->plan().title());
    m_model->setRun(m_run.get()); // first tick right away: the grid fills now
    m_summaryBar->setSummary(m_model->summary());
    statusBar()->showMessage(tr("%n task(s) planned.", "", m_model->rowCount()), 5000);
    setSession(Session::Open);
    emit runOpened(true, {});
    if (m_startWhenOpened) {
        m_startWhenOpened = false;
        startRun();
    }
}

// --- running ------------------------------------------------------------------------------

bool MainWindow::isDispatching() const
{
    // The scheduler keeps dispatching after finished() (a task rerun later is dispatched right
    // away), but with nothing active there is nothing to stop or to wait for.
    const RunSummary &s = m_model->summary();
    return m_session == Session::Starting || (s.dispatching && !s.finished);
}

bool MainWindow::isActive() const
{
    return isDispatching() || m_session == Session::Stopping;
}

bool MainWindow::canStart() const
{
    return m_session == Session::Open && !isDispatching();
}

void MainWindow::startRun()
{
    if (!canStart())
        return;
    m_run->start();
    statusBar()->showMessage(tr("Running\u2026"), 3000);
    setSession(Session::Starting);
}

void MainWindow::stopRun()
{
    if (!m_run || isStopping() || !isDispatching())
        return;
    m_run->stop();
    statusBar()->showMessage(tr("Stopping at the next batch\u2026"));
    setSession(Session::Stopping);
}

void MainWindow::onStopped()
{
    if (m_stoppingDialog) {
        m_stoppingDialog->reset();
        m_stoppingDialog->deleteLater();
    }
    m_model->refresh();
    statusBar()->showMessage(tr("Stopped. Continue picks up where the run stopped."), 10000);
    setSession(isOpen() ? Session::Open : m_session);
    if (m_closing == Closing::HandOverWhenStopped) {
        QTimer::singleShot(0, this, &MainWindow::handOverAndClose);
    } else if (m_closing != Closing::No) {
        m_closing = Closing::Now;
        QTimer::singleShot(0, this, &QWidget::close);
    }
}

void MainWindow::onFinished()
{
    m_model->refresh();
    const RunSummary &s = m_model->summary();
    if (s.count(TaskState::Error) > 0)
        statusBar()->showMessage(
            tr("Run finished with %n failed task(s); the rest they block is waiting.", "",
               s.count(TaskState::Error)));
    else
        statusBar()->showMessage(tr("Run finished: %n task(s) ended.", "", s.count(TaskState::Ended)));
    // A stop asked meanwhile still waits for stopped().
    setSession(m_session == Session::Starting ? Session::Open : m_session);
    if (m_closing != Closing::No && !isStopping()) {
        m_closing = Closing::Now;
        QTimer::singleShot(0, this, &QWidget::close);
    }
}

void MainWindow::onRefreshed(bool tasksChanged)
{
    const RunSummary &s = m_model->summary();
    m_summaryBar->setSummary(s);
    Q_UNUSED(tasksChanged)
    if (s.dispatching && m_session == Session::Starting)
        setSession(Session::Open); // the scheduler answers from now on
    else
        updateActions();
}

} // namespace cockpit
