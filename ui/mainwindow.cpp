#include "ui/mainwindow.h"
#include "engine/credentials.h"
#include "ui/passworddialog.h"
#include "ui/appsettings.h"
#include "ui/closeduringrunquestion.h"
#include "ui/headlessrun.h"
#include "ui/settingsdialog.h"
#include "ui/windowlayout.h"
#include "ui/planfileactions.h"
#include "ui/recentplans.h"
#include "ui/preflightgate.h"
#include "ui/priorityactions.h"

#include "demo/demogenerator.h"
#include "run/upgraderun.h"
#include "run/workerpriority.h"
#include "ui/logpane.h"
#include "ui/taskdetailspane.h"
#include "ui/progressdelegate.h"
#include "ui/reportexportaction.h"
#include "ui/runsummarybar.h"
#include "ui/taskfilterproxymodel.h"
#include "ui/taskstatepresentation.h"
#include "ui/tasktablemodel.h"
#include "ui/timelineview.h"
#include "ui/batchgroupspanel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QScreen>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QtConcurrent/QtConcurrentRun>

namespace cockpit {

namespace {

constexpr int kMaxNamesInTip = 3;

QString namesSample(const QStringList &names, int total)
{
    QString s = names.join(QStringLiteral(", "));
    if (total > names.size())
        s += QStringLiteral(", \u2026");
    return s;
}

// "Pause the selected tasks (Ctrl+P)\n…": the shortcut after the tip's first line.
QString withShortcut(const QAction *action, const QString &tip)
{
    if (action->shortcut().isEmpty())
        return tip;
    const QString keys = QStringLiteral(" (%1)").arg(action->shortcut().toString(QKeySequence::NativeText));
    const qsizetype newline = tip.indexOf(QLatin1Char('\n'));
    return newline < 0 ? tip + keys : tip.left(newline) + keys + tip.mid(newline);
}

bool looksLikeSqlite(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return f.read(16) == QByteArray("SQLite format 3\0", 16);
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("CockpitMainWindow"));
    setWindowIcon(TaskStatePresentation::icon(TaskState::Executing));
    setWindowTitleFor({});
    // The copies' threads yield to this one: the window stays responsive on a busy machine.
    setWorkerNiceness(5);

    m_model = new TaskTableModel(this);
    m_proxy = new TaskFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("taskGrid"));
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new ProgressDelegate(TaskTableModel::ProgressColumn, m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // plan order until a header is clicked
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight); // the delegate elides task names in the middle
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->verticalHeader()->hide();
    // Fixed row height: the view never measures 10,000 rows.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    QHeaderView *header = m_view->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionsMovable(true);
    header->setStretchLastSection(true);
    header->setSortIndicatorShown(true);
    // Widths from what the columns hold, so nothing is cut at 1280 px and the message column
    // (the last, stretched) keeps the rest.
    const QFontMetrics fm = fontMetrics();
    const int pad = fm.horizontalAdvance(QLatin1Char('M')) + 8; // cell margins
    auto fit = [&](int column, std::initializer_list<QString> samples) {
        int w = fm.horizontalAdvance(m_model->headerData(column, Qt::Horizontal).toString());
        for (const QString &sample : samples)
            w = std::max(w, fm.horizontalAdvance(sample));
        header->resizeSection(column, w + pad);
    };
    fit(TaskTableModel::TaskColumn, {QStringLiteral("index:CUSTTABLE.I_077ACCOUNTIDX")});
    fit(TaskTableModel::PhaseColumn, {phaseName(TaskKind::Prepare), phaseName(TaskKind::Copy)});
    fit(TaskTableModel::GroupColumn, {QStringLiteral("default")});
    // The icon, then the widest state text: a stalled copy must say so, not "Executing (...".
    fit(TaskTableModel::StateColumn, {QStringLiteral("MMM") + TaskStatePresentation::stalledLabel()});
    fit(TaskTableModel::ProgressColumn, {QStringLiteral("1,000,000 / 1,000,000 M")});
    fit(TaskTableModel::RateColumn, {QStringLiteral("123,456/s")});
    fit(TaskTableModel::TimeColumn, {QStringLiteral("12:34 / 12:34 left")});
    fit(TaskTableModel::AttemptsColumn, {});
    fit(TaskTableModel::PriorityColumn, {});
    setCentralWidget(m_view);

    m_summaryBar = new RunSummaryBar(this);
    statusBar()->addPermanentWidget(m_summaryBar);
    statusBar()->setSizeGripEnabled(true);

