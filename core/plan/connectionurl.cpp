#include "plan/connectionurl.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

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

// The query parameters each engine takes, in the order display() writes them. A name outside
// the list is refused: a misspelt TLS option must not connect in the clear without a word.
static QStringList knownParams(EngineKind engine)
{
    if (engine == EngineKind::PostgreSQL)
        return {QStringLiteral("schema"), QStringLiteral("sslmode"), QStringLiteral("sslrootcert"),
                QStringLiteral("sslcert"), QStringLiteral("sslkey")};
    return {QStringLiteral("ssl-ca"), QStringLiteral("ssl-cert"), QStringLiteral("ssl-key"),
            QStringLiteral("ssl-verify-server-cert")};
}

// `path` made absolute against `baseDir`. By its first character only: QFileInfo takes ":/x"
// for an (absolute) Qt resource, which a file beside the plan named ":" is not.
static QString absolutePath(const QString &path, const QString &baseDir)
{
    return QDir::cleanPath(path.startsWith(u'/') ? path : QDir(baseDir).absolutePath() + u'/' + path);
}

static bool isFileParam(const QString &name)
{
    static const QStringList files{QStringLiteral("sslrootcert"), QStringLiteral("sslcert"), QStringLiteral("sslkey"),
                                   QStringLiteral("ssl-ca"), QStringLiteral("ssl-cert"), QStringLiteral("ssl-key")};
    return files.contains(name);
}

// Checks and normalizes one parameter in place: a TLS file is made absolute (relative to
// `baseDir`, like SQLite files) and must be there, since the client libraries' own errors about
// a missing file come late and vague.
static std::optional<QString> checkParam(const QString &name, QString &value, const QString &baseDir)
{
    if (name == QLatin1String("sslmode")) {
        static const QStringList modes{QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"),
                                       QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
        if (!modes.contains(value))
            return QStringLiteral("sslmode \"%1\" is not one of %2").arg(value, modes.join(QStringLiteral(", ")));
    } else if (name == QLatin1String("ssl-verify-server-cert")) {
        const QString v = value.toLower();
        if (v == QLatin1String("true") || v == QLatin1String("1"))
            value = QStringLiteral("true");
        else if (v == QLatin1String("false") || v == QLatin1String("0"))
            value = QStringLiteral("false");
        else
            return QStringLiteral("ssl-verify-server-cert \"%1\" is not true or false").arg(value);
    } else if (isFileParam(name)) {
        if (value.isEmpty())
            return QStringLiteral("%1 names no file").arg(name);
        value = absolutePath(value, baseDir);
        // Both drivers take their options as one string cut at ';'.
        if (value.contains(u';'))
            return QStringLiteral("%1: a file name with ';' cannot be passed to the driver: %2").arg(name, value);
        const QFileInfo file(value);
        if (!file.isFile())
            return QStringLiteral("%1: no such file %2").arg(name, value);
        if (!file.isReadable())
            return QStringLiteral("%1: cannot read %2").arg(name, value);
    }
    return std::nullopt;
}

// A part of a URL as display() writes it: the characters that would cut or change it on parsing
// again (those of a query value, and `delimiters` of this part) are percent-encoded, the rest
// stays readable.
static QString urlPart(const QString &value, QStringView delimiters = {})
{
    QString out;
    for (const QChar c : value) {
        if (c == u'%' || c == u'&' || c == u'#' || c == u'=' || c == u'+' || c.isSpace() || c.unicode() < 0x20
            || c.unicode() == 0x7f || delimiters.contains(c))
            out += QString::fromLatin1(QUrl::toPercentEncoding(QString(c)));
        else
            out += c;
    }
    return out;
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
    url.path = absolutePath(rest, baseDir);
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
    url.database = qurl.path(QUrl::FullyDecoded).mid(1); // a database named "a%20b" or "x?y" is legal on MariaDB
    if (url.database.isEmpty())
        return makeError(QStringLiteral("connection URL \"%1\" names no database")
                             .arg(qurl.toDisplayString()));
    const QStringList known = knownParams(url.engine);
    for (auto [k, v] : QUrlQuery(qurl).queryItems(QUrl::FullyDecoded)) {
        if (!known.contains(k))
            return makeError(QStringLiteral("connection URL \"%1\": unknown parameter \"%2\"; a %3 URL takes %4")
                                 .arg(shown, k, toString(url.engine), known.join(QStringLiteral(", "))));
        if (url.params.contains(k))
            return makeError(QStringLiteral("connection URL \"%1\": parameter \"%2\" is given twice").arg(shown, k));
        if (const auto e = checkParam(k, v, baseDir))
            return makeError(QStringLiteral("connection URL \"%1\": %2").arg(shown, *e));
        url.params.insert(k, v);
    }
    if (url.params.value(QStringLiteral("ssl-verify-server-cert")) == QLatin1String("true")
        && !url.params.contains(QStringLiteral("ssl-ca")))
        return makeError(QStringLiteral("connection URL \"%1\": ssl-verify-server-cert needs ssl-ca, the CA "
                                        "certificate that signed the server's")
                             .arg(shown));
    return url;
}

QString ConnectionUrl::display() const
{
    if (engine == EngineKind::SQLite) { // parsing decodes a '%' and trims: display() parses back to the same file
        QString shown = QString(path).replace(u'%', QStringLiteral("%25"));
        qsizetype end = shown.size();
        while (end > 0 && shown[end - 1].isSpace())
            --end;
        return QStringLiteral("sqlite://") + shown.left(end) + urlPart(shown.mid(end));
    }
    QString s = toString(engine) + QStringLiteral("://");
    if (!user.isEmpty())
        s += urlPart(user, u"@:/?[]") + u'@';
    s += (host.contains(u':') ? u'[' + host + u']' : host) + u':' + QString::number(port) + u'/' + urlPart(database, u"?/[]");
    QChar separator = u'?';
    for (const QString &k : knownParams(engine)) {
        if (!params.contains(k))
            continue;
        s += separator + k + u'=' + urlPart(params.value(k));
        separator = u'&';
    }
    return s;
}

QString ConnectionUrl::shortName() const
{
    if (engine == EngineKind::SQLite)
        return QFileInfo(path).fileName();
    return database + u'@' + host;
}

} // namespace cockpit
