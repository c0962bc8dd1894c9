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

void TaskFilterProxyModel::setKinds(quint32 kindMask)
{
    if (kindMask == m_kinds)
        return;
    m_kinds = kindMask;
    invalidateFilter();
}

QStringList TaskFilterProxyModel::phases()
{
    QStringList names;
    // toString(TaskKind) is empty past the last kind.
    for (int i = 0; !toString(static_cast<TaskKind>(i)).isEmpty(); ++i) {
        const QString phase = phaseName(static_cast<TaskKind>(i));
        if (!names.contains(phase))
            names << phase;
    }
    return names;
}

quint32 TaskFilterProxyModel::kindsOfPhase(const QString &phase)
{
    quint32 mask = 0;
    for (int i = 0; !toString(static_cast<TaskKind>(i)).isEmpty(); ++i) {
        if (phaseName(static_cast<TaskKind>(i)) == phase)
            mask |= 1u << i;
    }
    return mask;
}

void TaskFilterProxyModel::setGroup(const QString &group)
{
    if (group == m_group)
        return;
    m_group = group;
    invalidateFilter();
}

bool TaskFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const auto *model = qobject_cast<const TaskTableModel *>(sourceModel());
    if (!model || sourceParent.isValid())
        return true;
    const TaskView &t = model->task(sourceRow);
    if (!(m_states & (1u << int(t.status.state))) || !(m_kinds & (1u << int(t.spec.kind))))
        return false;
    if (!m_group.isEmpty() && t.spec.group != m_group)
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
