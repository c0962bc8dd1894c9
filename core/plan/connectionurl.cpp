#include "plan/connectionurl.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>
#include <QUrlQuery>

namespace cockpit {

QString toString(EngineKind kind)
{
    switch (kind) {
    case EngineKind::SQLite: return QStringLiteral("sqlite");
    case EngineKind::PostgreSQL: return QStringLiteral("postgresql");
    case EngineKind::MySQL: return QStringLiteral("mysql");
    }
    return {};
}

QString displayName(EngineKind kind)
{
    switch (kind) {
    case EngineKind::SQLite: return QStringLiteral("SQLite");
    case EngineKind::PostgreSQL: return QStringLiteral("PostgreSQL");
    case EngineKind::MySQL: return QStringLiteral("MariaDB");
    }
    return {};
}

// `text` with the password of its user info (user:password@host) taken out: the URL is repeated
// in error messages, which reach the terminal, the log and the window.
static QString withoutPassword(const QString &text)
{
    const qsizetype scheme = text.indexOf(QLatin1String("://"));
    const qsizetype start = scheme >= 0 ? scheme + 3 : 0;
    const qsizetype at = text.indexOf(u'@', start);
    const qsizetype slash = text.indexOf(u'/', start);
    const qsizetype colon = text.indexOf(u':', start);
    if (at < 0 || (slash >= 0 && slash < at) || colon < 0 || colon > at)
        return text;
    return text.left(colon) + text.mid(at);
}

static Result<ConnectionUrl> parseSqlite(QString rest, const QString &baseDir, const QString &text)
{
    // rest is what follows "sqlite:". "//" introduces an (empty or localhost) authority.
    if (rest.startsWith(QLatin1String("//"))) {
        rest = rest.mid(2);
        if (rest.startsWith(QLatin1String("localhost/")))
            rest = rest.mid(9);
        else if (!rest.startsWith(u'/'))
            return makeError(QStringLiteral("SQLite URL \"%1\": expected sqlite:///absolute/path "
                                            "or sqlite:relative/path")
                                 .arg(text));
    }
    if (rest.size() >= 2 && ((rest.startsWith(u'"') && rest.endsWith(u'"'))
                             || (rest.startsWith(u'\'') && rest.endsWith(u'\''))))
        rest = rest.mid(1, rest.size() - 2);
    else
        rest = QUrl::fromPercentEncoding(rest.toUtf8());
    if (rest.isEmpty())
        return makeError(QStringLiteral("SQLite URL \"%1\" names no file").arg(text));
    ConnectionUrl url;
    url.engine = EngineKind::SQLite;
    url.path = QDir::cleanPath(QFileInfo(rest).isAbsolute() ? rest
                                                             : QDir(baseDir).absoluteFilePath(rest));
    return url;
}

Result<ConnectionUrl> ConnectionUrl::parse(const QString &input, const QString &baseDir)
{
    const QString text = input.trimmed();
    const QString shown = withoutPassword(text);
    const int colon = text.indexOf(u':');
    if (colon <= 0)
        return makeError(QStringLiteral("connection URL \"%1\" has no scheme; expected sqlite:, "
                                        "postgresql:// or mysql://")
                             .arg(shown));
    const QString scheme = text.left(colon).toLower();
    if (scheme == QLatin1String("sqlite"))
        return parseSqlite(text.mid(colon + 1), baseDir, shown);

    ConnectionUrl url;
    if (scheme == QLatin1String("postgresql") || scheme == QLatin1String("postgres"))
        url.engine = EngineKind::PostgreSQL;
    else if (scheme == QLatin1String("mysql") || scheme == QLatin1String("mariadb"))
        url.engine = EngineKind::MySQL;
    else
        return makeError(QStringLiteral("connection URL \"%1\": unknown scheme \"%2\"; expected "
                                        "sqlite, postgresql or mysql")
                             .arg(shown, scheme));
    const QUrl qurl(text, QUrl::StrictMode);
    if (!qurl.isValid())
        return makeError(QStringLiteral("connection URL \"%1\" is malformed: %2")
                             .arg(shown, qurl.errorString().section(QLatin1String("; source was"), 0, 0)));
    if (!qurl.password().isEmpty())
        return makeError(QStringLiteral("connection URL \"%1\" contains a password; passwords "
                                        "never go in a URL or a plan: use PGPASSWORD, ~/.pgpass "
                                        "or MYSQL_PWD")
                             .arg(qurl.toDisplayString(QUrl::RemovePassword)));
    url.host = qurl.host().isEmpty() ? QStringLiteral("localhost") : qurl.host();
    url.port = qurl.port(url.engine == EngineKind::PostgreSQL ? 5432 : 3306);
    url.user = qurl.userName();
    url.database = qurl.path().mid(1);
    if (url.database.isEmpty())
        return makeError(QStringLiteral("connection URL \"%1\" names no database")
                             .arg(qurl.toDisplayString()));
    for (const auto &[k, v] : QUrlQuery(qurl).queryItems(QUrl::FullyDecoded))
        url.params.insert(k, v);
    return url;
}

QString ConnectionUrl::display() const
{
    if (engine == EngineKind::SQLite)
        return QStringLiteral("sqlite://") + path;
    QString s = toString(engine) + QStringLiteral("://");
    if (!user.isEmpty())
        s += user + u'@';
    s += host + u':' + QString::number(port) + u'/' + database;
    if (params.contains(QStringLiteral("schema")))
        s += QStringLiteral("?schema=") + params.value(QStringLiteral("schema"));
    return s;
}

QString ConnectionUrl::shortName() const
{
    if (engine == EngineKind::SQLite)
        return QFileInfo(path).fileName();
    return database + u'@' + host;
}

} // namespace cockpit
