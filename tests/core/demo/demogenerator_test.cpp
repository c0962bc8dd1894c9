// writeDemo: files, shape of the AX-like source database, the plan, and determinism.

#include "demo/demogenerator.h"
#include "scripts/scriptfolder.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QTemporaryDir>

#include <memory>

using namespace cockpit;

namespace {

constexpr qint64 kInventTransRows = 20'000;

struct DbCloser {
    void operator()(sqlite3 *db) const { sqlite3_close(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

DbPtr openReadOnly(const QString &path)
{
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << path.toStdString();
    return DbPtr(db);
}

// The rows of a query, each value as text ("NULL" for NULL).
QList<QStringList> query(sqlite3 *db, const QString &sql)
{
    QList<QStringList> rows;
    sqlite3_stmt *st = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    if (sqlite3_prepare_v2(db, utf8.constData(), -1, &st, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sql.toStdString() << ": " << sqlite3_errmsg(db);
        return rows;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        QStringList row;
        for (int i = 0; i < sqlite3_column_count(st); ++i)
            row << (sqlite3_column_type(st, i) == SQLITE_NULL
                        ? QStringLiteral("NULL")
                        : QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, i))));
        rows << row;
    }
    sqlite3_finalize(st);
    return rows;
}

QString scalar(sqlite3 *db, const QString &sql)
{
    const auto rows = query(db, sql);
    return rows.isEmpty() || rows[0].isEmpty() ? QString() : rows[0][0];
}

qint64 count(sqlite3 *db, const QString &sql) { return scalar(db, sql).toLongLong(); }

QStringList tableNames(sqlite3 *db)
{
    QStringList names;
    for (const auto &r : query(db, QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                  "AND name NOT LIKE 'sqlite_%' ORDER BY name")))
        names << r[0];
    return names;
}

// Per table: a hash over its schema and every value of every row (type and bytes), in rowid order.
QMap<QString, QByteArray> checksums(const QString &path)
{
    QMap<QString, QByteArray> sums;
    DbPtr db = openReadOnly(path);
    if (!db)
        return sums;
    for (const QString &table : tableNames(db.get())) {
        QCryptographicHash h(QCryptographicHash::Md5); // a checksum, not a signature
        h.addData(scalar(db.get(), QStringLiteral("SELECT group_concat(sql, ';') FROM sqlite_master "
                                                  "WHERE tbl_name = '%1' ORDER BY name").arg(table))
                      .toUtf8());
        sqlite3_stmt *st = nullptr;
        const QByteArray sql = QStringLiteral("SELECT * FROM \"%1\" ORDER BY rowid").arg(table).toUtf8();
        EXPECT_EQ(sqlite3_prepare_v2(db.get(), sql.constData(), -1, &st, nullptr), SQLITE_OK);
        QByteArray row;
        while (sqlite3_step(st) == SQLITE_ROW) {
            row.resize(0);
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                const int type = sqlite3_column_type(st, i);
                row.append(char('0' + type));
                if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
                    // Bit patterns: 1 and 1.0 differ, and so do -0.0 and 0.0.
                    const qint64 n = sqlite3_column_int64(st, i);
                    const double d = sqlite3_column_double(st, i);
                    if (type == SQLITE_INTEGER)
                        row.append(reinterpret_cast<const char *>(&n), sizeof n);
                    else
                        row.append(reinterpret_cast<const char *>(&d), sizeof d);
                } else if (type != SQLITE_NULL) {
                    const void *p = sqlite3_column_blob(st, i);
                    const int n = sqlite3_column_bytes(st, i);
                    row.append(reinterpret_cast<const char *>(&n), sizeof n).append(static_cast<const char *>(p), n);
                }
            }
            h.addData(row);
        }
        sqlite3_finalize(st);
        sums.insert(table, h.result());
    }
    return sums;
}

class DemoGeneratorTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_dir = new QTemporaryDir;
        ASSERT_TRUE(s_dir->isValid());
        // A folder that does not exist yet: writeDemo creates it.
        const QString dir = s_dir->filePath(QStringLiteral("demo"));
        s_plan = new Result<Plan>(writeDemo(DemoOptions{dir, kInventTransRows}));
        s_path = dir;
    }
    static void TearDownTestSuite()
    {
        delete s_plan;
        delete s_dir;
        s_plan = nullptr;
        s_dir = nullptr;
    }
    void SetUp() override
    {
        ASSERT_TRUE(s_plan->ok()) << s_plan->error().message.toStdString();
        m_db = openReadOnly(source());
        ASSERT_TRUE(m_db);
    }
    static QString source() { return QDir(s_path).filePath(QStringLiteral("source.db")); }
    sqlite3 *db() const { return m_db.get(); }

    static QTemporaryDir *s_dir;
    static Result<Plan> *s_plan;
    static QString s_path;
    DbPtr m_db;
};

QTemporaryDir *DemoGeneratorTest::s_dir = nullptr;
Result<Plan> *DemoGeneratorTest::s_plan = nullptr;
QString DemoGeneratorTest::s_path;

} // namespace

TEST_F(DemoGeneratorTest, WritesTheFilesAndNothingElse)
{
    const QDir dir(s_path);
    EXPECT_TRUE(QFileInfo(dir.filePath(QStringLiteral("source.db"))).isFile());
    EXPECT_TRUE(QFileInfo(dir.filePath(QStringLiteral("plan.json"))).isFile());
    const QStringList entries = dir.entryList(QDir::Files | QDir::Hidden, QDir::Name);
    EXPECT_EQ(entries, (QStringList{QStringLiteral("plan.json"), QStringLiteral("source.db")}));
    // A plain rollback-journal database, not WAL.
    EXPECT_EQ(scalar(db(), QStringLiteral("PRAGMA journal_mode")), QStringLiteral("delete"));
    EXPECT_EQ(scalar(db(), QStringLiteral("PRAGMA quick_check")), QStringLiteral("ok"));
}

TEST_F(DemoGeneratorTest, SourceLooksLikeAnAxDatabase)
{
    const QStringList tables = tableNames(db());
    EXPECT_GE(tables.size(), 28);
    for (const char *name : {"CUSTTABLE", "VENDTABLE", "INVENTTABLE", "INVENTDIM", "INVENTSUM",
                             "INVENTTRANS", "SALESTABLE", "SALESLINE", "PURCHTABLE", "PURCHLINE",
                             "LEDGERTABLE", "LEDGERTRANS", "LEDGERJOURNALTABLE", "LEDGERJOURNALTRANS",
                             "CUSTTRANS", "VENDTRANS", "PROJTABLE", "PROJTRANSPOSTING", "DIMENSIONS",
                             "ADDRESS", "CURRENCY", "EXCHRATES", "UNITCONVERT", "PRICEDISCTABLE", "BOM",
                             "ROUTE", "WMSLOCATION", "DOCUVALUE", "SYSLASTVALUE"})
        EXPECT_TRUE(tables.contains(QLatin1String(name))) << name;

    // Every table has the AX system columns.
    for (const QString &t : tables) {
        QStringList cols;
        for (const auto &r : query(db(), QStringLiteral("PRAGMA table_info(\"%1\")").arg(t)))
            cols << r[1];
        for (const char *ax : {"DATAAREAID", "RECID", "RECVERSION"})
            EXPECT_TRUE(cols.contains(QLatin1String(ax))) << t.toStdString() << " lacks " << ax;
    }

    EXPECT_EQ(count(db(), QStringLiteral("SELECT count(*) FROM INVENTTRANS")), kInventTransRows);
    EXPECT_EQ(count(db(), QStringLiteral("SELECT count(*) FROM CUSTTABLE")), 50000);
    EXPECT_EQ(count(db(), QStringLiteral("SELECT count(*) FROM INVENTTABLE")), 20000);
    EXPECT_EQ(count(db(), QStringLiteral("SELECT count(*) FROM SALESLINE")), 200000);
    EXPECT_EQ(count(db(), QStringLiteral("SELECT count(*) FROM SYSLASTVALUE")), 0);
    int empty = 0;
    for (const QString &t : tables)
        empty += count(db(), QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t)) == 0;
    EXPECT_GE(empty, 1);
}

