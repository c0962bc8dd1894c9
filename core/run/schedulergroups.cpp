#include "run/scheduler.h"
#include "log/logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cockpit {

// Batch groups: their threads and removed workers, as the administrator sets them during the
// run, kept in the control store so a reopened run has them.

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
    m_groupSettingsSeen.clear();
    applyGroupSettings(*text, false);
    return {};
}

void Scheduler::applyGroupSettings(const QString &json, bool followOnly)
{
    if (json == m_groupSettingsSeen)
        return;
    m_groupSettingsSeen = json;
    // A group the plan no longer has is ignored.
    const QJsonObject stored = QJsonDocument::fromJson(json.toUtf8()).object();
    const QString self = m_sharing ? m_sharing->worker : QString();
    for (auto it = stored.begin(); it != stored.end(); ++it) {
        auto found = m_groups.find(it.key());
        if (found == m_groups.end())
            continue;
        Group &g = found->second;
        const QJsonObject o = it.value().toObject();
        if (!followOnly)
            g.threads = std::clamp(o.value(QStringLiteral("threads")).toInt(g.threads), 1, kMaxGroupThreads);
        const bool wasExcluded = g.removed || g.removedHere;
        g.removed = o.value(QStringLiteral("removed")).toBool();
        g.removedWorkers.clear();
        for (const QJsonValue &w : o.value(QStringLiteral("removedWorkers")).toArray())
            g.removedWorkers << w.toString();
        g.removedHere = !self.isEmpty() && g.removedWorkers.contains(self);
        if (!followOnly || wasExcluded == (g.removed || g.removedHere))
            continue;
        if (wasExcluded) {
            log({}, LogLevel::Info, QStringLiteral("worker %1 claims tasks of batch group %2 again (the administrator added it back)")
                                        .arg(self, it.key()));
            continue;
        }
        const int takenBack = takeBackQueued(it.key(), QStringLiteral("taken back from the queue: worker %1 removed from batch "
                                                                      "group %2 by administrator")
                                                           .arg(self, it.key()));
        log({}, LogLevel::Info, QStringLiteral("worker %1 removed from batch group %2 by administrator: it claims no more of "
                                               "its tasks; %3 queued task(s) taken back, executing ones finish")
                                    .arg(self, it.key())
                                    .arg(takenBack));
    }
}

int Scheduler::takeBackQueued(const QString &group, const QString &why)
{
    int takenBack = 0;
    for (auto &e : m_tasks)
        if (e.spec.group == group && e.status.state == TaskState::Ready && takeBack(e)) {
            e.status.message = why;
            setState(e, TaskState::Waiting, why);
            ++takenBack;
        }
    return takenBack;
}

void Scheduler::saveGroupSettings()
{
    QJsonObject groups;
    for (const auto &[name, g] : m_groups) {
        QJsonObject o{{QStringLiteral("threads"), g.threads}, {QStringLiteral("removed"), g.removed}};
        if (!g.removedWorkers.isEmpty())
            o.insert(QStringLiteral("removedWorkers"), QJsonArray::fromStringList(g.removedWorkers));
        groups.insert(name, o);
    }
    m_groupSettingsSeen = QString::fromUtf8(QJsonDocument(groups).toJson(QJsonDocument::Compact));
    warnIfFailed(m_store->setMeta(QStringLiteral("batch_groups"), m_groupSettingsSeen), "saving the batch groups");
}

void Scheduler::groupActionApplied(const QString &group, const QString &message)
{
    saveGroupSettings();
    warnIfFailed(m_store->recordEvent(QStringLiteral("batch group %1").arg(group), message), "recording an event");
    log({}, LogLevel::Info, message);
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
        log({}, LogLevel::Warn, error);
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

void Scheduler::setGroupWorkerRemoved(const QString &group, bool removed, const QString &worker)
{
    if (!m_store)
        return;
    QString error;
    Group *g = groupFor(group, &error);
    if (g && !worker.isEmpty())
        error = workerNamedError(worker);
    if (!error.isEmpty()) {
        log({}, LogLevel::Warn, error);
        Q_EMIT groupActionDone(group, false, error);
        return;
    }
    if (!worker.isEmpty()) {
        if (g->removedWorkers.contains(worker) == removed) {
            Q_EMIT groupActionDone(group, true, removed ? QStringLiteral("worker %1 is removed from batch group %2 already").arg(worker, group)
                                                        : QStringLiteral("worker %1 is in batch group %2 already").arg(worker, group));
            return;
        }
        if (removed)
            g->removedWorkers << worker;
        else
            g->removedWorkers.removeAll(worker);
        int takenBack = 0;
        if (worker == m_sharing->worker) {
            g->removedHere = removed;
            if (removed)
                takenBack = takeBackQueued(group, QStringLiteral("taken back from the queue: worker %1 removed from batch group "
                                                                 "%2 by administrator")
                                                      .arg(worker, group));
        }
        // The worker itself takes back what it queued when it reads the stored settings.
        groupActionApplied(group, removed ? QStringLiteral("worker %1 removed from batch group %2 by administrator: it claims no "
                                                           "more of its tasks, its executing ones finish%3")
                                                .arg(worker, group,
                                                     takenBack ? QStringLiteral(" (%1 queued task(s) taken back)").arg(takenBack)
                                                               : QString())
                                          : QStringLiteral("worker %1 added back to batch group %2 by administrator").arg(worker, group));
        return;
    }
    if (g->removed == removed) { // nothing to change, nothing to record
        Q_EMIT groupActionDone(group, true, removed ? QStringLiteral("batch group %1 has no worker already").arg(group)
                                                    : QStringLiteral("batch group %1 has its worker already").arg(group));
        return;
    }
    g->removed = removed;
    const int takenBack = removed ? takeBackQueued(group, QStringLiteral("taken back from the queue: worker removed from batch "
                                                                         "group %1 by administrator")
                                                              .arg(group))
                                  : 0;
    int executing = 0; // a Ready task a thread already took runs to its end as well
    for (const auto &e : m_tasks)
        if (e.spec.group == group && (e.status.state == TaskState::Ready || e.status.state == TaskState::Executing))
            ++executing;
    groupActionApplied(group, removed ? QStringLiteral("worker removed from batch group %1 by administrator: "
                                                      "%2 queued task(s) taken back, %3 executing finish")
                                            .arg(group).arg(takenBack).arg(executing)
                                      : QStringLiteral("worker added back to batch group %1 by administrator").arg(group));
}

QString Scheduler::workerNamedError(const QString &worker) const
{
    if (!shared())
        return QStringLiteral("worker %1: this run is not shared (its state is not on PostgreSQL); say no worker to remove "
                              "or add the group's own")
            .arg(worker);
    QStringList known;
    if (auto workers = m_store->workers()) // as the store has them now, not at the last heartbeat
        for (const WorkerInfo &w : *workers)
            known << w.name;
    if (!known.contains(m_sharing->worker) && std::any_of(m_groups.begin(), m_groups.end(), [](const auto &g) {
            return g.second.served;
        }))
        known << m_sharing->worker;
    if (known.contains(worker))
        return {};
    return QStringLiteral("no worker %1 in this run (its workers: %2)").arg(worker, known.join(QStringLiteral(", ")));
}

} // namespace cockpit
