#include "scripts/scriptfile.h"
#include "scripts/scriptfolder.h"
#include "scripts/sqlsplitter.h"
#include "scripts/sqltables.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;

namespace {

QVector<SqlStatement> split(const QString &text, EngineKind dialect)
{
    auto r = splitSqlStatements(text, dialect);
    EXPECT_TRUE(r.ok()) << r.error().message.toStdString();
    return r.ok() ? *r : QVector<SqlStatement>{};
}

std::string splitError(const QString &text, EngineKind dialect)
{
    auto r = splitSqlStatements(text, dialect);
    return r.ok() ? std::string("(no error)") : r.error().message.toStdString();
}

QStringList sqlOf(const QVector<SqlStatement> &statements)
{
    QStringList out;
    for (const SqlStatement &s : statements)
        out.append(s.sql);
    return out;
}

QList<int> linesOf(const QVector<SqlStatement> &statements)
{
    QList<int> out;
    for (const SqlStatement &s : statements)
        out.append(s.line);
    return out;
}

Result<ScriptFile> parse(const QString &text, EngineKind target = EngineKind::PostgreSQL,
                         const QString &fileName = QStringLiteral("fix.sql"))
{
    return parseScriptFile(QStringLiteral("/scripts/") + fileName, text, target);
}

std::string parseError(const QString &text, EngineKind target = EngineKind::PostgreSQL)
{
    auto r = parse(text, target);
    return r.ok() ? std::string("(no error)") : r.error().message.toStdString();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly)) << path.toStdString();
    f.write(bytes);
}

QStringList namesOf(const ScriptFolder &folder)
{
    QStringList out;
    for (const ScriptFile &s : folder.scripts)
        out.append(s.name);
    return out;
}

} // namespace

// --- splitter ---------------------------------------------------------------------------------

TEST(SqlSplitter, SemicolonsInsideStringsIdentifiersAndCommentsDoNotSplit)
{
    const auto s = split(QStringLiteral("INSERT INTO t VALUES ('a;b', 'it''s;');\n"
                                        "SELECT \"odd;\"\"name\" FROM t; -- trailing; comment\n"
                                        "/* block; comment */ UPDATE t /* inner; */ SET x = 1 /* trailing; */;\n"),
                         EngineKind::PostgreSQL);
    EXPECT_EQ(sqlOf(s), QStringList({QStringLiteral("INSERT INTO t VALUES ('a;b', 'it''s;')"),
                                     QStringLiteral("SELECT \"odd;\"\"name\" FROM t"),
                                     QStringLiteral("UPDATE t /* inner; */ SET x = 1")}));
    EXPECT_EQ(linesOf(s), QList<int>({1, 2, 3}));
}

TEST(SqlSplitter, PostgresDollarQuotesWithTagsNestAndParametersAreNotQuotes)
{
    const QString fn = QStringLiteral(
        "CREATE FUNCTION f(a int) RETURNS int AS $body$\n"
        "BEGIN\n"
        "  EXECUTE $q$SELECT 1; SELECT $$x;$$$q$;\n"
        "  RETURN a;\n"
        "END;\n"
        "$body$ LANGUAGE plpgsql");
    const auto s = split(fn + QStringLiteral(";\nPREPARE p AS SELECT $1 + 1;\nDO $$ BEGIN PERFORM 1; END $$;\n"),
                         EngineKind::PostgreSQL);
    ASSERT_EQ(s.size(), 3);
    EXPECT_EQ(s[0].sql, fn);
    EXPECT_EQ(s[1].sql, QStringLiteral("PREPARE p AS SELECT $1 + 1"));
    EXPECT_EQ(s[2].sql, QStringLiteral("DO $$ BEGIN PERFORM 1; END $$"));
    EXPECT_EQ(linesOf(s), QList<int>({1, 7, 8}));
}

TEST(SqlSplitter, PostgresEStringsTakeBackslashEscapesPlainStringsDoNot)
{
    const auto s = split(QStringLiteral("SELECT E'it\\'s; fine';\nSELECT 'C:\\';\nSELECT e'\\\\';"),
                         EngineKind::PostgreSQL);
    EXPECT_EQ(sqlOf(s), QStringList({QStringLiteral("SELECT E'it\\'s; fine'"), QStringLiteral("SELECT 'C:\\'"),
                                     QStringLiteral("SELECT e'\\\\'")}));
}

