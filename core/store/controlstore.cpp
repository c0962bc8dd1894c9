#include "store/controlstore.h"
#include "store/postgrescontrolstore.h"
#include "store/sqlitecontrolstore.h"
#include "store/statelocation.h"

#include <QDir>

namespace cockpit {

QString toString(GroupAction action)
{
    switch (action) {
    case GroupAction::RemoveWorker: return QStringLiteral("remove worker");
    case GroupAction::AddWorker: return QStringLiteral("add worker");
    case GroupAction::SetThreads: return QStringLiteral("set threads");
    }
    return {};
}

static const QString kNoRunState = QStringLiteral("no run state at ");

TaskError missingRunError(const QString &path)
{
    return makeError(kNoRunState + path);
}

bool isMissingRun(const TaskError &error)
{
    return error.message.startsWith(kNoRunState);
}

Result<std::unique_ptr<ControlStore>> ControlStore::open(const QString &location, IfMissing ifMissing)
{
    if (statelocation::isUrl(location)) {
        auto url = statelocation::serverUrl(location);
        if (!url)
            return makeError(QStringLiteral("control store: %1").arg(url.error().message));
        return PostgresControlStore::open(*url, ifMissing);
    }
    auto path = statelocation::normalized(location, QDir::currentPath());
    if (!path)
        return path.error();
    return SqliteControlStore::open(*path, ifMissing);
}

} // namespace cockpit
