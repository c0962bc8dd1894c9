#include "log/logging.h"

#include <QDir>
#include <QFileInfo>
#include <mutex>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace cockpit {

namespace {
struct Sinks {
    std::shared_ptr<spdlog::sinks::dist_sink_mt> all = std::make_shared<spdlog::sinks::dist_sink_mt>();
    std::shared_ptr<spdlog::sinks::sink> file;
    std::shared_ptr<spdlog::sinks::sink> err;
    std::mutex mutex;
};
Sinks &sinks()
{
    static Sinks s;
    return s;
}
} // namespace

std::shared_ptr<spdlog::logger> logger(const char *area)
{
    Sinks &s = sinks();
    std::lock_guard lock(s.mutex);
    if (auto l = spdlog::get(area))
        return l;
    auto l = std::make_shared<spdlog::logger>(area, s.all);
    l->set_level(spdlog::get_level());
    l->flush_on(spdlog::level::warn);
    spdlog::register_logger(l);
    return l;
}

void setLogFile(const QString &path)
{
    Sinks &s = sinks();
    std::lock_guard lock(s.mutex);
    if (s.file)
        s.all->remove_sink(s.file);
    s.file.reset();
    if (path.isEmpty())
        return;
    QDir().mkpath(QFileInfo(path).absolutePath());
    try {
        s.file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path.toStdString(),
                                                                        10 * 1024 * 1024, 5);
        s.file->set_pattern("%Y-%m-%d %H:%M:%S.%e %-5l [%n] %v");
        s.all->add_sink(s.file);
    } catch (const spdlog::spdlog_ex &) {
        // A log file we cannot write must not stop the upgrade; the store still has the log.
    }
}

void setLogToStderr(bool on)
{
    Sinks &s = sinks();
    std::lock_guard lock(s.mutex);
    if (s.err)
        s.all->remove_sink(s.err);
    s.err.reset();
    if (on) {
        s.err = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        s.err->set_level(spdlog::level::warn);
        s.err->set_pattern("%^%l%$: %v");
        s.all->add_sink(s.err);
    }
}

void setLogLevel(spdlog::level::level_enum level)
{
    spdlog::set_level(level);
}

QString toString(LogLevel level)
{
    switch (level) {
    case LogLevel::Info: return QStringLiteral("info");
    case LogLevel::Warn: return QStringLiteral("warn");
    case LogLevel::Error: return QStringLiteral("error");
    }
    return QStringLiteral("info");
}

LogLevel logLevelFromString(const QString &name)
{
    if (name == QLatin1String("error"))
        return LogLevel::Error;
    if (name == QLatin1String("warn"))
        return LogLevel::Warn;
    return LogLevel::Info;
}

} // namespace cockpit
