// Transient faults: which failures retry by themselves (engine/transientfault.h), the plan's
// "retry" key, and a run whose copy session the server terminates midway.

#include "engine/transientfault.h"
#include "demo/demogenerator.h"
#include "plan/plan.h"
#include "support/testsupport.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

Result<Plan> parse(const char *json) { return parsePlan(QByteArray(json), QStringLiteral("/plans/plan.json")); }

} // namespace

TEST(TransientFaults, ServerGoneAwayMessagesRetryAndTheRestDoNot)
{
    // Word for word as libpq 15, PostgreSQL 15 and MariaDB 10.11 print them (seen in the
    // restart tests of tests/e2e/serverfault_test.cpp), behind the prefixes our tasks add.
    for (const char *m : {
             "sending rows failed: server closed the connection unexpectedly This probably means the server terminated abnormally before or while processing the request.",
             "reading rows failed: FATAL: terminating connection due to administrator command",
             "connection to server at \"127.0.0.1\", port 5433 failed: Connection refused Is the server running on that host and accepting TCP/IP connections?",
             "connection to server at \"127.0.0.1\", port 5433 failed: FATAL: the database system is shutting down",
             "connection to server at \"127.0.0.1\", port 5433 failed: FATAL: the database system is starting up",
             "ending COPY failed: no connection to the server",
             "inserting rows failed: Lost connection to server during query",
             "inserting rows failed: Server has gone away",
             "Can't connect to server on '127.0.0.1' (111)",
             "Server shutdown in progress",
             "ERROR: deadlock detected DETAIL: Process 4711 waits for ShareLock on transaction 1234",
             "Deadlock found when trying to get lock; try restarting transaction",
         })
        EXPECT_TRUE(transientCause(QString::fromUtf8(m)).has_value()) << m;
    // These need the administrator: retrying would only fail again the same way.
    for (const char *m : {
             "ERROR: canceling statement due to statement timeout",
             "ERROR: canceling statement due to lock timeout",
             "Lock wait timeout exceeded; try restarting transaction",
             "ERROR: could not extend file \"base/16384/16385\": No space left on device",
             "ERROR: cannot execute INSERT in a read-only transaction",
             "connection to server at \"127.0.0.1\", port 5433 failed: FATAL: password authentication failed for user \"cockpit\"",
             "ERROR: invalid input syntax for type bigint: \"abc\"",
             "ERROR: duplicate key value violates unique constraint \"t_pkey\"",
         })
        EXPECT_FALSE(transientCause(QString::fromUtf8(m)).has_value()) << m;
    EXPECT_EQ(transientCause(QStringLiteral("ERROR: deadlock detected")).value(), QStringLiteral("deadlock (this session was the victim)"));
}

TEST(TransientFaults, BackoffDoublesUpToItsCeiling)
{
    RetryPolicy p;
    p.delaySeconds = 2;
    p.maxDelaySeconds = 10;
    EXPECT_DOUBLE_EQ(p.delayBefore(2), 2);
    EXPECT_DOUBLE_EQ(p.delayBefore(3), 4);
    EXPECT_DOUBLE_EQ(p.delayBefore(4), 8);
    EXPECT_DOUBLE_EQ(p.delayBefore(5), 10);
    EXPECT_DOUBLE_EQ(p.delayBefore(50), 10);
}

TEST(TransientFaults, PlanRetryKeyIsParsedCheckedAndKept)
{
    auto defaults = parse(R"({"source": "sqlite:a.db", "target": "sqlite:b.db"})");
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults->retry.attempts, 6);
    EXPECT_DOUBLE_EQ(defaults->retry.delaySeconds, 2);
    EXPECT_DOUBLE_EQ(defaults->retry.maxDelaySeconds, 60);

    auto p = parse(R"({"source": "sqlite:a.db", "target": "sqlite:b.db",
                       "retry": {"attempts": 3, "delaySeconds": 0.5, "maxDelaySeconds": 4}})");
    ASSERT_TRUE(p.ok()) << p.error().message.toStdString();
    EXPECT_EQ(p->retry.attempts, 3);
    EXPECT_DOUBLE_EQ(p->retry.delaySeconds, 0.5);
    auto again = parsePlan(p->toJson(), p->filePath);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->retry.attempts, 3);
    EXPECT_DOUBLE_EQ(again->retry.delaySeconds, 0.5);
    EXPECT_DOUBLE_EQ(again->retry.maxDelaySeconds, 4);

    auto errorOf = [](const char *json) { auto r = parse(json); return r.ok() ? std::string() : r.error().message.toStdString(); };
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "retry": {"attempts": 0}})")
                  .find("\"retry.attempts\": expected a whole number from 1 to 1000, got 0"), std::string::npos)
        << errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "retry": {"attempts": 0}})");
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "retry": {"delaySeconds": -1}})")
                  .find("expected a number of seconds from 0 to 86400, got -1"), std::string::npos);
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "retry": {"delaySeconds": 5, "maxDelaySeconds": 1}})")
                  .find("expected at least delaySeconds (5), got 1"), std::string::npos);
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "retry": {"atempts": 2}})").find("atempts"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "retry": 3})").find("expected an object"),
              std::string::npos);
}
