#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqlitestatement.h"
#include "engine/valuetext.h"

#include <QRegularExpression>
#include <charconv>
#include <map>
#include <mutex>

namespace cockpit {

namespace {

const QString kCheckpoint = QString::fromLatin1(kCheckpointTable);

// Reads rows of a prepared SELECT whose first column is the key and the rest the values.
class SqliteReader final : public RowReader {
public:
    SqliteReader(SqliteStatement stmt, int columns) : m_stmt(std::move(stmt)), m_columns(columns) {}

    Result<int> next(RowBatch &batch, int maxRows) override
    {
        batch.reset(m_columns);
        if (m_done)
            return 0;
        sqlite3_stmt *s = m_stmt.get();
        int n = 0;
        while (n < maxRows) {
            const int rc = sqlite3_step(s);
            if (rc == SQLITE_DONE) {
                m_done = true;
                break;
            }
            if (rc != SQLITE_ROW)
                return m_stmt.error(QStringLiteral("reading rows failed"));
            batch.beginRow(sqlite3_column_int64(s, 0));
            for (int col = 1; col <= m_columns; ++col) {
                switch (sqlite3_column_type(s, col)) {
                case SQLITE_NULL: batch.addNull(); break;
                case SQLITE_INTEGER: batch.addInteger(sqlite3_column_int64(s, col)); break;
                case SQLITE_FLOAT: batch.addReal(sqlite3_column_double(s, col)); break;
                case SQLITE_TEXT: {
                    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(s, col));
                    batch.addText(p, sqlite3_column_bytes(s, col));
                    break;
                }
                default: {
                    const void *p = sqlite3_column_blob(s, col);
                    batch.addBlob(p, sqlite3_column_bytes(s, col));
                    break;
                }
                }
            }
            ++n;
        }
        return n;
    }

private:
    SqliteStatement m_stmt;
    int m_columns;
    bool m_done = false;
};

// Bulk-load settings for a target being created: no fsync per commit (WAL keeps it
// consistent after a crash or kill -9), a larger page cache, temp data in memory.
const char kBulkLoadPragmas[] = "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY";

// SQLite has one writer per file. Parallel chunk writers of this process queue on a mutex
// per target file and get the lock the instant it is free; through SQLite's busy handler
// they would sleep and poll (1 ms growing to 100 ms) while the file sits idle.
std::shared_ptr<std::mutex> writeLockFor(const QString &path)
{
    static std::mutex registryMutex;
    static std::map<QString, std::weak_ptr<std::mutex>> registry;
    std::lock_guard lock(registryMutex);
    auto &slot = registry[path];
    auto m = slot.lock();
    if (!m) {
        m = std::make_shared<std::mutex>();
        slot = m;
    }
    return m;
}

// Binds an exact decimal that arrives as text (PostgreSQL numeric, MariaDB decimal) the way
// SQLite's NUMERIC affinity stores it - an integer, or a real - but only when that is exact;
// otherwise as text, every digit kept (see sqliteTypeName: such columns have BLOB affinity).
void bindDecimal(sqlite3_stmt *s, int p, const char *text, size_t size)
{
    const std::string canonical = canonicalDecimal(text, size);
    const char *begin = canonical.data(), *end = begin + canonical.size();
    qint64 integer = 0;
    if (auto r = std::from_chars(begin, end, integer); r.ec == std::errc() && r.ptr == end) {
        sqlite3_bind_int64(s, p, integer);
        return;
    }
    double real = 0;
    if (auto r = std::from_chars(begin, end, real); r.ec == std::errc() && r.ptr == end) {
        std::string back;
        appendShortestDouble(back, real);
        if (canonicalDecimal(back.data(), back.size()) == canonical) {
            sqlite3_bind_double(s, p, real);
            return;
        }
    }
    sqlite3_bind_text(s, p, size ? text : "", int(size), SQLITE_STATIC);
}

class SqliteWriter final : public RowWriter {
public:
    SqliteWriter(sqlite3 *db, SqliteStatement insert, SqliteStatement checkpoint,
                 std::shared_ptr<std::mutex> writeLock, std::vector<bool> decimals)
        : m_db(db), m_insert(std::move(insert)), m_checkpoint(std::move(checkpoint)),
          m_writeLock(std::move(writeLock)), m_decimals(std::move(decimals))
    {
    }

