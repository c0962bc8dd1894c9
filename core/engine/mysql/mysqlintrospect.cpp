// MariaDB introspection through information_schema: tables, columns, keys, indexes, foreign
// keys, checks and views; row counts and key ranges.
#include "engine/mysql/mysqlengine.h"
#include "engine/mysql/mysqlclient.h"
#include "engine/columntype.h"

#include <QHash>
#include <QMap>
#include <QRegularExpression>

namespace cockpit {

using namespace mysqlinternal;

Result<QVector<TableSchema>> MysqlEngine::introspect(DbConnection &c)
{
    MYSQL *conn = c.mysql();
    auto tables = myRows(conn, QStringLiteral("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                              "AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT IN (%1, %2) ORDER BY TABLE_NAME")
                                   .arg(literal(kCheckpoint), literal(kFence)));
    if (!tables)
        return tables.error();
    auto columns = myRows(conn, QStringLiteral(
        "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, "
        "NUMERIC_SCALE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION"));
    if (!columns)
        return columns.error();
    auto stats = myRows(conn, QStringLiteral(
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS "
        "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"));
    if (!stats)
        return stats.error();
    auto foreignKeys = myRows(conn, QStringLiteral(
        "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, "
        "r.DELETE_RULE, r.UPDATE_RULE FROM information_schema.KEY_COLUMN_USAGE k "
        "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA "
        "AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
        "WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL "
        "ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"));
    if (!foreignKeys)
        return foreignKeys.error();
    auto checks = myRows(conn, QStringLiteral("SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                                              "WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME"));
    if (!checks)
        return checks.error();

    QMap<QString, TableSchema> byName;
    QHash<QString, QStringList> indexParts; // "table\nindex" -> column parts
    for (const auto &row : *tables) {
        TableSchema t;
        t.name = row.value(0);
        byName.insert(t.name, t);
    }
    for (const auto &row : *columns) {
        auto it = byName.find(row.value(0));
        if (it == byName.end())
            continue;
        const QString extra = row.value(9).toUpper();
        if (extra.contains(QLatin1String("GENERATED")))
            continue; // generated columns are computed by the target itself
        ColumnSchema col;
        col.name = row.value(1);
        col.declaredType = row.value(3);
        col.type = mysqlColumnType(row.value(2), row.value(3), row.value(4).isNull() ? -1 : row.value(4).toLongLong(),
                                   row.value(5).isNull() ? -1 : row.value(5).toInt(),
                                   row.value(6).isNull() ? -1 : row.value(6).toInt());
        col.notNull = row.value(7) == QLatin1String("NO");
        // MariaDB reports defaults as expressions ('text', 42, NULL, current_timestamp()).
        QString def = row.value(8);
        if (def.compare(QLatin1String("NULL"), Qt::CaseInsensitive) == 0)
            def.clear();
        else if (def.compare(QLatin1String("current_timestamp()"), Qt::CaseInsensitive) == 0
                 || def.startsWith(QLatin1String("current_timestamp("), Qt::CaseInsensitive))
            def = QStringLiteral("CURRENT_TIMESTAMP");
        else if (def.compare(QLatin1String("curdate()"), Qt::CaseInsensitive) == 0)
            def = QStringLiteral("CURRENT_DATE");
        col.defaultSql = def;
        col.identity = extra.contains(QLatin1String("AUTO_INCREMENT"));
        it->columns << col;
    }
    for (const auto &row : *stats) {
        auto it = byName.find(row.value(0));
        if (it == byName.end())
            continue;
        TableSchema &t = *it;
        const QString index = row.value(1);
        const QString column = row.value(3);
        if (index == QLatin1String("PRIMARY")) {
            t.primaryKey << column;
            for (auto &col : t.columns)
                if (col.name == column)
                    col.primaryKeyPosition = int(t.primaryKey.size());
            continue;
        }
        if (t.indexes.isEmpty() || t.indexes.last().name != index) {
            IndexSchema idx;
            idx.name = index;
            idx.unique = row.value(2) == QLatin1String("0");
            t.indexes << idx;
        }
        IndexSchema &idx = t.indexes.last();
        if (column.isNull())
            continue; // an expression part
        idx.columns << column;
        // MySQL to MySQL keeps prefix lengths and the index kind (the executor drops createSql
        // for other engines).
        QString part = quoteIdentifier(column);
        if (!row.value(4).isNull())
            part += u'(' + row.value(4) + u')';
        const QString kind = row.value(5) == QLatin1String("FULLTEXT")  ? QStringLiteral("FULLTEXT ")
                             : row.value(5) == QLatin1String("SPATIAL") ? QStringLiteral("SPATIAL ")
                             : idx.unique                               ? QStringLiteral("UNIQUE ")
                                                                        : QString();
        QStringList &parts = indexParts[t.name + u'\n' + index];
        parts << part;
        idx.createSql = QStringLiteral("CREATE %1INDEX %2 ON %3 (%4)")
                            .arg(kind, quoteIdentifier(index), quoteIdentifier(t.name), parts.join(QStringLiteral(", ")));
    }
    for (const auto &row : *foreignKeys) {
        auto it = byName.find(row.value(0));
        if (it == byName.end())
            continue;
        if (it->foreignKeys.isEmpty() || it->foreignKeys.last().name != row.value(1)) {
            ForeignKeySchema fk;
            fk.name = row.value(1);
            fk.referencedTable = row.value(3);
            fk.onDelete = row.value(5);
            fk.onUpdate = row.value(6);
            it->foreignKeys << fk;
        }
        it->foreignKeys.last().columns << row.value(2);
        it->foreignKeys.last().referencedColumns << row.value(4);
    }
    // MariaDB's JSON type is longtext with a json_valid() check: the type carries that over.
    static const QRegularExpression jsonValid(QStringLiteral("^json_valid\\(`[^`]+`\\)$"));
    for (const auto &row : *checks) {
        auto it = byName.find(row.value(0));
        if (it != byName.end() && !jsonValid.match(row.value(2)).hasMatch())
            it->checks << CheckSchema{row.value(1), row.value(2)};
    }
    QVector<TableSchema> out;
    for (auto &t : byName) {
        // The copy key: a single integer primary key; otherwise the table is copied whole.
        if (t.primaryKey.size() == 1)
            for (const auto &col : t.columns)
                if (col.name == t.primaryKey.first() && col.type.isInteger())
                    t.copyKey = quoteIdentifier(col.name);
        // Otherwise one text key column: the chunk bounds are compared in its own collation.
        if (t.copyKey.isEmpty())
            t.sampledKey = sampledKeyOf(t, [](const ColumnSchema &col) { return col.type.isText(); });
        out << t;
    }
    return out;
}

Result<TableStats> MysqlEngine::stats(DbConnection &c, const TableSchema &t)
{
    const QString key = t.hasCopyKey() ? t.copyKey : QStringLiteral("0");
    auto r = myRows(c.mysql(), QStringLiteral("SELECT count(*), coalesce(min(%1), 0), coalesce(max(%1), 0) FROM %2")
                                   .arg(key, quoteIdentifier(t.name)));
    if (!r)
        return r.error();
    const QStringList row = r->value(0);
    return TableStats{row.value(0).toLongLong(), row.value(1).toLongLong(), row.value(2).toLongLong()};
}

Result<qint64> MysqlEngine::countRange(DbConnection &c, const TableSchema &t, qint64 keyLo, qint64 keyHi)
{
    QString sql = QStringLiteral("SELECT count(*) FROM %1").arg(quoteIdentifier(t.name));
    if (t.hasCopyKey())
        sql += QStringLiteral(" WHERE %1 BETWEEN %2 AND %3").arg(t.copyKey).arg(keyLo).arg(keyHi);
    auto r = myRows(c.mysql(), sql);
    if (!r)
        return r.error();
    return r->value(0).value(0).toLongLong();
}

Result<QVector<ViewSchema>> MysqlEngine::introspectViews(DbConnection &c)
{
    auto views = myRows(c.mysql(), QStringLiteral("SELECT TABLE_NAME, VIEW_DEFINITION, DATABASE() FROM information_schema.VIEWS "
                                                  "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME"));
    if (!views)
        return views.error();
    QVector<ViewSchema> out;
    for (const auto &row : *views) {
        // The server qualifies every table with this database: the target has its own.
        QString select = row.value(1);
        select.replace(quoteIdentifier(row.value(2)) + u'.', QString());
        out << ViewSchema{row.value(0), select, {}};
    }
    return out;
}

} // namespace cockpit
