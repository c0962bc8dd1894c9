#include "ui/timelineview.h"

#include "ui/taskstatepresentation.h"
#include "ui/tasktablemodel.h"

#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolButton>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>

namespace cockpit {

namespace {

constexpr double kMinSpanSeconds = 10; // a run that just started is not zoomed to ms
constexpr double kMaxPixelsPerSecond = 400;
constexpr double kZoomStep = 1.25;
constexpr int kRightMargin = 8;
constexpr double kNarrowBar = 4; // pixels: narrower bars are plain marks

// Tick steps in seconds: the first that leaves room for its label is used.
constexpr std::array<int, 18> kTickSteps{1,    2,    5,     10,    15,    30,
                                         60,   120,  300,   600,   900,   1800,
                                         3600, 7200, 10800, 21600, 43200, 86400};

// "45 s", "3 min", "1 h", "1 h 30 min", "2:30" (the unit is clear from the steps around it).
QString tickLabel(qint64 seconds)
{
    if (seconds < 60)
        return TimelineView::tr("%1 s").arg(seconds);
    if (seconds % 3600 == 0)
        return TimelineView::tr("%1 h").arg(seconds / 3600);
    if (seconds % 60 == 0) {
        if (seconds < 3600)
            return TimelineView::tr("%1 min").arg(seconds / 60);
        return TimelineView::tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
    }
    return TaskTableModel::formatDuration(double(seconds));
}

// Local wall-clock time, with the date when it is not the reference's day.
QString clockText(const QDateTime &at, const QDateTime &reference)
{
    const QLocale locale;
    const QDateTime local = at.toLocalTime();
    if (local.date() == reference.toLocalTime().date())
        return locale.toString(local.time(), QStringLiteral("HH:mm:ss"));
    return locale.toString(local, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

// The bar's fill: the state's colour faded towards white, light enough for dark text and
// for the state's icon (drawn in the full colour) on top of it.
QColor tint(const QColor &c)
{
    constexpr double keep = 0.28;
    auto mix = [](int channel) { return int(std::lround(channel * keep + 255 * (1 - keep))); };
    return QColor(mix(c.red()), mix(c.green()), mix(c.blue()));
}

} // namespace

TimelineView::TimelineView(QWidget *parent) : QAbstractScrollArea(parent)
{
    setObjectName(QStringLiteral("timelineView"));
    m_clock = [] { return QDateTime::currentDateTimeUtc(); }; // no time zone work per call
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn); // it carries the zoom buttons
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    horizontalScrollBar()->setSingleStep(20);

    auto button = [this](const QString &text, const QString &tip) {
        auto *b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        addScrollBarWidget(b, Qt::AlignLeft);
        return b;
    };
    // Each one goes left of the ones before it.
    QToolButton *zoomIn = button(QStringLiteral("+"), tr("Zoom in (Ctrl+wheel)"));
    QToolButton *zoomOut = button(QStringLiteral("\u2212"), tr("Zoom out (Ctrl+wheel)"));
    QToolButton *fit = button(tr("Fit"), tr("Show the whole run (zooming follows it as it grows)"));
    fit->setObjectName(QStringLiteral("timelineFit"));
    zoomOut->setObjectName(QStringLiteral("timelineZoomOut"));
    zoomIn->setObjectName(QStringLiteral("timelineZoomIn"));
    connect(fit, &QToolButton::clicked, this, &TimelineView::fitToView);
    connect(zoomIn, &QToolButton::clicked, this,
            [this] { zoomBy(kZoomStep, chartRect().center().x()); });
    connect(zoomOut, &QToolButton::clicked, this,
            [this] { zoomBy(1 / kZoomStep, chartRect().center().x()); });
    rebuild(); // metrics and the empty picture
}

void TimelineView::setModel(TaskTableModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &TaskTableModel::refreshed, this, &TimelineView::onRefreshed);
        connect(model, &QAbstractItemModel::modelReset, this, [this] {
            m_times.clear(); // another run: versions start over
            m_dirty = true;
            onRefreshed();
        });
        connect(model, &QObject::destroyed, this, [this] {
            clearLayout(); // the bars name its rows
            viewport()->update();
        });
    }
    m_times.clear();
    rebuild();
}

void TimelineView::setGroups(const QVector<BatchGroup> &groups)
{
    m_groups = groups;
    rebuild();
}

void TimelineView::setClock(Clock clock)
{
    m_clock = std::move(clock);
    updateScrollBars();
    viewport()->update();
}

