#pragma once
// Which failures are worth trying again by themselves: the server went away (a restart, a
// terminated backend, a dropped network link), it is still starting or shutting down, it has
// no free connection slot, or it chose this session as a deadlock victim. Everything else (a
// statement timeout, a lock wait that timed out, a full disk, a read-only target, bad data)
// needs the administrator and ends the task in Error at once.
//
// Read from the message because the errors arrive as text from libpq, the MariaDB client and
// Qt's drivers alike; the fragments are the client libraries' and servers' own (English)
// wording, one list for all engines.

#include <QString>
#include <optional>

namespace cockpit {

// A short cause ("the server closed the connection") when `message` is a transient fault.
std::optional<QString> transientCause(const QString &message);

// For the faults that need the administrator (a statement or lock timeout, a full disk, a
// read-only target): what happened in plain words and what to do before Rerun.
std::optional<QString> administratorRemedy(const QString &message);

} // namespace cockpit
