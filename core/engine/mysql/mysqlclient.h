#pragma once
// What several of the MariaDB engine's files share (mysqlengine.h declares the engine): the
// checkpoint and fence tables' names and the fence check, the client helpers that run a statement or read a small query's
// rows through the MYSQL* handle, string literals, and the columns' type classes a reader and
// a writer go by. MariaDB engine only; mysqlclient.cpp defines them.

#include "engine/engine.h"

#include <mysql.h>
#include <vector>

namespace cockpit::mysqlinternal {

inline const QString kCheckpoint = QString::fromLatin1(kCheckpointTable);
inline const QString kFence = QString::fromLatin1(kFenceTable);

QString myError(MYSQL *conn);

// Runs a statement and discards any result; errors carry the statement.
Status myRun(MYSQL *conn, const QString &sql, const QString &what);

// Rows of a small query as text; a NULL field is a null QString.
using Rows = QVector<QStringList>;
Result<Rows> myRows(MYSQL *conn, const QString &sql);

// A string literal. The session runs with NO_BACKSLASH_ESCAPES (DbConnection::open), so
// doubling the quote is the whole escaping.
QString literal(const QString &s);

std::vector<TypeClass> classesOf(const TableSchema &t);

// Inside a batch's transaction, before its commit: `task`'s fence row holds exactly `epoch`,
// locked in share mode until the transaction ends (Engine::checkFence); nothing is run for
// epoch 0 (mysqlfence.cpp).
Status checkFence(MYSQL *conn, const QString &task, qint64 epoch);

// LOAD DATA LOCAL INFILE: the client answers the server's request for a "local file" with
// what a LocalStream hands it, never with a file. Every session refuses such a request
// (refuseLocalFiles, set when it connects) except during loadLocal() - so a server cannot
// read the client's files.
struct LocalStream {
    virtual ~LocalStream() = default;
    // Fills up to `size` bytes (at least 16); 0 at the end.
    virtual size_t read(char *buf, size_t size) = 0;
};
void refuseLocalFiles(MYSQL *conn);
// True when `conn` may run LOAD DATA LOCAL: the client announced CLIENT_LOCAL_FILES and the
// server's local_infile is ON.
Result<bool> canLoadLocal(MYSQL *conn);
// Runs `sql` (a LOAD DATA LOCAL INFILE 'cockpit-stream' ...) with `stream` as the file's bytes.
// Returns mysql_real_query's result; the session refuses local files again afterwards.
int loadLocal(MYSQL *conn, const QByteArray &sql, LocalStream &stream);
inline constexpr const char kLocalStreamName[] = "cockpit-stream";

} // namespace cockpit::mysqlinternal
