// TLS in connection URLs: the parameters are checked when a URL is read, and connections to the
// test servers (scripts/test-servers.sh gives both a certificate signed by a CA of its own,
// COCKPIT_TEST_CA) are encrypted and verified, or refused with a message that says why.

#include "demo/demogenerator.h"
#include "engine/dbconnection.h"
#include "log/logging.h" // str()
#include "support/testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>
#include <gtest/gtest.h>
#include <mysql.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

QString parseError(const QString &url, const QString &baseDir = QStringLiteral("/"))
{
    auto parsed = ConnectionUrl::parse(url, baseDir);
    return parsed.ok() ? QString() : parsed.error().message;
}

// A CA of the test's own, which signed nothing the servers have.
QString makeWrongCa(const QTemporaryDir &dir)
{
    QProcess openssl;
    openssl.setWorkingDirectory(dir.path());
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=Wrong CA"),
                   QStringLiteral("-keyout"), QStringLiteral("wrong.key"), QStringLiteral("-out"), QStringLiteral("wrong.crt")});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
        return {};
    return dir.filePath(QStringLiteral("wrong.crt"));
}

// The test server's URL (from `var`) on `host`, with `query` (TLS parameters) added.
QString serverUrl(const char *var, const QString &host, const QString &query)
{
    QUrl u(qEnvironmentVariable(var));
    u.setHost(host);
    return u.toString() + u'?' + query;
}

Result<std::unique_ptr<DbConnection>> openUrl(const QString &text)
{
    auto url = ConnectionUrl::parse(text, QDir::currentPath());
    if (!url.ok())
        return url.error();
    return DbConnection::open(*url, DbConnection::Mode::ReadWrite);
}

QString firstValue(DbConnection &c, const QString &sql, int column = 0)
{
    QSqlQuery q(c.db());
    if (!q.exec(sql) || !q.next())
        return QStringLiteral("error: ") + sql;
    return q.value(column).toString();
}

class Tls : public ::testing::Test {
protected:
    void SetUp() override
    {
        ca = qEnvironmentVariable("COCKPIT_TEST_CA");
        if (ca.isEmpty())
            GTEST_SKIP() << "COCKPIT_TEST_CA is not set (scripts/test.sh starts the servers with TLS)";
    }
    void requirePg()
    {
        if (qEnvironmentVariableIsEmpty("COCKPIT_TEST_PG_URL"))
            GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set";
    }
    void requireMysql()
    {
        if (qEnvironmentVariableIsEmpty("COCKPIT_TEST_MYSQL_URL"))
            GTEST_SKIP() << "COCKPIT_TEST_MYSQL_URL is not set";
    }
    QString pgUrl(const QString &host, const QString &caFile) const
    {
        return serverUrl("COCKPIT_TEST_PG_URL", host, QStringLiteral("sslmode=verify-full&sslrootcert=") + caFile);
    }
    QString mysqlUrl(const QString &caFile) const
    {
        return serverUrl("COCKPIT_TEST_MYSQL_URL", QStringLiteral("127.0.0.1"),
                         QStringLiteral("ssl-ca=%1&ssl-verify-server-cert=true").arg(caFile));
    }

    QString ca;
    QTemporaryDir dir;
};

} // namespace

