// SQLite's dynamic typing: a declared type is only a hint, and SQLite holds values of any
// storage class in any column. Five shapes seen in real-world files, each copied to SQLite,
// PostgreSQL and MariaDB: the run ends with every table copied and validated equal, the
// target's types and key decided by the values actually present, and warnings that say so.
#include "engine/columntype.h"
#include "engine/dbconnection.h"
#include "engine/sqlite/sqliteengine.h"
#include "run/preflight.h"
#include "tasks/rejectfile.h"
#include "support/testsupport.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// ~1 MB of base64 text, as an application that stores attachments as text writes it.
QByteArray base64Text()
{
    QByteArray raw(750000, Qt::Uninitialized);
    QRandomGenerator gen(12);
    for (auto &b : raw)
        b = char(gen.bounded(256));
    return raw.toBase64();
}

void writeSource(const QString &path)
{
    execSqlite(path, QStringLiteral(
        // Text (and a real, and a misspelled type) in integer columns; a real with a fraction
        // in an otherwise integer column.
        "CREATE TABLE inttext (id INTEGER PRIMARY KEY, qty integer, n intege, r real, f int);"
        "INSERT INTO inttext VALUES (1, 5, 6, 1.5, 1), (2, 'many', 'seven', 'lots', 2.5), (3, NULL, 3.5, 2, NULL);"
        // A key that is not the rowid alias holding NULLs, which SQLite allows.
        "CREATE TABLE nullkey (id integer auto_increment primary key, v text);"
        "INSERT INTO nullkey VALUES (1, 'a'), (NULL, 'b'), (NULL, 'c');"
        // ... and a table that references that key.
        "CREATE TABLE nullkeychild (id INTEGER PRIMARY KEY, parent integer REFERENCES nullkey(id));"
        "INSERT INTO nullkeychild VALUES (1, 1), (2, NULL);"
        // Defaults spelled with double quotes: SQLite reads both as strings.
        // a's default fills row 1 with the text "0" (quotes and all): the column holds text; a2
        // holds only integers, so its default is read as the number it spells.
        "CREATE TABLE dq (id INTEGER PRIMARY KEY, a integer default '\"0\"', a2 integer default '\"0\"', "
        "b text DEFAULT \"x\", c varchar(10) default \"it's\");"
        "INSERT INTO dq (id, a2) VALUES (1, 7);"
        "CREATE TABLE blobtext (id INTEGER PRIMARY KEY, data BLOB);"
        // Integers beyond the declared width: SQLite keeps 64 bits in an INT or SMALLINT column
        // (a whole real too); w stays within 32 bits.
        "CREATE TABLE wideint (id INTEGER PRIMARY KEY, i int, s smallint, w int);"
        "INSERT INTO wideint VALUES (1, 5000000000, 70000, 2147483647), (2, -2147483649, 2.0, -2147483648), "
        "(3, 1, -32769.0, 7);"));
    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
    sqlite3_stmt *st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO blobtext VALUES (?, ?)", -1, &st, nullptr), SQLITE_OK);
    const QByteArray text = base64Text();
    sqlite3_bind_int(st, 1, 1);
    sqlite3_bind_text(st, 2, text.constData(), int(text.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    const char binary[] = {0, 1, 2, char(0xff), 'b', 'i', 'n'};
    sqlite3_bind_int(st, 1, 2);
    sqlite3_bind_blob(st, 2, binary, sizeof binary, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

enum class Target { SQLite, PostgreSQL, MariaDB };

class SqliteTyping : public ::testing::TestWithParam<Target> {
protected:
    QTemporaryDir dir;
    std::unique_ptr<PgScratchSchema> pg;
    std::unique_ptr<MysqlScratchDatabase> my;
    QString targetUrl, targetFile;

    void SetUp() override
    {
        switch (GetParam()) {
        case Target::SQLite:
            targetFile = dir.filePath(QStringLiteral("target.db"));
            targetUrl = QStringLiteral("sqlite:") + targetFile;
            break;
        case Target::PostgreSQL:
            pg = std::make_unique<PgScratchSchema>();
            if (pg->url().isEmpty())
                GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test.sh starts the server)";
            targetUrl = pg->url();
            break;
        case Target::MariaDB:
            my = std::make_unique<MysqlScratchDatabase>();
            if (my->url().isEmpty())
                GTEST_SKIP() << "COCKPIT_TEST_MYSQL_URL is not set (scripts/test.sh starts the server)";
            targetUrl = my->url();
            break;
        }
    }

    QString value(const QString &sql)
    {
        if (pg)
            return pg->value(sql);
        if (my)
            return my->value(sql);
        const QStringList v = queryStrings(targetFile, sql);
        return v.isEmpty() ? QStringLiteral("no row") : v.first();
    }
    void exec(const QString &sql)
    {
        if (pg)
            ASSERT_EQ(pg->exec(sql), QString());
        else if (my)
            ASSERT_EQ(my->exec(sql), QString());
        else
            execSqlite(targetFile, sql);
    }
    bool server() const { return GetParam() != Target::SQLite; }
};

} // namespace

TEST_P(SqliteTyping, EveryShapeCopiesAndValidatesEqual)
{
    const QString src = dir.filePath(QStringLiteral("source.db"));
    writeSource(src);
    Plan p = Plan::fromUrls(*ConnectionUrl::parse(QStringLiteral("sqlite:") + src, dir.path()),
                            *ConnectionUrl::parse(targetUrl, dir.path()), dir.filePath(QStringLiteral("state.db")));
    // A server's preflight says which key it cannot hold, before anything runs.
    auto preflight = runPreflight(p);
    ASSERT_TRUE(preflight.ok());
    bool keysWarned = false;
    for (const auto &check : preflight->checks)
        if (check.id == QLatin1String("source.keys"))
            keysWarned = check.status == CheckStatus::Warning && check.details.join(u' ').contains(QLatin1String("\"nullkey\": key column \"id\" holds NULLs"));
    EXPECT_EQ(keysWarned, server());

    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const auto &t : allTasks(run)) {
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
        if (t.spec.kind == TaskKind::Validate) {
            EXPECT_FALSE(t.status.skipped) << qPrintable(t.spec.name);
        }
    }

    // Every value as SQLite holds it; a number kept as text reads as its text.
    EXPECT_EQ(value(QStringLiteral("SELECT count(*) FROM inttext")), QStringLiteral("3"));
    EXPECT_EQ(value(QStringLiteral("SELECT qty FROM inttext WHERE id = 2")), QStringLiteral("many"));
    EXPECT_EQ(value(QStringLiteral("SELECT qty FROM inttext WHERE id = 1")), QStringLiteral("5"));
    EXPECT_EQ(value(QStringLiteral("SELECT n FROM inttext WHERE id = 2")), QStringLiteral("seven"));
    EXPECT_EQ(value(QStringLiteral("SELECT r FROM inttext WHERE id = 2")), QStringLiteral("lots"));
    EXPECT_EQ(value(QStringLiteral("SELECT f FROM inttext WHERE id = 2")), QStringLiteral("2.5"));
    EXPECT_EQ(value(QStringLiteral("SELECT count(*) FROM nullkey")), QStringLiteral("3"));
    EXPECT_EQ(value(QStringLiteral("SELECT count(*) FROM nullkey WHERE id IS NULL")), QStringLiteral("2"));
    EXPECT_EQ(value(QStringLiteral("SELECT length(data) FROM blobtext WHERE id = 1")), QStringLiteral("1000000"));
    EXPECT_EQ(value(QStringLiteral("SELECT length(data) FROM blobtext WHERE id = 2")), QStringLiteral("7"));
    EXPECT_EQ(value(QStringLiteral("SELECT i FROM wideint WHERE id = 1")), QStringLiteral("5000000000"));
    EXPECT_EQ(value(QStringLiteral("SELECT i FROM wideint WHERE id = 2")), QStringLiteral("-2147483649"));
    EXPECT_EQ(value(QStringLiteral("SELECT s FROM wideint WHERE id = 1")), QStringLiteral("70000"));
    EXPECT_EQ(value(QStringLiteral("SELECT w FROM wideint WHERE id = 2")), QStringLiteral("-2147483648"));

    // The double-quoted defaults hold as SQLite reads them: '"0"' is that text in a column
    // holding text, and on a server the number it spells in a column holding integers
    // (SQLite keeps the text there too); "x" is the string x.
    exec(QStringLiteral("INSERT INTO dq (id) VALUES (2)"));
    EXPECT_EQ(value(QStringLiteral("SELECT a FROM dq WHERE id = 1")), QStringLiteral("\"0\""));
    EXPECT_EQ(value(QStringLiteral("SELECT a FROM dq WHERE id = 2")), QStringLiteral("\"0\""));
    EXPECT_EQ(value(QStringLiteral("SELECT a2 FROM dq WHERE id = 2")), server() ? QStringLiteral("0") : QStringLiteral("\"0\""));
    EXPECT_EQ(value(QStringLiteral("SELECT b FROM dq WHERE id = 2")), QStringLiteral("x"));
    EXPECT_EQ(value(QStringLiteral("SELECT c FROM dq WHERE id = 2")), QStringLiteral("it's"));

    if (!server())
        return;
    // The values decided the types: text where text was found, a double for 2.5, the declared
    // type elsewhere; each change is a warning of the table's prepare, naming the first value.
    const QString typeOf = pg ? QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_schema = '%1' "
                                               "AND table_name = 'inttext' AND column_name = '%2'")
                                  .arg(pg->schema())
                              : QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_schema = '%1' "
                                               "AND table_name = 'inttext' AND column_name = '%2'")
                                  .arg(my->database());
    const QString text = pg ? QStringLiteral("text") : QStringLiteral("longtext");
    EXPECT_EQ(value(typeOf.arg(QStringLiteral("qty"))), text);
    EXPECT_EQ(value(typeOf.arg(QStringLiteral("n"))), text);
    EXPECT_EQ(value(typeOf.arg(QStringLiteral("f"))), QStringLiteral("double") + (pg ? QStringLiteral(" precision") : QString()));
    EXPECT_EQ(value(typeOf.arg(QStringLiteral("id"))), QStringLiteral("bigint"));
    EXPECT_TRUE(taskView(run, QStringLiteral("prepare:inttext")).status.message.contains(QStringLiteral("4 warning(s)")))
        << qPrintable(taskView(run, QStringLiteral("prepare:inttext")).status.message);
    const QStringList log = queryStrings(dir.filePath(QStringLiteral("state.db")),
                                         QStringLiteral("SELECT message FROM task_log WHERE task = 'prepare:inttext' AND level = 'warn'"));
    EXPECT_TRUE(log.join(u'\n').contains(QStringLiteral("column \"qty\" (declared INTEGER) is text on the target: the value \"many\" "
                                                        "is not an integer"), Qt::CaseInsensitive))
        << qPrintable(log.join(u'\n'));
    // An integer column holding values beyond its declared width is bigint; one within it keeps its type.
    const QString wideType = QString(typeOf).replace(QStringLiteral("'inttext'"), QStringLiteral("'wideint'"));
    EXPECT_EQ(value(wideType.arg(QStringLiteral("i"))), QStringLiteral("bigint"));
    EXPECT_EQ(value(wideType.arg(QStringLiteral("s"))), QStringLiteral("bigint"));
    EXPECT_EQ(value(wideType.arg(QStringLiteral("w"))), pg ? QStringLiteral("integer") : QStringLiteral("int"));
    EXPECT_EQ(value(QStringLiteral("SELECT s FROM wideint WHERE id = 3")), QStringLiteral("-32769"));
    const QStringList wideLog = queryStrings(dir.filePath(QStringLiteral("state.db")),
                                             QStringLiteral("SELECT message FROM task_log WHERE task = 'prepare:wideint' AND level = 'warn'"));
    EXPECT_EQ(wideLog.size(), 2) << qPrintable(wideLog.join(u'\n'));
    EXPECT_TRUE(wideLog.join(u'\n').contains(QStringLiteral("column \"i\" (declared int) is bigint on the target: the value "
                                                            "\"5000000000\" does not fit in 32 bits"), Qt::CaseInsensitive))
        << qPrintable(wideLog.join(u'\n'));
    // The key with NULLs: copied without it, and said where an administrator looks.
    EXPECT_TRUE(taskView(run, QStringLiteral("prepare:nullkey")).status.message.contains(QStringLiteral("1 warning")));
    if (pg) {
        EXPECT_EQ(value(QStringLiteral("SELECT count(*) FROM pg_constraint WHERE conrelid = '%1.nullkey'::regclass AND contype = 'p'")
                            .arg(pg->schema())),
                  QStringLiteral("0"));
        EXPECT_TRUE(taskView(run, QStringLiteral("pk:nullkey")).status.skipped);
    }
    // A foreign key onto the dropped key cannot be created on a server: skipped, saying why.
    int childKeys = 0;
    for (const auto &t : allTasks(run))
        if (t.spec.kind == TaskKind::ForeignKey && t.spec.table == QLatin1String("nullkeychild")) {
            ++childKeys;
            EXPECT_TRUE(t.status.skipped) << qPrintable(t.status.message);
            EXPECT_TRUE(t.status.message.contains(QLatin1String("\"nullkey\" is on the target without its primary key")))
                << qPrintable(t.status.message);
        }
    EXPECT_EQ(childKeys, 1);
    if (pg) {
        EXPECT_EQ(value(QStringLiteral("SELECT count(*) FROM pg_constraint WHERE conrelid = '%1.inttext'::regclass AND contype = 'p'")
                            .arg(pg->schema())),
                  QStringLiteral("1"));
    }
}

