#pragma once
// SQLite: introspection through sqlite_master and the table pragmas; bulk reading and writing
// through the native sqlite3* handle Qt's driver exposes (prepared statements, one
// transaction per batch, WAL on the target). The methods are defined by concern:
// sqliteintrospect.cpp (tables, views, counts), sqliteddl.cpp (tables, indexes, views,
// constraints), sqlitecheckpoint.cpp, sqlitefence.cpp, sqlitereader.cpp, sqlitewriter.cpp,
// sqliteattachedcopy.cpp (AttachedCopy), sqlitechecksum.cpp, sqlitevaluescan.cpp, and
// sqliteengine.cpp (quoting, firstRows, the preflight's sessions); sqliteinternal.h holds
// what several of them share.

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
    Status raiseFence(DbConnection &c, const QString &task, qint64 epoch) override;
    Status checkFence(DbConnection &c, const QString &task, qint64 epoch) override;
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

    // Whether the SQLite database has an index of that name.
    Result<bool> hasIndex(DbConnection &c, const QString &index) override;
    // The write lock at once, not in the middle of a script.
    QString beginTransactionSql() const override { return QStringLiteral("BEGIN IMMEDIATE"); }

    // SQLite to SQLite: the source file is attached to the target connection and each batch is
    // one INSERT ... SELECT inside SQLite (no row leaves the library), in one transaction with
    // the checkpoint, for source rows with key <= keyHi (EnginePair::openCopier).
    class AttachedCopy final : public TableCopier {
    public:
        static Result<std::unique_ptr<AttachedCopy>> open(DbConnection &target, const QString &sourcePath,
                                                          const TableSchema &t, qint64 keyHi);
        ~AttachedCopy() override;
        Result<int> copyBatch(Checkpoint &cp, int batchSize) override;
        bool hashesRows() const override { return false; } // the rows never leave SQLite
        bool copiesWhole() const override { return true; }
        // When the target table was made from the source's own CREATE TABLE,
        // SQLite's transfer optimization copies the records, and the entries of indexes the
        // target already has, without decoding or sorting them (measured on the 1,000,000-row
        // INVENTTRANS: 1.8 s with its two indexes vs 1.2 s + 2.0 s CREATE INDEX afterwards).
        // A kill rolls it all back: the task then starts the table again.
        // `rowsCopied` follows the statement's progress, estimated from SQLite's VM steps
        // (the transfer does a fixed number per row and index), up to `expectedRows`.
        // `sourceHash(rows)`, called once the rows are in and before the commit, gives the
        // checkpoint its rowHashSum (Checkpoint) when it has one for exactly `rows` rows.
        Result<qint64> copyWhole(Checkpoint &cp, qint64 completeKey, std::atomic<qint64> *rowsCopied, qint64 expectedRows,
                                 int indexes, const std::function<Result<std::optional<quint64>>(qint64 rows)> &sourceHash) override;

    private:
        AttachedCopy() = default;
        DbConnection *m_target = nullptr;
        sqlite3 *m_db = nullptr;
        qint64 m_keyHi = 0;
        QString m_boundSql, m_insertSql, m_wholeSql, m_checkpointSql;
        Status commitWithCheckpoint(const Checkpoint &cp);
    };

    // The primary-key columns (other than the rowid alias) holding a NULL: each looked up
    // through the key's own index, so the preflight can ask without reading the table.
    Result<QStringList> keyColumnsWithNulls(DbConnection &c, const TableSchema &t) override;
    // One pass over the table, the test running inside SQLite (an aggregate), rowid lanes on a
    // connection per core.
    Result<std::vector<ColumnValues>> scanValues(DbConnection &c, const TableSchema &t, const QVector<ColumnSchema> &columns,
                                                 const std::vector<ScanAs> &as) override;
    bool typesAreHints() const override { return true; }

    // CREATE TABLE built from the column model (used when the source's own SQL is not SQLite's).
    QString createTableSql(const TableSchema &t, QStringList *dropped = nullptr) const;

private:
    // createTableSql(), leaving out (with a warning) the checks SQLite cannot run.
    Status createTableWithChecks(sqlite3 *db, const TableSchema &t, QStringList *warnings) const;
};

} // namespace cockpit
