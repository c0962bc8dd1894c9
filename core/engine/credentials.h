#pragma once
// Passwords the administrator types in the window's password prompt. They live in this
// process's memory only: never in the plan, the state file, a log or the environment. A
// connection uses a password from here before PGPASSWORD/~/.pgpass or MYSQL_PWD.

#include "plan/connectionurl.h"
#include "plan/plan.h"

#include <optional>

namespace cockpit::credentials {

// Thread-safe. The password serves every connection to the same server as the same user.
void remember(const ConnectionUrl &url, const QString &password);
std::optional<QString> lookup(const ConnectionUrl &url);
void forget(const ConnectionUrl &url);

// True when `driverMessage` (a failed connect) says the server wants a (different) password.
bool isPasswordRefusal(const QString &driverMessage);

// The server of `plan` whose refusal `openError` (UpgradeRun::opened) reports, when a password
// typed now could fix it.
std::optional<ConnectionUrl> passwordWanted(const Plan &plan, const QString &openError);

} // namespace cockpit::credentials
