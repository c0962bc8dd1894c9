#pragma once
// The details of the task selected in the grid: what it is, where it stands (state, attempts,
// timings, checkpoint, rows, message), its rows/s while it runs, its attempts and log as the
// run's state file keeps them (read on a worker thread, at most once a second), and for a
// post-sync script its header and SQL with the failing statement highlighted (the script file
// is a local text file, read here).

#include "plan/plan.h"
#include "tasks/task.h"
#include "ui/asyncjob.h"

#include <QElapsedTimer>
#include <QWidget>
#include <optional>

class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace cockpit {

class RateSparkline;

class TaskDetailsPane final : public QWidget {
    Q_OBJECT
public:
    explicit TaskDetailsPane(QWidget *parent = nullptr);

    // The task to show, or none (several or no rows selected). Cheap to call on every refresh:
    // the script file is read again only when it or the task's message changed.
    void showTask(const std::optional<TaskView> &task, const Plan &plan);
    // The run's state file, for the attempts and log tabs ("" when no run is open).
    void setStatePath(const QString &statePath);

    QLabel *summaryLabel() const { return m_summary; }
    QPlainTextEdit *sqlView() const { return m_sql; }
    QLabel *historyView() const { return m_history; }
    QPlainTextEdit *logView() const { return m_logTail; }
    RateSparkline *sparkline() const { return m_sparkline; }
    QTabWidget *tabs() const { return m_tabs; }
    // Lines of the script file (1-based, inclusive) highlighted as the failing statement or
    // check; {0, 0} when none is.
    std::pair<int, int> highlightedLines() const { return m_highlight; }

private:
    struct Stored {
        QString task;
        QString history; // rich text
        QString log;
    };
    void showScript(const TaskView &task, const Plan &plan);
    void loadStored(const QString &task);
    void showStored(const Stored &stored);

    QLabel *m_summary = nullptr;
    RateSparkline *m_sparkline = nullptr;
    QTabWidget *m_tabs = nullptr;
    QPlainTextEdit *m_sql = nullptr;
    QLabel *m_history = nullptr;
    QPlainTextEdit *m_logTail = nullptr;
    QString m_statePath;
    QString m_shownTask;          // whose sparkline and stored details are shown
    quint64 m_storedVersion = 0;  // the task's version when they were read
    QElapsedTimer m_storedAge;
    AsyncJob m_storedLoad{this};
    QString m_scriptKey;    // file, its modification time and the task's message last shown
    QString m_scriptHeader; // what the summary adds for that script
    QString m_scriptShown;  // task name and message whose script was read last
    QElapsedTimer m_scriptRead;
    std::pair<int, int> m_highlight{0, 0};
};

} // namespace cockpit
