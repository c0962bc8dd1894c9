#pragma once
// The plan files opened last, newest first, kept in QSettings under "recentPlans" for
// File > Open recent. Only paths are kept: never a connection's password.

#include <QString>
#include <QStringList>

namespace cockpit::recentplans {

inline constexpr int kMaxRecentPlans = 8;

// The stored list, newest first; files that went missing since are still listed.
QStringList paths();
// Puts `path` (made absolute) first; drops its older entry, files that no longer exist and
// whatever is beyond kMaxRecentPlans.
void add(const QString &path);
// Drops `path` (a file the administrator could not open any more).
void remove(const QString &path);
void clear();

} // namespace cockpit::recentplans
