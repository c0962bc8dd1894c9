#include "run/scheduler.h"
#include "run/dispatchpolicy.h"
#include "run/runsetup.h"
#include "run/taskcontextfor.h"
#include "run/taskpriority.h"
#include "run/workerpriority.h"
#include "engine/engine.h"
#include "engine/transientfault.h"
#include "log/logging.h"
#include "store/statelocation.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSysInfo>
#include <algorithm>
#include <numeric>

namespace cockpit {

// Runs one task on a pool thread and reports to the scheduler through queued calls.
class TaskRunnable final : public QRunnable {
public:
    TaskRunnable(Scheduler *scheduler, TaskContext context, std::shared_ptr<TaskControl> control)
        : m_scheduler(scheduler), m_context(std::move(context)), m_control(std::move(control))
    {
        setAutoDelete(false);
    }

    void run() override
    {
        applyWorkerNiceness();
        Scheduler *s = m_scheduler;
        const QString name = m_context.spec.name;
        QMetaObject::invokeMethod(s, [s, name] { s->onStarted(name); }, Qt::QueuedConnection);
        TaskOutcome outcome;
        try {
            outcome = executeTask(m_context);
        } catch (const std::exception &e) {
            outcome.kind = TaskOutcome::Failed;
            outcome.message = QStringLiteral("internal error: %1").arg(QString::fromUtf8(e.what()));
            outcome.error = makeError(outcome.message);
        }
        // Last statement: the scheduler deletes this runnable when it handles the outcome.
        QMetaObject::invokeMethod(s, [s, name, outcome] { s->onFinished(name, outcome); },
                                  Qt::QueuedConnection);
    }

private:
    Scheduler *m_scheduler;
    TaskContext m_context;
    std::shared_ptr<TaskControl> m_control; // keeps the counters alive while running
};

// The store is best-effort for logs and heartbeats: a failure there is logged, never fatal.
void Scheduler::warnIfFailed(const Status &st, const char *what)
{
    if (!st)
        logger("store")->error("{} failed: {}", what, str(st.error().message));
}

// A run is owned by one scheduler: across processes the store's lease says so; within this
// process (two windows, a test) this set does.
static QMutex g_openRunsMutex;
static QSet<QString> g_openRuns;


Scheduler::Scheduler(QString appName) : m_appName(std::move(appName))
{
    m_tickTimer = new QTimer(this);
    m_tickTimer->setInterval(250);
    connect(m_tickTimer, &QTimer::timeout, this, &Scheduler::tick);
    m_storeChanged = new QTimer(this);
    m_storeChanged->setSingleShot(true);
    m_storeChanged->setInterval(100);
    connect(m_storeChanged, &QTimer::timeout, this, &Scheduler::reactToStore);
    m_clock.start();
    m_watchPool.setMaxThreadCount(1);
}

Scheduler::~Scheduler() = default;

void Scheduler::forgetOpenRun()
{
    QMutexLocker lock(&g_openRunsMutex);
    g_openRuns.remove(m_openStatePath);
    m_openStatePath.clear();
}

void Scheduler::log(const QString &task, LogLevel level, const QString &message)
{
    auto l = logger("scheduler");
    const std::string text = task.isEmpty() ? str(message) : str(task + QStringLiteral(": ") + message);
    switch (level) {
    case LogLevel::Error: l->error(text); break;
    case LogLevel::Warn: l->warn(text); break;
    case LogLevel::Info: l->info(text); break;
    }
    if (m_store)
        warnIfFailed(m_store->appendLog(task, level, message), "saving a log line");
    Q_EMIT logLine(task, level, message);
}

void Scheduler::openState(const QString &statePath)
{
    auto location = statelocation::normalized(statePath, QDir::currentPath());
    if (!location) {
        Q_EMIT opened(false, location.error().message);
        return;
    }
    const QString shown = statelocation::display(*location);
    auto store = ControlStore::open(*location, ControlStore::IfMissing::Fail);
    if (!store) {
        Q_EMIT opened(false, store.error().message);
        return;
    }
    auto json = (*store)->meta(QStringLiteral("plan_json"));
    auto path = (*store)->meta(QStringLiteral("plan_path"));
    if (!json || !path || json->isEmpty()) {
        Q_EMIT opened(false, QStringLiteral("%1 is not the state of a run (it holds no plan)").arg(shown));
        return;
    }
    store->reset();
    auto plan = parsePlan(json->toUtf8(), *path);
    if (!plan) {
        Q_EMIT opened(false, QStringLiteral("%1: the stored plan is unreadable: %2")
                                 .arg(shown, plan.error().message));
        return;
    }
    plan->statePath = *location;
    open(*plan);
}

void Scheduler::open(const Plan &plan)
{
    if (plan.source.isFile() && plan.target.isFile() && plan.source.path == plan.target.path) {
        Q_EMIT opened(false, QStringLiteral("source and target are the same file: %1").arg(plan.source.path));
        return;
    }
    auto location = statelocation::normalized(plan.statePath, QDir::currentPath());
    if (!location) {
        Q_EMIT opened(false, location.error().message);
        return;
    }
    const QString statePath = *location;
    {
        QMutexLocker lock(&g_openRunsMutex);
        if (g_openRuns.contains(statePath)) {
            Q_EMIT opened(false, QStringLiteral("this run (%1) is being executed by this process already; "
                                                "use its window")
                                     .arg(statelocation::display(statePath)));
            return;
        }
        g_openRuns.insert(statePath);
        m_openStatePath = statePath;
    }
    if (!m_sharing && statelocation::isUrl(statePath))
        m_sharing = RunSharing{};
    if (m_sharing && m_sharing->worker.isEmpty())
        m_sharing->worker = QStringLiteral("%1-%2").arg(QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid());
    // Workers on the coordinator's host write a log of their own: one file per process.
    setLogFile(statelocation::logFile(statePath, coordinates() ? QString() : m_sharing->worker));
    auto store = ControlStore::open(statePath);
    if (!store) {
        forgetOpenRun();
        Q_EMIT opened(false, store.error().message);
        return;
    }
    m_store = std::move(*store);
    // A shared run's workers work beside its owner, the coordinator.
    auto claimed = coordinates() ? m_store->claim(m_appName, 5.0) : Result<bool>(true);
    if (!claimed || !*claimed) {
        auto o = m_store->owner();
        // The row may not be written yet: the owner takes its lock a moment before.
        const QString who = o && o->pid != 0 ? QStringLiteral("%1 (pid %2 on %3)").arg(o->app).arg(o->pid).arg(o->host)
                                             : QStringLiteral("another process");
        m_store.reset();
        forgetOpenRun();
        Q_EMIT opened(false, QStringLiteral("this run (%1) is being executed by %2; steer it from there or "
                                            "with `upgradectl pause|resume --state %1`")
                                 .arg(statelocation::display(statePath), who));
        return;
    }
    Plan located = plan;
    located.statePath = statePath;
    if (auto st = load(located, true); !st) {
        if (coordinates())
            warnIfFailed(m_store->release(), "releasing the run");
        m_store.reset();
        forgetOpenRun();
        Q_EMIT opened(false, st.error().message);
        return;
    }
    m_listening = shared() && m_store->listenForChanges([this](int changes) { readStoreSoon(changes); });
    m_tickTimer->start();
    publish();
    Q_EMIT opened(true, {});
}

Status Scheduler::load(const Plan &plan, bool planIfEmpty)
{
    auto planned = setUpRun(plan, *m_store, planIfEmpty && coordinates(),
                            [this](LogLevel level, const QString &message) { log({}, level, message); });
    if (!planned)
        return planned.error();
    m_plan = plan;
    m_runId = planned->runId;
    m_run.tables = std::move(planned->tables);
    m_run.targetTables = std::move(planned->targetTables);
    m_run.views = std::move(planned->views);
    m_tasks.clear();
    m_byName.clear();
    m_tasks.reserve(size_t(planned->tasks.size()));
    for (auto &[spec, status] : planned->tasks) {
        Entry e;
        e.spec = spec;
        e.status = status;
        m_byName.insert(spec.name, int(m_tasks.size()));
        m_tasks.push_back(std::move(e));
    }
    m_dependents.assign(m_tasks.size(), {});
    for (size_t i = 0; i < m_tasks.size(); ++i)
        for (const auto &d : m_tasks[i].spec.dependsOn)
            m_dependents[size_t(m_byName.value(d))].push_back(int(i));

    m_groups.clear();
    for (const auto &g : plan.groups)
        m_groups[g.name].threads = g.threads;
    for (const auto &e : m_tasks)
        if (!m_groups.count(e.spec.group))
            m_groups[e.spec.group].threads = 2;
    if (auto st = loadGroupSettings(); !st)
        return st;
    for (auto &[name, g] : m_groups) {
        if (m_sharing) {
            g.served = m_sharing->threads != 0 && (m_sharing->groups.isEmpty() || m_sharing->groups.contains(name));
            if (m_sharing->threads > 0)
                g.threads = std::min(m_sharing->threads, kMaxGroupThreads);
        }
        g.pool = std::make_unique<QThreadPool>();
        g.pool->setMaxThreadCount(g.threads);
        g.pool->setObjectName(name);
    }

    {
        QMutexLocker lock(&m_viewMutex);
        m_views.resize(qsizetype(m_tasks.size()));
        m_publishedPlan = plan;
    }
    if (shared())
        shareTick(); // hands back what dead workers held, reads what the others do
    else
        recoverInterrupted();
    updateWaitReasons();
    return {};
}

void Scheduler::recoverInterrupted()
{
    for (auto &e : m_tasks) {
        if (e.status.state != TaskState::Ready && e.status.state != TaskState::Executing)
            continue;
        const bool executing = e.status.state == TaskState::Executing;
        e.status.message = e.spec.stopsAtBatch()
                               ? QStringLiteral("interrupted: the process ended; resumes from its last committed batch")
                               : QStringLiteral("interrupted: the process ended; runs again from the start");
        if (executing && e.status.startedAt.isValid())
            e.status.seconds += std::max<qint64>(0, e.status.startedAt.secsTo(QDateTime::currentDateTime()));
        setState(e, TaskState::Waiting, e.status.message);
        log(e.spec.name, LogLevel::Warn, e.status.message);
    }
}

void Scheduler::setState(Entry &e, TaskState to, const QString &eventMessage)
{
    const TaskState from = e.status.state;
    e.status.state = to;
    e.dirty = true;
    // Persisted before it is published: the window never shows a state the store lacks.
    if (shared())
        persistShared(e, from, eventMessage);
    else
        warnIfFailed(m_store->saveStatus(e.spec.name, e.status, from, eventMessage), "saving a task state");
    if (from != to)
        logger("scheduler")->info("{}: {} -> {}{}{}", str(e.spec.name), str(toString(from)), str(toString(to)),
                                  eventMessage.isEmpty() ? "" : ": ", str(eventMessage));
}

void Scheduler::start()
{
    if (!m_store)
        return;
    if (!coordinates()) { // a worker works while its coordinator runs the run (shareTick)
        m_workWanted = true;
        shareTick();
        return;
    }
    if (shared())
        warnIfFailed(m_store->setMeta(QString::fromLatin1(kSharedRunStarted), QStringLiteral("1")), "starting the shared run");
    if (!m_dispatching) {
        m_dispatching = true;
        m_finishedEmitted = false;
        m_runTime.start();
        log({}, LogLevel::Info, QStringLiteral("Run pressed"));
        // A removed worker outlives a reopen: say so, or a headless run just seems stuck.
        for (const auto &[name, g] : m_groups)
            if (g.removed)
                log({}, LogLevel::Warn, QStringLiteral("batch group %1 has no worker (removed by the administrator): its tasks "
                                                               "wait until it is added back (upgradectl worker add --group %1)")
                                                    .arg(name));
    }
    dispatch();
    updateWaitReasons();
    publish();
    checkIdle();
}

void Scheduler::stop()
{
    if (!m_store) {
        Q_EMIT stopped();
        return;
    }
    if (m_dispatching)
        m_elapsedBefore += m_runTime.elapsed() / 1000.0;
    if (shared() && coordinates()) // the workers stop with it
        warnIfFailed(m_store->setMeta(QString::fromLatin1(kSharedRunStarted), QStringLiteral("0")), "stopping the shared run");
    m_workWanted = false;
    m_dispatching = false;
    m_stopping = true;
    withdrawAll(QStringLiteral("taken back from the queue by stop"));
    log({}, LogLevel::Info, QStringLiteral("stop requested: executing tasks stop at their next safe point"));
    updateWaitReasons();
    publish();
    checkIdle();
}

void Scheduler::withdrawAll(const QString &why)
{
    for (auto &e : m_tasks) {
        if (e.status.state == TaskState::Ready && takeBack(e))
            setState(e, TaskState::Waiting, why);
        else if (e.control)
            e.control->requestStop(StopRequest::Interrupt);
    }
}

bool Scheduler::takeBack(Entry &e)
{
    if (!e.runnable)
        return false;
    Group &g = m_groups[e.spec.group];
    if (!g.pool->tryTake(e.runnable.get()))
        return false;
    e.runnable.reset();
    e.control.reset();
    --g.active;
    return true;
}

bool Scheduler::depsEnded(const Entry &e) const
{
    for (const auto &d : e.spec.dependsOn)
        if (m_tasks[size_t(m_byName.value(d))].status.state != TaskState::Ended)
            return false;
    return true;
}

void Scheduler::dispatch()
{
    if (!m_dispatching || m_stopping || m_holdUntilMs > m_clock.elapsed())
        return;
    // A shared run decides on the others' states as the store has them now, not a second ago
    // (where it listens, it is told of their changes; the claim re-checks each in the store).
    if (shared() && !m_listening && m_clock.elapsed() - m_refreshedAtMs > 200)
        refreshFromStore();
    std::vector<int> candidates;
    for (size_t i = 0; i < m_tasks.size(); ++i)
        if (m_tasks[i].status.state == TaskState::Waiting && depsEnded(m_tasks[i]) && !retryPending(m_tasks[i]))
            candidates.push_back(int(i));
    std::stable_sort(candidates.begin(), candidates.end(),
                     [this](int a, int b) { return startsBefore(m_tasks[size_t(a)].spec, m_tasks[size_t(b)].spec); });
    QHash<QString, qint64> preparing;
    for (const Entry &e : m_tasks)
        if (e.spec.kind == TaskKind::Prepare
            && (e.status.state == TaskState::Ready || e.status.state == TaskState::Executing))
            preparing[e.spec.group] = std::max(preparing.value(e.spec.group), e.spec.estimatedRows);
    QHash<QString, GroupRoom> rooms;
    for (const auto &[name, g] : m_groups)
        rooms.insert(name, GroupRoom{g.threads, g.active, g.removed || !g.claims()});
    std::vector<const TaskSpec *> specs;
    for (int i : candidates)
        specs.push_back(&m_tasks[size_t(i)].spec);
    // A shared run's worker claims only what it starts now: a task queued behind its busy
    // threads is one another worker's idle thread could have run.
    const std::vector<const TaskSpec *> chosen = tasksToLaunch(specs, rooms, preparing, shared() ? 0 : kQueueAhead);
    if (shared()) {
        claimAndLaunch(chosen);
        return;
    }
    for (const TaskSpec *spec : chosen)
        launch(m_tasks[size_t(m_byName.value(spec->name))]);
}

void Scheduler::launch(Entry &e)
{
    Group &g = m_groups[e.spec.group];
    auto control = std::make_shared<TaskControl>();
    control->rowsDone = e.status.rowsDone;
    control->rowsTotal = e.status.rowsTotal;
    control->bytesDone = e.status.bytesDone;
    control->checkpoint = e.status.checkpoint;
    control->hasCheckpoint = e.status.hasCheckpoint;

    TaskContext ctx = taskContextFor(e.spec, m_plan, m_run, m_runId, [this](const QString &task) {
        const int i = m_byName.value(task, -1);
        return i >= 0 && !m_tasks[size_t(i)].status.skipped;
    });
    ctx.control = control.get();
    ctx.epoch = e.leaseEpoch;
    const QString name = e.spec.name;
    ctx.log = [this, name](LogLevel level, const QString &message) {
        QMetaObject::invokeMethod(this, [this, name, level, message] { onTaskLog(name, level, message); },
                                  Qt::QueuedConnection);
    };

    e.control = control;
    e.runnable = std::make_unique<TaskRunnable>(this, std::move(ctx), control);
    e.status.message.clear();
    if (shared()) // the claim stored Ready, with its event
        e.dirty = true;
    else
        setState(e, TaskState::Ready, QStringLiteral("dispatched to batch group %1").arg(e.spec.group));
    ++g.active;
    m_finishedEmitted = false;
    g.pool->start(e.runnable.get());
}

void Scheduler::onTaskLog(const QString &name, LogLevel level, const QString &message)
{
    log(name, level, message);
}

void Scheduler::onStarted(const QString &name)
{
    const int i = m_byName.value(name, -1);
    if (i < 0)
        return;
    Entry &e = m_tasks[size_t(i)];
    e.status.attempts += 1;
    e.status.startedAt = QDateTime::currentDateTime();
    e.status.endedAt = QDateTime();
    e.executing.start();
    e.progressMarker = -1;
    e.progressAtMs = m_clock.elapsed();
    e.stalled = false;
    e.diagnosis.clear();
    e.diagnosedAtMs = -1;
    e.rate.reset();
    e.rate.sample(m_clock.elapsed() / 1000.0, e.status.rowsDone);
    setState(e, TaskState::Executing, QStringLiteral("attempt %1 started").arg(e.status.attempts));
    publish();
}

void Scheduler::saveTypeScans()
{
    QJsonObject scans;
    for (auto it = m_run.targetTables.cbegin(); it != m_run.targetTables.cend(); ++it)
        if (it->scanColumns.isEmpty()) // decided (or nothing to scan)
            scans.insert(it.key(), it->typeScan.toJson());
    warnIfFailed(m_store->setMeta(QStringLiteral("type_scan"), QString::fromUtf8(QJsonDocument(scans).toJson(QJsonDocument::Compact))),
                 "saving the value scan");
}

void Scheduler::onFinished(const QString &name, const TaskOutcome &outcome)
{
    const int i = m_byName.value(name, -1);
    if (i < 0)
        return;
    Entry &e = m_tasks[size_t(i)];
    Group &g = m_groups[e.spec.group];
    --g.active;
    e.runnable.reset();
    // The fence may refuse a batch before the heartbeat tells this worker that its lease ran out.
    if (e.leaseLost || (e.leaseEpoch > 0 && isTakenOver(outcome.message))) {
        // Another worker holds the task now: what this attempt did is not its outcome (the
        // target's fence refused its batches once the task was handed over).
        e.leaseLost = false;
        e.leaseEpoch = 0;
        e.status.worker.clear();
        e.control.reset();
        e.executing.invalidate();
        log(name, LogLevel::Warn, QStringLiteral("attempt ended after its lease was lost (%1); not recorded: the task is "
                                                 "another worker's now")
                                      .arg(outcome.message));
        refreshFromStore();
        dispatch();
        updateWaitReasons();
        publish();
        checkIdle();
        return;
    }
    if (e.control) {
        e.status.bytesDone = e.control->bytesDone;
        if (e.spec.kind == TaskKind::Script) { // statements done of all
            e.status.rowsDone = e.control->rowsDone;
            e.status.rowsTotal = e.control->rowsTotal;
        }
        e.control.reset();
    }
    if (e.executing.isValid())
        e.status.seconds += e.executing.elapsed() / 1000.0;
    e.executing.invalidate();
    e.status.endedAt = QDateTime::currentDateTime();
    e.status.message = outcome.message;
    if (outcome.typeScan && m_run.targetTables.contains(e.spec.table)) {
        // Stored before the prepare is Ended: a run reopened after it never scans again.
        applyTypeScan(m_run.targetTables[e.spec.table], *outcome.typeScan);
        saveTypeScans();
    }
    if (e.spec.kind == TaskKind::Copy && outcome.hasCheckpoint) {
        e.status.rowsDone = outcome.rowsDone;
        e.status.checkpoint = outcome.checkpoint;
        e.status.hasCheckpoint = outcome.hasCheckpoint;
    } else if (e.spec.kind == TaskKind::Copy) {
        // Failed before or without a commit to report: what the last tick saw was committed
        // (the next attempt reads the target's own checkpoint anyway).
    } else if (e.spec.kind == TaskKind::Validate) {
        e.status.rowsDone = outcome.rowsDone; // the rows compared (the source's count)
        e.status.rowsTotal = outcome.rowsDone;
    }
    TaskState to = TaskState::Ended;
    LogLevel level = LogLevel::Info;
    if (outcome.kind != TaskOutcome::Failed)
        e.faultStreak = 0;
    switch (outcome.kind) {
    case TaskOutcome::Ended:
        to = TaskState::Ended;
        if (e.spec.kind == TaskKind::Copy)
            e.status.rowsTotal = e.status.rowsDone;
        break;
    case TaskOutcome::Failed:
        if (scheduleRetry(e, outcome)) {
            dispatch();
            updateWaitReasons();
            publish();
            checkIdle();
            return;
        }
        to = TaskState::Error;
        level = LogLevel::Error;
        if (const auto remedy = administratorRemedy(outcome.message))
            e.status.message = QStringLiteral("%1 (%2)").arg(e.status.message, *remedy);
        if (!outcome.error.sql.isEmpty())
            log(name, level, QStringLiteral("failing SQL: %1").arg(outcome.error.sql));
        break;
    case TaskOutcome::Paused: to = TaskState::Paused; break;
    case TaskOutcome::Canceled: to = TaskState::Canceled; break;
    case TaskOutcome::Interrupted: to = TaskState::Waiting; break;
    case TaskOutcome::Skipped:
        to = TaskState::Ended;
        level = LogLevel::Warn;
        e.status.skipped = true;
        break;
    }
    setState(e, to, e.status.message);
    log(name, level, QStringLiteral("%1 after %2 s: %3")
                         .arg(toString(to))
                         .arg(e.status.seconds, 0, 'f', 1)
                         .arg(e.status.message));
    dispatch();
    updateWaitReasons();
    publish();
    checkIdle();
}

bool Scheduler::scheduleRetry(Entry &e, const TaskOutcome &outcome)
{
    const std::optional<QString> cause = transientCause(outcome.message);
    if (!cause) {
        e.faultStreak = 0;
        return false;
    }
    const RetryPolicy &policy = m_plan.retry;
    ++e.faultStreak;
    if (e.faultStreak >= policy.attempts || !m_dispatching || m_stopping) {
        if (policy.attempts > 1 && e.faultStreak >= policy.attempts)
            e.status.message = QStringLiteral("%1 (%2 attempts in a row failed: %3; Rerun once it is fixed)")
                                   .arg(outcome.message)
                                   .arg(e.faultStreak)
                                   .arg(*cause);
        e.faultStreak = 0;
        return false;
    }
    const double delay = policy.delayBefore(e.faultStreak + 1);
    const qint64 dueMs = m_clock.elapsed() + qint64(delay * 1000);
    const QString at = QDateTime::currentDateTime().addMSecs(qint64(delay * 1000)).toString(QStringLiteral("HH:mm:ss"));
    e.retryAtMs = dueMs;
    e.retryReason = QStringLiteral("attempt %1 of %2 at %3 (%4)").arg(e.faultStreak + 1).arg(policy.attempts).arg(at, *cause);
    e.status.message = QStringLiteral("%1; retrying: %2").arg(outcome.message, e.retryReason);
    if (dueMs > m_holdUntilMs) {
        m_holdUntilMs = dueMs;
        m_holdReason = QStringLiteral("dispatch held until %1 after a transient fault of %2 (%3)").arg(at, e.spec.name, *cause);
    }
    setState(e, TaskState::Waiting, e.status.message);
    log(e.spec.name, LogLevel::Warn, QStringLiteral("attempt %1 failed after %2 s: %3; retry in %4 s (attempt %5 of %6)")
                                                 .arg(e.status.attempts)
                                                 .arg(e.status.seconds, 0, 'f', 1)
                                                 .arg(outcome.message)
                                                 .arg(delay, 0, 'f', 1)
                                                 .arg(e.faultStreak + 1)
                                                 .arg(policy.attempts));
    return true;
}

void Scheduler::checkIdle()
{
    bool active = false, dispatchable = false, runningHere = false;
    for (const auto &e : m_tasks) {
        // (A state the store has not taken yet is not the end: shareTick saves it again.)
        if (e.status.state == TaskState::Ready || e.status.state == TaskState::Executing || e.unsavedFrom)
            active = true;
        else if (e.status.state == TaskState::Waiting && depsEnded(e))
            dispatchable = true;
        runningHere = runningHere || bool(e.runnable);
    }
    // A shared run's other workers go on: this process stops once its own tasks did.
    if (m_stopping && !(shared() ? runningHere : active)) {
        m_stopping = false;
        saveProgressNow();
        publish();
        log({}, LogLevel::Info, QStringLiteral("stopped; the run continues on the next Run"));
        Q_EMIT stopped();
    }
    if (m_dispatching && !active && !dispatchable && !m_finishedEmitted) {
        m_finishedEmitted = true;
        publish(); // whoever hears finished reads the view: it must show the end (a shared run's
                   // last states came from the store, with no publish yet)
        log({}, LogLevel::Info, QStringLiteral("nothing left to run"));
        Q_EMIT finished();
    }
}

void Scheduler::saveProgressNow()
{
    if (shared())
        return; // each heartbeat writes the held tasks' progress (shareTick)
    QVector<std::pair<QString, TaskStatus>> updates;
    for (const auto &e : m_tasks)
        if (e.status.state == TaskState::Executing)
            updates.push_back({e.spec.name, e.status});
    warnIfFailed(m_store->saveProgress(updates), "saving progress");
}

void Scheduler::tick()
{
    const double now = m_clock.elapsed() / 1000.0;
    for (auto &e : m_tasks) {
        if (e.status.state != TaskState::Executing || !e.control)
            continue;
        const qint64 rows = e.control->rowsDone;
        e.status.rowsDone = rows;
        e.status.bytesDone = e.control->bytesDone;
        e.status.checkpoint = e.control->checkpoint;
        e.status.hasCheckpoint = e.control->hasCheckpoint;
        if (e.spec.kind != TaskKind::Copy && e.control->rowsTotal > 0)
            e.status.rowsTotal = e.control->rowsTotal;
        e.rate.sample(now, rows);
        e.dirty = true; // elapsed time moves even when rows do not
    }
    // A retry delay or the dispatch hold after a transient fault has run out.
    const qint64 nowMs = m_clock.elapsed();
    watchStalls(nowMs);
    if (m_dispatching && (m_holdUntilMs >= 0 || std::any_of(m_tasks.begin(), m_tasks.end(), [](const Entry &t) { return t.retryAtMs >= 0; }))) {
        bool due = m_holdUntilMs >= 0 && m_holdUntilMs <= nowMs;
        if (due)
            m_holdUntilMs = -1;
        for (auto &t : m_tasks)
            if (t.retryAtMs >= 0 && t.retryAtMs <= nowMs) {
                t.retryAtMs = -1;
                due = true;
            }
        if (due) {
            dispatch();
            updateWaitReasons();
        }
    }
    if (++m_tickCount % 4 == 0) {
        saveProgressNow();
        if (coordinates())
            warnIfFailed(m_store->heartbeat(), "heartbeat");
        if (shared())
            shareTick();
    }
    if (coordinates() && (!m_listening || m_tickCount % 4 == 0))
        pollCommands();
    publish();
}

void Scheduler::updateWaitReasons()
{
    // Deps come before their dependents in plan order, so one pass sees each dep's own reason.
    for (auto &e : m_tasks) {
        QString reason;
        if (e.status.state == TaskState::Waiting) {
            std::vector<DependencyView> deps;
            for (const auto &d : e.spec.dependsOn) {
                const Entry &dep = m_tasks[size_t(m_byName.value(d))];
                deps.push_back({d, dep.status.state, dep.waitReason});
            }
            reason = dependencyWaitReason(deps, e.spec.group, m_groups[e.spec.group].removed);
            if (reason.isEmpty() && shared())
                reason = sharedWaitReason(e.spec.group);
            if (reason.isEmpty() && retryPending(e))
                reason = QStringLiteral("retrying: ") + e.retryReason;
            else if (reason.isEmpty() && m_dispatching && m_holdUntilMs > m_clock.elapsed())
                reason = m_holdReason;
            else if (reason.isEmpty())
                reason = m_dispatching ? QStringLiteral("no free thread in group %1").arg(e.spec.group)
                                       : coordinates() ? QStringLiteral("waiting for Run")
                                                       : QStringLiteral("waiting for the coordinator's Run");
        }
        if (reason != e.waitReason) {
            e.waitReason = reason;
            e.dirty = true;
        }
    }
}

void Scheduler::publish()
{
    QMutexLocker lock(&m_viewMutex);
    RunSummary sum;
    sum.taskCount = int(m_tasks.size());
    QVector<GroupView> groups;
    QHash<QString, qsizetype> groupIndex;
    for (const auto &[name, g] : m_groups) {
        groupIndex.insert(name, groups.size());
        groups.push_back({name, g.threads, g.removed, g.removedWorkers, {}, 0, 0});
    }
    double rate = 0;
    for (size_t i = 0; i < m_tasks.size(); ++i) {
        Entry &e = m_tasks[i];
        sum.countByState[size_t(e.status.state)]++;
        if (const qsizetype gi = groupIndex.value(e.spec.group, -1); gi >= 0) {
            GroupView &gv = groups[gi];
            if (e.status.state == TaskState::Executing)
                gv.executing << e.spec.name;
            else if (e.status.state == TaskState::Ready)
                ++gv.ready;
            else if (e.status.state == TaskState::Waiting)
                ++gv.waiting;
        }
        const bool executing = e.status.state == TaskState::Executing;
        if (e.spec.kind == TaskKind::Copy) {
            sum.rowsDone += e.status.rowsDone;
            sum.rowsTotal += std::max(e.status.rowsTotal, e.status.rowsDone);
            if (executing)
                rate += e.rate.rowsPerSecond();
        }
        if (!e.dirty)
            continue;
        e.dirty = false;
        TaskView &v = m_views[qsizetype(i)];
        v.spec = e.spec;
        v.status = e.status;
        if (executing && e.executing.isValid())
            v.status.seconds += e.executing.elapsed() / 1000.0;
        v.rowsPerSecond = executing ? e.rate.rowsPerSecond() : 0;
        v.etaSeconds = executing ? e.rate.eta(e.status.rowsTotal - e.status.rowsDone) : -1;
        v.waitReason = e.waitReason;
        v.stalled = executing && e.stalled;
        v.version = ++m_version;
    }
    sum.rowsPerSecond = rate;
    sum.elapsedSeconds = m_elapsedBefore + (m_dispatching ? m_runTime.elapsed() / 1000.0 : 0);
    sum.etaSeconds = rate > 0 ? double(sum.rowsTotal - sum.rowsDone) / rate : -1;
    sum.dispatching = m_dispatching;
    sum.finished = m_finishedEmitted;
    m_summary = sum;
    m_groupViews = std::move(groups);
    if (shared()) { // the workers' rows in the store, as the last heartbeat read them
        m_workerViews.clear();
        for (const WorkerInfo &w : m_sharedWorkers)
            m_workerViews.push_back({w.name, w.host, w.pid, w.threads, w.groups, w.heartbeatAge, w.executing,
                                     w.name == m_sharing->worker});
        return;
    }
    // On one machine this process is the run's only worker.
    WorkerView self;
    self.name = m_appName;
    self.host = QSysInfo::machineHostName();
    self.pid = QCoreApplication::applicationPid();
    self.thisProcess = true;
    for (const GroupView &g : m_groupViews) {
        if (g.removed)
            continue;
        self.groups << g.name;
        self.threads += g.threads;
        self.executing << g.executing;
    }
    m_workerViews = {self};
}

RunSnapshot Scheduler::snapshot(quint64 sinceVersion) const
{
    QMutexLocker lock(&m_viewMutex);
    RunSnapshot s;
    s.summary = m_summary;
    s.groups = m_groupViews;
    s.workers = m_workerViews;
    s.version = m_version;
    for (const auto &v : m_views)
        if (v.version > sinceVersion)
            s.tasks << v;
    return s;
}

Plan Scheduler::plan() const
{
    QMutexLocker lock(&m_viewMutex);
    return m_publishedPlan;
}

void Scheduler::shutdown()
{
    m_tickTimer->stop();
    m_watchPool.waitForDone();
    if (!m_store)
        return;
    m_workWanted = false; // the last shareTick below must not join the run again
    m_dispatching = false;
    withdrawAll(QStringLiteral("taken back from the queue at shutdown"));
    for (auto &[name, g] : m_groups)
        g.pool->waitForDone();
    // The workers' last reports are queued to this thread: handle them so their outcomes
    // (checkpoints, states) are stored before the store closes.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    saveProgressNow();
    if (shared()) {
        shareTick(); // the last progress of what it held
        warnIfFailed(m_store->removeWorker(m_sharing->worker), "leaving the run");
    }
    if (coordinates())
        warnIfFailed(m_store->release(), "releasing the run");
    m_store.reset();
    m_groups.clear();
    forgetOpenRun();
}

} // namespace cockpit
