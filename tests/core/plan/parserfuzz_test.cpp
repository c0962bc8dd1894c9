// Seeded random inputs for the parsers of what a user writes: the plan file, a script file's
// header and a connection URL. Each input must give a value or a clear error (a message, and a
// position where the parser has one), never a crash or a hang. Inputs are mutations of valid
// seeds (bit flips, truncations, quotes, braces, NUL, invalid UTF-8, duplicated keys, huge
// numbers, deep nesting) and random bytes, from fixed seeds that a failure prints.
// bench/fuzz/ has libFuzzer targets for the same parsers, for longer runs under sanitizers.
#include "plan/jsonlocator.h"
#include "plan/plan.h"
#include "scripts/scriptfile.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <random>

using namespace cockpit;

namespace {

constexpr std::uint64_t kSeeds[] = {0x5eed0001, 0xc0c4917, 20240612};
constexpr int kInputsPerSeed = 4000;
constexpr qint64 kSlowMs = 1000; // one input taking this long counts as a hang

// The demo's plan as Plan::toJson() writes it, and plans using every key.
const char *const kPlanSeeds[] = {
    R"json({
    "batchGroups": [
        {"name": "copy", "tasks": ["prepare:*", "copy:*"], "threads": 2},
        {"name": "post", "tasks": ["*"], "threads": 2}
    ],
    "batchSize": 20000,
    "chunkRows": 250000,
    "copyMethod": "auto",
    "ifTargetExists": "replace",
    "indexBuilds": "threads",
    "maxRejects": 0,
    "name": "AX 2009 demo",
    "scripts": "scripts",
    "source": "sqlite:source.db",
    "state": "state.db",
    "tableOptions": {"INVENTTRANS": {"chunkRows": 250000}},
    "tables": {"exclude": [], "include": ["*"]},
    "target": "sqlite:target.db",
    "validation": "streamed"
})json",
    R"json({"source": "sqlite:src.db", "target": "sqlite:///data/t.db"})json",
    R"json({"source": "sqlite:a.db", "target": "postgresql://ax@db1:5433/axdb?schema=dbo",
 "tables": ["CUST*", "INVENT*"], "rejectsDir": "rej", "maxRejects": 10,
 "batchGroups": [{"name": "bulk", "threads": 3, "tasks": ["copy:*"]}, {"name": "post", "threads": 1}],
 "tableOptions": {"INVENTTRANS": {"chunkRows": 1000, "priority": -5, "batchSize": 500, "maxRejects": 3,
                  "columns": {"QTY": {"type": "numeric(12,2)"}, "DATEPHYSICAL": {"type": "date"}}}},
 "validation": "full", "copyMethod": "batches", "indexBuilds": "server"})json",
};

const char *const kUrlSeeds[] = {
    "sqlite:///abs/my%20file.db", "sqlite:\"dir with space/x.db\"", "sqlite:relative/x.db",
    "sqlite://localhost/tmp/x.db", "postgresql://ax@db1:5433/axdb?schema=dbo", "postgres://db1/ax",
    "mysql://root@[::1]:3306/ax?ssl-verify-server-cert=false", "mariadb://u@h/d",
    "postgresql://ax@db1/axdb?sslmode=verify-full&schema=dbo",
};

const char *const kPlanKeys[] = {"source", "target", "name", "state", "ifTargetExists", "batchSize",
                                 "chunkRows", "batchGroups", "tables", "tableOptions", "maxRejects",
                                 "rejectsDir", "scripts", "validation", "copyMethod", "indexBuilds"};

// Pieces that break each parser's quoting and structure, and numbers no field accepts.
const char *const kJsonTokens[] = {"\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "\\ud800", "\\u0000",
                                   "null", "true", "-0", "1e999", "-1e999", "1e-400",
                                   "99999999999999999999999", "9007199254740993", "-2147483649",
                                   "\xEF\xBB\xBF"};
