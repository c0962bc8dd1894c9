#include "engine/engine.h"
#include "engine/mysql/mysqlengine.h"
#include "engine/postgres/postgresengine.h"
#include "engine/sqlite/sqliteengine.h"

#include <QSqlQuery>
#include <algorithm>
#include <limits>

namespace cockpit {

std::unique_ptr<Engine> Engine::create(EngineKind kind)
{
    switch (kind) {
    case EngineKind::SQLite: return std::make_unique<SqliteEngine>();
    case EngineKind::PostgreSQL: return std::make_unique<PostgresEngine>();
    case EngineKind::MySQL: return std::make_unique<MysqlEngine>();
    }
    return nullptr;
}

QString Engine::quotedList(const QStringList &names) const
{
    QStringList quoted;
    for (const auto &n : names)
        quoted << quoteIdentifier(n);
    return quoted.join(QStringLiteral(", "));
}

QString Engine::columnList(const TableSchema &t) const
{
    QStringList names;
    for (const auto &c : t.columns)
        names << c.name;
    return quotedList(names);
}

QString Engine::keyOrder(const TableSchema &t) const
{
    return t.primaryKey.isEmpty() ? columnList(t) : quotedList(t.primaryKey);
}

QString Engine::columnDefinitions(const TableSchema &t, EngineKind own,
                                  const std::function<QString(const ColumnSchema &)> &typeOf,
                                  QStringList *dropped, const QStringList &tableConstraints) const
{
    QStringList defs;
    for (const auto &col : t.columns) {
        QString d = quoteIdentifier(col.name);
        if (const QString type = typeOf(col); !type.isEmpty())
            d += u' ' + type;
        if (col.notNull)
            d += QStringLiteral(" NOT NULL");
        const QString identity = col.identity ? identityClause(t, col) : QString();
        if (!identity.isEmpty())
            d += u' ' + identity; // numbered by the target; a default would contradict it
        else if (!col.defaultSql.isEmpty()) {
            const bool kept = col.type.nativeEngine == own && !col.defaultSql.contains(QLatin1String("nextval("));
            QString changed;
            const QString def = kept ? col.defaultSql : portableDefault(col.defaultSql, col.type, &changed);
            if (def.isEmpty()) {
                if (dropped)
                    *dropped << QStringLiteral("column \"%1\": default %2 has no %3 equivalent as a %4 and was dropped")
                                    .arg(col.name, col.defaultSql, toString(own), describeType(col.type));
            } else {
                if (dropped && !changed.isEmpty())
                    *dropped << QStringLiteral("column \"%1\": default %2 %3").arg(col.name, col.defaultSql, changed);
                // Signed numbers in parentheses: every engine accepts that form.
                d += QStringLiteral(" DEFAULT ") + (def.startsWith(u'-') || def.startsWith(u'+') ? u'(' + def + u')' : def);
            }
        }
        defs << d;
    }
    if (!t.primaryKey.isEmpty())
        defs << QStringLiteral("PRIMARY KEY (%1)").arg(quotedList(t.primaryKey));
    defs << tableConstraints;
    return QStringLiteral("(\n  ") + defs.join(QStringLiteral(",\n  ")) + QStringLiteral("\n)");
}

QString Engine::identityClause(const TableSchema &, const ColumnSchema &) const { return {}; }

bool Engine::numbersColumn(const TableSchema &, const ColumnSchema &, QString *) const { return true; }

QString Engine::adaptForeignKey(const TableSchema &, ForeignKeySchema &) const { return {}; }

Status Engine::checkAccess(DbConnection &, const QVector<TableSchema> &, bool) { return {}; }

Result<QString> Engine::describeSession(DbConnection &, qint64) { return QString(); }

Result<std::optional<qint64>> Engine::maxRowBytes(DbConnection &) { return std::optional<qint64>(); }

Result<std::vector<ColumnValues>> Engine::scanValues(DbConnection &, const TableSchema &t, const QVector<ColumnSchema> &,
                                                     const std::vector<ScanAs> &)
{
    return makeError(QStringLiteral("the values of \"%1\" are typed by the source; there is nothing to scan").arg(t.name));
}

// Real types keep NULLs out of a primary key.
Result<QStringList> Engine::keyColumnsWithNulls(DbConnection &, const TableSchema &) { return QStringList(); }

Result<bool> Engine::hasIndex(DbConnection &, const QString &index)
{
    return makeError(QStringLiteral("cannot tell whether index \"%1\" exists: only a SQLite target makes indexes at prepare").arg(index));
}

Result<qint64> TableCopier::copyWhole(Checkpoint &, qint64, std::atomic<qint64> *, qint64, int,
                                      const std::function<Result<std::optional<quint64>>(qint64)> &)
{
    return makeError(QStringLiteral("this copy path has no one-statement copy"));
}

Result<QString> Engine::addPrimaryKey(DbConnection &, const TableSchema &t, IndexBuilds)
{
    return makeError(QStringLiteral("the target declares the primary key of \"%1\" with the table").arg(t.name));
}

QString Engine::qualifiedName(DbConnection &, const QString &table) const { return quoteIdentifier(table); }

QString Engine::foreignKeyClause(const ForeignKeySchema &fk) const
{
    QString sql = QStringLiteral("CONSTRAINT %1 FOREIGN KEY (%2) REFERENCES %3 (%4)")
                      .arg(quoteIdentifier(fk.name), quotedList(fk.columns), quoteIdentifier(fk.referencedTable),
                           quotedList(fk.referencedColumns));
    // NO ACTION is every engine's default; leaving it out keeps the clause portable.
    if (fk.onDelete != QLatin1String("NO ACTION"))
        sql += QStringLiteral(" ON DELETE ") + fk.onDelete;
    if (fk.onUpdate != QLatin1String("NO ACTION"))
        sql += QStringLiteral(" ON UPDATE ") + fk.onUpdate;
    return sql;
}

QString Engine::checkClause(const CheckSchema &check) const
{
    return QStringLiteral("CONSTRAINT %1 CHECK (%2)").arg(quoteIdentifier(check.name), check.expression);
}

namespace {

constexpr int kRowsNamed = 5;

// "AlbumId=348 ArtistId=9999" per row, "; "-separated, and "..." when there are more.
QString describeRows(const QVector<QStringList> &rows, const QStringList &columns)
{
    QStringList described;
    for (qsizetype r = 0; r < std::min<qsizetype>(rows.size(), kRowsNamed); ++r) {
        QStringList pairs;
        for (qsizetype i = 0; i < columns.size(); ++i)
            pairs << columns[i] + u'=' + rows[r].value(i);
        described << pairs.join(u' ');
    }
    if (rows.size() > kRowsNamed)
        described << QStringLiteral("...");
    return described.join(QStringLiteral("; "));
}

// The primary key followed by `more` (without repeats): what names an offending row.
QStringList namingColumns(const TableSchema &t, const QStringList &more)
{
    QStringList out = t.primaryKey;
    for (const auto &c : more)
        if (!out.contains(c))
            out << c;
    return out;
}

} // namespace

Result<QString> Engine::describeOrphans(DbConnection &c, const TableSchema &t, const ForeignKeySchema &fk)
{
    const QStringList shown = namingColumns(t, fk.columns);
    QStringList present, match, selected;
    for (const auto &s : shown)
        selected << QStringLiteral("child.") + quoteIdentifier(s);
    for (qsizetype i = 0; i < fk.columns.size(); ++i) {
        const QString child = QStringLiteral("child.") + quoteIdentifier(fk.columns[i]);
        present << child + QStringLiteral(" IS NOT NULL");
        match << QStringLiteral("parent.%1 = %2").arg(quoteIdentifier(fk.referencedColumns.value(i)), child);
    }
    // A key with a NULL part references nothing (MATCH SIMPLE, every engine's default).
    const QString sql = QStringLiteral("SELECT %1 FROM %2 child WHERE %3 AND NOT EXISTS (SELECT 1 FROM %4 parent WHERE %5)")
                            .arg(selected.join(QStringLiteral(", ")), qualifiedName(c, t.name),
                                 present.join(QStringLiteral(" AND ")), qualifiedName(c, fk.referencedTable),
                                 match.join(QStringLiteral(" AND ")));
    auto rows = firstRows(c, sql, kRowsNamed + 1);
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return QString();
    return QStringLiteral("rows of \"%1\" with no match in \"%2\": %3")
        .arg(t.name, fk.referencedTable, describeRows(*rows, shown));
}

Result<QString> Engine::describeCheckViolations(DbConnection &c, const TableSchema &t, const CheckSchema &check)
{
    const QStringList shown = namingColumns(t, t.primaryKey.isEmpty() && !t.columns.isEmpty()
                                                   ? QStringList{t.columns.first().name}
                                                   : QStringList{});
    // A CHECK holds unless its expression is false (NULL passes), as NOT (...) selects.
    const QString sql = QStringLiteral("SELECT %1 FROM %2 WHERE NOT (%3)")
                            .arg(quotedList(shown), qualifiedName(c, t.name), check.expression);
    auto rows = firstRows(c, sql, kRowsNamed + 1);
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return QString();
    return QStringLiteral("rows of \"%1\" that break CHECK %2 (%3): %4")
        .arg(t.name, check.name, check.expression, describeRows(*rows, shown));
}

QString Engine::readRelation(DbConnection &c, const TableSchema &t) const { return qualifiedName(c, t.name); }

Result<QStringList> Engine::sampleKeys(DbConnection &c, const TableSchema &t, qint64 step)
{
    if (!t.hasSampledKey() || step < 1)
        return makeError(QStringLiteral("table \"%1\" has no sampled key to split it by").arg(t.name));
    // Window functions: SQLite >= 3.25, MariaDB >= 10.2, every supported PostgreSQL. The rows
    // are numbered in the key's own order, which is the order the chunk readers compare in.
    const QString key = quoteIdentifier(t.sampledKey);
    const QString sql = QStringLiteral("SELECT k, rn FROM (SELECT %1 AS k, row_number() OVER (ORDER BY %1) AS rn FROM %2) s "
                                       "WHERE rn % %3 = 0")
                            .arg(key, readRelation(c, t))
                            .arg(step);
    auto rows = firstRows(c, sql, std::numeric_limits<int>::max());
    if (!rows)
        return makeError(QStringLiteral("sampling the keys of \"%1\" failed: %2").arg(t.name, rows.error().message));
    // Put in order here: firstRows wraps the query, and MariaDB drops a derived table's ORDER BY.
    std::sort(rows->begin(), rows->end(),
              [](const QStringList &a, const QStringList &b) { return a.value(1).toLongLong() < b.value(1).toLongLong(); });
    QStringList keys;
    for (const auto &row : *rows)
        keys << row.value(0);
    return keys;
}

namespace {

// Names each row by its position: the chunk's checkpoint and the reject file's key.
class PositionReader final : public RowReader {
public:
    PositionReader(std::unique_ptr<RowReader> rows, qint64 first) : m_rows(std::move(rows)), m_next(first) {}
    Result<int> next(RowBatch &batch, int maxRows) override
    {
        auto n = m_rows->next(batch, maxRows);
        if (n && *n > 0) {
            batch.numberRows(m_next);
            m_next += *n;
        }
        return n;
    }

private:
    std::unique_ptr<RowReader> m_rows;
    qint64 m_next;
};

} // namespace

Result<std::unique_ptr<RowReader>> Engine::openKeyRange(DbConnection &c, const TableSchema &t, const KeyRange &range,
                                                        qint64 skip, qint64 firstPosition)
{
    if (!t.hasSampledKey())
        return makeError(QStringLiteral("table \"%1\" has no sampled key to read a key range of").arg(t.name));
    auto rows = openKeyRangeRows(c, t, range, skip);
    if (!rows)
        return rows.error();
    return std::unique_ptr<RowReader>(new PositionReader(std::move(*rows), firstPosition + skip));
}

QString sampledKeyOf(const TableSchema &t, const std::function<bool(const ColumnSchema &)> &splittable)
{
    auto usable = [&](const QStringList &columns, bool needNotNull) {
        if (columns.size() != 1)
            return false; // a composite key is not split (out of scope): copied whole
        for (const auto &col : t.columns)
            if (col.name == columns.first())
                return (col.notNull || !needNotNull) && splittable(col);
        return false;
    };
    if (usable(t.primaryKey, false))
        return t.primaryKey.first();
    for (const auto &idx : t.indexes)
        if (idx.unique && usable(idx.columns, true))
            return idx.columns.first();
    return {};
}

QString TableChecksum::toString() const
{
    return QStringLiteral("%1 rows, checksum %2").arg(rows).arg(sum, 16, 16, QLatin1Char('0'));
}

Status Engine::checkFenceAlone(DbConnection &c, const QString &task, qint64 epoch)
{
    if (epoch == 0)
        return {};
    QSqlQuery q(c.db());
    // A plain BEGIN everywhere: on SQLite a read needs no write lock.
    if (!q.exec(QStringLiteral("BEGIN")))
        return makeError(QStringLiteral("begin checking the lease epoch failed: ") + c.errorOf(q));
    const Status checked = checkFence(c, task, epoch);
    if (!q.exec(checked ? QStringLiteral("COMMIT") : QStringLiteral("ROLLBACK")) && checked)
        return makeError(QStringLiteral("ending the lease epoch check failed: ") + c.errorOf(q));
    return checked;
}

static constexpr QLatin1StringView kTakenOver("taken over by another worker");

TaskError takenOverError(qint64 onTarget, qint64 held)
{
    return makeError(QStringLiteral("%1: lease epoch %2 on the target, this attempt holds %3; it stopped before committing")
                         .arg(kTakenOver)
                         .arg(onTarget)
                         .arg(held));
}

bool isTakenOver(const QString &message)
{
    return message.contains(kTakenOver);
}

QString sessionLine(const QString &pid, const QString &user, const QString &application,
                    const QString &client, const QString &state, const QString &since)
{
    auto known = [](const QString &v) { return v.isEmpty() ? QStringLiteral("?") : v; };
    return QStringLiteral("pid %1  user %2  application \"%3\"  client %4  %5  since %6")
        .arg(known(pid), known(user), application, known(client), known(state), known(since));
}

} // namespace cockpit
