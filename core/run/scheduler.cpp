#include "run/scheduler.h"
#include "run/dispatchpolicy.h"
#include "run/runsetup.h"
#include "run/taskpriority.h"
#include "run/workerpriority.h"
#include "engine/engine.h"
#include "engine/transientfault.h"
#include "log/logging.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
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
static void warnIfFailed(const Status &st, const char *what)
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

void Scheduler::log(const QString &task, const QString &level, const QString &message)
{
    auto l = logger("scheduler");
    const std::string text = task.isEmpty() ? str(message) : str(task + QStringLiteral(": ") + message);
    if (level == QLatin1String("error"))
        l->error(text);
    else if (level == QLatin1String("warn"))
        l->warn(text);
    else
        l->info(text);
    if (m_store)
        warnIfFailed(m_store->appendLog(task, level, message), "saving a log line");
    Q_EMIT logLine(task, level, message);
}

void Scheduler::openState(const QString &statePath)
{
    if (!QFileInfo::exists(statePath)) {
        Q_EMIT opened(false, QStringLiteral("no run state at %1").arg(statePath));
        return;
    }
    auto store = ControlStore::open(statePath);
    if (!store) {
        Q_EMIT opened(false, store.error().message);
        return;
    }
    auto json = (*store)->meta(QStringLiteral("plan_json"));
    auto path = (*store)->meta(QStringLiteral("plan_path"));
    if (!json || !path || json->isEmpty()) {
        Q_EMIT opened(false, QStringLiteral("%1 is not the state of a run (it holds no plan)").arg(statePath));
        return;
    }
    store->reset();
    auto plan = parsePlan(json->toUtf8(), *path);
    if (!plan) {
        Q_EMIT opened(false, QStringLiteral("%1: the stored plan is unreadable: %2")
                                 .arg(statePath, plan.error().message));
        return;
    }
    plan->statePath = QFileInfo(statePath).absoluteFilePath();
    open(*plan);
}

void Scheduler::open(const Plan &plan)
{
    if (plan.source.isFile() && plan.target.isFile() && plan.source.path == plan.target.path) {
        Q_EMIT opened(false, QStringLiteral("source and target are the same file: %1").arg(plan.source.path));
        return;
    }
    const QString statePath = QFileInfo(plan.statePath).absoluteFilePath();
    {
        QMutexLocker lock(&g_openRunsMutex);
        if (g_openRuns.contains(statePath)) {
            Q_EMIT opened(false, QStringLiteral("this run (%1) is being executed by this process already; "
                                                "use its window")
                                     .arg(statePath));
            return;
        }
        g_openRuns.insert(statePath);
        m_openStatePath = statePath;
    }
    setLogFile(QFileInfo(statePath).absolutePath() + u'/' + QFileInfo(statePath).completeBaseName()
               + QStringLiteral(".log"));
    auto store = ControlStore::open(statePath);
    if (!store) {
        forgetOpenRun();
        Q_EMIT opened(false, store.error().message);
        return;
    }
    m_store = std::move(*store);
    auto claimed = m_store->claim(m_appName, 5.0);
    if (!claimed || !*claimed) {
        auto o = m_store->owner();
        // The row may not be written yet: the owner takes its lock a moment before.
        const QString who = o && o->pid != 0 ? QStringLiteral("%1 (pid %2 on %3)").arg(o->app).arg(o->pid).arg(o->host)
                                             : QStringLiteral("another process");
        m_store.reset();
        forgetOpenRun();
        Q_EMIT opened(false, QStringLiteral("this run (%1) is being executed by %2; steer it from there or "
                                            "with `upgradectl pause|resume --state %1`")
                                 .arg(statePath, who));
        return;
    }
    if (auto st = load(plan, true); !st) {
        warnIfFailed(m_store->release(), "releasing the run");
        m_store.reset();
        forgetOpenRun();
        Q_EMIT opened(false, st.error().message);
        return;
    }
    m_tickTimer->start();
    publish();
    Q_EMIT opened(true, {});
}

Status Scheduler::load(const Plan &plan, bool planIfEmpty)
{
    auto planned = setUpRun(plan, *m_store, planIfEmpty,
                            [this](const QString &level, const QString &message) { log({}, level, message); });
    if (!planned)
        return planned.error();
    m_plan = plan;
    m_runId = planned->runId;
    m_tables = std::move(planned->tables);
    m_targetTables = std::move(planned->targetTables);
    m_sourceViews = std::move(planned->views);
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
        g.pool = std::make_unique<QThreadPool>();
        g.pool->setMaxThreadCount(g.threads);
        g.pool->setObjectName(name);
    }

    {
        QMutexLocker lock(&m_viewMutex);
        m_views.resize(qsizetype(m_tasks.size()));
        m_publishedPlan = plan;
    }
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
        log(e.spec.name, QStringLiteral("warn"), e.status.message);
    }
}

