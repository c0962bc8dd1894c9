#pragma once
// One post-synchronization script: a .sql file whose leading "-- key: value" comment lines
// say what it depends on and how it runs, followed by its statements. Header keys:
//   depends: copy:SALES, script:other    (repeatable; kinds copy, script, validate, index, prepare)
//   group: name                          (batch group; empty: the plan's default)
//   transaction: single | per-statement
//   engine: sqlite, postgresql, mysql    (the script is only for those engines)
//   check: SELECT … that returns no rows (repeatable; one query per line)

#include "plan/connectionurl.h"
#include "scripts/sqlsplitter.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace cockpit {

enum class ScriptTransaction { Single, PerStatement };

struct ScriptDependency {
    QString task; // "copy:SALESLINE", "script:x"
    int line = 0;
};

struct ScriptCheck {
    QString sql; // must return zero rows
    int line = 0;
};

struct ScriptFile {
    QString name; // "split_dimensions": file name without ".<engine>" and ".sql"
    QString path; // absolute path of the file chosen for the target engine
    QString text; // the whole file (shown in the window)
    QVector<ScriptDependency> dependsOn;
    QString group; // empty: the plan's default
    ScriptTransaction transaction = ScriptTransaction::Single;
    QList<EngineKind> engines; // from "-- engine:"; empty: every engine
    QVector<ScriptCheck> checks;
    QVector<SqlStatement> statements;
    QStringList tablesRead;    // tables the statements read (FROM / JOIN / USING), unquoted names
    QStringList tablesWritten; // INSERT INTO / UPDATE / DELETE FROM / ALTER TABLE / CREATE TABLE /
                               // DROP TABLE / TRUNCATE / MERGE INTO / CREATE INDEX ON / REPLACE INTO

    bool runsOn(EngineKind engine) const { return engines.isEmpty() || engines.contains(engine); }
};

// What a script file's name says: "x.postgresql.sql" is script x for PostgreSQL only, "x.sql"
// is script x for every engine. The engine suffix is matched case-insensitively.
struct ScriptFileName {
    QString name;
    std::optional<EngineKind> engine;
};
ScriptFileName scriptFileName(const QString &fileName);

// Parses `text`, read from `path`, for the `target` engine's dialect. Errors read
// "FILE:LINE: reason". When the header's engine list leaves out `target`, only the header is
// parsed: the statements are for another dialect.
Result<ScriptFile> parseScriptFile(const QString &path, const QString &text, EngineKind target);

} // namespace cockpit
