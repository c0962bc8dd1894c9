// The task actions for the grid's selection: what each would do (enabled state and tips, one
// pass over a selection of up to 10,000 rows), asking the run, and its refusals in one line.
#include "ui/mainwindow.h"
#include "ui/priorityactions.h"

#include "run/upgraderun.h"
#include "ui/logpane.h"
#include "ui/taskdetailspane.h"
#include "ui/taskstatepresentation.h"
#include "ui/tasktablemodel.h"

#include <QAction>
#include <QMessageBox>
#include <QStatusBar>

namespace cockpit {

namespace {

constexpr int kMaxNamesInTip = 3;

QString namesSample(const QStringList &names, int total)
{
    QString s = names.join(QStringLiteral(", "));
    if (total > names.size())
        s += QStringLiteral(", \u2026");
    return s;
}

// "Pause the selected tasks (Ctrl+P)\n…": the shortcut after the tip's first line.
QString withShortcut(const QAction *action, const QString &tip)
{
    if (action->shortcut().isEmpty())
        return tip;
    const QString keys = QStringLiteral(" (%1)").arg(action->shortcut().toString(QKeySequence::NativeText));
    const qsizetype newline = tip.indexOf(QLatin1Char('\n'));
    return newline < 0 ? tip + keys : tip.left(newline) + keys + tip.mid(newline);
}

} // namespace

MainWindow::ActionPlan MainWindow::planAction(TaskAction action, const QVector<int> &rows,
                                              bool withNames) const
{
    ActionPlan plan;
    plan.selectedCount = int(rows.size());
    // The rules depend on (state, stopsAtBatch) only: ask once per combination, so a
    // 10,000-row selection costs 14 checks, not 10,000.
    std::array<std::optional<ActionCheck>, TaskStateCount * 2> checks;
    for (int row : rows) {
        const TaskView &t = m_model->task(row);
        const bool stops = t.spec.stopsAtBatch();
        auto &check = checks[size_t(int(t.status.state) * 2 + (stops ? 1 : 0))];
        if (!check)
            check = checkAction(action, t.status.state, stops);
        if (check->possible()) {
            ++plan.applicableCount;
            if (withNames)
                plan.applicable << t.spec.name;
            if (!check->reason.isEmpty()) {
                QStringList &names = plan.notes[check->reason];
                if (names.size() < kMaxNamesInTip)
                    names << t.spec.name;
            }
        } else {
            QStringList &names = plan.refused[check->reason];
            if (names.size() < kMaxNamesInTip)
                names << t.spec.name;
            ++plan.refusedCount[check->reason];
        }
    }
    return plan;
}

void MainWindow::updateTaskAction(Command command, TaskAction action, const QVector<int> &rows,
                                  const QString &what)
{
    QAction *qa = this->action(command);
    QString tip = what;
    bool enabled = false;
    if (!isOpen()) {
        tip += QLatin1Char('\n') + tr("Not available: no run is open yet.");
    } else {
        const ActionPlan plan = planAction(action, rows, false);
        enabled = plan.applicableCount > 0;
        if (plan.selectedCount == 0) {
            tip += QLatin1Char('\n') + tr("Not available: select one or more tasks in the grid.");
        } else {
            if (enabled && plan.applicableCount < plan.selectedCount)
                tip += QLatin1Char('\n')
                     + tr("Applies to %1 of the %2 selected tasks.")
                           .arg(plan.applicableCount)
                           .arg(plan.selectedCount);
            for (auto it = plan.notes.cbegin(); it != plan.notes.cend(); ++it)
                tip += QLatin1Char('\n') + tr("Note for %1: %2").arg(it.value().join(QStringLiteral(", ")), it.key());
            for (auto it = plan.refused.cbegin(); it != plan.refused.cend(); ++it) {
                const int n = plan.refusedCount.value(it.key());
                tip += QLatin1Char('\n')
                     + tr("Not possible for %1: %2").arg(namesSample(it.value(), n), it.key());
            }
        }
    }
    qa->setEnabled(enabled);
    qa->setToolTip(withShortcut(qa, tip));
    qa->setStatusTip(tip.section(QLatin1Char('\n'), 0, 0));
}

void MainWindow::updateActions()
{
    m_actionUpdate.stop();
    const RunSummary &s = m_model->summary();
    const bool dispatching = isDispatching();

    // Run / Continue
    QAction *run = action(Command::Run);
    const bool started = s.count(TaskState::Ended) + s.count(TaskState::Error)
                             + s.count(TaskState::Canceled) > 0
                      || s.rowsDone > 0;
    run->setText(started && !dispatching ? tr("Continue") : tr("Run"));
    const int runnable = s.count(TaskState::Waiting) + s.count(TaskState::Ready)
                       + s.count(TaskState::Executing);
    QString why;
    switch (m_session) {
    case Session::NoRun:
        why = tr("open a plan first");
        break;
    case Session::CreatingDemo:
        why = tr("the demo is being created");
        break;
    case Session::Opening:
        why = tr("the run is opening");
        break;
    case Session::Stopping:
        why = tr("stopping at the next batch");
        break;
    case Session::Open:
    case Session::Starting:
        if (dispatching)
            why = tr("the run is already running; Stop stops dispatching");
        else if (runnable == 0)
            why = s.count(TaskState::Paused) + s.count(TaskState::Error) + s.count(TaskState::Canceled) > 0
                    ? tr("nothing left to run; resume paused tasks or rerun failed ones first")
                    : tr("nothing left to run; every task has ended");
        break;
    }
    run->setEnabled(why.isEmpty());
    const QString runWhat = started
        ? tr("Continue the run: dispatch the tasks that are left; stopped bulk copies resume "
             "from their last committed batch.")
        : tr("Run the upgrade: prepare the target, copy every table, run the scripts, build "
             "the indexes and validate.");
    run->setToolTip(withShortcut(run, why.isEmpty() ? runWhat
                                                    : runWhat + QLatin1Char('\n') + tr("Not available: %1.").arg(why)));

    QAction *stop = action(Command::Stop);
    stop->setEnabled(isOpen() && dispatching && !isStopping());
    const QString stopWhat = tr("Stop dispatching. Executing bulk copies stop after their next "
                                "committed batch; other tasks run to their end. Continue picks "
                                "up from there.");
    stop->setToolTip(withShortcut(stop, stop->isEnabled() ? stopWhat
                                                          : stopWhat + QLatin1Char('\n')
                                                                + (isStopping() ? tr("Not available: already stopping.")
                                                                              : tr("Not available: the run is not running."))));

    QAction *pauseAll = action(Command::PauseAll);
    const int pausable = s.count(TaskState::Waiting) + s.count(TaskState::Ready);
    pauseAll->setEnabled(isOpen() && pausable > 0);
    pauseAll->setToolTip(tr("Pause every Waiting task (and Ready tasks still in their queue); "
                            "executing tasks finish.")
                         + (pauseAll->isEnabled() ? QString()
                                                  : QLatin1Char('\n') + tr("Not available: no Waiting or Ready task.")));
    QAction *resumeAll = action(Command::ResumeAll);
    resumeAll->setEnabled(isOpen() && s.count(TaskState::Paused) > 0);
    resumeAll->setToolTip(tr("Put every paused task back to Waiting.")
                          + (resumeAll->isEnabled() ? QString()
                                                    : QLatin1Char('\n') + tr("Not available: no task is paused.")));

    // One pass over the selection for all task actions (it may hold 10,000 rows).
    const QVector<int> rows = selectedSourceRows();
    updateTaskAction(Command::Pause, TaskAction::Pause, rows,
                     tr("Pause the selected tasks: they are not dispatched until resumed. Only "
                        "Waiting tasks pause for sure; a Ready task only while still queued; an "
                        "executing bulk copy after its next batch."));
    updateTaskAction(Command::Resume, TaskAction::Resume, rows,
                     tr("Resume the selected paused tasks (back to Waiting)."));
    updateTaskAction(Command::Cancel, TaskAction::Cancel, rows,
                     tr("Cancel the selected tasks; Rerun puts them back."));
    updateTaskAction(Command::Skip, TaskAction::Skip, rows,
                     tr("Skip the selected tasks: mark them Ended by the administrator (recorded "
                        "as skipped); their work is not done."));
    updateTaskAction(Command::Rerun, TaskAction::Rerun, rows,
                     tr("Rerun the selected failed or canceled tasks (back to Waiting)."));
    updateTaskAction(Command::RerunWithDependents, TaskAction::Rerun, rows,
                     tr("Rerun the selected failed or canceled tasks and every task that depends "
                        "on them."));
    m_priority->update(isOpen() ? m_run.get() : nullptr, rows);

    m_openAction->setEnabled(m_session != Session::CreatingDemo && !isActive());
    if (m_selectionDirty) {
        m_selectionDirty = false;
        QStringList names;
        names.reserve(rows.size());
        for (int row : rows)
            names << m_model->task(row).spec.name;
        m_log->setSelectedTasks(names);
    }
    std::optional<TaskView> one;
    if (rows.size() == 1)
        one = m_model->task(rows.first());
    m_details->showTask(one, one && one->spec.kind == TaskKind::Script && m_run ? m_run->plan() : Plan());
}

void MainWindow::requestAction(TaskAction action, bool withDependents)
{
    if (!isOpen())
        return;
    const ActionPlan plan = planAction(action, selectedSourceRows(), true);
    const QString label = TaskStatePresentation::actionLabel(action);
    if (plan.applicable.isEmpty()) {
        statusBar()->showMessage(tr("%1: not possible for the selected tasks.").arg(label), 8000);
        return;
    }
    if (m_confirmDestructive && (action == TaskAction::Skip || action == TaskAction::Cancel)) {
        const QString question =
            action == TaskAction::Skip
                ? tr("Skip %n task(s)? Their work is not done, and tasks depending on them run "
                     "as if they had ended.",
                     "", int(plan.applicable.size()))
                : tr("Cancel %n task(s)? Rerun puts them back later.", "",
                     int(plan.applicable.size()));
        if (QMessageBox::question(this, label, question + QStringLiteral("\n\n")
                                                   + namesSample(plan.applicable.mid(0, 10),
                                                                 int(plan.applicable.size())))
            != QMessageBox::Yes)
            return;
    }
    m_run->request(action, plan.applicable, withDependents);
    statusBar()->showMessage(tr("%1 asked for %n task(s).", "", int(plan.applicable.size())).arg(label),
                             4000);
}

void MainWindow::onActionDone(const QString &task, TaskAction action, bool ok,
                              const QString &reason)
{
    m_model->refresh(); // show the new state now, not at the next tick
    if (ok)
        return;
    m_log->addLine(task, LogLevel::Warn,
                   tr("%1 refused: %2").arg(TaskStatePresentation::actionLabel(action), reason));
    m_refusals.push_back({task, action, reason});
    if (!m_refusalFlush.isActive())
        m_refusalFlush.start();
}

void MainWindow::flushRefusals()
{
    if (m_refusals.isEmpty())
        return;
    // One line for the lot: "Pause refused for 3 tasks: <reason> (a, b, …)".
    QStringList parts;
    QVector<bool> done(m_refusals.size(), false);
    for (int i = 0; i < m_refusals.size(); ++i) {
        if (done[i])
            continue;
        QStringList names;
        int count = 0;
        for (int j = i; j < m_refusals.size(); ++j) {
            if (!done[j] && m_refusals[j].action == m_refusals[i].action
                && m_refusals[j].reason == m_refusals[i].reason) {
                done[j] = true;
                ++count;
                if (names.size() < kMaxNamesInTip)
                    names << m_refusals[j].task;
            }
        }
        const QString label = TaskStatePresentation::actionLabel(m_refusals[i].action);
        if (count == 1)
            parts << tr("%1 refused for %2: %3").arg(label, names.first(), m_refusals[i].reason);
        else
            parts << tr("%1 refused for %2 tasks (%3): %4")
                         .arg(label)
                         .arg(count)
                         .arg(namesSample(names, count), m_refusals[i].reason);
    }
    m_refusals.clear();
    statusBar()->showMessage(parts.join(QStringLiteral("; ")), 15000);
}

} // namespace cockpit
