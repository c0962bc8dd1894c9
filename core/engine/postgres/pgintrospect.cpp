#include "engine/postgres/postgresengine.h"
#include "engine/postgres/pginternal.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace cockpit {

using namespace pginternal;

namespace {

// Column names aggregated with json_agg: a name may hold any character (a newline, a comma),
// so no separator would do.
QStringList jsonNames(const QString &json)
{
    QStringList names;
    for (const QJsonValue &v : QJsonDocument::fromJson(json.toUtf8()).array())
        names << v.toString();
    return names;
}

// pg_constraint's action codes as SQL.
QString referentialAction(const QString &code)
{
    if (code == QLatin1String("r"))
        return QStringLiteral("RESTRICT");
    if (code == QLatin1String("c"))
        return QStringLiteral("CASCADE");
    if (code == QLatin1String("n"))
        return QStringLiteral("SET NULL");
    if (code == QLatin1String("d"))
        return QStringLiteral("SET DEFAULT");
    return QStringLiteral("NO ACTION");
}

} // namespace

Status PostgresEngine::checkAccess(DbConnection &c, const QVector<TableSchema> &tables, bool asTarget)
{
    PGconn *conn = c.postgres();
    if (asTarget) {
        auto r = pgExec(conn, QStringLiteral("SELECT current_user, has_schema_privilege($1, 'CREATE')"), {c.schema()});
        if (!r)
            return r.error();
        if (r->text(0, 1) != QLatin1String("t"))
            return makeError(QStringLiteral("user \"%1\" may not create tables in schema \"%2\" of %3 "
                                            "(GRANT CREATE ON SCHEMA %4 TO %5)")
                                 .arg(r->text(0, 0), c.schema(), c.url().display(), quoteIdentifier(c.schema()),
                                      quoteIdentifier(r->text(0, 0))));
        return {};
    }
    QStringList names;
    for (const auto &t : tables)
        names << t.name;
    auto r = pgExec(conn, QStringLiteral("SELECT current_user, t FROM unnest($1::text[]) AS t "
                                         "WHERE NOT has_table_privilege(quote_ident($2) || '.' || quote_ident(t), 'SELECT') "
                                         "ORDER BY t"),
                    {textArray(names), c.schema()});
    if (!r)
        return r.error();
    if (r->rows() == 0)
        return {};
    QStringList denied;
    for (int i = 0; i < r->rows() && i < 5; ++i)
        denied << u'"' + r->text(i, 1) + u'"';
    return makeError(QStringLiteral("user \"%1\" may not read %2 table(s) of %3: %4%5 (GRANT SELECT)")
                         .arg(r->text(0, 0))
                         .arg(r->rows())
                         .arg(c.url().display(), denied.join(QStringLiteral(", ")),
                              r->rows() > 5 ? QStringLiteral(", ...") : QString()));
}