void TimelineView::setCurrentTask(const QString &name)
{
    if (name == m_currentTask)
        return;
    m_currentTask = name;
    viewport()->update();
}

qint64 TimelineView::nowMs() const
{
    return m_clock().toMSecsSinceEpoch();
}

// --- layout -------------------------------------------------------------------------------

void TimelineView::onRefreshed()
{
    // Hidden (the dock is on its Log tab): no work until it is shown. The bars go now, as
    // their model rows may have moved.
    if (!isVisible()) {
        if (!m_dirty)
            clearLayout();
        m_dirty = true;
        return;
    }
    if (!m_dirty && m_model && m_model->version() == m_builtVersion) {
        // No task changed: only executing bars grow (and a fitted view rescales).
        if (m_anyExecuting) {
            updateScrollBars();
            viewport()->update();
        }
        return;
    }
    rebuild();
}

void TimelineView::showEvent(QShowEvent *event)
{
    QAbstractScrollArea::showEvent(event);
    if (m_dirty)
        rebuild();
}

void TimelineView::clearLayout()
{
    m_bars.clear();
    m_lanes.clear();
    m_laneGroupStart.clear();
    m_barByTask.clear();
    m_anyExecuting = false;
    m_originMs = 0;
    m_lastEndMs = 0;
}

void TimelineView::rebuild()
{
    clearLayout();
    m_dirty = false;
    m_builtVersion = m_model ? m_model->version() : 0;

    const int rows = m_model ? m_model->rowCount() : 0;
    QStringList extraGroups; // groups of tasks that the plan does not list
    for (int row = 0; row < rows; ++row) {
        const TaskView &t = m_model->task(row);
        const TaskState state = t.status.state;
        // Waiting and Ready tasks have not started (any times are of an earlier attempt).
        if (state == TaskState::Waiting || state == TaskState::Ready)
            continue;
        Times &times = m_times[t.spec.name];
        if (times.version != t.version || t.version == 0) {
            times = {t.version, 0, 0, t.status.startedAt.isValid(), t.status.endedAt.isValid()};
            if (times.started)
                times.startMs = t.status.startedAt.toMSecsSinceEpoch();
            if (times.ended)
                times.endMs = t.status.endedAt.toMSecsSinceEpoch();
        }
        if (!times.started)
            continue;
        const qint64 start = times.startMs;
        qint64 end = start;
        if (state == TaskState::Executing) {
            end = kOpenEnd;
            m_anyExecuting = true;
        } else if (times.ended) {
            end = std::max(start, times.endMs);
        }
        m_bars.push_back({row, start, end, -1});
        if (!extraGroups.contains(t.spec.group)
            && std::none_of(m_groups.cbegin(), m_groups.cend(),
                            [&](const BatchGroup &g) { return g.name == t.spec.group; }))
            extraGroups << t.spec.group;
    }
    std::sort(extraGroups.begin(), extraGroups.end());

    QVector<int> order(m_bars.size());
    for (int i = 0; i < order.size(); ++i)
        order[i] = i;
    // By start; at the same millisecond the shorter first, so an instant task that ended as
    // the next one on its thread started takes the free lane before it, not an extra one.
    std::sort(order.begin(), order.end(), [this](int a, int b) {
        const Bar &x = m_bars[a];
        const Bar &y = m_bars[b];
        return std::tie(x.startMs, x.endMs, x.row) < std::tie(y.startMs, y.endMs, y.row);
    });

    // Lanes per group, then flattened in group order (extra lanes stay with their group).
    struct GroupLanes {
        QString name;
        int threads;
        QVector<Lane> lanes;
        QVector<qint64> freeAt;
    };
    QVector<GroupLanes> groups;
    QHash<QString, int> groupIndex;
    auto addGroup = [&](const QString &name, int threads) {
        if (groupIndex.contains(name))
            return;
        groupIndex.insert(name, int(groups.size()));
        GroupLanes g{name, threads, {}, {}};
        for (int i = 0; i < threads; ++i) {
            g.lanes.push_back({name, i + 1, false, {}});
            g.freeAt.push_back(std::numeric_limits<qint64>::min());
        }
        groups.push_back(std::move(g));
    };
    for (const BatchGroup &g : std::as_const(m_groups))
        addGroup(g.name, std::max(1, g.threads));
    for (const QString &name : std::as_const(extraGroups))
        addGroup(name, 0); // lanes as its bars need them

    for (int i : std::as_const(order)) {
        Bar &b = m_bars[i];
        GroupLanes &g = groups[groupIndex.value(m_model->task(b.row).spec.group)];
        int lane = 0;
        while (lane < g.freeAt.size() && g.freeAt[lane] > b.startMs)
            ++lane;
        if (lane == g.freeAt.size()) {
            // Over the plan's limit; a group the plan does not list has no limit to be over.
            g.lanes.push_back({g.name, int(lane + 1), g.threads > 0, {}});
            g.freeAt.push_back(0);
        }
        g.freeAt[lane] = b.endMs;
        g.lanes[lane].bars.push_back(i);
        b.lane = lane; // within the group for now
    }

    for (const GroupLanes &g : std::as_const(groups)) {
        const int first = int(m_lanes.size());
        m_laneGroupStart.push_back(first);
        for (const Lane &lane : g.lanes) {
            for (int i : lane.bars)
                m_bars[i].lane += first;
            m_lanes.push_back(lane);
        }
    }

    if (!order.isEmpty())
        m_originMs = m_bars[order.first()].startMs;
    for (const Bar &b : std::as_const(m_bars)) {
        m_barByTask.insert(m_model->task(b.row).spec.name, int(&b - m_bars.constData()));
        if (b.endMs != kOpenEnd)
            m_lastEndMs = std::max(m_lastEndMs, b.endMs);
    }

    const QFontMetrics fm = fontMetrics();
    m_laneHeight = fm.height() + 8;
    int labelWidth = fm.horizontalAdvance(QStringLiteral("00:00:00"));
    for (int lane = 0; lane < m_lanes.size(); ++lane)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(laneLabel(lane)));
    m_gutter = std::min(labelWidth, fm.horizontalAdvance(QLatin1Char('M')) * 14) + 16;

    updateScrollBars();
    viewport()->update();
}

