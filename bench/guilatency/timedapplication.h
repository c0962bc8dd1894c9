#pragma once
// A QApplication that times every event the GUI thread delivers from its event loop (not the
// nested ones)
// and keeps the slowest, with what received them, so a stall the probe sees can be pinned on
// the work that caused it: "Timer to QTimer in cockpit::TaskTableModel".

#include <QApplication>
#include <QString>
#include <vector>

namespace cockpit::bench {

struct SlowEvent {
    double ms = 0;    // wall clock
    double cpuMs = 0;  // of it, the GUI thread on a core
    double waitMs = 0; // of it, runnable but waiting for a core (-1: unknown); the rest is
                       // blocked (a lock, I/O)
    QString what; // event type, receiver class and object name, and its parent's class
};

class TimedApplication final : public QApplication {
public:
    TimedApplication(int &argc, char **argv);

    bool notify(QObject *receiver, QEvent *event) override;

    void clearSlowEvents()
    {
        m_slowest.clear();
        m_busiest = {};
    }
    // The slowest deliveries, slowest first, at most `count`.
    std::vector<SlowEvent> slowEvents(size_t count) const;

    // The delivery that kept the GUI thread on a core the longest: its own work, whatever the
    // machine's load.
    const SlowEvent &busiestEvent() const { return m_busiest; }

private:
    int m_depth = 0;
    std::vector<SlowEvent> m_slowest; // kept short: only deliveries over the threshold
    SlowEvent m_busiest;
};

} // namespace cockpit::bench
