#pragma once
// The grid's model: one row per task, in plan order (TaskSpec::ordinal). It does not listen
// to per-task signals; a coalescing timer (a few Hz) asks the run for what changed since the
// last tick and applies it in batches: new tasks in one beginInsertRows per contiguous block,
// one dataChanged per contiguous dirty range (or one for the whole table when most rows
// changed). That keeps a 10,000-task plan smooth however fast the workers go.
// GUI thread only.

#include "run/runsnapshot.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>
#include <QVector>
#include <functional>

namespace cockpit {

class UpgradeRun;

class TaskTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        TaskColumn,
        PhaseColumn,
        GroupColumn,
        StateColumn,
        ProgressColumn,
        RateColumn,
        TimeColumn,
        AttemptsColumn,
        PriorityColumn, // the administrator's (TaskSpec::priority)
        MessageColumn,
        ColumnCount
    };
    enum Role {
        ProgressRole = Qt::UserRole + 1, // int permille 0..1000 (any column); invalid for
                                         // tasks that do not count rows (no bar)
        StateRole,                       // int(TaskState) (any column)
        SortRole,                        // raw value of the column: number or string
                                         // (State: attention rank, Error and Executing first)
        TaskNameRole,                    // TaskSpec::name (any column)
        RowsDoneRole,                    // qint64
        RowsTotalRole,                   // qint64, 0 when the task does not count rows
        StopsAtBatchRole,                // bool: TaskSpec::stopsAtBatch()
    };
    Q_ENUM(Role)

    // What the model polls: tasks changed since `sinceVersion` (0: all) plus the summary.
    // UpgradeRun::snapshot in the application; a fake in tests. Called on the GUI thread.
    using SnapshotSource = std::function<RunSnapshot(quint64 sinceVersion)>;

    explicit TaskTableModel(QObject *parent = nullptr);
    ~TaskTableModel() override;

    // Polls `run` (not owned; the model stops polling if it is destroyed). nullptr: clear.
    void setRun(UpgradeRun *run);
    // Resets the model to empty and polls `source` from now on (an empty function: clear).
    void setSnapshotSource(SnapshotSource source);

    void setRefreshInterval(int milliseconds); // default 250
    int refreshInterval() const;

    // One tick now (also what the timer calls). Safe to call at any time.
    void refresh();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    const TaskView &task(int row) const { return m_tasks.at(row); }
    int rowOfTask(const QString &name) const { return m_rowByName.value(name, -1); }
    const RunSummary &summary() const { return m_summary; }
    quint64 version() const { return m_version; }

    // Formatting shared with the status bar (locale-aware, always with group separators).
    static QString formatCount(qint64 value);
    static QString formatDuration(double seconds); // "4:05", "1:02:03"; "" when < 0
    static int permille(const TaskView &task);
    static bool countsRows(const TaskView &task); // copies and validations; not DDL tasks

signals:
    // After every tick; `tasksChanged` is false when no task row changed. summary() is current.
    void refreshed(bool tasksChanged);

private:
    struct Change {
        int row;
        TaskView view; // the new value when `fresh`
        bool fresh;    // false: only repaint (an executing task's elapsed time)
    };
    void apply(RunSnapshot snapshot);
    void insertTasks(QVector<TaskView> added);
    void applyChanges(QVector<Change> changes);
    QVariant displayData(const TaskView &t, int column) const;
    QVariant sortData(const TaskView &t, int column) const;
    QString toolTip(const TaskView &t, int column) const;

    QVector<TaskView> m_tasks;        // sorted by spec.ordinal
    QHash<QString, int> m_rowByName;  // TaskSpec::name -> row in m_tasks
    RunSummary m_summary;
    quint64 m_version = 0;
    SnapshotSource m_source;
    QTimer m_timer;
};

} // namespace cockpit
