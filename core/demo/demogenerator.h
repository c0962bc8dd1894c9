#pragma once
// The demo: an AX-2009-like SQLite source database and a plan to copy it, generated
// deterministically so a demo run (and a test) always sees the same data.

#include "plan/plan.h"
#include "util/result.h"

#include <QString>

namespace cockpit {

struct DemoOptions {
    QString dir;                      // output folder, created if missing
    qint64 inventTransRows = 1'000'000;
    double otherTablesScale = 1.0;    // (0, 1]: shrinks every other table (tests use 0.05)
    QString target = {};              // the plan's target URL; empty: sqlite:target.db
};

// Writes, deterministically (the same data every time for the same options):
//   dir/source.db  an AX-2009-like SQLite source database (37 tables, empty to INVENTTRANS)
//   dir/scripts/   the upgrade scripts that turn the copied old layout into the new, AX-2012-like
//                  one (split_dimensions, convert_enums, fill_new_columns, merge_parties, with
//                  engine variants where the dialects differ), overwritten on every run
//   dir/plan.json  a plan: sqlite:source.db -> options.target (default sqlite:target.db),
//                  state "state.db", scripts "scripts", ifTargetExists "replace", batch groups
//                  "copy" (prepare:*, copy:*) and "post" (*), INVENTTRANS in chunks of 250,000 rows
// and removes dir/target.db, dir/state.db (and their -wal/-shm/-journal files) so a fresh run
// starts. source.db is built under a temporary name and renamed into place, so an interrupted
// run never leaves half a database behind.
// Returns the plan as loadPlan(dir/plan.json) reads it, or an error naming the file and reason.
Result<Plan> writeDemo(const DemoOptions &options);

} // namespace cockpit
