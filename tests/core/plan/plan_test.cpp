#include "plan/plan.h"

#include <QDir>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;

namespace {
Result<Plan> parse(const char *json) { return parsePlan(QByteArray(json), QStringLiteral("/plans/plan.json")); }
std::string errorOf(const char *json)
{
    auto r = parse(json);
    return r.ok() ? std::string("(no error)") : r.error().message.toStdString();
}
} // namespace

TEST(PlanParser, MinimalPlanGetsDefaults)
{
    auto p = parse(R"({"source": "sqlite:src.db", "target": "sqlite:///data/t.db"})");
    ASSERT_TRUE(p.ok()) << p.error().message.toStdString();
    EXPECT_EQ(p->source.path, QStringLiteral("/plans/src.db"));
    EXPECT_EQ(p->target.path, QStringLiteral("/data/t.db"));
    EXPECT_EQ(p->statePath, QStringLiteral("/plans/plan.state.db"));
    EXPECT_EQ(p->ifTargetExists, IfTargetExists::Fail);
    EXPECT_EQ(p->validation, ValidationMode::Streamed);
    EXPECT_EQ(p->copyMethod, CopyMethod::Auto);
    EXPECT_EQ(p->indexBuilds, IndexBuilds::Threads);
    EXPECT_TRUE(p->copiesByTransfer(QStringLiteral("ANY"))); // SQLite to SQLite
    ASSERT_EQ(p->groups.size(), 1);
    EXPECT_GE(p->groups[0].threads, 2);
    EXPECT_TRUE(p->includesTable(QStringLiteral("ANY")));
}

TEST(PlanParser, SyntaxErrorNamesFileLineAndColumn)
{
    const std::string e = errorOf("{\n  \"source\": \"sqlite:a.db\",\n  \"target\" \"sqlite:b.db\"\n}");
    EXPECT_NE(e.find("plan.json:3:"), std::string::npos) << e;
    EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
}

TEST(PlanParser, WrongTypeNamesPathLineAndExpectation)
{
    const std::string e = errorOf("{\n \"source\": \"sqlite:a.db\",\n \"target\": \"sqlite:b.db\",\n"
                                  " \"batchGroups\": [\n  {\"name\": \"copy\", \"threads\": \"two\"}\n ]\n}");
    EXPECT_NE(e.find("plan.json:5:"), std::string::npos) << e;
    EXPECT_NE(e.find("batchGroups[0].threads"), std::string::npos) << e;
    EXPECT_NE(e.find("expected a whole number from 1 to 256"), std::string::npos) << e;
    EXPECT_NE(e.find("\"two\""), std::string::npos) << e;
}

TEST(PlanParser, UnknownKeySuggestsTheRightSpelling)
{
    const std::string e = errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "batchsize": 10})");
    EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean \"batchSize\""), std::string::npos) << e;
}

TEST(PlanParser, MissingTargetIsReported)
{
    const std::string e = errorOf(R"({"source": "sqlite:a.db"})");
    EXPECT_NE(e.find("missing required key \"target\""), std::string::npos) << e;
}