const char *const kSqlTokens[] = {"'", "\"", "`", "[", "]", "(", ")", ";", "$$", "$a$", "$1", "E'", "\\",
                                  "/*", "*/", "/*!", "--", "-- ", "#", "\n-- depends: ", "\n-- check: ",
                                  "\n-- engine: ", "\n-- group: ", "\n-- transaction: ", "copy:", "script:fix",
                                  "BEGIN ", "BEGIN ATOMIC ", "BEGIN NOT ATOMIC ", " END", " END CASE", "CASE ",
                                  "CREATE TRIGGER ", "CREATE FUNCTION ", "WITH x AS (", "\r\n"};
const char *const kUrlTokens[] = {":", "//", "/", "@", "?", "#", "%", "%00", "%zz", "[", "]", ":99999", ":-1",
                                  "\"", "'", "&", "=", "localhost/", "u:secret@", "[::1]", "sqlite:",
                                  "postgresql://", "mysql://"};
const char *const kAlwaysBad[] = {"\0", "\xFF", "\xC3", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80"};

class Fuzzer {
public:
    explicit Fuzzer(std::uint64_t seed) : m_rng(seed) {}

    int below(int n) { return n <= 0 ? 0 : int(std::uniform_int_distribution<int>(0, n - 1)(m_rng)); }

    template <std::size_t N>
    QByteArray pick(const char *const (&list)[N])
    {
        const char *s = list[below(int(N))];
        return s[0] ? QByteArray(s) : QByteArray(1, '\0'); // "\0" is one NUL byte
    }

    QByteArray randomBytes(int maxLength)
    {
        QByteArray b(below(maxLength + 1), '\0');
        for (char &c : b)
            c = char(below(256));
        return b;
    }

    // One to four edits of `s`; `tokens` are the pieces that matter to this parser.
    template <std::size_t N>
    QByteArray mutate(QByteArray s, const char *const (&tokens)[N], const QByteArray &nest)
    {
        for (int edits = 1 + below(4); edits > 0; --edits) {
            const int at = below(int(s.size()) + 1);
            switch (below(9)) {
            case 0:
                if (!s.isEmpty())
                    s[at % s.size()] = char(s[at % s.size()] ^ (1 << below(8)));
                break;
            case 1:
                if (!s.isEmpty())
                    s[at % s.size()] = char(below(256));
                break;
            case 2: s.truncate(at); break;
            case 3:
            case 4: s.insert(at, pick(tokens)); break;
            case 5: s.insert(at, pick(kAlwaysBad)); break;
            case 6: s.remove(at, 1 + below(32)); break;
            case 7: { // a slice again elsewhere: duplicated keys, values, statements
                const int from = below(int(s.size()));
                const QByteArray slice = s.mid(from, 1 + below(64));
                s.insert(below(int(s.size()) + 1), slice);
                break;
            }
            case 8: s.insert(at, nest.repeated(1 + below(3000))); break;
            }
        }
        return s;
    }

private:
    std::mt19937_64 m_rng;
};

// Bytes as a C string literal, for the failure message.
std::string printable(const QByteArray &b)
{
    std::string out;
    for (char c : b.left(1500)) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (u >= 0x20 && u < 0x7F) {
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += QStringLiteral("\\x%1").arg(uint(u), 2, 16, QLatin1Char('0')).toStdString();
        }
    }
    return b.size() > 1500 ? out + "...(" + std::to_string(b.size()) + " bytes)" : out;
}

// A lone surrogate (from "\ud800" or invalid UTF-8) makes QRegularExpression match nothing.
QString matchable(const QString &s) { return QString::fromUtf8(s.toUtf8()); }

