// The demo as a real upgrade: the whole plan runs (copies, validations, the four scripts of
// dir/scripts, indexes), then every table the scripts create or change is compared with the
// new layout computed here, in C++, from source.db — not by running the scripts' SQL.

#include "demo/demogenerator.h"
#include "support/testsupport.h"

#include <QMap>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QUrl>
#include <QUuid>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

constexpr qint64 kPartition = 5637144576;      // fill_new_columns: the default partition
constexpr qint64 kFirstPartyRecId = 5637144576; // merge_parties: parties count up from here

const QStringList kScripts{QStringLiteral("split_dimensions"), QStringLiteral("convert_enums"),
                           QStringLiteral("fill_new_columns"), QStringLiteral("merge_parties")};

// What is compared per table: the key and every column a script sets.
struct Compared {
    QString table;
    QStringList columns;
};
const QVector<Compared> kCompared{
    {QStringLiteral("LEDGERDIMENSIONVALUE"),
     {QStringLiteral("RECID"), QStringLiteral("LEDGERTRANSRECID"), QStringLiteral("ATTRIBUTE"),
      QStringLiteral("VALUE"), QStringLiteral("DATAAREAID")}},
    {QStringLiteral("SALESTABLE"), {QStringLiteral("RECID"), QStringLiteral("SALESSTATUS")}},
    {QStringLiteral("SALESLINE"), {QStringLiteral("RECID"), QStringLiteral("SALESSTATUS")}},
    {QStringLiteral("CUSTTABLE"),
     {QStringLiteral("RECID"), QStringLiteral("RECVERSION"), QStringLiteral("PARTITION"), QStringLiteral("PARTY")}},
    {QStringLiteral("VENDTABLE"),
     {QStringLiteral("RECID"), QStringLiteral("RECVERSION"), QStringLiteral("PARTITION"), QStringLiteral("PARTY")}},
    {QStringLiteral("INVENTTABLE"), {QStringLiteral("RECID"), QStringLiteral("RECVERSION"), QStringLiteral("PARTITION")}},
    {QStringLiteral("LEDGERTABLE"), {QStringLiteral("RECID"), QStringLiteral("RECVERSION"), QStringLiteral("PARTITION")}},
    {QStringLiteral("PURCHTABLE"), {QStringLiteral("RECID"), QStringLiteral("RECVERSION"), QStringLiteral("PARTITION")}},
    {QStringLiteral("DIRPARTYTABLE"),
     {QStringLiteral("RECID"), QStringLiteral("PARTYNUMBER"), QStringLiteral("NAME"), QStringLiteral("PARTYTYPE"),
      QStringLiteral("DATAAREAID"), QStringLiteral("PARTITION"), QStringLiteral("RECVERSION")}},
};

// Per table, its rows as text ("v | v | v", NULL as "NULL"), sorted.
using Layout = QMap<QString, QStringList>;

QString row(const QVariantList &values)
{
    QStringList parts;
    for (const QVariant &v : values)
        parts << (v.isNull() ? QStringLiteral("NULL") : v.toString());
    return parts.join(QStringLiteral(" | "));
}

QVector<QVariantList> select(const QSqlDatabase &db, const QString &sql)
{
    QVector<QVariantList> rows;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(sql)) {
        ADD_FAILURE() << sql.toStdString() << ": " << q.lastError().text().toStdString();
        return rows;
    }
    while (q.next()) {
        QVariantList values;
        for (int i = 0; i < q.record().count(); ++i)
            values << q.value(i);
        rows << values;
    }
    return rows;
}

// A QSqlDatabase connection that is removed again when this goes out of scope.
class Connection {
public:
    Connection(const QString &driver, const QString &name) : m_name(name)
    {
        m_db = QSqlDatabase::addDatabase(driver, name);
    }
    ~Connection()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase &db() { return m_db; }

private:
    QString m_name;
    QSqlDatabase m_db;
};

