#include "ui/recentplans.h"

#include <QFileInfo>
#include <QSettings>

namespace cockpit::recentplans {

namespace {

const QString kKey = QStringLiteral("recentPlans");

void store(const QStringList &list)
{
    QSettings settings;
    settings.setValue(kKey, list);
}

} // namespace

QStringList paths()
{
    return QSettings().value(kKey).toStringList();
}

void add(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list{absolute};
    for (const QString &p : paths())
        if (p != absolute && QFileInfo::exists(p) && list.size() < kMaxRecentPlans)
            list << p;
    store(list);
}

void remove(const QString &path)
{
    QStringList list = paths();
    list.removeAll(path);
    store(list);
}

void clear()
{
    store({});
}

} // namespace cockpit::recentplans
