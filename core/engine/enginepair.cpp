#include "engine/enginepair.h"
#include "engine/postgres/postgresengine.h"
#include "engine/sqlexpression.h"
#include "engine/sqlite/sqliteengine.h"

namespace cockpit {

EnginePair::EnginePair(EngineKind source, EngineKind target)
    : m_sourceKind(source), m_targetKind(target), m_source(Engine::create(source)), m_target(Engine::create(target))
{
}

TableSchema EnginePair::targetTable(const TableSchema &source, const TableSchema &decided) const
{
    TableSchema t = decided.columns.isEmpty() ? source : decided;
    if (m_sourceKind != m_targetKind) {
        t.createSql.clear();
        for (auto &i : t.indexes)
            i.createSql.clear();
        for (auto &check : t.checks)
            check.expression = translateExpression(check.expression, m_sourceKind, *m_target, t.columns);
    }
    return t;
}

ViewSchema EnginePair::targetView(const ViewSchema &view) const
{
    ViewSchema v = view;
    if (m_sourceKind != m_targetKind)
        v.selectSql = translateExpression(v.selectSql, m_sourceKind, *m_target, {}, Rewrite::QuotesOnly);
    return v;
}

bool EnginePair::scansValues() const { return m_source->typesAreHints() && !m_target->typesAreHints(); }

EnginePair::Route EnginePair::route(DbConnection &target, const TableSchema &source, const TableSchema &targetTable,
                                    bool converted, bool wholeFromStart) const
{
    Route r;
    const bool pgTarget = m_targetKind == EngineKind::PostgreSQL;
    // The PostgreSQL writer hashes what it sends exactly when the server can sum it back.
    const bool serverSums = pgTarget && PostgresEngine::hashesOnServer(target, targetTable);
    if (m_sourceKind == EngineKind::SQLite && m_targetKind == EngineKind::SQLite && !converted
        && (source.hasCopyKey() || wholeFromStart)) {
        r.copy = CopyPath::InsideSqlite;
    } else if (m_sourceKind == EngineKind::PostgreSQL && pgTarget && source.hasCopyKey() && !source.hasSampledKey()
               && !converted && PostgresEngine::Passthrough::applies(targetTable)) {
        r.copy = CopyPath::Passthrough;
        r.full = RowSums::RawBinary;
        r.streamed = serverSums ? RowSums::Server : RowSums::RawBinary;
        return r;
    }
    r.streamed = serverSums && r.copy == CopyPath::Rows ? RowSums::Server : RowSums::Typed;
    return r;
}

Result<std::unique_ptr<TableCopier>> EnginePair::openCopier(const Route &route, DbConnection &source,
                                                            const ConnectionUrl &sourceUrl, DbConnection &target,
                                                            const TableSchema &sourceTable, const TableSchema &targetTable,
                                                            qint64 afterKey, qint64 keyHi) const
{
    switch (route.copy) {
    case CopyPath::InsideSqlite: {
        auto attached = SqliteEngine::AttachedCopy::open(target, sourceUrl.path, sourceTable, keyHi);
        if (!attached)
            return attached.error();
        return std::unique_ptr<TableCopier>(std::move(*attached));
    }
    case CopyPath::Passthrough: {
        auto pass = PostgresEngine::Passthrough::open(source, target, sourceTable, afterKey, keyHi,
                                                      route.streamed == RowSums::Server ? PostgresEngine::binaryKinds(targetTable)
                                                                                        : std::vector<PgBinaryKind>());
        if (!pass)
            return pass.error();
        return std::unique_ptr<TableCopier>(std::move(*pass));
    }
    case CopyPath::Rows: break;
    }
    return makeError(QStringLiteral("rows of \"%1\" are copied by a reader and a writer, not a copier").arg(sourceTable.name));
}

QString EnginePair::describe(CopyPath path)
{
    switch (path) {
    case CopyPath::Rows: return QString();
    case CopyPath::InsideSqlite: return QStringLiteral("rows copied inside SQLite (INSERT ... SELECT on the attached source)");
    case CopyPath::Passthrough:
        return QStringLiteral("rows travel in COPY's binary format, not decoded (PostgreSQL to PostgreSQL, same types)");
    }
    return QString();
}

Result<TableChecksum> EnginePair::sourceSum(const Route &route, DbConnection &source, const TableSchema &sourceTable,
                                            std::atomic<qint64> *rowsHashed) const
{
    if (route.full == RowSums::RawBinary)
        return PostgresEngine::rawChecksum(source, sourceTable, rowsHashed);
    return m_source->checksum(source, sourceTable, rowsHashed);
}

Result<TableChecksum> EnginePair::targetSum(const Route &route, bool streamed, DbConnection &target,
                                            const TableSchema &targetTable, IndexBuilds builds,
                                            std::atomic<qint64> *rowsHashed) const
{
    switch (streamed ? route.streamed : route.full) {
    case RowSums::Server: return PostgresEngine::serverChecksum(target, targetTable, builds, rowsHashed);
    case RowSums::RawBinary: return PostgresEngine::rawChecksum(target, targetTable, rowsHashed);
    case RowSums::Typed: break;
    }
    return m_target->checksum(target, targetTable, rowsHashed);
}

} // namespace cockpit
