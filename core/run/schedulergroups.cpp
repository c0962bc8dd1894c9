#include "run/scheduler.h"
#include "log/logging.h"

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

void Scheduler::setGroupWorkerRemoved(const QString &group, bool removed)
{
    if (!m_store)
        return;
    QString error;
    Group *g = groupFor(group, &error);
    if (!g) {
        log({}, LogLevel::Warn, error);
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

} // namespace cockpit