TEST(SqlSplitter, PostgresBeginAtomicBodyAndNestedBlockComments)
{
    const auto s = split(QStringLiteral("/* outer /* inner; */ still; */\n"
                                        "CREATE FUNCTION g() RETURNS int LANGUAGE sql\n"
                                        "BEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN true THEN 2 END;\nEND;\n"
                                        "BEGIN;\nCOMMIT;"),
                         EngineKind::PostgreSQL);
    ASSERT_EQ(s.size(), 3);
    EXPECT_TRUE(s[0].sql.startsWith(QLatin1String("CREATE FUNCTION g()")));
    EXPECT_TRUE(s[0].sql.endsWith(QLatin1String("END")));
    EXPECT_EQ(linesOf(s), QList<int>({2, 7, 8}));
}

TEST(SqlSplitter, MysqlBackslashEscapesBackticksHashCommentsAndDashRule)
{
    const auto s = split(QStringLiteral("INSERT INTO `we;ird``t` VALUES ('a\\';b', \"c\\\";d\");\n"
                                        "# hash; comment\n"
                                        "SELECT 5--1;\n"
                                        "-- dash; comment\n"
                                        "/*!40101 SET NAMES utf8 */;\n"),
                         EngineKind::MySQL);
    EXPECT_EQ(sqlOf(s), QStringList({QStringLiteral("INSERT INTO `we;ird``t` VALUES ('a\\';b', \"c\\\";d\")"),
                                     QStringLiteral("SELECT 5--1"), QStringLiteral("/*!40101 SET NAMES utf8 */")}));
    EXPECT_EQ(linesOf(s), QList<int>({1, 3, 5}));
}

TEST(SqlSplitter, MysqlProcedureWithoutDelimiterKeepsItsBody)
{
    const QString proc = QStringLiteral(
        "CREATE DEFINER=`root`@`%` PROCEDURE fill(IN n INT)\n"
        "BEGIN\n"
        "  DECLARE i INT DEFAULT 0;\n"
        "  lbl: WHILE i < n DO\n"
        "    IF i % 2 = 0 THEN INSERT INTO t VALUES (i); END IF;\n"
        "    CASE i WHEN 3 THEN SET i = i + 1; ELSE BEGIN END; END CASE;\n"
        "    SET i = i + 1;\n"
        "  END WHILE lbl;\n"
        "END");
    const auto s = split(proc + QStringLiteral(";\nCALL fill(10);\n"), EngineKind::MySQL);
    ASSERT_EQ(s.size(), 2);
    EXPECT_EQ(s[0].sql, proc);
    EXPECT_EQ(s[1].sql, QStringLiteral("CALL fill(10)"));
    EXPECT_EQ(s[1].line, 10);
}

TEST(SqlSplitter, SqliteTriggerBodyWithCaseAndBracketsAndTransactionBegin)
{
    const QString trigger = QStringLiteral(
        "CREATE TRIGGER IF NOT EXISTS [sales;log] AFTER INSERT ON sales\n"
        "BEGIN\n"
        "  UPDATE totals SET n = n + CASE WHEN new.qty > 0 THEN 1 ELSE 0 END;\n"
        "  INSERT INTO log VALUES (new.id, 'x;y');\n"
        "END");
    const auto s = split(QStringLiteral("BEGIN TRANSACTION;\n") + trigger
                             + QStringLiteral(";\nBEGIN;\nUPDATE t SET `a;b` = 1;\nEND;\n"),
                         EngineKind::SQLite);
    ASSERT_EQ(s.size(), 5);
    EXPECT_EQ(s[0].sql, QStringLiteral("BEGIN TRANSACTION"));
    EXPECT_EQ(s[1].sql, trigger);
    EXPECT_EQ(s[2].sql, QStringLiteral("BEGIN"));
    EXPECT_EQ(s[3].sql, QStringLiteral("UPDATE t SET `a;b` = 1"));
    EXPECT_EQ(s[4].sql, QStringLiteral("END"));
    EXPECT_EQ(linesOf(s), QList<int>({1, 2, 7, 8, 9}));
}

TEST(SqlSplitter, CommentOnlyTextHasNoStatements)
{
    EXPECT_TRUE(split(QStringLiteral("-- nothing here;\n/* nor; here */\n\n;;\n"), EngineKind::SQLite).isEmpty());
    EXPECT_TRUE(split(QStringLiteral("# only; a comment\n"), EngineKind::MySQL).isEmpty());
}

