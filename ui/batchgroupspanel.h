#pragma once
// The batch groups dock: per group its thread limit (editable while the run goes on), whether
// it has a worker or the administrator removed it (then nothing of the group is dispatched;
// executing tasks finish), what each worker thread executes now, and its Ready and Waiting
// counts; below, the run's workers (the processes that execute its tasks: this one, or each
// `upgradectl worker` of a run shared through PostgreSQL) with their host, threads, groups,
// heartbeat age and what they run. Fed from the run's snapshot on every refresh of the grid; edits go to the run as
// requests, and the run's answer comes back as answered(). GUI thread only.

#include "run/runsnapshot.h"

#include <QPointer>
#include <QWidget>

class QToolButton;
class QSpinBox;
class QSplitter;
class QMenu;
class QTableWidget;

namespace cockpit {

class UpgradeRun;

class BatchGroupsPanel final : public QWidget {
    Q_OBJECT
public:
    enum Column { GroupColumn, ThreadsColumn, WorkerColumn, ActionColumn, ReadyColumn, WaitingColumn, ExecutingColumn, ColumnCount };

    enum WorkerColumnIndex { WorkerNameColumn, WorkerHostColumn, WorkerThreadsColumn, WorkerGroupsColumn,
                             WorkerHeartbeatColumn, WorkerExecutingColumn, WorkerColumnCount };

    explicit BatchGroupsPanel(QWidget *parent = nullptr);

    // The run the edits go to (not owned; forgotten when destroyed). nullptr: empty panel.
    void setRun(UpgradeRun *run);
    // Reads the run's groups now (the window calls it on every refresh of the grid).
    void refresh();
    // Shows `groups`; rows are kept (and a spin box being edited is left alone) while the
    // set of group names does not change.
    void showGroups(const QVector<GroupView> &groups);
    void showWorkers(const QVector<WorkerView> &workers);

    QTableWidget *table() const { return m_table; }
    QTableWidget *workersTable() const { return m_workers; }
    QSpinBox *threadsEditor(const QString &group) const;
    QToolButton *workerButton(const QString &group) const;
    QString workerText(const QString &group) const;    // "has worker" / "removed"
    QString executingText(const QString &group) const; // "task, task, idle": one per worker thread
    // A shared run's worker row's right-click menu: remove it from each group, or add it back
    // (nothing with one worker: the group's Remove worker button does it).
    void fillWorkerMenu(QMenu &menu, const QString &worker);

signals:
    // The run's answer to an edit here, for the status bar: what was done, or "Refused: why".
    void answered(const QString &text);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    // Until the administrator drags the line between the tables: the groups table as tall
    // as its rows, the workers' below it.
    void fitSplit();
    int rowOf(const QString &group) const;
    void updateRow(int row, const GroupView &group);
    void onGroupActionDone(const QString &group, bool ok, const QString &message);

    QPointer<UpgradeRun> m_run;
    QTableWidget *m_table = nullptr;
    QTableWidget *m_workers = nullptr;
    QSplitter *m_split = nullptr;
    bool m_splitMoved = false;
    QVector<GroupView> m_lastGroups;   // as last shown
    QVector<WorkerView> m_lastWorkers; // as last shown
    QStringList m_names; // the groups the rows show, in row order
};

} // namespace cockpit
