// Connections kept per worker thread between tasks, against the real PostgreSQL server: an idle
// one is reused, one left in a transaction is closed, and one the server closed meanwhile is
// replaced by a new one instead of failing the next task.

#include "engine/connectionpool.h"

#include <QDir>
#include <gtest/gtest.h>
#include <libpq-fe.h>

using namespace cockpit;

namespace {

class ConnectionPool : public ::testing::Test {
protected:
    std::optional<ConnectionUrl> url;
    void SetUp() override
    {
        const QString text = qEnvironmentVariable("COCKPIT_TEST_PG_URL");
        if (text.isEmpty())
            GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test.sh starts the server)";
        auto parsed = ConnectionUrl::parse(text, QDir::currentPath());
        ASSERT_TRUE(parsed.ok());
        url = *parsed;
    }
    static int backendPid(DbConnection &c) { return PQbackendPID(c.postgres()); }
    static void exec(DbConnection &c, const char *sql) { PQclear(PQexec(c.postgres(), sql)); }
};

TEST_F(ConnectionPool, IdleSessionIsReusedOthersAreNot)
{
    auto first = connectionpool::take(*url, DbConnection::Mode::ReadWrite);
    ASSERT_TRUE(first.ok());
    const int pid = backendPid(**first);
    connectionpool::giveBack(std::move(*first));
    auto again = connectionpool::take(*url, DbConnection::Mode::ReadWrite);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(backendPid(**again), pid); // the same session
    // Another mode is another session (read-only sources).
    auto readOnly = connectionpool::take(*url, DbConnection::Mode::ReadOnly);
    ASSERT_TRUE(readOnly.ok());
    EXPECT_NE(backendPid(**readOnly), pid);

    // Left inside a transaction: closed, not kept.
    exec(**again, "BEGIN");
    connectionpool::giveBack(std::move(*again));
    auto fresh = connectionpool::take(*url, DbConnection::Mode::ReadWrite);
    ASSERT_TRUE(fresh.ok());
    EXPECT_NE(backendPid(**fresh), pid);
    EXPECT_EQ(PQtransactionStatus((*fresh)->postgres()), PQTRANS_IDLE);
}

TEST_F(ConnectionPool, SessionClosedByTheServerIsReplaced)
{
    auto kept = connectionpool::take(*url, DbConnection::Mode::ReadWrite);
    ASSERT_TRUE(kept.ok());
    const int pid = backendPid(**kept);
    connectionpool::giveBack(std::move(*kept));
    {
        auto killer = DbConnection::open(*url, DbConnection::Mode::ReadWrite);
        ASSERT_TRUE(killer.ok());
        const std::string sql = "SELECT pg_terminate_backend(" + std::to_string(pid) + ", 10000)"; // waits for the exit
        exec(**killer, sql.c_str());
    }
    auto next = connectionpool::take(*url, DbConnection::Mode::ReadWrite);
    ASSERT_TRUE(next.ok()) << next.error().message.toStdString();
    EXPECT_NE(backendPid(**next), pid);
    PGresult *r = PQexec((*next)->postgres(), "SELECT 1");
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
}

} // namespace
