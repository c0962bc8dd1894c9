#pragma once
// The table as the target creates it: the source's columns with the plan's per-column type
// overrides applied, and SQLite date columns that hold free text decided by a scan. Computed
// when a run is opened (the same source gives the same answer every time), used by the
// prepare, copy and validate tasks of the table.

#include "engine/engine.h"
#include "plan/plan.h"

namespace cockpit {

struct TargetTable {
    TableSchema schema;
    QStringList warnings; // why a column kept another type than declared, for the prepare task's log
};

// Errors name the plan key of an override whose column the table does not have.
Result<TargetTable> resolveTargetTable(const Plan &plan, const TableSchema &source, Engine &sourceEngine,
                                       DbConnection &sourceConnection);

} // namespace cockpit
