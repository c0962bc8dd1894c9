#pragma once
// PostgreSQL: bulk writing with COPY ... FROM STDIN and bulk reading with COPY ... TO STDOUT,
// in the binary format where every column has one (pgbinarycopy.h, pgbinaryread.h), else in
// text, both through the libpq connection Qt's QPSQL driver exposes. Each batch is one
// transaction holding the rows and the checkpoint; synchronous_commit is off for the loader's
// session, which stays safe because a lost commit loses its checkpoint with it.
//
// The methods are defined by concern: pgtypes.cpp (type mapping, quoting, relations),
// pgintrospect.cpp (schema, views, access, stats), pgreader.cpp, pgwriter.cpp, pgcheckpoint.cpp
// (checkpoint table, prepare and finish of the target), pgfence.cpp (a shared run's lease epochs), pgddl.cpp (tables, indexes, keys,
// constraints, views, identities), pgpassthrough.cpp, pgchecksum.cpp (text, raw and server
// checksums) and pgserverstate.cpp (preflight: sessions, size on disk, data directory); what
// several of them share is in pgsession.h (libpq) and pginternal.h.

#include "engine/engine.h"
#include "engine/postgres/pgbinarycopy.h"

namespace cockpit {

class RowHasher;

class PostgresEngine final : public Engine {
public:
    QString quoteIdentifier(const QString &name) const override;
    // NAMEDATALEN - 1 bytes: a longer name is cut, with a NOTICE only.
    NameRules nameRules() const override { return {63, true, false, false}; }
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
    QString qualifiedName(DbConnection &c, const QString &table) const override;
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
    bool defersPrimaryKey() const override { return true; }
    Result<QString> addPrimaryKey(DbConnection &c, const TableSchema &t, IndexBuilds builds) override;
    Result<TableChecksum> checksum(DbConnection &c, const TableSchema &t,
                                   std::atomic<qint64> *rowsHashed = nullptr) override;
    Result<std::unique_ptr<RowReader>> openOrderedReader(DbConnection &c, const TableSchema &t) override;

protected:
    Result<std::unique_ptr<RowReader>> openKeyRangeRows(DbConnection &c, const TableSchema &t, const KeyRange &range,
                                                        qint64 skip) override;
    QString readRelation(DbConnection &c, const TableSchema &t) const override;

public:

    // Whether `reader` (from this engine) reads binary COPY rather than text (pgbinaryread.h).
    static bool readsBinary(const RowReader &reader);

    // The PostgreSQL type for an engine-neutral column type (README "Type mapping").
    static QString typeName(const ColumnType &type);
    // How each column of `t` (as created on the target) travels in binary COPY; empty when one
    // of them must travel as text (pgbinarycopy.h).
    static std::vector<PgBinaryKind> binaryKinds(const TableSchema &t);

    // PostgreSQL to PostgreSQL, every column of a plain built-in type declared the same on both
    // sides: rows travel in COPY's binary format from the source to the target without being
    // decoded (only each batch's last key is read), and are hashed as they pass: by their raw
    // binary values, and then both sides of such a table's validation hash those raw values
    // (rawChecksum), which on one engine with one type per column is the same normalization;
    // or, when open() is given the server's hash kinds, with pgrowhash (serverChecksum).
    class Passthrough final : public TableCopier {
    public:
        // Whether `t` (the table as created on the target) can travel this way.
        static bool applies(const TableSchema &t);
        // Source rows with afterKey < key <= keyHi in key order (all rows without a copy key).
        // `serverHashKinds`: the target table's binaryKinds() when hashesOnServer(), and the rows
        // are hashed with pgrowhash; empty: by their raw values (rawChecksum).
        static Result<std::unique_ptr<Passthrough>> open(DbConnection &source, DbConnection &target,
                                                         const TableSchema &t, qint64 afterKey, qint64 keyHi,
                                                         std::vector<PgBinaryKind> serverHashKinds);
        ~Passthrough() override;
        // Rows sent to the target undecoded; the batch's last key is the only value read.
        Result<int> copyBatch(Checkpoint &cp, int maxRows) override;
        bool hashesRows() const override { return true; }

    private:
        Passthrough() = default;
        struct pg_conn *m_source = nullptr;
        struct pg_conn *m_target = nullptr;
        QByteArray m_copySql;
        QString m_checkpointSql;
        QString m_fenceSql; // fenceCheckSql
        int m_keyColumn = -1;
        int m_columns = 0;
        bool m_headerSeen = false;
        bool m_done = false;
        std::vector<PgBinaryKind> m_serverKinds; // empty: raw hashing
        std::string m_tuples;
        // A keyed read of a table with bytea columns: a big value arrives as a stand-in, and its
        // row is sent alone, the value read in pieces (pgpassthrough.cpp).
        Status restartSource(qint64 afterKey);
        bool hasStandIn(const char *p, size_t n) const;
        Status sendBigRow(qint64 key, RowHasher *hasher, quint64 &sum, bool &sent);
        QString m_select, m_relation, m_key;
        qint64 m_keyHi = 0;
        std::vector<bool> m_bytea; // per column; empty: no big value is read in pieces
        QStringList m_quoted;
        bool m_restart = false; // the source COPY to start again, after m_restartAfter
        qint64 m_restartAfter = 0;
    };
    // Row count and the sum of raw-binary row hashes (see Passthrough).
    static Result<TableChecksum> rawChecksum(DbConnection &c, const TableSchema &t, std::atomic<qint64> *rowsHashed);

    // Whether rows of `t` (as created on the target `c`) are hashed as they are sent with the
    // server-computable row hash (pgrowhash.h) - by the writer, or by a Passthrough told so -
    // so that validation can have the server sum the target's rows (serverChecksum) instead of
    // reading them back: every column has a hashable binary kind and the database stores text
    // as the UTF-8 the copy sends.
    static bool hashesOnServer(DbConnection &c, const TableSchema &t);
    // Row count and the server's sum of pgrowhash row hashes over `t`; `builds` says whether
    // the server may add parallel workers to the scan (plan "indexBuilds"). A table of more
    // than `blocksPerPart` heap blocks is summed in parts of that many blocks (TID range scans,
    // PostgreSQL 14 and later), each adding its rows to `rowsHashed`: progress, and a Cancel
    // that ends within a part.
    static Result<TableChecksum> serverChecksum(DbConnection &c, const TableSchema &t, IndexBuilds builds,
                                                std::atomic<qint64> *rowsHashed, qint64 blocksPerPart = 4096);
    // CREATE TABLE for the target, and the defaults it could not carry over.
    QString createTableSql(const QString &schema, const TableSchema &t, QStringList *dropped) const;

private:
    // `t` in the connection's schema for a FROM clause: its own rows only (see TableSchema).
    QString relation(const DbConnection &c, const TableSchema &t) const;
};

} // namespace cockpit
