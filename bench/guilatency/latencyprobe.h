#pragma once
// Event-loop latency probe: a precise timer at a short interval whose every firing records how
// late it came (gap since the previous firing minus the interval). A GUI thread busy for S ms
// shows as one gap of about S ms. GUI thread only.

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <vector>

namespace cockpit::bench {

struct LatencyFigures {
    qint64 samples = 0;
    double seconds = 0;  // measured span
    double maxMs = 0;    // lateness of the worst firing
    double p99Ms = 0;
    double p50Ms = 0;
    qint64 over50Ms = 0; // firings more than 50 ms late
};

class LatencyProbe final : public QObject {
    Q_OBJECT
public:
    explicit LatencyProbe(int intervalMs = 5, QObject *parent = nullptr);

    void start();             // clears the samples
    LatencyFigures figures() const;

private:
    void onTick();

    int m_intervalMs;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    std::vector<double> m_latenessMs;
};

} // namespace cockpit::bench