TEST(TlsUrls, ParametersAreCheckedAndKept)
{
    QTemporaryDir dir;
    QFile ca(dir.filePath(QStringLiteral("ca.crt")));
    ASSERT_TRUE(ca.open(QIODevice::WriteOnly));
    ca.close();

    // A relative file is found beside the plan, like a SQLite file; display() keeps it all.
    auto pg = ConnectionUrl::parse(QStringLiteral("postgresql://ax@db1/ax?schema=dbo&sslmode=verify-full&sslrootcert=ca.crt"),
                                   dir.path());
    ASSERT_TRUE(pg.ok()) << str(pg.error().message);
    EXPECT_EQ(pg->params.value(QStringLiteral("sslrootcert")), ca.fileName());
    EXPECT_EQ(pg->display(), QStringLiteral("postgresql://ax@db1:5432/ax?schema=dbo&sslmode=verify-full&sslrootcert=") + ca.fileName());
    auto again = ConnectionUrl::parse(pg->display(), QStringLiteral("/elsewhere"));
    ASSERT_TRUE(again.ok()) << str(again.error().message);
    EXPECT_EQ(again->params, pg->params);

    auto my = ConnectionUrl::parse(QStringLiteral("mysql://ax@db2/ax?ssl-ca=%1&ssl-verify-server-cert=1").arg(ca.fileName()),
                                   QStringLiteral("/"));
    ASSERT_TRUE(my.ok()) << str(my.error().message);
    EXPECT_EQ(my->display(), QStringLiteral("mysql://ax@db2:3306/ax?ssl-ca=%1&ssl-verify-server-cert=true").arg(ca.fileName()));

    // A file name with a space or '&' survives display() and parse() again.
    const QString odd = dir.filePath(QStringLiteral("my ca&1.crt"));
    ASSERT_TRUE(QFile::copy(ca.fileName(), odd));
    auto spaced = ConnectionUrl::parse(QStringLiteral("postgresql://ax@db1/ax?sslrootcert=") + QString::fromLatin1(QUrl::toPercentEncoding(odd, "/")),
                                       QStringLiteral("/"));
    ASSERT_TRUE(spaced.ok()) << str(spaced.error().message);
    auto spacedAgain = ConnectionUrl::parse(spaced->display(), QStringLiteral("/"));
    ASSERT_TRUE(spacedAgain.ok()) << str(spacedAgain.error().message);
    EXPECT_EQ(spacedAgain->params.value(QStringLiteral("sslrootcert")), odd);

    const QString bad = parseError(QStringLiteral("postgresql://ax@db1/ax?sslmode=verify"));
    EXPECT_TRUE(bad.contains(QLatin1String("sslmode \"verify\" is not one of disable, allow, prefer, require, verify-ca, verify-full")))
        << str(bad);
    const QString missing = parseError(QStringLiteral("postgresql://ax@db1/ax?sslmode=verify-full&sslrootcert=/no/such/ca.crt"));
    EXPECT_TRUE(missing.contains(QLatin1String("sslrootcert: no such file /no/such/ca.crt"))) << str(missing);
    const QString missingMy = parseError(QStringLiteral("mysql://ax@db2/ax?ssl-ca=nope.crt"), dir.path());
    EXPECT_TRUE(missingMy.contains(QStringLiteral("ssl-ca: no such file ") + dir.filePath(QStringLiteral("nope.crt")))) << str(missingMy);
    // A misspelt parameter would have connected unencrypted: it is refused, and the known ones named.
    const QString typo = parseError(QStringLiteral("postgresql://ax@db1/ax?ssl_mode=require"));
    EXPECT_TRUE(typo.contains(QLatin1String("unknown parameter \"ssl_mode\"; a postgresql URL takes schema, sslmode, sslrootcert, sslcert, sslkey")))
        << str(typo);
    EXPECT_TRUE(parseError(QStringLiteral("mysql://ax@db2/ax?sslmode=require")).contains(QLatin1String("unknown parameter \"sslmode\"")));
    EXPECT_TRUE(parseError(QStringLiteral("mysql://ax@db2/ax?ssl-verify-server-cert=yes")).contains(QLatin1String("is not true or false")));
    EXPECT_TRUE(parseError(QStringLiteral("mysql://ax@db2/ax?ssl-verify-server-cert=true")).contains(QLatin1String("needs ssl-ca")));
    EXPECT_TRUE(parseError(QStringLiteral("postgresql://ax@db1/ax?sslmode=require&sslmode=disable")).contains(QLatin1String("given twice")));
    // The password is still refused and never repeated, TLS or not.
    const QString pwd = parseError(QStringLiteral("postgresql://ax:secret@db1/ax?sslmode=require"));
    EXPECT_TRUE(pwd.contains(QLatin1String("contains a password"))) << str(pwd);
    EXPECT_FALSE(pwd.contains(QLatin1String("secret"))) << str(pwd);
}

