#include "ui/preflightgate.h"

#include "run/preflight.h"
#include "ui/preflightdialog.h"

#include <QWidget>

namespace cockpit {

PreflightGate::PreflightGate(QWidget *window) : QObject(window), m_window(window) {}

void PreflightGate::beforeStart(const Plan &plan)
{
    if (isBusy())
        return;
    m_plan = plan;
    m_checks.start(
        [plan]() -> std::optional<PreflightReport> {
            auto r = runPreflight(plan);
            return r ? std::optional<PreflightReport>(*r) : std::nullopt;
        },
        [this](std::optional<PreflightReport> report) { onChecked(std::move(report)); });
}

void PreflightGate::onChecked(std::optional<PreflightReport> report)
{
    if (report && report->idsWith(CheckStatus::Ok).size() == report->checks.size())
        emit cleared();
    else // something to read, or the preflight itself failed: the dialog says which
        showDialog(m_plan, std::move(report));
}

void PreflightGate::showDialog(const Plan &plan, std::optional<PreflightReport> known)
{
    if (m_dialog) {
        m_dialog->raise();
        return;
    }
    m_dialog = new PreflightDialog(plan, std::move(known), m_window);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, &PreflightGate::cleared);
    m_dialog->open();
}

} // namespace cockpit
