#pragma once
// The control store: the run's tasks, states, attempts, timings, checkpoints, events, per-task
// logs and the administrators' commands, in an SQLite file (WAL) beside the plan, or in a
// schema of a PostgreSQL database that several machines reach (statelocation.h). Every state
// transition is written here before anyone is shown it, so closing the app, a crash or kill -9
// never loses where the run was.
//
// Thread contract: one ControlStore per thread (it owns a QSqlDatabase connection). Several
// processes, on one host or (PostgreSQL) on several, may open the same store: the running
// scheduler owns the run (a lease); other processes post commands that it applies within a
// second.

#include "log/logging.h"
#include "tasks/task.h"
#include "tasks/taskrules.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <functional>
#include <optional>
#include <memory>

namespace cockpit {

// What an administrator does to a batch group (see Scheduler::setGroupWorkerRemoved).
enum class GroupAction { RemoveWorker, AddWorker, SetThreads };
QString toString(GroupAction action);

struct StoredCommand {
    qint64 id = 0;
    TaskAction action = TaskAction::Pause;
    QString task; // a task name, or "*" for pause all / resume all; the group for a group action
    bool withDependents = false;
    std::optional<GroupAction> groupAction; // set: a group command, `action` is unused
    int threads = 0;                        // for GroupAction::SetThreads
    QString worker;                         // Remove/AddWorker: only this worker of a shared run
    std::optional<int> priority;            // set: a priority command (`task`), `action` is unused
};

struct CommandOutcome {
    bool done = false;
    bool ok = false;
    QString result;
};

struct RunOwner {
    qint64 pid = 0;
    QString host;
    QString app;
    double heartbeatAge = 1e9; // seconds since the owner's last heartbeat
    // Set when the store knows for sure whether the owner's lease lock is held right now
    // (PostgreSQL: the advisory lock, whoever's host holds it); unset for SQLite.
    std::optional<bool> leaseHeld;
};

// One state transition of a task, as saveStatus() recorded it.
struct StoredEvent {
    QDateTime at;
    QString task;
    QString fromState;
    QString toState;
    QString message;
};

struct LogLine {
    QDateTime at;
    QString task;
    LogLevel level = LogLevel::Info;
    QString message;
};

// A shared run (a PostgreSQL store; several worker processes, on one or several hosts): each
// Ready or Executing task is held by one worker under a lease that the worker renews and that
// any process hands back once it has expired, by the store server's clock. Every claim raises
// the task's epoch; the target's fence (Engine::raiseFence) refuses the batches of an older one.
struct TaskLease {
    QString task;
    QString worker;
    qint64 epoch = 0;
};

// What a worker's heartbeat learns about a task it holds.
struct HeldTask {
    QString task;
    qint64 epoch = 0;
    std::optional<TaskAction> stopRequest; // asked by an administrator through the coordinator
};

// A worker of a shared run, as its row in the store says.
struct WorkerInfo {
    QString name;
    QString host;
    qint64 pid = 0;
    int threads = 0;          // the most it runs at once per group
    QStringList groups;       // the batch groups it claims tasks of
    QStringList executing;    // the tasks it holds
    double heartbeatAge = 0;  // seconds, by the store's clock
};

// A lease that expired and whose task went back to Waiting.
struct ExpiredLease {
    QString task;
    QString worker; // "" for a task left Ready/Executing by a process without a lease
    TaskState was = TaskState::Executing;
};

// A shared run's meta key, written by its coordinator at its first Run, once the run is
// planned: "1" while the coordinator runs it, "0" once it stopped. Workers follow it.
inline constexpr char kSharedRunStarted[] = "shared_run_started";

// open(IfMissing::Fail)'s error when there is no run at `path` yet; isMissingRun() tells it
// from the others (a worker started before its coordinator waits instead of failing).
TaskError missingRunError(const QString &path);
bool isMissingRun(const TaskError &error);

// The interface of a control store; open() picks the implementation by the location
// (statelocation.h): SqliteControlStore for a file path, PostgresControlStore for a
// postgresql:// URL. Both share their QtSql code (sqlcontrolstore.h); only the DDL and types,
// id generation, the owner lease and the schema migration differ.
class ControlStore {
public:
    enum class IfMissing {
        Create, // a store that is not there yet is created (a run being planned)
        Fail,   // "no run state at ...": a command that reads or steers an existing run
    };
    // `location`: a path or a postgresql:// URL (statelocation::normalized() form or not).
    static Result<std::unique_ptr<ControlStore>> open(const QString &location,
                                                      IfMissing ifMissing = IfMissing::Create);
    virtual ~ControlStore() = default;
    ControlStore(const ControlStore &) = delete;
    ControlStore &operator=(const ControlStore &) = delete;

    // The store's location in canonical form: an absolute path, or the URL (no password).
    const QString &path() const { return m_path; }

    virtual Result<QString> meta(const QString &key) = 0;
    virtual Status setMeta(const QString &key, const QString &value) = 0;

