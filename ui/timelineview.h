#pragma once
// The run as a Gantt chart: one lane per worker thread of each batch group, one bar per task
// attempt from its start to its end (to now, growing, while it executes), coloured like the
// grid. It reads the grid's TaskTableModel after each of its ticks, so it costs no extra
// polling; tasks are packed greedily by start time on the first lane of their group free at
// that instant (a pool's threads are interchangeable, so that is a faithful picture).
// Painting walks only the lanes and the time range in view (binary search per lane), so a
// 10,000-task run stays cheap. GUI thread only.

#include "plan/plan.h"

#include <QAbstractScrollArea>
#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QVector>
#include <functional>
#include <limits>
#include <optional>

namespace cockpit {

class TaskTableModel;

class TimelineView final : public QAbstractScrollArea {
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    struct BarGeometry {
        int lane = -1;   // index into the lanes, top to bottom
        QRectF rect;     // in viewport coordinates at the current zoom and scroll
    };

    explicit TimelineView(QWidget *parent = nullptr);

    // Reads `model` (not owned) after each of its refreshes; nullptr: show nothing.
    void setModel(TaskTableModel *model);
    // The plan's batch groups: `threads` lanes each, in plan order. Tasks of a group not
    // listed get lanes after them; a group busier than its threads (limit lowered while
    // running) gets extra lanes rather than overlapping bars.
    void setGroups(const QVector<BatchGroup> &groups);
    // Where "now" comes from (the end of executing bars); tests pin it.
    void setClock(Clock clock);
    // Outlines this task's bar (the grid's current task); "" for none.
    void setCurrentTask(const QString &name);

    // Zoom. Fit (the default) keeps the whole run in view as it grows; zooming leaves fit.
    void fitToView();
    void zoomBy(double factor, int anchorViewportX);
    void setPixelsPerSecond(double pixelsPerSecond);
    double pixelsPerSecond() const { return m_pixelsPerSecond; }
    bool isFitted() const { return m_fitted; }

    // What is shown, for the window and for tests.
    int laneCount() const { return int(m_lanes.size()); }
    QString laneLabel(int lane) const;
    std::optional<BarGeometry> bar(const QString &task) const; // nullopt: the task is no bar
    QStringList visibleTasks() const; // the bars painting draws now, lane by lane
    QString taskAt(const QPoint &viewportPos) const;
    QRect chartRect() const; // the bars' area in viewport coordinates (right of the labels)
    QString toolTipText(const QString &task) const; // rich text; "" when the task is no bar
    QString currentTask() const { return m_currentTask; }

signals:
    // A bar was clicked: the window selects that task in the grid.
    void taskClicked(const QString &name);

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    bool viewportEvent(QEvent *event) override;

private:
    struct Bar {
        int row;        // in the model
        qint64 startMs; // since the epoch
        qint64 endMs;   // since the epoch; kOpenEnd while executing
        int lane;
    };
    struct Lane {
        QString group;
        int thread;          // 1-based within the group
        bool extra;          // beyond the group's threads
        QVector<int> bars;   // indexes into m_bars, by start (so by end too: no overlaps)
    };
    // A task's times in ms since the epoch, converted once per task version: converting a
    // local QDateTime asks the C library for the time zone (a stat() call) every time.
    struct Times {
        quint64 version = 0;
        qint64 startMs = 0;
        qint64 endMs = 0;
        bool started = false;
        bool ended = false;
    };
    static constexpr qint64 kOpenEnd = std::numeric_limits<qint64>::max();

    void onRefreshed();
    void rebuild();
    void clearLayout();
    void updateScrollBars();
    qint64 nowMs() const;
    qint64 endOf(const Bar &b) const { return b.endMs == kOpenEnd ? nowMs() : b.endMs; }
    double spanSeconds() const;
    int gutterWidth() const { return m_gutter; }
    int headerHeight() const { return m_laneHeight; }
    int laneHeight() const { return m_laneHeight; }
    double xOf(qint64 ms) const;
    qint64 msAt(double x) const;
    int laneTop(int lane) const;
    QRectF barRect(const Bar &b) const;
    // Calls `visit(barIndex)` for each bar in view, lane by lane, skipping bars hidden under
    // the one before them at this zoom.
    void forEachVisibleBar(const std::function<void(int)> &visit) const;
    void paintAxis(QPainter &p, const QRect &chart) const;
    void paintLanes(QPainter &p, const QRect &chart) const;

    QPointer<TaskTableModel> m_model;
    QVector<BatchGroup> m_groups;
    Clock m_clock;
    QString m_currentTask;

    QVector<Bar> m_bars;
    QVector<Lane> m_lanes;
    QVector<int> m_laneGroupStart; // first lane of each group (separators)
    QHash<QString, int> m_barByTask;
    QHash<QString, Times> m_times; // by task name; cleared when the model starts over
    qint64 m_originMs = 0;      // earliest start: x = 0
    qint64 m_lastEndMs = 0;     // latest closed end
    bool m_anyExecuting = false;
    bool m_dirty = true;        // model changed while hidden, or started over
    quint64 m_builtVersion = 0; // the model's version the bars were built from

    double m_pixelsPerSecond = 1;
    bool m_fitted = true;
    int m_gutter = 0;
    int m_laneHeight = 20; // from the font, set by rebuild()
};

} // namespace cockpit
