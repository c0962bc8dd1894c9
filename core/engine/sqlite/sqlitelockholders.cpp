#include "engine/sqlite/sqlitelockholders.h"

#include <QCoreApplication>
#include <QFile>
#include <QMap>
#include <QStringList>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace cockpit {

namespace {

// SQLite's lock bytes (os_unix.c): the database file's PENDING, RESERVED and SHARED bytes start
// at 0x40000000; in the -shm file, byte 120 is the WAL write lock and 128 the "connected" byte.
constexpr qint64 kPendingByte = 0x40000000;
constexpr qint64 kSharedFirst = kPendingByte + 2;
constexpr qint64 kShmWriteLock = 120;
constexpr qint64 kShmConnected = 128;

// "fe:00:11092149", as /proc/locks names a file; empty when the file does not exist.
QString lockFileId(const QString &path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return QStringLiteral("%1:%2:%3")
        .arg(major(st.st_dev), 2, 16, QLatin1Char('0'))
        .arg(minor(st.st_dev), 2, 16, QLatin1Char('0'))
        .arg(quint64(st.st_ino));
}

QString lockMeaning(bool onShm, qint64 start, bool write)
{
    if (onShm) {
        if (start == kShmConnected)
            return QStringLiteral("connected (WAL)");
        return start == kShmWriteLock ? QStringLiteral("writing") : QStringLiteral("reading");
    }
    return write || start < kSharedFirst ? QStringLiteral("writing") : QStringLiteral("reading");
}

} // namespace

QVector<SqliteLockHolder> sqliteLockHolders(const QString &dbPath)
{
    const QString dbId = lockFileId(dbPath);
    const QString shmId = lockFileId(dbPath + QStringLiteral("-shm"));
    QFile locks(QStringLiteral("/proc/locks"));
    if (dbId.isEmpty() || !locks.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    const qint64 self = QCoreApplication::applicationPid();
    QMap<qint64, QStringList> byPid;
    // "3: POSIX  ADVISORY  READ 6659 fe:00:11092210 123 123"; waiters ("->") hold nothing yet.
    for (const QByteArray &line : locks.readAll().split('\n')) {
        const QStringList f = QString::fromLatin1(line).simplified().split(u' ');
        if (f.size() < 8 || f.at(1) == QLatin1String("->"))
            continue;
        const bool onDb = f.at(5) == dbId, onShm = !shmId.isEmpty() && f.at(5) == shmId;
        const qint64 pid = f.at(4).toLongLong();
        if ((!onDb && !onShm) || pid <= 0 || pid == self)
            continue;
        const QString meaning = lockMeaning(onShm, f.at(6).toLongLong(), f.at(3) == QLatin1String("WRITE"));
        if (!byPid[pid].contains(meaning))
            byPid[pid] << meaning;
    }
    QVector<SqliteLockHolder> out;
    for (auto it = byPid.cbegin(); it != byPid.cend(); ++it) {
        QFile comm(QStringLiteral("/proc/%1/comm").arg(it.key()));
        const QString program = comm.open(QIODevice::ReadOnly) ? QString::fromUtf8(comm.readAll()).trimmed() : QString();
        QStringList meanings = it.value();
        meanings.sort();
        out << SqliteLockHolder{it.key(), program, meanings.join(QStringLiteral(", "))};
    }
    return out;
}

} // namespace cockpit
