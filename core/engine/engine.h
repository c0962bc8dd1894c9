#pragma once
// What every database engine provides to the tasks: introspection, creating tables and
// indexes, fast bulk reading and writing, checkpoints and checksums. One implementation per
// engine folder (sqlite/ now; postgres/ and mysql/ follow), chosen by the URL's scheme.
//
// Thread contract: an Engine is stateless and may be shared; every call runs in the thread
// that opened the DbConnection it is given.

#include "engine/dbconnection.h"
#include "engine/rowbatch.h"
#include "engine/schema.h"
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
    // Writes `batch` and `checkpoint` in one transaction and commits.
    virtual Status writeBatch(const RowBatch &batch, const Checkpoint &checkpoint) = 0;
};

enum class PrepareMode { FailIfExists, Replace };

class Engine {
public:
    virtual ~Engine() = default;
    static std::unique_ptr<Engine> create(EngineKind kind);

    virtual QString quoteIdentifier(const QString &name) const = 0;
    // "a", "b", ... quoted for this engine.
    QString quotedList(const QStringList &names) const;
    // Every column of `t`, in order, quoted.
    QString columnList(const TableSchema &t) const;
    // The order that names rows for first-difference reports: the primary key, or every
    // column when there is none.
    QString keyOrder(const TableSchema &t) const;

    // The body of a CREATE TABLE: `name type [NOT NULL] [DEFAULT d]` per column, then the
    // PRIMARY KEY constraint. A default written for `own` engine is kept as written (except a
    // sequence's nextval, which the target does not have); others go through portableDefault(),
    // and those without an equivalent are named in `dropped`.
    QString columnDefinitions(const TableSchema &t, EngineKind own,
                              const std::function<QString(const ColumnSchema &)> &typeOf,
                              QStringList *dropped = nullptr) const;

    // Tables of the database (without the cockpit's own checkpoint table).
    virtual Result<QVector<TableSchema>> introspect(DbConnection &c) = 0;
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
    // After the run: removes the checkpoint table and leaves the target in its normal mode.
    virtual Status finishTarget(DbConnection &c) = 0;

    // Source rows with afterKey < key <= keyHi in key order (all rows when no copy key).
    virtual Result<std::unique_ptr<RowReader>> openReader(DbConnection &c, const TableSchema &t,
                                                          qint64 afterKey, qint64 keyHi) = 0;
    virtual Result<std::unique_ptr<RowWriter>> openWriter(DbConnection &c, const TableSchema &t) = 0;

    // Deletes every row of the target table (a keyless copy starting again).
    virtual Status clearTable(DbConnection &c, const TableSchema &t) = 0;
    virtual Status createIndex(DbConnection &c, const TableSchema &t, const IndexSchema &index) = 0;

    // Row count and order-independent checksum (see rowhasher.h for the normalization).
    // `rowsHashed`, when given, counts the rows as they are read (progress of a validation).
    virtual Result<TableChecksum> checksum(DbConnection &c, const TableSchema &t,
                                           std::atomic<qint64> *rowsHashed = nullptr) = 0;
    // Every row in primary-key order (all columns' order when there is no primary key), for
    // naming the first differing rows after a checksum mismatch. Batch keys are row numbers.
    virtual Result<std::unique_ptr<RowReader>> openOrderedReader(DbConnection &c,
                                                                 const TableSchema &t) = 0;
};

inline constexpr char kCheckpointTable[] = "_cockpit_checkpoint";

// Reads `reader` to its end and sums the typed row hashes (rowhasher.h): the one checksum loop
// every engine's checksum() uses, so the engines can only differ in how they read.
Result<TableChecksum> checksumRows(RowReader &reader, const TableSchema &t, std::atomic<qint64> *rowsHashed);

} // namespace cockpit