TEST(SqlSplitter, LinesCountedAcrossMultiLineCommentsAndStringsAndFromFirstLine)
{
    const auto s = splitSqlStatements(QStringLiteral("/* one\ntwo\nthree */ SELECT 'a\nb';\n\n  -- x\n  SELECT 2"),
                                      EngineKind::SQLite, 10);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(linesOf(*s), QList<int>({12, 16}));
    EXPECT_EQ(s->at(1).sql, QStringLiteral("SELECT 2"));
}

TEST(SqlSplitter, EachUnterminatedFormIsAnErrorWithItsLine)
{
    EXPECT_EQ(splitError(QStringLiteral("SELECT 1;\nSELECT 'abc;\n"), EngineKind::SQLite),
              "unterminated string starting at line 2");
    EXPECT_EQ(splitError(QStringLiteral("\n\nSELECT \"abc;"), EngineKind::PostgreSQL),
              "unterminated quoted identifier starting at line 3");
    EXPECT_EQ(splitError(QStringLiteral("SELECT `abc;"), EngineKind::MySQL),
              "unterminated quoted identifier starting at line 1");
    EXPECT_EQ(splitError(QStringLiteral("SELECT [abc;"), EngineKind::SQLite),
              "unterminated quoted identifier starting at line 1");
    EXPECT_EQ(splitError(QStringLiteral("SELECT 1;\n/* open\n"), EngineKind::MySQL),
              "unterminated block comment starting at line 2");
    EXPECT_EQ(splitError(QStringLiteral("/* a /* b */\n"), EngineKind::PostgreSQL),
              "unterminated block comment starting at line 1");
    EXPECT_EQ(splitError(QStringLiteral("SELECT 1;\nDO $fn$ BEGIN END $$;"), EngineKind::PostgreSQL),
              "unterminated dollar quote $fn$ starting at line 2");
    EXPECT_EQ(splitError(QStringLiteral("SELECT 1;\nCREATE TRIGGER tr AFTER INSERT ON t\nBEGIN\n  SELECT 1;\n"),
                         EngineKind::SQLite),
              "unterminated BEGIN ... END body starting at line 3");
    EXPECT_EQ(splitError(QStringLiteral("SELECT 'it\\'s';"), EngineKind::MySQL), "(no error)");
    auto r = splitSqlStatements(QStringLiteral("\n'open"), EngineKind::SQLite);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().position, 2);
}

// --- tables -------------------------------------------------------------------------------------

TEST(SqlTables, UpdateFromInsertSelectJoinQuotedNamesAndCtes)
{
    auto t = tablesOfStatement(QStringLiteral("UPDATE sales.\"Order Lines\" ol SET price = p.price FROM prices p "
                                              "WHERE p.id = ol.pid AND EXTRACT(YEAR FROM ol.day) = 2024"),
                               EngineKind::PostgreSQL);
    EXPECT_EQ(t.written, QStringList({QStringLiteral("Order Lines")}));
    EXPECT_EQ(t.read, QStringList({QStringLiteral("prices")}));

    t = tablesOfStatement(QStringLiteral("INSERT INTO `dim product` (id, name) SELECT s.id, c.name FROM shop.SALES s "
                                         "JOIN `cat alog` c ON c.id = s.cat LEFT JOIN (SELECT id FROM extra) x "
                                         "ON x.id = s.id, other o WHERE s.id IN (SELECT id FROM `dim product`)"),
                          EngineKind::MySQL);
    EXPECT_EQ(t.written, QStringList({QStringLiteral("dim product")}));
    EXPECT_EQ(t.read, QStringList({QStringLiteral("SALES"), QStringLiteral("cat alog"), QStringLiteral("extra"),
                                   QStringLiteral("dim product")}));

    t = tablesOfStatement(QStringLiteral("WITH recent AS (SELECT * FROM [order lines] WHERE day > 5), "
                                         "totals(id, n) AS (SELECT id, count(*) FROM recent GROUP BY id) "
                                         "INSERT INTO summary SELECT * FROM totals, generate_series(1, 2) g"),
                          EngineKind::SQLite);
    EXPECT_EQ(t.read, QStringList({QStringLiteral("order lines")}));
    EXPECT_EQ(t.written, QStringList({QStringLiteral("summary")}));
}

