// Names that try to inject SQL, on every engine pair: a table, columns, an index, a check, a
// foreign key and a view whose names close a quote and append a statement (`x"; DROP TABLE
// canary; --`, backticks, brackets, a single quote, a newline, 63 characters), in a PostgreSQL
// schema, a MariaDB database and a SQLite file whose names do the same. They are copied
// under their own names, or the task refuses them with a reason; never executed: the canary
// table on the target (outside the plan) keeps its row.
#include "support/awkwarddataset.h"
#include "support/testsupport.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

const QString kTable = QStringLiteral("x\"; DROP TABLE canary; --");
const QString kChild = QStringLiteral("c`); DROP TABLE canary; #");
const QString kBacktick = QStringLiteral("a`b``");
const QString kBrackets = QStringLiteral("[c] ]d[");
const QString kQuote = QStringLiteral("it's'); DROP TABLE canary; --");
const QString kNewline = QStringLiteral("new\nline");
const QString kLong = QString(63, u'n'); // PostgreSQL's limit (MariaDB's is 64)
const QString kIndex = QStringLiteral("i\"; DROP TABLE canary; --");
const QString kCheck = QStringLiteral("ck'; DROP TABLE canary; --");
const QString kForeignKey = QStringLiteral("fk`; DROP TABLE canary; --");
const QString kView = QStringLiteral("v\"; DROP VIEW x; --");
// The start of the schema (PostgreSQL), database (MariaDB, at most 64 characters with the
// test's unique part) or file name (SQLite): quotes of every kind, a statement, a '%' and a '?'
// that the URL must carry encoded.
const QString kNamespace = QStringLiteral("S'\"`; DROP TABLE canary; -- %41?#_");

QStringList createStatements(const TestDatabase &db)
{
    const auto q = [&](const QString &n) { return db.quote(n); };
    const auto t = [&](const QString &n) { return db.table(n); };
    return {QStringLiteral("CREATE TABLE %1 (id INTEGER PRIMARY KEY, %2 INTEGER, %3 VARCHAR(20), %4 INTEGER, %5 INTEGER, "
                           "%6 VARCHAR(40), CONSTRAINT %7 CHECK (%2 >= 0))")
                .arg(t(kTable), q(kBacktick), q(kBrackets), q(kNewline), q(kLong), q(kQuote), q(kCheck)),
            QStringLiteral("CREATE INDEX %1 ON %2 (%3, %4)").arg(q(kIndex), t(kTable), q(kBrackets), q(kNewline)),
            QStringLiteral("CREATE TABLE %1 (id INTEGER PRIMARY KEY, parent INTEGER, CONSTRAINT %2 FOREIGN KEY (parent) REFERENCES %3 (id))")
                .arg(t(kChild), q(kForeignKey), t(kTable)),
            QStringLiteral("INSERT INTO %1 VALUES (1, 10, 'a', 1, 1, 'x''); DROP TABLE canary; --'), (2, 20, 'b]', 2, 2, NULL), "
                           "(3, 30, '\"c\"', 3, 3, '`d`')")
                .arg(t(kTable)),
            QStringLiteral("INSERT INTO %1 VALUES (1, 1), (2, 3)").arg(t(kChild)),
            QStringLiteral("CREATE VIEW %1 AS SELECT id, %2 FROM %3 WHERE %2 > 10").arg(t(kView), q(kBacktick), t(kTable))};
}

class HostileNames : public ::testing::TestWithParam<Direction> {};

