#include "tasks/rejectfile.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QRegularExpression>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace cockpit {

namespace {

const QByteArray kHeader = "table,key,column,value,reason\n";

QByteArray csvField(const QString &text)
{
    QByteArray f = text.toUtf8();
    if (f.contains(',') || f.contains('"') || f.contains('\n') || f.contains('\r')) {
        f.replace("\"", "\"\"");
        f = '"' + f + '"';
    }
    return f;
}

QString osError() { return QString::fromLocal8Bit(std::strerror(errno)); }

// Writes all of `data` to `fd` and fsyncs it.
Status writeAll(int fd, const QByteArray &data, const QString &path)
{
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return makeError(QStringLiteral("writing the reject file %1 failed: %2").arg(path, osError()));
        done += n;
    }
    if (::fsync(fd) != 0)
        return makeError(QStringLiteral("syncing the reject file %1 failed: %2").arg(path, osError()));
    return {};
}

} // namespace

QString RejectFile::pathFor(const QString &dir, const QString &table)
{
    QString name = table;
    name.replace(QRegularExpression(QStringLiteral("[/\\\\:*?\"<>|]")), QStringLiteral("_"));
    return QDir(dir).absoluteFilePath(name + QStringLiteral(".rejects.csv"));
}

std::shared_ptr<RejectFile> RejectFile::open(const QString &dir, const QString &table)
{
    static QMutex registryMutex;
    static QHash<QString, std::weak_ptr<RejectFile>> registry;
    const QString path = pathFor(dir, table);
    QMutexLocker lock(&registryMutex);
    if (auto existing = registry.value(path).lock())
        return existing;
    std::shared_ptr<RejectFile> file(new RejectFile(path, table));
    registry.insert(path, file);
    return file;
}

Result<std::vector<RejectFile::Line>> RejectFile::readLines() const
{
    std::vector<Line> lines;
    QFile f(m_path);
    if (!f.exists())
        return lines;
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read the reject file %1: %2").arg(m_path, f.errorString()));
    const QByteArray all = f.readAll();
    // Records end at a newline outside quotes; the key is the second field (never quoted).
    qsizetype start = all.startsWith(kHeader) ? kHeader.size() : 0;
    bool quoted = false;
    int field = 0;
    qsizetype keyStart = -1, keyEnd = -1;
    for (qsizetype i = start; i < all.size(); ++i) {
        const char c = all[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == ',') {
            ++field;
            if (field == 1)
                keyStart = i + 1;
            else if (field == 2)
                keyEnd = i;
        } else if (!quoted && c == '\n') {
            bool ok = false;
            const qint64 key = keyStart >= 0 && keyEnd > keyStart ? all.mid(keyStart, keyEnd - keyStart).toLongLong(&ok) : 0;
            if (!ok)
                return makeError(QStringLiteral("the reject file %1 is damaged near byte %2").arg(m_path).arg(start));
            lines.push_back(Line{key, all.mid(start, i + 1 - start)});
            start = i + 1;
            field = 0;
            keyStart = keyEnd = -1;
        }
    }
    // A partial last record (a write cut short by a kill) is dropped with the uncommitted lines.
    return lines;
}

Result<qint64> RejectFile::startCopy(bool keyed, qint64 keyLo, qint64 afterKey, qint64 keyHi)
{
    QMutexLocker lock(&m_mutex);
    auto lines = readLines();
    if (!lines)
        return lines.error();
    QByteArray kept = kHeader;
    qint64 committed = 0, keptLines = 0;
    bool dropped = false;
    for (const auto &l : *lines) {
        if (!keyed || (l.key > afterKey && l.key <= keyHi)) {
            dropped = true;
            continue;
        }
        if (l.key >= keyLo && l.key <= afterKey)
            ++committed;
        kept += l.text;
        ++keptLines;
    }
    m_count = keptLines;
    QFile existing(m_path);
    if (!dropped && (!existing.exists() || existing.size() == kept.size()))
        return committed;
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath()))
        return makeError(QStringLiteral("cannot create the folder of the reject file %1").arg(m_path));
    // Replaced whole: written beside it, synced, renamed over it.
    const QString temp = m_path + QStringLiteral(".tmp");
    const int fd = ::open(QFile::encodeName(temp).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return makeError(QStringLiteral("cannot write %1: %2").arg(temp, osError()));
    const Status st = writeAll(fd, kept, temp);
    ::close(fd);
    if (!st)
        return st.error();
    if (::rename(QFile::encodeName(temp).constData(), QFile::encodeName(m_path).constData()) != 0)
        return makeError(QStringLiteral("cannot replace the reject file %1: %2").arg(m_path, osError()));
    return committed;
}

Result<qint64> RejectFile::append(const std::vector<RejectedValue> &rejects, const QStringList &columnNames)
{
    QMutexLocker lock(&m_mutex);
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath()))
        return makeError(QStringLiteral("cannot create the folder of the reject file %1").arg(m_path));
    const int fd = ::open(QFile::encodeName(m_path).constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return makeError(QStringLiteral("cannot write the reject file %1: %2").arg(m_path, osError()));
    QByteArray data;
    if (::lseek(fd, 0, SEEK_END) == 0)
        data = kHeader;
    for (const auto &r : rejects)
        data += csvField(m_table) + ',' + QByteArray::number(r.key) + ',' + csvField(columnNames.value(r.column)) + ','
                + csvField(r.value) + ',' + csvField(r.reason) + '\n';
    const Status st = writeAll(fd, data, m_path);
    ::close(fd);
    if (!st)
        return st.error();
    if (m_count < 0) {
        auto lines = readLines();
        if (!lines)
            return lines.error();
        m_count = qint64(lines->size());
    } else {
        m_count += qint64(rejects.size());
    }
    return m_count;
}

Result<qint64> RejectFile::count()
{
    QMutexLocker lock(&m_mutex);
    auto lines = readLines();
    if (!lines)
        return lines.error();
    return qint64(lines->size());
}

} // namespace cockpit
