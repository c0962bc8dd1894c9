#pragma once
// Does what an administrator does with the grid while a run goes on, by posting the input
// events a user's hands would make (they queue behind whatever the GUI thread is doing, like
// real input): scroll, page down, sort by a column header, type in the filter and clear it,
// select all, click a row. One gesture per tick. GUI thread only.

#include <QObject>
#include <QPointer>
#include <QTimer>

class QLineEdit;
class QTableView;

namespace cockpit::bench {

class UserExerciser final : public QObject {
    Q_OBJECT
public:
    UserExerciser(QTableView *grid, QLineEdit *filter, QObject *parent = nullptr);

    void start(int stepMs);
    void stop();
    int steps() const { return m_steps; }

private:
    void step();
    void click(QWidget *target, QPoint at);
    void key(QWidget *target, int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier,
             const QString &text = {});

    QPointer<QTableView> m_grid;
    QPointer<QLineEdit> m_filter;
    QTimer m_timer;
    int m_steps = 0;
};

} // namespace cockpit::bench
