#include "ui/taskfilterproxymodel.h"

#include "ui/tasktablemodel.h"

namespace cockpit {

TaskFilterProxyModel::TaskFilterProxyModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(TaskTableModel::SortRole);
    setDynamicSortFilter(true);
    m_collator.setNumericMode(true);
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
}

void TaskFilterProxyModel::setText(const QString &text)
{
    const QString t = text.trimmed();
    if (t == m_text)
        return;
    // Qt 6.4 has no begin/endFilterChange; invalidateFilter() is the documented way.
    m_text = t;
    invalidateFilter();
}

void TaskFilterProxyModel::setStates(quint32 stateMask)
{
    if (stateMask == m_states)
        return;
    m_states = stateMask;
    invalidateFilter();
}

bool TaskFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const auto *model = qobject_cast<const TaskTableModel *>(sourceModel());
    if (!model || sourceParent.isValid())
        return true;
    const TaskView &t = model->task(sourceRow);
    if (!(m_states & (1u << int(t.status.state))))
        return false;
    if (m_text.isEmpty())
        return true;
    return t.spec.name.contains(m_text, Qt::CaseInsensitive)
        || t.spec.table.contains(m_text, Qt::CaseInsensitive)
        || t.spec.group.contains(m_text, Qt::CaseInsensitive)
        || t.status.message.contains(m_text, Qt::CaseInsensitive)
        || t.waitReason.contains(m_text, Qt::CaseInsensitive);
}

bool TaskFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant l = left.data(sortRole());
    const QVariant r = right.data(sortRole());
    if (l.typeId() == QMetaType::QString && r.typeId() == QMetaType::QString) {
        const int c = m_collator.compare(l.toString(), r.toString());
        if (c != 0)
            return c < 0;
    } else {
        const QPartialOrdering c = QVariant::compare(l, r);
        if (c == QPartialOrdering::Less)
            return true;
        if (c == QPartialOrdering::Greater)
            return false;
    }
    // Ties keep plan order, so equal states do not shuffle on every refresh.
    return left.row() < right.row();
}

} // namespace cockpit