TEST(PlanParser, PasswordInUrlIsRefusedWithoutEchoingIt)
{
    const std::string e = errorOf(R"({"source": "postgresql://ax:secret@db1/ax", "target": "sqlite:b.db"})");
    EXPECT_NE(e.find("contains a password"), std::string::npos) << e;
    EXPECT_EQ(e.find("secret"), std::string::npos) << e;
}

// Every URL error repeats the URL: never with its password, whatever else is wrong with it.
TEST(PlanParser, NoUrlErrorEchoesAPassword)
{
    for (const char *url : {"oracle://ax:secret@db1/ax", "ax:secret@db1/ax", "postgresql://ax:secret@db1:99999/ax",
                            "mysql://ax:secret@db1", "postgresql://ax:secret@db1/ax", "sqlite://ax:secret@db1/x.db"}) {
        auto parsed = ConnectionUrl::parse(QString::fromLatin1(url), QStringLiteral("/tmp"));
        ASSERT_FALSE(parsed.ok()) << url;
        EXPECT_FALSE(parsed.error().message.contains(QLatin1String("secret"))) << qPrintable(parsed.error().message);
        EXPECT_TRUE(parsed.error().message.contains(QLatin1String("ax"))) << qPrintable(parsed.error().message);
    }
}

TEST(PlanParser, NegativeBatchSizeAndBadEnumAreRejected)
{
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "batchSize": -5})").find("batchSize"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "ifTargetExists": "merge"})")
                  .find("expected \"fail\" or \"replace\""),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "validation": "quick"})")
                  .find("\"validation\": expected \"streamed\" or \"full\", got \"quick\""),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "copyMethod": "fast"})")
                  .find("\"copyMethod\": expected \"auto\" or \"batches\", got \"fast\""),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "indexBuilds": "all"})")
                  .find("\"indexBuilds\": expected \"threads\" or \"server\", got \"all\""),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "tableOptions": {"T": {"nullKeys": "drop"}}})")
                  .find("\"tableOptions.T.nullKeys\": expected \"dropKey\" or \"reject\", got \"drop\""),
              std::string::npos);
}

TEST(PlanParser, DuplicateGroupIsRejected)
{
    const std::string e = errorOf(R"({"source": "sqlite:a.db", "target": "sqlite:b.db",
        "batchGroups": [{"name": "g", "threads": 1}, {"name": "g", "threads": 2}]})");
    EXPECT_NE(e.find("defined twice"), std::string::npos) << e;
    EXPECT_NE(e.find("batchGroups[1].name"), std::string::npos) << e;
}

TEST(PlanParser, NotAnObject)
{
    EXPECT_NE(errorOf("[1, 2]").find("expected a JSON object"), std::string::npos);
}

TEST(PlanParser, UnreadableFileIsAClearError)
{
    auto r = loadPlan(QStringLiteral("/nonexistent/plan.json"));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.toStdString().find("cannot read plan file"), std::string::npos);
}

TEST(PlanParser, TablesGroupsAndOptions)
{
    auto p = parse(R"({"source": "sqlite:a.db", "target": "sqlite:b.db",
        "tables": {"include": ["CUST*", "INVENT*"], "exclude": ["INVENTSUM"]},
        "batchGroups": [{"name": "bulk", "threads": 3, "tasks": ["copy:*"]}, {"name": "post", "threads": 1}],
        "nullKeys": "reject", "tableOptions": {"INVENTTRANS": {"chunkRows": 1000, "priority": 5}, "LOG": {"nullKeys": "dropKey"}}})");
    ASSERT_TRUE(p.ok()) << p.error().message.toStdString();
    EXPECT_TRUE(p->includesTable(QStringLiteral("CUSTTABLE")));
    EXPECT_TRUE(p->includesTable(QStringLiteral("INVENTTRANS")));
    EXPECT_FALSE(p->includesTable(QStringLiteral("INVENTSUM")));
    EXPECT_FALSE(p->includesTable(QStringLiteral("SALESLINE")));
    EXPECT_EQ(p->groupFor(QStringLiteral("copy:INVENTTRANS#2")), QStringLiteral("bulk"));
    EXPECT_EQ(p->groupFor(QStringLiteral("index:X.I")), QStringLiteral("post"));
    EXPECT_EQ(p->optionsFor(QStringLiteral("inventtrans")).chunkRows, 1000);
    EXPECT_EQ(p->optionsFor(QStringLiteral("INVENTTRANS")).priority, 5);
    EXPECT_EQ(p->optionsFor(QStringLiteral("CUSTTABLE")).chunkRows, p->chunkRows);
    EXPECT_EQ(p->optionsFor(QStringLiteral("CUSTTABLE")).nullKeys, NullKeys::Reject);
    EXPECT_EQ(p->optionsFor(QStringLiteral("log")).nullKeys, NullKeys::DropKey);
    auto again = parsePlan(p->toJson(), p->filePath);
    ASSERT_TRUE(again.ok()) << again.error().message.toStdString();
    EXPECT_EQ(again->nullKeys, NullKeys::Reject);
    EXPECT_EQ(again->optionsFor(QStringLiteral("LOG")).nullKeys, NullKeys::DropKey);
}

