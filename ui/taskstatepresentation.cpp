#include "ui/taskstatepresentation.h"

#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>
#include <array>
#include <cmath>

namespace cockpit {

namespace {

// Paints one state's symbol at whatever size is asked for, so the icon is crisp on HiDPI
// screens and in the large status-bar variant. Shapes, from the AX batch form's habits:
//   Waiting   hollow circle with clock hands      Ready     hollow right-pointing chevron
//   Executing filled play triangle                 Ended     check mark
//   Error     filled octagon with a cross          Paused    two vertical bars
//   Canceled  circle with a diagonal slash
class StateIconEngine final : public QIconEngine {
public:
    explicit StateIconEngine(TaskState state) : m_state(state) {}

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        QColor c = TaskStatePresentation::color(m_state);
        if (mode == QIcon::Disabled) {
            const int g = qGray(c.rgb());
            c = QColor(g, g, g, 160);
        }
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const qreal side = qMin(rect.width(), rect.height());
        const QRectF box(rect.x() + (rect.width() - side) / 2.0,
                         rect.y() + (rect.height() - side) / 2.0, side, side);
        const qreal pen = qMax<qreal>(1.5, side / 8.0);
        const QRectF in = box.adjusted(pen, pen, -pen, -pen);
        QPen stroke(c, pen, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        painter->setPen(stroke);
        painter->setBrush(Qt::NoBrush);
        const QPointF ctr = in.center();
        const qreal w = in.width();

        switch (m_state) {
        case TaskState::Waiting:
            painter->drawEllipse(in);
            painter->drawLine(ctr, QPointF(ctr.x(), in.top() + w * 0.22));
            painter->drawLine(ctr, QPointF(in.left() + w * 0.75, ctr.y()));
            break;
        case TaskState::Ready: {
            const QPolygonF chevron{QPointF(in.left() + w * 0.22, in.top() + w * 0.1),
                                    QPointF(in.right() - w * 0.15, ctr.y()),
                                    QPointF(in.left() + w * 0.22, in.bottom() - w * 0.1)};
            painter->drawPolyline(chevron);
            break;
        }
        case TaskState::Executing: {
            const QPolygonF play{QPointF(in.left() + w * 0.12, in.top()),
                                 QPointF(in.right(), ctr.y()),
                                 QPointF(in.left() + w * 0.12, in.bottom())};
            painter->setBrush(c);
            painter->drawPolygon(play);
            break;
        }
        case TaskState::Ended: {
            stroke.setWidthF(pen * 1.4);
            painter->setPen(stroke);
            const QPolygonF tick{QPointF(in.left() + w * 0.05, ctr.y() + w * 0.02),
                                 QPointF(in.left() + w * 0.38, in.bottom() - w * 0.12),
                                 QPointF(in.right(), in.top() + w * 0.12)};
            painter->drawPolyline(tick);
            break;
        }
        case TaskState::Error: {
            QPolygonF octagon;
            const qreal r = box.width() / 2.0 - 0.5;
            const QPointF bc = box.center();
            for (int i = 0; i < 8; ++i) {
                const qreal a = (22.5 + 45.0 * i) * M_PI / 180.0;
                octagon << QPointF(bc.x() + r * std::cos(a), bc.y() + r * std::sin(a));
            }
            painter->setPen(Qt::NoPen);
            painter->setBrush(c);
            painter->drawPolygon(octagon);
            QPen cross(Qt::white, pen, Qt::SolidLine, Qt::RoundCap);
            painter->setPen(cross);
            const qreal d = r * 0.42;
            painter->drawLine(QPointF(bc.x() - d, bc.y() - d), QPointF(bc.x() + d, bc.y() + d));
            painter->drawLine(QPointF(bc.x() - d, bc.y() + d), QPointF(bc.x() + d, bc.y() - d));
            break;
        }
        case TaskState::Paused: {
            painter->setPen(Qt::NoPen);
            painter->setBrush(c);
            const qreal barW = w * 0.3;
            painter->drawRect(QRectF(in.left() + w * 0.08, in.top(), barW, in.height()));
            painter->drawRect(QRectF(in.right() - w * 0.08 - barW, in.top(), barW, in.height()));
            break;
        }
        case TaskState::Canceled: {
            painter->drawEllipse(in);
            const qreal d = w / 2.0 * 0.7071;
            painter->drawLine(QPointF(ctr.x() - d, ctr.y() + d), QPointF(ctr.x() + d, ctr.y() - d));
            break;
        }
        }
        painter->restore();
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        QPixmap pm(size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        paint(&p, QRect(QPoint(0, 0), size), mode, state);
        return pm;
    }

    QIconEngine *clone() const override { return new StateIconEngine(m_state); }
    QString key() const override { return QStringLiteral("cockpit-task-state"); }

private:
    TaskState m_state;
};

} // namespace

QString TaskStatePresentation::label(TaskState state)
{
    switch (state) {
    case TaskState::Waiting: return tr("Waiting");
    case TaskState::Ready: return tr("Ready");
    case TaskState::Executing: return tr("Executing");
    case TaskState::Ended: return tr("Ended");
    case TaskState::Error: return tr("Error");
    case TaskState::Paused: return tr("Paused");
    case TaskState::Canceled: return tr("Canceled");
    }
    return {};
}

QString TaskStatePresentation::description(TaskState state)
{
    switch (state) {
    case TaskState::Waiting:
        return tr("Not dispatched yet: dependencies unmet or no free thread in its batch group.");
    case TaskState::Ready: return tr("Queued on a worker of its batch group, not started yet.");
    case TaskState::Executing: return tr("Running on a worker thread.");
    case TaskState::Ended: return tr("Finished (or skipped by the administrator).");
    case TaskState::Error: return tr("Failed; the message says why. Its dependents wait.");
    case TaskState::Paused: return tr("Withheld by the administrator; Resume puts it back.");
    case TaskState::Canceled: return tr("Stopped by the administrator; Rerun puts it back.");
    }
    return {};
}

QIcon TaskStatePresentation::icon(TaskState state)
{
    // Function-local cache: QIcon must not be built before QGuiApplication exists.
    static const std::array<QIcon, TaskStateCount> icons = [] {
        std::array<QIcon, TaskStateCount> all;
        for (int i = 0; i < TaskStateCount; ++i)
            all[size_t(i)] = QIcon(new StateIconEngine(static_cast<TaskState>(i)));
        return all;
    }();
    return icons[size_t(state)];
}

QColor TaskStatePresentation::color(TaskState state)
{
    switch (state) {
    case TaskState::Waiting: return QColor(0x6b, 0x72, 0x80);   // slate grey
    case TaskState::Ready: return QColor(0x25, 0x63, 0xeb);     // blue
    case TaskState::Executing: return QColor(0x0e, 0x7c, 0x86); // teal
    case TaskState::Ended: return QColor(0x15, 0x80, 0x3d);     // green
    case TaskState::Error: return QColor(0xc6, 0x28, 0x28);     // red
    case TaskState::Paused: return QColor(0xb4, 0x53, 0x09);    // amber
    case TaskState::Canceled: return QColor(0x4b, 0x55, 0x63);  // dark grey
    }
    return {};
}

QString TaskStatePresentation::stalledLabel() { return tr("Executing (stalled)"); }

QColor TaskStatePresentation::stalledColor() { return QColor(0xc2, 0x41, 0x0c); } // deep orange: not an error yet

QString TaskStatePresentation::actionLabel(TaskAction action)
{
    switch (action) {
    case TaskAction::Pause: return tr("Pause");
    case TaskAction::Resume: return tr("Resume");
    case TaskAction::Rerun: return tr("Rerun");
    case TaskAction::Skip: return tr("Skip");
    case TaskAction::Cancel: return tr("Cancel");
    }
    return {};
}

} // namespace cockpit
