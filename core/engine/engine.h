#pragma once
// What every database engine provides to the tasks: introspection, creating tables and
// indexes, fast bulk reading and writing, checkpoints and checksums. One implementation per
// engine folder (sqlite/, postgres/, mysql/), chosen by the URL's scheme. What depends on the
// pair of engines (a copy path that skips decoding, how its validation sums) is EnginePair's
// (enginepair.h): the tasks never name an engine.
//
// Thread contract: an Engine is stateless and may be shared; every call runs in the thread
// that opened the DbConnection it is given.

#include "engine/dbconnection.h"
#include "engine/rowbatch.h"
#include "engine/schema.h"
#include "engine/valuescan.h"
#include "plan/plan.h" // IndexBuilds
#include "util/result.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace cockpit {

// The copy position committed on the target in the same transaction as the rows it covers,
// so that the data and the checkpoint can never disagree, whatever instant the process dies.
struct Checkpoint {
    QString task;
    QString table;
    QString runId;
    qint64 lastKey = 0;  // every source row with key <= lastKey (within the chunk) is on the target
    qint64 rowsDone = 0;
    // Sum (mod 2^64) of the row hashes of the rows copied so far, as the source gave them
    // (converted, rejects left out): validation's source side without a second read
    // (ValidationMode::Streamed). RowHasher's hash (rowhasher.h), or the server-computable one
    // of pgrowhash.h where the writer hashesRows(). Absent when the copy never held the rows
    // (SQLite to SQLite inside the library) or a batch could not be hashed.
    std::optional<quint64> rowHashSum;
    // The attempt's lease epoch in a shared run: each batch commits only while the target's
    // fence row of `task` still holds exactly this (Engine::raiseFence), so a worker resumed
    // after losing its lease commits nothing more. 0: not shared, no fence statement at all.
    qint64 epoch = 0;
};

// A range of a sampled key (schema.h): after < key <= through, compared on the source; an
// absent bound leaves that side open.
struct KeyRange {
    std::optional<QString> after;
    std::optional<QString> through;
};

class RowReader {
public:
    virtual ~RowReader() = default;
    // Appends up to maxRows rows to `batch` (cleared first); returns how many, 0 at the end.
    virtual Result<int> next(RowBatch &batch, int maxRows) = 0;
};

class RowWriter {
public:
    virtual ~RowWriter() = default;
    // Writes `batch` and `checkpoint` in one transaction and commits. A writer that
    // hashesRows() first adds the batch's hash to checkpoint.rowHashSum, or clears the sum when
    // it could not hash the batch.
    virtual Status writeBatch(const RowBatch &batch, Checkpoint &checkpoint) = 0;
    // Whether this writer hashes what it sends (PostgreSQL: the server-computable row hash of
    // pgrowhash.h); otherwise the copy hashes the rows with RowHasher.
    virtual bool hashesRows() const { return false; }
};

// A copy path that moves the rows itself, without their values passing through a RowBatch
// (EnginePair::openCopier: SQLite to SQLite inside the library, PostgreSQL to PostgreSQL
// undecoded). Each batch commits with its checkpoint, as RowWriter's do.
class TableCopier {
public:
    virtual ~TableCopier() = default;
    // Up to maxRows rows copied and committed with `cp` (advanced, its rowHashSum added to
    // where the copier hashes what it sends); returns the rows, 0 at the end.
    virtual Result<int> copyBatch(Checkpoint &cp, int maxRows) = 0;
    // Whether copyBatch adds to the checkpoint's rowHashSum; otherwise the sum stays absent (a
    // streamed validation then reads the source again, unless copyWhole's sourceHash gave one).
    virtual bool hashesRows() const = 0;
    // Whether copyWhole() can copy the table in one statement.
    virtual bool copiesWhole() const { return false; }
    // The whole table in one statement and one transaction, its checkpoint set to
    // `completeKey`; `rowsCopied` follows the statement up to `expectedRows`;
    // `sourceHash(rows)`, called before the commit, gives the checkpoint its rowHashSum when it
    // has one for exactly `rows` rows. A kill rolls it all back.
    virtual Result<qint64> copyWhole(Checkpoint &cp, qint64 completeKey, std::atomic<qint64> *rowsCopied,
                                     qint64 expectedRows, int indexes,
                                     const std::function<Result<std::optional<quint64>>(qint64 rows)> &sourceHash);
};

