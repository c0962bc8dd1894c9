// TaskTableModel: plan order, batched inserts, coalesced dataChanged, roles, and speed with
// 10,000 tasks. Fed by a fake snapshot source, so no database is involved.

#include "fakerun.h"
#include "ui/taskfilterproxymodel.h"
#include "ui/taskstatepresentation.h"
#include "ui/tasktablemodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <random>

using namespace cockpit;
using namespace cockpit::testing;

class TestTaskTableModel : public QObject {
    Q_OBJECT
private slots:
    void modelTesterAcceptsInsertsAndUpdates();
    void gridFollowsPlanOrder();
    void newTasksArriveInOneInsertBatch();
    void lateTasksAreInsertedAtTheirOrdinal();
    void changedRowsEmitOneSignalPerContiguousRange();
    void mostRowsChangedEmitsOneWholeTableSignal();
    void modelCoalescesUpdatesWithinOneTick();
    void displayRoleIsFormattedAndRawRolesAreNumbers();
    void waitingTaskShowsWhyItWaits();
    void priorityColumnShowsTheAdministratorsPriority();
    void stalledTaskIsFlaggedWithWhatHoldsItUp();
    void timerPollsAtTheSetInterval();
    void sortingByStateKeepsFollowingTheRun();
    void sortedProxyStaysSortedWhenScatteredRowsChange();
    void tenThousandTasksStaySmooth();
    void filterKeepsTheSelectionOfRowsThatStillMatch();
    void sortByNameFollowsTasksPlannedLater();
    void sortByNameOrdersNumbersByValue();
};

static QStringList namesInGrid(const TaskTableModel &m)
{
    QStringList names;
    for (int r = 0; r < m.rowCount(); ++r)
        names << m.index(r, TaskTableModel::TaskColumn).data().toString();
    return names;
}

void TestTaskTableModel::modelTesterAcceptsInsertsAndUpdates()
{
    FakeRun run;
    TaskTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    TaskFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(TaskTableModel::ProgressColumn, Qt::DescendingOrder);

    for (int i = 0; i < 50; ++i)
        run.add(makeTask(i * 2, QStringLiteral("copy:T%1").arg(i)));
    model.setSnapshotSource(run.source());
    QCOMPARE(model.rowCount(), 50);
    for (int i = 0; i < 50; i += 3)
        run.update(i, [](TaskView &t) {
            t.status.state = TaskState::Executing;
            t.status.rowsDone = 500;
        });
    run.add(makeTask(7, QStringLiteral("copy:LATE")));
    model.refresh();
    QCOMPARE(model.rowCount(), 51);
    QCOMPARE(proxy.rowCount(), 51);
    model.setSnapshotSource({});
    QCOMPARE(model.rowCount(), 0);
}

void TestTaskTableModel::gridFollowsPlanOrder()
{
    FakeRun run;
    run.add(makeTask(2, QStringLiteral("copy:C")));
    run.add(makeTask(0, QStringLiteral("prepare:target"), 0));
    run.add(makeTask(1, QStringLiteral("copy:B")));
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    QCOMPARE(namesInGrid(model),
             (QStringList{QStringLiteral("prepare:target"), QStringLiteral("copy:B"),
                          QStringLiteral("copy:C")}));
    QCOMPARE(model.rowOfTask(QStringLiteral("copy:C")), 2);
    QCOMPARE(model.rowOfTask(QStringLiteral("nope")), -1);
}

void TestTaskTableModel::newTasksArriveInOneInsertBatch()
{
    FakeRun run;
    for (int i = 0; i < 1000; ++i)
        run.add(makeTask(i, QStringLiteral("copy:T%1").arg(i)));
    TaskTableModel model;
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setSnapshotSource(run.source());
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    QCOMPARE(inserted.first().at(2).toInt(), 999);
}

