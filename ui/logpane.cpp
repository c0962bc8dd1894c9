#include "ui/logpane.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

namespace cockpit {

LogPane::LogPane(QWidget *parent) : QWidget(parent)
{
    m_text = new QPlainTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setMaximumBlockCount(m_maximumLines);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlaceholderText(tr("Log lines of the run appear here."));

    m_selectedOnly = new QCheckBox(tr("Selected tasks only"), this);
    m_selectedOnly->setToolTip(
        tr("Show only the lines of the tasks selected in the grid (and run-level lines)"));
    auto *clear = new QPushButton(tr("Clear"), this);
    clear->setToolTip(tr("Clear the pane (the run's log files are kept)"));

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_selectedOnly);
    bar->addStretch();
    bar->addWidget(clear);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 4);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_text);

    connect(m_selectedOnly, &QCheckBox::toggled, this, &LogPane::rebuild);
    connect(clear, &QPushButton::clicked, this, [this] {
        m_entries.clear();
        m_pendingCount = 0;
        m_text->clear();
    });

    m_flushTimer.setInterval(200);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogPane::flush);
}

void LogPane::setMaximumLines(int lines)
{
    m_maximumLines = std::max(100, lines);
    m_text->setMaximumBlockCount(m_maximumLines);
    while (int(m_entries.size()) > m_maximumLines)
        m_entries.pop_front();
}

void LogPane::addLine(const QString &task, LogLevel level, const QString &message)
{
    m_entries.push_back({QDateTime::currentDateTime(), task, level, message});
    if (int(m_entries.size()) > m_maximumLines)
        m_entries.pop_front();
    m_pendingCount = std::min(m_pendingCount + 1, int(m_entries.size()));
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void LogPane::setSelectedTasks(const QStringList &names)
{
    QSet<QString> selected(names.cbegin(), names.cend());
    if (selected == m_selected)
        return;
    m_selected = std::move(selected);
    if (m_selectedOnly->isChecked())
        rebuild();
}

QString LogPane::plainText() const
{
    const_cast<LogPane *>(this)->flush();
    return m_text->toPlainText();
}

bool LogPane::shows(const Entry &e) const
{
    return !m_selectedOnly->isChecked() || e.task.isEmpty() || m_selected.contains(e.task);
}

QString LogPane::format(const Entry &e) const
{
    QString line = e.time.toString(QStringLiteral("HH:mm:ss"));
    line += QStringLiteral(" %1 ").arg(toString(e.level).toUpper(), -5);
    if (!e.task.isEmpty())
        line += e.task + QStringLiteral(": ");
    line += e.message;
    return line;
}

void LogPane::flush()
{
    m_flushTimer.stop();
    if (m_pendingCount == 0)
        return;
    QStringList lines;
    for (auto it = m_entries.cend() - m_pendingCount; it != m_entries.cend(); ++it) {
        if (shows(*it))
            lines << format(*it);
    }
    m_pendingCount = 0;
    if (lines.isEmpty())
        return;
    // Follow the tail only if the administrator has not scrolled up to read something.
    auto *bar = m_text->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    m_text->appendPlainText(lines.join(QLatin1Char('\n')));
    if (atEnd)
        bar->setValue(bar->maximum());
}

void LogPane::rebuild()
{
    m_pendingCount = 0;
    QStringList lines;
    for (const Entry &e : m_entries) {
        if (shows(e))
            lines << format(e);
    }
    m_text->setPlainText(lines.join(QLatin1Char('\n')));
    m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());
}

} // namespace cockpit