TEST_F(DemoGeneratorTest, InventTransHasTheDocumentedShape)
{
    QMap<QString, QString> types;
    QString pk;
    for (const auto &r : query(db(), QStringLiteral("PRAGMA table_info(INVENTTRANS)"))) {
        types.insert(r[1], r[2]);
        if (r[5] == QLatin1String("1"))
            pk = r[1];
    }
    EXPECT_GE(types.size(), 20);
    EXPECT_EQ(pk, QStringLiteral("RECID"));
    EXPECT_EQ(types.value(QStringLiteral("RECID")), QStringLiteral("INTEGER"));
    EXPECT_EQ(types.value(QStringLiteral("ITEMID")), QStringLiteral("VARCHAR(20)"));
    EXPECT_EQ(types.value(QStringLiteral("DATAAREAID")), QStringLiteral("VARCHAR(4)"));
    EXPECT_EQ(types.value(QStringLiteral("QTY")), QStringLiteral("REAL"));
    EXPECT_EQ(types.value(QStringLiteral("COSTAMOUNTPOSTED")), QStringLiteral("NUMERIC(28,12)"));
    EXPECT_EQ(types.value(QStringLiteral("DATEPHYSICAL")), QStringLiteral("DATE"));
    EXPECT_EQ(types.value(QStringLiteral("MODIFIEDDATETIME")), QStringLiteral("DATETIME"));
    EXPECT_EQ(types.value(QStringLiteral("STATUSISSUE")), QStringLiteral("INTEGER"));
    EXPECT_EQ(types.value(QStringLiteral("CURRENCYCODE")), QStringLiteral("VARCHAR(3)"));
    EXPECT_EQ(types.value(QStringLiteral("TXT")), QStringLiteral("VARCHAR(60)"));

    // Dates are ISO text; amounts have fractions and signs.
    EXPECT_EQ(count(db(), QStringLiteral("SELECT count(*) FROM INVENTTRANS WHERE typeof(DATEPHYSICAL) <> 'text' "
                                         "OR DATEPHYSICAL NOT GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'")),
              0);
    EXPECT_EQ(count(db(), QStringLiteral("SELECT count(*) FROM INVENTTRANS WHERE MODIFIEDDATETIME NOT GLOB "
                                         "'[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]'")),
              0);
    EXPECT_EQ(count(db(), QStringLiteral("SELECT count(*) FROM INVENTTRANS WHERE date(DATEPHYSICAL) IS NULL")), 0);
    EXPECT_GT(count(db(), QStringLiteral("SELECT count(*) FROM INVENTTRANS WHERE QTY < 0")), 0);
    EXPECT_GT(count(db(), QStringLiteral("SELECT count(*) FROM INVENTTRANS WHERE COSTAMOUNTPOSTED <> "
                                         "CAST(COSTAMOUNTPOSTED AS INTEGER)")),
              0);

    // Between 10 % and 70 % NULLs in several columns.
    int nullable = 0;
    for (auto it = types.begin(); it != types.end(); ++it) {
        const double share = scalar(db(), QStringLiteral("SELECT avg(%1 IS NULL) FROM INVENTTRANS").arg(it.key()))
                                 .toDouble();
        if (share >= 0.05 && share <= 0.75)
            ++nullable;
    }
    EXPECT_GE(nullable, 8);
}

