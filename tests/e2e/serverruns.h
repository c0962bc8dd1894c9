#pragma once
// Runs of `upgradectl` into a test's own server (ownservers.h): the plan, the wait for rows to
// move, and the check that the target holds exactly the source. Shared by the fault tests.

#include "e2e/ownservers.h"

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace cockpit::test {

// A 300,000-row demo (copies only) into `targetUrl`, in small batches so the copy takes
// seconds. `retryJson` replaces the plan's "retry" object as an administrator writes it.
// `rows`: INVENTTRANS's, for a test that needs its copy to last.
QString writeServerPlan(const QTemporaryDir &dir, const QString &targetUrl, const QString &retryJson = {}, int rows = 300000);

// The same demo with its upgrade scripts, plus a script "slow_audit" (after copy:SALESTABLE)
// that waits `sleepSeconds` on the server, so that a fault surely lands in it.
QString writeServerPlanWithSlowScript(const QTemporaryDir &dir, const QString &targetUrl, int sleepSeconds);

QStringList runArgs(const QString &plan); // run --plan P --quiet

// Starts `upgradectl run` of `plan` in `p` and waits until the run has committed rows (false
// when it ended first, with its stderr added to the failure).
bool startRunUntilRowsMove(QProcess &p, const QString &plan, const QString &state);

// The name of a task LIKE `pattern` executing in the run of `state`, once there is one ("" when
// the run ended first).
QString executingTask(const QString &state, const QString &pattern, const QProcess &p);

// Every source table's count, distinct keys and key sum, on the source (sqlite3) and on the
// server (its own client): equal when nothing was lost or duplicated.
void expectTargetEqualsSource(const QString &source, const OwnServer &server, OwnServer::Kind kind);

// Rerun of every task in Error, then the run again: it completes, every task Ended.
void rerunCompletes(const QString &plan, const QString &state);

// "name: state: message" of every task not Ended (for failure output).
QString unfinishedTasks(const QString &state);

} // namespace cockpit::test
