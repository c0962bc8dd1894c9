#pragma once
// The table as the target creates it: the source's columns with the plan's per-column type
// overrides applied, and, for a SQLite source, what a scan of the values decided. SQLite keeps
// any value in any column (a declared type is only a hint), so the storage classes actually
// present decide the target type: an integer column holding text becomes text, a key holding
// NULLs is created without its key constraint. Overrides are applied when a run is opened; the
// scan runs in the table's prepare task and its decision is stored with the run. Used by the
// prepare, copy and validate tasks of the table.

#include "engine/engine.h"
#include "plan/plan.h"

#include <QJsonObject>
#include <QMap>
#include <optional>

namespace cockpit {

// What the value scan decided for a table. It is stored with the run (Scheduler), so that
// opening the run again never reads the whole source again.
struct TypeScan {
    // Columns whose values the declared type does not hold, with the class they get on the
    // target: Text, Blob, Float64 or BigInt.
    QMap<QString, TypeClass> retyped;
    // The primary key holds NULLs (SQLite allows them outside the rowid): the target table is
    // created without it (nullKeys "dropKey"), or with it, its key columns NOT NULL so that the
    // rows with a NULL there are rejects (nullKeys "reject": these columns).
    bool keyDropped = false;
    QStringList nullKeyColumnsRejected;
    QStringList warnings; // why, for the prepare task's log

    QJsonObject toJson() const;
    static TypeScan fromJson(const QJsonObject &o); // also the older {"text": [columns]} form
};

struct TargetTable {
    TableSchema schema;
    TypeScan typeScan;
    // SQLite columns to scan before the table is created (its prepare task does it, so that
    // opening a run never reads whole tables); empty once decided.
    QStringList scanColumns;
    NullKeys nullKeys = NullKeys::DropKey; // what the scan makes of a key holding NULLs
};

// Errors name the plan key of an override whose column the table does not have.
// `known`: the value scan's decision of an earlier prepare of this run.
Result<TargetTable> resolveTargetTable(const Plan &plan, const TableSchema &source,
                                       const std::optional<TypeScan> &known = std::nullopt);

// Reads the values of `table.scanColumns` on the source (Engine::scanValues), in one pass: which columns hold
// values their declared type does not (with a warning naming the first one) and whether the
// primary key holds NULLs.
Result<TypeScan> scanColumnValues(const TargetTable &table, Engine &sourceEngine, DbConnection &source);

// Gives the scanned columns their decided types (and drops a key with NULLs, or makes its
// columns NOT NULL); records the decision.
void applyTypeScan(TargetTable &table, const TypeScan &scan);

} // namespace cockpit
