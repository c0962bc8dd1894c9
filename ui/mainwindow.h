#pragma once
// The cockpit window: the task grid, the administrator's actions, the run's summary in the
// status bar and the log pane. Everything that touches a database goes through UpgradeRun,
// which works on its own threads; this window only asks and shows. GUI thread only.
// Its parts, one file each: mainwindow.cpp (building the window, the grid, its context menu
// and selection), mainwindowmenus.cpp (actions, menus, toolbar), mainwindowtaskactions.cpp
// (what the actions can do for the selection, and asking the run), mainwindowsession.cpp
// (opening, starting and stopping the run), mainwindowclosing.cpp (closing during a run).

#include "plan/plan.h"
#include "tasks/taskrules.h"
#include "ui/asyncjob.h"
#include "ui/futuresynchronizer.h"

#include <QMainWindow>
#include <QPointer>
#include <QTimer>
#include <array>
#include <memory>
#include <optional>

class QAction;
class QComboBox;
class QLineEdit;
class QMenu;
class QProgressDialog;
class QTableView;

namespace cockpit {

class PasswordDialog;
class PreflightGate;
class PriorityActions;

struct AppSettings;
class LogPane;
class TaskDetailsPane;
class RunSummaryBar;
class TaskFilterProxyModel;
class TaskTableModel;
class TimelineView;
class BatchGroupsPanel;
class UpgradeRun;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    enum class Command {
        Run, // "Continue" once the run has made progress
        Stop,
        Pause,
        Resume,
        Cancel,
        Skip,
        Rerun,
        RerunWithDependents,
        PauseAll,
        ResumeAll,
        CommandCount
    };

    explicit MainWindow(QWidget *parent = nullptr);
    // Waits for the background jobs (a demo or a report being written); the run stops in its
    // destructor.
    ~MainWindow() override;

    // Opens the run of `plan` (control store beside it); runOpened() tells how it went.
    void openPlan(const Plan &plan);
    // Opens an existing control store (the plan is read from it).
    void openState(const QString &statePath);
    // Opens the demo in `dir`, writing it first on a worker thread when dir/plan.json is
    // missing ("Creating the demo…" meanwhile).
    void openDemo(const QString &dir, qint64 inventTransRows = 1'000'000);

    // Presses Run as soon as the run is open (upgrade-cockpit --run).
    void setStartWhenOpened(bool start) { m_startWhenOpened = start; }
    // Skip and Cancel ask for confirmation; tests turn that off.
    void setConfirmDestructiveActions(bool confirm) { m_confirmDestructive = confirm; }
    // Preflight (issue 5): Run first runs the preflight and shows it when a check warns or
    // blocks; tests of other things turn that off. preflight() is Run > Preflight….
    void setPreflightBeforeRun(bool on) { m_preflightBeforeRun = on; }
    PreflightGate *preflight() const { return m_preflight; }
    // --- Issue 5 "Settings" / closing during a run (ui/appsettings.h, ui/headlessrun.h) ---
    void applySettings(const AppSettings &settings);
    // The upgradectl that "Keep running without the window" starts (default: found beside
    // this program or on the PATH; empty: that choice is disabled).
    void setHeadlessRunner(const QString &path) { m_headlessRunner = path; }

