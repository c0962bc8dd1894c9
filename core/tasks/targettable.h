#pragma once
// The table as the target creates it: the source's columns with the plan's per-column type
// overrides applied, and SQLite date columns that hold free text decided by a scan. Overrides
// are applied when a run is opened; the scan runs in the table's prepare task and its decision
// is stored with the run. Used by the prepare, copy and validate tasks of the table.

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
    // SQLite date columns to scan before the table is created (its prepare task does it, so that
    // opening a run never reads whole tables); empty once decided.
    QStringList dateColumns;
};

// Errors name the plan key of an override whose column the table does not have.
// `known`: the date scan's decision of an earlier prepare of this run.
Result<TargetTable> resolveTargetTable(const Plan &plan, const TableSchema &source,
                                       const std::optional<DateScan> &known = std::nullopt);

// Reads the values of `table.dateColumns` on the SQLite source: which of them are not all ISO
// dates/timestamps (those stay text on the target), with a warning naming a bad value.
Result<DateScan> scanDateColumns(const TargetTable &table, DbConnection &sqliteSource);

// Makes the scanned columns text and records the decision.
void applyDateScan(TargetTable &table, const DateScan &scan);

} // namespace cockpit
