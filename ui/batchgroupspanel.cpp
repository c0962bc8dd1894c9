#include "ui/batchgroupspanel.h"

#include "run/scheduler.h"
#include "run/upgraderun.h"
#include "ui/taskstatepresentation.h"

#include <QApplication>
#include <QHeaderView>
#include <QMenu>
#include <QToolButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <limits>

namespace cockpit {

namespace {

// Up to this many threads every slot gets a line ("idle" when free); beyond, the idle ones
// are summed up so a 256-thread group does not make a 256-line row.
constexpr int kListedSlots = 8;

// A heartbeat older than this is shown as a warning: the worker may be gone (its tasks are
// handed on once its lease expires).
constexpr double kLateHeartbeatSeconds = 15;

QString removedText() { return QObject::tr("removed"); }
QString hasWorkerText() { return QObject::tr("has worker"); }

} // namespace

BatchGroupsPanel::BatchGroupsPanel(QWidget *parent) : QWidget(parent)
{
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("batchGroupsTable"));
    m_table->setHorizontalHeaderLabels({tr("Group"), tr("Threads"), tr("Worker"), QString(), tr("Ready"),
                                        tr("Waiting"), tr("Executing now")});
    m_table->verticalHeader()->hide();
    // Rows as compact as the grid's (frameless editors), so the groups fit the dock's height.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->horizontalHeaderItem(ThreadsColumn)->setToolTip(
        tr("The group's thread limit; a change applies at the next dispatch and never interrupts an executing task"));
    m_table->horizontalHeaderItem(WorkerColumn)->setToolTip(
        tr("Removed: nothing of the group is dispatched any more; executing tasks finish"));
    const QFontMetrics fm = fontMetrics();
    const int pad = fm.horizontalAdvance(QLatin1Char('M')) * 2;
    m_table->setColumnWidth(GroupColumn, fm.horizontalAdvance(QStringLiteral("default_group")) + pad);
    m_table->setColumnWidth(ThreadsColumn, fm.horizontalAdvance(QStringLiteral("Threads 256")) + pad);
    m_table->setColumnWidth(WorkerColumn, fm.horizontalAdvance(hasWorkerText()) + pad + 16);
    m_table->setColumnWidth(ActionColumn, fm.horizontalAdvance(tr("Add worker back")) + pad * 2);
    m_table->setColumnWidth(ReadyColumn, fm.horizontalAdvance(tr("Waiting")) + pad);
    m_table->setColumnWidth(WaitingColumn, fm.horizontalAdvance(tr("Waiting")) + pad);

    m_workers = new QTableWidget(0, WorkerColumnCount, this);
    m_workers->setObjectName(QStringLiteral("workersTable"));
    m_workers->setHorizontalHeaderLabels({tr("Worker"), tr("Host"), tr("Threads"), tr("Groups"), tr("Heartbeat"),
                                          tr("Executing now")});
    m_workers->verticalHeader()->hide();
    m_workers->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_workers->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_workers->setSelectionMode(QAbstractItemView::NoSelection);
    m_workers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_workers->setWordWrap(false);
    m_workers->horizontalHeader()->setStretchLastSection(true);
    // A worker of a shared run leaves a group (or comes back) from its row's menu.
    m_workers->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_workers, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        const QTableWidgetItem *item = m_workers->itemAt(at);
        if (!item)
            return;
        QMenu menu(this);
        fillWorkerMenu(menu, m_workers->item(item->row(), WorkerNameColumn)->text());
        if (!menu.isEmpty())
            menu.exec(m_workers->viewport()->mapToGlobal(at));
    });
    m_workers->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_workers->horizontalHeaderItem(WorkerHeartbeatColumn)->setToolTip(
        tr("Seconds since the worker last said it is alive; a worker that stops beating loses its tasks to the others "
           "when its lease expires"));
    m_workers->setColumnWidth(WorkerNameColumn, fm.horizontalAdvance(QStringLiteral("upgrade-cockpit")) + pad);
    m_workers->setColumnWidth(WorkerHostColumn, fm.horizontalAdvance(QStringLiteral("machine-name")) + pad);
    m_workers->setColumnWidth(WorkerThreadsColumn, fm.horizontalAdvance(tr("Threads")) + pad);
    m_workers->setColumnWidth(WorkerGroupsColumn, fm.horizontalAdvance(QStringLiteral("default_group")) + pad);
    m_workers->setColumnWidth(WorkerHeartbeatColumn, fm.horizontalAdvance(tr("this process")) + pad + 16);

    // Groups above, workers below; the administrator drags the line between them.
    m_split = new QSplitter(Qt::Vertical, this);
    m_split->setChildrenCollapsible(false);
    m_split->addWidget(m_table);
    m_split->addWidget(m_workers);
    connect(m_split, &QSplitter::splitterMoved, this, [this] { m_splitMoved = true; });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_split);
}

