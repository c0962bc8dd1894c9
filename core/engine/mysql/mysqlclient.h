#pragma once
// What several of the MariaDB engine's files share (mysqlengine.h declares the engine): the
// checkpoint table's name, the client helpers that run a statement or read a small query's
// rows through the MYSQL* handle, string literals, and the columns' type classes a reader and
// a writer go by. MariaDB engine only; mysqlclient.cpp defines them.

#include "engine/engine.h"

#include <mysql.h>
#include <vector>

namespace cockpit::mysqlinternal {

inline const QString kCheckpoint = QString::fromLatin1(kCheckpointTable);

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

} // namespace cockpit::mysqlinternal
