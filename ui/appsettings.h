#pragma once
// The administrator's preferences, kept in QSettings under "settings/": how often the grid
// refreshes, the threads a new plan's batch groups start with, the log level and whether Skip
// and Cancel ask first. A stored value that is out of range or unreadable is replaced by the
// default, with a warning in the log (never a silent change of what the user can see: the
// Settings dialog then shows the default). GUI thread only.

#include <QString>

namespace cockpit {

struct AppSettings {
    static constexpr int kMinRefreshMs = 50;
    static constexpr int kMaxRefreshMs = 5000;
    static constexpr int kMinThreads = 1;
    static constexpr int kMaxThreads = 64;

    int refreshMs = 250;            // TaskTableModel's refresh interval
    int defaultThreads = 2;         // each batch group of a new plan
    QString logLevel = QStringLiteral("info"); // spdlog level name: trace … critical, off
    bool confirmDestructive = true; // Skip and Cancel ask for confirmation

    static AppSettings load();
    void save() const;
    // Applies the log level to every logger (core/log).
    void applyLogLevel() const;
    // The spdlog level names, most verbose first.
    static QStringList logLevels();
};

} // namespace cockpit
