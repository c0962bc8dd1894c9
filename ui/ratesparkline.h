#pragma once
// A small line chart of a task's rows per second while the details pane shows it: the last
// samples, newest at the right, scaled to the highest. Painted; no chart library needed.

#include <QWidget>
#include <deque>

namespace cockpit {

class RateSparkline final : public QWidget {
    Q_OBJECT
public:
    explicit RateSparkline(QWidget *parent = nullptr);

    void addSample(double rowsPerSecond);
    void clear();
    const std::deque<double> &samples() const { return m_samples; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    static constexpr size_t kMaxSamples = 120;
    std::deque<double> m_samples;
};

} // namespace cockpit