    createActions();
    createMenus();
    createToolBar();
    createDocks();

    connect(m_model, &TaskTableModel::refreshed, this, &MainWindow::onRefreshed);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::onSelectionChanged);
    // Filtering rows out drops them from the selection without selectionChanged.
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::onSelectionChanged);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &MainWindow::onSelectionChanged);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &MainWindow::onSelectionChanged);
    connect(m_view, &QWidget::customContextMenuRequested, this, &MainWindow::showContextMenu);

    m_actionUpdate.setSingleShot(true);
    m_actionUpdate.setInterval(0);
    connect(&m_actionUpdate, &QTimer::timeout, this, &MainWindow::updateActions);
    m_refusalFlush.setSingleShot(true);
    m_refusalFlush.setInterval(150); // refusals for a multi-selection arrive one per task
    connect(&m_refusalFlush, &QTimer::timeout, this, &MainWindow::flushRefusals);
    connect(&m_demoWatcher, &QFutureWatcherBase::finished, this, &MainWindow::onDemoWritten);

    // A size that fits a 1366x768 laptop with its task bar, and leaves room on larger screens.
    QSize size(1280, 720);
    if (const QScreen *screen = QGuiApplication::primaryScreen()) {
        const QSize avail = screen->availableSize();
        size = size.boundedTo(QSize(avail.width() * 96 / 100, avail.height() * 92 / 100));
    }
    resize(size);

    // --- Issue 5 "Settings": the saved preferences and layout; a count in the summary filters.
    m_headlessRunner = headlessrun::findRunner();
    applySettings(AppSettings::load());
    windowlayout::restore(*this, *header);
    connect(m_summaryBar, &RunSummaryBar::stateClicked, this, [this](TaskState state) {
        m_stateFilter->setCurrentIndex(m_stateFilter->findData(1u << int(state)));
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &MainWindow::fillGroupFilter);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::fillGroupFilter);
    updateActions();
}

void MainWindow::applySettings(const AppSettings &settings)
{
    m_model->setRefreshInterval(settings.refreshMs);
    m_confirmDestructive = settings.confirmDestructive;
    settings.applyLogLevel();
}

void MainWindow::openSettings()
{
    auto *dialog = new SettingsDialog(AppSettings::load(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { applySettings(dialog->settings()); });
    dialog->open();
}

MainWindow::~MainWindow()
{
    // writeDemo cannot be interrupted; it takes seconds, and leaving it running would write
    // into a folder nobody watches.
    if (m_demoWatcher.isRunning())
        m_demoWatcher.waitForFinished();
    m_model->setRun(nullptr);
}

void MainWindow::setWindowTitleFor(const QString &planTitle)
{
    m_planTitle = planTitle;
    setWindowTitle(planTitle.isEmpty() ? tr("Data upgrade cockpit")
                                       : tr("Data upgrade cockpit (%1)").arg(planTitle));
}

// --- actions, menus, toolbar ------------------------------------------------------------

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
        if (m_preflightBeforeRun && m_run && m_opened && !isDispatching() && !m_stopping) {
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
    file->addMenu(planFiles->recentMenu());
    file->addAction(planFiles->savePlanAsAction());
    // Issue 5 "Report" (ui/reportexportaction.h): File > Export report…, once a run is open.
    auto *exportReport = new ReportExportAction([this] { return m_opened ? m_run->plan().statePath : QString(); }, this);
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
        if (m_run && m_opened)
            m_preflight->showDialog(m_run->plan());
        else
            statusBar()->showMessage(tr("Open a plan first: the preflight checks its databases."), 5000);
    })->setObjectName(QStringLiteral("preflightAction"));
    runMenu->addSeparator();
    runMenu->addAction(action(Command::PauseAll));
    runMenu->addAction(action(Command::ResumeAll));

    m_taskMenu = menuBar()->addMenu(tr("&Task"));
    m_taskMenu->setToolTipsVisible(true);
    for (Command c : {Command::Pause, Command::Resume, Command::Cancel, Command::Skip,
                      Command::Rerun, Command::RerunWithDependents})
        m_taskMenu->addAction(action(c));
    m_priority = new PriorityActions(m_model, [this] { return selectedSourceRows(); }, this);
    m_taskMenu->addAction(m_priority->raiseAction());
    m_taskMenu->addAction(m_priority->lowerAction());
    m_taskMenu->addSeparator();
    QAction *copy = m_taskMenu->addAction(tr("&Copy task names"), this,
                                          &MainWindow::copySelectedNames);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(copy);
    QAction *selectAll = m_taskMenu->addAction(tr("Select &all"), m_view, &QAbstractItemView::selectAll);
    selectAll->setShortcut(QKeySequence::SelectAll);
    selectAll->setShortcutContext(Qt::WidgetWithChildrenShortcut); // Ctrl+A in the filter selects its text
    m_view->addAction(selectAll);
    QAction *find = m_taskMenu->addAction(tr("&Filter tasks\u2026"), this, [this] {
        m_filterEdit->setFocus(Qt::ShortcutFocusReason);
        m_filterEdit->selectAll();
    });
    find->setObjectName(QStringLiteral("actionFocusFilter"));
    find->setShortcut(QKeySequence::Find);

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

