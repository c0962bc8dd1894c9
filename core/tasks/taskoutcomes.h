#pragma once
// The outcomes every task kind returns, built one way (taskexecutor.h has TaskOutcome).

#include "tasks/taskexecutor.h"

namespace cockpit {

TaskOutcome failed(const TaskError &e);
TaskOutcome ended(const QString &message);
// Ended without doing its work, for `reason` (TaskOutcome::Skipped).
TaskOutcome skipped(const QString &reason);

// A count as the task's messages show it: "1,000,000".
QString number(qint64 n);

} // namespace cockpit
