#pragma once
// Which tables a statement reads and writes, from a light token scan (see sqltables.cpp for
// what it recognizes and what it misses). Used to order scripts against copies.

#include "plan/connectionurl.h"

#include <QString>
#include <QStringList>

namespace cockpit {

struct SqlTables {
    QStringList read;    // FROM / JOIN / USING / MERGE … USING
    QStringList written; // INSERT INTO, UPDATE, DELETE FROM, REPLACE INTO, MERGE INTO, ALTER TABLE,
                         // CREATE TABLE, DROP TABLE, TRUNCATE, CREATE INDEX … ON
};

// Names are unquoted, without schema, case kept, each once (compared case-insensitively), in
// order of appearance. A statement that does not lex gives no tables.
SqlTables tablesOfStatement(const QString &sql, EngineKind dialect);

// Appends the names in `more` that `into` lacks (case-insensitive).
void mergeTableNames(QStringList &into, const QStringList &more);

} // namespace cockpit
