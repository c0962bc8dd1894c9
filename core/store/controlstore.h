#pragma once
// The control store: the run's tasks, states, attempts, timings, checkpoints, events, per-task
// logs and the administrators' commands, in an SQLite file (WAL) beside the plan. Every state
// transition is written here before anyone is shown it, so closing the app, a crash or kill -9
// never loses where the run was.
//
// Thread contract: one ControlStore per thread (it owns a QSqlDatabase connection). Several
// processes may open the same file: the running scheduler owns the run (a heartbeat lease);
// other processes post commands that it applies within a second.

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

class ControlStore {
public:
    static Result<std::unique_ptr<ControlStore>> open(const QString &path);
    ~ControlStore();
    ControlStore(const ControlStore &) = delete;
    ControlStore &operator=(const ControlStore &) = delete;

    const QString &path() const { return m_path; }

    Result<QString> meta(const QString &key);
    Status setMeta(const QString &key, const QString &value);

    Result<bool> hasTasks();
    Status createTasks(const QVector<TaskSpec> &specs);
    Result<QVector<std::pair<TaskSpec, TaskStatus>>> loadTasks();
    // Saves a task's status; when the state changed, records the event in the same transaction.
    Status saveStatus(const QString &task, const TaskStatus &status, TaskState from,
                      const QString &eventMessage);
    // Progress of executing tasks (rows, checkpoint), in one transaction.
    Status saveProgress(const QVector<std::pair<QString, TaskStatus>> &updates);
    // The administrator's new priority of a task and its event (empty states), in one transaction.
    Status setPriority(const QString &task, int priority, const QString &eventMessage);
    Result<QVector<StoredEvent>> events(const QString &task = {}); // oldest first; one task's or all
    // An administrator's action that is no task's state change (e.g. on a batch group): an
    // event of `subject` with empty states.
    Status recordEvent(const QString &subject, const QString &message);

    Status appendLog(const QString &task, LogLevel level, const QString &message);
    Result<QVector<LogLine>> log(const QString &task, int limit);

    Result<qint64> postCommand(TaskAction action, const QString &task, bool withDependents);
    Result<qint64> postGroupCommand(GroupAction action, const QString &group, int threads = 0);
    Result<qint64> postPriorityCommand(const QString &task, int priority);
    Result<QVector<StoredCommand>> pendingCommands();
    Status finishCommand(qint64 id, bool ok, const QString &result);
    Result<CommandOutcome> commandOutcome(qint64 id);

    // The run's owner lease. claim() succeeds when nobody owns the run, the owner is this
    // process, or the owner's heartbeat is older than `staleSeconds` (or it is a dead process
    // on this host). On this host it also holds an exclusive flock() on "<state>.lock" until
    // release(): the kernel drops it when the process dies, however it dies, and nobody else
    // gets it meanwhile, even while the owner is too busy to beat its heart (a long planning).
    Result<RunOwner> owner();
    Result<bool> claim(const QString &app, double staleSeconds);
    Status heartbeat();
    Status release();
    static bool ownerAlive(const RunOwner &owner, double staleSeconds);

private:
    ControlStore() = default;
    Status exec(const QString &sql, const QVariantList &binds = {});
    Status transaction(const std::function<Status()> &body);

    QString m_path;
    QString m_name;
    QSqlDatabase m_db;
    int m_lockFd = -1; // the flock of claim(), while this store owns the run
};

} // namespace cockpit
