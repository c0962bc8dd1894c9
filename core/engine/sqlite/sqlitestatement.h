#pragma once
// RAII around sqlite3_stmt, and error text that names the statement. SQLite engine only.

#include "util/result.h"

#include <QString>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <sqlite3.h>

namespace cockpit {

// sqlite3_errmsg, with the operating system's reason when the file failed it: SQLite says only
// "disk I/O error" of a file system that turned read-only or a disk that failed. A connection
// already in its error state answers without a new system call and so without an errno; then
// creating a file beside the database (removed at once) asks the file system itself.
inline QString sqliteErrorMessage(sqlite3 *db)
{
    QString message = QString::fromUtf8(sqlite3_errmsg(db));
    const int code = sqlite3_errcode(db) & 0xff; // the primary code of an extended one
    if (code != SQLITE_IOERR && code != SQLITE_FULL && code != SQLITE_CANTOPEN && code != SQLITE_READONLY)
        return message;
    int osError = sqlite3_system_errno(db);
    const char *file = sqlite3_db_filename(db, "main");
    if (osError == 0 && file && *file) {
        const QByteArray probe = QByteArray(file) + "-cockpit-probe";
        const int fd = ::open(probe.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            osError = errno;
        else {
            ::close(fd);
            ::unlink(probe.constData());
        }
    }
    if (osError != 0)
        message += QStringLiteral(" (%1)").arg(QString::fromLocal8Bit(std::strerror(osError)));
    return message;
}

class SqliteStatement {
public:
    SqliteStatement() = default;
    ~SqliteStatement() { sqlite3_finalize(m_stmt); }
    SqliteStatement(SqliteStatement &&o) noexcept : m_db(o.m_db), m_stmt(o.m_stmt), m_sql(o.m_sql)
    {
        o.m_stmt = nullptr;
    }
    SqliteStatement &operator=(SqliteStatement &&o) noexcept
    {
        if (this != &o) {
            sqlite3_finalize(m_stmt);
            m_db = o.m_db;
            m_stmt = o.m_stmt;
            m_sql = o.m_sql;
            o.m_stmt = nullptr;
        }
        return *this;
    }
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    static Result<SqliteStatement> prepare(sqlite3 *db, const QString &sql)
    {
        SqliteStatement s;
        s.m_db = db;
        s.m_sql = sql;
        const QByteArray utf8 = sql.toUtf8();
        if (sqlite3_prepare_v3(db, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT,
                               &s.m_stmt, nullptr)
            != SQLITE_OK)
            return makeError(sqliteErrorMessage(db), sql);
        return s;
    }

    sqlite3_stmt *get() const { return m_stmt; }
    const QString &sql() const { return m_sql; }
    TaskError error(const QString &what) const
    {
        return makeError(what + QStringLiteral(": ") + sqliteErrorMessage(m_db), m_sql);
    }

    // Runs to completion a statement that returns no rows.
    Status exec(const QString &what)
    {
        const int rc = sqlite3_step(m_stmt);
        sqlite3_reset(m_stmt);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW)
            return error(what);
        return {};
    }

    QString text(int column) const
    {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
        return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, column)) : QString();
    }

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_sql;
};

// Runs one or more statements without results.
inline Status sqliteExec(sqlite3 *db, const QString &sql, const QString &what)
{
    char *err = nullptr;
    if (sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, &err) != SQLITE_OK) {
        sqlite3_free(err); // the same text as sqlite3_errmsg's, which sqliteErrorMessage completes
        const QString msg = sqliteErrorMessage(db);
        return makeError(what + QStringLiteral(": ") + msg, sql);
    }
    return {};
}

} // namespace cockpit
