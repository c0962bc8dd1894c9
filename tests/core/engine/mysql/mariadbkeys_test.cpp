// PostgreSQL keys that MariaDB cannot declare as they are, seen on real schemas: a foreign key
// `ON DELETE SET NULL ON UPDATE CASCADE` on a NOT NULL column (errno 150 "Foreign key constraint
// is incorrectly formed"), the same from an inherited and from a partitioned table, and a
// serial column that starts no key (MariaDB numbers only a column that does). The run ends
// without an Error: each key is created as one refusing the same changes, or skipped with
// the reason, and the rows are all there.
#include "support/awkwarddataset.h"
#include "support/testsupport.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

TEST(MariaDbKeys, PostgresForeignKeysAndSerialsItCannotDeclareEndWithWarningsNotErrors)
{
    for (EngineKind k : {EngineKind::PostgreSQL, EngineKind::MySQL})
        if (TestDatabase::serverUrl(k).isEmpty())
            GTEST_SKIP() << "the PostgreSQL and MariaDB test servers are not set (scripts/test-servers.sh starts them)";
    QTemporaryDir dir;
    QString error;
    auto source = TestDatabase::create(EngineKind::PostgreSQL, dir.path(), QStringLiteral("src"), &error);
    ASSERT_TRUE(source) << qPrintable(error);
    auto target = TestDatabase::create(EngineKind::MySQL, dir.path(), QStringLiteral("tgt"), &error);
    ASSERT_TRUE(target) << qPrintable(error);
    const QString s = source->schema();
    for (const QString &sql : {
             QStringLiteral("CREATE TABLE %1.parent (id serial PRIMARY KEY, name text)"),
             QStringLiteral("CREATE TABLE %1.child (id serial PRIMARY KEY, parent_id integer NOT NULL "
                            "REFERENCES %1.parent ON DELETE SET NULL ON UPDATE CASCADE)"),
             QStringLiteral("CREATE TABLE %1.base (id serial, parent_id integer)"),
             QStringLiteral("CREATE TABLE %1.inh (extra text) INHERITS (%1.base)"),
             QStringLiteral("ALTER TABLE %1.inh ADD PRIMARY KEY (id)"),
             QStringLiteral("ALTER TABLE %1.inh ADD CONSTRAINT inh_fk FOREIGN KEY (parent_id) REFERENCES %1.parent "
                            "ON DELETE SET NULL ON UPDATE CASCADE"),
             QStringLiteral("CREATE TABLE %1.part (id integer, parent_id integer, PRIMARY KEY (id)) PARTITION BY RANGE (id)"),
             QStringLiteral("CREATE TABLE %1.part1 PARTITION OF %1.part FOR VALUES FROM (0) TO (100)"),
             QStringLiteral("ALTER TABLE %1.part ADD CONSTRAINT part_fk FOREIGN KEY (parent_id) REFERENCES %1.parent "
                            "ON DELETE SET NULL ON UPDATE CASCADE"),
             QStringLiteral("INSERT INTO %1.parent (name) VALUES ('a'), ('b'), ('c')"),
             QStringLiteral("INSERT INTO %1.child (parent_id) VALUES (1), (2)"),
             QStringLiteral("INSERT INTO %1.base (parent_id) VALUES (3)"),
             QStringLiteral("INSERT INTO %1.inh (parent_id, extra) VALUES (1, 'x'), (NULL, 'y')"),
             QStringLiteral("INSERT INTO %1.part VALUES (1, 2), (2, NULL)")})
        ASSERT_EQ(source->execOne(sql.arg(s)), QString());

    Plan plan = Plan::fromUrls(*ConnectionUrl::parse(source->url(), dir.path()), *ConnectionUrl::parse(target->url(), dir.path()),
                               dir.filePath(QStringLiteral("state.db")));
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const auto &t : allTasks(run))
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);

    // The NOT NULL column's key refuses what PostgreSQL refused (deleting a referenced parent)
    // and still cascades an update; the nullable ones keep SET NULL.
    const TaskView child = taskView(run, QStringLiteral("fk:child.child_parent_id_fkey"));
    EXPECT_TRUE(child.status.message.contains(QLatin1String("1 warning"))) << qPrintable(child.status.message);
    const QString rules = QStringLiteral("SELECT CONCAT(DELETE_RULE, '/', UPDATE_RULE) FROM information_schema.REFERENTIAL_CONSTRAINTS "
                                         "WHERE CONSTRAINT_SCHEMA = DATABASE() AND CONSTRAINT_NAME = '%1'");
    EXPECT_EQ(target->value(rules.arg(QStringLiteral("child_parent_id_fkey"))), QStringLiteral("RESTRICT/CASCADE"));
    EXPECT_EQ(target->value(rules.arg(QStringLiteral("inh_fk"))), QStringLiteral("SET NULL/CASCADE"));
    EXPECT_EQ(target->value(rules.arg(QStringLiteral("part_fk"))), QStringLiteral("SET NULL/CASCADE"));
    EXPECT_NE(target->execOne(QStringLiteral("DELETE FROM parent WHERE id = 1")), QString());
    EXPECT_EQ(target->execOne(QStringLiteral("UPDATE parent SET id = 20 WHERE id = 2")), QString());
    EXPECT_EQ(target->value(QStringLiteral("SELECT parent_id FROM child WHERE id = 2")), QStringLiteral("20"));
    EXPECT_EQ(target->value(QStringLiteral("SELECT parent_id FROM part WHERE id = 1")), QStringLiteral("20"));

    // base.id: a serial that starts no key.
    const TaskView identity = taskView(run, QStringLiteral("identity:base"));
    EXPECT_TRUE(identity.status.skipped);
    EXPECT_TRUE(identity.status.message.contains(QLatin1String("numbers only an integer column that starts a key")))
        << qPrintable(identity.status.message);
    EXPECT_EQ(target->value(QStringLiteral("SELECT count(*) FROM base")), QStringLiteral("1"));
    EXPECT_EQ(target->value(QStringLiteral("SELECT count(*) FROM inh")), QStringLiteral("2"));
    EXPECT_EQ(taskView(run, QStringLiteral("finalize")).status.state, TaskState::Ended);
}
