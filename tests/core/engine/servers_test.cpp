// The real database servers the engine tests use: scripts/test.sh starts a throwaway PostgreSQL 15
// and MariaDB (scripts/test-servers.sh) and exports where they are. These tests check that they
// are there and usable through Qt's own drivers: the cockpit user logs in with its password,
// the versions are the expected ones, and it can create and drop a table.
// Without the servers the tests fail, so that a suite run without them cannot pass as complete;
// COCKPIT_ALLOW_NO_SERVERS=1 turns that into a skip (a quick local run without servers).

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QUrl>
#include <QUuid>
#include <QVariant>
#include <gtest/gtest.h>

#include <string>

namespace {

std::string str(const QString &s) { return s.toStdString(); }

// "" when `var` holds a URL; else why not, for FAIL() or GTEST_SKIP().
std::string missingServer(const char *var)
{
    if (!qEnvironmentVariableIsEmpty(var))
        return {};
    return std::string(var) +
           " is not set: the test servers were not started (run the tests with scripts/test.sh, or "
           "scripts/test-servers.sh start DIR and source DIR/env; COCKPIT_ALLOW_NO_SERVERS=1 skips this)";
}

bool allowNoServers() { return qEnvironmentVariable("COCKPIT_ALLOW_NO_SERVERS") == QLatin1String("1"); }

// The test body's first step: skips or fails (and returns) when the servers were not started.
#define REQUIRE_SERVER(var)                                                                        \
    do {                                                                                           \
        const std::string why = missingServer(var);                                                \
        if (!why.empty()) {                                                                        \
            if (allowNoServers())                                                                  \
                GTEST_SKIP() << why;                                                               \
            FAIL() << why;                                                                         \
        }                                                                                          \
    } while (false)

// A named connection of its own, removed again when it goes out of scope. Declare it before any
// QSqlDatabase or QSqlQuery that uses it, so that those are gone when it is removed.
class ScopedConnection {
public:
    ScopedConnection(const QString &driver, const QString &rawUrl, const char *passwordVar,
                     const QString &connectOptions)
        : name_(QStringLiteral("servers_test_%1_%2")
                    .arg(driver, QUuid::createUuid().toString(QUuid::WithoutBraces)))
    {
        url_ = QUrl(rawUrl, QUrl::StrictMode);
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, name_);
        db.setHostName(url_.host());
        db.setPort(url_.port());
        db.setUserName(url_.userName());
        // A password in the URL wins; the test servers' URLs leave it to PGPASSWORD / MYSQL_PWD.
        db.setPassword(!url_.password().isEmpty() ? url_.password() : qEnvironmentVariable(passwordVar));
        db.setDatabaseName(url_.path().mid(1));
        db.setConnectOptions(connectOptions);
    }
    ~ScopedConnection() { QSqlDatabase::removeDatabase(name_); }
    ScopedConnection(const ScopedConnection &) = delete;
    ScopedConnection &operator=(const ScopedConnection &) = delete;

    const QUrl &url() const { return url_; }
    QSqlDatabase db() const { return QSqlDatabase::database(name_, false); }
    std::string describe() const { return str(url_.toString()) + " (connection " + str(name_) + ")"; }

private:
    QString name_;
    QUrl url_;
};

// Runs `sql` and returns the first column of the first row; fails the test on an error.
QVariant scalar(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        ADD_FAILURE() << sql.toStdString() << ": " << str(q.lastError().text());
        return {};
    }
    if (!q.next()) {
        ADD_FAILURE() << sql.toStdString() << ": no row";
        return {};
    }
    return q.value(0);
}

void exec(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery q(db);
    EXPECT_TRUE(q.exec(sql)) << sql.toStdString() << ": " << str(q.lastError().text());
}