// The plan's other answer to a key holding NULLs: the key is kept, and the rows with a NULL in
// it are rejects with their reason; the foreign key onto it is created.
TEST_P(SqliteTyping, NullKeysRejectKeepsTheKeyAndListsTheRows)
{
    const QString src = dir.filePath(QStringLiteral("source.db"));
    writeSource(src);
    Plan p = Plan::fromUrls(*ConnectionUrl::parse(QStringLiteral("sqlite:") + src, dir.path()),
                            *ConnectionUrl::parse(targetUrl, dir.path()), dir.filePath(QStringLiteral("state.db")));
    p.nullKeys = NullKeys::Reject;
    p.tableOptions[QStringLiteral("nullkey")].maxRejects = 2;
    auto preflight = runPreflight(p);
    ASSERT_TRUE(preflight.ok());
    for (const auto &check : preflight->checks)
        if (check.id == QLatin1String("source.keys")) {
            EXPECT_TRUE(check.details.join(u' ').contains(QLatin1String("\"nullkey\": key column \"id\" holds NULLs; nullKeys is \"reject\": "
                                                                          "those rows are rejects, counted against maxRejects (2)")))
                << qPrintable(check.details.join(u'\n'));
        }

    UpgradeRun run;
    ASSERT_EQ(openAndWait(run, p), QString());
    ASSERT_TRUE(runToEnd(run));
    for (const auto &t : allTasks(run)) {
        EXPECT_EQ(t.status.state, TaskState::Ended) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
        if (t.spec.table.startsWith(QLatin1String("nullkey"))) {
            EXPECT_FALSE(t.status.skipped) << qPrintable(t.spec.name) << ": " << qPrintable(t.status.message);
        }
    }
    if (!server()) { // SQLite keeps SQLite's typing: every row, as it is
        EXPECT_EQ(value(QStringLiteral("SELECT count(*) FROM nullkey WHERE id IS NULL")), QStringLiteral("2"));
        return;
    }
    EXPECT_EQ(value(QStringLiteral("SELECT count(*) FROM nullkey")), QStringLiteral("1"));
    EXPECT_TRUE(taskView(run, QStringLiteral("copy:nullkey")).status.message.contains(QLatin1String("2 rejected")))
        << qPrintable(taskView(run, QStringLiteral("copy:nullkey")).status.message);
    QFile rejects(RejectFile::pathFor(p.rejectsDirectory(), QStringLiteral("nullkey")));
    ASSERT_TRUE(rejects.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(rejects.readAll()).split(u'\n', Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 3) << qPrintable(lines.join(u'\n')); // a header and the two rows
    EXPECT_TRUE(lines[1].startsWith(QLatin1String("nullkey,2,id,,\"NULL in \"\"id\"\", which is NOT NULL on the target"))) << qPrintable(lines[1]);
    // The key and the foreign key onto it hold: a second row with key 1, or a child of a
    // missing parent, is refused.
    EXPECT_NE(pg ? pg->exec(QStringLiteral("INSERT INTO nullkey VALUES (1, 'again')")) : my->exec(QStringLiteral("INSERT INTO nullkey VALUES (1, 'again')")),
              QString());
    EXPECT_NE(pg ? pg->exec(QStringLiteral("INSERT INTO nullkeychild VALUES (9, 42)")) : my->exec(QStringLiteral("INSERT INTO nullkeychild VALUES (9, 42)")),
              QString());
}

INSTANTIATE_TEST_SUITE_P(Targets, SqliteTyping, ::testing::Values(Target::SQLite, Target::PostgreSQL, Target::MariaDB),
                         [](const auto &info) {
                             return std::string(info.param == Target::SQLite       ? "SQLite"
                                                : info.param == Target::PostgreSQL ? "PostgreSQL"
                                                                                   : "MariaDB");
                         });

// The defaults of the shapes above, one by one: SQLite's reading where a server would read
// otherwise, nothing where there is no equivalent.
TEST(PortableDefault, DoubleQuotesAndStringNumbersAreReadAsSqliteReadsThem)
{
    const ColumnType text = sqliteColumnType(QStringLiteral("TEXT"));
    const ColumnType integer = sqliteColumnType(QStringLiteral("INTEGER"));
    const ColumnType boolean = sqliteColumnType(QStringLiteral("BOOLEAN"));
    QString changed;
    EXPECT_EQ(portableDefault(QStringLiteral("\"x\""), text, &changed), QStringLiteral("'x'"));
    EXPECT_EQ(changed, QStringLiteral("read as the string 'x', as SQLite does"));
    EXPECT_EQ(portableDefault(QStringLiteral("\"it's \"\"q\"\"\""), text), QStringLiteral("'it''s \"q\"'"));
    changed.clear();
    EXPECT_EQ(portableDefault(QStringLiteral("'\"0\"'"), integer, &changed), QStringLiteral("0"));
    EXPECT_EQ(changed, QStringLiteral("read as the number 0"));
    EXPECT_EQ(portableDefault(QStringLiteral("'\"0\"'"), text), QStringLiteral("'\"0\"'"));
    EXPECT_EQ(portableDefault(QStringLiteral("'\"abc\"'"), integer), QString());
    changed.clear();
    EXPECT_EQ(portableDefault(QStringLiteral("'-12.5'"), integer, &changed), QStringLiteral("-12.5"));
    EXPECT_EQ(changed, QString()); // a plain quoted number reads the same everywhere
    EXPECT_EQ(portableDefault(QStringLiteral("0"), boolean), QStringLiteral("FALSE"));
    EXPECT_EQ(portableDefault(QStringLiteral("'1'"), boolean), QStringLiteral("TRUE"));
    EXPECT_EQ(portableDefault(QStringLiteral("2"), boolean), QString());
    EXPECT_EQ(portableDefault(QStringLiteral("(datetime('now'))"), text), QStringLiteral("CURRENT_TIMESTAMP"));
    EXPECT_EQ(portableDefault(QStringLiteral("abs(-3)"), integer), QString());
    // A PostgreSQL source's double quotes name a column, never a string.
    ColumnType pgText = text;
    pgText.nativeEngine = EngineKind::PostgreSQL;
    EXPECT_EQ(portableDefault(QStringLiteral("\"x\""), pgText), QString());
}