enum class PrepareMode { FailIfExists, Replace };

class Engine {
public:
    virtual ~Engine() = default;
    static std::unique_ptr<Engine> create(EngineKind kind);

    virtual QString quoteIdentifier(const QString &name) const = 0;
    // Which names this engine keeps as given: the longest (0: no limit; counted in UTF-8 bytes
    // or in characters), and whether two names that differ only in case are the same name.
    struct NameRules {
        int maxLength = 0;
        bool lengthInBytes = false;
        bool tablesFoldCase = false;
        bool columnsFoldCase = false;
    };
    virtual NameRules nameRules() const { return {}; }
    // "a", "b", ... quoted for this engine.
    QString quotedList(const QStringList &names) const;
    // Every column of `t`, in order, quoted.
    QString columnList(const TableSchema &t) const;
    // `view`'s name as CREATE VIEW names it here, with its declared column names: "v (a, b)".
    QString viewHeader(const ViewSchema &view, const QString &qualifiedName) const
    {
        return view.columns.isEmpty() ? qualifiedName : qualifiedName + QStringLiteral(" (") + quotedList(view.columns) + u')';
    }
    // The order that names rows for first-difference reports: the primary key, or every
    // column when there is none.
    QString keyOrder(const TableSchema &t) const;

    // The body of a CREATE TABLE: `name type [NOT NULL] [DEFAULT d]` per column, then the
    // PRIMARY KEY constraint. A default written for `own` engine is kept as written (except a
    // sequence's nextval, which the target does not have); others go through portableDefault(),
    // and those without an equivalent (or read otherwise, as portableDefault says) are named
    // in `dropped`.
    // `tableConstraints` (already in this engine's SQL) follow the primary key. An identity
    // column gets identityClause().
    QString columnDefinitions(const TableSchema &t, EngineKind own,
                              const std::function<QString(const ColumnSchema &)> &typeOf,
                              QStringList *dropped = nullptr, const QStringList &tableConstraints = {}) const;
    // How a CREATE TABLE declares `column` as numbered by the database ("GENERATED BY DEFAULT
    // AS IDENTITY", "AUTO_INCREMENT"); empty when the engine declares it otherwise.
    virtual QString identityClause(const TableSchema &t, const ColumnSchema &column) const;
    // Whether the target numbers `column` of `t` itself (an identity, a sequence, the rowid):
    // false where it cannot (MySQL numbers only an integer column that starts a key), with
    // the reason in `why`; the identity task then ends skipped, saying so.
    virtual bool numbersColumn(const TableSchema &t, const ColumnSchema &column, QString *why) const;
    // A foreign key this engine cannot declare as the source does, made one it can that
    // refuses the same rows and changes; returns the warning that says so, or "" (unchanged).
    virtual QString adaptForeignKey(const TableSchema &t, ForeignKeySchema &fk) const;
    // "CONSTRAINT n FOREIGN KEY (a) REFERENCES p (b) [ON DELETE ..] [ON UPDATE ..]".
    QString foreignKeyClause(const ForeignKeySchema &fk) const;
    // "CONSTRAINT n CHECK (expression)".
    QString checkClause(const CheckSchema &check) const;
    // `table` as statements on `c` name it (PostgreSQL: schema-qualified).
    virtual QString qualifiedName(DbConnection &c, const QString &table) const;