QString TimelineView::laneLabel(int lane) const
{
    const Lane &l = m_lanes.at(lane);
    return l.extra ? tr("%1 \u00b7 %2 (over limit)").arg(l.group).arg(l.thread)
                   : tr("%1 \u00b7 %2").arg(l.group).arg(l.thread);
}

double TimelineView::spanSeconds() const
{
    if (m_bars.isEmpty())
        return 60;
    if (!m_anyExecuting) // finished: the run exactly
        return std::max(1.0, double(m_lastEndMs - m_originMs) / 1000.0);
    const qint64 end = std::max(m_lastEndMs, nowMs());
    return std::max(kMinSpanSeconds, double(end - m_originMs) / 1000.0);
}

QRect TimelineView::chartRect() const
{
    const QRect r = viewport()->rect();
    return QRect(r.left() + m_gutter, r.top() + headerHeight(),
                 std::max(1, r.width() - m_gutter - kRightMargin),
                 std::max(1, r.height() - headerHeight()));
}

void TimelineView::updateScrollBars()
{
    const QRect chart = chartRect();
    const double span = spanSeconds();
    const double fitted = chart.width() / span;
    if (m_fitted)
        m_pixelsPerSecond = fitted;
    QScrollBar *h = horizontalScrollBar();
    const bool following = !m_fitted && h->maximum() > 0 && h->value() == h->maximum();
    const int contentWidth = int(std::ceil(span * m_pixelsPerSecond));
    h->setRange(0, std::max(0, contentWidth - chart.width()));
    h->setPageStep(chart.width());
    if (following)
        h->setValue(h->maximum()); // zoomed in at the live edge: keep watching it
    QScrollBar *v = verticalScrollBar();
    v->setRange(0, std::max(0, int(m_lanes.size()) * laneHeight() - chart.height()));
    v->setPageStep(chart.height());
    v->setSingleStep(laneHeight());
}

double TimelineView::xOf(qint64 ms) const
{
    return chartRect().left() + double(ms - m_originMs) / 1000.0 * m_pixelsPerSecond
        - horizontalScrollBar()->value();
}

qint64 TimelineView::msAt(double x) const
{
    return m_originMs
        + qint64(std::floor((x - chartRect().left() + horizontalScrollBar()->value())
                            / m_pixelsPerSecond * 1000.0));
}

int TimelineView::laneTop(int lane) const
{
    return chartRect().top() + lane * laneHeight() - verticalScrollBar()->value();
}

