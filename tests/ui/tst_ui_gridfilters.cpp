// The grid's filters (state, phase, batch group, text, and a click on a state count), the task
// shortcuts, and the selection and scroll position surviving a run's updates and sorting. A
// fake run feeds the real window's model; every assertion is on the rows the grid shows.

#include "fakerun.h"
#include "ui/mainwindow.h"
#include "ui/runsummarybar.h"
#include "ui/taskfilterproxymodel.h"
#include "ui/tasktablemodel.h"

#include <QAction>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QScrollBar>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace cockpit;
using namespace cockpit::testing;
using Command = MainWindow::Command;

class TestGridFilters : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void phaseFilterShowsExactlyThatPhase();
    void groupFilterListsTheGroupsAndShowsExactlyOne();
    void filtersCombine();
    void clickingAStateCountFiltersByThatState();
    void taskActionsHaveShortcutsShownInTooltips();
    void ctrlFFocusesTheFilter();
    void selectionAndScrollSurviveUpdatesAndSorting();

private:
    // Rows in the grid, top to bottom.
    QStringList shownNames() const;
    static QStringList sorted(QStringList names)
    {
        names.sort();
        return names;
    }
    void addTask(int ordinal, const QString &name, TaskKind kind, const QString &group,
                 TaskState state = TaskState::Waiting);
    void selectComboText(QComboBox *combo, const QString &text);

    QTemporaryDir m_settingsDir;
    std::unique_ptr<FakeRun> m_run;
    std::unique_ptr<MainWindow> m_window;
};

