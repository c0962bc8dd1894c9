// Passwords typed in the window (credentials.h) against the real servers: without one the
// server refuses and the refusal is recognised; a wrong one is refused again; the right one
// connects. The environment's password is removed for the test and put back afterwards.

#include "engine/credentials.h"
#include "engine/dbconnection.h"

#include <QDir>
#include <QScopeGuard>
#include <gtest/gtest.h>

using namespace cockpit;

namespace {

void expectPromptedPasswordConnects(const char *urlVariable, const char *passwordVariable)
{
    const QString url = qEnvironmentVariable(urlVariable);
    const QByteArray password = qgetenv(passwordVariable);
    if (url.isEmpty() || password.isEmpty())
        GTEST_SKIP() << urlVariable << " is not set (scripts/test.sh starts the server)";
    auto parsed = ConnectionUrl::parse(url, QDir::currentPath());
    ASSERT_TRUE(parsed.ok());
    qunsetenv(passwordVariable);
    auto restore = qScopeGuard([&] {
        qputenv(passwordVariable, password);
        credentials::forget(*parsed);
    });

    auto refused = DbConnection::open(*parsed, DbConnection::Mode::ReadOnly);
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(credentials::isPasswordRefusal(refused.error().message)) << refused.error().message.toStdString();
    Plan plan;
    plan.target = *parsed;
    EXPECT_EQ(credentials::passwordWanted(plan, QStringLiteral("target: ") + refused.error().message)->display(),
              parsed->display());
    EXPECT_FALSE(credentials::passwordWanted(plan, QStringLiteral("source: ") + refused.error().message).has_value());

    credentials::remember(*parsed, QStringLiteral("not-it"));
    auto wrong = DbConnection::open(*parsed, DbConnection::Mode::ReadOnly);
    ASSERT_FALSE(wrong.ok());
    EXPECT_TRUE(credentials::isPasswordRefusal(wrong.error().message)) << wrong.error().message.toStdString();
    EXPECT_FALSE(wrong.error().message.contains(QStringLiteral("not-it"))); // never echoed

    credentials::remember(*parsed, QString::fromUtf8(password));
    auto right = DbConnection::open(*parsed, DbConnection::Mode::ReadOnly);
    EXPECT_TRUE(right.ok()) << right.error().message.toStdString();
}

TEST(Credentials, TypedPasswordConnectsToPostgres)
{
    expectPromptedPasswordConnects("COCKPIT_TEST_PG_URL", "PGPASSWORD");
}

TEST(Credentials, TypedPasswordConnectsToMariaDb)
{
    expectPromptedPasswordConnects("COCKPIT_TEST_MYSQL_URL", "MYSQL_PWD");
}

TEST(Credentials, OtherFailuresAskForNoPassword)
{
    Plan plan;
    plan.target = *ConnectionUrl::parse(QStringLiteral("postgresql://u@127.0.0.1:1/db"), QDir::currentPath());
    EXPECT_FALSE(credentials::passwordWanted(plan, QStringLiteral("target: cannot connect to postgresql://u@127.0.0.1:1/db: "
                                                                  "connection refused")).has_value());
}

} // namespace