QRectF TimelineView::barRect(const Bar &b) const
{
    const double x0 = xOf(b.startMs);
    const double x1 = xOf(endOf(b));
    return QRectF(x0, laneTop(b.lane) + 3, std::max(2.0, x1 - x0), laneHeight() - 6);
}

void TimelineView::forEachVisibleBar(const std::function<void(int)> &visit) const
{
    const QRect chart = chartRect();
    const qint64 t0 = msAt(chart.left());
    const qint64 t1 = msAt(chart.right() + 1);
    const int h = laneHeight();
    const int scrolled = verticalScrollBar()->value();
    const int firstLane = std::max(0, scrolled / h);
    const int lastLane = std::min(int(m_lanes.size()) - 1, (scrolled + chart.height()) / h);
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        const QVector<int> &bars = m_lanes[lane].bars;
        // Bars of a lane never overlap, so their ends are sorted like their starts.
        auto it = std::partition_point(bars.cbegin(), bars.cend(),
                                       [&](int i) { return endOf(m_bars[i]) < t0; });
        double drawnTo = -std::numeric_limits<double>::infinity();
        for (; it != bars.cend() && m_bars[*it].startMs <= t1; ++it) {
            const QRectF r = barRect(m_bars[*it]);
            if (r.right() <= drawnTo)
                continue; // under the bar before it at this zoom
            drawnTo = r.right();
            visit(*it);
        }
    }
}

std::optional<TimelineView::BarGeometry> TimelineView::bar(const QString &task) const
{
    const int i = m_barByTask.value(task, -1);
    if (i < 0)
        return std::nullopt;
    return BarGeometry{m_bars[i].lane, barRect(m_bars[i])};
}

QStringList TimelineView::visibleTasks() const
{
    QStringList names;
    forEachVisibleBar([&](int i) { names << m_model->task(m_bars[i].row).spec.name; });
    return names;
}

QString TimelineView::taskAt(const QPoint &pos) const
{
    QString found;
    if (!chartRect().contains(pos))
        return found;
    forEachVisibleBar([&](int i) {
        if (barRect(m_bars[i]).adjusted(-1, 0, 1, 0).contains(pos))
            found = m_model->task(m_bars[i].row).spec.name;
    });
    return found;
}

// --- zoom ---------------------------------------------------------------------------------

void TimelineView::fitToView()
{
    m_fitted = true;
    updateScrollBars();
    horizontalScrollBar()->setValue(0);
    viewport()->update();
}

void TimelineView::setPixelsPerSecond(double pixelsPerSecond)
{
    m_fitted = false;
    m_pixelsPerSecond = std::clamp(pixelsPerSecond, 1e-6, kMaxPixelsPerSecond);
    updateScrollBars();
    viewport()->update();
}

void TimelineView::zoomBy(double factor, int anchorViewportX)
{
    const QRect chart = chartRect();
    const double fitted = chart.width() / spanSeconds();
    const double wanted = m_pixelsPerSecond * factor;
    if (wanted <= fitted * 1.0001) { // no point showing the run smaller than the view
        fitToView();
        return;
    }
    // Keep the instant under the anchor where it is.
    const double seconds =
        (anchorViewportX - chart.left() + horizontalScrollBar()->value()) / m_pixelsPerSecond;
    setPixelsPerSecond(wanted);
    horizontalScrollBar()->setValue(
        int(std::lround(seconds * m_pixelsPerSecond - (anchorViewportX - chart.left()))));
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const int delta = event->angleDelta().y();
        if (delta != 0)
            zoomBy(std::pow(kZoomStep, delta / 120.0), int(event->position().x()));
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void TimelineView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        rebuild(); // lane height and label widths
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void TimelineView::scrollContentsBy(int, int)
{
    viewport()->update();
}

// --- interaction --------------------------------------------------------------------------

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const QString name = taskAt(event->position().toPoint());
    if (name.isEmpty())
        return;
    setCurrentTask(name);
    emit taskClicked(name);
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    // The press selected (or missed) a bar; the release ends that click here.
    if (event->button() == Qt::LeftButton)
        event->accept();
    else
        QAbstractScrollArea::mouseReleaseEvent(event);
}

