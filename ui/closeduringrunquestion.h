#pragma once
// What closing the window during a run asks: pause at the next batch and close (the run
// continues from there at the next Run), keep the run going without the window (a detached
// `upgradectl run --state` takes it over), or cancel. Window-modal and asynchronous: answered()
// tells the choice. GUI thread only.

#include <QMessageBox>

class QAbstractButton;

namespace cockpit {

class CloseDuringRunQuestion final : public QMessageBox {
    Q_OBJECT
public:
    enum class Choice { PauseAndClose, KeepRunning, Cancel };

    // `runner`: the upgradectl executable, empty when it was not found (Keep running is then
    // disabled and says why).
    CloseDuringRunQuestion(const QString &statePath, const QString &runner, QWidget *parent);

    QAbstractButton *button(Choice choice) const;

signals:
    void answered(cockpit::CloseDuringRunQuestion::Choice choice);

private:
    QAbstractButton *m_pause = nullptr;
    QAbstractButton *m_keep = nullptr;
    QAbstractButton *m_cancel = nullptr;
};

} // namespace cockpit