    // The statement that opens a script's transaction (SQLite: BEGIN IMMEDIATE, the write
    // lock at once rather than in the middle of the script).
    virtual QString beginTransactionSql() const { return QStringLiteral("BEGIN"); }
    // Whether CREATE/ALTER/DROP commit at once, whatever transaction is open (MariaDB).
    virtual bool commitsDdlAtOnce() const { return false; }
    // The largest row the target takes (MariaDB without local_infile: its max_allowed_packet,
    // less the statement around it); none when there is no such limit below a value's own.
    virtual Result<std::optional<qint64>> maxRowBytes(DbConnection &c);

    // Whether a declared type is only a hint (SQLite keeps any value in any column): the
    // values are then scanned (scanValues) before another engine's types are decided.
    virtual bool typesAreHints() const { return false; }
    // For each of `columns` (of `t`), what its values hold against `as` (valuescan.h).
    virtual Result<std::vector<ColumnValues>> scanValues(DbConnection &c, const TableSchema &t,
                                                         const QVector<ColumnSchema> &columns, const std::vector<ScanAs> &as);
    // The primary-key columns holding a NULL, which an engine with real types refuses.
    virtual Result<QStringList> keyColumnsWithNulls(DbConnection &c, const TableSchema &t);
    // Whether the database has an index of that name (one made at prepare, TaskContext::transfer).
    virtual Result<bool> hasIndex(DbConnection &c, const QString &index);

    // Before any task starts: may this connection's user read `tables` (a source) or create
    // tables in its database/schema (a target)? An error names the URL, the user and the
    // missing privilege. Engines without privileges (SQLite) have nothing to check.
    virtual Status checkAccess(DbConnection &c, const QVector<TableSchema> &tables, bool asTarget);

    // Preflight (run/preflight.h), the seed's single-user rule: the other sessions connected
    // to c's database, one line each ("pid user application client state since"), leaving out
    // this session and, where the server lets us tell, this process's other connections.
    virtual Result<QStringList> otherSessions(DbConnection &c) = 0;
    // What keeps session `session` (DbConnection::sessionId of a task's connection) from
    // moving, as the server tells it, asked on `observer` (another connection to the same
    // database): "blocked by pid 4711 (psql, user alice, idle in transaction): LOCK TABLE …
    // (waiting for a lock on INVENTTRANS)", "running for 95 s, not waiting: CREATE INDEX …";
    // "" when the server says nothing. For the stall watchdog.
    virtual Result<QString> describeSession(DbConnection &observer, qint64 session);
    // Bytes `tables` take on disk, data and indexes (SQLite: the whole file).
    virtual Result<qint64> sizeOnDisk(DbConnection &c, const QVector<TableSchema> &tables) = 0;
    // The folder holding the database's files as the server names it; an error says why it
    // cannot be known (the server does not tell this user).
    virtual Result<QString> dataDirectory(DbConnection &c) = 0;

    // Tables of the database (without the cockpit's own checkpoint and fence tables).
    virtual Result<QVector<TableSchema>> introspect(DbConnection &c) = 0;
    // Views of the database, by name.
    virtual Result<QVector<ViewSchema>> introspectViews(DbConnection &c) = 0;
    // Count and key range of the rows with keyLo <= key <= keyHi (all rows when no copy key).
    virtual Result<TableStats> stats(DbConnection &c, const TableSchema &t) = 0;
    virtual Result<qint64> countRange(DbConnection &c, const TableSchema &t, qint64 keyLo,
                                      qint64 keyHi) = 0;

