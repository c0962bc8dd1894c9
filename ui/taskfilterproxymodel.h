#pragma once
// Sorting and filtering for the grid: a text filter over task name, table, group and message,
// a set of states, a set of task kinds (a phase is one or more kinds) and a batch group. Sorts on TaskTableModel::SortRole (raw numbers), task names
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

    void setKinds(quint32 kindMask);         // bit i = TaskKind(i); allKinds(): all
    quint32 kinds() const { return m_kinds; }
    static constexpr quint32 allKinds() { return ~0u; }
    // The kinds shown under `phase` (phaseName), e.g. "Constraints": four kinds.
    static quint32 kindsOfPhase(const QString &phase);
    static QStringList phases(); // every phase name, in TaskKind order

    void setGroup(const QString &group);     // exact batch group; empty: all
    QString group() const { return m_group; }
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
    quint32 m_kinds = allKinds();
    QString m_group;
    QCollator m_collator;
};

} // namespace cockpit
