#pragma once
// What a task works with: its connections, taken from this worker thread's pool and given back
// when the task is done with them (only if idle: see connectionpool.h), the pair of engines,
// the table as the target has it and the converter of its values.

#include "engine/enginepair.h"
#include "engine/valueconvert.h"
#include "tasks/taskexecutor.h"

#include <memory>

namespace cockpit {

struct Connections {
    EnginePair engines;
    std::unique_ptr<DbConnection> source;
    std::unique_ptr<DbConnection> target;

    explicit Connections(const TaskContext &ctx);
    Connections(Connections &&) = default;
    Connections &operator=(Connections &&) = default;
    ~Connections();
};

// The target's connection, and the source's when `needSource`; their sessions go to the
// task's control for the stall watchdog.
Result<Connections> connect(const TaskContext &ctx, bool needSource);

// The table as the target creates it (EnginePair::targetTable).
TableSchema targetSchema(const TaskContext &ctx);

// The converter of a copy or a validation, with the target's limit on a row
// (Engine::maxRowBytes), so both reject the same rows.
Result<ValueConverter> converterFor(const TaskContext &ctx, Connections &c);
// Without the row limit: what the prepare task logs.
ValueConverter converterFor(const TaskContext &ctx);

} // namespace cockpit