TEST_F(DemoGeneratorTest, CoversTheAwkwardCases)
{
    // Composite primary key on a rowid table.
    int pkCols = 0;
    for (const auto &r : query(db(), QStringLiteral("PRAGMA table_info(CURRENCY)")))
        pkCols += r[5].toInt() > 0;
    EXPECT_EQ(pkCols, 2);
    // A table with no primary key at all.
    int tablesWithoutPk = 0;
    for (const QString &t : tableNames(db()))
        tablesWithoutPk += count(db(), QStringLiteral("SELECT count(*) FROM pragma_table_info('%1') WHERE pk > 0").arg(t)) == 0;
    EXPECT_GE(tablesWithoutPk, 1);
    // A UNIQUE constraint (an automatic index) and named secondary indexes.
    EXPECT_GE(count(db(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                                         "name LIKE 'sqlite_autoindex_%' AND tbl_name = 'INVENTDIM'")),
              1);
    EXPECT_EQ(count(db(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                                         "name = 'I_177ITEMIDX' AND tbl_name = 'INVENTTRANS'")),
              1);
    EXPECT_GE(count(db(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                                         "sql LIKE 'CREATE UNIQUE INDEX%'")),
              3);
    EXPECT_GE(count(db(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                                         "sql IS NOT NULL")),
              20);
    // Blobs with binary content.
    EXPECT_GT(count(db(), QStringLiteral("SELECT count(*) FROM DOCUVALUE WHERE typeof(FILE_) = 'blob' "
                                         "AND length(FILE_) > 0")),
              0);
    // Non-ASCII text: more bytes than characters.
    EXPECT_GT(count(db(), QStringLiteral("SELECT count(*) FROM CUSTTABLE WHERE length(CAST(NAME AS BLOB)) > "
                                         "length(NAME)")),
              0);
    EXPECT_GT(count(db(), QStringLiteral("SELECT count(*) FROM CUSTTABLE WHERE NAME LIKE 'Müller %'")), 0);
    EXPECT_GT(count(db(), QStringLiteral("SELECT count(*) FROM ADDRESS WHERE CITY IN ('Łódź', '東京', 'Ærø')")), 0);
    // NULLs in nullable columns.
    EXPECT_GT(count(db(), QStringLiteral("SELECT count(*) FROM CUSTTABLE WHERE EMAIL IS NULL")), 0);
    EXPECT_GT(count(db(), QStringLiteral("SELECT count(*) FROM LEDGERTRANS WHERE TXT IS NULL")), 0);
}

TEST_F(DemoGeneratorTest, TextFitsTheDeclaredLengths)
{
    // Targets such as PostgreSQL enforce VARCHAR(n) in characters; the demo must copy cleanly.
    int checked = 0;
    for (const QString &t : tableNames(db())) {
        QStringList names, lengths;
        QList<int> declared;
        for (const auto &col : query(db(), QStringLiteral("PRAGMA table_info(\"%1\")").arg(t))) {
            if (!col[2].startsWith(QLatin1String("VARCHAR(")))
                continue;
            names << col[1];
            declared << col[2].mid(8).chopped(1).toInt();
            lengths << QStringLiteral("coalesce(max(length(\"%1\")), 0)").arg(col[1]);
        }
        if (names.isEmpty())
            continue;
        const auto longest = query(db(), QStringLiteral("SELECT %1 FROM \"%2\"").arg(lengths.join(u','), t));
        ASSERT_EQ(longest.size(), 1);
        for (int i = 0; i < names.size(); ++i, ++checked)
            EXPECT_LE(longest[0][i].toInt(), declared[i]) << t.toStdString() << "." << names[i].toStdString();
    }
    EXPECT_GT(checked, 100);
}

