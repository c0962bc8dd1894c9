#include "engine/mysql/mysqlengine.h"
#include "engine/owntcpports.h"
#include "engine/valuetext.h"

#include <QHash>
#include <QRegularExpression>
#include <QMap>
#include <QSet>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <mysql.h>

namespace cockpit {

namespace {

const QString kCheckpoint = QString::fromLatin1(kCheckpointTable);

QString myError(MYSQL *conn) { return QString::fromUtf8(mysql_error(conn)).simplified(); }

// Runs a statement and discards any result; errors carry the statement.
Status myRun(MYSQL *conn, const QString &sql, const QString &what)
{
    const QByteArray utf8 = sql.toUtf8();
    if (mysql_real_query(conn, utf8.constData(), utf8.size()) != 0)
        return makeError(what + QStringLiteral(": ") + myError(conn), sql);
    if (MYSQL_RES *r = mysql_store_result(conn))
        mysql_free_result(r);
    return {};
}

// Rows of a small query as text; a NULL field is a null QString.
using Rows = QVector<QStringList>;
Result<Rows> myRows(MYSQL *conn, const QString &sql)
{
    const QByteArray utf8 = sql.toUtf8();
    if (mysql_real_query(conn, utf8.constData(), utf8.size()) != 0)
        return makeError(myError(conn), sql);
    MYSQL_RES *r = mysql_store_result(conn);
    if (!r) {
        if (mysql_field_count(conn) != 0)
            return makeError(myError(conn), sql);
        return Rows();
    }
    Rows out;
    const unsigned int n = mysql_num_fields(r);
    while (MYSQL_ROW row = mysql_fetch_row(r)) {
        const unsigned long *lengths = mysql_fetch_lengths(r);
        QStringList fields;
        for (unsigned int i = 0; i < n; ++i)
            fields << (row[i] ? QString::fromUtf8(row[i], qsizetype(lengths[i])) : QString());
        out << fields;
    }
    mysql_free_result(r);
    return out;
}

// A string literal. The session runs with NO_BACKSLASH_ESCAPES (DbConnection::open), so
// doubling the quote is the whole escaping.
QString literal(const QString &s)
{
    QString q = s;
    q.replace(u'\'', QStringLiteral("''"));
    return u'\'' + q + u'\'';
}

void appendQuoted(std::string &out, const char *p, size_t n)
{
    out += '\'';
    for (size_t i = 0; i < n; ++i) {
        if (p[i] == '\'')
            out += '\'';
        out += p[i];
    }
    out += '\'';
}

void appendHexLiteral(std::string &out, const char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    out += "X'";
    for (size_t i = 0; i < n; ++i) {
        out += digits[(unsigned char)p[i] >> 4];
        out += digits[(unsigned char)p[i] & 15];
    }
    out += '\'';
}

// Streams `SELECT key, cols...` (mysql_use_result: one row in memory at a time) into batches,
// typed by the columns' classes.
class MysqlReader final : public RowReader {
public:
    MysqlReader(MYSQL *conn, MYSQL_RES *res, std::vector<TypeClass> classes)
        : m_conn(conn), m_res(res), m_classes(std::move(classes))
    {
    }
    ~MysqlReader() override
    {
        if (m_res) // abandoned midway: freeing reads the rest, so the connection is usable again
            mysql_free_result(m_res);
    }