TEST(SqlTables, WritingStatementsOfEveryKind)
{
    const QStringList statements{
        QStringLiteral("DELETE FROM a USING b WHERE a.id = b.id"), QStringLiteral("ALTER TABLE IF EXISTS ONLY c ADD x int"),
        QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS d AS SELECT * FROM e"),
        QStringLiteral("DROP TABLE IF EXISTS f, s.g"), QStringLiteral("TRUNCATE TABLE h"),
        QStringLiteral("MERGE INTO i USING j ON i.id = j.id WHEN MATCHED THEN UPDATE SET v = j.v"),
        QStringLiteral("CREATE UNIQUE INDEX IF NOT EXISTS ix ON k (a)"), QStringLiteral("REPLACE INTO l VALUES (1)"),
        QStringLiteral("CREATE TABLE m (id int REFERENCES n(id) ON DELETE CASCADE ON UPDATE CASCADE)")};
    QStringList read, written;
    for (const QString &s : statements) {
        const SqlTables t = tablesOfStatement(s, EngineKind::PostgreSQL);
        mergeTableNames(read, t.read);
        mergeTableNames(written, t.written);
    }
    EXPECT_EQ(written, QStringList({"a", "c", "d", "f", "g", "h", "i", "k", "l", "m"}));
    EXPECT_EQ(read, QStringList({"b", "e", "j"}));
}

// --- script file header --------------------------------------------------------------------------

TEST(ScriptFile, HeaderKeysAreAllReadAndRepeatableOnesAccumulate)
{
    auto s = parse(QStringLiteral("-- Splits the sales table. A plain comment is fine.\n"
                                  "-- depends: copy:SALES, copy:PRODUCTS\n"
                                  "\n"
                                  "-- depends: script:prepare_dims\n"
                                  "-- group: dims\n"
                                  "-- transaction: per-statement\n"
                                  "-- engine: postgresql, sqlite\n"
                                  "-- check: SELECT id FROM dim WHERE name IS NULL;\n"
                                  "-- check: SELECT 1 FROM dim GROUP BY name HAVING count(*) > 1\n"
                                  "INSERT INTO dim SELECT DISTINCT id, name FROM \"SALES\";\n"
                                  "-- check: not a header line any more\n"
                                  "UPDATE dim SET name = upper(name);\n"),
                   EngineKind::PostgreSQL, QStringLiteral("split_dims.postgresql.sql"));
    ASSERT_TRUE(s.ok()) << s.error().message.toStdString();
    EXPECT_EQ(s->name, QStringLiteral("split_dims"));
    EXPECT_EQ(s->path, QStringLiteral("/scripts/split_dims.postgresql.sql"));
    ASSERT_EQ(s->dependsOn.size(), 3);
    EXPECT_EQ(s->dependsOn[0].task, QStringLiteral("copy:SALES"));
    EXPECT_EQ(s->dependsOn[1].task, QStringLiteral("copy:PRODUCTS"));
    EXPECT_EQ(s->dependsOn[2].task, QStringLiteral("script:prepare_dims"));
    EXPECT_EQ(s->dependsOn[2].line, 4);
    EXPECT_EQ(s->group, QStringLiteral("dims"));
    EXPECT_EQ(s->transaction, ScriptTransaction::PerStatement);
    EXPECT_EQ(s->engines, QList<EngineKind>({EngineKind::PostgreSQL, EngineKind::SQLite}));
    ASSERT_EQ(s->checks.size(), 2);
    EXPECT_EQ(s->checks[0].sql, QStringLiteral("SELECT id FROM dim WHERE name IS NULL"));
    EXPECT_EQ(s->checks[1].line, 9);
    ASSERT_EQ(s->statements.size(), 2);
    EXPECT_EQ(s->statements[0].line, 10);
    EXPECT_EQ(s->statements[1].line, 12);
    EXPECT_EQ(s->tablesRead, QStringList({QStringLiteral("SALES")}));
    EXPECT_EQ(s->tablesWritten, QStringList({QStringLiteral("dim")}));
}

TEST(ScriptFile, DefaultsWithoutHeader)
{
    auto s = parse(QStringLiteral("DELETE FROM t;"), EngineKind::SQLite);
    ASSERT_TRUE(s.ok()) << s.error().message.toStdString();
    EXPECT_EQ(s->name, QStringLiteral("fix"));
    EXPECT_TRUE(s->dependsOn.isEmpty());
    EXPECT_TRUE(s->group.isEmpty());
    EXPECT_EQ(s->transaction, ScriptTransaction::Single);
    EXPECT_TRUE(s->engines.isEmpty());
    EXPECT_EQ(s->statements.size(), 1);
}

