#include "ui/ratesparkline.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace cockpit {

RateSparkline::RateSparkline(QWidget *parent) : QWidget(parent)
{
    setToolTip(tr("Rows per second while this task is shown"));
}

void RateSparkline::addSample(double rowsPerSecond)
{
    m_samples.push_back(std::max(0.0, rowsPerSecond));
    while (m_samples.size() > kMaxSamples)
        m_samples.pop_front();
    update();
}

void RateSparkline::clear()
{
    m_samples.clear();
    update();
}

QSize RateSparkline::sizeHint() const
{
    return {fontMetrics().horizontalAdvance(QLatin1Char('M')) * 16, fontMetrics().height() * 2};
}

void RateSparkline::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1, 2, -1, -2);
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(area.bottomLeft(), area.bottomRight());
    if (m_samples.size() < 2)
        return;
    const double top = *std::max_element(m_samples.begin(), m_samples.end());
    if (top <= 0)
        return;
    QPainterPath path;
    const double step = area.width() / double(kMaxSamples - 1);
    const double x0 = area.right() - step * double(m_samples.size() - 1);
    for (size_t i = 0; i < m_samples.size(); ++i) {
        const QPointF pt(x0 + step * double(i), area.bottom() - area.height() * m_samples[i] / top);
        if (i == 0)
            path.moveTo(pt);
        else
            path.lineTo(pt);
    }
    p.setPen(QPen(palette().color(QPalette::Highlight), 1.5));
    p.drawPath(path);
}

} // namespace cockpit
