#include "run/dispatchpolicy.h"

namespace cockpit {

bool startsBefore(const TaskSpec &x, const TaskSpec &y)
{
    if (x.priority != y.priority)
        return x.priority > y.priority;
    if (x.estimatedRows != y.estimatedRows)
        return x.estimatedRows > y.estimatedRows;
    return x.kind == TaskKind::Validate && y.kind != TaskKind::Validate;
}

std::vector<const TaskSpec *> tasksToLaunch(const std::vector<const TaskSpec *> &candidates, QHash<QString, GroupRoom> &rooms,
                                            const QHash<QString, qint64> &preparing, int queueAhead)
{
    std::vector<const TaskSpec *> launch;
    for (const TaskSpec *spec : candidates) {
        GroupRoom &g = rooms[spec->group];
        if (g.removed || g.active >= g.threads + queueAhead)
            continue;
        if (g.active >= g.threads && spec->kind == TaskKind::Copy && spec->estimatedRows < preparing.value(spec->group))
            continue;
        ++g.active;
        launch.push_back(spec);
    }
    return launch;
}

namespace {

bool isRootCause(const QString &reason)
{
    return reason.startsWith(QLatin1String("blocked by")) || reason.startsWith(QLatin1String("waiting for paused"));
}

} // namespace

QString dependencyWaitReason(const std::vector<DependencyView> &deps, const QString &group, bool groupRemoved)
{
    QString blocked, paused, pending;
    for (const DependencyView &dep : deps) {
        switch (dep.state) {
        case TaskState::Ended: break;
        case TaskState::Error: blocked = QStringLiteral("blocked by failed task %1").arg(dep.name); break;
        case TaskState::Canceled: blocked = QStringLiteral("blocked by canceled task %1").arg(dep.name); break;
        case TaskState::Paused: paused = QStringLiteral("waiting for paused task %1").arg(dep.name); break;
        case TaskState::Waiting:
            if (dep.waitReason.startsWith(QLatin1String("blocked by")))
                blocked = dep.waitReason;
            else if (isRootCause(dep.waitReason))
                paused = dep.waitReason;
            else if (pending.isEmpty())
                pending = QStringLiteral("waiting for %1").arg(dep.name);
            break;
        case TaskState::Ready:
        case TaskState::Executing:
            if (pending.isEmpty())
                pending = QStringLiteral("waiting for %1").arg(dep.name);
            break;
        }
        if (!blocked.isEmpty())
            break;
    }
    // A removed worker holds the task whatever else it waits for, unless a failure upstream
    // means it could not run anyway.
    if (blocked.isEmpty() && groupRemoved)
        blocked = QStringLiteral("batch group %1 has no worker (removed by the administrator)").arg(group);
    return !blocked.isEmpty() ? blocked : !paused.isEmpty() ? paused : pending;
}

} // namespace cockpit