    // Creates the table on the target (primary key and column constraints, no secondary
    // indexes), in one transaction with a marker that says this run created it. What could not
    // be carried over (a default with no equivalent) is added to `warnings`.
    virtual Status prepareTable(DbConnection &c, const TableSchema &t, const QString &runId,
                                PrepareMode mode, QStringList *warnings) = 0;
    virtual Result<std::optional<Checkpoint>> readCheckpoint(DbConnection &c, const QString &task) = 0;
    // Fencing of a shared run (several workers; the task's lease epoch rises each time it is
    // handed out), on the target beside the checkpoints (kFenceTable). raiseFence, in a
    // transaction of its own, creates the table when missing and sets `task`'s epoch to `epoch`
    // (not lower): it waits for a batch of an older epoch that holds the fence row, and fails
    // (takenOverError) when the target already has a higher one.
    virtual Status raiseFence(DbConnection &c, const QString &task, qint64 epoch) = 0;
    // Inside the caller's open transaction, just before its commit: fails (takenOverError)
    // unless `task`'s fence row holds exactly `epoch`, and keeps the row from changing until the
    // transaction ends. The caller rolls back on failure. Nothing is run for epoch 0.
    virtual Status checkFence(DbConnection &c, const QString &task, qint64 epoch) = 0;
    // checkFence in a transaction of its own, for work that cannot share one with it (a
    // prepare's own transaction, a statement MariaDB commits at once): it narrows the window,
    // it does not close it. Nothing is run for epoch 0.
    Status checkFenceAlone(DbConnection &c, const QString &task, qint64 epoch);
    // After the run: removes the checkpoint and fence tables and leaves the target in its normal mode.
    virtual Status finishTarget(DbConnection &c) = 0;

    // Source rows with afterKey < key <= keyHi in key order (all rows when no copy key).
    virtual Result<std::unique_ptr<RowReader>> openReader(DbConnection &c, const TableSchema &t,
                                                          qint64 afterKey, qint64 keyHi) = 0;
    virtual Result<std::unique_ptr<RowWriter>> openWriter(DbConnection &c, const TableSchema &t) = 0;

    // Split points of `t` by its sampled key, in one pass over the source: the key of every
    // `step`-th row in the source's own key order (its collation), as text.
    Result<QStringList> sampleKeys(DbConnection &c, const TableSchema &t, qint64 step);
    // Source rows of `range` in sampled-key order without the first `skip` of them (what a
    // resumed chunk already committed). Batch keys are the rows' positions: firstPosition + skip,
    // then +1 per row.
    Result<std::unique_ptr<RowReader>> openKeyRange(DbConnection &c, const TableSchema &t, const KeyRange &range,
                                                    qint64 skip, qint64 firstPosition);

    // Deletes every row of the target table (a keyless copy starting again).
    virtual Status clearTable(DbConnection &c, const TableSchema &t) = 0;
    // `builds`: whether the server may add its own parallel workers (plan "indexBuilds").
    virtual Status createIndex(DbConnection &c, const TableSchema &t, const IndexSchema &index, IndexBuilds builds) = 0;

    // Whether prepareTable leaves the primary key out (its columns stay NOT NULL) for a task of
    // its own after the copy, addPrimaryKey. PostgreSQL: one sort then instead of a B-tree
    // insert per copied row (1M-row COPY 3.0 -> 2.15 server CPU-s, the build 0.35 s). SQLite
    // (rowid) and InnoDB (clustered) keep theirs: the table is its primary key there.
    virtual bool defersPrimaryKey() const { return false; }
    // Adds t's primary key (none yet) or finds the one an earlier attempt committed; returns
    // which, for the task's message.
    virtual Result<QString> addPrimaryKey(DbConnection &c, const TableSchema &t, IndexBuilds builds);

    // Constraint tasks, after the copies. PostgreSQL and MySQL add the constraint (ALTER TABLE,
    // replacing one of that name left by an earlier attempt); SQLite, which cannot add one to
    // an existing table, declared it at prepare and verifies here that it is declared and that
    // every row keeps it. A violation is an error naming the first offending rows.
    virtual Status addForeignKey(DbConnection &c, const TableSchema &t, const ForeignKeySchema &fk) = 0;
    virtual Status addCheck(DbConnection &c, const TableSchema &t, const CheckSchema &check) = 0;
    // Makes the next number the database gives `column` max(column)+1; returns that number.
    virtual Result<qint64> resetIdentity(DbConnection &c, const TableSchema &t, const ColumnSchema &column) = 0;
    // Creates the view (replacing one of that name); an error carries the target's message.
    virtual Status createView(DbConnection &c, const ViewSchema &view) = 0;
    // Up to `limit` rows of a query, each value as text ("NULL" for null), for messages.
    virtual Result<QVector<QStringList>> firstRows(DbConnection &c, const QString &sql, int limit) = 0;

