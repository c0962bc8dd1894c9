// The window's actions, its menu bar and its toolbar (the grid's filters sit in the toolbar).
#include "ui/mainwindow.h"

#include "run/upgraderun.h"
#include "store/statelocation.h"
#include "ui/planfileactions.h"
#include "ui/preflightgate.h"
#include "ui/reportexportaction.h"
#include "ui/taskfilterproxymodel.h"
#include "ui/taskstatepresentation.h"

#include <QAction>
#include <QComboBox>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>

namespace cockpit {

void MainWindow::createActions()
{
    QStyle *s = style();
    auto make = [this](Command c, const QString &text, const QIcon &icon) {
        auto *a = new QAction(icon, text, this);
        a->setObjectName(QStringLiteral("action%1").arg(int(c)));
        m_actions[size_t(c)] = a;
        return a;
    };

    QAction *run = make(Command::Run, tr("Run"), s->standardIcon(QStyle::SP_MediaPlay));
    run->setShortcut(Qt::Key_F5);
    // --- preflight (issue 5): Run goes through the preflight, which calls startRun() ---
    m_preflight = new PreflightGate(this);
    connect(m_preflight, &PreflightGate::cleared, this, &MainWindow::startRun);
    connect(run, &QAction::triggered, this, [this] {
        if (m_preflightBeforeRun && canStart()) {
            statusBar()->showMessage(tr("Preflight: checking both databases\u2026"), 5000);
            m_preflight->beforeStart(m_run->plan());
        } else {
            startRun();
        }
    });

    QAction *stop = make(Command::Stop, tr("Stop"), s->standardIcon(QStyle::SP_MediaStop));
    stop->setShortcut(Qt::SHIFT | Qt::Key_F5);
    connect(stop, &QAction::triggered, this, &MainWindow::stopRun);

    auto taskAction = [&](Command c, TaskAction a, const QIcon &icon, bool withDependents) {
        QAction *qa = make(c, TaskStatePresentation::actionLabel(a), icon);
        connect(qa, &QAction::triggered, this,
                [this, a, withDependents] { requestAction(a, withDependents); });
        return qa;
    };
    taskAction(Command::Pause, TaskAction::Pause, TaskStatePresentation::icon(TaskState::Paused),
               false)->setShortcut(Qt::CTRL | Qt::Key_P);
    taskAction(Command::Resume, TaskAction::Resume, s->standardIcon(QStyle::SP_MediaSeekForward),
               false)->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_P);
    taskAction(Command::Cancel, TaskAction::Cancel,
               TaskStatePresentation::icon(TaskState::Canceled), false)
        ->setShortcut(Qt::CTRL | Qt::Key_Delete);
    taskAction(Command::Skip, TaskAction::Skip, s->standardIcon(QStyle::SP_MediaSkipForward),
               false)->setShortcut(Qt::CTRL | Qt::Key_K);
    taskAction(Command::Rerun, TaskAction::Rerun, s->standardIcon(QStyle::SP_BrowserReload),
               false)->setShortcut(Qt::CTRL | Qt::Key_R);
    QAction *rerunAll = taskAction(Command::RerunWithDependents, TaskAction::Rerun, {}, true);
    rerunAll->setText(tr("Rerun with dependents"));
    rerunAll->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_R);

    QAction *pauseAll = make(Command::PauseAll, tr("Pause all"), {});
    connect(pauseAll, &QAction::triggered, this, [this] {
        if (!m_run)
            return;
        m_run->pauseAll();
        statusBar()->showMessage(tr("Pausing every Waiting or Ready task\u2026"), 5000);
    });
    QAction *resumeAll = make(Command::ResumeAll, tr("Resume all"), {});
    connect(resumeAll, &QAction::triggered, this, [this] {
        if (!m_run)
            return;
        m_run->resumeAll();
        statusBar()->showMessage(tr("Resuming every paused task\u2026"), 5000);
    });

    m_openAction = new QAction(s->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open plan\u2026"),
                               this);
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openPlanFile);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    // --- New upgrade, Open recent, Save plan as (ui/planfileactions.h) ---
    auto *planFiles = new PlanFileActions(this, m_openAction);
    file->addAction(planFiles->newUpgradeAction());
    file->addAction(m_openAction);
    // A run whose control store is a PostgreSQL schema (store/statelocation.h).
    QAction *openStore = file->addAction(tr("Open control store &URL\u2026"), this, [this] {
        if (isActive()) {
            statusBar()->showMessage(tr("Stop the run before opening another one."), 8000);
            return;
        }
        bool ok = false;
        const QString url = QInputDialog::getText(
            this, tr("Open control store"),
            tr("PostgreSQL control store (postgresql://user@host:port/db?schema=name; the password "
               "comes from PGPASSWORD or ~/.pgpass):"),
            QLineEdit::Normal, QStringLiteral("postgresql://"), &ok);
        if (!ok || url.trimmed().isEmpty())
            return;
        if (!statelocation::isUrl(url)) {
            QMessageBox::warning(this, tr("Open control store"),
                                 tr("%1 is no postgresql:// URL; open a state file with Open plan.").arg(url));
            return;
        }
        openState(url.trimmed());
    });
    openStore->setObjectName(QStringLiteral("openStoreUrlAction"));
    file->addMenu(planFiles->recentMenu());
    file->addAction(planFiles->savePlanAsAction());
    // Issue 5 "Report" (ui/reportexportaction.h): File > Export report…, once a run is open.
    auto *exportReport = new ReportExportAction([this] { return isOpen() ? m_run->plan().statePath : QString(); }, this);
    connect(this, &MainWindow::runOpened, exportReport, &QAction::setEnabled);
    file->addAction(exportReport);
    file->addSeparator();
    QAction *settings = file->addAction(tr("&Settings\u2026"), this, &MainWindow::openSettings);
    settings->setObjectName(QStringLiteral("actionSettings"));
    settings->setShortcut(QKeySequence::Preferences);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *runMenu = menuBar()->addMenu(tr("&Run"));
    runMenu->setToolTipsVisible(true);
    runMenu->addAction(action(Command::Run));
    runMenu->addAction(action(Command::Stop));
    // --- preflight (issue 5) ---
    runMenu->addAction(tr("&Preflight\u2026"), this, [this] {
        if (isOpen())
            m_preflight->showDialog(m_run->plan());
        else
            statusBar()->showMessage(tr("Open a plan first: the preflight checks its databases."), 5000);
    })->setObjectName(QStringLiteral("preflightAction"));
    runMenu->addSeparator();
    runMenu->addAction(action(Command::PauseAll));
    runMenu->addAction(action(Command::ResumeAll));

    createTaskMenu();

    // The View menu is filled in createDocks().
    menuBar()->addMenu(tr("&View"))->setObjectName(QStringLiteral("viewMenu"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Upgrade Cockpit"), this, [this] {
        QMessageBox::about(this, tr("About Upgrade Cockpit"),
                           tr("<b>Upgrade Cockpit %1</b><p>Copies every table from a source "
                              "database to a target database, then builds indexes and "
                              "validates the result.</p>")
                               .arg(QStringLiteral(COCKPIT_VERSION)));
    });
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(16, 16));
    bar->addAction(action(Command::Run));
    bar->addAction(action(Command::Stop));
    bar->addSeparator();
    for (Command c : {Command::Pause, Command::Resume, Command::Cancel, Command::Skip,
                      Command::Rerun})
        bar->addAction(action(c));
    bar->addSeparator();
    bar->addAction(action(Command::PauseAll));
    bar->addAction(action(Command::ResumeAll));

    auto *spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);

    m_stateFilter = new QComboBox(bar);
    m_stateFilter->setToolTip(tr("Show only tasks in these states"));
    m_stateFilter->addItem(tr("All states"), TaskFilterProxyModel::allStates());
    m_stateFilter->addItem(tr("Not ended"),
                           TaskFilterProxyModel::allStates() & ~(1u << int(TaskState::Ended)));
    m_stateFilter->addItem(tr("Needs attention"), (1u << int(TaskState::Error))
                                                      | (1u << int(TaskState::Paused))
                                                      | (1u << int(TaskState::Canceled)));
    for (int i = 0; i < TaskStateCount; ++i) {
        const auto st = static_cast<TaskState>(i);
        m_stateFilter->addItem(TaskStatePresentation::icon(st), TaskStatePresentation::label(st),
                               1u << i);
    }
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setStates(m_stateFilter->currentData().toUInt());
    });
    bar->addWidget(m_stateFilter);

    // Phase and batch group filters (issue 5 "Grid"); the groups are filled when a run opens.
    m_phaseFilter = new QComboBox(bar);
    m_phaseFilter->setObjectName(QStringLiteral("phaseFilter"));
    m_phaseFilter->setToolTip(tr("Show only tasks of this phase"));
    m_phaseFilter->addItem(tr("All phases"), TaskFilterProxyModel::allKinds());
    for (const QString &phase : TaskFilterProxyModel::phases())
        m_phaseFilter->addItem(phase, TaskFilterProxyModel::kindsOfPhase(phase));
    connect(m_phaseFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setKinds(m_phaseFilter->currentData().toUInt());
    });
    bar->addWidget(m_phaseFilter);
    m_groupFilter = new QComboBox(bar);
    m_groupFilter->setObjectName(QStringLiteral("groupFilter"));
    m_groupFilter->setToolTip(tr("Show only tasks of this batch group"));
    m_groupFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_groupFilter->addItem(tr("All groups"), QString());
    connect(m_groupFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setGroup(m_groupFilter->currentData().toString());
    });
    bar->addWidget(m_groupFilter);

    m_filterEdit = new QLineEdit(bar);
    m_filterEdit->setPlaceholderText(tr("Filter tasks\u2026"));
    m_filterEdit->setToolTip(tr("Show tasks whose name, table, group or message contains this (%1)")
                                 .arg(QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText)));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 14);
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &TaskFilterProxyModel::setText);
    bar->addWidget(m_filterEdit);
}

} // namespace cockpit
