#include "userexerciser.h"

#include "ui/tasktablemodel.h"

#include <QCoreApplication>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMouseEvent>
#include <QScrollBar>
#include <QTableView>
#include <QWheelEvent>

namespace cockpit::bench {

namespace {

// The columns a user sorts by, in turn.
constexpr int kSortColumns[] = {TaskTableModel::StateColumn, TaskTableModel::ProgressColumn,
                                TaskTableModel::TimeColumn, TaskTableModel::TaskColumn};
const QString kFilterText = QStringLiteral("copy:T0");

} // namespace

UserExerciser::UserExerciser(QTableView *grid, QLineEdit *filter, QObject *parent)
    : QObject(parent), m_grid(grid), m_filter(filter)
{
    connect(&m_timer, &QTimer::timeout, this, &UserExerciser::step);
}

void UserExerciser::start(int stepMs)
{
    m_timer.start(stepMs);
}

void UserExerciser::stop()
{
    m_timer.stop();
}

void UserExerciser::click(QWidget *target, QPoint at)
{
    const QPointF local(at);
    const QPointF global(target->mapToGlobal(at));
    QCoreApplication::postEvent(target, new QMouseEvent(QEvent::MouseButtonPress, local, global,
                                                        Qt::LeftButton, Qt::LeftButton,
                                                        Qt::NoModifier));
    QCoreApplication::postEvent(target, new QMouseEvent(QEvent::MouseButtonRelease, local, global,
                                                        Qt::LeftButton, Qt::NoButton,
                                                        Qt::NoModifier));
}

void UserExerciser::key(QWidget *target, int key, Qt::KeyboardModifiers modifiers,
                        const QString &text)
{
    QCoreApplication::postEvent(target, new QKeyEvent(QEvent::KeyPress, key, modifiers, text));
    QCoreApplication::postEvent(target, new QKeyEvent(QEvent::KeyRelease, key, modifiers, text));
}

void UserExerciser::step()
{
    if (!m_grid || !m_filter)
        return;
    // One gesture per tick, as a quick user makes them: a wheel flick, a key, a click, one
    // typed character.
    QWidget *viewport = m_grid->viewport();
    QHeaderView *header = m_grid->horizontalHeader();
    const int typed = int(kFilterText.size());
    const int cycle = 10 + 2 * typed;
    const int phase = m_steps % cycle;
    if (phase < 2) { // scroll down with the wheel, three notches
        for (int i = 0; i < 3; ++i) {
            const QPointF at(viewport->width() / 2.0, viewport->height() / 2.0);
            QCoreApplication::postEvent(
                viewport, new QWheelEvent(at, viewport->mapToGlobal(at), QPoint(), QPoint(0, -120),
                                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false));
        }
    } else if (phase == 2) {
        key(m_grid, Qt::Key_PageDown);
    } else if (phase == 3) { // sort by a column: click its header
        const int column = kSortColumns[(m_steps / cycle) % std::size(kSortColumns)];
        const int x = header->sectionViewportPosition(column) + header->sectionSize(column) / 2;
        click(header->viewport(), QPoint(x, header->height() / 2));
    } else if (phase < 4 + typed) { // type in the filter, a character at a time
        const QChar c = kFilterText[phase - 4];
        key(m_filter, c.isDigit() ? Qt::Key_0 + c.digitValue() : c.toUpper().unicode(),
            Qt::NoModifier, QString(c));
    } else if (phase == 4 + typed) {
        key(m_grid, Qt::Key_End, Qt::ControlModifier);
    } else if (phase < 5 + 2 * typed) { // clear the filter again
        key(m_filter, Qt::Key_Backspace);
    } else if (phase == 5 + 2 * typed) { // select all
        key(m_grid, Qt::Key_A, Qt::ControlModifier, QStringLiteral("\x01"));
    } else if (phase == 6 + 2 * typed) {
        key(m_grid, Qt::Key_PageUp);
    } else if (phase == 7 + 2 * typed) { // click a row: selects that one task
        click(viewport, QPoint(viewport->width() / 3, m_grid->rowHeight(0) * 3 / 2));
    } else if (phase == 8 + 2 * typed) {
        key(m_grid, Qt::Key_Down, Qt::ShiftModifier);
    } else {
        key(m_grid, Qt::Key_Home, Qt::ControlModifier);
    }
    ++m_steps;
}

} // namespace cockpit::bench
