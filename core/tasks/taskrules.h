#pragma once
// The administrator's actions and when each applies: one place for the rules, used by the
// scheduler (which enforces them), the window (which enables buttons and explains why not)
// and the CLI.

#include "tasks/taskstate.h"

#include <QString>

namespace cockpit {

enum class TaskAction { Pause, Resume, Rerun, Skip, Cancel };
QString toString(TaskAction action);

struct ActionCheck {
    enum Verdict {
        Allowed,
        // Allowed only if the scheduler can still take the task back from its pool queue
        // (the seed: pausing a Ready task is not guaranteed to stop it).
        AllowedIfStillQueued,
        // Allowed; an executing bulk copy stops at its next committed batch.
        AllowedAtNextBatch,
        Refused,
    };
    Verdict verdict = Refused;
    QString reason; // why it is refused (or how it will take effect)

    bool possible() const { return verdict != Refused; }
};

// `stopsAtBatch`: the task is a bulk copy, which can stop at a batch boundary and resume from
// its checkpoint. Other tasks run to their end once started.
ActionCheck checkAction(TaskAction action, TaskState state, bool stopsAtBatch);

// The seed's warning, shown when a Ready task could not be taken back.
QString readyPauseRefusal();

} // namespace cockpit
