#include "tasks/taskstate.h"

namespace cockpit {

QString toString(TaskState state)
{
    switch (state) {
    case TaskState::Waiting: return QStringLiteral("Waiting");
    case TaskState::Ready: return QStringLiteral("Ready");
    case TaskState::Executing: return QStringLiteral("Executing");
    case TaskState::Ended: return QStringLiteral("Ended");
    case TaskState::Error: return QStringLiteral("Error");
    case TaskState::Paused: return QStringLiteral("Paused");
    case TaskState::Canceled: return QStringLiteral("Canceled");
    }
    return {};
}

std::optional<TaskState> taskStateFromString(const QString &text)
{
    for (int i = 0; i < TaskStateCount; ++i) {
        const auto s = static_cast<TaskState>(i);
        if (toString(s).compare(text, Qt::CaseInsensitive) == 0)
            return s;
    }
    return std::nullopt;
}

QString toString(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Prepare: return QStringLiteral("prepare");
    case TaskKind::Copy: return QStringLiteral("copy");
    case TaskKind::Index: return QStringLiteral("index");
    case TaskKind::Validate: return QStringLiteral("validate");
    case TaskKind::Finalize: return QStringLiteral("finalize");
    case TaskKind::ForeignKey: return QStringLiteral("fk");
    case TaskKind::Check: return QStringLiteral("check");
    case TaskKind::Identity: return QStringLiteral("identity");
    case TaskKind::View: return QStringLiteral("view");
    case TaskKind::Script: return QStringLiteral("script");
    case TaskKind::PrimaryKey: return QStringLiteral("pk");
    }
    return {};
}

std::optional<TaskKind> taskKindFromString(const QString &text)
{
    for (auto k : {TaskKind::Prepare, TaskKind::Copy, TaskKind::Index, TaskKind::Validate,
                   TaskKind::Finalize, TaskKind::ForeignKey, TaskKind::Check, TaskKind::Identity,
                   TaskKind::View, TaskKind::Script, TaskKind::PrimaryKey}) {
        if (toString(k) == text)
            return k;
    }
    return std::nullopt;
}

QString phaseName(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Prepare: return QStringLiteral("Prepare target");
    case TaskKind::Copy: return QStringLiteral("Bulk copy");
    case TaskKind::Index:
    case TaskKind::PrimaryKey: return QStringLiteral("Indexes");
    case TaskKind::Validate: return QStringLiteral("Validate");
    case TaskKind::Finalize: return QStringLiteral("Finalize");
    case TaskKind::ForeignKey:
    case TaskKind::Check:
    case TaskKind::Identity:
    case TaskKind::View: return QStringLiteral("Constraints");
    case TaskKind::Script: return QStringLiteral("Post-sync scripts");
    }
    return {};
}

} // namespace cockpit