    virtual Result<bool> hasTasks() = 0;
    virtual Status createTasks(const QVector<TaskSpec> &specs) = 0;
    virtual Result<QVector<std::pair<TaskSpec, TaskStatus>>> loadTasks() = 0;
    // Saves a task's status; when the state changed, records the event in the same transaction.
    virtual Status saveStatus(const QString &task, const TaskStatus &status, TaskState from,
                              const QString &eventMessage) = 0;
    // Progress of executing tasks (rows, checkpoint), in one transaction.
    virtual Status saveProgress(const QVector<std::pair<QString, TaskStatus>> &updates) = 0;
    // The administrator's new priority of a task and its event (empty states), in one transaction.
    virtual Status setPriority(const QString &task, int priority, const QString &eventMessage) = 0;
    virtual Result<QVector<StoredEvent>> events(const QString &task = {}) = 0; // oldest first; one task's or all
    // An administrator's action that is no task's state change (e.g. on a batch group): an
    // event of `subject` with empty states.
    virtual Status recordEvent(const QString &subject, const QString &message) = 0;

    virtual Status appendLog(const QString &task, LogLevel level, const QString &message) = 0;
    virtual Result<QVector<LogLine>> log(const QString &task, int limit) = 0;

    virtual Result<qint64> postCommand(TaskAction action, const QString &task, bool withDependents) = 0;
    virtual Result<qint64> postGroupCommand(GroupAction action, const QString &group, int threads = 0,
                                            const QString &worker = {}) = 0;
    virtual Result<qint64> postPriorityCommand(const QString &task, int priority) = 0;
    virtual Result<QVector<StoredCommand>> pendingCommands() = 0;
    virtual Status finishCommand(qint64 id, bool ok, const QString &result) = 0;
    virtual Result<CommandOutcome> commandOutcome(qint64 id) = 0;

    // A shared run's leases (TaskLease). claimTask: the first of `candidates` (in the
    // dispatch order) that is still Waiting, unleased and past its not-before time becomes Ready
    // under a new lease of `worker`, with its event; nullopt when another worker took them all.
    virtual Result<std::optional<TaskLease>> claimTask(const QStringList &candidates, const QString &worker,
                                                       double leaseSeconds) = 0;
    // saveStatus, only while `lease` still holds the task (or, with no lease, while nobody holds
    // it and its state is still `from`); false when it does not, and nothing is written.
    // `release`: the lease ends with this write; `notBeforeSeconds`: no claim before that delay.
    virtual Result<bool> saveStatusIf(const QString &task, const TaskStatus &status, TaskState from,
                                      const QString &eventMessage, const TaskLease *lease, bool release,
                                      double notBeforeSeconds = 0) = 0;
    // A worker's heartbeat, in one transaction: its row, its leases prolonged by `leaseSeconds`,
    // the progress of the tasks it still holds (`progress` with their epochs); returns what it
    // holds now (a task missing from the list was taken from it).
    virtual Result<QVector<HeldTask>> renewLeases(const WorkerInfo &self, double leaseSeconds,
                                                  const QVector<std::pair<TaskLease, TaskStatus>> &progress) = 0;
    // Hands every expired lease's task back to Waiting, with an event naming the worker.
    virtual Result<QVector<ExpiredLease>> expireLeases() = 0;
    // Asks the worker holding `task` to apply `action` (pause, cancel, skip); the worker that
    // holds it, or "" when nobody does any more.
    virtual Result<QString> requestStop(const QString &task, TaskAction action) = 0;
    // What another process changed (flags): a task's state (its event), a meta value, a
    // command posted. `All` when the store cannot tell which (a session replaced).
    enum Change { Tasks = 1, Meta = 2, Commands = 4, All = 7 };
    // Calls `onChange` (in this store's thread, from its event loop) soon after another
    // process changed a task's state, posted a command or set a meta value, so that a shared
    // run's processes react at once, reading only what changed, instead of at their next
    // poll. False: this store cannot tell (SQLite, or the server refused LISTEN); poll instead.
    virtual bool listenForChanges(std::function<void(int changes)> onChange)
    {
        (void)onChange;
        return false;
    }
    virtual Result<QVector<WorkerInfo>> workers() = 0;
    virtual Status removeWorker(const QString &name) = 0;

    // The run's owner lease. claim() succeeds when nobody owns the run or the owner is this
    // store. Who holds it is decided by a lock the operating system or the server drops when
    // the owner dies, however it dies, and that nobody else gets meanwhile, even while the owner
    // is too busy to beat its heart (a long planning):
    //  - SQLite: an exclusive flock() on "<state>.lock" (one host), plus the owner row: a claim
    //    is also refused while the row names a live owner (heartbeat younger than
    //    `staleSeconds`, not a dead process of this host);
    //  - PostgreSQL: a session-level advisory lock of the store's schema, held by this store's
    //    connection (any host); the row then only says who it is, for display.
    virtual Result<RunOwner> owner() = 0;
    virtual Result<bool> claim(const QString &app, double staleSeconds) = 0;
    virtual Status heartbeat() = 0;
    virtual Status release() = 0;
    // Whether `owner` (as owner() read it) still runs the run: its lease lock is held when the
    // store can tell (RunOwner::leaseHeld), else its heartbeat is fresh and it is no dead
    // process of this host.
    static bool ownerAlive(const RunOwner &owner, double staleSeconds);

protected:
    ControlStore() = default;
    QString m_path;
};

} // namespace cockpit
