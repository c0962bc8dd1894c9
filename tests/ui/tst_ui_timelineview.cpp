// TimelineView: lanes per batch group and thread, greedy packing without overlaps, live growth
// of executing bars, click-to-select (also through the window), and a 10,000-task run that
// lays out only the bars in view. Fed through the grid's model from a fake snapshot source.

#include "fakerun.h"
#include "ui/mainwindow.h"
#include "ui/taskstatepresentation.h"
#include "ui/taskfilterproxymodel.h"
#include "ui/tasktablemodel.h"
#include "ui/timelineview.h"

#include <QDockWidget>
#include <QApplication>
#include <QImage>
#include <QToolButton>
#include <QWheelEvent>
#include <QScrollBar>
#include <QSet>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace cockpit;
using namespace cockpit::testing;

namespace {

const QDateTime kBase(QDate(2026, 3, 1), QTime(10, 0));

// A task of `group` that ran from base+startS to base+endS seconds (endS < 0: still running).
TaskView ranTask(int ordinal, const QString &name, const QString &group, double startS,
                 double endS, TaskState state = TaskState::Ended)
{
    TaskView t = makeTask(ordinal, name);
    t.spec.group = group;
    t.status.state = state;
    t.status.attempts = 1;
    t.status.startedAt = kBase.addMSecs(qint64(startS * 1000));
    if (endS >= 0)
        t.status.endedAt = kBase.addMSecs(qint64(endS * 1000));
    return t;
}

QVector<BatchGroup> groups(std::initializer_list<std::pair<const char *, int>> list)
{
    QVector<BatchGroup> out;
    for (const auto &[name, threads] : list)
        out.push_back({QString::fromLatin1(name), threads, {}});
    return out;
}

} // namespace

class TestTimelineView : public QObject {
    Q_OBJECT
private slots:
    void tasksArePackedOnTheFirstFreeLaneOfTheirGroup();
    void busierGroupThanItsThreadsGetsAnExtraLane();
    void instantTaskTakesTheLaneBeforeTheTaskStartingWithIt();
    void executingBarGrowsWithTime();
    void hiddenViewCatchesUpWhenShown();
    void clickOnABarEmitsItsTaskName();
    void toolTipTellsWhatTheTaskDid();
    void ctrlWheelZoomsAroundTheCursorAndFitShowsTheWholeRun();
    void clickOnABarSelectsTheTaskInTheWindowsGrid();
    void tenThousandTasksLayOutOnlyTheBarsInView();
};