TEST(ScriptFile, BadHeadersNameFileLineAndWhatIsAllowed)
{
    std::string e = parseError(QStringLiteral("-- depends: copy:A\n-- needs: copy:B\nSELECT 1;"));
    EXPECT_EQ(e, "fix.sql:2: unknown header key 'needs' (known: depends, group, transaction, engine, check)");
    e = parseError(QStringLiteral("\n-- transaction: sometimes\nSELECT 1;"));
    EXPECT_EQ(e, "fix.sql:2: transaction: 'sometimes' is not single or per-statement");
    e = parseError(QStringLiteral("-- depends: copy:A, SALES\nSELECT 1;"));
    EXPECT_NE(e.find("fix.sql:1: depends: 'SALES' is not kind:NAME"), std::string::npos) << e;
    e = parseError(QStringLiteral("-- depends: table:A\nSELECT 1;"));
    EXPECT_NE(e.find("fix.sql:1: depends: 'table:A'"), std::string::npos) << e;
    e = parseError(QStringLiteral("-- engine: oracle\nSELECT 1;"));
    EXPECT_EQ(e, "fix.sql:1: engine: 'oracle' is not one of sqlite, postgresql, mysql");
    e = parseError(QStringLiteral("-- group: a\n-- group: b\nSELECT 1;"));
    EXPECT_EQ(e, "fix.sql:2: 'group' given twice (first at line 1)");
    e = parseError(QStringLiteral("-- check: SELECT 1; SELECT 2\nSELECT 1;"));
    EXPECT_EQ(e, "fix.sql:1: a check is one query, found 2 statements");
    e = parseError(QStringLiteral("-- check: SELECT 'x\nSELECT 1;"));
    EXPECT_EQ(e, "fix.sql:1: check: unterminated string starting at line 1");
    e = parseError(QStringLiteral("-- depends: script:fix\nSELECT 1;"));
    EXPECT_EQ(e, "fix.sql:1: depends: a script cannot depend on itself");
    e = parseError(QStringLiteral("-- just a comment\n"));
    EXPECT_EQ(e, "fix.sql: no SQL statement and no check");
    e = parseError(QStringLiteral("-- group: g\nSELECT 1;\n\nSELECT 'oops;\n"));
    EXPECT_EQ(e, "fix.sql:4: unterminated string starting at line 4");
}

TEST(ScriptFile, HeaderStopsAtFirstSql)
{
    // After the first statement "-- word: …" lines are plain comments, even unknown words.
    auto s = parse(QStringLiteral("-- group: g\nSELECT 1;\n-- bogus: key\n-- group: other\nSELECT 2;\n"));
    ASSERT_TRUE(s.ok()) << s.error().message.toStdString();
    EXPECT_EQ(s->group, QStringLiteral("g"));
    EXPECT_EQ(s->statements.size(), 2);
}

TEST(ScriptFile, EngineHeaderLeavingOutTargetSkipsItsStatements)
{
    // MySQL-only SQL would not lex as PostgreSQL: it is not parsed for another target.
    auto s = parse(QStringLiteral("-- engine: mysql\nSELECT 'it\\'s';\n"), EngineKind::PostgreSQL);
    ASSERT_TRUE(s.ok()) << s.error().message.toStdString();
    EXPECT_FALSE(s->runsOn(EngineKind::PostgreSQL));
    EXPECT_TRUE(s->statements.isEmpty());
    auto bad = parse(QStringLiteral("-- engine: mysql\nSELECT 1;\n"), EngineKind::PostgreSQL,
                     QStringLiteral("fix.sqlite.sql"));
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message.toStdString(),
              "fix.sqlite.sql:1: 'engine: mysql' leaves out sqlite, the engine its file name is for");
}

// --- folder ---------------------------------------------------------------------------------------

