// MariaDB DDL: target tables (InnoDB, binary no-pad collation) prepared under a named lock with
// the run's marker in the checkpoint table, indexes, views, constraints (replaced, since DDL
// commits on its own), AUTO_INCREMENT numbering, and clearing a partial copy.
#include "engine/mysql/mysqlengine.h"
#include "engine/mysql/mysqlclient.h"
#include "engine/columntype.h"

#include <QSet>
#include <algorithm>

namespace cockpit {

using namespace mysqlinternal;

namespace {

// Releases the named lock on scope exit (GET_LOCK is per session, not per transaction).
class NamedLock {
public:
    explicit NamedLock(MYSQL *conn) : m_conn(conn) {}
    ~NamedLock()
    {
        if (m_held)
            (void)myRun(m_conn, QStringLiteral("DO RELEASE_LOCK('upgrade-cockpit prepare')"), QStringLiteral("unlock"));
    }
    Status acquire()
    {
        auto r = myRows(m_conn, QStringLiteral("SELECT GET_LOCK('upgrade-cockpit prepare', 60)"));
        if (!r)
            return makeError(QStringLiteral("lock: ") + r.error().message, r.error().sql);
        if (r->isEmpty() || r->first().value(0) != QLatin1String("1"))
            return makeError(QStringLiteral("another prepare held the lock for 60 seconds"));
        m_held = true;
        return {};
    }

private:
    MYSQL *m_conn;
    bool m_held = false;
};

} // namespace

QString MysqlEngine::createTableSql(const TableSchema &t, QStringList *dropped) const
{
    // Text in a key or an index needs a bounded length on MySQL. The binary no-pad collation
    // compares text byte for byte as SQLite and PostgreSQL do: utf8mb4_bin pads with spaces,
    // so keys 'a' and 'a ' would collide.
    QSet<QString> keyColumns(t.primaryKey.begin(), t.primaryKey.end());
    for (const auto &idx : t.indexes)
        for (const auto &col : idx.columns)
            keyColumns.insert(col);
    return QStringLiteral("CREATE TABLE %1 ").arg(quoteIdentifier(t.name))
           + columnDefinitions(t, EngineKind::MySQL,
                               [&](const ColumnSchema &c) { return mysqlTypeName(c.type, keyColumns.contains(c.name)); },
                               dropped)
           + QStringLiteral(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin");
}

Status MysqlEngine::prepareTable(DbConnection &c, const TableSchema &t, const QString &runId, PrepareMode mode,
                                 QStringList *warnings)
{
    MYSQL *conn = c.mysql();
    const QString checkpoint = quoteIdentifier(kCheckpoint);
    const QString marker = QStringLiteral("prepare:") + t.name;
    // Parallel prepares would race on creating the checkpoint table: serialize them.
    NamedLock lock(conn);
    if (auto st = lock.acquire(); !st)
        return st;
    if (auto st = myRun(conn, QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (task varchar(512) NOT NULL PRIMARY KEY, "
                                             "table_name varchar(255) NOT NULL, run_id varchar(255) NOT NULL, "
                                             "last_key bigint NOT NULL, rows_done bigint NOT NULL, row_hash bigint) "
                                             "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin")
                                  .arg(checkpoint),
                        QStringLiteral("create the checkpoint table"));
        !st)
        return st;
    auto exists = myRows(conn, QStringLiteral("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                              "AND TABLE_NAME = %1").arg(literal(t.name)));
    if (!exists)
        return exists.error();
    if (!exists->isEmpty()) {
        auto m = myRows(conn, QStringLiteral("SELECT run_id FROM %1 WHERE task = %2").arg(checkpoint, literal(marker)));
        if (!m)
            return m.error();
        const bool ours = !m->isEmpty() && m->first().value(0) == runId;
        if (!ours && mode == PrepareMode::FailIfExists)
            return makeError(QStringLiteral("target table \"%1\" already exists in %2; set \"ifTargetExists\": "
                                            "\"replace\" in the plan to drop and recreate it")
                                 .arg(t.name, c.url().display()));
    }
    // MySQL commits DDL implicitly, so these steps are not one transaction. Their order keeps
    // every crash point retryable: the marker (this run's claim) is committed before the table
    // is dropped or created, so a retry finds either no table or a table marked as ours, which
    // it drops and creates again.
    if (auto st = myRun(conn, QStringLiteral("DELETE FROM %1 WHERE table_name = %2").arg(checkpoint, literal(t.name)),
                        QStringLiteral("clear old checkpoints"));
        !st)
        return st;
    if (auto st = myRun(conn, QStringLiteral("INSERT INTO %1 (task, table_name, run_id, last_key, rows_done) "
                                             "VALUES (%2, %3, %4, 0, 0)")
                                  .arg(checkpoint, literal(marker), literal(t.name), literal(runId)),
                        QStringLiteral("record the prepare marker"));
        !st)
        return st;
    // Foreign keys of an earlier run may point at the table: MySQL drops it only without
    // their checks (the constraint tasks add them again).
    if (!exists->isEmpty()) {
        if (auto st = myRun(conn, QStringLiteral("SET SESSION foreign_key_checks = 0"), QStringLiteral("session setting")); !st)
            return st;
        const Status dropped = myRun(conn, QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoteIdentifier(t.name)),
                                     QStringLiteral("drop the existing target table"));
        if (auto st = myRun(conn, QStringLiteral("SET SESSION foreign_key_checks = 1"), QStringLiteral("session setting")); !st)
            return st;
        if (!dropped)
            return dropped;
    }
    const QString create = t.createSql.isEmpty() ? createTableSql(t, warnings) : t.createSql;
    if (auto st = myRun(conn, create, QStringLiteral("create table \"%1\"").arg(t.name)); !st)
        return st;
    return {};
}

Status MysqlEngine::clearTable(DbConnection &c, const TableSchema &t)
{
    return myRun(c.mysql(), QStringLiteral("DELETE FROM %1").arg(quoteIdentifier(t.name)),
                 QStringLiteral("clear a partial copy of \"%1\"").arg(t.name));
}

Status MysqlEngine::createIndex(DbConnection &c, const TableSchema &t, const IndexSchema &index, IndexBuilds)
{
    QString create = index.createSql;
    if (create.isEmpty()) {
        if (index.columns.isEmpty())
            return makeError(QStringLiteral("index \"%1\" is an expression index; its SQL cannot be translated to "
                                            "MySQL automatically yet")
                                 .arg(index.name));
        create = QStringLiteral("CREATE %1INDEX %2 ON %3 (%4)")
                     .arg(index.unique ? QStringLiteral("UNIQUE ") : QString(), quoteIdentifier(index.name),
                          quoteIdentifier(t.name), quotedList(index.columns));
    }
    // Idempotent (DDL commits on its own): a rerun after a crash drops a complete index first.
    if (auto st = myRun(c.mysql(), QStringLiteral("ALTER TABLE %1 DROP INDEX IF EXISTS %2")
                                       .arg(quoteIdentifier(t.name), quoteIdentifier(index.name)),
                        QStringLiteral("drop index \"%1\"").arg(index.name));
        !st)
        return st;
    return myRun(c.mysql(), create, QStringLiteral("create index \"%1\"").arg(index.name));
}

QString MysqlEngine::identityClause(const TableSchema &, const ColumnSchema &column) const
{
    // MySQL numbers only the first column of a key; the copy's explicit values keep theirs.
    return column.type.isInteger() && column.primaryKeyPosition == 1 ? QStringLiteral("AUTO_INCREMENT") : QString();
}

bool MysqlEngine::numbersColumn(const TableSchema &t, const ColumnSchema &column, QString *why) const
{
    if (!identityClause(t, column).isEmpty())
        return true;
    if (why)
        *why = QStringLiteral("MariaDB numbers only an integer column that starts a key: \"%1\" is a plain %2 column on the "
                              "target, its rows keep their copied values, new rows need one given")
                   .arg(column.name, describeType(column.type));
    return false;
}

QString MysqlEngine::adaptForeignKey(const TableSchema &t, ForeignKeySchema &fk) const
{
    // SET NULL on a NOT NULL column can never set NULL: PostgreSQL refuses such a delete or
    // update when it happens, MariaDB refuses the clause itself (errno 150 "Foreign key
    // constraint is incorrectly formed"). NO ACTION refuses the same deletes and updates.
    QStringList notNull;
    for (const ColumnSchema &column : t.columns)
        if (column.notNull && fk.columns.contains(column.name))
            notNull << column.name;
    if (notNull.isEmpty())
        return {};
    QStringList changed;
    for (QString *action : {&fk.onDelete, &fk.onUpdate})
        if (*action == QLatin1String("SET NULL")) {
            changed << (action == &fk.onDelete ? QStringLiteral("ON DELETE") : QStringLiteral("ON UPDATE"));
            *action = QStringLiteral("NO ACTION");
        }
    if (changed.isEmpty())
        return {};
    return QStringLiteral("%1 SET NULL on NOT NULL column %2 is declared NO ACTION: MariaDB refuses SET NULL on a column "
                          "that cannot be NULL, and both refuse the same deletes and updates of \"%3\"")
        .arg(changed.join(QStringLiteral(" and ")), u'"' + notNull.join(QStringLiteral("\", \"")) + u'"', fk.referencedTable);
}

// DDL commits on its own in MySQL: a constraint of that name left by an earlier attempt is
// dropped first, then the constraint is added (the server checks every row as it does so).
static Status replaceConstraint(MysqlEngine &e, DbConnection &c, const TableSchema &t, const QString &type,
                                const QString &name, const QString &clause, const QString &what)
{
    MYSQL *conn = c.mysql();
    auto exists = myRows(conn, QStringLiteral("SELECT 1 FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = "
                                              "DATABASE() AND TABLE_NAME = %1 AND CONSTRAINT_NAME = %2 AND CONSTRAINT_TYPE = %3")
                                   .arg(literal(t.name), literal(name), literal(type)));
    if (!exists)
        return exists.error();
    const QString table = e.quoteIdentifier(t.name);
    if (!exists->isEmpty()) {
        const QString drop = type == QLatin1String("FOREIGN KEY") ? QStringLiteral("FOREIGN KEY") : QStringLiteral("CONSTRAINT");
        if (auto st = myRun(conn, QStringLiteral("ALTER TABLE %1 DROP %2 %3").arg(table, drop, e.quoteIdentifier(name)),
                            what + QStringLiteral(" (dropping the one an earlier attempt left)"));
            !st)
            return st;
    }
    return myRun(conn, QStringLiteral("ALTER TABLE %1 ADD %2").arg(table, clause), what);
}

Status MysqlEngine::addForeignKey(DbConnection &c, const TableSchema &t, const ForeignKeySchema &fk)
{
    auto st = replaceConstraint(*this, c, t, QStringLiteral("FOREIGN KEY"), fk.name, foreignKeyClause(fk),
                                QStringLiteral("foreign key %1").arg(fk.name));
    if (!st) // MySQL's message names the constraint, not the rows
        if (auto orphans = describeOrphans(c, t, fk); orphans && !orphans->isEmpty())
            return makeError(st.error().message + QStringLiteral("; ") + *orphans, st.error().sql);
    return st;
}

Status MysqlEngine::addCheck(DbConnection &c, const TableSchema &t, const CheckSchema &check)
{
    auto st = replaceConstraint(*this, c, t, QStringLiteral("CHECK"), check.name, checkClause(check),
                                QStringLiteral("CHECK %1").arg(check.name));
    if (!st)
        if (auto rows = describeCheckViolations(c, t, check); rows && !rows->isEmpty())
            return makeError(st.error().message + QStringLiteral("; ") + *rows, st.error().sql);
    return st;
}

Result<qint64> MysqlEngine::resetIdentity(DbConnection &c, const TableSchema &t, const ColumnSchema &column)
{
    MYSQL *conn = c.mysql();
    auto declared = myRows(conn, QStringLiteral("SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                                                "AND TABLE_NAME = %1 AND COLUMN_NAME = %2 AND EXTRA LIKE '%auto_increment%'")
                                     .arg(literal(t.name), literal(column.name)));
    if (!declared)
        return declared.error();
    if (declared->isEmpty())
        return makeError(QStringLiteral("column \"%1\" of \"%2\" is not AUTO_INCREMENT on the target; MySQL numbers only "
                                        "an integer column that starts a key").arg(column.name, t.name));
    auto max = myRows(conn, QStringLiteral("SELECT coalesce(max(%1), 0) + 1 FROM %2").arg(quoteIdentifier(column.name), quoteIdentifier(t.name)));
    if (!max)
        return max.error();
    const qint64 next = std::max<qint64>(1, max->value(0).value(0).toLongLong());
    if (auto st = myRun(conn, QStringLiteral("ALTER TABLE %1 AUTO_INCREMENT = %2").arg(quoteIdentifier(t.name)).arg(next),
                        QStringLiteral("set the next AUTO_INCREMENT of \"%1\"").arg(t.name));
        !st)
        return st.error();
    return next;
}

Status MysqlEngine::createView(DbConnection &c, const ViewSchema &view)
{
    return myRun(c.mysql(), QStringLiteral("CREATE OR REPLACE VIEW %1 AS %2").arg(viewHeader(view, quoteIdentifier(view.name)), view.selectSql),
                 QStringLiteral("create view \"%1\"").arg(view.name));
}

} // namespace cockpit