static int heightForRows(const QTableWidget *table)
{
    return table->horizontalHeader()->height() + table->rowCount() * table->verticalHeader()->defaultSectionSize()
           + 2 * table->frameWidth();
}

void BatchGroupsPanel::fitSplit()
{
    if (m_splitMoved)
        return; // the administrator's choice stays
    const int total = m_split->height() - m_split->handleWidth();
    if (total <= 0)
        return;
    // The groups take the rows they have while the workers keep at least half, or all theirs.
    const int groups = std::min(heightForRows(m_table), std::max(total / 2, total - heightForRows(m_workers)));
    m_split->setSizes({groups, total - groups});
}

void BatchGroupsPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitSplit();
}

void BatchGroupsPanel::setRun(UpgradeRun *run)
{
    if (m_run)
        disconnect(m_run, nullptr, this, nullptr);
    m_run = run;
    if (run) {
        connect(run, &UpgradeRun::groupActionDone, this, &BatchGroupsPanel::onGroupActionDone);
        connect(run, &QObject::destroyed, this, [this] {
            showGroups({});
            showWorkers({});
        });
    }
    refresh();
}

void BatchGroupsPanel::refresh()
{
    // Only the groups and workers: no task has a version above the largest one.
    const RunSnapshot s = m_run ? m_run->snapshot(std::numeric_limits<quint64>::max()) : RunSnapshot();
    showGroups(s.groups);
    showWorkers(s.workers);
}

int BatchGroupsPanel::rowOf(const QString &group) const
{
    return int(m_names.indexOf(group));
}

void BatchGroupsPanel::showGroups(const QVector<GroupView> &groups)
{
    m_lastGroups = groups;
    QStringList names;
    for (const auto &g : groups)
        names << g.name;
    if (names != m_names) {
        // Another run (or its first refresh): new rows with their editors.
        m_table->setRowCount(0);
        m_names = names;
        m_table->setRowCount(int(names.size()));
        fitSplit();
        for (int row = 0; row < names.size(); ++row) {
            const QString group = names[row];
            m_table->setItem(row, GroupColumn, new QTableWidgetItem(group));
            for (int c : {WorkerColumn, ReadyColumn, WaitingColumn, ExecutingColumn})
                m_table->setItem(row, c, new QTableWidgetItem);
            m_table->item(row, ReadyColumn)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->item(row, WaitingColumn)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);

            auto *threads = new QSpinBox;
            threads->setObjectName(QStringLiteral("threads:") + group);
            threads->setRange(1, Scheduler::kMaxGroupThreads);
            threads->setFrame(false);
            threads->setKeyboardTracking(false); // one request when the number is entered, not per digit
            threads->setAccessibleName(tr("Threads of batch group %1").arg(group));
            threads->setToolTip(m_table->horizontalHeaderItem(ThreadsColumn)->toolTip());
            connect(threads, &QSpinBox::valueChanged, this, [this, group](int n) {
                if (m_run)
                    m_run->setGroupThreads(group, n);
            });
            m_table->setCellWidget(row, ThreadsColumn, threads);

            auto *worker = new QToolButton;
            worker->setObjectName(QStringLiteral("worker:") + group);
            connect(worker, &QToolButton::clicked, this, [this, group, worker] {
                if (m_run)
                    m_run->setGroupWorkerRemoved(group, !worker->property("removed").toBool());
            });
            m_table->setCellWidget(row, ActionColumn, worker);
        }
    }
    for (int row = 0; row < groups.size(); ++row)
        updateRow(row, groups[row]);
}