// The new layout as the scripts' headers and comments define it, from the old rows of source.db.
Layout expectedLayout(const QString &sourceDb)
{
    Connection c(QStringLiteral("QSQLITE"), QStringLiteral("demo-upgrade-expected"));
    c.db().setDatabaseName(sourceDb);
    c.db().setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    if (!c.db().open()) {
        ADD_FAILURE() << sourceDb.toStdString() << ": " << c.db().lastError().text().toStdString();
        return {};
    }
    Layout layout;

    // split_dimensions: element k of the dimension array, when neither NULL nor '', is a row
    // with RECID 3 * the ledger RECID + k.
    const QStringList attributes{QStringLiteral("Department"), QStringLiteral("CostCenter"), QStringLiteral("Purpose")};
    for (const QVariantList &r : select(c.db(), QStringLiteral("SELECT RECID, DATAAREAID, DIMENSION, DIMENSION2_, "
                                                               "DIMENSION3_ FROM LEDGERTRANS"))) {
        const qint64 recId = r[0].toLongLong();
        for (int k = 0; k < 3; ++k) {
            const QVariant &value = r[2 + k];
            if (!value.isNull() && !value.toString().isEmpty())
                layout[QStringLiteral("LEDGERDIMENSIONVALUE")]
                    << row({3 * recId + k, recId, attributes[k], value.toString(), r[1]});
        }
    }

    // convert_enums: the fixed mapping; an old value outside it stays, and fails the comparison.
    const QMap<qint64, qint64> newSalesStatus{{0, 10}, {1, 20}, {2, 30}, {3, 40}, {4, 90}};
    for (const QString &table : {QStringLiteral("SALESTABLE"), QStringLiteral("SALESLINE")})
        for (const QVariantList &r : select(c.db(), QStringLiteral("SELECT RECID, SALESSTATUS FROM %1").arg(table))) {
            const qint64 old = r[1].toLongLong();
            layout[table] << row({r[0], newSalesStatus.value(old, old)});
        }

    // fill_new_columns: PARTITION everywhere, RECVERSION 0 becomes 1. merge_parties: one party
    // per customer, then per vendor, each kind in RECID order.
    auto recVersion = [](const QVariant &v) { return v.toLongLong() == 0 ? qint64(1) : v.toLongLong(); };
    qint64 party = kFirstPartyRecId;
    for (const auto &[table, type] : {std::pair{QStringLiteral("CUSTTABLE"), QStringLiteral("Customer")},
                                      std::pair{QStringLiteral("VENDTABLE"), QStringLiteral("Vendor")}}) {
        for (const QVariantList &r : select(c.db(), QStringLiteral("SELECT RECID, RECVERSION, ACCOUNTNUM, NAME, "
                                                                   "DATAAREAID FROM %1 ORDER BY RECID").arg(table))) {
            layout[table] << row({r[0], recVersion(r[1]), kPartition, party});
            layout[QStringLiteral("DIRPARTYTABLE")] << row({party, r[2], r[3], type, r[4], kPartition, 1});
            ++party;
        }
    }
    for (const QString &table : {QStringLiteral("INVENTTABLE"), QStringLiteral("LEDGERTABLE"), QStringLiteral("PURCHTABLE")})
        for (const QVariantList &r : select(c.db(), QStringLiteral("SELECT RECID, RECVERSION FROM %1").arg(table)))
            layout[table] << row({r[0], recVersion(r[1]), kPartition});

    for (QStringList &rows : layout)
        rows.sort();
    return layout;
}

// The compared columns as the target holds them; `schema` qualifies the tables ("": the
// connection's own), names are quoted with `quote` (MariaDB: a backquote).
Layout actualLayout(const QSqlDatabase &db, const QString &schema, QChar quote = u'"')
{
    Layout layout;
    for (const Compared &c : kCompared) {
        QStringList columns;
        for (const QString &column : c.columns)
            columns << quote + column + quote;
        const QString table = (schema.isEmpty() ? QString() : schema + u'.') + quote + c.table + quote;
        QStringList &rows = layout[c.table];
        for (const QVariantList &r : select(db, QStringLiteral("SELECT %1 FROM %2").arg(columns.join(u','), table)))
            rows << row(r);
        rows.sort();
    }
    return layout;
}

// Rows of one table that are missing or unexpected (as multisets), the first few of each.
QStringList differences(const QStringList &expected, const QStringList &actual)
{
    QMap<QString, int> balance;
    for (const QString &r : expected)
        ++balance[r];
    for (const QString &r : actual)
        --balance[r];
    QStringList missing, unexpected;
    for (auto it = balance.cbegin(); it != balance.cend(); ++it) {
        if (it.value() > 0 && missing.size() < 5)
            missing << QStringLiteral("missing: ") + it.key();
        if (it.value() < 0 && unexpected.size() < 5)
            unexpected << QStringLiteral("unexpected: ") + it.key();
    }
    return missing + unexpected;
}

void expectLayout(const Layout &expected, const Layout &actual)
{
    for (const Compared &c : kCompared) {
        EXPECT_EQ(actual.value(c.table).size(), expected.value(c.table).size()) << qPrintable(c.table);
        EXPECT_EQ(differences(expected.value(c.table), actual.value(c.table)), QStringList()) << qPrintable(c.table);
    }
}

