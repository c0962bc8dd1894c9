// SQLite: quoting, ad-hoc queries, and the preflight's questions of a file (sessions as the
// processes holding locks on it, size, folder). The rest of SqliteEngine is in the files named
// after what they hold (sqliteintrospect.cpp, sqliteddl.cpp, sqlitereader.cpp, ...).
#include "engine/sqlite/sqliteengine.h"
#include "engine/sqlite/sqlitelockholders.h"
#include "engine/sqlite/sqlitestatement.h"

#include <QFileInfo>

namespace cockpit {

QString SqliteEngine::quoteIdentifier(const QString &name) const
{
    QString q = name;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}

Result<QVector<QStringList>> SqliteEngine::firstRows(DbConnection &c, const QString &sql, int limit)
{
    auto s = SqliteStatement::prepare(c.sqlite(), sql);
    if (!s)
        return s.error();
    QVector<QStringList> rows;
    while (rows.size() < limit) {
        const int rc = sqlite3_step(s->get());
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW)
            return s->error(QStringLiteral("query failed"));
        QStringList row;
        for (int i = 0; i < sqlite3_column_count(s->get()); ++i)
            row << (sqlite3_column_type(s->get(), i) == SQLITE_NULL ? QStringLiteral("NULL") : s->text(i));
        rows << row;
    }
    return rows;
}

// Preflight -------------------------------------------------------------------------------

Result<QStringList> SqliteEngine::otherSessions(DbConnection &c)
{
    QStringList lines;
    for (const SqliteLockHolder &h : sqliteLockHolders(c.url().path))
        lines << sessionLine(QString::number(h.pid), QString(), h.program, QStringLiteral("this host"), h.lock, QString());
    return lines;
}

Result<QString> SqliteEngine::describeSession(DbConnection &observer, qint64)
{
    // A file has no sessions: what another process holds on it is what can hold us up.
    QStringList holders;
    for (const SqliteLockHolder &h : sqliteLockHolders(observer.url().path))
        holders << QStringLiteral("pid %1%2 (%3)").arg(h.pid).arg(h.program.isEmpty() ? QString() : u' ' + h.program, h.lock);
    if (holders.isEmpty())
        return QString();
    return QStringLiteral("%1 is also used by %2").arg(QFileInfo(observer.url().path).fileName(), holders.join(QStringLiteral(", ")));
}

Result<qint64> SqliteEngine::sizeOnDisk(DbConnection &c, const QVector<TableSchema> &)
{
    // The whole file: what the plan leaves out is usually small next to what it copies.
    return QFileInfo(c.url().path).size() + QFileInfo(c.url().path + QStringLiteral("-wal")).size();
}

Result<QString> SqliteEngine::dataDirectory(DbConnection &c)
{
    return QFileInfo(c.url().path).absolutePath();
}

} // namespace cockpit