    UpgradeRun *run() const { return m_run.get(); }
    TaskTableModel *model() const { return m_model; }
    TaskFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    LogPane *logPane() const { return m_log; }
    TaskDetailsPane *detailsPane() const { return m_details; }
    TimelineView *timeline() const { return m_timeline; }
    BatchGroupsPanel *batchGroupsPanel() const { return m_groupsPanel; }
    RunSummaryBar *summaryBar() const { return m_summaryBar; }
    QAction *action(Command command) const { return m_actions[size_t(command)]; }
    QComboBox *stateFilter() const { return m_stateFilter; }
    QComboBox *phaseFilter() const { return m_phaseFilter; }
    QComboBox *groupFilter() const { return m_groupFilter; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    bool isOpen() const;
    bool isStopping() const { return m_session == Session::Stopping; }

    // Selects the grid rows of these tasks (and nothing else).
    void selectTasks(const QStringList &names);
    QStringList selectedTaskNames() const;

public slots:
    void startRun();
    void stopRun();
    // Closes without asking; a running run first stops at its next batch (the smoke test).
    void closePausingRun();

signals:
    void runOpened(bool ok, const QString &error);
    // A server refused the connection for want of a password; the prompt is open.
    void passwordRequested(const QString &server);
    void demoCreated(bool ok, const QString &error);
    // The run was released and a detached `upgradectl run --state` took it over.
    void handedOver(qint64 pid, const QString &statePath);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    bool m_layoutRestored = false; // the saved layout was applied: the first show keeps it
    struct DemoOutcome {
        std::optional<Plan> plan;
        QString error;
    };
    // What one task action would do for the current selection.
    struct ActionPlan {
        QStringList applicable;          // names it applies to (filled when asked for)
        int applicableCount = 0;
        int selectedCount = 0;
        QMap<QString, QStringList> notes;   // condition ("pauses after its next batch") -> names
        QMap<QString, QStringList> refused; // reason -> names (at most a few per reason)
        QMap<QString, int> refusedCount;
    };

    // Where the run session stands. setSession() moves it and updates the actions.
    enum class Session {
        NoRun,        // nothing opened yet, or the run was handed over to upgradectl
        CreatingDemo, // the demo is being written on a worker thread
        Opening,      // the run is opening; it stays here when that failed, until another open
        Open,         // open and idle, or dispatching on the scheduler's own (a rerun after finished())
        Starting,     // start() asked, the summary does not say dispatching yet
        Stopping,     // stop() asked, stopped() not yet received
    };

    // What closing waits for. Not a session phase: a close is asked while the demo is written
    // or while the run stops, and those phases go on meanwhile.
    enum class Closing {
        No,
        WhenIdle,            // once the demo is written or the run stopped or finished
        HandOverWhenStopped, // once stopped, the run goes to a detached upgradectl
        Now,                 // the next closeEvent() is accepted
    };

    void createActions();
    void createMenus();
    void createTaskMenu(); // the Task menu, also the grid's context menu
    void createToolBar();
    void createDocks();
    void setSession(Session session);
    void resetRun();
    void connectRun();
    void setWindowTitleFor(const QString &planTitle);
    void onOpened(bool ok, const QString &error);
    void onActionDone(const QString &task, TaskAction action, bool ok, const QString &reason);
    void onStopped();
    void onFinished();
    void onRefreshed(bool tasksChanged);
    void onDemoWritten(const DemoOutcome &outcome);
    void openPlanFile();
    void showContextMenu(const QPoint &pos);
    void copySelectedNames();

    void onSelectionChanged();
    void scheduleActionUpdate();
    void updateActions();
    void updateTaskAction(Command command, TaskAction action, const QVector<int> &rows,
                          const QString &what);
    ActionPlan planAction(TaskAction action, const QVector<int> &rows, bool withNames) const;
    void requestAction(TaskAction action, bool withDependents);
    void flushRefusals();
    QVector<int> selectedSourceRows() const;
    bool isDispatching() const;
    bool isActive() const; // dispatching or stopping: closing or opening another plan waits
    bool canStart() const;
    void showStoppingDialog(const QString &text);
    void fillGroupFilter();
    void openSettings();
    void onCloseAnswer(int choice); // CloseDuringRunQuestion::Choice
    void handOverAndClose();
    void acceptClose(QCloseEvent *event); // remembers the layout

    std::unique_ptr<UpgradeRun> m_run;
    TaskTableModel *m_model = nullptr;
    TaskFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    LogPane *m_log = nullptr;
    TaskDetailsPane *m_details = nullptr;
    TimelineView *m_timeline = nullptr;
    BatchGroupsPanel *m_groupsPanel = nullptr;
    RunSummaryBar *m_summaryBar = nullptr;
    QLineEdit *m_filterEdit = nullptr;
    QComboBox *m_stateFilter = nullptr;
    QComboBox *m_phaseFilter = nullptr;
    QComboBox *m_groupFilter = nullptr;
    QMenu *m_taskMenu = nullptr;
    PriorityActions *m_priority = nullptr; // Raise / Lower priority in the Task menu
    QAction *m_openAction = nullptr;
    std::array<QAction *, size_t(Command::CommandCount)> m_actions{};
    QPointer<QProgressDialog> m_stoppingDialog;

    FutureSynchronizer m_futures{this}; // the background jobs of this window and its dialogs
    AsyncJob m_demo{this, FutureSynchronizer::OnClose::Finish};
    QTimer m_actionUpdate; // coalesces selection changes (a drag over 10,000 rows)

    struct Refusal {
        QString task;
        TaskAction action;
        QString reason;
    };
    QVector<Refusal> m_refusals;
    QTimer m_refusalFlush;

    QString m_planTitle;
    Session m_session = Session::NoRun;
    Closing m_closing = Closing::No;
    QString m_headlessRunner;
    QPointer<QWidget> m_closeQuestion;
    std::optional<Plan> m_openingPlan; // the plan being opened, to open again with a password
    PreflightGate *m_preflight = nullptr; // issue 5
    // The booleans left are not phases: two options the caller sets (tests turn them off), a
    // one-shot request for the next open (--run), who asked for the open under way (an error
    // gets a box only then), and a cache flag.
    bool m_confirmDestructive = true;
    bool m_preflightBeforeRun = true;
    bool m_startWhenOpened = false;
    bool m_openedFromMenu = false;
    bool m_selectionDirty = false; // the log pane's task filter needs the new selection
};

} // namespace cockpit
