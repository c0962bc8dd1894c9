#pragma once
// Shared between the scheduler and the worker running one task: counters the worker bumps
// (atomics: workers count, they don't chatter) and stop requests the scheduler sets.

#include "engine/dbconnection.h"

#include <atomic>
#include <mutex>
#include <vector>

namespace cockpit {

enum class StopRequest : int {
    None,
    Pause,     // stop at the next committed batch, then Paused
    Cancel,    // stop at the next batch (or interrupt the statement), then Canceled
    Interrupt, // the run is stopping: stop at the next safe point, then back to Waiting
};

class TaskControl {
public:
    std::atomic<qint64> rowsDone{0};
    std::atomic<qint64> rowsTotal{0};
    std::atomic<qint64> bytesDone{0};
    std::atomic<qint64> checkpoint{0};
    std::atomic<bool> hasCheckpoint{false};
    // The server sessions the task works through (DbConnection::sessionId), for the stall
    // watchdog to ask the server what they wait for; 0: none or not known.
    std::atomic<qint64> sourceSession{0};
    std::atomic<qint64> targetSession{0};

    StopRequest stopRequest() const { return StopRequest(m_stop.load()); }
    void requestStop(StopRequest r)
    {
        m_stop.store(int(r));
        if (r == StopRequest::Interrupt || r == StopRequest::Cancel)
            interruptStatements();
    }

    // A task whose statements cannot stop at a batch boundary (index, validate, prepare)
    // registers its connections; a Cancel or Interrupt then interrupts the running statement.
    void registerInterruptible(DbConnection *c)
    {
        std::lock_guard lock(m_mutex);
        m_connections.push_back(c);
        const StopRequest r = stopRequest();
        if (m_interruptStatements && (r == StopRequest::Cancel || r == StopRequest::Interrupt))
            c->interrupt();
    }
    void unregisterInterruptible(DbConnection *c)
    {
        std::lock_guard lock(m_mutex);
        std::erase(m_connections, c);
    }
    void setInterruptStatements(bool on) { m_interruptStatements = on; }

private:
    void interruptStatements()
    {
        std::lock_guard lock(m_mutex);
        if (!m_interruptStatements)
            return;
        for (auto *c : m_connections)
            c->interrupt();
    }

    std::atomic<int> m_stop{int(StopRequest::None)};
    std::atomic<bool> m_interruptStatements{false};
    std::mutex m_mutex;
    std::vector<DbConnection *> m_connections;
};

// Unregisters on scope exit, so the scheduler never interrupts a closed connection.
class InterruptibleScope {
public:
    InterruptibleScope(TaskControl &control, DbConnection *c) : m_control(control), m_c(c)
    {
        m_control.registerInterruptible(c);
    }
    ~InterruptibleScope() { m_control.unregisterInterruptible(m_c); }
    InterruptibleScope(const InterruptibleScope &) = delete;
    InterruptibleScope &operator=(const InterruptibleScope &) = delete;

private:
    TaskControl &m_control;
    DbConnection *m_c;
};

} // namespace cockpit
