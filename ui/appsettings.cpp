#include "ui/appsettings.h"

#include "log/logging.h"

#include <QSettings>
#include <QStringList>

namespace cockpit {

namespace {

const QString kRefresh = QStringLiteral("settings/refreshMs");
const QString kThreads = QStringLiteral("settings/defaultThreads");
const QString kLogLevel = QStringLiteral("settings/logLevel");
const QString kConfirm = QStringLiteral("settings/confirmDestructive");

// The stored integer under `key` when it is a number in [lo, hi]; else `fallback`, logged.
int boundedInt(const QSettings &settings, const QString &key, int lo, int hi, int fallback)
{
    if (!settings.contains(key))
        return fallback;
    bool ok = false;
    const int value = settings.value(key).toInt(&ok);
    if (ok && value >= lo && value <= hi)
        return value;
    logger("ui")->warn("setting {} = \"{}\" is not a number from {} to {}; using {}", str(key),
                       str(settings.value(key).toString()), lo, hi, fallback);
    return fallback;
}

} // namespace

QStringList AppSettings::logLevels()
{
    return {QStringLiteral("trace"), QStringLiteral("debug"), QStringLiteral("info"),
            QStringLiteral("warn"),  QStringLiteral("error"), QStringLiteral("critical"),
            QStringLiteral("off")};
}

AppSettings AppSettings::load()
{
    const QSettings settings;
    AppSettings s;
    s.refreshMs = boundedInt(settings, kRefresh, kMinRefreshMs, kMaxRefreshMs, s.refreshMs);
    s.defaultThreads = boundedInt(settings, kThreads, kMinThreads, kMaxThreads, s.defaultThreads);
    const QString level = settings.value(kLogLevel, s.logLevel).toString();
    if (logLevels().contains(level))
        s.logLevel = level;
    else
        logger("ui")->warn("setting {} = \"{}\" is not a log level; using {}", str(kLogLevel),
                           str(level), str(s.logLevel));
    s.confirmDestructive = settings.value(kConfirm, s.confirmDestructive).toBool();
    return s;
}

void AppSettings::save() const
{
    QSettings settings;
    settings.setValue(kRefresh, refreshMs);
    settings.setValue(kThreads, defaultThreads);
    settings.setValue(kLogLevel, logLevel);
    settings.setValue(kConfirm, confirmDestructive);
}

void AppSettings::applyLogLevel() const
{
    setLogLevel(spdlog::level::from_str(str(logLevel)));
}

} // namespace cockpit