TEST(PlanParser, JsonRoundTrip)
{
    auto p = parse(R"({"name": "n", "source": "sqlite:a.db", "target": "sqlite:sub/b.db", "state": "s.db",
        "batchGroups": [{"name": "g", "threads": 3}], "ifTargetExists": "replace", "validation": "full",
        "copyMethod": "batches", "indexBuilds": "server"})");
    ASSERT_TRUE(p.ok());
    auto again = parsePlan(p->toJson(), p->filePath);
    ASSERT_TRUE(again.ok()) << again.error().message.toStdString();
    EXPECT_EQ(again->target.path, QStringLiteral("/plans/sub/b.db"));
    EXPECT_EQ(again->statePath, QStringLiteral("/plans/s.db"));
    EXPECT_EQ(again->groups[0].threads, 3);
    EXPECT_EQ(again->ifTargetExists, IfTargetExists::Replace);
    EXPECT_EQ(again->validation, ValidationMode::Full);
    EXPECT_EQ(again->copyMethod, CopyMethod::Batches);
    EXPECT_EQ(again->indexBuilds, IndexBuilds::Server);
    EXPECT_FALSE(again->copiesByTransfer(QStringLiteral("ANY")));
}

TEST(ConnectionUrls, SqliteForms)
{
    auto a = ConnectionUrl::parse(QStringLiteral("sqlite:///abs/my%20file.db"), QStringLiteral("/base"));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->path, QStringLiteral("/abs/my file.db"));
    auto b = ConnectionUrl::parse(QStringLiteral("sqlite:\"dir with space/x.db\""), QStringLiteral("/base"));
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->path, QStringLiteral("/base/dir with space/x.db"));
    EXPECT_FALSE(ConnectionUrl::parse(QStringLiteral("oracle://x/y"), QStringLiteral("/")).ok());
    EXPECT_FALSE(ConnectionUrl::parse(QStringLiteral("nothing"), QStringLiteral("/")).ok());
    auto pg = ConnectionUrl::parse(QStringLiteral("postgresql://ax@db1:5433/axdb?schema=dbo"), QStringLiteral("/"));
    ASSERT_TRUE(pg.ok());
    EXPECT_EQ(pg->port, 5433);
    EXPECT_EQ(pg->display(), QStringLiteral("postgresql://ax@db1:5433/axdb?schema=dbo"));
    // Names that hold URL delimiters arrive decoded, and display() writes them back encoded.
    auto odd = ConnectionUrl::parse(QStringLiteral("mysql://ax@[::1]/a%20b%3Fc%25d%2F"), QStringLiteral("/"));
    ASSERT_TRUE(odd.ok());
    EXPECT_EQ(odd->database, QStringLiteral("a b?c%d/"));
    EXPECT_EQ(odd->display(), QStringLiteral("mysql://ax@[::1]:3306/a%20b%3Fc%25d%2F"));
    auto resource = ConnectionUrl::parse(QStringLiteral("sqlite::/x.db"), QStringLiteral("/base")); // not a Qt resource
    ASSERT_TRUE(resource.ok());
    EXPECT_EQ(resource->path, QStringLiteral("/base/:/x.db"));
}

TEST(Globs, MatchTaskNames)
{
    EXPECT_TRUE(globMatches(QStringLiteral("copy:*"), QStringLiteral("copy:INVENTTRANS#3")));
    EXPECT_TRUE(globMatches(QStringLiteral("copy:INVENTTRANS#?"), QStringLiteral("copy:INVENTTRANS#3")));
    EXPECT_TRUE(globMatches(QStringLiteral("index:*.I_[0-9]*"), QStringLiteral("index:SALESLINE.I_1SALESIDX")));
    EXPECT_FALSE(globMatches(QStringLiteral("copy:*"), QStringLiteral("prepare:copy:x")));
    EXPECT_TRUE(globMatches(QStringLiteral("a.b"), QStringLiteral("a.b")));
    EXPECT_FALSE(globMatches(QStringLiteral("a.b"), QStringLiteral("axb")));
}
