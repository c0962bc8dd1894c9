#pragma once
// Splits a script's text into statements at the ';' that end them, the way each engine's own
// command-line client would (without DELIMITER): see sqlsplitter.cpp for what is understood.

#include "plan/connectionurl.h"
#include "util/result.h"

#include <QString>
#include <QVector>

namespace cockpit {

struct SqlStatement {
    QString sql;  // from its first to its last code token: comments inside kept, around it dropped
    int line = 0; // 1-based line where it starts in the file (its first non-comment character)
};

// Statements of `text`, whose first line is line `firstLine` of its file. Comment-only pieces
// are dropped. Errors: "unterminated … starting at line N", with position N.
Result<QVector<SqlStatement>> splitSqlStatements(const QString &text, EngineKind dialect, int firstLine = 1);

} // namespace cockpit
