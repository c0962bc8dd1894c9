#include "run/scheduler.h"
#include "log/logging.h"
#include "store/statelocation.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>

namespace cockpit {

// A shared run: several schedulers on one run, through its store (scheduler.h). Each holds the
// tasks it claimed under a lease and is their truth; the store is the truth of every other
// task, re-read each second. Nothing here is timed by this host's clock: leases are by the
// store server's (controlstore.h), so hosts whose clocks disagree still agree on who holds what.

void Scheduler::share(const RunSharing &sharing)
{
    m_sharing = sharing;
}

void Scheduler::persistShared(Entry &e, TaskState from, const QString &eventMessage)
{
    if (e.unsavedFrom) // the store still has the state before the change it missed
        from = *e.unsavedFrom;
    const TaskState to = e.status.state;
    const bool held = e.leaseEpoch > 0;
    const bool release = to != TaskState::Ready && to != TaskState::Executing;
    const TaskLease lease{e.spec.name, m_sharing->worker, e.leaseEpoch};
    // A retry's delay holds every worker back, not only this one.
    const double notBefore = to == TaskState::Waiting && e.retryAtMs > m_clock.elapsed()
                                 ? double(e.retryAtMs - m_clock.elapsed()) / 1000.0
                                 : 0.0;
    auto saved = m_store->saveStatusIf(e.spec.name, e.status, from, eventMessage, held ? &lease : nullptr, release,
                                       notBefore);
    if (!saved) {
        warnIfFailed(saved.error(), "saving a task state");
        e.unsavedFrom = from;
        e.unsavedEvent = eventMessage;
        return;
    }
    e.unsavedFrom.reset();
    if (*saved) {
        if (release) {
            e.leaseEpoch = 0;
            e.status.worker.clear();
        }
        return;
    }
    if (held) {
        loseLease(e, QStringLiteral("the store no longer gives it to this worker"));
        return;
    }
    // Another process changed it first (a worker claimed it, the coordinator paused it): the
    // next read of the store shows what it is.
    log(e.spec.name, LogLevel::Warn, QStringLiteral("%1 -> %2 not saved: another process changed the task meanwhile")
                                         .arg(toString(from), toString(to)));
    m_refreshedAtMs = -1; // read again at the next dispatch, or now where the store is listened to
    if (m_listening)
        readStoreSoon(ControlStore::Tasks);
}

void Scheduler::loseLease(Entry &e, const QString &why)
{
    e.leaseEpoch = 0;
    e.status.worker.clear();
    if (!e.runnable)
        return;
    if (e.status.state == TaskState::Ready && takeBack(e)) {
        log(e.spec.name, LogLevel::Warn, QStringLiteral("lease lost before it started (%1): taken back from the queue").arg(why));
        return;
    }
    e.leaseLost = true;
    if (e.control)
        e.control->requestStop(StopRequest::Interrupt);
    log(e.spec.name, LogLevel::Warn, QStringLiteral("lease lost (%1): this worker stops it at its next safe point; the "
                                                    "target's fence refuses any batch it would still commit")
                                         .arg(why));
}

void Scheduler::claimAndLaunch(const std::vector<const TaskSpec *> &chosen)
{
    QStringList names;
    for (const TaskSpec *spec : chosen)
        names << spec->name;
    while (!names.isEmpty()) {
        auto lease = m_store->claimTask(names, m_sharing->worker, m_sharing->leaseSeconds);
        if (!lease) {
            warnIfFailed(lease.error(), "claiming a task");
            return;
        }
        if (!*lease)
            return; // the other workers took them
        names.removeOne((*lease)->task);
        const int i = m_byName.value((*lease)->task, -1);
        if (i < 0)
            continue;
        Entry &e = m_tasks[size_t(i)];
        e.status.state = TaskState::Ready;
        e.status.worker = m_sharing->worker;
        e.leaseEpoch = (*lease)->epoch;
        e.stopApplied.reset();
        launch(e);
    }
}

void Scheduler::refreshFromStore()
{
    m_refreshedAtMs = m_clock.elapsed();
    auto rows = m_store->loadTasks();
    if (!rows) {
        warnIfFailed(rows.error(), "reading the run's tasks");
        return;
    }
    const double now = m_clock.elapsed() / 1000.0;
    bool prepareEnded = false;
    for (const auto &[spec, status] : *rows) {
        const int i = m_byName.value(spec.name, -1);
        if (i < 0)
            continue;
        Entry &e = m_tasks[size_t(i)];
        if (e.runnable || e.leaseEpoch > 0)
            continue; // this process's: it is their truth
        if (e.spec.priority != spec.priority) {
            e.spec.priority = spec.priority;
            e.dirty = true;
        }
        const TaskStatus &was = e.status;
        if (status.state != was.state) {
            prepareEnded = prepareEnded || (spec.kind == TaskKind::Prepare && status.state == TaskState::Ended);
            e.rate.reset();
        }
        if (status.state != was.state || status.rowsDone != was.rowsDone || status.rowsTotal != was.rowsTotal
            || status.attempts != was.attempts || status.message != was.message || status.worker != was.worker
            || status.skipped != was.skipped || status.seconds != was.seconds) {
            e.status = status;
            e.dirty = true;
        }
        if (e.status.state == TaskState::Executing)
            e.rate.sample(now, e.status.rowsDone); // its rows/s, from the progress its worker writes
    }
    if (!prepareEnded)
        return;
    // Another worker's prepare decided its table's types: the copies here must write them.
    auto scans = m_store->meta(QStringLiteral("type_scan"));
    if (!scans) {
        warnIfFailed(scans.error(), "reading the value scans");
        return;
    }
    const QJsonObject decided = QJsonDocument::fromJson(scans->toUtf8()).object();
    for (auto it = m_run.targetTables.begin(); it != m_run.targetTables.end(); ++it)
        if (!it->scanColumns.isEmpty() && decided.contains(it.key()))
            applyTypeScan(*it, TypeScan::fromJson(decided.value(it.key()).toObject()));
}

void Scheduler::followCoordinator()
{
    if (coordinates())
        return;
    // A worker dispatches while its coordinator runs the run; a Stop there stops it too (its
    // tasks stop at their next safe point, as the coordinator's own), until the next Run.
    auto started = m_store->meta(QString::fromLatin1(kSharedRunStarted));
    const bool running = started && *started == QLatin1String("1");
    if (m_workWanted && running && !m_dispatching) {
        m_dispatching = true;
        m_finishedEmitted = false;
        m_runTime.start();
        log({}, LogLevel::Info, QStringLiteral("worker %1 works in the run").arg(m_sharing->worker));
    } else if (m_dispatching && started && !running) {
        m_elapsedBefore += m_runTime.elapsed() / 1000.0;
        m_dispatching = false;
        withdrawAll(QStringLiteral("taken back from the queue: the coordinator stopped the run"));
        log({}, LogLevel::Info, QStringLiteral("the coordinator stopped the run: worker %1 waits for the next Run")
                                    .arg(m_sharing->worker));
    }
    // The administrator's removals, as the coordinator stored them.
    if (auto groups = m_store->meta(QStringLiteral("batch_groups")))
        applyGroupSettings(*groups, true);
    else
        warnIfFailed(groups.error(), "reading the batch groups");
}

void Scheduler::readStoreSoon(int changes)
{
    m_storeChanges |= changes;
    if (!m_storeChanged->isActive())
        m_storeChanged->start();
}

void Scheduler::reactToStore()
{
    if (!m_store || !shared())
        return;
    // Only what the others changed: each read here runs in every process at every change.
    const int changes = std::exchange(m_storeChanges, 0);
    if (changes & ControlStore::Meta)
        followCoordinator();
    if (changes & ControlStore::Tasks)
        refreshFromStore();
    if (coordinates() && (changes & ControlStore::Commands))
        pollCommands();
    dispatch();
    updateWaitReasons();
    publish();
    checkIdle();
}

void Scheduler::shareTick()
{
    // Told of every change, a worker reads what the others did only as a safety net; a
    // coordinator reads each second still, for the others' progress (no notification for it).
    // A worker that waits for its coordinator's Run reads each second too: a Run pressed
    // before it listened sent it no notification (this cost a worker 4 s at its start).
    const bool poll = !m_listening || coordinates() || !m_dispatching || ++m_shareTicks % 5 == 0;
    if (poll)
        followCoordinator();
    // What the store missed while its server was away, before the heartbeat renews the leases.
    for (Entry &e : m_tasks)
        if (e.unsavedFrom) {
            persistShared(e, *e.unsavedFrom, e.unsavedEvent);
            if (!e.unsavedFrom)
                log(e.spec.name, LogLevel::Info, QStringLiteral("%1 saved, once the control store was back").arg(toString(e.status.state)));
        }
    // The heartbeat: this worker's row, its leases and the progress of what it holds.
    WorkerInfo self;
    self.name = m_sharing->worker;
    self.host = QSysInfo::machineHostName();
    self.pid = QCoreApplication::applicationPid();
    for (const auto &[name, g] : m_groups)
        if (g.claims() && !g.removed) {
            self.groups << name;
            self.threads = std::max(self.threads, g.threads);
        }
    QVector<std::pair<TaskLease, TaskStatus>> progress;
    for (const Entry &e : m_tasks)
        if (e.leaseEpoch > 0) {
            self.executing << e.spec.name;
            if (e.status.state == TaskState::Executing)
                progress.push_back({{e.spec.name, self.name, e.leaseEpoch}, e.status});
        }
    // A coordinator that executes nothing is no worker: it only watches.
    if (!self.groups.isEmpty() || !self.executing.isEmpty()) {
        auto held = m_store->renewLeases(self, m_sharing->leaseSeconds, progress);
        if (!held) {
            log({}, LogLevel::Warn, QStringLiteral("heartbeat failed: %1; this worker's leases run out in %2 s unless it "
                                                   "gets through")
                                        .arg(held.error().message)
                                        .arg(m_sharing->leaseSeconds, 0, 'f', 0));
        } else {
            QHash<QString, const HeldTask *> byName;
            for (const HeldTask &h : *held)
                byName.insert(h.task, &h);
            for (Entry &e : m_tasks) {
                if (e.leaseEpoch == 0)
                    continue;
                const HeldTask *h = byName.value(e.spec.name);
                if (!h || h->epoch != e.leaseEpoch) {
                    loseLease(e, QStringLiteral("it expired and was handed to another worker"));
                    continue;
                }
                if (h->stopRequest && h->stopRequest != e.stopApplied) {
                    e.stopApplied = h->stopRequest;
                    QString reason;
                    const bool ok = applyAction(e, *h->stopRequest, &reason);
                    log(e.spec.name, ok ? LogLevel::Info : LogLevel::Warn,
                        QStringLiteral("%1 %2 (asked through the run's coordinator)%3")
                            .arg(toString(*h->stopRequest), ok ? QStringLiteral("done") : QStringLiteral("refused"),
                                 reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
                }
            }
        }
    }
    // Any process hands back the tasks of a worker that stopped beating.
    auto expired = m_store->expireLeases();
    if (!expired)
        warnIfFailed(expired.error(), "handing back expired leases");
    else
        for (const ExpiredLease &x : *expired)
            log(x.task, LogLevel::Warn,
                x.worker.isEmpty() ? QStringLiteral("interrupted: the process ended; handed back to the workers")
                                   : QStringLiteral("handed back: worker %1 lost its lease").arg(x.worker));
    if (auto workers = m_store->workers())
        m_sharedWorkers = *workers;
    if (poll)
        refreshFromStore();
    dispatch();
    updateWaitReasons();
    checkIdle();
}

QString Scheduler::sharedWaitReason(const QString &group) const
{
    const auto it = m_groups.find(group);
    if (it == m_groups.end() || it->second.claims())
        return {};
    QStringList serving;
    for (const WorkerInfo &w : m_sharedWorkers)
        if (w.name != m_sharing->worker && w.groups.contains(group) && w.heartbeatAge < m_sharing->leaseSeconds)
            serving << w.name;
    if (!coordinates() && !m_dispatching)
        return {};
    if (serving.isEmpty())
        return QStringLiteral("no worker serves batch group %1 (start one: upgradectl worker --state %2)")
            .arg(group, statelocation::display(m_plan.statePath));
    return QStringLiteral("for a free thread of worker %1 (batch group %2)").arg(serving.join(QStringLiteral(", ")), group);
}

} // namespace cockpit
