#include "ui/headlessrun.h"

#include "store/statelocation.h"

#include <QDir>
#include <QFileInfo>
#include <QCoreApplication>
#include <QProcess>
#include <QStandardPaths>

namespace cockpit::headlessrun {

QString findRunner()
{
    const QString name = QStringLiteral("upgradectl");
    const QString beside = QStandardPaths::findExecutable(name, {QCoreApplication::applicationDirPath()});
    return beside.isEmpty() ? QStandardPaths::findExecutable(name) : beside;
}

Started start(const QString &runner, const QString &statePath)
{
    Started started;
    started.logPath = statelocation::headlessLogFile(statePath);
    QDir().mkpath(QFileInfo(started.logPath).absolutePath());
    QProcess process;
    process.setProgram(runner);
    process.setArguments({QStringLiteral("run"), QStringLiteral("--state"), statePath,
                          QStringLiteral("--quiet")});
    process.setStandardOutputFile(started.logPath, QIODevice::Append);
    process.setStandardErrorFile(started.logPath, QIODevice::Append);
    if (!process.startDetached(&started.pid))
        started.error = QCoreApplication::translate("headlessrun", "could not start %1: %2")
                            .arg(runner, process.errorString());
    return started;
}

} // namespace cockpit::headlessrun
