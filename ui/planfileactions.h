#pragma once
// The window's plan-file commands: File > New upgrade... (NewUpgradeDialog), File > Open recent
// (recentplans.h: missing files greyed out) and File > Save plan as... (the open run's plan).
// They follow the window's Open action: unavailable while a run is dispatching.

#include "util/result.h"

#include <QObject>

class QAction;
class QMenu;

namespace cockpit {

class MainWindow;
class NewUpgradeDialog;

class PlanFileActions final : public QObject {
    Q_OBJECT
public:
    PlanFileActions(MainWindow *window, QAction *openAction);

    QAction *newUpgradeAction() const { return m_newUpgrade; }
    QMenu *recentMenu() const { return m_recent; }
    QAction *savePlanAsAction() const { return m_savePlanAs; }

    // Shows the dialog (non-modal to the event loop); its saved plan is opened in the window.
    NewUpgradeDialog *newUpgrade();
    // Opens a recent plan; a file that is gone is dropped from the list.
    void openRecent(const QString &path);
    // Writes the open run's plan to `path` (relative paths made relative to its folder).
    Status savePlanAs(const QString &path);

private:
    void fillRecentMenu();
    void savePlanAsWithDialog();
    void updateEnabled();

    MainWindow *m_window;
    QAction *m_openAction;
    QAction *m_newUpgrade;
    QMenu *m_recent;
    QAction *m_savePlanAs;
};

} // namespace cockpit