QString TimelineView::toolTipText(const QString &task) const
{
    const int i = m_barByTask.value(task, -1);
    if (i < 0)
        return {};
    const Bar &b = m_bars[i];
    const TaskView &t = m_model->task(b.row);
    const QDateTime now = m_clock();
    const bool executing = t.status.state == TaskState::Executing;
    const double seconds = double(endOf(b) - b.startMs) / 1000.0;
    QString tip = QStringLiteral("<b>%1</b><br>%2").arg(t.spec.name.toHtmlEscaped(),
                                                        TaskStatePresentation::label(t.status.state));
    if (t.status.attempts > 1)
        tip += tr(", attempt %1").arg(t.status.attempts);
    tip += QStringLiteral("<br>")
        + tr("Started %1").arg(clockText(t.status.startedAt, now)) + QStringLiteral("<br>")
        + (executing ? tr("Running for %1").arg(TaskTableModel::formatDuration(seconds))
                     : tr("Ended %1 after %2")
                           .arg(clockText(QDateTime::fromMSecsSinceEpoch(endOf(b)), now),
                                TaskTableModel::formatDuration(seconds)));
    tip += tr(" (%1 s)").arg(QLocale().toString(seconds, 'f', 1));
    if (TaskTableModel::countsRows(t))
        tip += QStringLiteral("<br>")
            + tr("%1 / %2 rows").arg(TaskTableModel::formatCount(t.status.rowsDone),
                                     TaskTableModel::formatCount(t.status.rowsTotal));
    if (!t.status.message.isEmpty())
        tip += QStringLiteral("<br>") + t.status.message.toHtmlEscaped();
    return tip;
}

bool TimelineView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString name = taskAt(help->pos());
        if (name.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), toolTipText(name), viewport());
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

