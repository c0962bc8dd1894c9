#pragma once
// SQLite: introspection through sqlite_master and the table pragmas; bulk reading and writing
// through the native sqlite3* handle Qt's driver exposes (prepared statements, one
// transaction per batch, WAL on the target).

#include "engine/engine.h"

#include <functional>

#include <optional>
#include <vector>

namespace cockpit {

class SqliteEngine final : public Engine {
public:
    QString quoteIdentifier(const QString &name) const override;
    // No length limit; names ignore case (ASCII).
    NameRules nameRules() const override { return {0, false, true, true}; }
    Result<QVector<TableSchema>> introspect(DbConnection &c) override;
    Result<QVector<ViewSchema>> introspectViews(DbConnection &c) override;
    Result<QStringList> otherSessions(DbConnection &c) override;
    Result<QString> describeSession(DbConnection &observer, qint64 session) override;
    Result<qint64> sizeOnDisk(DbConnection &c, const QVector<TableSchema> &tables) override;
    Result<QString> dataDirectory(DbConnection &c) override;
    Status addForeignKey(DbConnection &c, const TableSchema &t, const ForeignKeySchema &fk) override;
    Status addCheck(DbConnection &c, const TableSchema &t, const CheckSchema &check) override;
    Result<qint64> resetIdentity(DbConnection &c, const TableSchema &t, const ColumnSchema &column) override;
    Status createView(DbConnection &c, const ViewSchema &view) override;
    Result<QVector<QStringList>> firstRows(DbConnection &c, const QString &sql, int limit) override;
    Result<TableStats> stats(DbConnection &c, const TableSchema &t) override;
    Result<qint64> countRange(DbConnection &c, const TableSchema &t, qint64 keyLo, qint64 keyHi) override;
    Status prepareTable(DbConnection &c, const TableSchema &t, const QString &runId,
                        PrepareMode mode, QStringList *warnings) override;
    Result<std::optional<Checkpoint>> readCheckpoint(DbConnection &c, const QString &task) override;
    Status finishTarget(DbConnection &c) override;
    Result<std::unique_ptr<RowReader>> openReader(DbConnection &c, const TableSchema &t,
                                                  qint64 afterKey, qint64 keyHi) override;
    Result<std::unique_ptr<RowWriter>> openWriter(DbConnection &c, const TableSchema &t) override;
    Status clearTable(DbConnection &c, const TableSchema &t) override;
    Status createIndex(DbConnection &c, const TableSchema &t, const IndexSchema &index, IndexBuilds builds) override;
    Result<TableChecksum> checksum(DbConnection &c, const TableSchema &t,
                                   std::atomic<qint64> *rowsHashed = nullptr) override;
    Result<std::unique_ptr<RowReader>> openOrderedReader(DbConnection &c, const TableSchema &t) override;

protected:
    Result<std::unique_ptr<RowReader>> openKeyRangeRows(DbConnection &c, const TableSchema &t, const KeyRange &range,
                                                        qint64 skip) override;

public:

    // SQLite to SQLite: the source file is attached to the target connection and each batch is
    // one INSERT ... SELECT inside SQLite (no row leaves the library), in one transaction with
    // the checkpoint. copyBatch returns the rows copied by this batch (0 at the end); moves `cp`.
    // Whether the SQLite database has an index of that name.
    static Result<bool> hasIndex(DbConnection &c, const QString &index);

    class AttachedCopy {
    public:
        static Result<std::unique_ptr<AttachedCopy>> open(DbConnection &target, const QString &sourcePath,
                                                          const TableSchema &t);
        ~AttachedCopy();
        Result<int> copyBatch(Checkpoint &cp, qint64 keyHi, int batchSize);
        // The whole table in one statement and one transaction, its checkpoint set to
        // `completeKey`. When the target table was made from the source's own CREATE TABLE,
        // SQLite's transfer optimization copies the records, and the entries of indexes the
        // target already has, without decoding or sorting them (measured on the 1,000,000-row
        // INVENTTRANS: 1.8 s with its two indexes vs 1.2 s + 2.0 s CREATE INDEX afterwards).
        // A kill rolls it all back: the task then starts the table again.
        // `rowsCopied` follows the statement's progress, estimated from SQLite's VM steps
        // (the transfer does a fixed number per row and index), up to `expectedRows`.
        // `sourceHash(rows)`, called once the rows are in and before the commit, gives the
        // checkpoint its rowHashSum (Checkpoint) when it has one for exactly `rows` rows.
        Result<qint64> copyWhole(Checkpoint &cp, qint64 completeKey, std::atomic<qint64> *rowsCopied = nullptr,
                                 qint64 expectedRows = 0, int indexes = 0,
                                 const std::function<Result<std::optional<quint64>>(qint64 rows)> &sourceHash = {});

    private:
        AttachedCopy() = default;
        DbConnection *m_target = nullptr;
        sqlite3 *m_db = nullptr;
        QString m_boundSql, m_insertSql, m_wholeSql, m_checkpointSql;
        Status commitWithCheckpoint(const Checkpoint &cp);
    };

    // SQLite keeps any value in any column: a declared type is only a hint. What a column of
    // `columns` (all of table `t`) is checked against, and what the scan found that its
    // declared type does not hold (the first such value of each storage class, in rowid order,
    // as text). One pass over the table, the test running inside SQLite.
    enum class ScanAs {
        Date,      // text other than an ISO date (valueconvert.h's parser), any number or binary
        Timestamp, // the same for an ISO timestamp
        Integer,   // text, binary, a real with a fraction
        Boolean,   // text other than true/false/yes/no/on/off/t/f/y/n/1/0, binary, numbers but 0 and 1
        Number,    // text, binary
        Any,       // nothing: only whether it holds NULLs
    };
    struct ColumnValues {
        std::optional<QString> firstText, firstBlob, firstReal, firstInteger;
        bool hasNull = false;
    };
    // The primary-key columns (other than the rowid alias) holding a NULL: each looked up
    // through the key's own index, so the preflight can ask without reading the table.
    Result<QStringList> keyColumnsWithNulls(DbConnection &c, const TableSchema &t);
    Result<std::vector<ColumnValues>> scanValues(DbConnection &c, const TableSchema &t, const QVector<ColumnSchema> &columns,
                                                 const std::vector<ScanAs> &as);

    // CREATE TABLE built from the column model (used when the source's own SQL is not SQLite's).
    QString createTableSql(const TableSchema &t, QStringList *dropped = nullptr) const;

private:
    // createTableSql(), leaving out (with a warning) the checks SQLite cannot run.
    Status createTableWithChecks(sqlite3 *db, const TableSchema &t, QStringList *warnings) const;
};

} // namespace cockpit
