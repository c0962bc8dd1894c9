#pragma once
// The log pane: the run's log lines, for all tasks or only the selected ones. Lines are
// buffered and appended a few times a second (a fast run logs in bursts), and only the last
// few thousand are kept, so a long upgrade cannot fill memory the way AX's Infolog did.
// GUI thread only.

#include "log/logging.h"

#include <QDateTime>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <deque>

class QCheckBox;
class QPlainTextEdit;

namespace cockpit {

class LogPane final : public QWidget {
    Q_OBJECT
public:
    explicit LogPane(QWidget *parent = nullptr);

    void addLine(const QString &task, cockpit::LogLevel level, const QString &message);
    // The tasks selected in the grid; with "Selected tasks only" checked, only their lines
    // (and run-level lines without a task) are shown.
    void setSelectedTasks(const QStringList &names);
    void setMaximumLines(int lines);

    QPlainTextEdit *textEdit() const { return m_text; }
    QCheckBox *selectedOnlyBox() const { return m_selectedOnly; }
    QString plainText() const; // after flushing what is pending

private:
    struct Entry {
        QDateTime time;
        QString task;
        LogLevel level = LogLevel::Info;
        QString message;
    };
    bool shows(const Entry &e) const;
    QString format(const Entry &e) const;
    void flush();
    void rebuild();

    std::deque<Entry> m_entries;
    int m_pendingCount = 0;
    int m_maximumLines = 5000;
    QSet<QString> m_selected;
    QPlainTextEdit *m_text = nullptr;
    QCheckBox *m_selectedOnly = nullptr;
    QTimer m_flushTimer;
};

} // namespace cockpit