TEST_F(DemoGeneratorTest, PlanNamesTheFilesInTheFolder)
{
    const Plan &returned = s_plan->value();
    const QDir dir(s_path);
    auto loaded = loadPlan(dir.filePath(QStringLiteral("plan.json")));
    ASSERT_TRUE(loaded.ok()) << loaded.error().message.toStdString();
    for (const Plan *p : std::initializer_list<const Plan *>{&returned, &loaded.value()}) {
        EXPECT_EQ(p->source.engine, EngineKind::SQLite);
        EXPECT_EQ(p->source.path, dir.filePath(QStringLiteral("source.db")));
        EXPECT_EQ(p->target.engine, EngineKind::SQLite);
        EXPECT_EQ(p->target.path, dir.filePath(QStringLiteral("target.db")));
        EXPECT_EQ(p->statePath, dir.filePath(QStringLiteral("state.db")));
        EXPECT_EQ(p->scriptsDir, dir.filePath(QStringLiteral("scripts")));
        EXPECT_EQ(p->ifTargetExists, IfTargetExists::Replace);
        ASSERT_EQ(p->groups.size(), 2);
        EXPECT_EQ(p->groups[0].name, QStringLiteral("copy"));
        EXPECT_EQ(p->groups[0].threads, 2);
        EXPECT_EQ(p->groups[0].taskPatterns, (QStringList{QStringLiteral("prepare:*"), QStringLiteral("copy:*")}));
        EXPECT_EQ(p->groups[1].name, QStringLiteral("post"));
        EXPECT_EQ(p->groups[1].taskPatterns, QStringList{QStringLiteral("*")});
        EXPECT_EQ(p->optionsFor(QStringLiteral("INVENTTRANS")).chunkRows, 250000);
        EXPECT_EQ(p->groupFor(QStringLiteral("copy:INVENTTRANS#2")), QStringLiteral("copy"));
        EXPECT_EQ(p->groupFor(QStringLiteral("index:CUSTTABLE.I_077ACCOUNTIDX")), QStringLiteral("post"));
    }
    // The plan file keeps paths relative, so the folder can be moved.
    QFile f(dir.filePath(QStringLiteral("plan.json")));
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray json = f.readAll();
    EXPECT_TRUE(json.contains("\"sqlite:source.db\"")) << json.toStdString();
    EXPECT_TRUE(json.contains("\"sqlite:target.db\""));
    EXPECT_TRUE(json.contains("\"state.db\""));
    EXPECT_TRUE(json.contains("\"scripts\": \"scripts\"")) << json.toStdString();
}

TEST_F(DemoGeneratorTest, WritesTheUpgradeScriptsForEveryEngine)
{
    const QString scripts = QDir(s_path).filePath(QStringLiteral("scripts"));
    for (EngineKind engine : {EngineKind::SQLite, EngineKind::PostgreSQL, EngineKind::MySQL}) {
        auto folder = loadScriptFolder(scripts, engine);
        ASSERT_TRUE(folder.ok()) << folder.error().message.toStdString();
        EXPECT_EQ(folder->notForThisEngine, QStringList());
        QMap<QString, const ScriptFile *> byName;
        for (const ScriptFile &f : folder->scripts)
            byName.insert(f.name, &f);
        ASSERT_EQ(byName.keys(), (QStringList{QStringLiteral("convert_enums"), QStringLiteral("fill_new_columns"),
                                              QStringLiteral("merge_parties"), QStringLiteral("split_dimensions")}));
        for (const ScriptFile *f : byName) {
            EXPECT_EQ(f->transaction, ScriptTransaction::Single) << f->name.toStdString();
            EXPECT_FALSE(f->statements.isEmpty()) << f->name.toStdString();
            EXPECT_GE(f->checks.size(), 1) << f->name.toStdString();
            EXPECT_LE(f->checks.size(), 3) << f->name.toStdString();
            // Every copied table a script reads or changes is among its dependencies.
            QStringList depends;
            for (const ScriptDependency &d : f->dependsOn)
                depends << d.task;
            for (const QStringList *tables : {&f->tablesRead, &f->tablesWritten})
                for (const QString &t : *tables) {
                    const bool copied = count(db(), QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                                                   "AND name = '%1'").arg(t)) == 1;
                    EXPECT_TRUE(!copied || depends.contains(QStringLiteral("copy:") + t))
                        << f->name.toStdString() << " " << t.toStdString();
                }
        }
        EXPECT_EQ(byName[QStringLiteral("split_dimensions")]->tablesWritten, QStringList{QStringLiteral("LEDGERDIMENSIONVALUE")});
        EXPECT_TRUE(byName[QStringLiteral("merge_parties")]->tablesWritten.contains(QStringLiteral("DIRPARTYTABLE")));
        ASSERT_FALSE(byName[QStringLiteral("merge_parties")]->dependsOn.isEmpty());
        EXPECT_EQ(byName[QStringLiteral("merge_parties")]->dependsOn.last().task, QStringLiteral("script:fill_new_columns"));
    }
}