    Status writeBatch(const RowBatch &batch, const Checkpoint &cp) override
    {
        std::lock_guard lock(*m_writeLock);
        // IMMEDIATE takes the write lock up front: parallel chunk writers queue on the busy
        // timeout instead of deadlocking on a lock upgrade.
        if (auto st = sqliteExec(m_db, QStringLiteral("BEGIN IMMEDIATE"), QStringLiteral("begin batch")); !st)
            return st;
        auto fail = [&](TaskError e) -> Status {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            return e;
        };
        sqlite3_stmt *s = m_insert.get();
        for (int row = 0; row < batch.rows(); ++row) {
            for (int col = 0; col < batch.columns(); ++col) {
                const Value &v = batch.value(row, col);
                const int p = col + 1;
                switch (v.type) {
                case ValueType::Null: sqlite3_bind_null(s, p); break;
                case ValueType::Integer: sqlite3_bind_int64(s, p, v.integer); break;
                case ValueType::Real: sqlite3_bind_double(s, p, v.real); break;
                // SQLite binds a null pointer as NULL: an empty value (in a batch whose byte
                // arena is empty, data() is null) must point somewhere to stay ''.
                case ValueType::Text:
                    if (m_decimals[size_t(col)])
                        bindDecimal(s, p, batch.bytes(v), v.size);
                    else
                        sqlite3_bind_text(s, p, v.size ? batch.bytes(v) : "", int(v.size), SQLITE_STATIC);
                    break;
                case ValueType::Blob: sqlite3_bind_blob(s, p, v.size ? batch.bytes(v) : "", int(v.size), SQLITE_STATIC); break;
                }
            }
            const int rc = sqlite3_step(s);
            sqlite3_reset(s);
            if (rc != SQLITE_DONE)
                return fail(m_insert.error(QStringLiteral("inserting a row failed (source key %1)")
                                               .arg(batch.key(row))));
        }
        sqlite3_stmt *c = m_checkpoint.get();
        const QByteArray task = cp.task.toUtf8(), table = cp.table.toUtf8(), run = cp.runId.toUtf8();
        sqlite3_bind_text(c, 1, task.constData(), int(task.size()), SQLITE_STATIC);
        sqlite3_bind_text(c, 2, table.constData(), int(table.size()), SQLITE_STATIC);
        sqlite3_bind_text(c, 3, run.constData(), int(run.size()), SQLITE_STATIC);
        sqlite3_bind_int64(c, 4, cp.lastKey);
        sqlite3_bind_int64(c, 5, cp.rowsDone);
        if (auto st = m_checkpoint.exec(QStringLiteral("saving the checkpoint failed")); !st)
            return fail(st.error());
        if (auto st = sqliteExec(m_db, QStringLiteral("COMMIT"), QStringLiteral("commit batch")); !st)
            return fail(st.error());
        return {};
    }

private:
    sqlite3 *m_db;
    SqliteStatement m_insert;
    SqliteStatement m_checkpoint;
    std::shared_ptr<std::mutex> m_writeLock;
    std::vector<bool> m_decimals; // per column: an exact decimal (TypeClass::Numeric)
};

QString keyBounds(const TableSchema &t)
{
    return QStringLiteral(" WHERE %1 > ?1 AND %1 <= ?2 ORDER BY %1").arg(t.copyKey);
}

} // namespace

QString SqliteEngine::quoteIdentifier(const QString &name) const
{
    QString q = name;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}

