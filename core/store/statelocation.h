#pragma once
// Where a run's control store lives, as `--state`, a plan's "state", the window's Open or
// Plan::statePath give it: an SQLite file path (the default, one machine) or a postgresql://
// URL (a schema in a PostgreSQL database that several machines can reach; ?schema=, default
// "cockpit_state"). This is the one place that tells them apart and says where the files a run
// keeps locally go:
//   - a path: beside the state file, as always (<dir>/<name>.log, <dir>/plan.json, <dir>/rejects);
//   - a URL: in this machine's folder for that store,
//     $XDG_STATE_HOME/upgrade-cockpit/<host>_<port>_<database>_<schema>/ (XDG_STATE_HOME
//     defaults to ~/.local/state), so that a run log never lands in whatever folder the
//     command happened to start in, and two stores never share one.
// A location in its canonical form (normalized()) is an absolute clean path or a URL as
// ConnectionUrl::display() writes it with its schema filled in: the same store has one text, so
// it can be compared and used as a key. Nothing here ever holds a password (URLs refuse one).

#include "plan/connectionurl.h"
#include "util/result.h"

#include <QString>

namespace cockpit::statelocation {

inline constexpr const char *kDefaultSchema = "cockpit_state";

// True when `location` names a server's store (postgresql:// or postgres://), not a file.
bool isUrl(const QString &location);

// What a user typed, made canonical: a path absolute (against `baseDir`) and clean; a
// sqlite: URL its path; a postgresql:// URL parsed, checked, with its schema filled in.
// Errors: a malformed URL, one with a password, a store on an engine that cannot hold one.
Result<QString> normalized(const QString &text, const QString &baseDir);

// The store's server URL (with ?schema=) of a URL location.
Result<ConnectionUrl> serverUrl(const QString &location);

// For messages and titles: a path with native separators, a URL as displayed (no password).
QString display(const QString &location);

// This machine's folder for the files of the run in `location` (see the header comment).
QString localFolder(const QString &location);
// The run's log file; a shared run's worker (not its coordinator) writes worker-NAME.log beside it.
QString logFile(const QString &location, const QString &worker = {});
QString headlessLogFile(const QString &location); // the output of a run handed to upgradectl
QString planFile(const QString &location);        // where a plan built from URLs is said to be
QString rejectsFolder(const QString &location);   // the default folder of the rejected rows

} // namespace cockpit::statelocation
