#include "run/preflightreport.h"

namespace cockpit {

QString toString(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Ok: return QStringLiteral("ok");
    case CheckStatus::Warning: return QStringLiteral("warning");
    case CheckStatus::Blocker: return QStringLiteral("blocker");
    }
    return QStringLiteral("?");
}

const PreflightCheck *PreflightReport::find(const QString &id) const
{
    for (const auto &c : checks)
        if (c.id == id)
            return &c;
    return nullptr;
}

QStringList PreflightReport::idsWith(CheckStatus status) const
{
    QStringList ids;
    for (const auto &c : checks)
        if (c.status == status)
            ids << c.id;
    return ids;
}

QString PreflightReport::toText() const
{
    QString out;
    for (const auto &c : checks) {
        out += QStringLiteral("[%1] %2 (%3)\n").arg(toString(c.status).toUpper(), -7).arg(c.title, c.id);
        for (const QString &line : c.details)
            out += QStringLiteral("          ") + line + u'\n';
    }
    return out;
}

} // namespace cockpit