TEST(DemoGenerator, OverwritesTheScriptsAndTakesTheTargetUrl)
{
    QTemporaryDir tmp;
    ASSERT_TRUE(tmp.isValid());
    const QDir dir(tmp.path());
    ASSERT_TRUE(dir.mkpath(QStringLiteral("scripts")));
    QFile edited(dir.filePath(QStringLiteral("scripts/merge_parties.sql")));
    ASSERT_TRUE(edited.open(QIODevice::WriteOnly));
    edited.write("-- an edited copy\nSELECT 1;\n");
    edited.close();

    const QString url = QStringLiteral("postgresql://demo@db.example.com:5433/ax2012?schema=upgrade");
    auto plan = writeDemo(DemoOptions{tmp.path(), 10, 0.01, url});
    ASSERT_TRUE(plan.ok()) << plan.error().message.toStdString();
    EXPECT_EQ(plan->target.engine, EngineKind::PostgreSQL);
    EXPECT_EQ(plan->target.host, QStringLiteral("db.example.com"));
    EXPECT_EQ(plan->target.params.value(QStringLiteral("schema")), QStringLiteral("upgrade"));
    ASSERT_TRUE(edited.open(QIODevice::ReadOnly));
    EXPECT_TRUE(edited.readAll().contains("CREATE TABLE \"DIRPARTYTABLE\""));

    auto bad = writeDemo(DemoOptions{tmp.path(), 10, 0.01, QStringLiteral("oracle://x/y")});
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(bad.error().message.startsWith(QStringLiteral("demo: target: "))) << bad.error().message.toStdString();
}

TEST_F(DemoGeneratorTest, IsDeterministicAndStartsFresh)
{
    QTemporaryDir other;
    ASSERT_TRUE(other.isValid());
    const QDir dir(other.path());
    // Leftovers of an earlier run must go.
    for (const char *leftover : {"target.db", "target.db-wal", "target.db-shm", "state.db", "state.db-wal",
                                 "source.db", "source.db.partial"}) {
        QFile f(dir.filePath(QLatin1String(leftover)));
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("junk");
    }
    auto second = writeDemo(DemoOptions{other.path(), kInventTransRows});
    ASSERT_TRUE(second.ok()) << second.error().message.toStdString();
    EXPECT_EQ(dir.entryList(QDir::Files | QDir::Hidden, QDir::Name),
              (QStringList{QStringLiteral("plan.json"), QStringLiteral("source.db")}));

    const auto a = checksums(source());
    const auto b = checksums(dir.filePath(QStringLiteral("source.db")));
    EXPECT_GE(a.size(), 28);
    EXPECT_EQ(a.keys(), b.keys());
    for (auto it = a.begin(); it != a.end(); ++it)
        EXPECT_EQ(it.value().toHex().toStdString(), b.value(it.key()).toHex().toStdString()) << it.key().toStdString();

    // The plan files differ only in nothing: both are relative to their folder.
    QFile pa(QDir(s_path).filePath(QStringLiteral("plan.json")));
    QFile pb(dir.filePath(QStringLiteral("plan.json")));
    ASSERT_TRUE(pa.open(QIODevice::ReadOnly));
    ASSERT_TRUE(pb.open(QIODevice::ReadOnly));
    EXPECT_EQ(pa.readAll(), pb.readAll());
}

TEST(DemoGenerator, ReportsAFolderItCannotCreate)
{
    QTemporaryDir tmp;
    ASSERT_TRUE(tmp.isValid());
    const QString file = tmp.filePath(QStringLiteral("not-a-folder"));
    QFile f(file);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.close();
    auto r = writeDemo(DemoOptions{file + QStringLiteral("/demo"), 10});
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains(file)) << r.error().message.toStdString();
}
