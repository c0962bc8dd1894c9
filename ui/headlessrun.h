#pragma once
// Hands a run over to a detached `upgradectl run --state S` that outlives the window. The
// window must have released the run first (UpgradeRun destroyed: the owner lease is free).
// Its output goes to S + ".headless.log".

#include <QString>

namespace cockpit::headlessrun {

// upgradectl next to this program, else on the PATH; empty when neither has it.
QString findRunner();

struct Started {
    qint64 pid = 0;
    QString logPath;
    QString error; // non-empty: not started
};
Started start(const QString &runner, const QString &statePath);

} // namespace cockpit::headlessrun