void MainWindow::createDocks()
{
    m_log = new LogPane(this);
    auto *dock = new QDockWidget(tr("Log"), this);
    dock->setObjectName(QStringLiteral("logDock"));
    dock->setWidget(m_log);
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable
                      | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    resizeDocks({dock}, {fontMetrics().height() * 9}, Qt::Vertical);

    // At the right, the whole height: the selected task's details (a script's SQL needs lines).
    m_details = new TaskDetailsPane(this);
    auto *details = new QDockWidget(tr("Details"), this);
    details->setObjectName(QStringLiteral("detailsDock"));
    details->setWidget(m_details);
    details->setFeatures(dock->features());
    addDockWidget(Qt::RightDockWidgetArea, details);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    resizeDocks({details}, {fontMetrics().horizontalAdvance(QLatin1Char('M')) * 30}, Qt::Horizontal);
    connect(this, &MainWindow::runOpened, m_details, [this](bool ok) {
        m_details->setStatePath(ok ? m_run->plan().statePath : QString());
    });

    if (auto *view = menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu"))) {
        view->addAction(dock->toggleViewAction());
        view->addAction(details->toggleViewAction());
    }

    // --- Timeline dock (issue 5): a tab beside the log; a click on a bar selects its task.
    m_timeline = new TimelineView(this);
    m_timeline->setModel(m_model);
    auto *timelineDock = new QDockWidget(tr("Timeline"), this);
    timelineDock->setObjectName(QStringLiteral("timelineDock"));
    timelineDock->setWidget(m_timeline);
    timelineDock->setFeatures(dock->features());
    tabifyDockWidget(dock, timelineDock);
    dock->raise();
    if (auto *view = menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu")))
        view->addAction(timelineDock->toggleViewAction());
    connect(this, &MainWindow::runOpened, m_timeline, [this](bool ok) {
        if (ok)
            m_timeline->setGroups(m_run->plan().groups);
    });
    connect(m_timeline, &TimelineView::taskClicked, this, [this](const QString &name) {
        selectTasks({name});
        const QModelIndex row = m_proxy->mapFromSource(m_model->index(m_model->rowOfTask(name), 0));
        if (row.isValid())
            m_view->scrollTo(row);
        else
            statusBar()->showMessage(tr("%1 is hidden by the grid's filter.").arg(name), 5000);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, m_timeline,
            [this](const QModelIndex &current) {
                m_timeline->setCurrentTask(current.data(TaskTableModel::TaskNameRole).toString());
            });

    // --- Batch groups dock (issue 5): a tab after the timeline; follows the grid's refresh.
    m_groupsPanel = new BatchGroupsPanel(this);
    auto *groupsDock = new QDockWidget(tr("Batch groups"), this);
    groupsDock->setObjectName(QStringLiteral("batchGroupsDock"));
    groupsDock->setWidget(m_groupsPanel);
    groupsDock->setFeatures(dock->features());
    tabifyDockWidget(timelineDock, groupsDock);
    dock->raise();
    if (auto *view = menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu")))
        view->addAction(groupsDock->toggleViewAction());
    connect(this, &MainWindow::runOpened, m_groupsPanel, [this](bool ok) { m_groupsPanel->setRun(ok ? m_run.get() : nullptr); });
    connect(m_model, &TaskTableModel::refreshed, m_groupsPanel, &BatchGroupsPanel::refresh);
    connect(m_groupsPanel, &BatchGroupsPanel::answered, this, [this](const QString &text) { statusBar()->showMessage(text, 10000); });
}

void MainWindow::fillGroupFilter()
{
    // The plan's groups in its order, then any group only tasks name; the choice is kept.
    QStringList groups;
    if (m_opened) {
        for (const BatchGroup &g : m_run->plan().groups)
            groups << g.name;
    }
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QString &group = m_model->task(row).spec.group;
        if (!groups.contains(group))
            groups << group;
    }
    const QString current = m_groupFilter->currentData().toString();
    const QSignalBlocker blocker(m_groupFilter);
    while (m_groupFilter->count() > 1)
        m_groupFilter->removeItem(1);
    for (const QString &group : groups)
        m_groupFilter->addItem(group, group);
    const int index = m_groupFilter->findData(current);
    m_groupFilter->setCurrentIndex(std::max(index, 0));
    m_proxy->setGroup(m_groupFilter->currentData().toString());
}

// --- opening ------------------------------------------------------------------------------

void MainWindow::resetRun()
{
    m_model->setRun(nullptr);
    m_run = std::make_unique<UpgradeRun>();
    m_opened = false;
    m_startPending = false;
    m_stopping = false;
    connectRun();
    updateActions();
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
    statusBar()->showMessage(tr("Opening %1\u2026").arg(QDir::toNativeSeparators(statePath)));
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
        m_log->addLine({}, QStringLiteral("warn"),
                       tr("The demo's plan could not be read (%1); writing the demo again.")
                           .arg(plan.error().message));
    }
    m_model->setRun(nullptr);
    setWindowTitleFor(tr("demo"));
    m_summaryBar->setBusy(tr("Creating the demo\u2026"));
    statusBar()->showMessage(
        tr("Creating the demo in %1\u2026 (a source database of %2 inventory transactions)")
            .arg(QDir::toNativeSeparators(dir), TaskTableModel::formatCount(inventTransRows)));
    m_openAction->setEnabled(false);
    const DemoOptions options{dir, inventTransRows};
    m_demoWatcher.setFuture(QtConcurrent::run([options] {
        DemoOutcome outcome;
        auto plan = writeDemo(options);
        if (plan)
            outcome.plan = std::move(*plan);
        else
            outcome.error = plan.error().message;
        return outcome;
    }));
    updateActions();
}

void MainWindow::onDemoWritten()
{
    m_openAction->setEnabled(true);
    const DemoOutcome outcome = m_demoWatcher.result();
    if (m_closeWhenIdle) {
        m_forceClose = true;
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
    if (isDispatching() || m_stopping) {
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
    m_opened = true;
    setWindowTitleFor(m_run->plan().title());
    m_model->setRun(m_run.get()); // first tick right away: the grid fills now
    m_summaryBar->setSummary(m_model->summary());
    statusBar()->showMessage(tr("%n task(s) planned.", "", m_model->rowCount()), 5000);
    updateActions();
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
    return m_startPending || (s.dispatching && !s.finished);
}

void MainWindow::startRun()
{
    if (!m_run || !m_opened || isDispatching() || m_stopping)
        return;
    m_startPending = true;
    m_run->start();
    statusBar()->showMessage(tr("Running\u2026"), 3000);
    updateActions();
}

void MainWindow::stopRun()
{
    if (!m_run || m_stopping || !isDispatching())
        return;
    m_stopping = true;
    m_run->stop();
    statusBar()->showMessage(tr("Stopping at the next batch\u2026"));
    updateActions();
}

void MainWindow::onStopped()
{
    m_stopping = false;
    m_startPending = false;
    if (m_stoppingDialog) {
        m_stoppingDialog->reset();
        m_stoppingDialog->deleteLater();
    }
    m_model->refresh();
    statusBar()->showMessage(tr("Stopped. Continue picks up where the run stopped."), 10000);
    updateActions();
    if (m_closeWhenIdle && m_handOver) {
        QTimer::singleShot(0, this, &MainWindow::handOverAndClose);
    } else if (m_closeWhenIdle) {
        m_forceClose = true;
        QTimer::singleShot(0, this, &QWidget::close);
    }
}

void MainWindow::onFinished()
{
    m_startPending = false;
    m_model->refresh();
    const RunSummary &s = m_model->summary();
    if (s.count(TaskState::Error) > 0)
        statusBar()->showMessage(
            tr("Run finished with %n failed task(s); the rest they block is waiting.", "",
               s.count(TaskState::Error)));
    else
        statusBar()->showMessage(tr("Run finished: %n task(s) ended.", "", s.count(TaskState::Ended)));
    updateActions();
    if (m_closeWhenIdle && !m_stopping) {
        m_forceClose = true;
        QTimer::singleShot(0, this, &QWidget::close);
    }
}

void MainWindow::onRefreshed(bool tasksChanged)
{
    const RunSummary &s = m_model->summary();
    if (s.dispatching)
        m_startPending = false; // the scheduler answers from now on
    m_summaryBar->setSummary(s);
    Q_UNUSED(tasksChanged)
    updateActions();
}

// --- task actions ---------------------------------------------------------------------------

QVector<int> MainWindow::selectedSourceRows() const
{
    // selectedRows() yields one index per row; mapping the whole selection instead would
    // create a persistent index per cell (90,000 for 10,000 rows).
    const QModelIndexList selected = m_view->selectionModel()->selectedRows();
    QVector<int> rows;
    rows.reserve(selected.size());
    for (const QModelIndex &index : selected) {
        const QModelIndex source = m_proxy->mapToSource(index);
        if (source.isValid())
            rows.push_back(source.row());
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

QStringList MainWindow::selectedTaskNames() const
{
    QStringList names;
    for (int row : selectedSourceRows())
        names << m_model->task(row).spec.name;
    return names;
}

void MainWindow::selectTasks(const QStringList &names)
{
    QItemSelection selection;
    for (const QString &name : names) {
        const int row = m_model->rowOfTask(name);
        if (row < 0)
            continue;
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
        if (index.isValid())
            selection.select(index, index);
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect
                                                    | QItemSelectionModel::Rows);
    if (!selection.isEmpty()) {
        m_view->selectionModel()->setCurrentIndex(selection.first().topLeft(), QItemSelectionModel::NoUpdate);
        m_view->scrollTo(selection.first().topLeft());
    }
    updateActions();
}

MainWindow::ActionPlan MainWindow::planAction(TaskAction action, const QVector<int> &rows,
                                              bool withNames) const
{
    ActionPlan plan;
    plan.selectedCount = int(rows.size());
    // The rules depend on (state, stopsAtBatch) only: ask once per combination, so a
    // 10,000-row selection costs 14 checks, not 10,000.
    std::array<std::optional<ActionCheck>, TaskStateCount * 2> checks;
    for (int row : rows) {
        const TaskView &t = m_model->task(row);
        const bool stops = t.spec.stopsAtBatch();
        auto &check = checks[size_t(int(t.status.state) * 2 + (stops ? 1 : 0))];
        if (!check)
            check = checkAction(action, t.status.state, stops);
        if (check->possible()) {
            ++plan.applicableCount;
            if (withNames)
                plan.applicable << t.spec.name;
            if (!check->reason.isEmpty()) {
                QStringList &names = plan.notes[check->reason];
                if (names.size() < kMaxNamesInTip)
                    names << t.spec.name;
            }
        } else {
            QStringList &names = plan.refused[check->reason];
            if (names.size() < kMaxNamesInTip)
                names << t.spec.name;
            ++plan.refusedCount[check->reason];
        }
    }
    return plan;
}

void MainWindow::updateTaskAction(Command command, TaskAction action, const QVector<int> &rows,
                                  const QString &what)
{
    QAction *qa = this->action(command);
    QString tip = what;
    bool enabled = false;
    if (!m_opened) {
        tip += QLatin1Char('\n') + tr("Not available: no run is open yet.");
    } else {
        const ActionPlan plan = planAction(action, rows, false);
        enabled = plan.applicableCount > 0;
        if (plan.selectedCount == 0) {
            tip += QLatin1Char('\n') + tr("Not available: select one or more tasks in the grid.");
        } else {
            if (enabled && plan.applicableCount < plan.selectedCount)
                tip += QLatin1Char('\n')
                     + tr("Applies to %1 of the %2 selected tasks.")
                           .arg(plan.applicableCount)
                           .arg(plan.selectedCount);
            for (auto it = plan.notes.cbegin(); it != plan.notes.cend(); ++it)
                tip += QLatin1Char('\n') + tr("Note for %1: %2").arg(it.value().join(QStringLiteral(", ")), it.key());
            for (auto it = plan.refused.cbegin(); it != plan.refused.cend(); ++it) {
                const int n = plan.refusedCount.value(it.key());
                tip += QLatin1Char('\n')
                     + tr("Not possible for %1: %2").arg(namesSample(it.value(), n), it.key());
            }
        }
    }
    qa->setEnabled(enabled);
    qa->setToolTip(withShortcut(qa, tip));
    qa->setStatusTip(tip.section(QLatin1Char('\n'), 0, 0));
}

void MainWindow::onSelectionChanged()
{
    m_selectionDirty = true;
    scheduleActionUpdate();
}

void MainWindow::scheduleActionUpdate()
{
    if (!m_actionUpdate.isActive())
        m_actionUpdate.start();
}

void MainWindow::updateActions()
{
    m_actionUpdate.stop();
    const RunSummary &s = m_model->summary();
    const bool dispatching = isDispatching();

    // Run / Continue
    QAction *run = action(Command::Run);
    const bool started = s.count(TaskState::Ended) + s.count(TaskState::Error)
                             + s.count(TaskState::Canceled) > 0
                      || s.rowsDone > 0;
    run->setText(started && !dispatching ? tr("Continue") : tr("Run"));
    const int runnable = s.count(TaskState::Waiting) + s.count(TaskState::Ready)
                       + s.count(TaskState::Executing);
    QString why;
    if (!m_opened)
        why = m_demoWatcher.isRunning() ? tr("the demo is being created")
            : m_run                     ? tr("the run is opening")
                                        : tr("open a plan first");
    else if (m_stopping)
        why = tr("stopping at the next batch");
    else if (dispatching)
        why = tr("the run is already running; Stop stops dispatching");
    else if (runnable == 0)
        why = s.count(TaskState::Paused) + s.count(TaskState::Error) + s.count(TaskState::Canceled) > 0
                ? tr("nothing left to run; resume paused tasks or rerun failed ones first")
                : tr("nothing left to run; every task has ended");
    run->setEnabled(why.isEmpty());
    const QString runWhat = started
        ? tr("Continue the run: dispatch the tasks that are left; stopped bulk copies resume "
             "from their last committed batch.")
        : tr("Run the upgrade: prepare the target, copy every table, run the scripts, build "
             "the indexes and validate.");
    run->setToolTip(withShortcut(run, why.isEmpty() ? runWhat
                                                    : runWhat + QLatin1Char('\n') + tr("Not available: %1.").arg(why)));

    QAction *stop = action(Command::Stop);
    stop->setEnabled(m_opened && dispatching && !m_stopping);
    const QString stopWhat = tr("Stop dispatching. Executing bulk copies stop after their next "
                                "committed batch; other tasks run to their end. Continue picks "
                                "up from there.");
    stop->setToolTip(withShortcut(stop, stop->isEnabled() ? stopWhat
                                                          : stopWhat + QLatin1Char('\n')
                                                                + (m_stopping ? tr("Not available: already stopping.")
                                                                              : tr("Not available: the run is not running."))));

    QAction *pauseAll = action(Command::PauseAll);
    const int pausable = s.count(TaskState::Waiting) + s.count(TaskState::Ready);
    pauseAll->setEnabled(m_opened && pausable > 0);
    pauseAll->setToolTip(tr("Pause every Waiting task (and Ready tasks still in their queue); "
                            "executing tasks finish.")
                         + (pauseAll->isEnabled() ? QString()
                                                  : QLatin1Char('\n') + tr("Not available: no Waiting or Ready task.")));
    QAction *resumeAll = action(Command::ResumeAll);
    resumeAll->setEnabled(m_opened && s.count(TaskState::Paused) > 0);
    resumeAll->setToolTip(tr("Put every paused task back to Waiting.")
                          + (resumeAll->isEnabled() ? QString()
                                                    : QLatin1Char('\n') + tr("Not available: no task is paused.")));

    // One pass over the selection for all task actions (it may hold 10,000 rows).
    const QVector<int> rows = selectedSourceRows();
    updateTaskAction(Command::Pause, TaskAction::Pause, rows,
                     tr("Pause the selected tasks: they are not dispatched until resumed. Only "
                        "Waiting tasks pause for sure; a Ready task only while still queued; an "
                        "executing bulk copy after its next batch."));
    updateTaskAction(Command::Resume, TaskAction::Resume, rows,
                     tr("Resume the selected paused tasks (back to Waiting)."));
    updateTaskAction(Command::Cancel, TaskAction::Cancel, rows,
                     tr("Cancel the selected tasks; Rerun puts them back."));
    updateTaskAction(Command::Skip, TaskAction::Skip, rows,
                     tr("Skip the selected tasks: mark them Ended by the administrator (recorded "
                        "as skipped); their work is not done."));
    updateTaskAction(Command::Rerun, TaskAction::Rerun, rows,
                     tr("Rerun the selected failed or canceled tasks (back to Waiting)."));
    updateTaskAction(Command::RerunWithDependents, TaskAction::Rerun, rows,
                     tr("Rerun the selected failed or canceled tasks and every task that depends "
                        "on them."));
    m_priority->update(m_opened ? m_run.get() : nullptr, rows);

    m_openAction->setEnabled(!m_demoWatcher.isRunning() && !dispatching && !m_stopping);
    if (m_selectionDirty) {
        m_selectionDirty = false;
        QStringList names;
        names.reserve(rows.size());
        for (int row : rows)
            names << m_model->task(row).spec.name;
        m_log->setSelectedTasks(names);
    }
    std::optional<TaskView> one;
    if (rows.size() == 1)
        one = m_model->task(rows.first());
    m_details->showTask(one, one && one->spec.kind == TaskKind::Script && m_run ? m_run->plan() : Plan());
}

void MainWindow::requestAction(TaskAction action, bool withDependents)
{
    if (!m_run || !m_opened)
        return;
    const ActionPlan plan = planAction(action, selectedSourceRows(), true);
    const QString label = TaskStatePresentation::actionLabel(action);
    if (plan.applicable.isEmpty()) {
        statusBar()->showMessage(tr("%1: not possible for the selected tasks.").arg(label), 8000);
        return;
    }
    if (m_confirmDestructive && (action == TaskAction::Skip || action == TaskAction::Cancel)) {
        const QString question =
            action == TaskAction::Skip
                ? tr("Skip %n task(s)? Their work is not done, and tasks depending on them run "
                     "as if they had ended.",
                     "", int(plan.applicable.size()))
                : tr("Cancel %n task(s)? Rerun puts them back later.", "",
                     int(plan.applicable.size()));
        if (QMessageBox::question(this, label, question + QStringLiteral("\n\n")
                                                   + namesSample(plan.applicable.mid(0, 10),
                                                                 int(plan.applicable.size())))
            != QMessageBox::Yes)
            return;
    }
    m_run->request(action, plan.applicable, withDependents);
    statusBar()->showMessage(tr("%1 asked for %n task(s).", "", int(plan.applicable.size())).arg(label),
                             4000);
}

void MainWindow::onActionDone(const QString &task, TaskAction action, bool ok,
                              const QString &reason)
{
    m_model->refresh(); // show the new state now, not at the next tick
    if (ok)
        return;
    m_log->addLine(task, QStringLiteral("warn"),
                   tr("%1 refused: %2").arg(TaskStatePresentation::actionLabel(action), reason));
    m_refusals.push_back({task, action, reason});
    if (!m_refusalFlush.isActive())
        m_refusalFlush.start();
}

void MainWindow::flushRefusals()
{
    if (m_refusals.isEmpty())
        return;
    // One line for the lot: "Pause refused for 3 tasks: <reason> (a, b, …)".
    QStringList parts;
    QVector<bool> done(m_refusals.size(), false);
    for (int i = 0; i < m_refusals.size(); ++i) {
        if (done[i])
            continue;
        QStringList names;
        int count = 0;
        for (int j = i; j < m_refusals.size(); ++j) {
            if (!done[j] && m_refusals[j].action == m_refusals[i].action
                && m_refusals[j].reason == m_refusals[i].reason) {
                done[j] = true;
                ++count;
                if (names.size() < kMaxNamesInTip)
                    names << m_refusals[j].task;
            }
        }
        const QString label = TaskStatePresentation::actionLabel(m_refusals[i].action);
        if (count == 1)
            parts << tr("%1 refused for %2: %3").arg(label, names.first(), m_refusals[i].reason);
        else
            parts << tr("%1 refused for %2 tasks (%3): %4")
                         .arg(label)
                         .arg(count)
                         .arg(namesSample(names, count), m_refusals[i].reason);
    }
    m_refusals.clear();
    statusBar()->showMessage(parts.join(QStringLiteral("; ")), 15000);
}

void MainWindow::showContextMenu(const QPoint &pos)
{
    if (!m_view->indexAt(pos).isValid())
        return;
    updateActions();
    m_taskMenu->popup(m_view->viewport()->mapToGlobal(pos));
}

void MainWindow::copySelectedNames()
{
    const QStringList names = selectedTaskNames();
    if (!names.isEmpty())
        QGuiApplication::clipboard()->setText(names.join(QLatin1Char('\n')));
}

// --- closing ------------------------------------------------------------------------------

void MainWindow::showStoppingDialog(const QString &text)
{
    if (m_stoppingDialog)
        return;
    auto *dialog = new QProgressDialog(text, tr("Close now"), 0, 0, this);
    dialog->setObjectName(QStringLiteral("stoppingDialog"));
    dialog->setWindowTitle(tr("Closing"));
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setMinimumDuration(0);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    connect(dialog, &QProgressDialog::canceled, this, [this] {
        // The run's destructor interrupts at a safe point; the store keeps the checkpoints.
        // A hand-over still happens: handOverAndClose() releases the run first.
        if (m_handOver) {
            handOverAndClose();
            return;
        }
        m_forceClose = true;
        close();
    });
    m_stoppingDialog = dialog;
    dialog->show();
}

void MainWindow::closePausingRun()
{
    onCloseAnswer(int(CloseDuringRunQuestion::Choice::PauseAndClose));
}

void MainWindow::onCloseAnswer(int choice)
{
    using Choice = CloseDuringRunQuestion::Choice;
    if (Choice(choice) == Choice::Cancel)
        return;
    m_closeWhenIdle = true;
    m_handOver = Choice(choice) == Choice::KeepRunning;
    if (!m_run || (!isDispatching() && !m_stopping)) {
        // The run stopped or finished while the question was open: nothing to pause or hand over.
        m_forceClose = true;
        close();
        return;
    }
    stopRun();
    showStoppingDialog(m_handOver
        ? tr("Handing the run over to upgradectl\u2026\nThis window stops dispatching; executing "
             "bulk copies commit their current batch, then upgradectl continues from there.")
        : tr("Stopping at the next batch\u2026\nExecuting bulk copies commit their current batch; "
             "the next start continues from there."));
}

void MainWindow::handOverAndClose()
{
    // Release the run (the owner lease and the store) before the headless run claims it.
    const QString statePath = m_run->plan().statePath;
    m_model->setRun(nullptr);
    m_run.reset();
    m_opened = false;
    const headlessrun::Started started = headlessrun::start(m_headlessRunner, statePath);
    if (!started.error.isEmpty()) {
        // Nothing is lost: the run is stopped in its store. Stay open on it.
        m_handOver = false;
        m_closeWhenIdle = false;
        if (m_stoppingDialog)
            m_stoppingDialog->deleteLater();
        openState(statePath);
        m_log->addLine({}, QStringLiteral("error"), tr("Keep running without the window: %1").arg(started.error));
        statusBar()->showMessage(tr("Could not hand the run over (%1); it is stopped, Continue resumes it.")
                                     .arg(started.error));
        return;
    }
    const QString where = tr("The run continues in upgradectl (pid %1). Follow it with: upgradectl "
                             "status --state %2 (output in %3)")
                              .arg(started.pid)
                              .arg(QDir::toNativeSeparators(statePath), QDir::toNativeSeparators(started.logPath));
    std::fprintf(stderr, "upgrade-cockpit: %s\n", qPrintable(where));
    emit handedOver(started.pid, statePath);
    m_forceClose = true;
    close();
}

void MainWindow::acceptClose(QCloseEvent *event)
{
    windowlayout::save(*this, *m_view->horizontalHeader());
    event->accept();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_forceClose) {
        acceptClose(event);
        return;
    }
    if (m_demoWatcher.isRunning()) {
        m_closeWhenIdle = true;
        statusBar()->showMessage(tr("Closing when the demo is written\u2026"));
        event->ignore();
        return;
    }
    if (m_run && (isDispatching() || m_stopping)) {
        event->ignore();
        if (m_closeWhenIdle) // already answered: stopping
            return;
        if (m_closeQuestion) {
            m_closeQuestion->raise();
            return;
        }
        auto *question = new CloseDuringRunQuestion(m_run->plan().statePath, m_headlessRunner, this);
        question->setAttribute(Qt::WA_DeleteOnClose);
        connect(question, &CloseDuringRunQuestion::answered, this,
                [this](CloseDuringRunQuestion::Choice choice) { onCloseAnswer(int(choice)); });
        m_closeQuestion = question;
        question->open();
        return;
    }
    acceptClose(event);
}

} // namespace cockpit