    Result<int> next(RowBatch &batch, int maxRows) override
    {
        batch.reset(int(m_classes.size()));
        int n = 0;
        while (m_res && n < maxRows && batch.byteSize() < kBatchByteBudget) {
            MYSQL_ROW row = mysql_fetch_row(m_res);
            if (!row) {
                const bool failed = mysql_errno(m_conn) != 0;
                const QString error = myError(m_conn);
                mysql_free_result(m_res);
                m_res = nullptr;
                if (failed)
                    return makeError(QStringLiteral("reading rows failed: ") + error);
                break;
            }
            const unsigned long *lengths = mysql_fetch_lengths(m_res);
            batch.beginRow(row[0] ? std::strtoll(row[0], nullptr, 10) : 0);
            for (size_t col = 0; col < m_classes.size(); ++col) {
                const char *p = row[col + 1];
                size_t len = lengths[col + 1];
                if (!p) {
                    batch.addNull();
                    continue;
                }
                switch (m_classes[col]) {
                case TypeClass::Boolean:
                case TypeClass::SmallInt:
                case TypeClass::Integer:
                case TypeClass::BigInt: batch.addInteger(std::strtoll(p, nullptr, 10)); break;
                case TypeClass::Float32:
                case TypeClass::Float64: batch.addReal(std::strtod(p, nullptr)); break;
                case TypeClass::Blob: batch.addBlob(p, int(len)); break;
                case TypeClass::Timestamp:
                case TypeClass::TimestampTz:
                case TypeClass::Time: {
                    // datetime(6)/time(6) always print six fraction digits ("12:34:56.000000");
                    // SQLite text and PostgreSQL print none or only the significant ones. Trim
                    // the fraction's trailing zeros (and a bare '.') so that equal instants
                    // read back as equal text and hash the same on every engine.
                    if (memchr(p, '.', len)) {
                        while (len > 0 && p[len - 1] == '0')
                            --len;
                        if (len > 0 && p[len - 1] == '.')
                            --len;
                    }
                    if (m_classes[col] == TypeClass::TimestampTz) {
                        // The session is UTC: say so the way PostgreSQL does (TimeZone UTC).
                        m_text.assign(p, len);
                        m_text += "+00";
                        batch.addText(m_text.data(), int(m_text.size()));
                    } else {
                        batch.addText(p, int(len));
                    }
                    break;
                }
                default: batch.addText(p, int(len)); break;
                }
            }
            ++n;
        }
        return n;
    }

private:
    MYSQL *m_conn;
    MYSQL_RES *m_res;
    std::vector<TypeClass> m_classes;
    std::string m_text;
};

std::vector<TypeClass> classesOf(const TableSchema &t)
{
    std::vector<TypeClass> out;
    for (const auto &c : t.columns)
        out.push_back(c.type.cls);
    return out;
}

Result<std::unique_ptr<RowReader>> startQuery(MYSQL *conn, const QString &sql, std::vector<TypeClass> classes)
{
    const QByteArray utf8 = sql.toUtf8();
    if (mysql_real_query(conn, utf8.constData(), utf8.size()) != 0)
        return makeError(QStringLiteral("reading rows failed: ") + myError(conn), sql);
    MYSQL_RES *res = mysql_use_result(conn);
    if (!res)
        return makeError(QStringLiteral("reading rows failed: ") + myError(conn), sql);
    return std::unique_ptr<RowReader>(new MysqlReader(conn, res, std::move(classes)));
}

class MysqlWriter final : public RowWriter {
public:
    MysqlWriter(MYSQL *conn, std::string prefix, QString checkpointTable, std::vector<TypeClass> classes,
                size_t limit)
        : m_conn(conn), m_prefix(std::move(prefix)), m_checkpointTable(std::move(checkpointTable)),
          m_classes(std::move(classes)), m_limit(limit)
    {
    }