// Empty when the plan parser's outcome keeps its promise, otherwise what is wrong.
std::string checkPlan(const QByteArray &json, bool *parsed = nullptr)
{
    static const QRegularExpression shape(QStringLiteral("^plan\\.json:(\\d+):(\\d+): (not valid JSON: .|\".*\": .)"),
                                          QRegularExpression::DotMatchesEverythingOption);
    auto plan = parsePlan(json, QStringLiteral("/plans/plan.json"));
    if (parsed)
        *parsed = plan.ok();
    if (plan.ok()) {
        auto again = parsePlan(plan->toJson(), plan->filePath);
        return again.ok() ? std::string() : "toJson() of a parsed plan does not parse: " + again.error().message.toStdString();
    }
    const TaskError &e = plan.error();
    const auto m = shape.match(matchable(e.message));
    if (!m.hasMatch())
        return "error without \"plan.json:LINE:COLUMN: \" and a reason or key: " + e.message.toStdString();
    if (e.position < 0 || e.position > json.size())
        return "error offset " + std::to_string(e.position) + " outside the text: " + e.message.toStdString();
    const TextPosition at = textPosition(json, e.position);
    if (m.captured(1).toInt() != at.line || m.captured(2).toInt() != at.column)
        return "printed line:column is not where offset " + std::to_string(e.position) + " is ("
               + std::to_string(at.line) + ":" + std::to_string(at.column) + "): " + e.message.toStdString();
    return {};
}

// The first byte picks the target engine, the rest is the file's text (as UTF-8).
std::string checkScript(const QByteArray &bytes, bool *parsed = nullptr)
{
    static const QRegularExpression shape(QStringLiteral("^fix\\.sql(:(\\d+))?: (.)"),
                                          QRegularExpression::DotMatchesEverythingOption);
    const unsigned char selector = bytes.isEmpty() ? 0 : static_cast<unsigned char>(bytes[0]);
    const EngineKind target = selector % 3 == 0 ? EngineKind::SQLite
                              : selector % 3 == 1 ? EngineKind::PostgreSQL
                                                  : EngineKind::MySQL;
    const QString text = QString::fromUtf8(bytes.mid(1));
    auto script = parseScriptFile(QStringLiteral("/scripts/fix.sql"), text, target);
    if (parsed)
        *parsed = script.ok();
    if (script.ok()) {
        for (const SqlStatement &s : script->statements)
            if (s.sql.trimmed().isEmpty() || s.line < 1)
                return "empty statement or no line: '" + s.sql.toStdString() + "'";
        return {};
    }
    const TaskError &e = script.error();
    const auto m = shape.match(matchable(e.message));
    if (!m.hasMatch())
        return "error without \"fix.sql:\" and a reason: " + e.message.toStdString();
    if (!m.hasCaptured(2)) {
        // The one error about the whole file rather than a line of it.
        if (e.message != QLatin1String("fix.sql: no SQL statement and no check"))
            return "error without a line: " + e.message.toStdString();
        return {};
    }
    const int line = m.captured(2).toInt();
    if (line != e.position)
        return "printed line is not the error's position " + std::to_string(e.position) + ": " + e.message.toStdString();
    if (line < 1 || line > text.count(u'\n') + 1)
        return "error line outside the file: " + e.message.toStdString();
    return {};
}

std::string checkUrl(const QByteArray &bytes, bool *parsed = nullptr)
{
    auto url = ConnectionUrl::parse(QString::fromUtf8(bytes), QStringLiteral("/base"));
    if (parsed)
        *parsed = url.ok();
    if (!url.ok()) {
        const QString &m = url.error().message;
        if (m.trimmed().isEmpty() || !m.contains(QLatin1String("URL")))
            return "error that does not say which URL: '" + m.toStdString() + "'";
        return {};
    }
    // What messages show parses back to the same URL.
    const auto again = ConnectionUrl::parse(url->display(), QStringLiteral("/elsewhere"));
    if (!again.ok() || again->engine != url->engine || again->path != url->path || again->host != url->host
        || again->port != url->port || again->user != url->user || again->database != url->database || again->params != url->params)
        return "display() does not parse back to the same URL: " + url->display().toStdString();
    if (url->engine == EngineKind::SQLite)
        return QFileInfo(url->path).isAbsolute() ? std::string() : "relative SQLite path " + url->path.toStdString();
    if (url->host.isEmpty() || url->database.isEmpty() || url->port < 0 || url->port > 65535)
        return "server URL without host, database or port: " + url->display().toStdString();
    (void)url->shortName();
    return {};
}