    // "1 row of "Album" has no match in "Artist": AlbumId=348 ArtistId=9999"; empty when
    // every row of `t` has its parent.
    Result<QString> describeOrphans(DbConnection &c, const TableSchema &t, const ForeignKeySchema &fk);
    // "2 rows of "Track" break CHECK ck_Track_1: TrackId=7; TrackId=9"; empty when none do.
    Result<QString> describeCheckViolations(DbConnection &c, const TableSchema &t, const CheckSchema &check);

    // Row count and order-independent checksum (see rowhasher.h for the normalization).
    // `rowsHashed`, when given, counts the rows as they are read (progress of a validation).
    virtual Result<TableChecksum> checksum(DbConnection &c, const TableSchema &t,
                                           std::atomic<qint64> *rowsHashed = nullptr) = 0;
    // Every row in primary-key order (all columns' order when there is no primary key), for
    // naming the first differing rows after a checksum mismatch. Batch keys are row numbers.
    virtual Result<std::unique_ptr<RowReader>> openOrderedReader(DbConnection &c,
                                                                 const TableSchema &t) = 0;

protected:
    // What reads of `t` select from (PostgreSQL: ONLY the table, see TableSchema::partitioned).
    virtual QString readRelation(DbConnection &c, const TableSchema &t) const;
    // openKeyRange's rows, batch keys left as they come: each engine binds the bounds its own way,
    // never as text spliced into the statement.
    virtual Result<std::unique_ptr<RowReader>> openKeyRangeRows(DbConnection &c, const TableSchema &t,
                                                                const KeyRange &range, qint64 skip) = 0;
};

inline constexpr char kCheckpointTable[] = "_cockpit_checkpoint";
// A shared run's lease epoch per task, on the target (Engine::raiseFence).
inline constexpr char kFenceTable[] = "_cockpit_fence";

// A write refused by the fence: another worker holds the task's lease now. Never transient
// (transientfault.h): trying again cannot help, the other worker does the task.
TaskError takenOverError(qint64 onTarget, qint64 held);
// Whether a task's error is the fence's refusal: another worker holds the task now.
bool isTakenOver(const QString &message);

// One line of Engine::otherSessions, the same shape on every engine; an unknown field is "?".
QString sessionLine(const QString &pid, const QString &user, const QString &application,
                    const QString &client, const QString &state, const QString &since);

// For introspection of a table without a copy key: the column to split it by (TableSchema::
// sampledKey), the single column of its primary key, else of a unique index (with listed
// columns: not an expression or partial one) on a NOT NULL column, of a type `splittable`
// accepts; empty when there is none.
QString sampledKeyOf(const TableSchema &t, const std::function<bool(const ColumnSchema &)> &splittable);

// Reads `reader` to its end and sums the typed row hashes (rowhasher.h): the one checksum loop
// every engine's checksum() uses, so the engines can only differ in how they read.
Result<TableChecksum> checksumRows(RowReader &reader, const TableSchema &t, std::atomic<qint64> *rowsHashed);
// Reads the row a one-row query gave into `batch`: how many rows it gave (at most 2 are read),
// so that 1 means exactly that row and anything else a row that changed or went meanwhile.
Result<int> readSingleRow(RowReader &reader, RowBatch &batch);
// As checksumRows, for a reader whose rows carry one column more, last: a marker that, when not NULL,
// sets its row aside (one with a value too big to read whole, hashed afterwards in pieces by
// the engine) instead of hashing it. Set-aside rows are not in the sum and its row count.
Result<TableChecksum> checksumRowsSettingAside(RowReader &reader, const TableSchema &t, std::atomic<qint64> *rowsHashed,
                                               const std::function<void(const RowBatch &batch, const Value &marker)> &setAside);

} // namespace cockpit
