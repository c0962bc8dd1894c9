#pragma once
// The preflight before Run (run/preflight.h): every check with an icon and its word (OK,
// Warning, Blocker: never color alone) and its details. "Start" while nothing blocks; with
// Blockers, "Start anyway" only once the administrator ticked the confirmation and gave a
// reason, which is logged with the run before the dialog accepts. The checks and the logging
// run on worker threads; this dialog only shows and asks.

#include "plan/plan.h"
#include "run/preflightreport.h"
#include "ui/asyncjob.h"

#include <QDialog>
#include <optional>

class QCheckBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace cockpit {

class PreflightDialog final : public QDialog {
    Q_OBJECT
public:
    // Shows `known` when given (a preflight the caller already ran), else runs the checks.
    explicit PreflightDialog(const Plan &plan, std::optional<PreflightReport> known = std::nullopt,
                             QWidget *parent = nullptr);
    ~PreflightDialog() override;

    void runChecks(); // "Run again"
    bool isChecking() const { return m_checking; }
    const std::optional<PreflightReport> &report() const { return m_report; }
    // The override recorded by "Start anyway" (after accept()).
    const std::optional<PreflightOverride> &overrideDecision() const { return m_override; }

    QTreeWidget *checkList() const { return m_list; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *startAnywayButton() const { return m_startAnyway; }
    QPushButton *runAgainButton() const { return m_runAgain; }
    QCheckBox *confirmBox() const { return m_confirm; }
    QLineEdit *whoEdit() const { return m_who; }
    QLineEdit *reasonEdit() const { return m_reason; }

    static constexpr int CheckIdRole = Qt::UserRole + 1; // on each check's top-level item

signals:
    void checksDone(); // the list shows a fresh report (or why there is none)

private:
    struct Outcome {
        std::optional<PreflightReport> report;
        QString error;
    };
    void showOutcome(const Outcome &outcome);
    void startAnyway();
    void onOverrideRecorded(const QString &error);
    void updateButtons();

    Plan m_plan;
    std::optional<PreflightReport> m_report;
    std::optional<PreflightOverride> m_override;
    AsyncJob m_checks{this};
    AsyncJob m_recording{this, FutureSynchronizer::OnClose::Finish};
    bool m_checking = false;  // until the checks' result is shown
    bool m_recordingOverride = false;

    QLabel *m_summary = nullptr;
    QProgressBar *m_busy = nullptr;
    QTreeWidget *m_list = nullptr;
    QGroupBox *m_overrideBox = nullptr;
    QCheckBox *m_confirm = nullptr;
    QLineEdit *m_who = nullptr;
    QLineEdit *m_reason = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_runAgain = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_startAnyway = nullptr;
};

} // namespace cockpit
