#include "ui/planfileactions.h"

#include "run/upgraderun.h"
#include "ui/mainwindow.h"
#include "ui/newupgradedialog.h"
#include "ui/recentplans.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QStatusBar>

namespace cockpit {

PlanFileActions::PlanFileActions(MainWindow *window, QAction *openAction)
    : QObject(window), m_window(window), m_openAction(openAction)
{
    m_newUpgrade = new QAction(tr("&New upgrade\u2026"), this);
    m_newUpgrade->setObjectName(QStringLiteral("actionNewUpgrade"));
    m_newUpgrade->setShortcut(QKeySequence::New);
    m_newUpgrade->setToolTip(tr("Enter a source and a target, pick the tables and save a plan"));
    connect(m_newUpgrade, &QAction::triggered, this, &PlanFileActions::newUpgrade);

    m_recent = new QMenu(tr("Open &recent"), window);
    m_recent->setObjectName(QStringLiteral("recentMenu"));
    m_recent->setToolTipsVisible(true);
    connect(m_recent, &QMenu::aboutToShow, this, &PlanFileActions::fillRecentMenu);

    m_savePlanAs = new QAction(tr("&Save plan as\u2026"), this);
    m_savePlanAs->setObjectName(QStringLiteral("actionSavePlanAs"));
    m_savePlanAs->setShortcut(QKeySequence::SaveAs);
    m_savePlanAs->setToolTip(tr("Write the open run's plan to a new file"));
    connect(m_savePlanAs, &QAction::triggered, this, &PlanFileActions::savePlanAsWithDialog);

    connect(m_openAction, &QAction::enabledChanged, this, &PlanFileActions::updateEnabled);
    connect(window, &MainWindow::runOpened, this, &PlanFileActions::updateEnabled);
    updateEnabled();
}

void PlanFileActions::updateEnabled()
{
    m_newUpgrade->setEnabled(m_openAction->isEnabled());
    m_recent->setEnabled(m_openAction->isEnabled());
    m_savePlanAs->setEnabled(m_window->isOpen());
}

NewUpgradeDialog *PlanFileActions::newUpgrade()
{
    auto *dialog = new NewUpgradeDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_window->isOpen())
        dialog->setStartingPlan(m_window->run()->plan());
    connect(dialog, &QDialog::accepted, m_window, [this, dialog] { m_window->openPlan(dialog->plan()); });
    dialog->open();
    return dialog;
}

void PlanFileActions::fillRecentMenu()
{
    m_recent->clear();
    const QStringList paths = recentplans::paths();
    int number = 0;
    for (const QString &path : paths) {
        const bool exists = QFileInfo::exists(path);
        const QString label = QStringLiteral("&%1 %2").arg(++number).arg(QDir::toNativeSeparators(path));
        QAction *a = m_recent->addAction(exists ? label : tr("%1 (missing)").arg(label));
        a->setData(path);
        a->setEnabled(exists);
        a->setToolTip(exists ? path : tr("%1 no longer exists; it leaves the list when the next plan opens").arg(path));
        connect(a, &QAction::triggered, this, [this, path] { openRecent(path); });
    }
    if (paths.isEmpty())
        m_recent->addAction(tr("No recent plans"))->setEnabled(false);
    m_recent->addSeparator();
    QAction *clear = m_recent->addAction(tr("&Clear list"), this, [] { recentplans::clear(); });
    clear->setEnabled(!paths.isEmpty());
}

void PlanFileActions::openRecent(const QString &path)
{
    if (!QFileInfo::exists(path)) {
        recentplans::remove(path);
        m_window->statusBar()->showMessage(tr("%1 no longer exists; removed from the recent plans.")
                                               .arg(QDir::toNativeSeparators(path)),
                                           8000);
        return;
    }
    auto plan = loadPlan(path);
    if (!plan) {
        QMessageBox::critical(m_window, tr("Cannot open the plan"), plan.error().message);
        return;
    }
    m_window->openPlan(*plan);
}

Status PlanFileActions::savePlanAs(const QString &path)
{
    if (!m_window->isOpen())
        return makeError(tr("no run is open: open or create a plan first"));
    Plan plan = m_window->run()->plan();
    plan.filePath = QFileInfo(path).absoluteFilePath();
    QSaveFile out(plan.filePath);
    if (!out.open(QIODevice::WriteOnly) || out.write(plan.toJson()) < 0 || !out.commit())
        return makeError(tr("cannot write %1: %2").arg(QDir::toNativeSeparators(plan.filePath), out.errorString()));
    recentplans::add(plan.filePath);
    return {};
}

void PlanFileActions::savePlanAsWithDialog()
{
    const Plan current = m_window->isOpen() ? m_window->run()->plan() : Plan{};
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save plan as"), current.filePath,
                                                      tr("Upgrade plans (*.json)"));
    if (path.isEmpty())
        return;
    if (const Status saved = savePlanAs(path); !saved)
        QMessageBox::critical(m_window, tr("Cannot save the plan"), saved.error().message);
    else
        m_window->statusBar()->showMessage(tr("Plan saved as %1").arg(QDir::toNativeSeparators(path)), 5000);
}

} // namespace cockpit
