#include "engine/credentials.h"

#include <QHash>
#include <mutex>

namespace cockpit::credentials {

namespace {

std::mutex g_mutex;
QHash<QString, QString> &store()
{
    static QHash<QString, QString> passwords;
    return passwords;
}

QString serverKey(const ConnectionUrl &url)
{
    return QStringLiteral("%1|%2|%3|%4").arg(toString(url.engine), url.user, url.host).arg(url.port);
}

} // namespace

void remember(const ConnectionUrl &url, const QString &password)
{
    std::lock_guard lock(g_mutex);
    store().insert(serverKey(url), password);
}

std::optional<QString> lookup(const ConnectionUrl &url)
{
    std::lock_guard lock(g_mutex);
    const auto it = store().constFind(serverKey(url));
    if (it == store().constEnd())
        return std::nullopt;
    return *it;
}

void forget(const ConnectionUrl &url)
{
    std::lock_guard lock(g_mutex);
    store().remove(serverKey(url));
}

bool isPasswordRefusal(const QString &driverMessage)
{
    // libpq: "fe_sendauth: no password supplied", "password authentication failed for user";
    // MariaDB: "Access denied for user 'x'@'host' (using password: NO|YES)".
    static const char *const kSigns[] = {"no password supplied", "password authentication failed",
                                         "Access denied for user"};
    for (const char *sign : kSigns)
        if (driverMessage.contains(QLatin1String(sign), Qt::CaseInsensitive))
            return true;
    return false;
}

std::optional<ConnectionUrl> passwordWanted(const Plan &plan, const QString &openError)
{
    if (!isPasswordRefusal(openError))
        return std::nullopt;
    // The scheduler names the side first ("source: cannot connect to ...").
    if (openError.startsWith(QLatin1String("source:")) && plan.source.engine != EngineKind::SQLite)
        return plan.source;
    if (openError.startsWith(QLatin1String("target:")) && plan.target.engine != EngineKind::SQLite)
        return plan.target;
    return std::nullopt;
}

} // namespace cockpit::credentials
