#pragma once
// MySQL / MariaDB: bulk writing with multi-row INSERT ... VALUES statements (each under the
// server's max_allowed_packet) and streaming reads with mysql_use_result, both through the
// MariaDB client handle Qt's QMYSQL driver exposes. Each batch is one transaction holding
// the rows and the checkpoint. The database is the URL's path; identifiers use backticks.
// The methods are defined by concern: mysqlintrospect.cpp (tables, views, counts),
// mysqlddl.cpp (tables, indexes, views, constraints, identity), mysqlcheckpoint.cpp, mysqlfence.cpp,
// mysqlreader.cpp (copy, ordered and checksum reads), mysqlwriter.cpp, and mysqlengine.cpp
// (quoting, access, firstRows, the preflight's sessions); mysqlclient.h holds what several
// of them share.

#include "engine/engine.h"

namespace cockpit {

class MysqlEngine final : public Engine {
public:
    QString quoteIdentifier(const QString &name) const override;
    // 64 characters; column names ignore case (table names do not, on Linux).
    NameRules nameRules() const override { return {64, false, false, true}; }
    Result<QVector<TableSchema>> introspect(DbConnection &c) override;
    Status checkAccess(DbConnection &c, const QVector<TableSchema> &tables, bool asTarget) override;
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
    QString identityClause(const TableSchema &t, const ColumnSchema &column) const override;
    bool numbersColumn(const TableSchema &t, const ColumnSchema &column, QString *why) const override;
    QString adaptForeignKey(const TableSchema &t, ForeignKeySchema &fk) const override;
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

    // CREATE TABLE for the target (InnoDB, utf8mb4_nopad_bin so text compares byte-exact).
    QString createTableSql(const TableSchema &t, QStringList *dropped = nullptr) const;

    // The server's max_allowed_packet: the largest statement, hence row, it takes.
    static Result<qint64> maxAllowedPacket(DbConnection &c);
    // max_allowed_packet less 64 KB for the INSERT around the row (ValueConverter::setMaxRowBytes).
    Result<std::optional<qint64>> maxRowBytes(DbConnection &c) override;
    QString beginTransactionSql() const override { return QStringLiteral("START TRANSACTION"); }
    bool commitsDdlAtOnce() const override { return true; }
};

} // namespace cockpit