void TestTimelineView::tasksArePackedOnTheFirstFreeLaneOfTheirGroup()
{
    FakeRun run;
    // copy (2 threads): A 0-10, B 2-6, C 7-12 (B's lane is free), D 11-15 (A's lane is free).
    run.add(ranTask(0, QStringLiteral("copy:A"), QStringLiteral("copy"), 0, 10));
    run.add(ranTask(1, QStringLiteral("copy:B"), QStringLiteral("copy"), 2, 6));
    run.add(ranTask(2, QStringLiteral("copy:C"), QStringLiteral("copy"), 7, 12, TaskState::Error));
    run.add(ranTask(3, QStringLiteral("copy:D"), QStringLiteral("copy"), 11, 15));
    // index (2 threads): X 0-5, Y 1-3, Z 4-8 (Y's lane is free at 4, X's is not).
    run.add(ranTask(4, QStringLiteral("index:X"), QStringLiteral("index"), 0, 5));
    run.add(ranTask(5, QStringLiteral("index:Y"), QStringLiteral("index"), 1, 3));
    run.add(ranTask(6, QStringLiteral("index:Z"), QStringLiteral("index"), 4, 8));
    // Not started: no bars (a Ready task keeps an earlier attempt's times).
    run.add(makeTask(7, QStringLiteral("copy:WAITING")));
    TaskView ready = ranTask(8, QStringLiteral("copy:READY"), QStringLiteral("copy"), 1, 2);
    ready.status.state = TaskState::Ready;
    run.add(ready);

    TaskTableModel model;
    model.setSnapshotSource(run.source());
    TimelineView view;
    view.resize(900, 300);
    view.setModel(&model);
    view.setGroups(groups({{"copy", 2}, {"index", 2}}));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setPixelsPerSecond(20);

    QCOMPARE(view.laneCount(), 4);
    QCOMPARE(view.laneLabel(0), QStringLiteral("copy \u00b7 1"));
    QCOMPARE(view.laneLabel(3), QStringLiteral("index \u00b7 2"));
    const QMap<QString, int> expected{{QStringLiteral("copy:A"), 0},  {QStringLiteral("copy:B"), 1},
                                      {QStringLiteral("copy:C"), 1},  {QStringLiteral("copy:D"), 0},
                                      {QStringLiteral("index:X"), 2}, {QStringLiteral("index:Y"), 3},
                                      {QStringLiteral("index:Z"), 3}};
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        const auto bar = view.bar(it.key());
        QVERIFY2(bar, qPrintable(it.key()));
        QCOMPARE(bar->lane, it.value());
    }
    QVERIFY(!view.bar(QStringLiteral("copy:WAITING")));
    QVERIFY(!view.bar(QStringLiteral("copy:READY")));

    // Bars sit in their lane's band, never overlap on one lane, and are as long as they ran.
    const QStringList names = expected.keys();
    for (const QString &a : names) {
        const auto ba = view.bar(a);
        for (const QString &b : names) {
            const auto bb = view.bar(b);
            if (a != b && ba->lane == bb->lane)
                QVERIFY2(!ba->rect.intersects(bb->rect), qPrintable(a + QLatin1Char('/') + b));
            if (bb->lane > ba->lane)
                QVERIFY(bb->rect.top() >= ba->rect.bottom());
        }
    }
    QCOMPARE(view.bar(QStringLiteral("copy:A"))->rect.width(), 10 * 20.0);
    QCOMPARE(view.bar(QStringLiteral("copy:C"))->rect.left()
                 - view.bar(QStringLiteral("copy:A"))->rect.left(),
             7 * 20.0);
    // Everything fits at this zoom: every bar is painted.
    const QStringList painted = view.visibleTasks();
    QCOMPARE(QSet<QString>(painted.cbegin(), painted.cend()),
             QSet<QString>(names.cbegin(), names.cend()));

    // The painted bar has its state's colour on its border.
    const QImage image = view.viewport()->grab().toImage();
    const QRectF c = view.bar(QStringLiteral("copy:C"))->rect;
    QCOMPARE(image.pixelColor(int(c.left()), int(c.center().y())),
             TaskStatePresentation::color(TaskState::Error));
}

void TestTimelineView::busierGroupThanItsThreadsGetsAnExtraLane()
{
    FakeRun run;
    run.add(ranTask(0, QStringLiteral("copy:A"), QStringLiteral("copy"), 0, 10));
    run.add(ranTask(1, QStringLiteral("copy:B"), QStringLiteral("copy"), 5, 8));
    run.add(ranTask(2, QStringLiteral("copy:C"), QStringLiteral("other"), 0, 1));
    run.add(ranTask(3, QStringLiteral("copy:D"), QStringLiteral("other"), 0.5, 2));
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    TimelineView view;
    view.setModel(&model);
    view.setGroups(groups({{"copy", 1}}));

    // copy's second lane is marked over the limit; a group the plan does not list gets the
    // lanes its tasks need after the plan's, with no limit to be over.
    QCOMPARE(view.laneCount(), 4);
    QCOMPARE(view.bar(QStringLiteral("copy:A"))->lane, 0);
    QCOMPARE(view.bar(QStringLiteral("copy:B"))->lane, 1);
    QVERIFY(view.laneLabel(1).contains(QStringLiteral("over limit")));
    QCOMPARE(view.bar(QStringLiteral("copy:C"))->lane, 2);
    QCOMPARE(view.bar(QStringLiteral("copy:D"))->lane, 3);
    QCOMPARE(view.laneLabel(2), QStringLiteral("other \u00b7 1"));
    QCOMPARE(view.laneLabel(3), QStringLiteral("other \u00b7 2"));
}

