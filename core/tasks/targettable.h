#pragma once
// The table as the target creates it: the source's columns with the plan's per-column type
// overrides applied, and SQLite date columns that hold free text decided by a scan. Computed
// when a run is opened (the same source gives the same answer every time), used by the
// prepare, copy and validate tasks of the table.

#include "engine/engine.h"
#include "plan/plan.h"

#include <optional>

namespace cockpit {

// What the date scan decided for a table. It is stored with the run (Scheduler), so that opening
// the run again never reads the whole source again.
struct DateScan {
    QStringList textColumns; // declared dates whose values are not all ISO dates
    QStringList warnings;    // why, for the prepare task's log
};

struct TargetTable {
    TableSchema schema;
    DateScan dateScan;
};

// Errors name the plan key of an override whose column the table does not have.
// `known`: the decision of an earlier open of this run; the source is scanned only without one.
Result<TargetTable> resolveTargetTable(const Plan &plan, const TableSchema &source, Engine &sourceEngine,
                                       DbConnection &sourceConnection, const std::optional<DateScan> &known = std::nullopt);

} // namespace cockpit
