#pragma once
// The one place where task states change. Lives in its own thread (see UpgradeRun): it takes
// the planned run (runsetup.h), dispatches its tasks to one QThreadPool per batch group,
// applies the administrators' actions (from this process or, through the control store, from
// others), persists every transition before publishing it, and samples the workers' counters
// a few times a second.
//
// Thread contract: every method except snapshot() runs in the scheduler's thread.
//
// A shared run (a PostgreSQL store): several schedulers, in processes on one or several hosts,
// work on one run. The store is then the truth: each claims Waiting tasks under a lease
// (controlstore.h, TaskLease), writes only the tasks it holds, and re-reads the others' every
// second; the coordinator (RunSharing::coordinates) also plans the run and applies the commands.
//
// Files: scheduler.cpp (loading, dispatch, outcomes, progress), scheduleractions.cpp (the
// administrators' actions and the commands of other processes), schedulergroups.cpp (batch
// groups), schedulerstalls.cpp (the stall watchdog), schedulershared.cpp (a shared run).

#include "engine/schema.h"
#include "plan/plan.h"
#include "run/ratemeter.h"
#include "run/runsharing.h"
#include "run/runsnapshot.h"
#include "run/taskcontextfor.h"
#include "store/controlstore.h"
#include "tasks/taskexecutor.h"
#include "tasks/taskrules.h"
#include "tasks/targettable.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <map>
#include <memory>

namespace cockpit {

class TaskRunnable;

class Scheduler final : public QObject {
    Q_OBJECT
    friend class TaskRunnable;
public:
    explicit Scheduler(QString appName);
    ~Scheduler() override;

    void share(const RunSharing &sharing); // before open(); see runsharing.h

    void open(const Plan &plan);
    void openState(const QString &statePath);
    void start();
    void stop();
    void act(TaskAction action, const QStringList &patterns, bool withDependents);
    void pauseAll();
    void resumeAll();
    // The batch groups, as the administrator steers them while the run goes on (persisted in
    // the store's meta "batch_groups", so a reopened run keeps them). Emit groupActionDone.
    // threads (1..256): the limit of the group's pool from the next dispatch on; lowering it
    // never interrupts an executing task.
    void setGroupThreads(const QString &group, int threads);
    // removed: nothing of the group is dispatched any more (the seed's "remove the AOS from the
    // batch group"); its queued (Ready) tasks go back to Waiting, executing ones finish. With
    // `worker` (a shared run's): only that worker claims no more of the group's tasks; the
    // others go on. Every worker reads it from the store within a second.
    void setGroupWorkerRemoved(const QString &group, bool removed, const QString &worker = {});
    // The administrator's priority of the matching tasks (run/taskpriority.h says when it may
    // change): stored, recorded in each task's events, honoured by the next dispatch. Emits
    // priorityDone per task.
    void setPriority(const QStringList &patterns, int priority);
    void shutdown(); // before the thread ends: stop, wait for workers, release the run

    // Any thread.
    RunSnapshot snapshot(quint64 sinceVersion) const;
    Plan plan() const;

    // How many tasks a group hands to its pool beyond its threads: they sit Ready in the
    // queue, where the seed's rule applies (pausing them works only while still queued).
    static constexpr int kQueueAhead = 1;
    static constexpr int kMaxGroupThreads = 256;

Q_SIGNALS:
    void opened(bool ok, const QString &error);
    void actionDone(const QString &task, cockpit::TaskAction action, bool ok, const QString &reason);
    void groupActionDone(const QString &group, bool ok, const QString &message);
    void priorityDone(const QString &task, bool ok, const QString &message);
    void finished();
    void stopped();
    void logLine(const QString &task, cockpit::LogLevel level, const QString &message);

private:
    struct Entry {
        TaskSpec spec;
        TaskStatus status;
        std::shared_ptr<TaskControl> control; // while Ready or Executing
        // Owned (not auto-deleted) so that a pointer we may tryTake() can never be a freed
        // and reused address; deleted when the task reports its outcome.
        std::unique_ptr<QRunnable> runnable;
        RateMeter rate;
        QElapsedTimer executing;
        QString waitReason;
        // Transient faults in a row (engine/transientfault.h) and, while one waits for its
        // next attempt, when that is due (m_clock ms) and why.
        int faultStreak = 0;
        qint64 retryAtMs = -1;
        QString retryReason;
        // The stall watchdog: the progress last seen and since when (m_clock ms), and what the
        // server said about the task's sessions (asked on m_watchPool, at most every 30 s).
        qint64 progressMarker = -1;
        qint64 progressAtMs = 0;
        bool stalled = false;
        bool diagnosing = false;
        qint64 diagnosedAtMs = -1;
        QString diagnosis;
        // A shared run: the epoch of this process's lease on the task (0: not held here); the
        // lease was taken from it while it ran (its outcome is then not recorded); the
        // administrator's request last applied.
        qint64 leaseEpoch = 0;
        bool leaseLost = false;
        std::optional<TaskAction> stopApplied;
        // A shared run: a state change the store did not take (its server was away), from
        // the state the store still has, with its event; shareTick() saves it again.
        std::optional<TaskState> unsavedFrom;
        QString unsavedEvent;
        quint64 version = 0;
        bool dirty = true;
    };
    struct Group {
        int threads = 1;
        int active = 0; // Ready + Executing
        bool removed = false; // by the administrator: nothing is dispatched
        bool served = true;   // a shared run's worker claims tasks of it (RunSharing::groups)
        QStringList removedWorkers; // a shared run's workers the administrator removed from it
        bool removedHere = false;   // this process is one of removedWorkers
        bool claims() const { return served && !removedHere; } // this process takes its tasks
        std::unique_ptr<QThreadPool> pool;
    };

