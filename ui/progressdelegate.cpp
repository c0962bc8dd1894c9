#include "ui/progressdelegate.h"

#include "tasks/taskstate.h"
#include "ui/tasktablemodel.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionProgressBar>
#include <algorithm>

namespace cockpit {

ProgressDelegate::ProgressDelegate(int progressColumn, QObject *parent)
    : QStyledItemDelegate(parent), m_progressColumn(progressColumn)
{
}

void ProgressDelegate::initStyleOption(QStyleOptionViewItem *option,
                                       const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    // Task names differ at their end ("index:CUSTTABLE.I_077ACCOUNTIDX"): keep both ends.
    if (index.column() == TaskTableModel::TaskColumn)
        option->textElideMode = Qt::ElideMiddle;
}

void ProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    if (index.column() != m_progressColumn) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }

    QStyleOptionViewItem item = option;
    initStyleOption(&item, index);
    const QWidget *widget = item.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();

    // The item panel first, without its text, so selection and hover still show around the bar.
    item.text.clear();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &item, painter, widget);

    const QVariant progress = index.data(TaskTableModel::ProgressRole);
    if (!progress.isValid())
        return;
    const auto state = static_cast<TaskState>(index.data(TaskTableModel::StateRole).toInt());

    QStyleOptionProgressBar bar;
    if (widget)
        bar.initFrom(widget);
    bar.palette = option.palette;
    bar.rect = option.rect.adjusted(2, 2, -2, -2); // inset: rows stay distinguishable
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = std::clamp(progress.toInt(), 0, 1000);
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textVisible = !bar.text.isEmpty();
    bar.textAlignment = Qt::AlignCenter;
    bar.state = QStyle::State_Horizontal; // Qt 6 draws nothing sensible without it
    bar.fontMetrics = option.fontMetrics;
    bar.direction = option.direction;

    // Paused and failed tasks make no progress: grey the bar so a stuck task is not mistaken
    // for a slow one.
    const bool stalled = state == TaskState::Paused || state == TaskState::Error
                      || state == TaskState::Canceled;
    if (stalled || !(option.state & QStyle::State_Enabled)) {
        bar.palette.setCurrentColorGroup(QPalette::Disabled);
    } else {
        bar.state |= QStyle::State_Enabled;
        bar.palette.setCurrentColorGroup(QPalette::Active);
    }

    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

QSize ProgressDelegate::sizeHint(const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (index.column() == m_progressColumn)
        size.setHeight(std::max(size.height(), option.fontMetrics.height() + 8));
    return size;
}

} // namespace cockpit