void TestTimelineView::instantTaskTakesTheLaneBeforeTheTaskStartingWithIt()
{
    // One thread: A ends at 5 s, then in the same millisecond an index task found nothing to
    // do (0 s) and the next copy started. Still one thread's work: one lane.
    FakeRun run;
    run.add(ranTask(0, QStringLiteral("copy:A"), QStringLiteral("post"), 0, 5));
    run.add(ranTask(1, QStringLiteral("copy:NEXT"), QStringLiteral("post"), 5, 9));
    run.add(ranTask(2, QStringLiteral("index:A.I"), QStringLiteral("post"), 5, 5));
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    TimelineView view;
    view.setModel(&model);
    view.setGroups(groups({{"post", 1}}));
    QCOMPARE(view.laneCount(), 1);
    for (const char *name : {"copy:A", "copy:NEXT", "index:A.I"})
        QCOMPARE(view.bar(QString::fromLatin1(name))->lane, 0);
}

void TestTimelineView::executingBarGrowsWithTime()
{
    FakeRun run;
    run.add(ranTask(0, QStringLiteral("copy:DONE"), QStringLiteral("copy"), 0, 4));
    run.add(ranTask(1, QStringLiteral("copy:RUNNING"), QStringLiteral("copy"), 2, -1,
                    TaskState::Executing));
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    QDateTime now = kBase.addSecs(12);
    TimelineView view;
    view.setClock([&now] { return now; });
    view.resize(900, 200);
    view.setModel(&model);
    view.setGroups(groups({{"copy", 2}}));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setPixelsPerSecond(10);

    // Executing overlaps the earlier task: the lane stays busy while it runs.
    QCOMPARE(view.bar(QStringLiteral("copy:RUNNING"))->lane, 1);
    QCOMPARE(view.bar(QStringLiteral("copy:RUNNING"))->rect.width(), 10 * 10.0);

    now = kBase.addSecs(32);
    model.refresh(); // the grid's tick
    QCOMPARE(view.bar(QStringLiteral("copy:RUNNING"))->rect.width(), 30 * 10.0);
    QCOMPARE(view.bar(QStringLiteral("copy:DONE"))->rect.width(), 4 * 10.0);

    // Fitted, the whole run (to now) fills the chart's width as it grows.
    view.fitToView();
    const double chartWidth = view.chartRect().width();
    QCOMPARE(qRound(view.bar(QStringLiteral("copy:RUNNING"))->rect.right()
                    - view.bar(QStringLiteral("copy:DONE"))->rect.left()),
             qRound(chartWidth));

    // It ends: the bar stops at its end time however late it is now.
    run.update(1, [](TaskView &t) {
        t.status.state = TaskState::Ended;
        t.status.endedAt = kBase.addSecs(40);
    });
    now = kBase.addSecs(100);
    model.refresh();
    view.setPixelsPerSecond(10);
    QCOMPARE(view.bar(QStringLiteral("copy:RUNNING"))->rect.width(), 38 * 10.0);
}

void TestTimelineView::hiddenViewCatchesUpWhenShown()
{
    FakeRun run;
    run.add(ranTask(10, QStringLiteral("copy:LATE"), QStringLiteral("copy"), 4, 6));
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    TimelineView view;
    view.resize(600, 200);
    view.setModel(&model);
    view.setGroups(groups({{"copy", 2}}));
    QCOMPARE(view.bar(QStringLiteral("copy:LATE"))->lane, 0);

    // While hidden (a tab behind the log) tasks arrive before it in plan order, moving its
    // row: nothing is laid out from stale rows, and showing it lays out the run as it is now.
    run.add(ranTask(1, QStringLiteral("copy:EARLY"), QStringLiteral("copy"), 0, 5));
    run.add(makeTask(2, QStringLiteral("copy:NOTYET")));
    model.refresh();
    QVERIFY(!view.bar(QStringLiteral("copy:LATE")));
    QVERIFY(view.visibleTasks().isEmpty());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.bar(QStringLiteral("copy:EARLY"))->lane, 0);
    QCOMPARE(view.bar(QStringLiteral("copy:LATE"))->lane, 1);
    QVERIFY(!view.bar(QStringLiteral("copy:NOTYET")));
}

