#include "e2e/ownservers.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>

namespace cockpit::test {

OwnServer::OwnServer(Kind kind) : m_kind(kind)
{
    QString out;
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary folder");
        return;
    }
    if (!script({QStringLiteral("start"), m_dir.path(), kind == Postgres ? QStringLiteral("pg") : QStringLiteral("mysql")}, &out)) {
        m_error = QStringLiteral("scripts/test-servers.sh start failed: ") + out;
        return;
    }
    m_started = true;
    QFile env(m_dir.filePath(QStringLiteral("env")));
    if (!env.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("no env file");
        return;
    }
    const QString text = QString::fromUtf8(env.readAll());
    const QString urlVar = kind == Postgres ? QStringLiteral("COCKPIT_TEST_PG_URL") : QStringLiteral("COCKPIT_TEST_MYSQL_URL");
    const QString passVar = kind == Postgres ? QStringLiteral("PGPASSWORD") : QStringLiteral("MYSQL_PWD");
    m_url = QRegularExpression(QStringLiteral("export %1=(\\S+)").arg(urlVar)).match(text).captured(1);
    m_password = QRegularExpression(QStringLiteral("export %1=(\\S+)").arg(passVar)).match(text).captured(1);
    if (m_url.isEmpty())
        m_error = QStringLiteral("no URL in the env file");
    // What an administrator does: the password in the client's environment, never in a URL.
    qputenv(passVar.toUtf8().constData(), m_password.toUtf8());
}

OwnServer::~OwnServer()
{
    if (m_started)
        script({QStringLiteral("stop"), m_dir.path()});
}

bool OwnServer::script(const QStringList &args, QString *output) const
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(COCKPIT_SOURCE_DIR "/scripts/test-servers.sh"), args);
    const bool done = p.waitForFinished(120000);
    if (output)
        *output = QString::fromUtf8(p.readAll());
    return done && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool OwnServer::down()
{
    return script({QStringLiteral("down"), m_dir.path(), m_kind == Postgres ? QStringLiteral("pg") : QStringLiteral("mysql")});
}

bool OwnServer::up()
{
    return script({QStringLiteral("up"), m_dir.path(), m_kind == Postgres ? QStringLiteral("pg") : QStringLiteral("mysql")});
}

QString OwnServer::value(const QString &sql) const
{
    return client(sql, false);
}

QString OwnServer::admin(const QString &sql) const
{
    return client(sql, true);
}

void OwnServer::startAdminSession(QProcess &p, const QString &sql) const
{
    QStringList args;
    const QString program = client(sql, true, &args);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setProcessEnvironment(clientEnvironment(true));
    p.start(program, args);
    p.waitForStarted();
}

// The test user's password for its sessions; none for the superuser's (the socket lets it in,
// and MariaDB would try a password it is given).
QProcessEnvironment OwnServer::clientEnvironment(bool superuser) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString var = m_kind == Postgres ? QStringLiteral("PGPASSWORD") : QStringLiteral("MYSQL_PWD");
    if (superuser)
        env.remove(var);
    else
        env.insert(var, m_password);
    return env;
}

// Runs `sql` through the server's own command-line client; with `argsOut`, only returns the
// program and fills in its arguments.
QString OwnServer::client(const QString &sql, bool superuser, QStringList *argsOut) const
{
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("://([^@]+)@([^:]+):(\\d+)/(\\w+)")).match(m_url);
    QStringList args;
    QString program;
    if (m_kind == Postgres) {
        program = QStringLiteral("psql");
        args = {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-A"), QStringLiteral("-t"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1")};
        if (superuser)
            args << QStringLiteral("-h") << m_dir.filePath(QStringLiteral("pg-run")) << QStringLiteral("-p") << m.captured(3)
                 << QStringLiteral("-U") << QStringLiteral("postgres") << QStringLiteral("-d") << m.captured(4);
        else
            args << m_url;
        args << QStringLiteral("-c") << sql;
    } else {
        program = QStringLiteral("mariadb");
        args = {QStringLiteral("--no-defaults"), QStringLiteral("-N"), QStringLiteral("-B")};
        if (superuser)
            args << QStringLiteral("--socket=") + m_dir.filePath(QStringLiteral("mysql.sock")) << QStringLiteral("-u") << QStringLiteral("root");
        else
            args << QStringLiteral("-u") << m.captured(1) << QStringLiteral("-h") << m.captured(2) << QStringLiteral("-P") << m.captured(3);
        args << m.captured(4) << QStringLiteral("-e") << sql;
    }
    if (argsOut) {
        *argsOut = args;
        return program;
    }
    QProcess p;
    p.setProcessEnvironment(clientEnvironment(superuser));
    p.start(program, args);
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return QStringLiteral("error: ") + QString::fromUtf8(p.readAllStandardError()).trimmed();
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    return out.section(u'\n', 0, 0).section(u'\t', 0, 0).trimmed();
}

} // namespace cockpit::test