Result<QVector<TableSchema>> SqliteEngine::introspect(DbConnection &c)
{
    sqlite3 *db = c.sqlite();
    auto tables = SqliteStatement::prepare(
        db, QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT "
                           "LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '%1' ORDER BY name")
                .arg(kCheckpoint));
    if (!tables)
        return tables.error();
    auto columns = SqliteStatement::prepare(
        db, QStringLiteral("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM "
                           "pragma_table_xinfo(?1) ORDER BY cid"));
    auto indexes = SqliteStatement::prepare(
        db, QStringLiteral("SELECT il.name, il.\"unique\", m.sql FROM pragma_index_list(?1) il "
                           "LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = il.name "
                           "WHERE il.origin = 'c' ORDER BY il.name"));
    auto indexColumns = SqliteStatement::prepare(
        db, QStringLiteral("SELECT name FROM pragma_index_info(?1) ORDER BY seqno"));
    if (!columns)
        return columns.error();
    if (!indexes)
        return indexes.error();
    if (!indexColumns)
        return indexColumns.error();

    static const QRegularExpression withoutRowid(QStringLiteral("\\bWITHOUT\\s+ROWID\\b"),
                                                 QRegularExpression::CaseInsensitiveOption);
    QVector<TableSchema> out;
    while (true) {
        const int rc = sqlite3_step(tables->get());
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW)
            return tables->error(QStringLiteral("listing tables failed"));
        TableSchema t;
        t.name = tables->text(0);
        t.createSql = tables->text(1);
        if (t.createSql.startsWith(QLatin1String("CREATE VIRTUAL"), Qt::CaseInsensitive))
            continue; // virtual tables (FTS, R*Tree) are recreated from their module, not copied

        const QByteArray name = t.name.toUtf8();
        sqlite3_bind_text(columns->get(), 1, name.constData(), -1, SQLITE_TRANSIENT);
        QMap<int, QString> pk;
        while (sqlite3_step(columns->get()) == SQLITE_ROW) {
            if (sqlite3_column_int(columns->get(), 5) != 0)
                continue; // generated or hidden columns are computed by the target itself
            ColumnSchema col;
            col.name = columns->text(0);
            col.declaredType = columns->text(1);
            col.type = sqliteColumnType(col.declaredType);
            col.notNull = sqlite3_column_int(columns->get(), 2) != 0;
            col.defaultSql = columns->text(3);
            col.primaryKeyPosition = sqlite3_column_int(columns->get(), 4);
            if (col.primaryKeyPosition > 0)
                pk.insert(col.primaryKeyPosition, col.name);
            t.columns << col;
        }
        sqlite3_reset(columns->get());
        t.primaryKey = pk.values();

        sqlite3_bind_text(indexes->get(), 1, name.constData(), -1, SQLITE_TRANSIENT);
        while (sqlite3_step(indexes->get()) == SQLITE_ROW) {
            IndexSchema idx;
            idx.name = indexes->text(0);
            idx.unique = sqlite3_column_int(indexes->get(), 1) != 0;
            idx.createSql = indexes->text(2);
            const QByteArray iname = idx.name.toUtf8();
            sqlite3_bind_text(indexColumns->get(), 1, iname.constData(), -1, SQLITE_TRANSIENT);
            while (sqlite3_step(indexColumns->get()) == SQLITE_ROW)
                idx.columns << indexColumns->text(0);
            sqlite3_reset(indexColumns->get());
            t.indexes << idx;
        }
        sqlite3_reset(indexes->get());

        if (!withoutRowid.match(t.createSql).hasMatch()) {
            if (t.primaryKey.size() == 1) {
                for (const auto &col : t.columns)
                    if (col.name == t.primaryKey.first()
                        && col.declaredType.compare(QLatin1String("INTEGER"), Qt::CaseInsensitive) == 0)
                        t.copyKey = quoteIdentifier(col.name); // an alias of the rowid
            }
            if (t.copyKey.isEmpty()) {
                for (const auto &alias : {QStringLiteral("rowid"), QStringLiteral("_rowid_"),
                                            QStringLiteral("oid")}) {
                    bool shadowed = false;
                    for (const auto &col : t.columns)
                        shadowed |= col.name.compare(alias, Qt::CaseInsensitive) == 0;
                    if (!shadowed) {
                        t.copyKey = alias;
                        break;
                    }
                }
            }
        }
        out << t;
    }
    return out;
}

Result<TableStats> SqliteEngine::stats(DbConnection &c, const TableSchema &t)
{
    const QString key = t.hasCopyKey() ? t.copyKey : QStringLiteral("0");
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT count(*), min(%1), max(%1) FROM %2")
                                                      .arg(key, quoteIdentifier(t.name)));
    if (!s)
        return s.error();
    if (sqlite3_step(s->get()) != SQLITE_ROW)
        return s->error(QStringLiteral("counting rows of \"%1\" failed").arg(t.name));
    TableStats st;
    st.rows = sqlite3_column_int64(s->get(), 0);
    st.minKey = sqlite3_column_int64(s->get(), 1);
    st.maxKey = sqlite3_column_int64(s->get(), 2);
    return st;
}

