#pragma once
// upgradectl's subcommands, one function each. Exit codes: 0 success (run: every task Ended),
// 1 some task in Error (or an action refused, or the preflight found blockers), 2 bad input (unreadable plan, unreachable
// database, unknown option), 3 the run stopped with tasks still Paused, Canceled or blocked.

#include <QStringList>

namespace cockpit::ctl {

enum Exit { Ok = 0, TaskFailed = 1, BadInput = 2, Incomplete = 3 };

int demo(const QStringList &args);
int plan(const QStringList &args);
int preflight(const QStringList &args); // exit 1 when it finds blockers
int run(const QStringList &args);
int status(const QStringList &args);
int act(const QString &verb, const QStringList &args); // pause, resume, rerun, skip, cancel
int priority(const QStringList &args); // the administrator's priority of tasks
int worker(const QStringList &args); // remove | add | threads of a batch group
int report(const QStringList &args);

} // namespace cockpit::ctl
