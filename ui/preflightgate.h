#pragma once
// The preflight between the window's Run and the run starting: the checks run in the
// background, the run starts at once when every check is OK, and the PreflightDialog opens when
// one warns or blocks (Start, or Start anyway with a logged override, lets it through).

#include "plan/plan.h"
#include "run/preflightreport.h"
#include "ui/asyncjob.h"
#include "ui/preflightdialog.h"

#include <QObject>
#include <QPointer>
#include <optional>

namespace cockpit {

class PreflightGate final : public QObject {
    Q_OBJECT
public:
    explicit PreflightGate(QWidget *window);

    // Run: cleared() right away when every check is OK, else the dialog decides.
    void beforeStart(const Plan &plan);
    // Run > Preflight…: the dialog in any case; its Start clears too.
    void showDialog(const Plan &plan, std::optional<PreflightReport> known = std::nullopt);
    // Checking in the background or the dialog open: another Run waits for this one.
    bool isBusy() const { return m_checks.isRunning() || m_dialog; }
    PreflightDialog *dialog() const { return m_dialog; }

signals:
    void cleared(); // start the run now

private:
    void onChecked(std::optional<PreflightReport> report);

    QWidget *m_window;
    Plan m_plan;
    AsyncJob m_checks{this};
    QPointer<PreflightDialog> m_dialog;
};

} // namespace cockpit
