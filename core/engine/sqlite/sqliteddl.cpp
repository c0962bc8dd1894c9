// SQLite DDL: target tables (the source's own CREATE TABLE, or one built from the column model
// without the checks SQLite cannot run), indexes, views, and the constraints SQLite declares
// only when it creates a table (verified after the copy) and identity numbering.
#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqliteinternal.h"
#include "engine/sqlite/sqlitewritelock.h"
#include "engine/columntype.h"

namespace cockpit {

using namespace sqliteinternal;

namespace {

// A string literal for statements built as text.
QString literal(const QString &s)
{
    QString q = s;
    q.replace(u'\'', QStringLiteral("''"));
    return u'\'' + q + u'\'';
}

} // namespace

QString SqliteEngine::createTableSql(const TableSchema &t, QStringList *dropped) const
{
    // SQLite cannot add constraints to an existing table: foreign keys and checks are declared
    // here, and the constraint tasks verify them after the copy. (Foreign keys are not
    // enforced while loading: the writer's connection leaves foreign_keys off.)
    QStringList constraints;
    for (const auto &fk : t.foreignKeys)
        constraints << foreignKeyClause(fk);
    for (const auto &check : t.checks)
        constraints << checkClause(check);
    // An identity key must be declared INTEGER to be the rowid SQLite numbers.
    const auto typeOf = [&t](const ColumnSchema &c) {
        return c.identity && t.primaryKey == QStringList{c.name} ? QStringLiteral("INTEGER") : sqliteTypeName(c.type);
    };
    return QStringLiteral("CREATE TABLE %1 ").arg(quoteIdentifier(t.name))
           + columnDefinitions(t, EngineKind::SQLite, typeOf, dropped, constraints);
}

Status SqliteEngine::createTableWithChecks(sqlite3 *db, const TableSchema &t, QStringList *warnings) const
{
    const QString what = QStringLiteral("create table \"%1\"").arg(t.name);
    const bool created = sqliteExec(db, createTableSql(t, warnings), what).ok();
    // SQLite accepts a CHECK naming an unknown function and fails every insert later: each
    // expression must also prepare against the new table.
    TableSchema kept = t;
    kept.checks.clear();
    for (const auto &check : t.checks) {
        auto probe = SqliteStatement::prepare(db, QStringLiteral("SELECT 1 FROM %1 WHERE NOT (%2)")
                                                      .arg(quoteIdentifier(t.name), check.expression));
        if (probe)
            kept.checks << check;
        else if (warnings)
            *warnings << QStringLiteral("CHECK %1 (%2) is not valid SQLite and was not declared: %3")
                             .arg(check.name, check.expression, probe.error().message);
    }
    if (created && kept.checks.size() == t.checks.size())
        return {};
    if (created)
        if (auto st = sqliteExec(db, QStringLiteral("DROP TABLE %1").arg(quoteIdentifier(t.name)), what); !st)
            return st;
    return sqliteExec(db, createTableSql(kept, nullptr), what);
}

Status SqliteEngine::prepareTable(DbConnection &c, const TableSchema &t, const QString &runId,
                                  PrepareMode mode, QStringList *warnings)
{
    sqlite3 *db = c.sqlite();
    // WAL: readers (validation, the UI's status) never block the loader.
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    if (auto st = sqliteExec(db, QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("set WAL")); !st)
        return st;
    if (auto st = sqliteExec(db, QStringLiteral("BEGIN IMMEDIATE"), QStringLiteral("begin prepare")); !st)
        return st;
    auto fail = [&](const TaskError &e) -> Status {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    };
    if (auto st = sqliteExec(db, QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (task TEXT PRIMARY KEY, "
                                                "table_name TEXT NOT NULL, run_id TEXT NOT NULL, "
                                                "last_key INTEGER NOT NULL, rows_done INTEGER NOT NULL, row_hash INTEGER)")
                                 .arg(quoteIdentifier(kCheckpoint)),
                             QStringLiteral("create the checkpoint table"));
        !st)
        return fail(st.error());

    auto exists = SqliteStatement::prepare(db, QStringLiteral("SELECT name FROM sqlite_master WHERE "
                                                              "type = 'table' AND name = ?1 COLLATE NOCASE"));
    auto marker = SqliteStatement::prepare(db, QStringLiteral("SELECT run_id FROM %1 WHERE task = ?1")
                                                   .arg(quoteIdentifier(kCheckpoint)));
    if (!exists)
        return fail(exists.error());
    if (!marker)
        return fail(marker.error());
    const QByteArray name = t.name.toUtf8();
    const QByteArray markerTask = (QStringLiteral("prepare:") + t.name).toUtf8();
    sqlite3_bind_text(exists->get(), 1, name.constData(), -1, SQLITE_STATIC);
    if (sqlite3_step(exists->get()) == SQLITE_ROW) {
        const QString existing = exists->text(0);
        sqlite3_bind_text(marker->get(), 1, markerTask.constData(), -1, SQLITE_STATIC);
        const bool ours = sqlite3_step(marker->get()) == SQLITE_ROW && marker->text(0) == runId;
        // SQLite refuses DROP TABLE ("database table is locked") while a statement of this
        // connection is still positioned on a row: finish both lookups first.
        sqlite3_reset(exists->get());
        sqlite3_reset(marker->get());
        if (!ours && mode == PrepareMode::FailIfExists)
            return fail(makeError(QStringLiteral("target table \"%1\" already exists in %2; set "
                                                 "\"ifTargetExists\": \"replace\" in the plan to "
                                                 "drop and recreate it")
                                      .arg(existing, c.url().display())));
        if (auto st = sqliteExec(db, QStringLiteral("DROP TABLE %1").arg(quoteIdentifier(existing)),
                                 QStringLiteral("drop the existing target table"));
            !st)
            return fail(st.error());
    }
    exists = SqliteStatement::prepare(db, QStringLiteral("DELETE FROM %1 WHERE table_name = ?1")
                                              .arg(quoteIdentifier(kCheckpoint)));
    if (!exists)
        return fail(exists.error());
    sqlite3_bind_text(exists->get(), 1, name.constData(), -1, SQLITE_STATIC);
    if (auto st = exists->exec(QStringLiteral("clear old checkpoints")); !st)
        return fail(st.error());

    const Status created = t.createSql.isEmpty()
                               ? createTableWithChecks(db, t, warnings)
                               : sqliteExec(db, t.createSql, QStringLiteral("create table \"%1\"").arg(t.name));
    if (!created)
        return fail(created.error());
    auto insertMarker = SqliteStatement::prepare(
        db, QStringLiteral("INSERT INTO %1 (task, table_name, run_id, last_key, rows_done) "
                           "VALUES (?1, ?2, ?3, 0, 0)")
                .arg(quoteIdentifier(kCheckpoint)));
    if (!insertMarker)
        return fail(insertMarker.error());
    const QByteArray run = runId.toUtf8();
    sqlite3_bind_text(insertMarker->get(), 1, markerTask.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_text(insertMarker->get(), 2, name.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_text(insertMarker->get(), 3, run.constData(), -1, SQLITE_STATIC);
    if (auto st = insertMarker->exec(QStringLiteral("record the prepare marker")); !st)
        return fail(st.error());
    if (auto st = sqliteExec(db, QStringLiteral("COMMIT"), QStringLiteral("commit prepare")); !st)
        return fail(st.error());
    return {};
}

Status SqliteEngine::clearTable(DbConnection &c, const TableSchema &t)
{
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    return sqliteExec(c.sqlite(), QStringLiteral("DELETE FROM %1").arg(quoteIdentifier(t.name)),
                      QStringLiteral("clear a partial copy of \"%1\"").arg(t.name));
}

Status SqliteEngine::createIndex(DbConnection &c, const TableSchema &t, const IndexSchema &index, IndexBuilds)
{
    if (index.declaredByTable && !t.createSql.isEmpty())
        return {}; // a UNIQUE constraint of the source's own CREATE TABLE, which made the table
    QString create = index.createSql;
    if (create.isEmpty()) {
        create = QStringLiteral("CREATE %1INDEX %2 ON %3 (%4)")
                     .arg(index.unique ? QStringLiteral("UNIQUE ") : QString(),
                          quoteIdentifier(index.name), quoteIdentifier(t.name),
                          quotedList(index.columns));
    }
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    // Idempotent: a rerun after a crash finds either no index or a complete one.
    return sqliteExec(c.sqlite(),
                      QStringLiteral("BEGIN IMMEDIATE; DROP INDEX IF EXISTS %1; %2; COMMIT")
                          .arg(quoteIdentifier(index.name), create),
                      QStringLiteral("create index \"%1\"").arg(index.name));
}

Status SqliteEngine::addForeignKey(DbConnection &c, const TableSchema &t, const ForeignKeySchema &fk)
{
    auto declared = firstRows(c, QStringLiteral("SELECT id, group_concat(\"from\", ','), \"table\" FROM "
                                                "(SELECT * FROM pragma_foreign_key_list(%1) ORDER BY id, seq) GROUP BY id")
                                     .arg(literal(t.name)),
                              1000);
    if (!declared)
        return declared.error();
    const bool found = std::any_of(declared->begin(), declared->end(), [&](const QStringList &row) {
        return row.value(1) == fk.columns.join(u',') && row.value(2).compare(fk.referencedTable, Qt::CaseInsensitive) == 0;
    });
    if (!found)
        return makeError(QStringLiteral("foreign key %1 (%2) -> \"%3\" is not declared on the target table \"%4\"; "
                                        "SQLite declares foreign keys only when it creates a table (rerun its prepare task)")
                             .arg(fk.name, fk.columns.join(QStringLiteral(", ")), fk.referencedTable, t.name));
    auto orphans = describeOrphans(c, t, fk);
    if (!orphans)
        return orphans.error();
    if (!orphans->isEmpty())
        return makeError(QStringLiteral("foreign key %1 is broken: %2").arg(fk.name, *orphans));
    return {};
}

Status SqliteEngine::addCheck(DbConnection &c, const TableSchema &t, const CheckSchema &check)
{
    auto violations = describeCheckViolations(c, t, check);
    if (!violations)
        return makeError(QStringLiteral("CHECK %1 (%2): %3").arg(check.name, check.expression, violations.error().message));
    if (!violations->isEmpty())
        return makeError(QStringLiteral("CHECK %1 is broken: %2").arg(check.name, *violations));
    return {};
}

Result<qint64> SqliteEngine::resetIdentity(DbConnection &c, const TableSchema &t, const ColumnSchema &column)
{
    // Only a rowid alias is numbered by SQLite: after max(rowid), and with AUTOINCREMENT
    // after the largest number sqlite_sequence remembers (which explicit keys also raise).
    auto alias = firstRows(c, QStringLiteral("SELECT count(*) FROM pragma_table_info(%1) WHERE pk > 0 AND NOT "
                                             "(name = %2 AND upper(type) = 'INTEGER')")
                                  .arg(literal(t.name), literal(column.name)),
                           1);
    if (!alias)
        return alias.error();
    if (alias->value(0).value(0) != QLatin1String("0"))
        return makeError(QStringLiteral("column \"%1\" of \"%2\" is not an INTEGER PRIMARY KEY on the target; SQLite "
                                        "numbers only those").arg(column.name, t.name));
    auto max = firstRows(c, QStringLiteral("SELECT coalesce(max(%1), 0) FROM %2").arg(quoteIdentifier(column.name), quoteIdentifier(t.name)), 1);
    if (!max)
        return max.error();
    qint64 next = max->value(0).value(0).toLongLong() + 1;
    auto sequence = firstRows(c, QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = %1")
                                     .arg(literal(t.name)),
                              1);
    if (sequence && !sequence->isEmpty()) // AUTOINCREMENT never gives a number twice
        next = std::max(next, sequence->value(0).value(0).toLongLong() + 1);
    return next;
}

Status SqliteEngine::createView(DbConnection &c, const ViewSchema &view)
{
    auto lock = SqliteWriteLock::acquire(c);
    if (!lock)
        return lock.error();
    const QString name = quoteIdentifier(view.name);
    if (auto st = sqliteExec(c.sqlite(), QStringLiteral("BEGIN IMMEDIATE; DROP VIEW IF EXISTS %1; CREATE VIEW %2 AS %3; COMMIT")
                                             .arg(name, viewHeader(view, name), view.selectSql),
                             QStringLiteral("create view \"%1\"").arg(view.name));
        !st) {
        sqlite3_exec(c.sqlite(), "ROLLBACK", nullptr, nullptr, nullptr);
        return st;
    }
    // SQLite checks a view's tables and functions only when it is used: use it once.
    if (auto probe = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT * FROM %1 LIMIT 0").arg(name)); !probe) {
        sqlite3_exec(c.sqlite(), QStringLiteral("DROP VIEW IF EXISTS %1").arg(name).toUtf8().constData(), nullptr, nullptr, nullptr);
        return makeError(QStringLiteral("view \"%1\" does not work on SQLite: %2").arg(view.name, probe.error().message));
    }
    return {};
}

} // namespace cockpit
