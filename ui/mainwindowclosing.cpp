// Closing the window: during a run it asks (ui/closeduringrunquestion.h) whether to stop at
// the next batch or hand the run over to a detached upgradectl, then closes once that is done.
#include "ui/mainwindow.h"

#include "run/upgraderun.h"
#include "store/statelocation.h"
#include "ui/closeduringrunquestion.h"
#include "ui/headlessrun.h"
#include "ui/logpane.h"
#include "ui/tasktablemodel.h"
#include "ui/windowlayout.h"

#include <QCloseEvent>
#include <QDir>
#include <QHeaderView>
#include <QProgressDialog>
#include <QStatusBar>
#include <QTableView>
#include <cstdio>

namespace cockpit {

void MainWindow::showStoppingDialog(const QString &text)
{
    if (m_stoppingDialog)
        return;
    auto *dialog = new QProgressDialog(text, tr("Close now"), 0, 0, this);
    dialog->setObjectName(QStringLiteral("stoppingDialog"));
    dialog->setWindowTitle(tr("Closing"));
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setMinimumDuration(0);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    connect(dialog, &QProgressDialog::canceled, this, [this] {
        // The run's destructor interrupts at a safe point; the store keeps the checkpoints.
        // A hand-over still happens: handOverAndClose() releases the run first.
        if (m_closing == Closing::HandOverWhenStopped) {
            handOverAndClose();
            return;
        }
        m_closing = Closing::Now;
        close();
    });
    m_stoppingDialog = dialog;
    dialog->show();
}

void MainWindow::closePausingRun()
{
    onCloseAnswer(int(CloseDuringRunQuestion::Choice::PauseAndClose));
}

void MainWindow::onCloseAnswer(int choice)
{
    using Choice = CloseDuringRunQuestion::Choice;
    if (Choice(choice) == Choice::Cancel)
        return;
    m_closing = Choice(choice) == Choice::KeepRunning ? Closing::HandOverWhenStopped : Closing::WhenIdle;
    if (!m_run || !isActive()) {
        // The run stopped or finished while the question was open: nothing to pause or hand over.
        m_closing = Closing::Now;
        close();
        return;
    }
    stopRun();
    showStoppingDialog(m_closing == Closing::HandOverWhenStopped
        ? tr("Handing the run over to upgradectl\u2026\nThis window stops dispatching; executing "
             "bulk copies commit their current batch, then upgradectl continues from there.")
        : tr("Stopping at the next batch\u2026\nExecuting bulk copies commit their current batch; "
             "the next start continues from there."));
}

void MainWindow::handOverAndClose()
{
    // Release the run (the owner lease and the store) before the headless run claims it.
    const QString statePath = m_run->plan().statePath;
    m_model->setRun(nullptr);
    m_run.reset();
    setSession(Session::NoRun);
    const headlessrun::Started started = headlessrun::start(m_headlessRunner, statePath);
    if (!started.error.isEmpty()) {
        // Nothing is lost: the run is stopped in its store. Stay open on it.
        m_closing = Closing::No;
        if (m_stoppingDialog)
            m_stoppingDialog->deleteLater();
        openState(statePath);
        m_log->addLine({}, LogLevel::Error, tr("Keep running without the window: %1").arg(started.error));
        statusBar()->showMessage(tr("Could not hand the run over (%1); it is stopped, Continue resumes it.")
                                     .arg(started.error));
        return;
    }
    const QString where = tr("The run continues in upgradectl (pid %1). Follow it with: upgradectl "
                             "status --state %2 (output in %3)")
                              .arg(started.pid)
                              .arg(statelocation::display(statePath), QDir::toNativeSeparators(started.logPath));
    std::fprintf(stderr, "upgrade-cockpit: %s\n", qPrintable(where));
    emit handedOver(started.pid, statePath);
    m_closing = Closing::Now;
    close();
}

void MainWindow::acceptClose(QCloseEvent *event)
{
    windowlayout::save(*this, *m_view->horizontalHeader());
    event->accept();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_closing == Closing::Now) {
        acceptClose(event);
        return;
    }
    if (m_session == Session::CreatingDemo) {
        m_closing = Closing::WhenIdle;
        statusBar()->showMessage(tr("Closing when the demo is written\u2026"));
        event->ignore();
        return;
    }
    if (m_run && isActive()) {
        event->ignore();
        if (m_closing != Closing::No) // already answered: stopping
            return;
        if (m_closeQuestion) {
            m_closeQuestion->raise();
            return;
        }
        auto *question = new CloseDuringRunQuestion(m_run->plan().statePath, m_headlessRunner, this);
        question->setAttribute(Qt::WA_DeleteOnClose);
        connect(question, &CloseDuringRunQuestion::answered, this,
                [this](CloseDuringRunQuestion::Choice choice) { onCloseAnswer(int(choice)); });
        m_closeQuestion = question;
        question->open();
        return;
    }
    acceptClose(event);
}

} // namespace cockpit
