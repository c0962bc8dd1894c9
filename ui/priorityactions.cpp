#include "ui/priorityactions.h"

#include "run/taskpriority.h"
#include "run/upgraderun.h"
#include "ui/tasktablemodel.h"

#include <QAction>
#include <QMap>

namespace cockpit {

PriorityActions::PriorityActions(TaskTableModel *model, std::function<QVector<int>()> selectedRows, QObject *parent)
    : QObject(parent), m_model(model), m_selectedRows(std::move(selectedRows))
{
    m_raise = new QAction(tr("Raise priority"), this);
    m_raise->setObjectName(QStringLiteral("actionRaisePriority"));
    m_lower = new QAction(tr("Lower priority"), this);
    m_lower->setObjectName(QStringLiteral("actionLowerPriority"));
    connect(m_raise, &QAction::triggered, this, [this] { change(+1); });
    connect(m_lower, &QAction::triggered, this, [this] { change(-1); });
    update(nullptr, {});
}

void PriorityActions::update(UpgradeRun *run, const QVector<int> &selected)
{
    if (run != m_run) {
        if (m_run)
            disconnect(m_run, nullptr, this, nullptr);
        m_run = run;
        // Shown now, not at the next tick: a second click then counts from the new value.
        if (run)
            connect(run, &UpgradeRun::priorityDone, this, [this] { m_model->refresh(); });
    }
    int applicable = 0;
    QString refusal;
    const QVector<int> rows = run ? selected : QVector<int>();
    for (int row : rows) {
        const ActionCheck check = checkPriorityChange(m_model->task(row).status.state);
        if (check.possible())
            ++applicable;
        else if (refusal.isEmpty())
            refusal = tr("Not possible for %1: %2").arg(m_model->task(row).spec.name, check.reason);
    }
    const QString why = !run            ? tr("Not available: no run is open yet.")
                      : rows.isEmpty()  ? tr("Not available: select one or more tasks in the grid.")
                      : applicable == 0 ? refusal
                      : applicable < rows.size()
                          ? tr("Applies to %1 of the %2 selected tasks.").arg(applicable).arg(rows.size())
                          : QString();
    for (auto [action, what] : {std::pair{m_raise, tr("Raise the priority of the selected tasks by one: of the tasks "
                                                      "ready to start, a higher priority goes first.")},
                                std::pair{m_lower, tr("Lower the priority of the selected tasks by one: others go "
                                                      "first.")}}) {
        action->setEnabled(applicable > 0);
        action->setToolTip(why.isEmpty() ? what : what + u'\n' + why);
        action->setStatusTip(what);
    }
}

void PriorityActions::change(int step)
{
    if (!m_run)
        return;
    // Each task moves from its own value: one request per new value.
    QMap<int, QStringList> byPriority;
    for (int row : m_selectedRows()) {
        const TaskView &t = m_model->task(row);
        if (checkPriorityChange(t.status.state).possible())
            byPriority[t.spec.priority + step] << t.spec.name;
    }
    for (auto it = byPriority.cbegin(); it != byPriority.cend(); ++it)
        m_run->setPriority(it.value(), it.key());
}

} // namespace cockpit
