#pragma once
// Named spdlog loggers per area ("scheduler", "copy", "store", "task", "ui"), all writing to
// one rotating file in the run's folder (AX's Infolog filled up during long upgrades; ours
// rotates). The per-task log the window shows is kept in the control store by the scheduler.

#include <QString>
#include <memory>
#include <spdlog/logger.h>

namespace cockpit {

std::shared_ptr<spdlog::logger> logger(const char *area);

// Sends every logger's output to `path` (rotating, 10 MB x 5), replacing the previous file.
void setLogFile(const QString &path);
// Also echo warnings and errors to stderr (the CLI).
void setLogToStderr(bool on);
void setLogLevel(spdlog::level::level_enum level);

inline std::string str(const QString &s) { return s.toStdString(); }

// The level of a line in a run's log (the window's log pane, the control store, the task
// details); stored and shown by its name.
enum class LogLevel { Info, Warn, Error };
QString toString(LogLevel level); // "info", "warn", "error"
LogLevel logLevelFromString(const QString &name); // unknown names read as Info

} // namespace cockpit