// Creates a table, writes two rows (one with non-ASCII text, through bound values), reads
// them back, drops the table again and checks that it is gone.
void roundTripTable(QSqlDatabase &db, const QString &createSuffix)
{
    const QString table =
        QStringLiteral("servers_test_%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
    exec(db, QStringLiteral("CREATE TABLE %1 (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL)%2")
                 .arg(table, createSuffix));
    {
        QSqlQuery insert(db);
        ASSERT_TRUE(insert.prepare(QStringLiteral("INSERT INTO %1 (id, name) VALUES (?, ?)").arg(table)))
            << str(insert.lastError().text());
        const QString names[] = {QStringLiteral("plain"), QStringLiteral("Grüße €")};
        for (int i = 0; i < 2; ++i) {
            insert.bindValue(0, i + 1);
            insert.bindValue(1, names[i]);
            EXPECT_TRUE(insert.exec()) << str(insert.lastError().text());
        }
    }
    EXPECT_EQ(scalar(db, QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)).toInt(), 2);
    EXPECT_EQ(scalar(db, QStringLiteral("SELECT name FROM %1 WHERE id = 2").arg(table)).toString(),
              QStringLiteral("Grüße €"));
    exec(db, QStringLiteral("DROP TABLE %1").arg(table));
    EXPECT_EQ(scalar(db, QStringLiteral("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '%1'")
                             .arg(table))
                  .toInt(),
              0);
}

} // namespace

TEST(Servers, PostgreSql15TakesTheCockpitUser)
{
    REQUIRE_SERVER("COCKPIT_TEST_PG_URL");
    ASSERT_TRUE(QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        << "no Qt driver QPSQL: install libqt6sql6-psql (scripts/install-deps.sh)";

    ScopedConnection conn(QStringLiteral("QPSQL"), qEnvironmentVariable("COCKPIT_TEST_PG_URL"), "PGPASSWORD",
                          QStringLiteral("connect_timeout=10"));
    ASSERT_TRUE(conn.url().isValid() && conn.url().port() > 0) << "not a postgresql://user@host:port/db URL: "
                                                               << conn.describe();
    QSqlDatabase db = conn.db();
    ASSERT_TRUE(db.open()) << conn.describe() << ": " << str(db.lastError().text());

    const QString version = scalar(db, QStringLiteral("SELECT version()")).toString();
    EXPECT_TRUE(version.startsWith(QLatin1String("PostgreSQL "))) << str(version);
    EXPECT_EQ(scalar(db, QStringLiteral("SELECT current_setting('server_version_num')::int / 10000")).toInt(), 15)
        << str(version);
    EXPECT_EQ(scalar(db, QStringLiteral("SELECT current_user")).toString(), conn.url().userName());
    EXPECT_TRUE(scalar(db, QStringLiteral("SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user")).toBool())
        << "the test user may not create databases";

    roundTripTable(db, QString());
    db.close();
}

TEST(Servers, MariaDbTakesTheCockpitUser)
{
    REQUIRE_SERVER("COCKPIT_TEST_MYSQL_URL");
    ASSERT_TRUE(QSqlDatabase::isDriverAvailable(QStringLiteral("QMYSQL")))
        << "no Qt driver QMYSQL: install libqt6sql6-mysql (scripts/install-deps.sh)";

    ScopedConnection conn(QStringLiteral("QMYSQL"), qEnvironmentVariable("COCKPIT_TEST_MYSQL_URL"), "MYSQL_PWD",
                          QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=10"));
    ASSERT_TRUE(conn.url().isValid() && conn.url().port() > 0) << "not a mysql://user@host:port/db URL: "
                                                               << conn.describe();
    QSqlDatabase db = conn.db();
    ASSERT_TRUE(db.open()) << conn.describe() << ": " << str(db.lastError().text());

    const QString version = scalar(db, QStringLiteral("SELECT VERSION()")).toString();
    EXPECT_TRUE(version.contains(QLatin1String("MariaDB"))) << str(version);
    EXPECT_EQ(scalar(db, QStringLiteral("SELECT DATABASE()")).toString(), conn.url().path().mid(1));
    EXPECT_TRUE(scalar(db, QStringLiteral("SELECT CURRENT_USER()"))
                    .toString()
                    .startsWith(conn.url().userName() + QLatin1Char('@')));

    roundTripTable(db, QStringLiteral(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"));
    db.close();
}