// verify-full: the session is encrypted, and the certificate's names (localhost, 127.0.0.1) match
// either way of naming the server.
TEST_F(Tls, PostgresVerifyFullIsEncrypted)
{
    requirePg();
    for (const QString &host : {QStringLiteral("127.0.0.1"), QStringLiteral("localhost")}) {
        auto c = openUrl(pgUrl(host, ca));
        ASSERT_TRUE(c.ok()) << str(host) << ": " << str(c.error().message);
        EXPECT_EQ(firstValue(**c, QStringLiteral("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")),
                  QStringLiteral("true")) << str(host);
        EXPECT_TRUE(firstValue(**c, QStringLiteral("SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                        .startsWith(QLatin1String("TLSv1."))) << str(host);
    }
}

TEST_F(Tls, PostgresWrongCaIsRefused)
{
    requirePg();
    const QString wrong = makeWrongCa(dir);
    ASSERT_FALSE(wrong.isEmpty()) << "openssl could not make a CA";
    auto c = openUrl(pgUrl(QStringLiteral("127.0.0.1"), wrong));
    ASSERT_FALSE(c.ok());
    const QString m = c.error().message;
    EXPECT_TRUE(m.startsWith(QStringLiteral("cannot connect to postgresql://cockpit@127.0.0.1:")
                             + qEnvironmentVariable("COCKPIT_TEST_PG_PORT") + QStringLiteral("/cockpit_test?sslmode=verify-full&sslrootcert=")
                             + wrong + QStringLiteral(": "))) << str(m);
    EXPECT_TRUE(m.contains(QLatin1String("certificate verify failed"))) << str(m);
}

// sslmode=require against a server that answers "no TLS" to libpq's TLS request (a stand-in that
// says just that and nothing else): refused before any password is sent.
TEST_F(Tls, PostgresRequireRefusesAServerWithoutTls)
{
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener, 1), 0);
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &length), 0);
    std::thread server([listener] {
        const int client = ::accept(listener, nullptr, nullptr);
        if (client < 0)
            return;
        const timeval timeout{10, 0};
        ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        char request[8];
        if (::recv(client, request, sizeof request, MSG_WAITALL) == sizeof request)
            (void)!::send(client, "N", 1, 0);
        while (::recv(client, request, sizeof request, 0) > 0) {
        }
        ::close(client);
    });
    auto c = openUrl(QStringLiteral("postgresql://cockpit@127.0.0.1:%1/cockpit_test?sslmode=require").arg(ntohs(addr.sin_port)));
    server.join();
    ::close(listener);
    ASSERT_FALSE(c.ok());
    const QString m = c.error().message;
    EXPECT_TRUE(m.startsWith(QStringLiteral("cannot connect to postgresql://cockpit@127.0.0.1:%1/cockpit_test?sslmode=require: ")
                                 .arg(ntohs(addr.sin_port)))) << str(m);
    EXPECT_TRUE(m.contains(QLatin1String("server does not support SSL, but SSL was required"))) << str(m);
}

TEST_F(Tls, MariadbVerifiedIsEncrypted)
{
    requireMysql();
    for (const QString &url : {mysqlUrl(ca), serverUrl("COCKPIT_TEST_MYSQL_URL", QStringLiteral("127.0.0.1"), QStringLiteral("ssl-ca=") + ca)}) {
        auto c = openUrl(url);
        ASSERT_TRUE(c.ok()) << str(url) << ": " << str(c.error().message);
        EXPECT_FALSE(firstValue(**c, QStringLiteral("SHOW SESSION STATUS LIKE 'Ssl_cipher'"), 1).isEmpty()) << str(url);
        EXPECT_TRUE(firstValue(**c, QStringLiteral("SHOW SESSION STATUS LIKE 'Ssl_version'"), 1).startsWith(QLatin1String("TLSv1.")))
            << str(url);
    }
}