void TestTaskTableModel::lateTasksAreInsertedAtTheirOrdinal()
{
    FakeRun run;
    for (int i : {0, 2, 4})
        run.add(makeTask(i, QStringLiteral("t%1").arg(i)));
    TaskTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshotSource(run.source());
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    run.add(makeTask(3, QStringLiteral("t3")));
    run.add(makeTask(1, QStringLiteral("t1")));
    run.add(makeTask(5, QStringLiteral("t5")));
    run.add(makeTask(6, QStringLiteral("t6")));
    model.refresh();
    QCOMPARE(namesInGrid(model), (QStringList{"t0", "t1", "t2", "t3", "t4", "t5", "t6"}));
    QCOMPARE(inserted.count(), 3); // t1, t3, and the block t5..t6
    for (int r = 0; r < model.rowCount(); ++r)
        QCOMPARE(model.rowOfTask(model.task(r).spec.name), r);
}

void TestTaskTableModel::changedRowsEmitOneSignalPerContiguousRange()
{
    FakeRun run;
    for (int i = 0; i < 20; ++i)
        run.add(makeTask(i, QStringLiteral("t%1").arg(i)));
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    for (int i : {3, 4, 5, 10})
        run.update(i, [](TaskView &t) { t.status.rowsDone = 10; });
    model.refresh();
    QCOMPARE(changed.count(), 2);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 3);
    QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 5);
    QCOMPARE(changed.at(0).at(1).toModelIndex().column(), TaskTableModel::ColumnCount - 1);
    QCOMPARE(changed.at(1).at(0).toModelIndex().row(), 10);
    QCOMPARE(changed.at(1).at(1).toModelIndex().row(), 10);
    const auto roles = changed.at(0).at(2).value<QList<int>>();
    QVERIFY(roles.contains(Qt::DisplayRole));
    QVERIFY(roles.contains(TaskTableModel::ProgressRole));
    QVERIFY(roles.contains(TaskTableModel::StateRole));

    changed.clear();
    model.refresh(); // nothing changed: no signal
    QCOMPARE(changed.count(), 0);
}

void TestTaskTableModel::mostRowsChangedEmitsOneWholeTableSignal()
{
    FakeRun run;
    for (int i = 0; i < 100; ++i)
        run.add(makeTask(i, QStringLiteral("t%1").arg(i)));
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    for (int i = 0; i < 100; i += 2) // 50 scattered rows: would be 50 signals
        run.update(i, [](TaskView &t) { t.status.rowsDone = 1; });
    run.update(1, [](TaskView &t) { t.status.rowsDone = 1; });
    model.refresh();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex(), model.index(0, 0));
    QCOMPARE(changed.first().at(1).toModelIndex(),
             model.index(99, TaskTableModel::ColumnCount - 1));
}

void TestTaskTableModel::modelCoalescesUpdatesWithinOneTick()
{
    FakeRun run;
    for (int i = 0; i < 10; ++i)
        run.add(makeTask(i, QStringLiteral("t%1").arg(i)));
    TaskTableModel model;
    model.setRefreshInterval(60'000); // ticks only when the test says so
    model.setSnapshotSource(run.source());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    for (int batch = 1; batch <= 100; ++batch) // a hundred batches between two ticks
        run.update(4, [batch](TaskView &t) {
            t.status.state = TaskState::Executing;
            t.status.rowsDone = batch * 10;
        });
    QCOMPARE(changed.count(), 0);
    model.refresh();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(4, 0).data(TaskTableModel::RowsDoneRole).toLongLong(), 1000);
}