Result<qint64> SqliteEngine::countRange(DbConnection &c, const TableSchema &t, qint64 keyLo, qint64 keyHi)
{
    if (!t.hasCopyKey()) {
        auto all = stats(c, t);
        if (!all)
            return all.error();
        return all->rows;
    }
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT count(*) FROM %1 WHERE %2 BETWEEN ?1 AND ?2")
                                                      .arg(quoteIdentifier(t.name), t.copyKey));
    if (!s)
        return s.error();
    sqlite3_bind_int64(s->get(), 1, keyLo);
    sqlite3_bind_int64(s->get(), 2, keyHi);
    if (sqlite3_step(s->get()) != SQLITE_ROW)
        return s->error(QStringLiteral("counting rows of \"%1\" failed").arg(t.name));
    return qint64(sqlite3_column_int64(s->get(), 0));
}

QString SqliteEngine::createTableSql(const TableSchema &t, QStringList *dropped) const
{
    return QStringLiteral("CREATE TABLE %1 ").arg(quoteIdentifier(t.name))
           + columnDefinitions(t, EngineKind::SQLite, [](const ColumnSchema &c) { return sqliteTypeName(c.type); }, dropped);
}

Status SqliteEngine::prepareTable(DbConnection &c, const TableSchema &t, const QString &runId,
                                  PrepareMode mode, QStringList *warnings)
{
    sqlite3 *db = c.sqlite();
    // WAL: readers (validation, the UI's status) never block the loader; synchronous=NORMAL
    // commits without fsync yet stays consistent after a crash or kill -9.
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
                                                "last_key INTEGER NOT NULL, rows_done INTEGER NOT NULL)")
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

    const QString create = t.createSql.isEmpty() ? createTableSql(t, warnings) : t.createSql;
    if (auto st = sqliteExec(db, create, QStringLiteral("create table \"%1\"").arg(t.name)); !st)
        return fail(st.error());
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

Result<std::optional<Checkpoint>> SqliteEngine::readCheckpoint(DbConnection &c, const QString &task)
{
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT table_name, run_id, last_key, "
                                                                 "rows_done FROM %1 WHERE task = ?1")
                                                      .arg(quoteIdentifier(kCheckpoint)));
    if (!s) // no checkpoint table yet: nothing committed
        return std::optional<Checkpoint>();
    const QByteArray name = task.toUtf8();
    sqlite3_bind_text(s->get(), 1, name.constData(), -1, SQLITE_STATIC);
    const int rc = sqlite3_step(s->get());
    if (rc == SQLITE_DONE)
        return std::optional<Checkpoint>();
    if (rc != SQLITE_ROW)
        return s->error(QStringLiteral("reading the checkpoint of %1 failed").arg(task));
    Checkpoint cp;
    cp.task = task;
    cp.table = s->text(0);
    cp.runId = s->text(1);
    cp.lastKey = sqlite3_column_int64(s->get(), 2);
    cp.rowsDone = sqlite3_column_int64(s->get(), 3);
    return std::optional<Checkpoint>(cp);
}

Status SqliteEngine::finishTarget(DbConnection &c)
{
    if (auto st = sqliteExec(c.sqlite(), QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoteIdentifier(kCheckpoint)),
                             QStringLiteral("drop the checkpoint table"));
        !st)
        return st;
    // Back to a single self-contained file; if another connection still reads, SQLite keeps
    // WAL, which is harmless.
    sqlite3_exec(c.sqlite(), "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE", nullptr,
                 nullptr, nullptr);
    return {};
}

Result<std::unique_ptr<RowReader>> SqliteEngine::openReader(DbConnection &c, const TableSchema &t,
                                                           qint64 afterKey, qint64 keyHi)
{
    // A larger page cache for the scan. (No mmap: mapped source pages count in the process's
    // resident memory, and the bounded-memory target is measured on it.)
    if (auto st = sqliteExec(c.sqlite(), QStringLiteral("PRAGMA cache_size=-32768"),
                             QStringLiteral("set read pragmas"));
        !st)
        return st.error();
    QString sql = QStringLiteral("SELECT %1, %2 FROM %3")
                      .arg(t.hasCopyKey() ? t.copyKey : QStringLiteral("0"), columnList(t),
                           quoteIdentifier(t.name));
    if (t.hasCopyKey())
        sql += keyBounds(t);
    auto s = SqliteStatement::prepare(c.sqlite(), sql);
    if (!s)
        return s.error();
    if (t.hasCopyKey()) {
        sqlite3_bind_int64(s->get(), 1, afterKey);
        sqlite3_bind_int64(s->get(), 2, keyHi);
    }
    return std::unique_ptr<RowReader>(new SqliteReader(std::move(*s), int(t.columns.size())));
}