TEST_F(Tls, MariadbWrongCaIsRefused)
{
    requireMysql();
    const QString wrong = makeWrongCa(dir);
    ASSERT_FALSE(wrong.isEmpty()) << "openssl could not make a CA";
    auto c = openUrl(mysqlUrl(wrong));
    ASSERT_FALSE(c.ok());
    const QString m = c.error().message;
    EXPECT_TRUE(m.startsWith(QStringLiteral("cannot connect to mysql://cockpit@127.0.0.1:") + qEnvironmentVariable("COCKPIT_TEST_MYSQL_PORT")
                             + QStringLiteral("/cockpit_test?ssl-ca=") + wrong + QStringLiteral("&ssl-verify-server-cert=true: ")))
        << str(m);
    EXPECT_TRUE(m.contains(QLatin1String("self-signed certificate in certificate chain"))) << str(m);
}

// ssl-verify-server-cert=true also checks the certificate's names: "127.1" reaches 127.0.0.1 but is
// none of them (the client library's check, in the handshake of open()'s second session and of
// KILL QUERY's connection), and without the check the same URL connects.
TEST_F(Tls, MariadbVerifyServerCertChecksTheHostName)
{
    requireMysql();
    const QString port = qEnvironmentVariable("COCKPIT_TEST_MYSQL_PORT");
    // Set by hand: QUrl would write the host as 127.0.0.1.
    auto open = [](const QString &text) -> Result<std::unique_ptr<DbConnection>> {
        auto url = ConnectionUrl::parse(text, QStringLiteral("/"));
        if (!url.ok())
            return url.error();
        url->host = QStringLiteral("127.1");
        return DbConnection::open(*url, DbConnection::Mode::ReadWrite);
    };
    const QString base = QStringLiteral("mysql://cockpit@127.0.0.1:%1/cockpit_test?ssl-ca=%2").arg(port, ca);
    auto unchecked = open(base);
    ASSERT_TRUE(unchecked.ok()) << str(unchecked.error().message);
    auto checked = open(base + QStringLiteral("&ssl-verify-server-cert=true"));
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.error().message, QStringLiteral("cannot connect to mysql://cockpit@127.1:%1/cockpit_test?ssl-ca=%2"
                                                      "&ssl-verify-server-cert=true: the server certificate is not for \"127.1\"")
                                           .arg(port, ca));
}

// With ssl-verify-server-cert=true, open() reconnects the handle Qt opened, the host name checked
// by the client library: the session in use is that second one, set up as any other, with the
// check kept on the handle and reconnecting off again (a lost session stays lost, never silently
// replaced by one without our settings).
TEST_F(Tls, MariadbHostCheckedSessionIsTheOneInUse)
{
    requireMysql();
    auto c = openUrl(mysqlUrl(ca));
    ASSERT_TRUE(c.ok()) << str(c.error().message);
    EXPECT_EQ(firstValue(**c, QStringLiteral("SELECT CONNECTION_ID()")), QString::number((*c)->sessionId()));
    EXPECT_FALSE(firstValue(**c, QStringLiteral("SHOW SESSION STATUS LIKE 'Ssl_cipher'"), 1).isEmpty());
    EXPECT_EQ(firstValue(**c, QStringLiteral("SELECT @@session.time_zone")), QStringLiteral("+00:00"));
    EXPECT_EQ(firstValue(**c, QStringLiteral("SELECT @@character_set_client")), QStringLiteral("utf8mb4"));
    EXPECT_TRUE(firstValue(**c, QStringLiteral("SELECT @@session.sql_mode")).contains(QLatin1String("NO_BACKSLASH_ESCAPES")));
    my_bool reconnect = 1, verify = 0;
    ASSERT_EQ(mysql_get_optionv((*c)->mysql(), MYSQL_OPT_RECONNECT, &reconnect), 0);
    ASSERT_EQ(mysql_get_optionv((*c)->mysql(), MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify), 0);
    EXPECT_EQ(reconnect, 0);
    EXPECT_EQ(verify, 1);

    auto killer = openUrl(mysqlUrl(ca));
    ASSERT_TRUE(killer.ok()) << str(killer.error().message);
    QSqlQuery kill((*killer)->db());
    ASSERT_TRUE(kill.exec(QStringLiteral("KILL CONNECTION %1").arg((*c)->sessionId())));
    EXPECT_FALSE((*c)->isAlive());
}

