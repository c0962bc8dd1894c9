#pragma once
// The one place that knows pairs of engines: how a table travels from the source's engine to
// the target's, and how that copy is proven. A copy and its validation ask route() for the same
// table and get the same answer, so the sums validation compares were made the same way; the
// tasks (core/tasks) and the run (core/run) ask this and never name an engine.
//
// Thread contract: stateless after construction, like Engine; every call runs in the thread
// that opened the connections it is given.

#include "engine/engine.h"

#include <memory>

namespace cockpit {

class EnginePair {
public:
    EnginePair(EngineKind source, EngineKind target);

    Engine &source() const { return *m_source; }
    Engine &target() const { return *m_target; }

    // The table as the target creates it (`decided`: what the value scan and the overrides made
    // of `source`, targettable.h; no columns: the source table itself). The source's own DDL is
    // kept only between two databases of one engine; otherwise the engine builds it from the
    // column model, with the checks' expressions translated.
    TableSchema targetTable(const TableSchema &source, const TableSchema &decided = {}) const;
    // `view` with the source's quoting ("x" on SQLite and PostgreSQL, `x` on MariaDB) in the target's.
    ViewSchema targetView(const ViewSchema &view) const;
    // Whether a source table's values decide its target types (targettable.h): a source whose
    // declared types are only hints, into an engine whose types are real.
    bool scansValues() const;

    enum class CopyPath {
        Rows,         // RowReader -> ValueConverter -> RowWriter (every pair)
        InsideSqlite, // SQLite to SQLite: INSERT ... SELECT on the attached source file
        Passthrough,  // PostgreSQL to PostgreSQL, same built-in types: binary COPY, undecoded
    };
    // How a row is hashed for a sum.
    enum class RowSums {
        Typed,     // RowHasher over the decoded, typed values (rowhasher.h)
        RawBinary, // the raw binary COPY values (PostgreSQL to PostgreSQL undecoded)
        Server,    // pgrowhash (pgrowhash.h): hashed as sent, the target then summed by the server
    };
    struct Route {
        CopyPath copy = CopyPath::Rows;
        // What the copy's running sum (Checkpoint::rowHashSum) hashes, hence what a streamed
        // validation sums the target with.
        RowSums streamed = RowSums::Typed;
        // What both sides of a full validation are summed with.
        RowSums full = RowSums::Typed;
    };
    // The route of one table. `target`: a connection to the target (whether it stores text as
    // the copy sends it); `converted`: values are converted (ValueConverter::active), which
    // needs decoded rows; `wholeFromStart`: the copy is one whole table starting from no rows,
    // which SQLite can copy in one statement even without a key. The copy path can differ with
    // `wholeFromStart`; the sums cannot.
    Route route(DbConnection &target, const TableSchema &source, const TableSchema &targetTable, bool converted,
                bool wholeFromStart = false) const;

    // The copier of a route whose path is not Rows: source rows with afterKey < key <= keyHi
    // (all rows when the table has no key). `sourceUrl` locates a SQLite source file.
    Result<std::unique_ptr<TableCopier>> openCopier(const Route &route, DbConnection &source, const ConnectionUrl &sourceUrl,
                                                    DbConnection &target, const TableSchema &sourceTable,
                                                    const TableSchema &targetTable, qint64 afterKey, qint64 keyHi) const;
    // Message for the task log when a route's copy path is not the general one.
    static QString describe(CopyPath path);

    // A full validation's sum of the source (values not converted: see ValueConverter for the
    // converted form) and of the target; a streamed validation's target sum. `rowsHashed`
    // counts rows as they are read.
    Result<TableChecksum> sourceSum(const Route &route, DbConnection &source, const TableSchema &sourceTable,
                                    std::atomic<qint64> *rowsHashed) const;
    Result<TableChecksum> targetSum(const Route &route, bool streamed, DbConnection &target, const TableSchema &targetTable,
                                    IndexBuilds builds, std::atomic<qint64> *rowsHashed) const;

private:
    EngineKind m_sourceKind, m_targetKind;
    std::unique_ptr<Engine> m_source, m_target;
};

} // namespace cockpit