void TestTaskTableModel::displayRoleIsFormattedAndRawRolesAreNumbers()
{
    FakeRun run;
    TaskView t = makeTask(0, QStringLiteral("copy:INVENTTRANS#1"), 1'000'000);
    t.status.state = TaskState::Executing;
    t.status.rowsDone = 123'456;
    t.status.attempts = 2;
    t.rowsPerSecond = 54'321.4;
    t.etaSeconds = 65;
    t.status.seconds = 3725;
    run.add(t);
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    auto at = [&](int column, int role = Qt::DisplayRole) { return model.index(0, column).data(role); };

    QCOMPARE(at(TaskTableModel::TaskColumn).toString(), QStringLiteral("copy:INVENTTRANS#1"));
    QCOMPARE(at(TaskTableModel::PhaseColumn).toString(), phaseName(TaskKind::Copy));
    QCOMPARE(at(TaskTableModel::StateColumn).toString(),
             TaskStatePresentation::label(TaskState::Executing));
    QVERIFY(!at(TaskTableModel::StateColumn, Qt::DecorationRole).value<QIcon>().isNull());
    const QString sep = QLocale().groupSeparator();
    QCOMPARE(at(TaskTableModel::ProgressColumn).toString(),
             QStringLiteral("123,456 / 1,000,000").replace(QLatin1Char(','), sep));
    QCOMPARE(at(TaskTableModel::ProgressColumn, TaskTableModel::ProgressRole).toInt(), 123);
    QCOMPARE(at(TaskTableModel::TaskColumn, TaskTableModel::StateRole).toInt(),
             int(TaskState::Executing));
    QCOMPARE(at(TaskTableModel::RateColumn).toString(),
             QStringLiteral("54,321/s").replace(QLatin1Char(','), sep));
    QCOMPARE(at(TaskTableModel::RateColumn, TaskTableModel::SortRole).toDouble(), 54'321.4);
    QVERIFY(at(TaskTableModel::TimeColumn).toString().startsWith(QStringLiteral("1:02:05")));
    QVERIFY(at(TaskTableModel::TimeColumn).toString().contains(QStringLiteral("1:05")));
    QCOMPARE(at(TaskTableModel::AttemptsColumn).toString(), QStringLiteral("2"));
    QCOMPARE(at(TaskTableModel::AttemptsColumn, TaskTableModel::SortRole).toInt(), 2);
    QCOMPARE(model.headerData(TaskTableModel::ProgressColumn, Qt::Horizontal).toString(),
             QStringLiteral("Progress (rows)"));

    run.update(0, [](TaskView &v) { v.status.state = TaskState::Ended; });
    model.refresh();
    QCOMPARE(at(TaskTableModel::ProgressColumn, TaskTableModel::ProgressRole).toInt(), 1000);
    QCOMPARE(at(TaskTableModel::RateColumn).toString(), QString()); // only while executing
}

void TestTaskTableModel::priorityColumnShowsTheAdministratorsPriority()
{
    FakeRun run;
    run.add(makeTask(0, QStringLiteral("copy:INVENTTRANS")));
    run.add(makeTask(1, QStringLiteral("copy:CUSTTABLE")));
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    QCOMPARE(model.headerData(TaskTableModel::PriorityColumn, Qt::Horizontal).toString(), QStringLiteral("Priority"));
    QCOMPARE(model.index(0, TaskTableModel::PriorityColumn).data().toString(), QStringLiteral("0"));

    // Raised by the administrator while the run goes on: the next tick shows it, sortable by value.
    run.update(1, [](TaskView &v) { v.spec.priority = 3; });
    run.update(0, [](TaskView &v) { v.spec.priority = -1; });
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.refresh();
    QVERIFY(!changed.isEmpty());
    QCOMPARE(model.index(1, TaskTableModel::PriorityColumn).data().toString(), QStringLiteral("3"));
    QCOMPARE(model.index(0, TaskTableModel::PriorityColumn).data().toString(), QStringLiteral("-1"));
    QCOMPARE(model.index(1, TaskTableModel::PriorityColumn).data(TaskTableModel::SortRole).toInt(), 3);
    TaskFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(TaskTableModel::PriorityColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, TaskTableModel::TaskColumn).data().toString(), QStringLiteral("copy:CUSTTABLE"));
}

void TestTaskTableModel::waitingTaskShowsWhyItWaits()
{
    FakeRun run;
    TaskView t = makeTask(0, QStringLiteral("index:CUSTTABLE.I_ACCOUNT"), 0);
    t.waitReason = QStringLiteral("waiting for copy:CUSTTABLE");
    run.add(t);
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    QCOMPARE(model.index(0, TaskTableModel::MessageColumn).data().toString(),
             QStringLiteral("waiting for copy:CUSTTABLE"));
    QCOMPARE(model.index(0, TaskTableModel::ProgressColumn).data().toString(), QString());
    // An index build does not count rows: no bar at all rather than a bar stuck at 0.
    QVERIFY(!model.index(0, TaskTableModel::ProgressColumn).data(TaskTableModel::ProgressRole).isValid());
}

