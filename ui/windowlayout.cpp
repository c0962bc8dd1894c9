#include "ui/windowlayout.h"

#include <QHeaderView>
#include <QMainWindow>
#include <QSettings>

namespace cockpit::windowlayout {

namespace {

const QString kGeometry = QStringLiteral("window/geometry");
const QString kDocks = QStringLiteral("window/state");
// A new key when the grid's columns change: a header state of other columns would misplace widths.
const QString kGrid = QStringLiteral("window/gridHeader2"); // 2: the Priority column
constexpr int kLayoutVersion = 1; // bump when docks or columns change incompatibly

} // namespace

void save(const QMainWindow &window, const QHeaderView &gridHeader)
{
    QSettings settings;
    settings.setValue(kGeometry, window.saveGeometry());
    settings.setValue(kDocks, window.saveState(kLayoutVersion));
    settings.setValue(kGrid, gridHeader.saveState());
}

bool restore(QMainWindow &window, QHeaderView &gridHeader)
{
    const QSettings settings;
    if (!settings.contains(kGeometry))
        return false;
    bool applied = window.restoreGeometry(settings.value(kGeometry).toByteArray());
    applied = window.restoreState(settings.value(kDocks).toByteArray(), kLayoutVersion) && applied;
    applied = gridHeader.restoreState(settings.value(kGrid).toByteArray()) && applied;
    return applied;
}

} // namespace cockpit::windowlayout
