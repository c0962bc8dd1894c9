#include "ui/reportexportaction.h"

#include "report/reportwriters.h"
#include "store/statelocation.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMessageBox>
#include <QStatusBar>

namespace cockpit {

ReportExportAction::ReportExportAction(std::function<QString()> statePath, QWidget *window)
    : QAction(tr("&Export report\u2026"), window), m_statePath(std::move(statePath)), m_window(window)
{
    setObjectName(QStringLiteral("exportReportAction"));
    setStatusTip(tr("Write the run's report (HTML, CSV or JSON) to attach to the change ticket"));
    setEnabled(false); // until a run is open
    connect(this, &QAction::triggered, this, &ReportExportAction::chooseFile);
}

void ReportExportAction::chooseFile()
{
    const QString state = m_statePath();
    if (state.isEmpty() || m_dialog)
        return;
    const QFileInfo info(state);
    const QString folder = m_lastFolder.isEmpty() ? statelocation::localFolder(state) : m_lastFolder;
    m_dialog = new QFileDialog(m_window, tr("Export the run's report"), folder);
    m_dialog->setObjectName(QStringLiteral("reportExportDialog"));
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog->setAcceptMode(QFileDialog::AcceptSave);
    m_dialog->setNameFilters({tr("HTML report (*.html *.htm)"), tr("CSV, one row per task (*.csv)"),
                              tr("JSON (*.json)")});
    m_dialog->setDefaultSuffix(QStringLiteral("html"));
    m_dialog->selectFile((statelocation::isUrl(state) ? QStringLiteral("run") : info.completeBaseName())
                         + QStringLiteral("-report.html"));
    // The typed name keeps its extension; a bare name takes the chosen filter's.
    connect(m_dialog, &QFileDialog::filterSelected, m_dialog, [d = m_dialog.data()](const QString &filter) {
        d->setDefaultSuffix(filter.section(QStringLiteral("*."), 1, 1).section(u' ', 0, 0).remove(u')'));
    });
    connect(m_dialog, &QFileDialog::fileSelected, this, &ReportExportAction::exportTo);
    m_dialog->open();
}

void ReportExportAction::exportTo(const QString &file)
{
    const QString state = m_statePath();
    QString error;
    const auto format = reportFormatForFile(file);
    if (state.isEmpty())
        error = tr("no run is open");
    else if (!format)
        error = tr("%1: name the file .html, .csv or .json").arg(QDir::toNativeSeparators(file));
    else if (m_writing.isRunning())
        error = tr("a report is being written already");
    if (!error.isEmpty()) {
        QMessageBox::warning(m_window, tr("Export report"), error);
        Q_EMIT exported(file, error);
        return;
    }
    m_lastFolder = QFileInfo(file).absolutePath();
    m_writingFile = file;
    setEnabled(false);
    if (auto *w = qobject_cast<QMainWindow *>(m_window))
        w->statusBar()->showMessage(tr("Writing the report to %1\u2026").arg(QDir::toNativeSeparators(file)));
    m_writing.start([state, file, f = *format] { return writeRunReport(state, file, f); },
                    [this](const Status &st) { onWritten(st); });
}

void ReportExportAction::onWritten(const Status &st)
{
    setEnabled(true);
    const QString error = st ? QString() : st.error().message;
    if (auto *w = qobject_cast<QMainWindow *>(m_window))
        w->statusBar()->showMessage(error.isEmpty() ? tr("Report written to %1").arg(QDir::toNativeSeparators(m_writingFile))
                                                    : tr("The report was not written: %1").arg(error),
                                    10000);
    if (!error.isEmpty())
        QMessageBox::warning(m_window, tr("Export report"), tr("The report was not written: %1").arg(error));
    Q_EMIT exported(m_writingFile, error);
}

} // namespace cockpit
