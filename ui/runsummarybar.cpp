#include "ui/runsummarybar.h"

#include "ui/taskstatepresentation.h"
#include "ui/tasktablemodel.h"

#include <QHBoxLayout>
#include <QLabel>
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
                          + TaskStatePresentation::description(state);
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
    // Wide enough for "100% – 10,000,000 / 10,000,000 rows" so the text is never clipped.
    const int textWidth = m_progress->fontMetrics().horizontalAdvance(
        tr("%p% \u2013 %1 / %2 rows").replace(QStringLiteral("%p"), QStringLiteral("100"))
            .arg(TaskTableModel::formatCount(10'000'000), TaskTableModel::formatCount(10'000'000)));
    m_progress->setFixedWidth(textWidth + 24);
    m_progress->setTextVisible(true);
    m_progress->setToolTip(tr("Rows copied of the estimated total, over all bulk-copy tasks"));
    layout->addWidget(m_progress);

    m_times = new QLabel(this);
    m_times->setToolTip(tr("Time since Run was pressed, estimated time left, and copy speed"));
    layout->addSpacing(6);
    layout->addWidget(m_times);
    setSummary({});
}

void RunSummaryBar::setBusy(const QString &what)
{
    m_progress->setRange(0, 0); // indeterminate
    m_progress->setFormat(what);
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
    if (summary.rowsTotal > 0) {
        const qint64 done = std::min(summary.rowsDone, summary.rowsTotal);
        m_progress->setValue(int(done * 1000 / summary.rowsTotal));
        m_progress->setFormat(tr("%p% \u2013 %1 / %2 rows")
                                  .arg(TaskTableModel::formatCount(summary.rowsDone),
                                       TaskTableModel::formatCount(summary.rowsTotal)));
    } else {
        m_progress->setValue(0);
        m_progress->setFormat(summary.taskCount > 0 ? tr("No rows to copy") : QString());
    }

    QStringList parts;
    if (summary.elapsedSeconds > 0)
        parts << tr("Elapsed %1").arg(TaskTableModel::formatDuration(summary.elapsedSeconds));
    if (summary.dispatching && summary.etaSeconds >= 0)
        parts << tr("ETA %1").arg(TaskTableModel::formatDuration(summary.etaSeconds));
    if (summary.dispatching && summary.rowsPerSecond > 0)
        parts << tr("%1 rows/s").arg(TaskTableModel::formatCount(qint64(summary.rowsPerSecond)));
    m_times->setText(parts.join(QStringLiteral(" \u00b7 ")));
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
    return m_times->text();
}

} // namespace cockpit