Result<QVector<TableSchema>> PostgresEngine::introspect(DbConnection &c)
{
    PGconn *conn = c.postgres();
    // With the schema on the search path, pg_get_indexdef names tables unqualified, so the
    // statement can be replayed in another schema.
    if (auto st = pgRun(conn, QStringLiteral("SELECT set_config('search_path', $1, false)"), QStringLiteral("search path"),
                        {quoteIdentifier(c.schema())});
        !st)
        return st.error();
    auto quoted = pgExec(conn, QStringLiteral("SELECT quote_ident($1)"), {c.schema()});
    if (!quoted)
        return quoted.error();
    const QString qualifier = quoted->text(0, 0) + u'.';
    auto tables = pgExec(conn, QStringLiteral("SELECT c.oid, c.relname, c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                              "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                                              "AND c.relname <> $2 AND c.relname <> $3 ORDER BY c.relname"),
                         {c.schema(), kCheckpoint, kFence});
    if (!tables)
        return tables.error();
    QVector<TableSchema> out;
    for (int i = 0; i < tables->rows(); ++i) {
        TableSchema t;
        const QString oid = tables->text(i, 0);
        t.name = tables->text(i, 1);
        t.partitioned = tables->text(i, 2) == QLatin1String("t");
        auto columns = pgExec(conn, QStringLiteral(
            "SELECT a.attname, t.typname, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, "
            "format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, t.typtype, bt.typname, "
            "t.typnamespace = 'pg_catalog'::regnamespace, pg_get_serial_sequence(a.attrelid::regclass::text, a.attname), "
            "(SELECT max(octet_length(e.enumlabel)) FROM pg_enum e WHERE e.enumtypid = t.oid) "
            "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"), {oid});
        if (!columns)
            return columns.error();
        for (int k = 0; k < columns->rows(); ++k) {
            if (!columns->text(k, 7).isEmpty())
                continue; // generated columns are computed by the target itself
            ColumnSchema col;
            col.name = columns->text(k, 0);
            // A domain copies as its base type.
            const QString typname = columns->text(k, 8) == QLatin1String("d") ? columns->text(k, 9) : columns->text(k, 1);
            col.declaredType = columns->text(k, 3);
            col.type = postgresColumnType(typname, columns->text(k, 2).toInt(), col.declaredType);
            if (columns->text(k, 10) != QLatin1String("t"))
                col.type.native.clear(); // enums, domains, arrays of user types: mapped by class
            if (columns->text(k, 8) == QLatin1String("e")) { // an enum: text as long as its longest label
                col.type.cls = TypeClass::VarChar;
                col.type.length = std::max(1, columns->text(k, 12).toInt());
            }
            col.notNull = columns->text(k, 4) == QLatin1String("t");
            // Identity and serial columns: numbered by their sequence, which is not copied.
            col.sequenceName = columns->text(k, 11);
            col.identity = !columns->text(k, 6).isEmpty()
                           || (!col.sequenceName.isEmpty() && columns->text(k, 5).startsWith(QLatin1String("nextval(")));
            if (!col.identity)
                col.defaultSql = columns->text(k, 5);
            t.columns << col;
        }
        auto pk = pgExec(conn, QStringLiteral("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                                              "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1 AND i.indisprimary "
                                              "ORDER BY array_position(i.indkey::int2[], a.attnum)"), {oid});
        if (!pk)
            return pk.error();
        for (int k = 0; k < pk->rows(); ++k) {
            t.primaryKey << pk->text(k, 0);
            for (auto &col : t.columns)
                if (col.name == t.primaryKey.last())
                    col.primaryKeyPosition = k + 1;
        }
        auto indexes = pgExec(conn, QStringLiteral(
            "SELECT ic.relname, i.indisunique, pg_get_indexdef(i.indexrelid), "
            "(SELECT json_agg(a.attname ORDER BY array_position(i.indkey::int2[], a.attnum)) FROM pg_attribute a "
            " WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)), i.indexprs IS NOT NULL OR i.indpred IS NOT NULL "
            "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = $1 AND NOT i.indisprimary "
            "ORDER BY ic.relname"), {oid});
        if (!indexes)
            return indexes.error();
        for (int k = 0; k < indexes->rows(); ++k) {
            IndexSchema idx;
            idx.name = indexes->text(k, 0);
            idx.unique = indexes->text(k, 1) == QLatin1String("t");
            // pg_get_indexdef always qualifies the table: drop the source schema so the
            // statement replays in the target's (createIndex sets its search path).
            idx.createSql = indexes->text(k, 2).replace(QStringLiteral(" ON ") + qualifier, QStringLiteral(" ON "));
            if (indexes->text(k, 4) != QLatin1String("t"))
                idx.columns = jsonNames(indexes->text(k, 3));
            t.indexes << idx;
        }
        // Unique constraints come with their index above; foreign keys and checks here.
        auto constraints = pgExec(conn, QStringLiteral(
            "SELECT c.conname, c.contype, pg_get_expr(c.conbin, c.conrelid), rc.relname, c.confdeltype, c.confupdtype, "
            "(SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), "
            "(SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
            " JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) "
            "FROM pg_constraint c LEFT JOIN pg_class rc ON rc.oid = c.confrelid "
            "WHERE c.conrelid = $1 AND c.contype IN ('f', 'c') ORDER BY c.conname"), {oid});
        if (!constraints)
            return constraints.error();
        for (int k = 0; k < constraints->rows(); ++k) {
            if (constraints->text(k, 1) == QLatin1String("c")) {
                t.checks << CheckSchema{constraints->text(k, 0), constraints->text(k, 2)};
                continue;
            }
            ForeignKeySchema fk;
            fk.name = constraints->text(k, 0);
            fk.referencedTable = constraints->text(k, 3);
            fk.onDelete = referentialAction(constraints->text(k, 4));
            fk.onUpdate = referentialAction(constraints->text(k, 5));
            fk.columns = jsonNames(constraints->text(k, 6));
            fk.referencedColumns = jsonNames(constraints->text(k, 7));
            t.foreignKeys << fk;
        }
        // The copy key: a single integer primary key; otherwise the table is copied whole.
        if (t.primaryKey.size() == 1)
            for (const auto &col : t.columns)
                if (col.name == t.primaryKey.first() && col.type.isInteger())
                    t.copyKey = quoteIdentifier(col.name);
        // Otherwise one key column of any type (uuid, text, numeric, ...): its text form cast
        // back to the column's type compares exactly as the stored values do.
        if (t.copyKey.isEmpty())
            t.sampledKey = sampledKeyOf(t, [](const ColumnSchema &) { return true; });
        out << t;
    }
    return out;
}