void TestGridFilters::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void TestGridFilters::init()
{
    m_run = std::make_unique<FakeRun>();
    m_window = std::make_unique<MainWindow>();
    m_window->model()->setSnapshotSource(m_run->source());
    m_window->resize(1280, 720); // the whole toolbar shows (the offscreen screen is smaller)
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestGridFilters::cleanup()
{
    m_window.reset();
    m_run.reset();
}

void TestGridFilters::addTask(int ordinal, const QString &name, TaskKind kind,
                              const QString &group, TaskState state)
{
    TaskView t = makeTask(ordinal, name, kind == TaskKind::Copy ? 1000 : 0);
    t.spec.kind = kind;
    t.spec.group = group;
    t.status.state = state;
    m_run->add(t);
}

QStringList TestGridFilters::shownNames() const
{
    QStringList names;
    const QAbstractItemModel *proxy = m_window->view()->model();
    for (int r = 0; r < proxy->rowCount(); ++r)
        names << proxy->index(r, 0).data(TaskTableModel::TaskNameRole).toString();
    return names;
}

void TestGridFilters::selectComboText(QComboBox *combo, const QString &text)
{
    const int index = combo->findText(text);
    QVERIFY2(index >= 0, qPrintable(text + QStringLiteral(" is not offered")));
    combo->setCurrentIndex(index);
}

void TestGridFilters::phaseFilterShowsExactlyThatPhase()
{
    addTask(0, QStringLiteral("prepare:target"), TaskKind::Prepare, QStringLiteral("copy"));
    addTask(1, QStringLiteral("copy:A#1"), TaskKind::Copy, QStringLiteral("copy"));
    addTask(2, QStringLiteral("copy:B#1"), TaskKind::Copy, QStringLiteral("copy"));
    addTask(3, QStringLiteral("index:A.I1"), TaskKind::Index, QStringLiteral("index"));
    addTask(4, QStringLiteral("fk:B.FK1"), TaskKind::ForeignKey, QStringLiteral("index"));
    addTask(5, QStringLiteral("check:B.CK1"), TaskKind::Check, QStringLiteral("index"));
    addTask(6, QStringLiteral("validate:A"), TaskKind::Validate, QStringLiteral("index"));
    m_window->model()->refresh();
    QCOMPARE(shownNames().size(), 7);

    QComboBox *phase = m_window->phaseFilter();
    QCOMPARE(phase->itemText(0), QStringLiteral("All phases"));
    selectComboText(phase, phaseName(TaskKind::Copy));
    QCOMPARE(shownNames(), (QStringList{QStringLiteral("copy:A#1"), QStringLiteral("copy:B#1")}));
    // "Constraints" is several kinds.
    selectComboText(phase, phaseName(TaskKind::ForeignKey));
    QCOMPARE(shownNames(), (QStringList{QStringLiteral("fk:B.FK1"), QStringLiteral("check:B.CK1")}));
    selectComboText(phase, phaseName(TaskKind::Script));
    QVERIFY(shownNames().isEmpty());
    phase->setCurrentIndex(0);
    QCOMPARE(shownNames().size(), 7);
}

void TestGridFilters::groupFilterListsTheGroupsAndShowsExactlyOne()
{
    addTask(0, QStringLiteral("copy:A#1"), TaskKind::Copy, QStringLiteral("copy"));
    addTask(1, QStringLiteral("copy:BIG#1"), TaskKind::Copy, QStringLiteral("big"));
    addTask(2, QStringLiteral("copy:BIG#2"), TaskKind::Copy, QStringLiteral("big"));
    addTask(3, QStringLiteral("index:A.I1"), TaskKind::Index, QStringLiteral("index"));
    m_window->model()->refresh();

    QComboBox *group = m_window->groupFilter();
    QStringList offered;
    for (int i = 0; i < group->count(); ++i)
        offered << group->itemText(i);
    QCOMPARE(offered, (QStringList{QStringLiteral("All groups"), QStringLiteral("copy"),
                                   QStringLiteral("big"), QStringLiteral("index")}));
    selectComboText(group, QStringLiteral("big"));
    QCOMPARE(shownNames(), (QStringList{QStringLiteral("copy:BIG#1"), QStringLiteral("copy:BIG#2")}));

    // A group that appears later is offered, and the current choice stays.
    addTask(4, QStringLiteral("copy:LATE#1"), TaskKind::Copy, QStringLiteral("late"));
    m_window->model()->refresh();
    QVERIFY(group->findText(QStringLiteral("late")) > 0);
    QCOMPARE(group->currentText(), QStringLiteral("big"));
    QCOMPARE(shownNames(), (QStringList{QStringLiteral("copy:BIG#1"), QStringLiteral("copy:BIG#2")}));
}

void TestGridFilters::filtersCombine()
{
    addTask(0, QStringLiteral("copy:CUST#1"), TaskKind::Copy, QStringLiteral("copy"), TaskState::Error);
    addTask(1, QStringLiteral("copy:CUST#2"), TaskKind::Copy, QStringLiteral("copy"), TaskState::Ended);
    addTask(2, QStringLiteral("copy:VEND#1"), TaskKind::Copy, QStringLiteral("copy"), TaskState::Error);
    addTask(3, QStringLiteral("index:CUST.I1"), TaskKind::Index, QStringLiteral("copy"), TaskState::Error);
    addTask(4, QStringLiteral("copy:CUST#3"), TaskKind::Copy, QStringLiteral("other"), TaskState::Error);
    m_window->model()->refresh();

    selectComboText(m_window->stateFilter(), QStringLiteral("Error"));
    selectComboText(m_window->phaseFilter(), phaseName(TaskKind::Copy));
    selectComboText(m_window->groupFilter(), QStringLiteral("copy"));
    m_window->filterEdit()->setText(QStringLiteral("cust"));
    QCOMPARE(shownNames(), QStringList{QStringLiteral("copy:CUST#1")});
    m_window->filterEdit()->clear();
    QCOMPARE(shownNames(), (QStringList{QStringLiteral("copy:CUST#1"), QStringLiteral("copy:VEND#1")}));
}

void TestGridFilters::clickingAStateCountFiltersByThatState()
{
    for (int i = 0; i < 6; ++i)
        addTask(i, QStringLiteral("copy:T#%1").arg(i + 1), TaskKind::Copy, QStringLiteral("copy"));
    m_window->model()->refresh();
    m_run->update(1, [](TaskView &t) { t.status.state = TaskState::Error; });
    m_run->update(4, [](TaskView &t) { t.status.state = TaskState::Error; });
    m_run->update(2, [](TaskView &t) { t.status.state = TaskState::Ended; });
    m_window->model()->refresh();

    QLabel *errors = m_window->summaryBar()->countLabel(TaskState::Error);
    QVERIFY(errors->isVisible());
    QCOMPARE(errors->text(), QStringLiteral("Error 2"));
    QTest::mouseClick(errors, Qt::LeftButton);
    QCOMPARE(m_window->stateFilter()->currentText(), QStringLiteral("Error"));
    QCOMPARE(shownNames(), (QStringList{QStringLiteral("copy:T#2"), QStringLiteral("copy:T#5")}));

    QTest::mouseClick(m_window->summaryBar()->countLabel(TaskState::Waiting), Qt::LeftButton);
    QCOMPARE(shownNames(), (QStringList{QStringLiteral("copy:T#1"), QStringLiteral("copy:T#4"),
                                        QStringLiteral("copy:T#6")}));
}

void TestGridFilters::taskActionsHaveShortcutsShownInTooltips()
{
    addTask(0, QStringLiteral("copy:A#1"), TaskKind::Copy, QStringLiteral("copy"));
    m_window->model()->refresh();
    QSet<QKeySequence> seen;
    for (Command c : {Command::Run, Command::Stop, Command::Pause, Command::Resume, Command::Cancel,
                      Command::Skip, Command::Rerun, Command::RerunWithDependents}) {
        QAction *a = m_window->action(c);
        QVERIFY2(!a->shortcut().isEmpty(), qPrintable(a->text()));
        QVERIFY2(!seen.contains(a->shortcut()), qPrintable(a->text() + QStringLiteral(": shortcut taken twice")));
        seen.insert(a->shortcut());
        const QString keys = a->shortcut().toString(QKeySequence::NativeText);
        QVERIFY2(a->toolTip().section(QLatin1Char('\n'), 0, 0).endsWith(QStringLiteral("(%1)").arg(keys)),
                 qPrintable(a->toolTip()));
    }
    // The Task menu offers the actions with their shortcuts, select all and the filter.
    QMenu *taskMenu = nullptr;
    for (QAction *top : m_window->menuBar()->actions()) {
        if (top->text() == QStringLiteral("&Task"))
            taskMenu = top->menu();
    }
    QVERIFY(taskMenu);
    QStringList shortcuts;
    for (QAction *a : taskMenu->actions())
        shortcuts << a->shortcut().toString();
    QVERIFY(shortcuts.contains(QKeySequence(QKeySequence::SelectAll).toString()));
    QVERIFY(shortcuts.contains(QKeySequence(QKeySequence::Find).toString()));
    QVERIFY(shortcuts.contains(m_window->action(Command::Pause)->shortcut().toString()));
}

void TestGridFilters::ctrlFFocusesTheFilter()
{
    addTask(0, QStringLiteral("copy:A#1"), TaskKind::Copy, QStringLiteral("copy"));
    m_window->model()->refresh();
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    m_window->view()->setFocus();
    QVERIFY(!m_window->filterEdit()->hasFocus());
    QVERIFY(m_window->filterEdit()->isVisible()); // not in the toolbar's overflow
    QTest::keySequence(m_window->view(), QKeySequence::Find);
    QTRY_VERIFY(m_window->filterEdit()->hasFocus());
}

void TestGridFilters::selectionAndScrollSurviveUpdatesAndSorting()
{
    constexpr int kTasks = 400;
    for (int i = 0; i < kTasks; ++i)
        addTask(i, QStringLiteral("copy:T#%1").arg(i + 1), TaskKind::Copy, QStringLiteral("copy"));
    m_window->model()->refresh();
    QTableView *view = m_window->view();
    view->resize(800, 300);

    const QStringList chosen{QStringLiteral("copy:T#150"), QStringLiteral("copy:T#151"),
                             QStringLiteral("copy:T#200"), QStringLiteral("copy:T#390")};
    m_window->selectTasks(chosen);
    QCOMPARE(m_window->selectedTaskNames(), chosen);
    QScrollBar *scroll = view->verticalScrollBar();
    QVERIFY(scroll->maximum() > 100);
    scroll->setValue(scroll->maximum() / 2);
    const int position = scroll->value();

    // Sort by state: rows now move whenever a task changes state.
    view->sortByColumn(TaskTableModel::StateColumn, Qt::AscendingOrder);
    QCOMPARE(sorted(m_window->selectedTaskNames()), sorted(chosen));
    scroll->setValue(position);

    // The run moves tasks around: some start, some end, some fail, over several ticks,
    // including selected ones.
    for (int tick = 0; tick < 10; ++tick) {
        for (int i = tick; i < kTasks; i += 7) {
            m_run->update(i, [tick](TaskView &t) {
                t.status.state = static_cast<TaskState>((int(t.status.state) + 1 + tick) % 4);
                t.status.rowsDone += 100;
            });
        }
        m_window->model()->refresh();
        QCoreApplication::processEvents();
        QCOMPARE(sorted(m_window->selectedTaskNames()), sorted(chosen));
        QCOMPARE(scroll->value(), position);
    }
    // The rows did move under the sort (the test means something).
    QVERIFY(shownNames() != sorted(shownNames()));

    // Sorting by another column keeps both too.
    view->sortByColumn(TaskTableModel::ProgressColumn, Qt::DescendingOrder);
    QCOMPARE(sorted(m_window->selectedTaskNames()), sorted(chosen));
    QCOMPARE(scroll->value(), position);
}

QTEST_MAIN(TestGridFilters)
#include "tst_ui_gridfilters.moc"
