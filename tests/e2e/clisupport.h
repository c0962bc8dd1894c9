#pragma once
// The end-to-end tests drive the real `upgradectl` binary (UPGRADECTL_PATH) as a user would.

#include <QString>
#include <QStringList>

namespace cockpit::test {

struct Cli {
    int exitCode = -1; // -1: crashed or timed out
    QString out;
    QString err;
};

// Runs `upgradectl args...` to its end.
Cli upgradectl(const QStringList &args, int timeoutMs = 300000);

// The rows the copy tasks of the run in `state` have committed, as its control store says
// (0 while the store does not exist yet).
qint64 copiedRows(const QString &state);

} // namespace cockpit::test
