#include "engine/tablesizes.h"

#include <QSqlQuery>

namespace cockpit {

namespace {

Result<QHash<QString, qint64>> collect(DbConnection &c, const QString &sql, const QVariantList &binds)
{
    QSqlQuery q(c.db());
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return makeError(QStringLiteral("%1: cannot read table sizes: %2")
                             .arg(c.url().display(), c.errorOf(q)),
                         sql);
    for (const QVariant &v : binds)
        q.addBindValue(v);
    if (!q.exec())
        return makeError(QStringLiteral("%1: cannot read table sizes: %2")
                             .arg(c.url().display(), c.errorOf(q)),
                         sql);
    QHash<QString, qint64> sizes;
    while (q.next())
        sizes.insert(q.value(0).toString(), q.value(1).toLongLong());
    return sizes;
}

} // namespace

Result<QHash<QString, qint64>> tableSizes(DbConnection &c)
{
    switch (c.url().engine) {
    case EngineKind::SQLite: {
        // dbstat lists every b-tree page; an index's pages count for its table.
        QSqlQuery probe(c.db());
        if (!probe.exec(QStringLiteral("SELECT 1 FROM dbstat LIMIT 1")))
            return QHash<QString, qint64>{};
        return collect(c,
                       QStringLiteral("SELECT m.tbl_name, sum(s.pgsize) FROM dbstat s "
                                      "JOIN sqlite_master m ON m.name = s.name "
                                      "WHERE m.type IN ('table', 'index') GROUP BY m.tbl_name"),
                       {});
    }
    case EngineKind::PostgreSQL:
        // Partitions are tables of their own in pg_class: a partitioned table counts its
        // partitions, and theirs (a partitioned table has no storage of its own). Children by
        // plain inheritance are not partitions: they are read, and counted, as tables of their own.
        return collect(c,
                       QStringLiteral("WITH RECURSIVE tree(root, rel) AS ("
                                      "SELECT c.oid, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                      "WHERE n.nspname = ? AND c.relkind IN ('r', 'p') "
                                      "UNION ALL SELECT t.root, i.inhrelid FROM tree t JOIN pg_inherits i ON i.inhparent = t.rel "
                                      "JOIN pg_class p ON p.oid = i.inhrelid WHERE p.relispartition) "
                                      "SELECT c.relname, sum(pg_total_relation_size(t.rel))::bigint FROM tree t "
                                      "JOIN pg_class c ON c.oid = t.root GROUP BY c.relname"),
                       {c.schema()});
    case EngineKind::MySQL:
        return collect(c,
                       QStringLiteral("SELECT table_name, coalesce(data_length, 0) + coalesce(index_length, 0) "
                                      "FROM information_schema.tables "
                                      "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"),
                       {});
    }
    return QHash<QString, qint64>{};
}

} // namespace cockpit