TEST_P(HostileNames, AreQuotedEverywhereAndNeverExecuted)
{
    const Direction d = GetParam();
    for (EngineKind k : {d.source, d.target})
        if (TestDatabase::serverUrl(k).isEmpty())
            GTEST_SKIP() << qPrintable(engineName(k)) << ": its URL variable is not set (scripts/test-servers.sh starts the server)";
    QTemporaryDir dir;
    QString error;
    auto source = TestDatabase::create(d.source, dir.path(), QStringLiteral("src"), &error, kNamespace);
    ASSERT_TRUE(source) << qPrintable(error);
    auto target = TestDatabase::create(d.target, dir.path(), QStringLiteral("tgt"), &error, kNamespace);
    ASSERT_TRUE(target) << qPrintable(error);
    for (const auto *db : {source.get(), target.get()}) { // execOne: the names hold "; "
        ASSERT_EQ(db->execOne(QStringLiteral("CREATE TABLE %1 (id INTEGER PRIMARY KEY)").arg(db->table(QStringLiteral("canary")))), QString());
        ASSERT_EQ(db->execOne(QStringLiteral("INSERT INTO %1 VALUES (42)").arg(db->table(QStringLiteral("canary")))), QString());
    }
    for (const QString &statement : createStatements(*source))
        ASSERT_EQ(source->execOne(statement), QString());
    // The plan leaves the canary out: the target's must stay as it is.
    const QString sourceCanary = source->execOne(QStringLiteral("DROP TABLE %1").arg(source->table(QStringLiteral("canary"))));
    ASSERT_EQ(sourceCanary, QString());

    Plan plan = Plan::fromUrls(*ConnectionUrl::parse(source->url(), dir.path()), *ConnectionUrl::parse(target->url(), dir.path()),
                               dir.filePath(QStringLiteral("state.db")));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(runToEnd(run));
    QStringList kinds;
    for (const auto &t : allTasks(run)) {
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
        kinds << toString(t.spec.kind);
    }
    for (const char *kind : {"prepare", "copy", "index", "check", "fk", "view", "validate"})
        EXPECT_TRUE(kinds.contains(QLatin1String(kind))) << kind << " in " << qPrintable(kinds.join(u' '));

    EXPECT_EQ(target->value(QStringLiteral("SELECT count(*) FROM %1").arg(target->table(QStringLiteral("canary")))), QStringLiteral("1"));
    EXPECT_EQ(target->value(QStringLiteral("SELECT sum(%1) FROM %2").arg(target->quote(kBacktick), target->table(kTable))),
              QStringLiteral("60"));
    EXPECT_EQ(target->value(QStringLiteral("SELECT %1 FROM %2 WHERE id = 1").arg(target->quote(kQuote), target->table(kTable))),
              QStringLiteral("x'); DROP TABLE canary; --"));
    EXPECT_EQ(target->value(QStringLiteral("SELECT %1 FROM %2 WHERE id = 2").arg(target->quote(kBrackets), target->table(kTable))),
              QStringLiteral("b]"));
    EXPECT_EQ(target->value(QStringLiteral("SELECT sum(%1) FROM %2").arg(target->quote(kLong), target->table(kTable))),
              QStringLiteral("6"));
    EXPECT_EQ(target->value(QStringLiteral("SELECT count(*) FROM %1").arg(target->table(kChild))), QStringLiteral("2"));
    EXPECT_EQ(target->value(QStringLiteral("SELECT count(*) FROM %1").arg(target->table(kView))), QStringLiteral("2"));
    // The check and the foreign key hold on the target: a row breaking either is refused.
    EXPECT_NE(target->execOne(QStringLiteral("INSERT INTO %1 (id, %2) VALUES (9, -1)").arg(target->table(kTable), target->quote(kBacktick))),
              QString());
    if (d.target != EngineKind::SQLite) { // SQLite checks foreign keys only with PRAGMA foreign_keys on
        EXPECT_NE(target->execOne(QStringLiteral("INSERT INTO %1 VALUES (9, 99)").arg(target->table(kChild))), QString());
    }
}

INSTANTIATE_TEST_SUITE_P(AllPairs, HostileNames, ::testing::ValuesIn(allDirections()),
                         [](const ::testing::TestParamInfo<Direction> &info) { return directionName(info.param); });

} // namespace
