#pragma once
// Task > "Raise priority" / "Lower priority" (also in the grid's context menu): +1 or -1 on the
// administrator's priority of each selected task whose state takes a change
// (run/taskpriority.h), asked of the run; enabled only where one applies, the tooltip says why
// not. The new value shows in the grid's Priority column once the run answers.
// GUI thread only.

#include <QObject>
#include <QPointer>
#include <QVector>
#include <functional>

class QAction;

namespace cockpit {

class TaskTableModel;
class UpgradeRun;

class PriorityActions final : public QObject {
    Q_OBJECT
public:
    // `selectedRows`: the selected rows of `model` (source rows), read when an action fires.
    PriorityActions(TaskTableModel *model, std::function<QVector<int>()> selectedRows, QObject *parent);

    QAction *raiseAction() const { return m_raise; }
    QAction *lowerAction() const { return m_lower; }

    // Enables the actions for the selected `rows` and the open run (nullptr: none is open).
    void update(UpgradeRun *run, const QVector<int> &rows);

private:
    void change(int step);

    TaskTableModel *m_model;
    std::function<QVector<int>()> m_selectedRows;
    QPointer<UpgradeRun> m_run;
    QAction *m_raise = nullptr;
    QAction *m_lower = nullptr;
};

} // namespace cockpit
