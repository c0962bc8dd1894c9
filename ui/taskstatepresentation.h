#pragma once
// How a task state looks in the window: a translated label, an icon whose *shape* tells the
// state apart (administrators print screenshots in grey and some cannot tell red from green),
// and a colour that only reinforces the shape. GUI thread only (icons are QPixmap-backed).

#include "tasks/taskrules.h"
#include "tasks/taskstate.h"

#include <QColor>
#include <QCoreApplication>
#include <QIcon>
#include <QString>

namespace cockpit {

class TaskStatePresentation final {
    Q_DECLARE_TR_FUNCTIONS(TaskStatePresentation)
public:
    TaskStatePresentation() = delete;

    static QString label(TaskState state);       // "Waiting", translated
    static QString description(TaskState state); // one sentence for tooltips, translated
    static QIcon icon(TaskState state);          // cached; vector-painted at any size
    static QColor color(TaskState state);        // the icon's colour, also for charts
    static QColor stalledColor();                // an Executing task the stall watchdog flagged
    static QString stalledLabel();               // "Executing (stalled)": the grid's widest state

    static QString actionLabel(TaskAction action); // "Pause", translated
};

} // namespace cockpit