void BatchGroupsPanel::updateRow(int row, const GroupView &g)
{
    auto *threads = qobject_cast<QSpinBox *>(m_table->cellWidget(row, ThreadsColumn));
    // A spin box the administrator is in keeps what they typed until they commit it.
    if (!threads->hasFocus() && threads->value() != g.threads) {
        const QSignalBlocker quiet(threads);
        threads->setValue(g.threads);
    }
    threads->setEnabled(bool(m_run));

    QTableWidgetItem *worker = m_table->item(row, WorkerColumn);
    worker->setText(g.removed ? removedText() : hasWorkerText());
    // The grid's shapes: a removed worker holds its tasks like a pause, a present one runs
    // them. The icon and the text say it; the colour only underlines it.
    const TaskState look = g.removed ? TaskState::Paused : TaskState::Executing;
    worker->setIcon(TaskStatePresentation::icon(look));
    if (g.removed)
        worker->setForeground(TaskStatePresentation::color(look));
    else
        worker->setData(Qt::ForegroundRole, QVariant());
    worker->setToolTip(g.removed ? tr("Nothing of batch group %1 is dispatched; executing tasks finish").arg(g.name)
                                 : tr("Batch group %1 dispatches up to %n task(s) at once", nullptr, g.threads).arg(g.name));

    auto *button = qobject_cast<QToolButton *>(m_table->cellWidget(row, ActionColumn));
    button->setText(g.removed ? tr("Add worker back") : tr("Remove worker"));
    button->setToolTip(g.removed ? tr("Dispatch the tasks of batch group %1 again").arg(g.name)
                                 : tr("Stop dispatching the tasks of batch group %1 that are not executing yet; "
                                      "executing ones finish")
                                       .arg(g.name));
    button->setProperty("removed", g.removed);
    button->setEnabled(bool(m_run));

    m_table->item(row, ReadyColumn)->setText(QString::number(g.ready));
    m_table->item(row, WaitingColumn)->setText(QString::number(g.waiting));

    QStringList slotTexts = g.executing;
    const int slotCount = std::max<int>(g.threads, int(g.executing.size()));
    const int idle = slotCount - int(g.executing.size());
    if (slotCount <= kListedSlots)
        for (int i = 0; i < idle; ++i)
            slotTexts << tr("idle");
    else if (idle > 0)
        slotTexts << tr("+ %n idle thread(s)", nullptr, idle);
    QTableWidgetItem *executing = m_table->item(row, ExecutingColumn);
    // One line per group keeps every group in view; the tooltip lists one slot per line.
    const QString text = slotTexts.join(QStringLiteral(", "));
    if (executing->text() != text) {
        executing->setText(text);
        executing->setToolTip(slotTexts.join(u'\n'));
    }
}