TEST(ScriptFolder, VariantsChosenPerEngineAndEngineHeaderFilters)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString d = dir.path();
    writeFile(d + QStringLiteral("/b_dims.sql"), "UPDATE dims SET x = 1;\n");
    writeFile(d + QStringLiteral("/b_dims.postgresql.sql"), "UPDATE dims SET x = 2;\nANALYZE dims;\n");
    writeFile(d + QStringLiteral("/a_only_mysql.mysql.sql"), "SELECT 'a\\'b';\n");
    writeFile(d + QStringLiteral("/c_header.sql"), "-- engine: sqlite, mysql\nSELECT 1;\n");
    writeFile(d + QStringLiteral("/notes.txt"), "not a script");
    QDir(d).mkdir(QStringLiteral("sub"));
    writeFile(d + QStringLiteral("/sub/deep.sql"), "SELECT 1;\n");

    auto pg = loadScriptFolder(d, EngineKind::PostgreSQL);
    ASSERT_TRUE(pg.ok()) << pg.error().message.toStdString();
    EXPECT_EQ(namesOf(*pg), QStringList({QStringLiteral("b_dims")}));
    EXPECT_EQ(pg->scripts[0].path, QDir(d).absoluteFilePath(QStringLiteral("b_dims.postgresql.sql")));
    EXPECT_EQ(pg->scripts[0].statements.size(), 2);
    EXPECT_EQ(pg->notForThisEngine,
              QStringList({QStringLiteral("a_only_mysql (mysql only)"), QStringLiteral("c_header (sqlite, mysql only)")}));

    auto my = loadScriptFolder(d, EngineKind::MySQL);
    ASSERT_TRUE(my.ok()) << my.error().message.toStdString();
    EXPECT_EQ(namesOf(*my), QStringList({"a_only_mysql", "b_dims", "c_header"}));
    EXPECT_EQ(my->scripts[1].path, QDir(d).absoluteFilePath(QStringLiteral("b_dims.sql")));
    EXPECT_EQ(my->scripts[0].statements[0].sql, QStringLiteral("SELECT 'a\\'b'"));
    EXPECT_TRUE(my->notForThisEngine.isEmpty());

    auto lite = loadScriptFolder(d, EngineKind::SQLite);
    ASSERT_TRUE(lite.ok()) << lite.error().message.toStdString();
    EXPECT_EQ(namesOf(*lite), QStringList({"b_dims", "c_header"}));
    EXPECT_EQ(lite->notForThisEngine, QStringList({QStringLiteral("a_only_mysql (mysql only)")}));
}

TEST(ScriptFolder, TwoFilesForOneNameAndEngineAreAnError)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    writeFile(dir.filePath(QStringLiteral("fix.mysql.sql")), "SELECT 1;\n");
    writeFile(dir.filePath(QStringLiteral("Fix.MySQL.sql")), "SELECT 2;\n");
    auto r = loadScriptFolder(dir.path(), EngineKind::SQLite);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.toStdString(), "Fix.MySQL.sql and fix.mysql.sql both give script 'fix' for mysql: keep one");
}

TEST(ScriptFolder, MissingFolderNonUtf8AndBadFileAreClearErrors)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    auto missing = loadScriptFolder(dir.filePath(QStringLiteral("nope")), EngineKind::SQLite);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.indexOf(QLatin1String("does not exist")), -1);

    writeFile(dir.filePath(QStringLiteral("latin.sql")), "SELECT 'caf\xe9';\n");
    auto latin = loadScriptFolder(dir.path(), EngineKind::SQLite);
    ASSERT_FALSE(latin.ok());
    EXPECT_EQ(latin.error().message.toStdString(), "latin.sql: not UTF-8 text");

    QFile::remove(dir.filePath(QStringLiteral("latin.sql")));
    writeFile(dir.filePath(QStringLiteral("x.sql")), "-- transaction: maybe\nSELECT 1;\n");
    auto bad = loadScriptFolder(dir.path(), EngineKind::SQLite);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message.toStdString(), "x.sql:1: transaction: 'maybe' is not single or per-statement");

    QFile::remove(dir.filePath(QStringLiteral("x.sql")));
    auto empty = loadScriptFolder(dir.path(), EngineKind::SQLite);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->scripts.isEmpty());
}

TEST(SqlSplitter, MysqlTriggerAndMariadbAnonymousBlockAndCrlfLines)
{
    const QString trigger = QStringLiteral("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW\r\n"
                                           "BEGIN\r\n  SET NEW.a = 1;\r\n  SET NEW.b = 2;\r\nEND");
    const QString block = QStringLiteral("BEGIN NOT ATOMIC\r\n  DECLARE x INT;\r\n  SET x = 1;\r\nEND");
    const auto s = split(trigger + QStringLiteral(";\r\n") + block + QStringLiteral(";\r\nBEGIN;\r\nCOMMIT;\r\n"),
                         EngineKind::MySQL);
    EXPECT_EQ(sqlOf(s), QStringList({trigger, block, QStringLiteral("BEGIN"), QStringLiteral("COMMIT")}));
    EXPECT_EQ(linesOf(s), QList<int>({1, 6, 10, 11}));
}
