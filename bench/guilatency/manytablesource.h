#pragma once
// The benchmark's source: a SQLite file with many small tables and a few big ones, each with
// one secondary index, so the planner makes prepare, copy, index, validate and identity (the
// INTEGER PRIMARY KEY) per table
// (2,000 tables: over 10,000 tasks) and the big tables' copies run for a while.

#include <QString>

namespace cockpit::bench {

struct ManyTableShape {
    int tables = 2000;
    int bigTables = 4;
    qint64 smallRows = 40;
    qint64 bigRows = 400'000;
};

// Writes `dir`/source.db unless it is already there (written through a temporary file, so a
// file that exists is complete). Returns an empty string or a one-line error.
QString ensureManyTableSource(const QString &dir, const ManyTableShape &shape);

// Writes `dir`/plan.json: that source into `dir`/target.db (replaced), state `dir`/state.db,
// checkpointed batches. Deletes the target and state of an earlier run first.
QString writeManyTablePlan(const QString &dir, int threads);

} // namespace cockpit::bench