Result<TableStats> PostgresEngine::stats(DbConnection &c, const TableSchema &t)
{
    const QString key = t.hasCopyKey() ? t.copyKey : QStringLiteral("0");
    auto r = pgExec(c.postgres(), QStringLiteral("SELECT count(*), coalesce(min(%1), 0), coalesce(max(%1), 0) FROM %2")
                                      .arg(key, relation(c, t)));
    if (!r)
        return r.error();
    return TableStats{r->text(0, 0).toLongLong(), r->text(0, 1).toLongLong(), r->text(0, 2).toLongLong()};
}

Result<qint64> PostgresEngine::countRange(DbConnection &c, const TableSchema &t, qint64 keyLo, qint64 keyHi)
{
    auto r = pgExec(c.postgres(), QStringLiteral("SELECT count(*) FROM %1 WHERE %2 BETWEEN $1 AND $2")
                                      .arg(relation(c, t), t.copyKey),
                    {QString::number(keyLo), QString::number(keyHi)});
    if (!r)
        return r.error();
    return r->text(0, 0).toLongLong();
}

Result<QVector<ViewSchema>> PostgresEngine::introspectViews(DbConnection &c)
{
    PGconn *conn = c.postgres();
    // With the schema on the search path, pg_get_viewdef names its tables unqualified.
    if (auto st = pgRun(conn, QStringLiteral("SELECT set_config('search_path', $1, false)"), QStringLiteral("search path"),
                        {quoteIdentifier(c.schema())});
        !st)
        return st.error();
    auto views = pgExec(conn, QStringLiteral("SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n "
                                             "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'v' ORDER BY c.relname"),
                        {c.schema()});
    if (!views)
        return views.error();
    QVector<ViewSchema> out;
    for (int i = 0; i < views->rows(); ++i) {
        QString select = views->text(i, 1).trimmed();
        if (select.endsWith(u';'))
            select.chop(1);
        out << ViewSchema{views->text(i, 0), select, {}};
    }
    return out;
}

Result<QVector<QStringList>> PostgresEngine::firstRows(DbConnection &c, const QString &sql, int limit)
{
    auto r = pgExec(c.postgres(), QStringLiteral("SELECT * FROM (%1) q LIMIT %2").arg(sql).arg(limit));
    if (!r)
        return r.error();
    QVector<QStringList> rows;
    for (int i = 0; i < r->rows(); ++i) {
        QStringList row;
        for (int k = 0; k < PQnfields(r->get()); ++k)
            row << (r->isNull(i, k) ? QStringLiteral("NULL") : r->text(i, k));
        rows << row;
    }
    return rows;
}

} // namespace cockpit