    // The store is best effort for logs and progress: a failed write there is logged, never fatal.
    static void warnIfFailed(const Status &st, const char *what);
    Status load(const Plan &plan, bool planIfEmpty);
    void recoverInterrupted();
    void setState(Entry &e, TaskState to, const QString &eventMessage);
    void dispatch();
    void launch(Entry &e);
    bool takeBack(Entry &e); // tryTake from the pool; true if it had not started
    // Every Ready task back from the queue to Waiting (`why` its event), every executing one
    // asked to stop at its next safe point: stop, shutdown, a shared run's stop.
    void withdrawAll(const QString &why);
    void onStarted(const QString &name);
    void onFinished(const QString &name, const TaskOutcome &outcome);
    void onTaskLog(const QString &name, LogLevel level, const QString &message);
    // A Failed outcome that is a transient fault with attempts left: back to Waiting until its
    // delay passes (true), else false and the task ends in Error.
    bool scheduleRetry(Entry &e, const TaskOutcome &outcome);
    bool retryPending(const Entry &e) const { return e.retryAtMs > m_clock.elapsed(); }
    void watchStalls(qint64 nowMs); // each tick
    void diagnoseStall(Entry &e);
    void onStallDiagnosed(const QString &name, int attempt, const QString &diagnosis);
    void tick();
    void pollCommands();
    Group *groupFor(const QString &name, QString *error);
    void saveGroupSettings();
    Status loadGroupSettings();
    // {"group": {"threads": n, "removed": bool, "removedWorkers": [names]}}; `followOnly`: a
    // shared run's worker takes the removals its coordinator stored, never the threads.
    void applyGroupSettings(const QString &json, bool followOnly);
    int takeBackQueued(const QString &group, const QString &why); // Ready tasks of it, back to Waiting
    QString workerNamedError(const QString &worker) const;        // "" when the run has this worker
    void groupActionApplied(const QString &group, const QString &message);
    bool applyAction(Entry &e, TaskAction action, QString *reason);
    QVector<int> match(const QStringList &patterns) const;
    QVector<int> dependentsOf(int index) const; // transitive
    bool depsEnded(const Entry &e) const;
    void updateWaitReasons();
    void publish();
    void checkIdle();
    void forgetOpenRun();
    void saveProgressNow();
    // A shared run (schedulershared.cpp).
    bool shared() const { return m_sharing.has_value(); }
    bool coordinates() const { return !m_sharing || m_sharing->coordinates; }
    void persistShared(Entry &e, TaskState from, const QString &eventMessage);
    void claimAndLaunch(const std::vector<const TaskSpec *> &chosen);
    void shareTick();        // each second: heartbeat and leases, expiry, the others' states
    void followCoordinator(); // a worker: whether the run is started, the group removals
    void readStoreSoon(int changes); // ControlStore::Change flags: reactToStore() in 100 ms
    void reactToStore();      // another process changed the store (LISTEN): read it now
    void refreshFromStore();
    void loseLease(Entry &e, const QString &why);
    QString sharedWaitReason(const QString &group) const; // "" when this process serves it
    void log(const QString &task, LogLevel level, const QString &message);

    QString m_appName;
    QString m_openStatePath;
    Plan m_plan;
    QString m_runId;
    std::unique_ptr<ControlStore> m_store;
    std::optional<RunSharing> m_sharing;
    QVector<WorkerInfo> m_sharedWorkers; // as the last shareTick read them
    QString m_groupSettingsSeen;         // the store's "batch_groups" last applied
    qint64 m_refreshedAtMs = -1;         // m_clock when the others' states were last read
    // A worker (not the coordinator): Run was pressed here; it dispatches while the store
    // also says the coordinator runs it (meta kSharedRunStarted).
    bool m_workWanted = false;
    RunTables m_run; // what tasks are executed with (taskcontextfor.h)
    void saveTypeScans(); // the decided value scans into the store's meta "type_scan"
    std::vector<Entry> m_tasks;
    QHash<QString, int> m_byName;
    std::vector<std::vector<int>> m_dependents; // direct
    std::map<QString, Group> m_groups;
    QThreadPool m_watchPool; // asks the servers what stalled tasks wait for, off this thread
    bool m_dispatching = false;
    // After a transient fault nothing new is dispatched before this (m_clock ms): a server
    // that went away would otherwise fail every task the groups hand it meanwhile.
    qint64 m_holdUntilMs = -1;
    QString m_holdReason;
    bool m_stopping = false;
    bool m_finishedEmitted = false;
    QTimer *m_tickTimer = nullptr;
    // A shared run's store tells of changes (ControlStore::listenForChanges): they are read
    // 100 ms after (one read for a burst), and the second's polls become a 5 s safety net.
    QTimer *m_storeChanged = nullptr;
    int m_storeChanges = 0; // ControlStore::Change flags heard since reactToStore()
    bool m_listening = false;
    int m_shareTicks = 0;
    int m_tickCount = 0;
    QElapsedTimer m_clock;   // for rates
    QElapsedTimer m_runTime; // since Run
    double m_elapsedBefore = 0;
    RateMeter m_overallRate;

    mutable QMutex m_viewMutex; // guards what snapshot() reads
    QVector<TaskView> m_views;
    RunSummary m_summary;
    QVector<GroupView> m_groupViews;
    QVector<WorkerView> m_workerViews;
    quint64 m_version = 0;
    Plan m_publishedPlan;
};

} // namespace cockpit