    Status writeBatch(const RowBatch &batch, Checkpoint &cp) override
    {
        if (auto st = myRun(m_conn, QStringLiteral("START TRANSACTION"), QStringLiteral("begin batch")); !st)
            return st;
        auto fail = [&](const TaskError &e) -> Status {
            mysql_real_query(m_conn, "ROLLBACK", 8);
            return e;
        };
        m_sql.clear();
        int firstRow = 0;
        auto send = [&](int lastRow) -> Status {
            if (mysql_real_query(m_conn, m_sql.data(), m_sql.size()) != 0)
                return makeError(QStringLiteral("INSERT into the target failed (source keys %1 to %2): %3")
                                     .arg(batch.key(firstRow))
                                     .arg(batch.key(lastRow))
                                     .arg(myError(m_conn)),
                                 QString::fromUtf8(m_sql.data(), qsizetype(std::min<size_t>(m_sql.size(), 2000))));
            m_sql.clear();
            return {};
        };
        for (int row = 0; row < batch.rows(); ++row) {
            m_row.clear();
            m_row += '(';
            for (int col = 0; col < batch.columns(); ++col) {
                if (col > 0)
                    m_row += ',';
                appendValue(batch, batch.value(row, col), m_classes[size_t(col)]);
            }
            m_row += ')';
            // Each statement stays under the limit (a single larger row goes alone).
            if (!m_sql.empty() && m_sql.size() + m_row.size() + 1 > m_limit) {
                if (auto st = send(row - 1); !st)
                    return fail(st.error());
                firstRow = row;
            }
            if (m_sql.empty())
                m_sql = m_prefix;
            else
                m_sql += ',';
            m_sql += m_row;
        }
        if (!m_sql.empty())
            if (auto st = send(batch.rows() - 1); !st)
                return fail(st.error());
        const QString checkpoint = QStringLiteral("INSERT INTO %1 (task, table_name, run_id, last_key, rows_done, row_hash) "
                                                  "VALUES (%2, %3, %4, %5, %6, %7) ON DUPLICATE KEY UPDATE "
                                                  "last_key = VALUES(last_key), rows_done = VALUES(rows_done), "
                                                  "row_hash = VALUES(row_hash)")
                                       .arg(m_checkpointTable, literal(cp.task), literal(cp.table), literal(cp.runId))
                                       .arg(cp.lastKey)
                                       .arg(cp.rowsDone)
                                       .arg(cp.rowHashSum ? QString::number(qint64(*cp.rowHashSum)) : QStringLiteral("NULL"));
        if (auto st = myRun(m_conn, checkpoint, QStringLiteral("saving the checkpoint")); !st)
            return fail(st.error());
        if (auto st = myRun(m_conn, QStringLiteral("COMMIT"), QStringLiteral("commit batch")); !st)
            return fail(st.error());
        return {};
    }

private:
    void appendValue(const RowBatch &batch, const Value &v, TypeClass cls)
    {
        switch (v.type) {
        case ValueType::Null: m_row += "NULL"; return;
        case ValueType::Integer:
            if (cls == TypeClass::Boolean)
                m_row += v.integer ? '1' : '0';
            else
                appendInteger(m_row, v.integer);
            return;
        case ValueType::Real:
            if (!std::isfinite(v.real)) {
                m_row += "'NaN'"; // MySQL has no NaN or infinity: strict mode rejects the batch
            } else if (cls == TypeClass::Float32 || cls == TypeClass::Float64) {
                // Shortest round-trip digits with an exponent: a double literal, parsed exactly
                // (a plain "0.1" would be a DECIMAL literal first).
                char buf[64];
                const auto r = std::to_chars(buf, buf + sizeof buf, v.real, std::chars_format::scientific);
                m_row.append(buf, r.ptr);
            } else {
                appendShortestDouble(m_row, v.real);
            }
            return;
        case ValueType::Text:
            if (cls == TypeClass::Blob) {
                appendHexLiteral(m_row, batch.bytes(v), v.size);
            } else {
                size_t n = v.size;
                const char *p = batch.bytes(v);
                if (cls == TypeClass::TimestampTz) { // datetime(6) holds UTC without an offset
                    if (n >= 3 && std::string_view(p + n - 3, 3) == "+00")
                        n -= 3;
                    else if (n >= 6 && std::string_view(p + n - 6, 6) == "+00:00")
                        n -= 6;
                    else if (n >= 1 && p[n - 1] == 'Z')
                        n -= 1;
                }
                appendQuoted(m_row, p, n);
            }
            return;
        case ValueType::Blob: appendHexLiteral(m_row, batch.bytes(v), v.size); return;
        }
    }

