#pragma once
// Paints the Progress column as a real progress bar (the style's own, so it looks native),
// "123,456 / 1,000,000" inside it; every other column is QStyledItemDelegate's. No widgets in
// cells: painting 10,000 rows must cost nothing when they are scrolled out of sight.
// GUI thread only.

#include <QStyledItemDelegate>

namespace cockpit {

class ProgressDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    // `progressColumn`: the column to paint as a bar, in the view's (proxy's) coordinates;
    // the data comes from TaskTableModel::ProgressRole / StateRole of the same index.
    explicit ProgressDelegate(int progressColumn, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    int m_progressColumn;
};

} // namespace cockpit
