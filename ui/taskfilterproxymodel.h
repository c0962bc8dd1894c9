#pragma once
// Sorting and filtering for the grid: a text filter over task name, table, group and message,
// and a set of states to show. Sorts on TaskTableModel::SortRole (raw numbers), task names
// naturally ("copy:T#2" before "copy:T#10"). GUI thread only.

#include "tasks/taskstate.h"

#include <QCollator>
#include <QSortFilterProxyModel>
#include <QVector>
#include <optional>

namespace cockpit {

class TaskFilterProxyModel final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit TaskFilterProxyModel(QObject *parent = nullptr);

    void setText(const QString &text);       // case-insensitive substring; empty: all
    void setStates(quint32 stateMask);       // bit i = TaskState(i); allStates(): all
    quint32 states() const { return m_states; }
    static constexpr quint32 allStates() { return (1u << TaskStateCount) - 1; }

    void setSourceModel(QAbstractItemModel *model) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    // The sorted column's value of one source row, as compared: a sort of 10,000 rows makes
    // ~130,000 comparisons, so each row's value is read once per change of the row, not twice
    // per comparison.
    struct SortKey {
        QVariant value;                // numbers
        std::optional<QString> text;   // strings, compared by the collator
    };
    const SortKey &sortKey(const QModelIndex &sourceIndex) const;
    void forgetSortKeys(int firstRow, int lastRow);
    void forgetAllSortKeys();
    void refilter();

    mutable QVector<std::optional<SortKey>> m_sortKeys; // by source row
    mutable int m_sortKeyColumn = -1;
    QList<QMetaObject::Connection> m_sourceConnections;

    QString m_text;
    quint32 m_states = allStates();
    QCollator m_collator;
};

} // namespace cockpit
