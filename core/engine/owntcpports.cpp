#include "engine/owntcpports.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

namespace cockpit {

QSet<int> ownTcpPortsTo(int remotePort)
{
    // This process's sockets, by inode: /proc/self/fd/N -> "socket:[inode]".
    QSet<QString> inodes;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QString &fd : fds.entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)) {
        const QString target = QFileInfo(fds.filePath(fd)).symLinkTarget();
        const qsizetype open = target.indexOf(QLatin1String("socket:["));
        if (open >= 0)
            inodes.insert(target.mid(open + 8).chopped(1));
    }
    QSet<int> ports;
    // "sl local_address rem_address st ... uid timeout inode": addresses are "HEXIP:HEXPORT".
    for (const char *table : {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
        QFile f(QString::fromLatin1(table));
        if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
            continue;
        f.readLine(); // header
        while (!f.atEnd()) {
            const QStringList cols = QString::fromLatin1(f.readLine()).simplified().split(u' ');
            if (cols.size() < 10 || !inodes.contains(cols.at(9)))
                continue;
            bool okLocal = false, okRemote = false;
            const int local = cols.at(1).section(u':', -1).toInt(&okLocal, 16);
            const int remote = cols.at(2).section(u':', -1).toInt(&okRemote, 16);
            if (okLocal && okRemote && remote == remotePort)
                ports.insert(local);
        }
    }
    return ports;
}

} // namespace cockpit
