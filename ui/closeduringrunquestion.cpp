#include "ui/closeduringrunquestion.h"

#include "store/statelocation.h"
#include <QDir>
#include <QPushButton>

namespace cockpit {

CloseDuringRunQuestion::CloseDuringRunQuestion(const QString &statePath, const QString &runner,
                                               QWidget *parent)
    : QMessageBox(QMessageBox::Question, tr("Close during the run"),
                  tr("The upgrade is running. What should happen to it?"), QMessageBox::NoButton,
                  parent)
{
    setObjectName(QStringLiteral("closeDuringRunQuestion"));
    setWindowModality(Qt::WindowModal);
    const QString state = statelocation::display(statePath);
    setInformativeText(
        tr("<b>Pause at the next batch and close</b>: executing bulk copies commit their current "
           "batch; Run (or <code>upgradectl run --state %1</code>) continues from there.<br><br>"
           "<b>Keep running without the window</b>: this window stops dispatching at the next "
           "batch and <code>upgradectl</code> takes the run over in the background. Follow it "
           "with <code>upgradectl status --state %1</code> or by opening the state file here.")
            .arg(state.toHtmlEscaped()));

    m_pause = addButton(tr("Pause at the next batch and close"), QMessageBox::AcceptRole);
    m_pause->setObjectName(QStringLiteral("pauseAndClose"));
    m_keep = addButton(tr("Keep running without the window"), QMessageBox::AcceptRole);
    m_keep->setObjectName(QStringLiteral("keepRunning"));
    if (runner.isEmpty()) {
        m_keep->setEnabled(false);
        m_keep->setToolTip(tr("upgradectl was not found next to this program or on the PATH."));
    } else {
        m_keep->setToolTip(QDir::toNativeSeparators(runner));
    }
    m_cancel = addButton(QMessageBox::Cancel);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    setDefaultButton(qobject_cast<QPushButton *>(m_pause));
    setEscapeButton(m_cancel);

    connect(this, &QMessageBox::buttonClicked, this, [this](QAbstractButton *clicked) {
        emit answered(clicked == m_pause ? Choice::PauseAndClose
                      : clicked == m_keep ? Choice::KeepRunning
                                          : Choice::Cancel);
    });
}

QAbstractButton *CloseDuringRunQuestion::button(Choice choice) const
{
    switch (choice) {
    case Choice::PauseAndClose: return m_pause;
    case Choice::KeepRunning: return m_keep;
    case Choice::Cancel: return m_cancel;
    }
    return nullptr;
}

} // namespace cockpit