void BatchGroupsPanel::showWorkers(const QVector<WorkerView> &workers)
{
    m_lastWorkers = workers;
    if (m_workers->rowCount() != workers.size()) {
        m_workers->setRowCount(int(workers.size()));
        fitSplit();
    }
    for (int row = 0; row < workers.size(); ++row) {
        const WorkerView &w = workers[row];
        auto cell = [&](int column) {
            QTableWidgetItem *item = m_workers->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                m_workers->setItem(row, column, item);
            }
            return item;
        };
        cell(WorkerNameColumn)->setText(w.name);
        cell(WorkerNameColumn)->setToolTip(tr("%1, process %2 on %3").arg(w.name).arg(w.pid).arg(w.host));
        cell(WorkerHostColumn)->setText(w.host);
        cell(WorkerThreadsColumn)->setText(QString::number(w.threads));
        cell(WorkerThreadsColumn)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        QStringList removedFrom;
        for (const GroupView &g : m_lastGroups)
            if (g.removedWorkers.contains(w.name))
                removedFrom << g.name;
        QString groupsText = w.groups.isEmpty() ? tr("none") : w.groups.join(QStringLiteral(", "));
        if (!removedFrom.isEmpty())
            groupsText += tr(" (removed from %1)").arg(removedFrom.join(QStringLiteral(", ")));
        cell(WorkerGroupsColumn)->setText(groupsText);
        cell(WorkerGroupsColumn)->setToolTip(tr("Right-click to remove this worker from a batch group or add it back"));
        QTableWidgetItem *beat = cell(WorkerHeartbeatColumn);
        const bool late = !w.thisProcess && w.heartbeatAge > kLateHeartbeatSeconds;
        beat->setText(w.thisProcess ? tr("this process") : tr("%1 s ago").arg(w.heartbeatAge, 0, 'f', 0));
        beat->setIcon(late ? TaskStatePresentation::icon(TaskState::Error) : QIcon());
        beat->setToolTip(late ? tr("No heartbeat for %1 s: the worker may be gone; its tasks go to another worker when "
                                   "their lease expires")
                                    .arg(w.heartbeatAge, 0, 'f', 0)
                              : QString());
        if (late)
            beat->setForeground(TaskStatePresentation::color(TaskState::Error));
        else
            beat->setData(Qt::ForegroundRole, QVariant());
        QTableWidgetItem *executing = cell(WorkerExecutingColumn);
        const QString text = w.executing.isEmpty() ? tr("idle") : w.executing.join(QStringLiteral(", "));
        executing->setText(text);
        executing->setToolTip(w.executing.join(u'\n'));
    }
}

void BatchGroupsPanel::fillWorkerMenu(QMenu &menu, const QString &worker)
{
    if (m_lastWorkers.size() < 2)
        return; // one process: the group's own Remove worker button
    for (const GroupView &g : m_lastGroups) {
        const bool removed = g.removedWorkers.contains(worker);
        QAction *a = menu.addAction(removed ? tr("Add %1 back to batch group %2").arg(worker, g.name)
                                            : tr("Remove %1 from batch group %2").arg(worker, g.name));
        a->setObjectName(QStringLiteral("%1:%2:%3").arg(removed ? QStringLiteral("add") : QStringLiteral("remove"), worker, g.name));
        a->setToolTip(removed ? tr("%1 claims tasks of %2 again").arg(worker, g.name)
                              : tr("%1 claims no more tasks of %2; what it executes finishes; the other workers go on")
                                    .arg(worker, g.name));
        const QString group = g.name;
        connect(a, &QAction::triggered, this, [this, group, worker, removed] {
            if (m_run)
                m_run->setGroupWorkerRemoved(group, !removed, worker);
        });
    }
}

void BatchGroupsPanel::onGroupActionDone(const QString &, bool ok, const QString &message)
{
    refresh(); // the snapshot already shows the change
    Q_EMIT answered(ok ? message : tr("Refused: %1").arg(message));
}

QSpinBox *BatchGroupsPanel::threadsEditor(const QString &group) const
{
    const int row = rowOf(group);
    return row < 0 ? nullptr : qobject_cast<QSpinBox *>(m_table->cellWidget(row, ThreadsColumn));
}

QToolButton *BatchGroupsPanel::workerButton(const QString &group) const
{
    const int row = rowOf(group);
    return row < 0 ? nullptr : qobject_cast<QToolButton *>(m_table->cellWidget(row, ActionColumn));
}

QString BatchGroupsPanel::workerText(const QString &group) const
{
    const int row = rowOf(group);
    return row < 0 ? QString() : m_table->item(row, WorkerColumn)->text();
}

QString BatchGroupsPanel::executingText(const QString &group) const
{
    const int row = rowOf(group);
    return row < 0 ? QString() : m_table->item(row, ExecutingColumn)->text();
}

} // namespace cockpit