Result<std::unique_ptr<RowWriter>> SqliteEngine::openWriter(DbConnection &c, const TableSchema &t)
{
    sqlite3 *db = c.sqlite();
    if (auto st = sqliteExec(db, QString::fromLatin1(kBulkLoadPragmas), QStringLiteral("set bulk-load pragmas")); !st)
        return st.error();
    QStringList params;
    for (int i = 1; i <= t.columns.size(); ++i)
        params << QStringLiteral("?%1").arg(i);
    auto insert = SqliteStatement::prepare(db, QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                                                   .arg(quoteIdentifier(t.name), columnList(t),
                                                        params.join(QStringLiteral(", "))));
    if (!insert)
        return insert.error();
    auto cp = SqliteStatement::prepare(db, QStringLiteral("INSERT OR REPLACE INTO %1 (task, table_name, "
                                                          "run_id, last_key, rows_done) VALUES "
                                                          "(?1, ?2, ?3, ?4, ?5)")
                                               .arg(quoteIdentifier(kCheckpoint)));
    if (!cp)
        return cp.error();
    std::vector<bool> decimals;
    for (const auto &col : t.columns)
        decimals.push_back(col.type.cls == TypeClass::Numeric);
    return std::unique_ptr<RowWriter>(
        new SqliteWriter(db, std::move(*insert), std::move(*cp), writeLockFor(c.url().path), std::move(decimals)));
}

Result<std::unique_ptr<SqliteEngine::AttachedCopy>> SqliteEngine::AttachedCopy::open(DbConnection &target,
                                                                                 const QString &sourcePath,
                                                                                 const TableSchema &t)
{
    std::unique_ptr<AttachedCopy> a(new AttachedCopy);
    a->m_db = target.sqlite();
    if (auto st = sqliteExec(a->m_db, QString::fromLatin1(kBulkLoadPragmas), QStringLiteral("set bulk-load pragmas")); !st)
        return st.error();
    a->m_writeLock = writeLockFor(target.url().path);
    auto attach = SqliteStatement::prepare(a->m_db, QStringLiteral("ATTACH DATABASE ?1 AS cockpit_source"));
    if (!attach)
        return attach.error();
    const QByteArray path = sourcePath.toUtf8();
    sqlite3_bind_text(attach->get(), 1, path.constData(), -1, SQLITE_STATIC);
    if (auto st = attach->exec(QStringLiteral("attach the source")); !st)
        return st.error();
    SqliteEngine e;
    const QString table = e.quoteIdentifier(t.name);
    const QString cols = e.columnList(t);
    // The key of the batch's last row, then every row up to it: the batch is exact even when
    // keys have gaps.
    a->m_boundSql = QStringLiteral("SELECT %1 FROM cockpit_source.%2 WHERE %1 > ?1 AND %1 <= ?2 ORDER BY %1 LIMIT 1 OFFSET ?3")
                        .arg(t.copyKey, table);
    a->m_insertSql = QStringLiteral("INSERT INTO main.%1 (%2) SELECT %2 FROM cockpit_source.%1 WHERE %3 > ?1 AND %3 <= ?2 ORDER BY %3")
                         .arg(table, cols, t.copyKey);
    a->m_checkpointSql = QStringLiteral("INSERT OR REPLACE INTO main.%1 (task, table_name, run_id, last_key, rows_done) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5)")
                             .arg(e.quoteIdentifier(kCheckpoint));
    return a;
}

SqliteEngine::AttachedCopy::~AttachedCopy()
{
    sqlite3_exec(m_db, "DETACH DATABASE cockpit_source", nullptr, nullptr, nullptr);
}

