#pragma once
// A plan's scripts folder: every *.sql file in it (not in subfolders) is one script, possibly
// in engine variants: for the target engine "x.<engine>.sql" wins over "x.sql".

#include "plan/connectionurl.h"
#include "scripts/scriptfile.h"
#include "util/result.h"

#include <QStringList>
#include <QVector>

namespace cockpit {

struct ScriptFolder {
    QVector<ScriptFile> scripts;  // those for the target engine, by name
    QStringList notForThisEngine; // "name (postgresql only)", by name
};

// Script names are compared case-insensitively: two files giving one name for one engine
// ("x.sql" and "X.sql", "x.mysql.sql" and "x.MySQL.sql") are an error.
Result<ScriptFolder> loadScriptFolder(const QString &dir, EngineKind target);

// The script `name` as its file reads now (a script task re-reads its file when it runs, so a
// fixed file is what Rerun runs); only that name's files are read.
Result<ScriptFile> loadScript(const QString &dir, const QString &name, EngineKind target);

} // namespace cockpit
