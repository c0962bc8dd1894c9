#include "ui/taskfilterproxymodel.h"

#include <QLocale>

#include "ui/tasktablemodel.h"

#include <algorithm>

namespace cockpit {

TaskFilterProxyModel::TaskFilterProxyModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(TaskTableModel::SortRole);
    setDynamicSortFilter(true);
    // Task names end in numbers ("copy:T#2" before "copy:T#10"): numeric mode, which the C
    // locale's collator (a plain C.UTF-8 session, CI) ignores; English collates the same ASCII names.
    if (QLocale::system().language() == QLocale::C)
        m_collator = QCollator(QLocale(QLocale::English, QLocale::UnitedStates));
    m_collator.setNumericMode(true);
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
}

void TaskFilterProxyModel::setText(const QString &text)
{
    const QString t = text.trimmed();
    if (t == m_text)
        return;
    m_text = t;
    refilter();
}

void TaskFilterProxyModel::setStates(quint32 stateMask)
{
    if (stateMask == m_states)
        return;
    m_states = stateMask;
    refilter();
}

void TaskFilterProxyModel::refilter()
{
    // Not invalidateFilter(): it announces every contiguous run of rows that goes or comes, and
    // a filter that picks one phase out of 10,000 interleaved tasks makes thousands of runs
    // (the view, header and selection handle each: ~70 ms per keystroke). invalidate() maps
    // everything again at once and says so with one layoutChanged; selected rows that stay
    // keep their selection.
    invalidate();
}

void TaskFilterProxyModel::setKinds(quint32 kindMask)
{
    if (kindMask == m_kinds)
        return;
    m_kinds = kindMask;
    refilter();
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
    refilter();
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

void TaskFilterProxyModel::setSourceModel(QAbstractItemModel *model)
{
    for (const auto &c : std::as_const(m_sourceConnections))
        disconnect(c);
    m_sourceConnections.clear();
    forgetAllSortKeys();
    if (model) {
        // Connected before the base class connects: a changed row's key is forgotten before
        // the dynamic sort compares it.
        m_sourceConnections
            << connect(model, &QAbstractItemModel::dataChanged, this,
                       [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                           forgetSortKeys(topLeft.row(), bottomRight.row());
                       });
        // Rows that move shift every key after them.
        const auto forgetAll = [this] { forgetAllSortKeys(); };
        m_sourceConnections
            << connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, forgetAll)
            << connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this, forgetAll)
            << connect(model, &QAbstractItemModel::rowsAboutToBeMoved, this, forgetAll)
            << connect(model, &QAbstractItemModel::modelAboutToBeReset, this, forgetAll)
            << connect(model, &QAbstractItemModel::layoutAboutToBeChanged, this, forgetAll);
    }
    QSortFilterProxyModel::setSourceModel(model);
}

void TaskFilterProxyModel::forgetSortKeys(int firstRow, int lastRow)
{
    for (int row = std::max(0, firstRow); row <= lastRow && row < m_sortKeys.size(); ++row)
        m_sortKeys[row].reset();
}

void TaskFilterProxyModel::forgetAllSortKeys()
{
    m_sortKeys.clear();
}

const TaskFilterProxyModel::SortKey &TaskFilterProxyModel::sortKey(const QModelIndex &sourceIndex) const
{
    if (sourceIndex.column() != m_sortKeyColumn) {
        m_sortKeys.clear();
        m_sortKeyColumn = sourceIndex.column();
    }
    if (m_sortKeys.size() <= sourceIndex.row())
        m_sortKeys.resize(std::max(sourceIndex.row() + 1, sourceModel()->rowCount()));
    std::optional<SortKey> &key = m_sortKeys[sourceIndex.row()];
    if (!key) {
        const QVariant value = sourceIndex.data(sortRole());
        key = value.typeId() == QMetaType::QString ? SortKey{{}, value.toString()}
                                                   : SortKey{value, std::nullopt};
    }
    return *key;
}

bool TaskFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // Copies: the second sortKey() call may grow the cache and move the first.
    const SortKey l = sortKey(left);
    const SortKey &r = sortKey(right);
    if (l.text && r.text) {
        // Not QCollatorSortKey: its keys ignore numeric mode on this platform.
        const int c = m_collator.compare(*l.text, *r.text);
        if (c != 0)
            return c < 0;
    } else {
        const QPartialOrdering c = QVariant::compare(l.value, r.value);
        if (c == QPartialOrdering::Less)
            return true;
        if (c == QPartialOrdering::Greater)
            return false;
    }
    // Ties keep plan order, so equal states do not shuffle on every refresh.
    return left.row() < right.row();
}

} // namespace cockpit
