#pragma once
// The details of the task selected in the grid: what it is, where it stands (state, attempts,
// timings, message) and, for a post-sync script, its header and SQL with the failing
// statement highlighted. GUI thread only; reads the script file (a local text file), never a
// database.

#include "plan/plan.h"
#include "tasks/task.h"

#include <QWidget>
#include <optional>

class QLabel;
class QPlainTextEdit;

namespace cockpit {

class TaskDetailsPane final : public QWidget {
    Q_OBJECT
public:
    explicit TaskDetailsPane(QWidget *parent = nullptr);

    // The task to show, or none (several or no rows selected). Cheap to call on every refresh:
    // the script file is read again only when it or the task's message changed.
    void showTask(const std::optional<TaskView> &task, const Plan &plan);

    QLabel *summaryLabel() const { return m_summary; }
    QPlainTextEdit *sqlView() const { return m_sql; }
    // Lines of the script file (1-based, inclusive) highlighted as the failing statement or
    // check; {0, 0} when none is.
    std::pair<int, int> highlightedLines() const { return m_highlight; }

private:
    void showScript(const TaskView &task, const Plan &plan);

    QLabel *m_summary = nullptr;
    QPlainTextEdit *m_sql = nullptr;
    QString m_scriptKey;    // file, its modification time and the task's message last shown
    QString m_scriptHeader; // what the summary adds for that script
    std::pair<int, int> m_highlight{0, 0};
};

} // namespace cockpit