Result<int> SqliteEngine::AttachedCopy::copyBatch(Checkpoint &cp, qint64 keyHi, int batchSize)
{
    auto bound = SqliteStatement::prepare(m_db, m_boundSql);
    auto insert = SqliteStatement::prepare(m_db, m_insertSql);
    auto checkpoint = SqliteStatement::prepare(m_db, m_checkpointSql);
    if (!bound)
        return bound.error();
    if (!insert)
        return insert.error();
    if (!checkpoint)
        return checkpoint.error();
    sqlite3_bind_int64(bound->get(), 1, cp.lastKey);
    sqlite3_bind_int64(bound->get(), 2, keyHi);
    sqlite3_bind_int64(bound->get(), 3, batchSize - 1);
    const int rc = sqlite3_step(bound->get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return bound->error(QStringLiteral("finding the batch's last key failed"));
    const qint64 upTo = rc == SQLITE_ROW ? sqlite3_column_int64(bound->get(), 0) : keyHi;
    sqlite3_reset(bound->get()); // release the source read lock before queueing for the writer

    std::lock_guard lock(*m_writeLock);
    // Deferred BEGIN: IMMEDIATE would also take a write lock on the attached source, and the
    // commit would then wait for every reader of the source (other chunks, validations).
    if (auto st = sqliteExec(m_db, QStringLiteral("BEGIN"), QStringLiteral("begin batch")); !st)
        return st.error();
    auto fail = [&](const TaskError &e) -> Result<int> {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    };
    sqlite3_bind_int64(insert->get(), 1, cp.lastKey);
    sqlite3_bind_int64(insert->get(), 2, upTo);
    if (auto st = insert->exec(QStringLiteral("copying a batch failed (source keys after %1 up to %2)").arg(cp.lastKey).arg(upTo)); !st)
        return fail(st.error());
    const int rows = sqlite3_changes(m_db);
    if (rows == 0) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return 0;
    }
    Checkpoint next = cp;
    next.lastKey = upTo;
    next.rowsDone += rows;
    const QByteArray task = next.task.toUtf8(), table = next.table.toUtf8(), run = next.runId.toUtf8();
    sqlite3_bind_text(checkpoint->get(), 1, task.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_text(checkpoint->get(), 2, table.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_text(checkpoint->get(), 3, run.constData(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(checkpoint->get(), 4, next.lastKey);
    sqlite3_bind_int64(checkpoint->get(), 5, next.rowsDone);
    if (auto st = checkpoint->exec(QStringLiteral("saving the checkpoint failed")); !st)
        return fail(st.error());
    if (auto st = sqliteExec(m_db, QStringLiteral("COMMIT"), QStringLiteral("commit batch")); !st)
        return fail(st.error());
    cp = next;
    return rows;
}

Status SqliteEngine::clearTable(DbConnection &c, const TableSchema &t)
{
    return sqliteExec(c.sqlite(), QStringLiteral("DELETE FROM %1").arg(quoteIdentifier(t.name)),
                      QStringLiteral("clear a partial copy of \"%1\"").arg(t.name));
}

Status SqliteEngine::createIndex(DbConnection &c, const TableSchema &t, const IndexSchema &index)
{
    QString create = index.createSql;
    if (create.isEmpty()) {
        create = QStringLiteral("CREATE %1INDEX %2 ON %3 (%4)")
                     .arg(index.unique ? QStringLiteral("UNIQUE ") : QString(),
                          quoteIdentifier(index.name), quoteIdentifier(t.name),
                          quotedList(index.columns));
    }
    // Idempotent: a rerun after a crash finds either no index or a complete one.
    return sqliteExec(c.sqlite(),
                      QStringLiteral("BEGIN IMMEDIATE; DROP INDEX IF EXISTS %1; %2; COMMIT")
                          .arg(quoteIdentifier(index.name), create),
                      QStringLiteral("create index \"%1\"").arg(index.name));
}

Result<TableChecksum> SqliteEngine::checksum(DbConnection &c, const TableSchema &t,
                                             std::atomic<qint64> *rowsHashed)
{
    auto reader = openReader(c, TableSchema{t.name, t.columns, {}, {}, {}, {}}, 0, 0);
    if (!reader)
        return reader.error();
    return checksumRows(**reader, t, rowsHashed);
}

Result<std::unique_ptr<RowReader>> SqliteEngine::openOrderedReader(DbConnection &c, const TableSchema &t)
{
    auto s = SqliteStatement::prepare(c.sqlite(), QStringLiteral("SELECT 0, %1 FROM %2 ORDER BY %3")
                                                      .arg(columnList(t), quoteIdentifier(t.name), keyOrder(t)));
    if (!s)
        return s.error();
    return std::unique_ptr<RowReader>(new SqliteReader(std::move(*s), int(t.columns.size())));
}

} // namespace cockpit