// --- painting -----------------------------------------------------------------------------

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    const QRect chart = chartRect();
    paintLanes(p, chart);
    paintAxis(p, chart);

    if (m_bars.isEmpty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(chart, Qt::AlignCenter, m_model && m_model->rowCount() > 0
                                               ? tr("No task has started yet.")
                                               : tr("No run open."));
        return;
    }

    p.save();
    p.setClipRect(chart);
    const QFontMetrics fm = fontMetrics();
    const QColor text = palette().color(QPalette::Text);
    const int iconSide = laneHeight() - 10;
    const int minTextRoom = fm.horizontalAdvance(QStringLiteral("copy:ABCDEF"));
    // Bars a few pixels wide (thousands of short tasks when the whole run is in view) are
    // solid marks, and neighbours of one state merge into one rectangle: one fill per run.
    QRectF merged;
    QColor mergedColor;
    int mergedLane = -1;
    auto flush = [&] {
        if (!merged.isNull())
            p.fillRect(merged, mergedColor);
        merged = QRectF();
    };
    forEachVisibleBar([&](int i) {
        const Bar &b = m_bars[i];
        const TaskState state = m_model->task(b.row).status.state;
        const QColor c = TaskStatePresentation::color(state);
        const QRectF r = barRect(b);
        if (r.width() < kNarrowBar) {
            if (b.lane == mergedLane && c == mergedColor && r.left() <= merged.right() + 1) {
                merged.setRight(std::max(merged.right(), r.right()));
                return;
            }
            flush();
            merged = r;
            mergedColor = c;
            mergedLane = b.lane;
            return;
        }
        flush();
        mergedLane = -1;
        p.setPen(QPen(c, 1));
        p.setBrush(tint(c));
        p.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5));
        // Icon then name, from the visible left edge (a long bar scrolled half out of view).
        const double left = std::max(r.left(), double(chart.left())) + 3;
        const double room = std::min(r.right(), double(chart.right())) - left - 3;
        if (room < iconSide)
            return;
        const QRect icon(int(left), int(r.center().y()) - iconSide / 2, iconSide, iconSide);
        TaskStatePresentation::icon(state).paint(&p, icon);
        const int textRoom = int(room) - iconSide - 4;
        if (textRoom < minTextRoom)
            return; // a few letters of a name say nothing; the tooltip has it
        p.setPen(text);
        p.drawText(QRectF(icon.right() + 4, r.top(), textRoom, r.height()),
                   Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(m_model->task(b.row).spec.name, Qt::ElideMiddle, textRoom));
    });
    flush();
    // The grid's current task, outlined over whatever is drawn there.
    if (const int current = m_barByTask.value(m_currentTask, -1); current >= 0) {
        const QRectF r = barRect(m_bars[current]);
        p.setPen(QPen(palette().color(QPalette::Highlight), 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(r.width() < kNarrowBar ? r.adjusted(-2, -1, 2, 1) : r.adjusted(1, 1, -1, -1));
    }
    if (m_anyExecuting) {
        const double x = xOf(nowMs());
        p.setPen(QPen(TaskStatePresentation::color(TaskState::Executing), 1, Qt::DashLine));
        p.drawLine(QPointF(x, chart.top()), QPointF(x, chart.bottom()));
    }
    p.restore();
}

void TimelineView::paintLanes(QPainter &p, const QRect &chart) const
{
    const QPalette &pal = palette();
    const int h = laneHeight();
    const QRect all = viewport()->rect();
    p.save();
    p.setClipRect(QRect(all.left(), chart.top(), all.width(), chart.height()));
    for (int lane = 0; lane < m_lanes.size(); ++lane) {
        const int top = laneTop(lane);
        if (top + h < chart.top() || top > chart.bottom())
            continue;
        if (lane % 2 == 1)
            p.fillRect(QRect(all.left(), top, all.width(), h), pal.color(QPalette::AlternateBase));
        p.setPen(m_lanes[lane].extra ? TaskStatePresentation::color(TaskState::Error)
                                     : pal.color(QPalette::Text));
        p.drawText(QRect(all.left() + 6, top, m_gutter - 10, h), Qt::AlignVCenter | Qt::AlignLeft,
                   fontMetrics().elidedText(laneLabel(lane), Qt::ElideMiddle, m_gutter - 10));
    }
    // A line above each group but the first.
    p.setPen(pal.color(QPalette::Mid));
    for (int g = 1; g < m_laneGroupStart.size(); ++g) {
        const int y = laneTop(m_laneGroupStart[g]);
        p.drawLine(all.left(), y, all.right(), y);
    }
    p.drawLine(chart.left() - 1, chart.top(), chart.left() - 1, chart.bottom());
    p.restore();
}

void TimelineView::paintAxis(QPainter &p, const QRect &chart) const
{
    const QPalette &pal = palette();
    const QFontMetrics fm = fontMetrics();
    const QRect header(viewport()->rect().left(), 0, viewport()->width(), chart.top());
    p.fillRect(header, pal.color(QPalette::Window));
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(header.bottomLeft(), header.bottomRight());
    if (m_bars.isEmpty())
        return;

    // When the run started, above the lane labels.
    const QDateTime origin = QDateTime::fromMSecsSinceEpoch(m_originMs);
    p.setPen(pal.color(QPalette::WindowText));
    p.drawText(QRect(6, 0, m_gutter - 10, chart.top()), Qt::AlignVCenter | Qt::AlignLeft,
               clockText(origin, m_clock()));

    const int labelRoom = fm.horizontalAdvance(QStringLiteral("1 h 30 min")) + 16;
    int step = kTickSteps.back();
    for (int s : kTickSteps) {
        if (s * m_pixelsPerSecond >= labelRoom) {
            step = s;
            break;
        }
    }
    const qint64 firstSecond = std::max<qint64>(0, (msAt(chart.left()) - m_originMs) / 1000);
    const qint64 lastSecond = (msAt(chart.right()) - m_originMs) / 1000;
    p.save();
    p.setClipRect(QRect(chart.left(), 0, chart.width() + kRightMargin, header.height()));
    for (qint64 s = firstSecond / step * step; s <= lastSecond; s += step) {
        const double x = xOf(m_originMs + s * 1000);
        if (x < chart.left() - 0.5)
            continue;
        p.setPen(pal.color(QPalette::Mid));
        p.drawLine(QPointF(x, chart.top() - 4), QPointF(x, chart.top()));
        p.setPen(pal.color(QPalette::WindowText));
        const QString label = tickLabel(s);
        const int w = fm.horizontalAdvance(label);
        // Centred on its tick, but never under the start time at the left.
        const double left = std::max(x - w / 2.0, double(chart.left()) + 2);
        p.drawText(QRectF(left, 0, w, chart.top() - 3), Qt::AlignCenter, label);
    }
    p.restore();
    // Faint grid lines through the lanes at the same ticks.
    p.save();
    p.setClipRect(chart);
    QColor grid = pal.color(QPalette::Mid);
    grid.setAlpha(60);
    p.setPen(grid);
    for (qint64 s = firstSecond / step * step; s <= lastSecond; s += step) {
        const double x = xOf(m_originMs + s * 1000);
        p.drawLine(QPointF(x, chart.top()), QPointF(x, chart.bottom()));
    }
    p.restore();
}

} // namespace cockpit
