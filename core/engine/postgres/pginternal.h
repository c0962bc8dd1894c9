#pragma once
// What several of the PostgreSQL engine's files (pg*.cpp) share beyond libpq (pgsession.h):
// the checkpoint and fence tables' statements, the column classes, the reader's COPY OUT start and the
// walk over binary COPY rows. Internal to core/engine/postgres.

#include "engine/engine.h"
#include "engine/postgres/pgsession.h"

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace cockpit {

class RowHasher;

namespace pginternal {

inline const QString kCheckpoint = QString::fromLatin1(kCheckpointTable);
inline const QString kFence = QString::fromLatin1(kFenceTable);

// A row from this size on: a passthrough row ends its batch and is sent from where libpq put it
// (Passthrough::copyBatch; smaller rows are copied together, as per-batch costs outweigh a
// copy), and the connection that read it is not kept (connectionpool::dropWhenGivenBack).
constexpr size_t kDirectRow = size_t(16) << 20;

// The statement that records a copy task's checkpoint in `schema` (quoted), inserted or replaced
// (pgcheckpoint.cpp).
QString checkpointUpsertSql(const QString &schema);

// The statement that reads a task's lease epoch in `schema` (quoted) FOR SHARE (pgfence.cpp).
QString fenceCheckSql(const QString &schema);
// Inside a batch's transaction: `task`'s fence row holds exactly `epoch`, locked until the
// transaction ends (Engine::checkFence); nothing is run for epoch 0 (pgfence.cpp).
Status checkFence(PGconn *conn, const QString &checkSql, const QString &task, qint64 epoch);

// Inside a batch's transaction, once its rows are in: records `cp`, checks the fence
// (`fenceSql`: fenceCheckSql) and commits (pgcheckpoint.cpp).
Status saveCheckpointAndCommit(PGconn *conn, const QString &upsertSql, const QString &fenceSql, const Checkpoint &cp);

inline std::vector<TypeClass> classesOf(const TableSchema &t)
{
    std::vector<TypeClass> out;
    for (const auto &c : t.columns)
        out.push_back(c.type.cls);
    return out;
}

// Rows of `query` (COPY (query) TO STDOUT, binary when every column reads so, else text),
// typed by `classes`; `keyFirst`: the query's first column is the copy key (pgreader.cpp).
Result<std::unique_ptr<RowReader>> startCopyOut(PGconn *conn, const QString &query, std::vector<TypeClass> classes,
                                                bool keyFirst);

// Walks one binary row: hashes the raw bytes of every field from `firstHashed` on into `hasher`
// (when given) and reads the integer at `keyColumn` into `key`. False when the row is not
// `columns` well-formed fields (pgpassthrough.cpp).
bool walkBinaryRow(const char *p, size_t n, int columns, int keyColumn, RowHasher *hasher, qint64 &key, int firstHashed = 0);

// Reads one message of a binary COPY OUT: a row (returned), the trailer or the end (nullopt,
// `done` set). The header, which the server sends in front of the first row, is skipped
// (pgpassthrough.cpp).
Result<std::optional<std::pair<char *, size_t>>> nextBinaryRow(PGconn *conn, bool &headerSeen, bool &done, char *&buffer);

// Runs `copySql` (a COPY … TO STDOUT (FORMAT binary)) and hands each row to `row` until the
// end, the first error or the first failed `row`; an unfinished COPY is abandoned, so the
// connection is usable afterwards (pgpassthrough.cpp).
Status forEachBinaryRow(PGconn *conn, const QString &copySql, const std::function<Status(const char *p, size_t n)> &row);

// From this size on a bytea value is read in pieces of kByteaPiece (a multiple of 8:
// RowHasher::addPiece), never whole (pgbigvalue.cpp, and the reader: pgreader.cpp).
constexpr int kBigBytea = int(kDirectRow); // 16 MB: a smaller value keeps the one-COPY read
constexpr int kByteaPiece = 4 * 1024 * 1024;

// A big bytea in a keyed read (the reader's, a passthrough's) arrives as this value instead:
// `byteaOrStandIn` (the server's octet_length reads no TOASTed value); the row is then read
// again, its big values in pieces (a small value equal to the stand-in is told apart by its size).
inline const QByteArray kBigByteaStandIn = QByteArrayLiteral("cockpit big bytea read in pieces");
inline QString byteaOrStandIn(const QString &quoted)
{
    return QStringLiteral("CASE WHEN octet_length(%1) >= %2 THEN decode('%3', 'hex') ELSE %1 END")
        .arg(quoted, QString::number(kBigBytea), QString::fromLatin1(kBigByteaStandIn.toHex()));
}

// Column `column` (quoted) of `relation`'s row `where` (a condition naming one row), `size`
// bytes from the server in pieces, each handed to `piece` (pgbigvalue.cpp).
Status readByteaInPieces(PGconn *conn, const QString &relation, const QString &column, const QString &where,
                         const QStringList &whereParams, qint64 size,
                         const std::function<void(const char *, int)> &piece);

// Checksums of a table with bytea columns that read a big value in pieces, never whole
// (pgbigvalue.cpp): rawChecksum's and checksumRows' sums. `relation`: t's for a FROM clause.
bool readsBigByteaInPieces(const TableSchema &t);
Result<TableChecksum> rawChecksumInPieces(DbConnection &c, const TableSchema &t, const QString &relation,
                                          std::atomic<qint64> *rowsHashed);
Result<TableChecksum> typedChecksumInPieces(DbConnection &c, const TableSchema &t, const QString &relation,
                                            std::atomic<qint64> *rowsHashed);

} // namespace pginternal

} // namespace cockpit