void TestTaskTableModel::stalledTaskIsFlaggedWithWhatHoldsItUp()
{
    FakeRun run;
    TaskView t = makeTask(0, QStringLiteral("copy:INVENTTRANS"));
    t.status.state = TaskState::Executing;
    run.add(t);
    TaskTableModel model;
    model.setSnapshotSource(run.source());
    QCOMPARE(model.index(0, TaskTableModel::StateColumn).data().toString(), QStringLiteral("Executing"));
    QVERIFY(!model.index(0, TaskTableModel::MessageColumn).data(Qt::ForegroundRole).isValid());
    run.update(0, [](TaskView &v) {
        v.stalled = true;
        v.status.message = QStringLiteral("no progress for 2 min; blocked by pid 4711 (psql, user alice): LOCK TABLE x");
    });
    model.refresh();
    QCOMPARE(model.index(0, TaskTableModel::StateColumn).data().toString(), QStringLiteral("Executing (stalled)"));
    QCOMPARE(model.index(0, TaskTableModel::MessageColumn).data().toString(),
             QStringLiteral("no progress for 2 min; blocked by pid 4711 (psql, user alice): LOCK TABLE x"));
    QCOMPARE(model.index(0, TaskTableModel::MessageColumn).data(Qt::ForegroundRole).value<QBrush>().color(),
             TaskStatePresentation::stalledColor());
    QCOMPARE(model.index(0, TaskTableModel::StateColumn).data(Qt::ForegroundRole).value<QBrush>().color(),
             TaskStatePresentation::stalledColor());
    // Moving again: the flag goes.
    run.update(0, [](TaskView &v) {
        v.stalled = false;
        v.status.message.clear();
    });
    model.refresh();
    QCOMPARE(model.index(0, TaskTableModel::StateColumn).data().toString(), QStringLiteral("Executing"));
}

void TestTaskTableModel::timerPollsAtTheSetInterval()
{
    FakeRun run;
    run.add(makeTask(0, QStringLiteral("t0")));
    TaskTableModel model;
    QCOMPARE(model.refreshInterval(), 250);
    model.setRefreshInterval(20);
    model.setSnapshotSource(run.source());
    const int before = run.snapshots;
    run.update(0, [](TaskView &t) { t.status.rowsDone = 999; });
    QTRY_COMPARE_WITH_TIMEOUT(model.index(0, 0).data(TaskTableModel::RowsDoneRole).toLongLong(),
                              999, 2000);
    QTRY_VERIFY_WITH_TIMEOUT(run.snapshots - before >= 3, 2000);
}

void TestTaskTableModel::sortingByStateKeepsFollowingTheRun()
{
    FakeRun run;
    for (int i = 0; i < 40; ++i)
        run.add(makeTask(i, QStringLiteral("t%1").arg(i)));
    TaskTableModel model;
    TaskFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(TaskTableModel::StateColumn, Qt::AscendingOrder);
    model.setSnapshotSource(run.source());
    auto firstNames = [&](int n) {
        QStringList names;
        for (int r = 0; r < n; ++r)
            names << proxy.index(r, 0).data().toString();
        return names;
    };
    // Failures first, then what runs, then what waits; ended tasks last.
    run.update(30, [](TaskView &t) { t.status.state = TaskState::Executing; });
    run.update(20, [](TaskView &t) { t.status.state = TaskState::Error; });
    model.refresh();
    QCOMPARE(firstNames(2), (QStringList{"t20", "t30"}));
    run.update(30, [](TaskView &t) { t.status.state = TaskState::Ended; });
    model.refresh();
    QCOMPARE(proxy.index(39, 0).data().toString(), QStringLiteral("t30"));
    // Many rows at once (the whole-table dataChanged path).
    for (int i = 0; i < 30; ++i)
        run.update(i, [](TaskView &t) { t.status.state = TaskState::Ended; });
    run.update(35, [](TaskView &t) { t.status.state = TaskState::Executing; });
    model.refresh();
    QCOMPARE(firstNames(1), QStringList{"t35"});
    QCOMPARE(proxy.index(39, TaskTableModel::StateColumn).data(TaskTableModel::StateRole).toInt(),
             int(TaskState::Ended));
}

