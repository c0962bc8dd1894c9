#include "store/statelocation.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace cockpit::statelocation {

static QString schemeOf(const QString &text)
{
    static const QRegularExpression scheme(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*):"));
    const auto m = scheme.match(text.trimmed());
    return m.hasMatch() ? m.captured(1).toLower() : QString();
}

bool isUrl(const QString &location)
{
    const QString scheme = schemeOf(location);
    return (scheme == QLatin1String("postgresql") || scheme == QLatin1String("postgres"))
           && location.trimmed().mid(scheme.size(), 3) == QLatin1String("://");
}

Result<ConnectionUrl> serverUrl(const QString &location)
{
    auto url = ConnectionUrl::parse(location, QDir::currentPath());
    if (!url)
        return url.error();
    if (url->engine != EngineKind::PostgreSQL)
        return makeError(QStringLiteral("%1 is not a PostgreSQL control store").arg(url->display()));
    if (url->params.value(QStringLiteral("schema")).isEmpty())
        url->params.insert(QStringLiteral("schema"), QString::fromLatin1(kDefaultSchema));
    return url;
}

Result<QString> normalized(const QString &text, const QString &baseDir)
{
    const QString scheme = schemeOf(text);
    if (isUrl(text)) {
        auto url = serverUrl(text);
        if (!url)
            return makeError(QStringLiteral("--state: %1").arg(url.error().message));
        return url->display();
    }
    if (scheme == QLatin1String("sqlite")) {
        auto url = ConnectionUrl::parse(text, baseDir);
        if (!url)
            return url.error();
        return url->path;
    }
    if (scheme == QLatin1String("mysql") || scheme == QLatin1String("mariadb"))
        return makeError(QStringLiteral("a control store is an SQLite file or a postgresql:// URL, not %1 (a "
                                        "MariaDB database cannot hold one)")
                             .arg(scheme));
    if (text.trimmed().isEmpty())
        return makeError(QStringLiteral("no control store given (a file path or a postgresql:// URL)"));
    return QDir::cleanPath(QDir(baseDir).absoluteFilePath(text));
}

QString display(const QString &location)
{
    if (!isUrl(location))
        return QDir::toNativeSeparators(location);
    auto url = serverUrl(location);
    return url ? url->display() : location; // a URL that does not parse holds no password either
}

// Any character a file name may not hold, or that a shell would trip on, as '-'.
static QString fileNameSafe(QString name)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    return name.replace(unsafe, QStringLiteral("-"));
}

QString localFolder(const QString &location)
{
    if (!isUrl(location))
        return QFileInfo(location).absolutePath();
    auto url = serverUrl(location);
    QString key = url ? QStringLiteral("%1_%2_%3_%4").arg(url->host).arg(url->port).arg(url->database,
                                                                                  url->params.value(QStringLiteral("schema")))
                      : location;
    QString base = qEnvironmentVariable("XDG_STATE_HOME");
    if (base.isEmpty() || !QDir::isAbsolutePath(base))
        base = QDir::homePath() + QStringLiteral("/.local/state");
    return base + QStringLiteral("/upgrade-cockpit/") + fileNameSafe(key);
}

QString logFile(const QString &location, const QString &worker)
{
    if (!worker.isEmpty())
        return localFolder(location) + QStringLiteral("/worker-") + fileNameSafe(worker) + QStringLiteral(".log");
    if (!isUrl(location))
        return localFolder(location) + u'/' + QFileInfo(location).completeBaseName() + QStringLiteral(".log");
    return localFolder(location) + QStringLiteral("/run.log");
}

QString headlessLogFile(const QString &location)
{
    if (!isUrl(location))
        return location + QStringLiteral(".headless.log");
    return localFolder(location) + QStringLiteral("/headless.log");
}

QString planFile(const QString &location)
{
    return localFolder(location) + QStringLiteral("/plan.json");
}

QString rejectsFolder(const QString &location)
{
    return localFolder(location) + QStringLiteral("/rejects");
}

} // namespace cockpit::statelocation
