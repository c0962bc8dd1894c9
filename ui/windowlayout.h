#pragma once
// Remembers the main window's geometry, its docks and toolbars (saveState) and the grid's
// column widths, order and sort (header saveState) in QSettings under "window/", and puts
// them back at the next start. A layout saved by another version that Qt refuses is ignored
// (the defaults stay). GUI thread only.

class QHeaderView;
class QMainWindow;

namespace cockpit::windowlayout {

void save(const QMainWindow &window, const QHeaderView &gridHeader);
// True when a saved layout was applied.
bool restore(QMainWindow &window, QHeaderView &gridHeader);

} // namespace cockpit::windowlayout
