#pragma once
// The one handle the window and the CLI use to drive an upgrade. It owns the scheduler thread;
// every method is cheap and thread-safe (it posts to the scheduler), results come back as
// signals in the caller's thread. No database work ever runs in the caller's thread.

#include "log/logging.h"
#include "plan/plan.h"
#include "run/runsharing.h"
#include "run/runsnapshot.h"
#include "tasks/taskrules.h"

#include <QObject>
#include <QThread>
#include <memory>

namespace cockpit {

class Scheduler;

class UpgradeRun final : public QObject {
    Q_OBJECT
public:
    explicit UpgradeRun(QObject *parent = nullptr);
    ~UpgradeRun() override; // stops dispatch, interrupts work at a safe point, joins the thread

    // Opens (creating if new) the control store of `plan` and plans the tasks from the source
    // schema when the store has none. Emits opened().
    // A shared run's part of this process (runsharing.h); before open/openState.
    void share(const RunSharing &sharing);
    void open(const Plan &plan);
    // Opens an existing control store; the plan is read from it. Emits opened().
    void openState(const QString &statePath);

    void start();          // Run: dispatch until nothing is left
    void stop();           // stop dispatch; executing copies stop at their next batch and wait
                           // (not paused) for the next Run; emits stopped()
    void request(TaskAction action, const QStringList &taskNames, bool withDependents = false);
    void pauseAll();       // every Waiting/Ready task that can be withheld
    void resumeAll();      // every Paused task
    // Batch groups (Scheduler::setGroupThreads / setGroupWorkerRemoved): answered by
    // groupActionDone; the snapshot's groups show the result.
    void setGroupThreads(const QString &group, int threads);
    void setGroupWorkerRemoved(const QString &group, bool removed, const QString &worker = {});
    // The administrator's priority of these tasks (Scheduler::setPriority): answered by
    // priorityDone, one per task.
    void setPriority(const QStringList &taskNames, int priority);

    // Thread-safe: tasks changed since `sinceVersion` (0: all) and the summary.
    RunSnapshot snapshot(quint64 sinceVersion = 0) const;
    Plan plan() const;     // valid after opened(true)

signals:
    void opened(bool ok, const QString &error);
    // One per task an action was asked for: ok, or refused with the reason.
    void actionDone(const QString &task, cockpit::TaskAction action, bool ok, const QString &reason);
    void groupActionDone(const QString &group, bool ok, const QString &message);
    void priorityDone(const QString &task, bool ok, const QString &message);
    void finished();       // dispatching and nothing left that can run
    void stopped();        // after stop(): nothing executing any more
    void logLine(const QString &task, cockpit::LogLevel level, const QString &message);

private:
    QThread m_thread;
    Scheduler *m_scheduler = nullptr; // lives in m_thread; deleted there
};

} // namespace cockpit
