#include "e2e/clisupport.h"
#include "support/testsupport.h"

#include <QFileInfo>
#include <QProcess>
#include <stdexcept>

namespace cockpit::test {

Cli upgradectl(const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.start(QStringLiteral(UPGRADECTL_PATH), args);
    Cli r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timeout");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

qint64 copiedRows(const QString &state)
{
    if (!QFileInfo::exists(state))
        return 0;
    try { // the file exists a moment before its tables do
        return queryInt(state, QStringLiteral("SELECT coalesce(sum(rows_done), 0) FROM task WHERE kind = 'copy'"));
    } catch (const std::exception &) {
        return 0;
    }
}

} // namespace cockpit::test