void TestTimelineView::clickOnABarEmitsItsTaskName()
{
    FakeRun run;
    run.add(ranTask(0, QStringLiteral("copy:A"), QStringLiteral("copy"), 0, 10));
    run.add(ranTask(1, QStringLiteral("copy:B"), QStringLiteral("copy"), 12, 20));
    run.add(ranTask(2, QStringLiteral("copy:C"), QStringLiteral("copy"), 3, 18));
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    TimelineView view;
    view.resize(900, 200);
    view.setModel(&model);
    view.setGroups(groups({{"copy", 2}}));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    QSignalSpy clicked(&view, &TimelineView::taskClicked);
    for (const QString &name : {QStringLiteral("copy:B"), QStringLiteral("copy:C")}) {
        const QPoint centre = view.bar(name)->rect.center().toPoint();
        QCOMPARE(view.taskAt(centre), name);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, centre);
        QCOMPARE(clicked.size(), 1);
        QCOMPARE(clicked.takeFirst().at(0).toString(), name);
    }
    // Between bars and on the lane labels: nothing.
    const QRectF a = view.bar(QStringLiteral("copy:A"))->rect;
    const QRectF b = view.bar(QStringLiteral("copy:B"))->rect;
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                      QPoint(int((a.right() + b.left()) / 2), int(a.center().y())));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(3, int(a.center().y())));
    QCOMPARE(clicked.size(), 0);
}

void TestTimelineView::toolTipTellsWhatTheTaskDid()
{
    FakeRun run;
    TaskView failed = ranTask(0, QStringLiteral("copy:CUSTTABLE#2"), QStringLiteral("copy"), 3,
                              65.5, TaskState::Error);
    failed.status.rowsDone = 12345;
    failed.status.rowsTotal = 50000;
    failed.status.attempts = 2;
    failed.status.message = QStringLiteral("duplicate key <PK_CUSTTABLE>");
    run.add(failed);
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    TimelineView view;
    view.setModel(&model);
    view.setGroups(groups({{"copy", 1}}));

    const QString tip = view.toolTipText(QStringLiteral("copy:CUSTTABLE#2"));
    QVERIFY2(tip.contains(QStringLiteral("<b>copy:CUSTTABLE#2</b>")), qPrintable(tip));
    QVERIFY2(tip.contains(TaskStatePresentation::label(TaskState::Error)), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("attempt 2")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("10:00:03")), qPrintable(tip)); // started
    QVERIFY2(tip.contains(QStringLiteral("10:01:05")), qPrintable(tip)); // ended
    QVERIFY2(tip.contains(TaskTableModel::formatDuration(62.5)), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("%1 / %2 rows")
                              .arg(TaskTableModel::formatCount(12345),
                                   TaskTableModel::formatCount(50000))),
             qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("duplicate key &lt;PK_CUSTTABLE&gt;")), qPrintable(tip));
    QCOMPARE(view.toolTipText(QStringLiteral("copy:NOSUCHTASK")), QString());
}