struct Outcomes {
    int parsed = 0;
    int rejected = 0;
};

// Runs `check` on kInputsPerSeed inputs per seed: mostly mutations of `seeds`, some random bytes.
// Stops at the first broken promise, naming the seed, the input's number and its bytes.
Outcomes fuzz(const QList<QByteArray> &seeds, const std::function<std::string(const QByteArray &, bool *)> &check,
              const std::function<QByteArray(Fuzzer &, const QByteArray &)> &mutate)
{
    Outcomes outcomes;
    for (const std::uint64_t seed : kSeeds) {
        Fuzzer f(seed);
        for (int n = 0; n < kInputsPerSeed; ++n) {
            const QByteArray input = n % 10 == 9 ? f.randomBytes(512) : mutate(f, seeds[f.below(int(seeds.size()))]);
            bool parsed = false;
            QElapsedTimer timer;
            timer.start();
            std::string problem = check(input, &parsed);
            if (problem.empty() && timer.elapsed() > kSlowMs)
                problem = "took " + std::to_string(timer.elapsed()) + " ms";
            if (!problem.empty()) {
                ADD_FAILURE() << "seed " << seed << ", input " << n << ": " << problem << "\ninput: \""
                              << printable(input) << "\"";
                return outcomes;
            }
            ++(parsed ? outcomes.parsed : outcomes.rejected);
        }
    }
    return outcomes;
}

QList<QByteArray> planSeeds()
{
    QList<QByteArray> out;
    for (const char *s : kPlanSeeds)
        out.append(QByteArray(s));
    return out;
}

// The demo's scripts, each behind a first byte for PostgreSQL ('@'), MySQL ('A') and SQLite
// ('B'): every dialect's lexer gets every script.
QList<QByteArray> scriptSeeds()
{
    QList<QByteArray> out;
    const QDir dir(QStringLiteral(":/demo-scripts"));
    for (const QString &name : dir.entryList({QStringLiteral("*.sql")}, QDir::Files)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = f.readAll();
        for (const char engine : {'@', 'A', 'B'})
            out.append(engine + text);
    }
    out.append(QByteArray("@-- depends: copy:SALES, copy:PRODUCTS\n-- group: dims\n-- transaction: per-statement\n"
                          "-- engine: postgresql, sqlite\n-- check: SELECT id FROM dim WHERE name IS NULL;\n"
                          "INSERT INTO dim SELECT DISTINCT id, name FROM \"SALES\";\n"
                          "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n"
                          "SELECT $t$;$t$, E'\\';', $1;\n"));
    out.append(QByteArray("A-- engine: mysql\nCREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN\n"
                          "  CASE WHEN 1 THEN SET @a = 1; END CASE;\nEND;\nSELECT `a;b`, 'it\\'s;' # c;\n"));
    out.append(QByteArray("B-- check: SELECT 1 WHERE 0\nSELECT [odd;name] FROM t; /* ; */\n"));
    return out;
}

QList<QByteArray> urlSeeds()
{
    QList<QByteArray> out;
    for (const char *s : kUrlSeeds)
        out.append(QByteArray(s));
    return out;
}

} // namespace

TEST(ParserFuzz, SeedsAreValid)
{
    for (const QByteArray &s : planSeeds()) {
        bool parsed = false;
        EXPECT_EQ(checkPlan(s, &parsed), "");
        EXPECT_TRUE(parsed) << s.toStdString();
    }
    const QList<QByteArray> scripts = scriptSeeds();
    EXPECT_GE(scripts.size(), 3 * 8 + 3) << "the demo's scripts are missing from the resources";
    for (const QByteArray &s : scripts) {
        bool parsed = false;
        EXPECT_EQ(checkScript(s, &parsed), "");
        EXPECT_TRUE(parsed) << s.toStdString();
    }
    for (const QByteArray &s : urlSeeds()) {
        bool parsed = false;
        EXPECT_EQ(checkUrl(s, &parsed), "");
        EXPECT_TRUE(parsed) << s.toStdString();
    }
}

