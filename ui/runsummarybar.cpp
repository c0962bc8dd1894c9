#include "ui/runsummarybar.h"

#include "ui/taskstatepresentation.h"
#include "ui/tasktablemodel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QProgressBar>
#include <QStyle>

namespace cockpit {

RunSummaryBar::RunSummaryBar(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    for (int i = 0; i < TaskStateCount; ++i) {
        const auto state = static_cast<TaskState>(i);
        StateCount &c = m_counts[size_t(i)];
        c.icon = new QLabel(this);
        c.icon->setPixmap(TaskStatePresentation::icon(state).pixmap(iconSize, iconSize));
        c.text = new QLabel(this);
        const QString tip = TaskStatePresentation::label(state) + QStringLiteral(": ")
                          + TaskStatePresentation::description(state) + QLatin1Char('\n')
                          + tr("Click to show only these tasks in the grid.");
        for (QLabel *label : {c.icon, c.text}) {
            label->setCursor(Qt::PointingHandCursor);
            label->installEventFilter(this);
        }
        c.icon->setToolTip(tip);
        c.text->setToolTip(tip);
        layout->addWidget(c.icon);
        layout->addWidget(c.text);
        layout->addSpacing(6);
        c.icon->hide();
        c.text->hide();
    }

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    // Up to wide enough for "100% – 10,000,000 / 10,000,000 rows"; in a narrow window it
    // shrinks to the percentage alone (updateProgressText) instead of overlapping its neighbours.
    const QFontMetrics metrics = m_progress->fontMetrics();
    m_progress->setMaximumWidth(metrics.horizontalAdvance(fullText(10'000'000, 10'000'000, 100)) + kTextMargin);
    m_progress->setMinimumWidth(metrics.horizontalAdvance(QStringLiteral("100%")) + kTextMargin);
    m_progress->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_progress->setTextVisible(true);
    m_progress->setToolTip(tr("Rows copied of the estimated total, over all bulk-copy tasks"));
    layout->addWidget(m_progress, 1);

    m_times = new QLabel(this);
    // The least important part: clipped first when the window is narrow.
    m_times->setMinimumWidth(0);
    m_times->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addSpacing(6);
    layout->addWidget(m_times, 1);
    setSummary({});
}

QString RunSummaryBar::fullText(qint64 done, qint64 total, int percent) const
{
    return tr("%1% \u2013 %2 / %3 rows").arg(percent).arg(TaskTableModel::formatCount(done), TaskTableModel::formatCount(total));
}

void RunSummaryBar::updateProgressText()
{
    if (m_progress->maximum() == 0)
        return; // busy: setBusy's message
    if (m_summary.rowsTotal <= 0) {
        m_progress->setFormat(m_summary.taskCount > 0 ? tr("No rows to copy") : QString());
        return;
    }
    const int percent = int(std::min(m_summary.rowsDone, m_summary.rowsTotal) * 100 / m_summary.rowsTotal);
    const QString full = fullText(m_summary.rowsDone, m_summary.rowsTotal, percent);
    const bool fits = m_progress->fontMetrics().horizontalAdvance(full) + kTextMargin <= m_progress->width();
    m_progress->setFormat(fits ? full : QStringLiteral("%1%").arg(percent));
}

QSize RunSummaryBar::sizeHint() const
{
    QSize hint = QWidget::sizeHint();
    hint.rwidth() += m_progress->maximumWidth() - m_progress->sizeHint().width()
                     + m_times->fontMetrics().horizontalAdvance(m_timesParts.join(QStringLiteral(" \u00b7 ")));
    return hint;
}

void RunSummaryBar::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateProgressText();
    updateTimesText();
}

void RunSummaryBar::setBusy(const QString &what)
{
    m_progress->setRange(0, 0); // indeterminate
    m_progress->setFormat(what);
    m_timesParts.clear();
    m_times->clear();
}

void RunSummaryBar::setSummary(const RunSummary &summary)
{
    m_summary = summary;
    for (int i = 0; i < TaskStateCount; ++i) {
        const auto state = static_cast<TaskState>(i);
        const int n = summary.count(state);
        StateCount &c = m_counts[size_t(i)];
        // Zero counts are hidden, except Error: "no failures" is worth seeing at a glance
        // once tasks exist.
        const bool show = n > 0 || (state == TaskState::Error && summary.taskCount > 0);
        c.icon->setVisible(show);
        c.text->setVisible(show);
        if (show)
            c.text->setText(QStringLiteral("%1 %2").arg(TaskStatePresentation::label(state),
                                                       TaskTableModel::formatCount(n)));
    }

    m_progress->setRange(0, 1000);
    m_progress->setValue(summary.rowsTotal > 0 ? int(std::min(summary.rowsDone, summary.rowsTotal) * 1000 / summary.rowsTotal) : 0);
    updateProgressText();

    m_timesParts.clear();
    if (summary.elapsedSeconds > 0)
        m_timesParts << tr("Elapsed %1").arg(TaskTableModel::formatDuration(summary.elapsedSeconds));
    if (summary.dispatching && summary.etaSeconds >= 0)
        m_timesParts << tr("ETA %1").arg(TaskTableModel::formatDuration(summary.etaSeconds));
    if (summary.dispatching && summary.rowsPerSecond > 0)
        m_timesParts << tr("%1 rows/s").arg(TaskTableModel::formatCount(qint64(summary.rowsPerSecond)));
    updateTimesText();
    updateGeometry(); // the times' width is part of the size hint
}

void RunSummaryBar::updateTimesText()
{
    // As many parts as fit, the most important first: never half a word.
    const QString separator = QStringLiteral(" \u00b7 ");
    QStringList shown = m_timesParts;
    while (!shown.isEmpty() && m_times->fontMetrics().horizontalAdvance(shown.join(separator)) > m_times->width())
        shown.removeLast();
    m_times->setText(shown.join(separator));
    m_times->setToolTip(tr("Time since Run was pressed, estimated time left, and copy speed") + QStringLiteral("\n")
                        + m_timesParts.join(separator));
}

bool RunSummaryBar::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::MouseButtonRelease
        && static_cast<QMouseEvent *>(event)->button() == Qt::LeftButton) {
        for (int i = 0; i < TaskStateCount; ++i) {
            if (watched == m_counts[size_t(i)].icon || watched == m_counts[size_t(i)].text) {
                emit stateClicked(static_cast<TaskState>(i));
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

QString RunSummaryBar::countsText() const
{
    QStringList parts;
    for (const StateCount &c : m_counts) {
        if (!c.text->isHidden())
            parts << c.text->text();
    }
    return parts.join(QStringLiteral(", "));
}

QString RunSummaryBar::timesText() const
{
    return m_timesParts.join(QStringLiteral(" \u00b7 "));
}

} // namespace cockpit