void Scheduler::setState(Entry &e, TaskState to, const QString &eventMessage)
{
    const TaskState from = e.status.state;
    e.status.state = to;
    e.dirty = true;
    // Persisted before it is published: the window never shows a state the store lacks.
    warnIfFailed(m_store->saveStatus(e.spec.name, e.status, from, eventMessage), "saving a task state");
    if (from != to)
        logger("scheduler")->info("{}: {} -> {}{}{}", str(e.spec.name), str(toString(from)), str(toString(to)),
                                  eventMessage.isEmpty() ? "" : ": ", str(eventMessage));
}

void Scheduler::start()
{
    if (!m_store)
        return;
    if (!m_dispatching) {
        m_dispatching = true;
        m_finishedEmitted = false;
        m_runTime.start();
        log({}, QStringLiteral("info"), QStringLiteral("Run pressed"));
        // A removed worker outlives a reopen: say so, or a headless run just seems stuck.
        for (const auto &[name, g] : m_groups)
            if (g.removed)
                log({}, QStringLiteral("warn"), QStringLiteral("batch group %1 has no worker (removed by the administrator): its tasks "
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
    m_dispatching = false;
    m_stopping = true;
    for (auto &e : m_tasks) {
        if (e.status.state == TaskState::Ready && takeBack(e))
            setState(e, TaskState::Waiting, QStringLiteral("taken back from the queue by stop"));
        else if (e.control)
            e.control->requestStop(StopRequest::Interrupt);
    }
    log({}, QStringLiteral("info"), QStringLiteral("stop requested: executing tasks stop at their next safe point"));
    updateWaitReasons();
    publish();
    checkIdle();
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
        rooms.insert(name, GroupRoom{g.threads, g.active, g.removed});
    std::vector<const TaskSpec *> specs;
    for (int i : candidates)
        specs.push_back(&m_tasks[size_t(i)].spec);
    for (const TaskSpec *spec : tasksToLaunch(specs, rooms, preparing, kQueueAhead))
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

    TaskContext ctx;
    ctx.spec = e.spec;
    ctx.table = m_tables.value(e.spec.table);
    if (e.spec.kind == TaskKind::View)
        ctx.view = m_sourceViews.value(e.spec.object);
    ctx.targetTable = m_targetTables.value(e.spec.table).schema;
    ctx.typeWarnings = m_targetTables.value(e.spec.table).typeScan.warnings;
    if (e.spec.kind == TaskKind::Prepare) {
        ctx.scanColumns = m_targetTables.value(e.spec.table).scanColumns;
        ctx.nullKeys = m_targetTables.value(e.spec.table).nullKeys;
    }
    ctx.maxRejects = m_plan.optionsFor(e.spec.table).maxRejects;
    ctx.rejectsDir = m_plan.rejectsDirectory();
    ctx.source = m_plan.source;
    ctx.target = m_plan.target;
    ctx.runId = m_runId;
    ctx.batchSize = m_plan.optionsFor(e.spec.table).batchSize;
    ctx.ifTargetExists = m_plan.ifTargetExists;
    ctx.validation = m_plan.validation;
    ctx.indexBuilds = m_plan.indexBuilds;
    ctx.transfer = m_plan.copiesByTransfer(e.spec.table);
    ctx.scriptsDir = m_plan.scriptsDir;
    if (e.spec.kind == TaskKind::ForeignKey)
        for (const ForeignKeySchema &fk : ctx.table.foreignKeys)
            if (fk.name == e.spec.object) {
                const TargetTable parent = m_targetTables.value(fk.referencedTable);
                const TableSchema source = m_tables.value(fk.referencedTable);
                ctx.referencedKeyDropped = parent.typeScan.keyDropped
                                           && QSet<QString>(source.primaryKey.begin(), source.primaryKey.end())
                                                  == QSet<QString>(fk.referencedColumns.begin(), fk.referencedColumns.end());
            }
    if (ctx.transfer && e.spec.kind == TaskKind::Prepare) {
        for (const auto &index : ctx.table.indexes) {
            const int i = m_byName.value(indexTaskName(e.spec.table, index.name), -1);
            if (i >= 0 && !m_tasks[size_t(i)].status.skipped)
                ctx.indexesAtPrepare << index.name;
        }
    }
    ctx.control = control.get();
    const QString name = e.spec.name;
    ctx.log = [this, name](const QString &level, const QString &message) {
        QMetaObject::invokeMethod(this, [this, name, level, message] { onTaskLog(name, level, message); },
                                  Qt::QueuedConnection);
    };

    e.control = control;
    e.runnable = std::make_unique<TaskRunnable>(this, std::move(ctx), control);
    e.status.message.clear();
    setState(e, TaskState::Ready, QStringLiteral("dispatched to batch group %1").arg(e.spec.group));
    ++g.active;
    m_finishedEmitted = false;
    g.pool->start(e.runnable.get());
}

void Scheduler::onTaskLog(const QString &name, const QString &level, const QString &message)
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
    for (auto it = m_targetTables.cbegin(); it != m_targetTables.cend(); ++it)
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
    if (outcome.typeScan && m_targetTables.contains(e.spec.table)) {
        // Stored before the prepare is Ended: a run reopened after it never scans again.
        applyTypeScan(m_targetTables[e.spec.table], *outcome.typeScan);
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
    QString level = QStringLiteral("info");
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
        level = QStringLiteral("error");
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
        level = QStringLiteral("warn");
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
    log(e.spec.name, QStringLiteral("warn"), QStringLiteral("attempt %1 failed after %2 s: %3; retry in %4 s (attempt %5 of %6)")
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
    bool active = false, dispatchable = false;
    for (const auto &e : m_tasks) {
        if (e.status.state == TaskState::Ready || e.status.state == TaskState::Executing)
            active = true;
        else if (e.status.state == TaskState::Waiting && depsEnded(e))
            dispatchable = true;
    }
    if (m_stopping && !active) {
        m_stopping = false;
        saveProgressNow();
        log({}, QStringLiteral("info"), QStringLiteral("stopped; the run continues on the next Run"));
        Q_EMIT stopped();
    }
    if (m_dispatching && !active && !dispatchable && !m_finishedEmitted) {
        m_finishedEmitted = true;
        {
            QMutexLocker lock(&m_viewMutex);
            m_summary.finished = true;
        }
        log({}, QStringLiteral("info"), QStringLiteral("nothing left to run"));
        Q_EMIT finished();
    }
}

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
        log(e.spec.name, ok ? QStringLiteral("info") : QStringLiteral("warn"),
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
        log(e.spec.name, ok ? QStringLiteral("info") : QStringLiteral("warn"),
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
    log({}, QStringLiteral("info"), QStringLiteral("pause all: %1 paused, %2 already taken by a worker")
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
    log({}, QStringLiteral("info"), QStringLiteral("resume all: %1 resumed").arg(resumed));
    Q_EMIT actionDone(QStringLiteral("*"), TaskAction::Resume, true, QStringLiteral("%1 resumed").arg(resumed));
    dispatch();
    updateWaitReasons();
    publish();
    checkIdle();
}

Scheduler::Group *Scheduler::groupFor(const QString &name, QString *error)
{
    auto it = m_groups.find(name);
    if (it != m_groups.end())
        return &it->second;
    QStringList names;
    for (const auto &[n, g] : m_groups)
        names << n;
    *error = QStringLiteral("no batch group \"%1\" in this run (its groups: %2)").arg(name, names.join(QStringLiteral(", ")));
    return nullptr;
}

Status Scheduler::loadGroupSettings()
{
    auto text = m_store->meta(QStringLiteral("batch_groups"));
    if (!text)
        return text.error();
    // {"group": {"threads": n, "removed": bool}}; a group the plan no longer has is ignored.
    const QJsonObject stored = QJsonDocument::fromJson(text->toUtf8()).object();
    for (auto it = stored.begin(); it != stored.end(); ++it) {
        auto g = m_groups.find(it.key());
        if (g == m_groups.end())
            continue;
        const QJsonObject o = it.value().toObject();
        g->second.threads = std::clamp(o.value(QStringLiteral("threads")).toInt(g->second.threads), 1, kMaxGroupThreads);
        g->second.removed = o.value(QStringLiteral("removed")).toBool();
    }
    return {};
}

void Scheduler::saveGroupSettings()
{
    QJsonObject groups;
    for (const auto &[name, g] : m_groups)
        groups.insert(name, QJsonObject{{QStringLiteral("threads"), g.threads}, {QStringLiteral("removed"), g.removed}});
    warnIfFailed(m_store->setMeta(QStringLiteral("batch_groups"), QString::fromUtf8(QJsonDocument(groups).toJson(QJsonDocument::Compact))),
                 "saving the batch groups");
}

void Scheduler::groupActionApplied(const QString &group, const QString &message)
{
    saveGroupSettings();
    warnIfFailed(m_store->recordEvent(QStringLiteral("batch group %1").arg(group), message), "recording an event");
    log({}, QStringLiteral("info"), message);
    dispatch();
    updateWaitReasons();
    publish();
    checkIdle();
    Q_EMIT groupActionDone(group, true, message); // after publish: the snapshot shows it
}

void Scheduler::setGroupThreads(const QString &group, int threads)
{
    if (!m_store)
        return;
    QString error;
    Group *g = groupFor(group, &error);
    if (g && (threads < 1 || threads > kMaxGroupThreads))
        error = QStringLiteral("threads of batch group %1 must be between 1 and %2, not %3").arg(group).arg(kMaxGroupThreads).arg(threads);
    if (!error.isEmpty()) {
        log({}, QStringLiteral("warn"), error);
        Q_EMIT groupActionDone(group, false, error);
        return;
    }
    const int before = g->threads;
    if (before == threads) { // nothing to change, nothing to record
        Q_EMIT groupActionDone(group, true, QStringLiteral("batch group %1 has %2 thread(s) already").arg(group).arg(threads));
        return;
    }
    g->threads = threads;
    // Raising starts queued tasks now; lowering lets the executing ones end and starts no
    // more until the group is below its new limit.
    g->pool->setMaxThreadCount(threads);
    groupActionApplied(group, QStringLiteral("threads of batch group %1 set from %2 to %3 by administrator")
                                  .arg(group).arg(before).arg(threads));
}

void Scheduler::setGroupWorkerRemoved(const QString &group, bool removed)
{
    if (!m_store)
        return;
    QString error;
    Group *g = groupFor(group, &error);
    if (!g) {
        log({}, QStringLiteral("warn"), error);
        Q_EMIT groupActionDone(group, false, error);
        return;
    }
    if (g->removed == removed) { // nothing to change, nothing to record
        Q_EMIT groupActionDone(group, true, removed ? QStringLiteral("batch group %1 has no worker already").arg(group)
                                                    : QStringLiteral("batch group %1 has its worker already").arg(group));
        return;
    }
    g->removed = removed;
    int takenBack = 0, executing = 0;
    for (auto &e : m_tasks) {
        if (e.spec.group != group)
            continue;
        if (removed && e.status.state == TaskState::Ready && takeBack(e)) {
            e.status.message = QStringLiteral("taken back from the queue: worker removed from batch group %1 by administrator").arg(group);
            setState(e, TaskState::Waiting, e.status.message);
            ++takenBack;
        } else if (e.status.state == TaskState::Ready || e.status.state == TaskState::Executing) {
            ++executing; // a Ready task a thread already took runs to its end as well
        }
    }
    groupActionApplied(group, removed ? QStringLiteral("worker removed from batch group %1 by administrator: "
                                                      "%2 queued task(s) taken back, %3 executing finish")
                                            .arg(group).arg(takenBack).arg(executing)
                                      : QStringLiteral("worker added back to batch group %1 by administrator").arg(group));
}

void Scheduler::saveProgressNow()
{
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
        warnIfFailed(m_store->heartbeat(), "heartbeat");
    }
    pollCommands();
    publish();
}

namespace {
QString quietFor(qint64 ms)
{
    const qint64 s = ms / 1000;
    return s < 120 ? QStringLiteral("%1 s").arg(s) : QStringLiteral("%1 min").arg(s / 60);
}
} // namespace

void Scheduler::watchStalls(qint64 nowMs)
{
    const qint64 limitMs = qint64(m_plan.stallSeconds * 1000);
    for (auto &e : m_tasks) {
        if (e.status.state != TaskState::Executing || !e.control)
            continue;
        // Rows for copies and validations, statements for scripts, bytes where a task counts them.
        const qint64 marker = e.control->rowsDone + e.control->bytesDone;
        if (marker != e.progressMarker) {
            e.progressMarker = marker;
            e.progressAtMs = nowMs;
            if (e.stalled) {
                e.stalled = false;
                e.diagnosis.clear();
                e.status.message.clear();
                e.dirty = true;
                log(e.spec.name, QStringLiteral("info"), QStringLiteral("moving again"));
            }
            continue;
        }
        if (limitMs <= 0 || nowMs - e.progressAtMs < limitMs)
            continue;
        if (!e.stalled) {
            e.stalled = true;
            log(e.spec.name, QStringLiteral("warn"), QStringLiteral("no progress for %1; asking the server why").arg(quietFor(nowMs - e.progressAtMs)));
        }
        if (!e.diagnosing && (e.diagnosedAtMs < 0 || nowMs - e.diagnosedAtMs >= std::min<qint64>(limitMs, 30000)))
            diagnoseStall(e);
        QString message = QStringLiteral("no progress for %1").arg(quietFor(nowMs - e.progressAtMs));
        if (!e.diagnosis.isEmpty())
            message += QStringLiteral("; ") + e.diagnosis;
        if (message != e.status.message) {
            e.status.message = message;
            e.dirty = true;
        }
    }
}

void Scheduler::diagnoseStall(Entry &e)
{
    e.diagnosing = true;
    struct Side {
        ConnectionUrl url;
        qint64 session;
        QString label;
    };
    // The target first (where locks usually hold a copy or a build up), then the source.
    QVector<Side> sides;
    if (e.control->targetSession != 0 || m_plan.target.isFile())
        sides.push_back({m_plan.target, e.control->targetSession, QString()});
    if (e.control->sourceSession != 0)
        sides.push_back({m_plan.source, e.control->sourceSession, QStringLiteral("source: ")});
    const QString name = e.spec.name;
    const int attempt = e.status.attempts;
    m_watchPool.start([this, sides, name, attempt] {
        QStringList said;
        for (const Side &side : sides) {
            auto c = DbConnection::open(side.url, DbConnection::Mode::ReadOnly);
            if (!c) {
                said << side.label + QStringLiteral("the server cannot be asked: ") + c.error().message;
                continue;
            }
            auto d = Engine::create(side.url.engine)->describeSession(**c, side.session);
            if (!d)
                said << side.label + QStringLiteral("the server cannot be asked: ") + d.error().message;
            else if (!d->isEmpty())
                said << side.label + *d;
        }
        const QString text = said.join(QStringLiteral("; "));
        QMetaObject::invokeMethod(this, [this, name, attempt, text] { onStallDiagnosed(name, attempt, text); },
                                  Qt::QueuedConnection);
    });
}

void Scheduler::onStallDiagnosed(const QString &name, int attempt, const QString &diagnosis)
{
    const int i = m_byName.value(name, -1);
    if (i < 0)
        return;
    Entry &e = m_tasks[size_t(i)];
    e.diagnosing = false;
    if (e.status.state != TaskState::Executing || e.status.attempts != attempt || !e.stalled)
        return; // it moved, ended or started again meanwhile
    e.diagnosedAtMs = m_clock.elapsed();
    if (diagnosis != e.diagnosis && !diagnosis.isEmpty())
        log(name, QStringLiteral("warn"), QStringLiteral("no progress for %1; %2").arg(quietFor(e.diagnosedAtMs - e.progressAtMs), diagnosis));
    e.diagnosis = diagnosis;
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
                setGroupWorkerRemoved(c.task, *c.groupAction == GroupAction::RemoveWorker);
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
            if (reason.isEmpty() && retryPending(e))
                reason = QStringLiteral("retrying: ") + e.retryReason;
            else if (reason.isEmpty() && m_dispatching && m_holdUntilMs > m_clock.elapsed())
                reason = m_holdReason;
            else if (reason.isEmpty())
                reason = m_dispatching ? QStringLiteral("no free thread in group %1").arg(e.spec.group)
                                       : QStringLiteral("waiting for Run");
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
        groups.push_back({name, g.threads, g.removed, {}, 0, 0});
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
}

RunSnapshot Scheduler::snapshot(quint64 sinceVersion) const
{
    QMutexLocker lock(&m_viewMutex);
    RunSnapshot s;
    s.summary = m_summary;
    s.groups = m_groupViews;
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
    m_dispatching = false;
    for (auto &e : m_tasks) {
        if (e.status.state == TaskState::Ready && takeBack(e))
            setState(e, TaskState::Waiting, QStringLiteral("taken back from the queue at shutdown"));
        else if (e.control)
            e.control->requestStop(StopRequest::Interrupt);
    }
    for (auto &[name, g] : m_groups)
        g.pool->waitForDone();
    // The workers' last reports are queued to this thread: handle them so their outcomes
    // (checkpoints, states) are stored before the store closes.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    saveProgressNow();
    warnIfFailed(m_store->release(), "releasing the run");
    m_store.reset();
    m_groups.clear();
    forgetOpenRun();
}

} // namespace cockpit
