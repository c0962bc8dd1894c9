#include "manytablesource.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <sqlite3.h>

namespace cockpit::bench {

namespace {

QString tableName(int i)
{
    return QStringLiteral("T%1").arg(i, 5, 10, QLatin1Char('0'));
}

QString exec(sqlite3 *db, const QString &sql)
{
    char *message = nullptr;
    if (sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, &message) == SQLITE_OK)
        return {};
    const QString error = QString::fromUtf8(message ? message : "unknown error");
    sqlite3_free(message);
    return error;
}

QString fillTable(sqlite3 *db, const QString &table, qint64 rows)
{
    const QByteArray sql =
        QStringLiteral("INSERT INTO %1 (RECID, ACCOUNT, AMOUNT, NOTE) VALUES (?, ?, ?, ?)")
            .arg(table)
            .toUtf8();
    sqlite3_stmt *insert = nullptr;
    if (sqlite3_prepare_v2(db, sql.constData(), -1, &insert, nullptr) != SQLITE_OK)
        return QString::fromUtf8(sqlite3_errmsg(db));
    for (qint64 r = 1; r <= rows; ++r) {
        const QByteArray account = QByteArray("AC-") + QByteArray::number(r % 9973);
        const QByteArray note = QByteArray("row ") + QByteArray::number(r) + " of " + table.toUtf8();
        sqlite3_bind_int64(insert, 1, r);
        sqlite3_bind_text(insert, 2, account.constData(), int(account.size()), SQLITE_TRANSIENT);
        sqlite3_bind_double(insert, 3, double(r % 100'000) / 100.0);
        sqlite3_bind_text(insert, 4, note.constData(), int(note.size()), SQLITE_TRANSIENT);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            const QString error = QString::fromUtf8(sqlite3_errmsg(db));
            sqlite3_finalize(insert);
            return error;
        }
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    return {};
}

QString writeSource(const QString &path, const ManyTableShape &shape)
{
    sqlite3 *db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        return QStringLiteral("cannot create %1").arg(path);
    }
    QString error = exec(db, QStringLiteral("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN"));
    for (int i = 1; error.isEmpty() && i <= shape.tables; ++i) {
        const QString t = tableName(i);
        error = exec(db, QStringLiteral("CREATE TABLE %1 (RECID INTEGER PRIMARY KEY, ACCOUNT TEXT "
                                        "NOT NULL, AMOUNT REAL, NOTE TEXT); "
                                        "CREATE INDEX I_%1_ACCOUNT ON %1 (ACCOUNT)")
                             .arg(t));
        if (error.isEmpty())
            error = fillTable(db, t, i <= shape.bigTables ? shape.bigRows : shape.smallRows);
    }
    if (error.isEmpty())
        error = exec(db, QStringLiteral("COMMIT"));
    sqlite3_close(db);
    return error.isEmpty() ? QString() : QStringLiteral("%1: %2").arg(path, error);
}

} // namespace

QString ensureManyTableSource(const QString &dir, const ManyTableShape &shape)
{
    if (!QDir().mkpath(dir))
        return QStringLiteral("cannot create the folder %1").arg(dir);
    const QString path = dir + QStringLiteral("/source.db");
    if (QFileInfo::exists(path))
        return {};
    const QString partial = path + QStringLiteral(".partial");
    QFile::remove(partial);
    const QString error = writeSource(partial, shape);
    if (!error.isEmpty())
        return error;
    return QFile::rename(partial, path) ? QString()
                                        : QStringLiteral("cannot rename %1 to %2").arg(partial, path);
}

QString writeManyTablePlan(const QString &dir, int threads)
{
    for (const char *stale : {"target.db", "target.db-wal", "target.db-shm", "state.db",
                              "state.db-wal", "state.db-shm"})
        QFile::remove(dir + QLatin1Char('/') + QLatin1String(stale));
    const QJsonObject plan{
        {QStringLiteral("name"), QStringLiteral("GUI latency: many tables")},
        {QStringLiteral("source"), QStringLiteral("sqlite:source.db")},
        {QStringLiteral("target"), QStringLiteral("sqlite:target.db")},
        {QStringLiteral("state"), QStringLiteral("state.db")},
        {QStringLiteral("ifTargetExists"), QStringLiteral("replace")},
        // Batches: every table is checkpointed and the big ones split, as on a real server.
        {QStringLiteral("copyMethod"), QStringLiteral("batches")},
        {QStringLiteral("batchGroups"),
         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("default")},
                                {QStringLiteral("threads"), threads},
                                {QStringLiteral("tasks"), QJsonArray{QStringLiteral("*")}}}}},
    };
    QFile f(dir + QStringLiteral("/plan.json"));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || f.write(QJsonDocument(plan).toJson()) < 0)
        return QStringLiteral("cannot write %1").arg(f.fileName());
    return {};
}

} // namespace cockpit::bench
