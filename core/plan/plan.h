#pragma once
// The upgrade plan: what to copy from where to where, and how. Loaded from a small JSON file
// (see README "Plan file format").

#include "plan/connectionurl.h"
#include "util/result.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>
#include <QVector>

namespace cockpit {

struct BatchGroup {
    QString name;
    int threads = 2;
    QStringList taskPatterns; // globs over task names; the first group that matches takes a task
};

// What a SQLite source's primary key holding NULLs becomes on a server target (plan and table
// option "nullKeys"; SQLite allows NULLs in a key that is not the rowid, servers do not):
//   DropKey: the table is created without its primary key, every row copied as it is;
//   Reject: the key is created, and each row with a NULL in it is a reject (its key and the
//     reason in the reject file, counted against maxRejects).
enum class NullKeys { DropKey, Reject };

struct TableOptions {
    int batchSize = 0;     // 0: the plan's default
    qint64 chunkRows = 0;  // 0: the plan's default
    int priority = 0;
    int maxRejects = -1;   // -1: the plan's default
    std::optional<NullKeys> nullKeys; // none: the plan's
    // Per-column target type, as the target engine spells it ("numeric(12,2)"), by column name.
    QMap<QString, QString> columnTypes;
};

enum class IfTargetExists { Fail, Replace };

// How validation knows the source side of a table's checksum:
//   Streamed: hashed by the copy as it read the rows (kept with each checkpoint) plus a fresh
//     count(*) of the source, so validation reads only the target in full;
//   Full: the source is read again in full, a second read independent of the copy.
// Streamed falls back to Full for a table whose copy did not hash (SQLite to SQLite copies
// rows inside the library) or whose checkpoints are gone (after finalize).
enum class ValidationMode { Streamed, Full };

// How rows travel (plan "copyMethod"):
//   Auto: SQLite to SQLite, a table whose target is made from the source's own CREATE TABLE
//     (no column override) is created with its indexes and copied whole by one
//     INSERT ... SELECT: SQLite's transfer optimization appends records and index entries
//     without decoding or sorting them. Every other table goes in batches.
//   Batches: every table in checkpointed batches, big tables split into key ranges; a kill or
//     a pause costs at most a batch.
enum class CopyMethod { Auto, Batches };

// Who parallelizes index and primary key builds, and validation's server-side sums (plan
// "indexBuilds"):
//   Threads: the batch groups' threads only; PostgreSQL builds each index and sums each table
//     in its one backend (max_parallel_maintenance_workers = 0, max_parallel_workers_per_gather = 0). The groups already run several builds at once;
//     the server's workers on top competed for the same cores (demo on 2 cores: server CPU
//     -0.44 s, wall -0.4 s).
//   Server: PostgreSQL may add its parallel workers to each build and sum, as its own
//     settings say: for a server with idle cores beyond the groups' threads.
enum class IndexBuilds { Threads, Server };

// How a task meets a transient fault (engine/transientfault.h: a server restart, a dropped
// connection, a deadlock): it goes back to Waiting and runs again after a delay that doubles
// from `delaySeconds` up to `maxDelaySeconds`, until `attempts` attempts in a row have failed
// that way; then it ends in Error (plan "retry"). Each attempt counts in the task's Attempts.
// A task resumes as after kill -9: a copy from its last committed batch, the rest from scratch.
struct RetryPolicy {
    int attempts = 6; // 1: no retry
    double delaySeconds = 2;
    double maxDelaySeconds = 60;

    // The wait before attempt `next` (2 for the first retry).
    double delayBefore(int next) const;
};

struct Plan {
    QString filePath;  // absolute path of the plan file ("" for a plan built from URLs)
    QString name;
    ConnectionUrl source;
    ConnectionUrl target;
    QString statePath; // control store: an absolute file path or a postgresql:// URL (store/statelocation.h)
    QVector<BatchGroup> groups;
    QStringList include{QStringLiteral("*")};
    QStringList exclude;
    int batchSize = 20000;
    qint64 chunkRows = 250000;
    QMap<QString, TableOptions> tableOptions; // by table name (case-insensitive match)
    IfTargetExists ifTargetExists = IfTargetExists::Fail;
    ValidationMode validation = ValidationMode::Streamed;
    CopyMethod copyMethod = CopyMethod::Auto;
    IndexBuilds indexBuilds = IndexBuilds::Threads;
    // Rows whose values do not convert to the target type are listed in
    // <rejectsDir>/<table>.rejects.csv; more than maxRejects of them fail the table's copy.
    int maxRejects = 0;
    NullKeys nullKeys = NullKeys::DropKey;
    QString rejectsDir; // absolute; empty: rejectsDirectory() picks `rejects/` beside the state file
    // Post-synchronization scripts (core/scripts/): every .sql file of this folder is a task
    // "script:<name>" run on the target after the copies it depends on. Absolute; empty: none.
    QString scriptsDir;
    RetryPolicy retry;
    // The stall watchdog: an Executing task that moves no rows (or statements) for this long
    // is flagged, with what the server says blocks it (plan "stallSeconds"; 0: off).
    double stallSeconds = 120;

    bool includesTable(const QString &table) const;
    TableOptions optionsFor(const QString &table) const; // defaults filled in
    // The group a task belongs to (first matching pattern; the last group otherwise).
    QString groupFor(const QString &taskName) const;
    QString title() const; // "<source> -> <target>"
    QString rejectsDirectory() const;
    // Whether `table` is copied whole by SQLite's transfer, with its indexes (CopyMethod::Auto).
    bool copiesByTransfer(const QString &table) const;

    // A plan from two URLs with defaults (for `upgradectl run --source --target`).
    static Plan fromUrls(const ConnectionUrl &source, const ConnectionUrl &target,
                         const QString &statePath);
    static QVector<BatchGroup> defaultGroups();

    QByteArray toJson() const; // relative paths kept relative to the plan's folder
};

// Loads and validates a plan file. Errors name the file, the line and column, the JSON path
// and what was expected: `plan.json:7:18: "batchGroups[0].threads": expected a positive integer`.
Result<Plan> loadPlan(const QString &path);
Result<Plan> parsePlan(const QByteArray &json, const QString &path);

// Shell-style glob (`*`, `?`, `[...]`), case-sensitive, anchored.
bool globMatches(const QString &pattern, const QString &text);

} // namespace cockpit
