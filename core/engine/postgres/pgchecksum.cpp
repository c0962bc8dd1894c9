#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"
#include "engine/postgres/pgrowhash.h"
#include "engine/rowhasher.h"

#include <QScopeGuard>
#include <cstring>

namespace cockpit {

using namespace pginternal;

bool PostgresEngine::hashesOnServer(DbConnection &c, const TableSchema &t)
{
    const char *encoding = PQparameterStatus(c.postgres(), "server_encoding");
    return encoding && std::strcmp(encoding, "UTF8") == 0 && pgrowhash::covers(binaryKinds(t));
}

Result<TableChecksum> PostgresEngine::serverChecksum(DbConnection &c, const TableSchema &t, IndexBuilds builds,
                                                     std::atomic<qint64> *rowsHashed, qint64 blocksPerPart)
{
    PostgresEngine e;
    QStringList columns;
    for (const auto &col : t.columns)
        columns << e.quoteIdentifier(col.name);
    const QString select = pgrowhash::sumSql(e.relation(c, t), columns, binaryKinds(t));
    // One snapshot for every part; Threads: the batch groups already keep the cores busy.
    if (auto st = pgRun(c.postgres(),
                        QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ%1")
                            .arg(builds == IndexBuilds::Threads ? QStringLiteral("; SET LOCAL max_parallel_workers_per_gather = 0") : QString()),
                        QStringLiteral("begin the checksum"));
        !st)
        return st.error();
    auto rollback = qScopeGuard([&] { PQclear(PQexec(c.postgres(), "ROLLBACK")); });
    qint64 blocks = 0;
    if (!t.partitioned && PQserverVersion(c.postgres()) >= 140000) {
        auto size = pgExec(c.postgres(), QStringLiteral("SELECT pg_relation_size($1::regclass) / current_setting('block_size')::bigint"),
                           {e.qualifiedName(c, t.name)});
        if (!size)
            return size.error();
        blocks = size->text(0, 0).toLongLong();
    }
    QStringList parts;
    if (blocks <= blocksPerPart) {
        parts << select;
    } else {
        for (qint64 lo = 0; lo < blocks; lo += blocksPerPart)
            parts << select + (lo + blocksPerPart < blocks ? QStringLiteral(" WHERE ctid >= '(%1,0)'::tid AND ctid < '(%2,0)'::tid")
                                                                 .arg(lo)
                                                                 .arg(lo + blocksPerPart)
                                                           : QStringLiteral(" WHERE ctid >= '(%1,0)'::tid").arg(lo));
    }
    TableChecksum sum;
    for (const QString &part : parts) {
        auto r = pgExec(c.postgres(), part);
        if (!r)
            return makeError(QStringLiteral("summing the row hashes of \"%1\" on the server failed: %2").arg(t.name, r.error().message),
                             part);
        quint64 partSum = 0;
        if (!pgrowhash::reduceSum(r->text(0, 1), partSum))
            return makeError(QStringLiteral("the server's sum of the row hashes of \"%1\" is not a number: %2").arg(t.name, r->text(0, 1)));
        const qint64 rows = r->text(0, 0).toLongLong();
        sum.rows += rows;
        sum.sum += partSum;
        if (rowsHashed)
            *rowsHashed += rows;
    }
    rollback.dismiss();
    if (auto st = pgRun(c.postgres(), QStringLiteral("COMMIT"), QStringLiteral("end the checksum")); !st)
        return st.error();
    return sum;
}

Result<TableChecksum> PostgresEngine::rawChecksum(DbConnection &c, const TableSchema &t, std::atomic<qint64> *rowsHashed)
{
    PostgresEngine e;
    if (readsBigByteaInPieces(t))
        return rawChecksumInPieces(c, t, e.relation(c, t), rowsHashed);
    const QString sql = QStringLiteral("COPY (SELECT %1 FROM %2) TO STDOUT (FORMAT binary)").arg(e.columnList(t), e.relation(c, t));
    RowHasher hasher;
    TableChecksum sum;
    const int columns = int(t.columns.size());
    auto st = forEachBinaryRow(c.postgres(), sql, [&](const char *p, size_t n) -> Status {
        qint64 unusedKey = 0;
        if (!walkBinaryRow(p, n, columns, -1, &hasher, unusedKey))
            return makeError(QStringLiteral("reading rows failed: a binary COPY row does not have %1 fields").arg(columns));
        sum.sum += hasher.finishRow();
        if (++sum.rows % 4096 == 0 && rowsHashed)
            *rowsHashed += 4096;
        return {};
    });
    if (!st)
        return st.error();
    return sum;
}

Result<TableChecksum> PostgresEngine::checksum(DbConnection &c, const TableSchema &t, std::atomic<qint64> *rowsHashed)
{
    if (readsBigByteaInPieces(t))
        return typedChecksumInPieces(c, t, relation(c, t), rowsHashed);
    auto reader = startCopyOut(c.postgres(),
                               QStringLiteral("SELECT %1 FROM %2").arg(columnList(t), relation(c, t)),
                               classesOf(t), false);
    if (!reader)
        return reader.error();
    return checksumRows(**reader, t, rowsHashed);
}

} // namespace cockpit
