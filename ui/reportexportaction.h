#pragma once
// File > "Export report…": asks for a file (the format follows its extension: .html, .csv,
// .json) and writes the report of the open run's state file there (core/report/). The state
// file is read and the report written on a worker thread, so a 10,000-task run does not stall
// the window; the outcome shows in the main window's status bar (an error also in a box).

#include <QAction>
#include <QFileDialog>
#include <QPointer>
#include <functional>

#include "ui/asyncjob.h"
#include "util/result.h"

namespace cockpit {

class ReportExportAction final : public QAction {
    Q_OBJECT
public:
    // `statePath` gives the open run's state file ("" when no run is open); `window` parents
    // the dialogs and shows the outcome in its status bar.
    // A report being written when the window closes is finished first (its synchronizer).
    ReportExportAction(std::function<QString()> statePath, QWidget *window);

    // Writes the report of the open run to `file` (format by extension) in the background.
    void exportTo(const QString &file);
    // The file dialog while it is open (tests fill it in), else null.
    QFileDialog *dialog() const { return m_dialog; }

signals:
    // After exportTo(): `error` is empty when `file` was written.
    void exported(const QString &file, const QString &error);

private:
    void chooseFile();
    void onWritten(const Status &st);

    std::function<QString()> m_statePath;
    QWidget *m_window = nullptr;
    QPointer<QFileDialog> m_dialog;
    AsyncJob m_writing{this, FutureSynchronizer::OnClose::Finish};
    QString m_writingFile;
    QString m_lastFolder;
};

} // namespace cockpit