void TestTaskTableModel::sortedProxyStaysSortedWhenScatteredRowsChange()
{
    // Regression: storing every change before the first of several dataChanged signals left
    // a sorting proxy unsorted (it re-sorts one range against rows it was not told about).
    FakeRun run;
    constexpr int kTasks = 160;
    for (int i = 0; i < kTasks; ++i)
        run.add(makeTask(i, QStringLiteral("t%1").arg(i)));
    TaskTableModel model;
    model.setRefreshInterval(60'000);
    TaskFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(TaskTableModel::StateColumn, Qt::AscendingOrder);
    model.setSnapshotSource(run.source());
    std::mt19937 rng(1);
    for (int tick = 0; tick < 300; ++tick) {
        const int changes = int(rng() % 6);
        for (int c = 0; c < changes; ++c)
            run.update(int(rng() % kTasks), [](TaskView &t) {
                switch (t.status.state) {
                case TaskState::Waiting: t.status.state = TaskState::Ready; break;
                case TaskState::Ready: t.status.state = TaskState::Executing; break;
                case TaskState::Executing: t.status.state = TaskState::Ended; break;
                default: break;
                }
            });
        model.refresh();
        for (int r = 1; r < proxy.rowCount(); ++r) {
            const int before = proxy.index(r - 1, TaskTableModel::StateColumn).data(TaskTableModel::SortRole).toInt();
            const int here = proxy.index(r, TaskTableModel::StateColumn).data(TaskTableModel::SortRole).toInt();
            QVERIFY2(before <= here, qPrintable(QStringLiteral("tick %1, row %2").arg(tick).arg(r)));
        }
    }
}

void TestTaskTableModel::tenThousandTasksStaySmooth()
{
    constexpr int kTasks = 10'000;
    FakeRun run;
    for (int i = 0; i < kTasks; ++i)
        run.add(makeTask(i, QStringLiteral("copy:TABLE%1").arg(i), 100'000));
    TaskTableModel model;
    model.setRefreshInterval(60'000);
    TaskFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QTableView view;
    view.setModel(&proxy);
    view.setSortingEnabled(true);
    view.sortByColumn(TaskTableModel::ProgressColumn, Qt::DescendingOrder);
    view.resize(1200, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    QElapsedTimer first;
    first.start();
    model.setSnapshotSource(run.source());
    QCoreApplication::processEvents();
    const qint64 firstMs = first.elapsed();
    QCOMPARE(proxy.rowCount(), kTasks);

    // Typical ticks: a few dozen executing copies move, now and then everything changes.
    std::mt19937 rng(42);
    qint64 worstMs = 0;
    for (int tick = 0; tick < 20; ++tick) {
        const int changes = tick % 5 == 4 ? kTasks : 64;
        for (int c = 0; c < changes; ++c) {
            const int i = changes == kTasks ? c : int(rng() % kTasks);
            run.update(i, [tick](TaskView &t) {
                t.status.state = TaskState::Executing;
                t.status.rowsDone = std::min<qint64>(t.status.rowsTotal, t.status.rowsDone + 1000 * (tick + 1));
            });
        }
        QElapsedTimer timer;
        timer.start();
        model.refresh();
        view.viewport()->repaint();
        worstMs = std::max(worstMs, timer.elapsed());
    }
    qInfo("10,000 tasks: first fill %lld ms, worst tick (model+sorted proxy+paint) %lld ms",
          firstMs, worstMs);
    QVERIFY2(worstMs < 250, "a tick must fit in the 250 ms refresh interval");
}

void TestTaskTableModel::filterKeepsTheSelectionOfRowsThatStillMatch()
{
    // A filter that picks one phase out of interleaved tasks: one layout change, not a removal
    // per run of rows, and the selected rows that still match stay selected.
    FakeRun run;
    const QStringList phases{"prepare", "copy", "index", "validate"};
    for (int i = 0; i < 400; ++i)
        run.add(makeTask(i, QStringLiteral("%1:T%2").arg(phases[i % 4]).arg(i / 4)));
    TaskTableModel model;
    model.setRefreshInterval(60'000);
    TaskFilterProxyModel proxy;
    proxy.setSourceModel(&model); // plan order: the phases interleave
    model.setSnapshotSource(run.source());
    QTableView view;
    view.setModel(&proxy);
    auto proxyRowOf = [&](const QString &name) {
        return proxy.mapFromSource(model.index(model.rowOfTask(name), 0)).row();
    };
    auto select = [&](const QString &name) {
        view.selectionModel()->select(proxy.index(proxyRowOf(name), 0),
                                      QItemSelectionModel::Select | QItemSelectionModel::Rows);
    };
    select(QStringLiteral("copy:T7"));
    select(QStringLiteral("index:T7"));
    QSignalSpy removed(&proxy, &QAbstractItemModel::rowsRemoved);

    proxy.setText(QStringLiteral("copy:"));
    QCOMPARE(proxy.rowCount(), 100);
    for (int r = 0; r < proxy.rowCount(); ++r)
        QVERIFY(proxy.index(r, 0).data(TaskTableModel::TaskNameRole).toString().startsWith("copy:"));
    QCOMPARE(removed.count(), 0);
    QModelIndexList selected = view.selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(TaskTableModel::TaskNameRole).toString(), QStringLiteral("copy:T7"));

    proxy.setText({});
    QCOMPARE(proxy.rowCount(), 400);
    selected = view.selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(TaskTableModel::TaskNameRole).toString(), QStringLiteral("copy:T7"));
    QCOMPARE(proxyRowOf(QStringLiteral("index:T7")), model.rowOfTask(QStringLiteral("index:T7")));
}

void TestTaskTableModel::sortByNameFollowsTasksPlannedLater()
{
    // The proxy keeps each row's sort key; rows inserted between others shift every key after
    // them, so a later insert must still sort where its name says.
    FakeRun run;
    for (int i = 0; i < 20; ++i)
        run.add(makeTask(i * 2, QStringLiteral("copy:T#%1").arg(i * 2, 2, 10, QLatin1Char('0'))));
    TaskTableModel model;
    model.setRefreshInterval(60'000);
    TaskFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(TaskTableModel::TaskColumn, Qt::DescendingOrder);
    model.setSnapshotSource(run.source());
    for (int i = 0; i < 20; ++i)
        run.add(makeTask(i * 2 + 1,
                         QStringLiteral("copy:T#%1").arg(i * 2 + 1, 2, 10, QLatin1Char('0'))));
    model.refresh();
    QCOMPARE(proxy.rowCount(), 40);
    for (int r = 0; r < 40; ++r)
        QCOMPARE(proxy.index(r, 0).data(TaskTableModel::TaskNameRole).toString(),
                 QStringLiteral("copy:T#%1").arg(39 - r, 2, 10, QLatin1Char('0')));
}

QTEST_MAIN(TestTaskTableModel)
#include "tst_ui_tasktablemodel.moc"

// "copy:T#2" before "copy:T#10", whatever the session's locale (C.UTF-8 in CI).
void TestTaskTableModel::sortByNameOrdersNumbersByValue()
{
    FakeRun run;
    TaskTableModel model;
    TaskFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    for (const char *name : {"copy:T#10", "copy:T#2", "copy:T#1", "copy:t#3"})
        run.add(makeTask(0, QString::fromLatin1(name)));
    model.setSnapshotSource(run.source());
    proxy.sort(TaskTableModel::TaskColumn, Qt::AscendingOrder);
    QStringList sorted;
    for (int r = 0; r < proxy.rowCount(); ++r)
        sorted << proxy.index(r, TaskTableModel::TaskColumn).data().toString();
    QCOMPARE(sorted, (QStringList{QStringLiteral("copy:T#1"), QStringLiteral("copy:T#2"), QStringLiteral("copy:t#3"), QStringLiteral("copy:T#10")}));
}