    MYSQL *m_conn;
    std::string m_prefix;
    QString m_checkpointTable;
    std::vector<TypeClass> m_classes;
    size_t m_limit;
    std::string m_sql;
    std::string m_row;
};

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

QString MysqlEngine::quoteIdentifier(const QString &name) const
{
    QString q = name;
    q.replace(u'`', QStringLiteral("``"));
    return u'`' + q + u'`';
}


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

Result<QVector<TableSchema>> MysqlEngine::introspect(DbConnection &c)
{
    MYSQL *conn = c.mysql();
    auto tables = myRows(conn, QStringLiteral("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                              "AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> %1 ORDER BY TABLE_NAME")
                                   .arg(literal(kCheckpoint)));
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

Result<std::optional<Checkpoint>> MysqlEngine::readCheckpoint(DbConnection &c, const QString &task)
{
    auto has = myRows(c.mysql(), QStringLiteral("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                                "AND TABLE_NAME = %1").arg(literal(kCheckpoint)));
    if (!has)
        return has.error();
    if (has->isEmpty())
        return std::optional<Checkpoint>();
    auto r = myRows(c.mysql(), QStringLiteral("SELECT table_name, run_id, last_key, rows_done, row_hash FROM %1 WHERE task = %2")
                                   .arg(quoteIdentifier(kCheckpoint), literal(task)));
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<Checkpoint>();
    const QStringList &row = r->first();
    Checkpoint cp{task, row.value(0), row.value(1), row.value(2).toLongLong(), row.value(3).toLongLong(), {}};
    if (!row.value(4).isNull())
        cp.rowHashSum = quint64(row.value(4).toLongLong());
    return std::optional<Checkpoint>(cp);
}

Status MysqlEngine::finishTarget(DbConnection &c)
{
    return myRun(c.mysql(), QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoteIdentifier(kCheckpoint)),
                 QStringLiteral("drop the checkpoint table"));
}

Result<std::unique_ptr<RowReader>> MysqlEngine::openReader(DbConnection &c, const TableSchema &t,
                                                          qint64 afterKey, qint64 keyHi)
{
    QString query = QStringLiteral("SELECT %1, %2 FROM %3")
                        .arg(t.hasCopyKey() ? t.copyKey : QStringLiteral("0"), columnList(t), quoteIdentifier(t.name));
    if (t.hasCopyKey())
        query += QStringLiteral(" WHERE %1 > %2 AND %1 <= %3 ORDER BY %1").arg(t.copyKey).arg(afterKey).arg(keyHi);
    return startQuery(c.mysql(), query, classesOf(t));
}

Result<std::unique_ptr<RowReader>> MysqlEngine::openKeyRangeRows(DbConnection &c, const TableSchema &t,
                                                                const KeyRange &range, qint64 skip)
{
    auto charset = myRows(c.mysql(), QStringLiteral("SELECT CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS "
                                                    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %1 AND COLUMN_NAME = %2")
                                         .arg(literal(t.name), literal(t.sampledKey)));
    if (!charset)
        return charset.error();
    const QStringList column = charset->value(0);
    if (column.value(0).isEmpty() || column.value(1).isEmpty())
        return makeError(QStringLiteral("the key column \"%1\" of \"%2\" has no character set to compare text in")
                             .arg(t.sampledKey, t.name));
    // The text protocol has no parameters: a bound travels as hex bytes (nothing to quote),
    // converted to the column's character set and compared in the column's own collation.
    auto value = [&](const QString &bound) {
        return QStringLiteral("CONVERT(_utf8mb4 X'%1' USING %2) COLLATE %3")
            .arg(QString::fromLatin1(bound.toUtf8().toHex()), column.value(0), column.value(1));
    };
    const QString key = quoteIdentifier(t.sampledKey);
    QStringList where;
    if (range.after)
        where << key + QStringLiteral(" > ") + value(*range.after);
    if (range.through)
        where << key + QStringLiteral(" <= ") + value(*range.through);
    // MySQL has no OFFSET without LIMIT: the largest LIMIT stands for "all".
    const QString query = QStringLiteral("SELECT 0, %1 FROM %2%3 ORDER BY %4 LIMIT 18446744073709551615 OFFSET %5")
                              .arg(columnList(t), quoteIdentifier(t.name),
                                   where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")), key,
                                   QString::number(skip));
    return startQuery(c.mysql(), query, classesOf(t));
}

Result<qint64> MysqlEngine::maxAllowedPacket(DbConnection &c)
{
    auto packet = myRows(c.mysql(), QStringLiteral("SELECT @@max_allowed_packet"));
    if (!packet)
        return packet.error();
    return packet->value(0).value(0).toLongLong();
}

// The one place a value's size limit is decided. Only MariaDB needs one: it takes a row in one
// INSERT of at most max_allowed_packet bytes (at most 1 GB), a binary value as hex (twice its
// size); this is the limit of a row's values, with room for the rest of the statement. No
// source holds a value past PostgreSQL's 1 GB - 1 per field or SQLite's SQLITE_MAX_LENGTH
// (1,000,000,000 bytes by default): SQLite and MariaDB values are smaller, PostgreSQL's too.
Result<std::optional<qint64>> MysqlEngine::maxRowBytes(DbConnection &c)
{
    auto packet = maxAllowedPacket(c);
    if (!packet)
        return packet.error();
    return std::optional<qint64>(*packet - 64 * 1024);
}

Result<std::unique_ptr<RowWriter>> MysqlEngine::openWriter(DbConnection &c, const TableSchema &t)
{
    auto packet = maxAllowedPacket(c);
    if (!packet)
        return packet.error();
    const qint64 maxPacket = *packet;
    const size_t limit = size_t(std::clamp<qint64>(maxPacket / 2, 64 * 1024, 4 * 1024 * 1024));
    const std::string prefix = QStringLiteral("INSERT INTO %1 (%2) VALUES ")
                                   .arg(quoteIdentifier(t.name), columnList(t))
                                   .toStdString();
    return std::unique_ptr<RowWriter>(new MysqlWriter(c.mysql(), prefix, quoteIdentifier(kCheckpoint), classesOf(t), limit));
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

Result<TableChecksum> MysqlEngine::checksum(DbConnection &c, const TableSchema &t, std::atomic<qint64> *rowsHashed)
{
    auto reader = startQuery(c.mysql(), QStringLiteral("SELECT 0, %1 FROM %2").arg(columnList(t), quoteIdentifier(t.name)),
                             classesOf(t));
    if (!reader)
        return reader.error();
    return checksumRows(**reader, t, rowsHashed);
}

Result<std::unique_ptr<RowReader>> MysqlEngine::openOrderedReader(DbConnection &c, const TableSchema &t)
{
    return startQuery(c.mysql(),
                      QStringLiteral("SELECT 0, %1 FROM %2 ORDER BY %3")
                          .arg(columnList(t), quoteIdentifier(t.name), keyOrder(t)),
                      classesOf(t));
}

Status MysqlEngine::checkAccess(DbConnection &c, const QVector<TableSchema> &tables, bool asTarget)
{
    MYSQL *conn = c.mysql();
    if (asTarget) {
        // MariaDB's grants come in many shapes (roles, wildcards): creating a probe table is
        // the one question that gets the server's own answer.
        const QString probe = quoteIdentifier(QStringLiteral("_cockpit_access_probe"));
        if (auto st = myRun(conn, QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (x INT)").arg(probe), QStringLiteral("create a table"));
            !st)
            return makeError(QStringLiteral("the user of %1 may not create tables there: %2").arg(c.url().display(), st.error().message));
        return myRun(conn, QStringLiteral("DROP TABLE IF EXISTS %1").arg(probe), QStringLiteral("drop the probe table"));
    }
    for (const auto &t : tables)
        if (auto st = myRun(conn, QStringLiteral("SELECT 1 FROM %1 LIMIT 0").arg(quoteIdentifier(t.name)), QStringLiteral("read")); !st)
            return makeError(QStringLiteral("the user of %1 may not read table \"%2\": %3").arg(c.url().display(), t.name, st.error().message));
    return {};
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

Result<QVector<QStringList>> MysqlEngine::firstRows(DbConnection &c, const QString &sql, int limit)
{
    auto rows = myRows(c.mysql(), QStringLiteral("SELECT * FROM (%1) q LIMIT %2").arg(sql).arg(limit));
    if (!rows)
        return rows.error();
    for (auto &row : *rows)
        for (auto &v : row)
            if (v.isNull())
                v = QStringLiteral("NULL");
    return rows;
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

// Preflight -------------------------------------------------------------------------------

Result<QStringList> MysqlEngine::otherSessions(DbConnection &c)
{
    // Without the PROCESS privilege the server lists this user's sessions only. MariaDB keeps no
    // application name (performance_schema is usually off): this process's other connections
    // are told by their client port (HOST is "address:port" over TCP).
    auto rows = myRows(c.mysql(), QStringLiteral(
        "SELECT ID, USER, HOST, COMMAND, STATE, "
        "DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL TIME SECOND, '%Y-%m-%d %H:%i:%s UTC') "
        "FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() "
        "AND COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Slave_IO', 'Slave_SQL') ORDER BY ID"));
    if (!rows)
        return makeError(QStringLiteral("listing the sessions of %1 failed: %2").arg(c.url().display(), rows.error().message));
    const QSet<int> ownPorts = ownTcpPortsTo(c.url().port > 0 ? c.url().port : 3306);
    QStringList lines;
    for (const auto &r : *rows) {
        if (ownPorts.contains(r.value(2).section(u':', -1).toInt()))
            continue;
        const QString state = r.value(4).isEmpty() ? r.value(3) : r.value(3) + QStringLiteral(" (") + r.value(4) + u')';
        lines << sessionLine(r.value(0), r.value(1), QString(), r.value(2), state, r.value(5));
    }
    return lines;
}

Result<QString> MysqlEngine::describeSession(DbConnection &observer, qint64 session)
{
    auto self = myRows(observer.mysql(), QStringLiteral(
        "SELECT COMMAND, COALESCE(STATE, ''), TIME, LEFT(COALESCE(INFO, ''), 200) "
        "FROM information_schema.PROCESSLIST WHERE ID = %1").arg(session));
    if (!self)
        return self.error();
    if (self->isEmpty())
        return QStringLiteral("the server has no session %1 any more (or shows it only with the PROCESS privilege)").arg(session);
    QStringList s = self->first();
    s[3] = s[3].simplified();
    // InnoDB row locks: who holds what this session waits for. information_schema.INNODB_TRX
    // needs the PROCESS privilege; without it only the session's own state is told.
    auto blocker = myRows(observer.mysql(), QStringLiteral(
        "SELECT b.trx_mysql_thread_id, COALESCE(p.USER, ''), COALESCE(p.COMMAND, ''), "
        "LEFT(COALESCE(p.INFO, b.trx_query, ''), 200) "
        "FROM information_schema.INNODB_LOCK_WAITS w "
        "JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id "
        "JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id "
        "LEFT JOIN information_schema.PROCESSLIST p ON p.ID = b.trx_mysql_thread_id "
        "WHERE r.trx_mysql_thread_id = %1 LIMIT 1").arg(session));
    if (blocker && !blocker->isEmpty()) {
        QStringList b = blocker->first();
        b[3] = b[3].simplified();
        return QStringLiteral("blocked by thread %1 (user %2, %3): %4 (%5 for %6 s)")
            .arg(b.value(0), b.value(1), b.value(2), b.value(3), s.value(1), s.value(2));
    }
    return QStringLiteral("%1 for %2 s%3: %4")
        .arg(s.value(0), s.value(2), s.value(1).isEmpty() ? QString() : QStringLiteral(" (") + s.value(1) + u')', s.value(3));
}

Result<qint64> MysqlEngine::sizeOnDisk(DbConnection &c, const QVector<TableSchema> &tables)
{
    if (tables.isEmpty())
        return qint64(0);
    QStringList names;
    for (const auto &t : tables)
        names << literal(t.name);
    auto rows = myRows(c.mysql(), QStringLiteral("SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES "
                                                 "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (%1)")
                                      .arg(names.join(QStringLiteral(", "))));
    if (!rows)
        return rows.error();
    return rows->value(0).value(0).toLongLong();
}

Result<QString> MysqlEngine::dataDirectory(DbConnection &c)
{
    auto rows = myRows(c.mysql(), QStringLiteral("SELECT @@datadir"));
    if (!rows)
        return makeError(QStringLiteral("the server does not tell its data directory: %1").arg(rows.error().message));
    return rows->value(0).value(0);
}

} // namespace cockpit