TEST(ParserFuzz, PlanMutationsParseOrNamePositionAndKey)
{
    const Outcomes o = fuzz(planSeeds(), checkPlan, [](Fuzzer &f, const QByteArray &seed) {
        QByteArray s = seed;
        // A key given again, with a value of any kind, right after the opening brace.
        if (f.below(4) == 0)
            s.insert(1, "\"" + f.pick(kPlanKeys) + "\": " + f.pick(kJsonTokens) + ", ");
        return f.mutate(s, kJsonTokens, f.below(2) ? QByteArray("[") : QByteArray("{\"a\":"));
    });
    if (HasFailure())
        return; // the input at fault is reported; the counts stopped there
    // Both outcomes occur, or the test tests nothing.
    EXPECT_GT(o.parsed, 50);
    EXPECT_GT(o.rejected, 1000);
}

TEST(ParserFuzz, ScriptMutationsParseOrNameTheirLine)
{
    const Outcomes o = fuzz(scriptSeeds(), checkScript, [](Fuzzer &f, const QByteArray &seed) {
        const QByteArray nests[] = {"(", "/*", "BEGIN ", "CASE ", "$$", "\n"};
        return f.mutate(seed, kSqlTokens, nests[f.below(6)]);
    });
    if (HasFailure())
        return;
    EXPECT_GT(o.parsed, 200);
    EXPECT_GT(o.rejected, 200);
}

TEST(ParserFuzz, UrlMutationsParseOrSayWhichUrl)
{
    const Outcomes o = fuzz(urlSeeds(), checkUrl, [](Fuzzer &f, const QByteArray &seed) {
        return f.mutate(seed, kUrlTokens, f.below(2) ? QByteArray("/") : QByteArray("%"));
    });
    if (HasFailure())
        return;
    EXPECT_GT(o.parsed, 200);
    EXPECT_GT(o.rejected, 200);
}

// Inputs the fuzzers found, kept so the fixes stay.
TEST(ParserFuzz, Regressions)
{
    // A string left open at the very end: Qt's error offset lay past the text.
    EXPECT_EQ(checkPlan("{\n    \"maxRejects\": 5,\n    \"na\n}\n"), "");
    // A key given twice: Qt keeps the last value, so the error points at the last one.
    const QByteArray twice = R"({"source": "sqlite:a.db", "target": "sqlite:b.db", "batchSize": 5, "batchSize": -1})";
    EXPECT_EQ(checkPlan(twice), "");
    auto dup = parsePlan(twice, QStringLiteral("/plans/plan.json"));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().position, twice.indexOf("-1"));
    EXPECT_NE(dup.error().message.indexOf(QLatin1String("\"batchSize\": expected a whole number from 1 to 10000000, got -1")),
              -1)
        << dup.error().message.toStdString();
    // A byte order mark, which QJsonDocument skips: the error still points at the value.
    const QByteArray bom = "\xEF\xBB\xBF{\"source\": \"sqlite:a.db\", \"target\": \"sqlite:b.db\", \"batchSize\": 0}";
    auto withBom = parsePlan(bom, QStringLiteral("/plans/plan.json"));
    ASSERT_FALSE(withBom.ok());
    EXPECT_EQ(withBom.error().position, bom.indexOf("0}"));
    // A lone surrogate escape inside a URL.
    EXPECT_EQ(checkPlan(R"({"source": "sqmit\ud800db", "target": "sqlite:///data/t.db"})"), "");
    // Nesting past QJsonDocument's limit is a syntax error with its offset.
    EXPECT_EQ(checkPlan(QByteArray(5000, '[')), "");
    EXPECT_EQ(checkPlan(QByteArray("{\"source\": ") + QByteArray(2000, '[')), "");
}
