#include "ui/mainwindow.h"

#include "run/upgraderun.h"
#include "run/workerpriority.h"
#include "ui/appsettings.h"
#include "ui/batchgroupspanel.h"
#include "ui/headlessrun.h"
#include "ui/logpane.h"
#include "ui/priorityactions.h"
#include "ui/progressdelegate.h"
#include "ui/runsummarybar.h"
#include "ui/settingsdialog.h"
#include "ui/taskdetailspane.h"
#include "ui/taskfilterproxymodel.h"
#include "ui/taskstatepresentation.h"
#include "ui/tasktablemodel.h"
#include "ui/timelineview.h"
#include "ui/windowlayout.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QScreen>
#include <QStatusBar>
#include <QTableView>

namespace cockpit {

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
    m_layoutRestored = windowlayout::restore(*this, *header);
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
    // Before the run and the models go. writeDemo cannot be interrupted; it takes seconds,
    // and leaving it running would write into a folder nobody watches.
    m_futures.waitForAll();
    m_model->setRun(nullptr);
}

void MainWindow::setWindowTitleFor(const QString &planTitle)
{
    m_planTitle = planTitle;
    setWindowTitle(planTitle.isEmpty() ? tr("Data upgrade cockpit")
                                       : tr("Data upgrade cockpit (%1)").arg(planTitle));
}

// The Task menu; the grid pops it up as its context menu (showContextMenu()).
void MainWindow::createTaskMenu()
{
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
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (std::exchange(m_layoutRestored, true))
        return;
    // The first show without a saved layout: the bottom docks tall enough for the batch groups
    // tab to show its groups and four workers (before the show, the window has no size to
    // share between them and the grid).
    if (auto *log = findChild<QDockWidget *>(QStringLiteral("logDock")))
        resizeDocks({log}, {fontMetrics().height() * 18}, Qt::Vertical);
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
    if (isOpen()) {
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

// --- the grid's selection and context menu ------------------------------------------------

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

} // namespace cockpit