// interrupt() sends KILL QUERY from a connection of its own, with the URL's TLS: with the CA
// file swapped for a wrong one after the session opened, that connection is refused and the
// statement runs to its end; with the right one it is cut short.
TEST_F(Tls, MariadbInterruptUsesTheUrlsTls)
{
    requireMysql();
    const QString caCopy = dir.filePath(QStringLiteral("ca.crt"));
    ASSERT_TRUE(QFile::copy(ca, caCopy));
    const QString wrong = makeWrongCa(dir);
    ASSERT_FALSE(wrong.isEmpty());
    auto sleepAndInterrupt = [](DbConnection &c, int seconds) {
        QElapsedTimer timer;
        timer.start();
        std::thread statement([&c, seconds] {
            const QByteArray sql = "SELECT SLEEP(" + QByteArray::number(seconds) + ")";
            if (mysql_real_query(c.mysql(), sql.constData(), sql.size()) == 0)
                mysql_free_result(mysql_store_result(c.mysql()));
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        c.interrupt();
        statement.join();
        return timer.elapsed();
    };
    {
        auto c = openUrl(mysqlUrl(caCopy));
        ASSERT_TRUE(c.ok()) << str(c.error().message);
        EXPECT_LT(sleepAndInterrupt(**c, 30), 15000);
    }
    {
        auto c = openUrl(mysqlUrl(caCopy));
        ASSERT_TRUE(c.ok()) << str(c.error().message);
        ASSERT_TRUE(QFile::remove(caCopy));
        ASSERT_TRUE(QFile::copy(wrong, caCopy));
        EXPECT_GE(sleepAndInterrupt(**c, 3), 2900);
    }
}

// A whole small upgrade over verified TLS, into each server: every table arrives whole.
TEST_F(Tls, SqliteCopiesToBothServersOverTls)
{
    requirePg();
    requireMysql();
    auto p = writeDemo(DemoOptions{dir.path(), 3000, 0.02});
    ASSERT_TRUE(p.ok()) << str(p.error().message);
    const QString source = dir.filePath(QStringLiteral("source.db"));
    const QStringList tables = queryStrings(source, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"));
    ASSERT_GE(tables.size(), 30);

    PgScratchSchema pg;
    MysqlScratchDatabase my;
    const QString pgTarget = pg.url() + QStringLiteral("&sslmode=verify-full&sslrootcert=") + ca;
    const QString myTarget = my.url() + QStringLiteral("?ssl-ca=%1&ssl-verify-server-cert=true").arg(ca);
    for (const QString &target : {pgTarget, myTarget}) {
        Plan plan = *p;
        plan.scriptsDir.clear(); // copies only: the target must equal the source
        plan.tableOptions.clear();
        auto url = ConnectionUrl::parse(target, dir.path());
        ASSERT_TRUE(url.ok()) << str(url.error().message);
        plan.target = *url;
        plan.statePath = dir.filePath(QStringLiteral("state-%1.db").arg(toString(url->engine)));
        UpgradeRun run;
        ASSERT_EQ(openAndWait(run, plan), QString()) << str(target);
        ASSERT_TRUE(runToEnd(run)) << str(target);
        for (const auto &t : allTasks(run))
            EXPECT_EQ(t.status.state, TaskState::Ended) << str(target) << ": " << str(t.spec.name) << ": " << str(t.status.message);
        for (const QString &t : tables) {
            const QString expected = QString::number(queryInt(source, QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t)));
            const QString got = url->engine == EngineKind::PostgreSQL
                                    ? pg.value(QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t))
                                    : my.value(QStringLiteral("SELECT count(*) FROM `%1`").arg(t));
            EXPECT_EQ(got, expected) << str(target) << ": " << str(t);
        }
    }
}
