#include "latencyprobe.h"

#include <algorithm>

namespace cockpit::bench {

LatencyProbe::LatencyProbe(int intervalMs, QObject *parent)
    : QObject(parent), m_intervalMs(intervalMs)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LatencyProbe::onTick);
}

void LatencyProbe::start()
{
    m_latenessMs.clear();
    m_latenessMs.reserve(200'000);
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

void LatencyProbe::onTick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double gapMs = double(now - m_lastNs) / 1e6;
    m_lastNs = now;
    m_latenessMs.push_back(std::max(0.0, gapMs - m_intervalMs));
}

LatencyFigures LatencyProbe::figures() const
{
    LatencyFigures f;
    f.samples = qint64(m_latenessMs.size());
    f.seconds = double(m_clock.nsecsElapsed()) / 1e9;
    if (m_latenessMs.empty())
        return f;
    std::vector<double> sorted = m_latenessMs;
    std::sort(sorted.begin(), sorted.end());
    auto at = [&](double q) { return sorted[size_t(q * double(sorted.size() - 1))]; };
    f.maxMs = sorted.back();
    f.p99Ms = at(0.99);
    f.p50Ms = at(0.50);
    f.over50Ms = std::count_if(sorted.begin(), sorted.end(), [](double ms) { return ms > 50; });
    return f;
}

} // namespace cockpit::bench
