#include "run/scheduler.h"
#include "log/logging.h"
#include "run/taskpriority.h"

namespace cockpit {

// The administrators' actions: on tasks (pause, resume, cancel, skip, rerun, priority), on
// the whole run, and those other processes post through the control store.

QVector<int> Scheduler::match(const QStringList &patterns) const
{
    QVector<int> out;
    for (size_t i = 0; i < m_tasks.size(); ++i)
        for (const auto &p : patterns)
            if (m_tasks[i].spec.name == p || globMatches(p, m_tasks[i].spec.name)) {
                out << int(i);
                break;
            }
    return out;
}

QVector<int> Scheduler::dependentsOf(int index) const
{
    QVector<int> out;
    std::vector<bool> seen(m_tasks.size(), false);
    std::vector<int> stack{index};
    while (!stack.empty()) {
        const int i = stack.back();
        stack.pop_back();
        for (int d : m_dependents[size_t(i)])
            if (!seen[size_t(d)]) {
                seen[size_t(d)] = true;
                out << d;
                stack.push_back(d);
            }
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool Scheduler::applyAction(Entry &e, TaskAction action, QString *reason)
{
    const ActionCheck check = checkAction(action, e.status.state, e.spec.stopsAtBatch());
    if (!check.possible()) {
        *reason = check.reason;
        return false;
    }
    const TaskState state = e.status.state;
    if (shared() && e.leaseEpoch == 0 && !e.runnable && (state == TaskState::Ready || state == TaskState::Executing)) {
        // Another worker holds it: that worker applies the action (at its next heartbeat).
        auto holder = m_store->requestStop(e.spec.name, action);
        if (!holder) {
            *reason = holder.error().message;
            return false;
        }
        if (holder->isEmpty()) {
            *reason = QStringLiteral("no worker holds it any more; try again");
            return false;
        }
        *reason = QStringLiteral("sent to worker %1, which holds it").arg(*holder);
        return true;
    }
    auto fromQueue = [&]() {
        if (state != TaskState::Ready)
            return true;
        if (takeBack(e))
            return true;
        *reason = readyPauseRefusal();
        return false;
    };
    switch (action) {
    case TaskAction::Pause:
        if (state == TaskState::Executing) {
            e.control->requestStop(StopRequest::Pause);
            *reason = check.reason;
            return true;
        }
        if (!fromQueue())
            return false;
        e.status.message = QStringLiteral("paused by administrator");
        setState(e, TaskState::Paused, e.status.message);
        return true;
    case TaskAction::Resume:
        e.faultStreak = 0;
        e.retryAtMs = -1;
        e.status.message = QStringLiteral("resumed by administrator");
        setState(e, TaskState::Waiting, e.status.message);
        return true;
    case TaskAction::Rerun:
        e.faultStreak = 0;
        e.retryAtMs = -1;
        e.status.message = QStringLiteral("rerun by administrator");
        e.status.skipped = false;
        setState(e, TaskState::Waiting, e.status.message);
        return true;
    case TaskAction::Skip:
        if (!fromQueue())
            return false;
        e.status.skipped = true;
        e.status.message = QStringLiteral("skipped by administrator");
        e.status.endedAt = QDateTime::currentDateTime();
        setState(e, TaskState::Ended, e.status.message);
        return true;
    case TaskAction::Cancel:
        if (state == TaskState::Executing) {
            e.control->requestStop(StopRequest::Cancel);
            *reason = check.reason;
            return true;
        }
        if (!fromQueue())
            return false;
        e.status.message = QStringLiteral("canceled by administrator");
        setState(e, TaskState::Canceled, e.status.message);
        return true;
    }
    return false;
}

void Scheduler::act(TaskAction action, const QStringList &patterns, bool withDependents)
{
    if (!m_store)
        return;
    const QVector<int> targets = match(patterns);
    if (targets.isEmpty()) {
        Q_EMIT actionDone(patterns.join(u' '), action, false, QStringLiteral("no task matches"));
        return;
    }
    for (int i : targets) {
        Entry &e = m_tasks[size_t(i)];
        // Rerunning a prepare drops and recreates the table: what was copied into it must be
        // copied, indexed and validated again.
        const bool cascade = action == TaskAction::Rerun && (withDependents || e.spec.kind == TaskKind::Prepare);
        QString reason;
        const bool ok = applyAction(e, action, &reason);
        if (ok && cascade) {
            int reset = 0;
            for (int d : dependentsOf(i)) {
                Entry &dep = m_tasks[size_t(d)];
                const TaskState s = dep.status.state;
                if (s != TaskState::Ended && s != TaskState::Error && s != TaskState::Canceled
                    && !(e.spec.kind == TaskKind::Prepare && s == TaskState::Waiting))
                    continue;
                if (e.spec.kind == TaskKind::Prepare && dep.spec.kind == TaskKind::Copy) {
                    dep.status.rowsDone = 0;
                    dep.status.bytesDone = 0;
                    dep.status.hasCheckpoint = false;
                    dep.status.rowsTotal = dep.spec.estimatedRows;
                }
                dep.status.skipped = false;
                dep.status.message = QStringLiteral("rerun with %1").arg(e.spec.name);
                setState(dep, TaskState::Waiting, dep.status.message);
                ++reset;
            }
            reason = QStringLiteral("with %1 dependent task(s)").arg(reset);
        }
        log(e.spec.name, ok ? LogLevel::Info : LogLevel::Warn,
            QStringLiteral("%1 %2%3").arg(toString(action), ok ? QStringLiteral("done") : QStringLiteral("refused"),
                                          reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
        Q_EMIT actionDone(e.spec.name, action, ok, reason);
    }
    // Said again after an action, even when it starts nothing: a run held by a paused task
    // that was canceled or skipped is now over.
    m_finishedEmitted = false;
    dispatch();
    updateWaitReasons();
    publish();
    checkIdle();
}

void Scheduler::setPriority(const QStringList &patterns, int priority)
{
    if (!m_store)
        return;
    const QVector<int> targets = match(patterns);
    if (targets.isEmpty()) {
        Q_EMIT priorityDone(patterns.join(u' '), false, QStringLiteral("no task matches"));
        return;
    }
    for (int i : targets) {
        Entry &e = m_tasks[size_t(i)];
        const ActionCheck check = checkPriorityChange(e.status.state);
        bool ok = check.possible();
        QString message = check.reason;
        if (ok && e.spec.priority == priority) {
            message = QStringLiteral("priority is %1 already").arg(priority);
        } else if (ok) {
            message = QStringLiteral("priority set from %1 to %2 by administrator%3")
                          .arg(e.spec.priority)
                          .arg(priority)
                          .arg(check.reason.isEmpty() ? QString() : QStringLiteral("; ") + check.reason);
            if (auto st = m_store->setPriority(e.spec.name, priority, message); !st) {
                ok = false;
                message = st.error().message;
            } else {
                e.spec.priority = priority;
                e.dirty = true;
            }
        }
        log(e.spec.name, ok ? LogLevel::Info : LogLevel::Warn,
            ok ? message : QStringLiteral("priority %1 refused: %2").arg(priority).arg(message));
        Q_EMIT priorityDone(e.spec.name, ok, message);
    }
    // Dispatch sorts its candidates each time it runs: the next one honours the new order.
    publish();
}

void Scheduler::pauseAll()
{
    if (!m_store)
        return;
    // The seed's "remove the AOS from the batch group": everything not executing is withheld.
    int paused = 0, refused = 0;
    for (auto &e : m_tasks) {
        if (e.status.state != TaskState::Waiting && e.status.state != TaskState::Ready)
            continue;
        QString reason;
        (applyAction(e, TaskAction::Pause, &reason) ? paused : refused)++;
    }
    log({}, LogLevel::Info, QStringLiteral("pause all: %1 paused, %2 already taken by a worker")
                                        .arg(paused)
                                        .arg(refused));
    Q_EMIT actionDone(QStringLiteral("*"), TaskAction::Pause, true,
                      QStringLiteral("%1 paused, %2 already taken by a worker").arg(paused).arg(refused));
    updateWaitReasons();
    publish();
    checkIdle();
}

void Scheduler::resumeAll()
{
    if (!m_store)
        return;
    int resumed = 0;
    for (auto &e : m_tasks)
        if (e.status.state == TaskState::Paused) {
            QString reason;
            resumed += applyAction(e, TaskAction::Resume, &reason) ? 1 : 0;
        }
    log({}, LogLevel::Info, QStringLiteral("resume all: %1 resumed").arg(resumed));
    Q_EMIT actionDone(QStringLiteral("*"), TaskAction::Resume, true, QStringLiteral("%1 resumed").arg(resumed));
    dispatch();
    updateWaitReasons();
    publish();
    checkIdle();
}

void Scheduler::pollCommands()
{
    auto commands = m_store->pendingCommands();
    if (!commands || commands->isEmpty())
        return;
    for (const auto &c : *commands) {
        bool ok = true;
        QStringList results;
        if (c.groupAction) {
            auto conn = connect(this, &Scheduler::groupActionDone, this,
                                [&](const QString &, bool done, const QString &message) {
                                    ok = done;
                                    results << message;
                                });
            if (*c.groupAction == GroupAction::SetThreads)
                setGroupThreads(c.task, c.threads);
            else
                setGroupWorkerRemoved(c.task, *c.groupAction == GroupAction::RemoveWorker, c.worker);
            disconnect(conn);
        } else if (c.priority) {
            auto conn = connect(this, &Scheduler::priorityDone, this, [&](const QString &task, bool done, const QString &message) {
                ok = ok && done;
                results << QStringLiteral("%1: %2 (%3)").arg(task, done ? QStringLiteral("ok") : QStringLiteral("refused"), message);
            });
            setPriority({c.task}, *c.priority);
            disconnect(conn);
        } else if (c.task == QLatin1String("*")) {
            if (c.action == TaskAction::Pause)
                pauseAll();
            else if (c.action == TaskAction::Resume)
                resumeAll();
            results << QStringLiteral("done");
        } else {
            auto conn = connect(this, &Scheduler::actionDone, this,
                                [&](const QString &task, TaskAction, bool done, const QString &reason) {
                                    ok = ok && done;
                                    results << QStringLiteral("%1: %2%3").arg(task, done ? QStringLiteral("ok") : QStringLiteral("refused"),
                                                                             reason.isEmpty() ? QString() : QStringLiteral(" (") + reason + u')');
                                });
            act(c.action, {c.task}, c.withDependents);
            disconnect(conn);
        }
        warnIfFailed(m_store->finishCommand(c.id, ok, results.join(u'\n')), "answering a command");
    }
}

} // namespace cockpit
