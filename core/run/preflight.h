#pragma once
// The checks before Run: both databases reachable, the privileges the run needs, free space on
// the target against the source's size, the plan's tables already on the target, and the seed's
// single-user rule (no other session on the source or the target). Blockers refuse the start
// unless the administrator overrides them, and the override is logged with the run.

#include "plan/plan.h"
#include "run/preflightreport.h"
#include "util/result.h"

namespace cockpit {

// Opens its own connections and may take seconds (connect timeouts): call it on a worker
// thread, never on the GUI thread. An error means the plan itself is unusable; everything a
// database answers (or does not) is a check.
Result<PreflightReport> runPreflight(const Plan &plan);

// Logs that `who` started the run of `plan` despite the Blockers `checkIds`, and why: in the
// application log, and in the run's own log when its control store exists. Worker thread.
// The login name of this process's user, the default "who" of an override.
QString currentLogin();

Status recordOverride(const Plan &plan, const QStringList &checkIds, const PreflightOverride &decision);

} // namespace cockpit