// The source has what each script converts: '' and NULL dimensions, RECVERSION 0 rows.
void expectSourceExercisesTheScripts(const QString &sourceDb, const Layout &expected)
{
    EXPECT_GT(queryInt(sourceDb, QStringLiteral("SELECT count(*) FROM LEDGERTRANS WHERE DIMENSION2_ = ''")), 0);
    EXPECT_GT(queryInt(sourceDb, QStringLiteral("SELECT count(*) FROM LEDGERTRANS WHERE DIMENSION3_ IS NULL")), 0);
    for (const char *table : {"CUSTTABLE", "VENDTABLE", "INVENTTABLE", "LEDGERTABLE", "PURCHTABLE"})
        EXPECT_GT(queryInt(sourceDb, QStringLiteral("SELECT count(*) FROM %1 WHERE RECVERSION = 0").arg(QLatin1String(table))), 0)
            << table;
    const qint64 ledgerRows = queryInt(sourceDb, QStringLiteral("SELECT count(*) FROM LEDGERTRANS"));
    EXPECT_GT(expected.value(QStringLiteral("LEDGERDIMENSIONVALUE")).size(), ledgerRows);
    EXPECT_LT(expected.value(QStringLiteral("LEDGERDIMENSIONVALUE")).size(), 3 * ledgerRows);
    for (const Compared &c : kCompared)
        EXPECT_FALSE(expected.value(c.table).isEmpty()) << qPrintable(c.table);
}

// Runs the demo plan to its end: every task, the four script tasks among them, ended.
void runToTheEnd(const Plan &plan)
{
    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, plan), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const TaskView &t : allTasks(run))
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
    for (const QString &script : kScripts) {
        const TaskView t = taskView(run, QStringLiteral("script:") + script);
        EXPECT_EQ(t.spec.name, QStringLiteral("script:") + script) << "no task for the demo script " << qPrintable(script);
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(script) << ": " << qPrintable(t.status.message);
    }
}

constexpr qint64 kInventTransRows = 3000;
constexpr double kOtherTablesScale = 0.02;

TEST(DemoUpgrade, SqliteTargetHoldsTheNewLayoutComputedFromTheSource)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    auto plan = writeDemo(DemoOptions{dir.path(), kInventTransRows, kOtherTablesScale});
    ASSERT_TRUE(plan.ok()) << plan.error().message.toStdString();
    const QString source = dir.filePath(QStringLiteral("source.db"));
    const Layout expected = expectedLayout(source);
    expectSourceExercisesTheScripts(source, expected);

    runToTheEnd(*plan);

    Connection c(QStringLiteral("QSQLITE"), QStringLiteral("demo-upgrade-sqlite-target"));
    c.db().setDatabaseName(dir.filePath(QStringLiteral("target.db")));
    ASSERT_TRUE(c.db().open()) << c.db().lastError().text().toStdString();
    expectLayout(expected, actualLayout(c.db(), QString()));
    // The copied tables the scripts only read are still the old layout.
    EXPECT_EQ(queryInt(dir.filePath(QStringLiteral("target.db")),
                       QStringLiteral("SELECT count(*) FROM LEDGERTRANS WHERE DIMENSION2_ = ''")),
              queryInt(source, QStringLiteral("SELECT count(*) FROM LEDGERTRANS WHERE DIMENSION2_ = ''")));
}

// The same demo with a PostgreSQL target, in a schema of its own (dropped afterwards).
TEST(DemoUpgradePostgres, TargetHoldsTheNewLayoutComputedFromTheSource)
{
    PgScratchSchema pg;
    if (pg.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test.sh starts the server)";
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    auto plan = writeDemo(DemoOptions{dir.path(), kInventTransRows, kOtherTablesScale, pg.url()});
    ASSERT_TRUE(plan.ok()) << plan.error().message.toStdString();
    ASSERT_EQ(plan->target.engine, EngineKind::PostgreSQL);
    const Layout expected = expectedLayout(dir.filePath(QStringLiteral("source.db")));
    expectSourceExercisesTheScripts(dir.filePath(QStringLiteral("source.db")), expected);

    runToTheEnd(*plan);

    expectLayout(expected, actualLayout(QSqlDatabase::database(pg.connectionName()), pg.schema()));
}

// And with a MariaDB target (the scripts' .mysql.sql variants), in a database of its own.
TEST(DemoUpgradeMysql, TargetHoldsTheNewLayoutComputedFromTheSource)
{
    MysqlScratchDatabase mysql;
    if (mysql.url().isEmpty())
        GTEST_SKIP() << "COCKPIT_TEST_MYSQL_URL is not set (scripts/test-servers.sh starts the server)";
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    auto plan = writeDemo(DemoOptions{dir.path(), kInventTransRows, kOtherTablesScale, mysql.url()});
    ASSERT_TRUE(plan.ok()) << plan.error().message.toStdString();
    ASSERT_EQ(plan->target.engine, EngineKind::MySQL);
    const Layout expected = expectedLayout(dir.filePath(QStringLiteral("source.db")));

    runToTheEnd(*plan);

    expectLayout(expected, actualLayout(QSqlDatabase::database(mysql.connectionName()), QString(), u'`'));
}

} // namespace