void TestTimelineView::ctrlWheelZoomsAroundTheCursorAndFitShowsTheWholeRun()
{
    FakeRun run;
    for (int i = 0; i < 40; ++i)
        run.add(ranTask(i, QStringLiteral("copy:T%1").arg(i), QStringLiteral("copy"), i * 30,
                        i * 30 + 25));
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    TimelineView view;
    view.resize(900, 200);
    view.setModel(&model);
    view.setGroups(groups({{"copy", 1}}));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    // Fitted: the whole run, first bar to last, spans the chart.
    QVERIFY(view.isFitted());
    const QRect chart = view.chartRect();
    QCOMPARE(qRound(view.bar(QStringLiteral("copy:T0"))->rect.left()), chart.left());
    QCOMPARE(qRound(view.bar(QStringLiteral("copy:T39"))->rect.right()),
             chart.left() + chart.width());

    // Ctrl+wheel over T20's start: zoomed in, T20 still starts under the cursor.
    const double fitted = view.pixelsPerSecond();
    const QPointF at(view.bar(QStringLiteral("copy:T20"))->rect.left(), chart.center().y());
    for (int step = 0; step < 3; ++step) {
        QWheelEvent wheel(at, view.viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(view.viewport(), &wheel);
    }
    QVERIFY(!view.isFitted());
    QVERIFY(view.pixelsPerSecond() > fitted * 1.9);
    QVERIFY(qAbs(view.bar(QStringLiteral("copy:T20"))->rect.left() - at.x()) <= 1.0);
    QVERIFY(view.visibleTasks().size() < 40);
    QVERIFY(view.horizontalScrollBar()->maximum() > 0);

    // Fit: back to the whole run.
    auto *fit = view.findChild<QToolButton *>(QStringLiteral("timelineFit"));
    QVERIFY(fit);
    fit->click();
    QVERIFY(view.isFitted());
    QCOMPARE(view.pixelsPerSecond(), fitted);
    QCOMPARE(view.visibleTasks().size(), 40);
}

void TestTimelineView::clickOnABarSelectsTheTaskInTheWindowsGrid()
{
    FakeRun run;
    for (int i = 0; i < 6; ++i)
        run.add(ranTask(i, QStringLiteral("copy:T%1").arg(i), QStringLiteral("copy"), i * 3,
                        i * 3 + 2));
    MainWindow window;
    window.resize(1200, 700);
    window.model()->setSnapshotSource(run.source());
    TimelineView *timeline = window.timeline();
    QVERIFY(timeline);
    timeline->setGroups(groups({{"copy", 2}}));
    window.show();
    auto *dock = window.findChild<QDockWidget *>(QStringLiteral("timelineDock"));
    QVERIFY(dock);
    dock->raise();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(timeline->isVisible());
    QTRY_VERIFY(timeline->bar(QStringLiteral("copy:T4")).has_value());

    QTest::mouseClick(timeline->viewport(), Qt::LeftButton, {},
                      timeline->bar(QStringLiteral("copy:T4"))->rect.center().toPoint());
    QCOMPARE(window.selectedTaskNames(), QStringList{QStringLiteral("copy:T4")});
    QCOMPARE(timeline->currentTask(), QStringLiteral("copy:T4"));

    // The grid's current task is outlined in the timeline.
    window.view()->setCurrentIndex(window.proxy()->mapFromSource(
        window.model()->index(window.model()->rowOfTask(QStringLiteral("copy:T1")), 0)));
    QCOMPARE(timeline->currentTask(), QStringLiteral("copy:T1"));
}

void TestTimelineView::tenThousandTasksLayOutOnlyTheBarsInView()
{
    // 8 threads, each running its tasks back to back (1.5 s each, a new one every 2 s).
    constexpr int kTasks = 10000;
    constexpr int kThreads = 8;
    FakeRun run;
    for (int i = 0; i < kTasks; ++i) {
        const double start = (i / kThreads) * 2.0;
        run.add(ranTask(i, QStringLiteral("copy:T%1").arg(i), QStringLiteral("copy"), start,
                        start + 1.5));
    }
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    TimelineView view;
    view.resize(1000, 130); // fewer lanes in view than threads
    view.setModel(&model);
    view.setGroups(groups({{"copy", kThreads}}));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.laneCount(), kThreads);
    for (int i = 0; i < kTasks; i += 997)
        QCOMPARE(view.bar(QStringLiteral("copy:T%1").arg(i))->lane, i % kThreads);

    // Zoomed in and scrolled into the middle of the run (and down a lane).
    view.setPixelsPerSecond(20);
    view.horizontalScrollBar()->setValue(view.horizontalScrollBar()->maximum() / 2);
    view.verticalScrollBar()->setValue(view.verticalScrollBar()->singleStep());
    const QRect chart = view.chartRect();
    QSet<QString> inView;
    for (int i = 0; i < kTasks; ++i) {
        const QString name = QStringLiteral("copy:T%1").arg(i);
        if (view.bar(name)->rect.intersects(chart))
            inView << name;
    }
    const QStringList visible = view.visibleTasks();
    QVERIFY(!visible.isEmpty());
    QVERIFY2(visible.size() < kTasks / 20, qPrintable(QString::number(visible.size())));
    QCOMPARE(QSet<QString>(visible.cbegin(), visible.cend()), inView);
    QCOMPARE(visible.size(), inView.size()); // each once

    // Painting that view draws those bars: each one wholly in view has its state's border.
    const QImage image = view.viewport()->grab().toImage();
    int checked = 0;
    for (const QString &name : visible) {
        const QRectF r = view.bar(name)->rect;
        if (!chart.contains(r.toAlignedRect()))
            continue;
        QCOMPARE(image.pixelColor(int(r.left()), int(r.center().y())),
                 TaskStatePresentation::color(TaskState::Ended));
        ++checked;
    }
    QVERIFY(checked > 0);
}

QTEST_MAIN(TestTimelineView)
#include "tst_ui_timelineview.moc"
