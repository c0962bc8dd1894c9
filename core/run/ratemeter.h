#pragma once
// Rows per second over a sliding window of samples, and the ETA it implies.

#include <QtGlobal>
#include <deque>

namespace cockpit {

class RateMeter {
public:
    explicit RateMeter(double windowSeconds = 5.0) : m_window(windowSeconds) {}

    void reset() { m_samples.clear(); }
    void sample(double atSeconds, qint64 rows)
    {
        m_samples.push_back({atSeconds, rows});
        while (m_samples.size() > 2 && m_samples.front().at < atSeconds - m_window)
            m_samples.pop_front();
    }
    double rowsPerSecond() const
    {
        if (m_samples.size() < 2)
            return 0;
        const auto &a = m_samples.front(), &b = m_samples.back();
        const double dt = b.at - a.at;
        return dt > 0 ? double(b.rows - a.rows) / dt : 0;
    }
    // Seconds left for `remaining` rows at the current rate; -1 when unknown.
    double eta(qint64 remaining) const
    {
        const double r = rowsPerSecond();
        if (remaining <= 0)
            return 0;
        return r > 0 ? double(remaining) / r : -1;
    }

private:
    struct Sample {
        double at;
        qint64 rows;
    };
    double m_window;
    std::deque<Sample> m_samples;
};

} // namespace cockpit
