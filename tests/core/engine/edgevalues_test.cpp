// Values at the edges of what each engine holds, on every direction where the source can hold
// them (README "Edge values"): each arrives exactly - read back on the target with its own SQL -
// or is a line of the reject file with its key and reason, and the run's validation passes with
// the rejected rows accounted for. Pairs with a server skip when its URL variable is unset.
// ('' vs NULL and -0.0 in ordinary tables are in the awkward dataset, directions_test.cpp.)
//
// The decisions, per case:
//   * NaN, +-Infinity (double): PostgreSQL keeps all three; SQLite keeps +-Infinity and stores a
//     NaN as NULL (so a SQLite source has none, and a NaN for a SQLite target is a reject);
//     MariaDB has none of them: a reject, "not a finite number".
//   * -0.0 keeps its sign on PostgreSQL only; the validation hashes -0 as 0 (rowhasher.h).
//   * A numeric wider than the target's decimal is a reject (MariaDB's decimal(65,30)); SQLite
//     keeps every digit as text (NUMERIC_BLOB); numeric NaN cannot go to MariaDB either.
//   * Dates: every engine holds years 1 to 9999 exactly (MariaDB too, below its documented
//     1000); PostgreSQL's BC years, years past 9999 and +-infinity are rejects on MariaDB and
//     PostgreSQL's own text on SQLite.
//   * SQLite text that is not UTF-8 (or, for PostgreSQL, holds a NUL) is a reject on
//     PostgreSQL and MariaDB and copied byte for byte to SQLite; in a BLOB column it is bytes.
//   * A value bigger than MariaDB's max_allowed_packet allows in an INSERT goes by LOAD DATA
//     LOCAL in pieces when the server's local_infile is ON (its default, and the test server's,
//     which keeps the default 16 MB max_allowed_packet: a 20 MB blob is over it); with
//     local_infile OFF it is a reject naming its size and the limit.

#include "support/awkwarddataset.h"
#include "support/testsupport.h"
#include "engine/engine.h"
#include "engine/rowbatch.h"
#include "tasks/rejectfile.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

std::string lines(const QStringList &rows) { return rows.join(u'\n').toStdString(); }

class EdgeValues : public ::testing::TestWithParam<Direction> {
protected:
    QTemporaryDir dir;
    std::unique_ptr<TestDatabase> source, target;
    Plan plan;

    // False (and the test skipped) when a server of the pair is not configured.
    bool open()
    {
        const Direction d = GetParam();
        for (EngineKind k : {d.source, d.target})
            if (TestDatabase::serverUrl(k).isEmpty())
                return false;
        QString error;
        source = TestDatabase::create(d.source, dir.path(), QStringLiteral("src"), &error);
        EXPECT_TRUE(source) << qPrintable(error);
        target = TestDatabase::create(d.target, dir.path(), QStringLiteral("tgt"), &error);
        EXPECT_TRUE(target) << qPrintable(error);
        return source && target;
    }
    EngineKind from() const { return GetParam().source; }
    EngineKind to() const { return GetParam().target; }

    // Runs the upgrade to its end: every task Ended, the copy of `table` ends naming `rejected`
    // rejects, and its validation is equal with them accounted for.
    void run(const QString &table, int rejected)
    {
        auto s = ConnectionUrl::parse(source->url(), dir.path());
        auto t = ConnectionUrl::parse(target->url(), dir.path());
        ASSERT_TRUE(s.ok() && t.ok());
        plan = Plan::fromUrls(*s, *t, dir.filePath(QStringLiteral("state.db")));
        plan.maxRejects = 100;
        UpgradeRun run;
        ASSERT_EQ(openAndWait(run, plan), QString());
        ASSERT_TRUE(runToEnd(run));
        for (const auto &task : allTasks(run))
            EXPECT_EQ(task.status.state, TaskState::Ended) << qPrintable(task.spec.name) << ": " << qPrintable(task.status.message);
        const QString validate = taskView(run, QStringLiteral("validate:") + table).status.message;
        EXPECT_TRUE(validate.contains(QLatin1String("equal"))) << qPrintable(validate);
        if (rejected > 0) {
            EXPECT_TRUE(validate.contains(QStringLiteral("; %1 rejected rows not copied").arg(rejected))) << qPrintable(validate);
        } else {
            EXPECT_FALSE(validate.contains(QLatin1String("rejected"))) << qPrintable(validate);
        }
    }

    // "key,column,reason" of each reject line of `table` (the value is checked where it matters).
    QStringList rejects(const QString &table, QStringList *values = nullptr) const
    {
        QFile f(RejectFile::pathFor(plan.rejectsDirectory(), table));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QStringList out;
        const QStringList all = QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
        for (qsizetype i = 1; i < all.size(); ++i) {
            // table,key,column,value,reason: the value may hold commas (quoted), the reason is last.
            const QStringList f = all[i].split(u',');
            out << f.value(1) + u',' + f.value(2) + u',' + f.mid(4).join(u',').remove(u'"');
            if (values)
                *values << f.value(3);
        }
        out.sort();
        return out;
    }

    // "id=text" for each row of `table`, in key order, `expr` read on the target as text.
    QStringList read(const TestDatabase &db, const QString &table, const QString &expr) const
    {
        QStringList out;
        for (const auto &row : db.rows(QStringLiteral("SELECT id, %1 FROM %2 ORDER BY id").arg(expr, db.table(table))))
            out << row.value(0).toString() + u'=' + (row.size() < 2 ? QString() : row[1].isValid() ? row[1].toString() : QStringLiteral("NULL"));
        return out;
    }
};

#define OPEN_OR_SKIP()                                                                                                  \
    if (!open())                                                                                                        \
        GTEST_SKIP() << "a server of the pair is not configured (scripts/test-servers.sh starts them)";               \
    if (HasFailure())                                                                                                   \
        return

// A double as its shortest round-trip text, whatever engine printed it ("Infinity", "inf", "-0").
QString canonicalDouble(const QVariant &v)
{
    if (!v.isValid())
        return QStringLiteral("NULL");
    const QString s = v.toString();
    if (s == QLatin1String("Infinity") || s == QLatin1String("inf"))
        return QStringLiteral("inf");
    if (s == QLatin1String("-Infinity") || s == QLatin1String("-inf"))
        return QStringLiteral("-inf");
    if (s.compare(QLatin1String("NaN"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("nan");
    return shortestDouble(v.toDouble());
}

QStringList readDoubles(const TestDatabase &db, const QString &table)
{
    // PostgreSQL prints the shortest exact text (extra_float_digits 1); SQLite's value is the
    // double itself; MariaDB's text is read back as a double.
    const QString x = db.kind() == EngineKind::PostgreSQL ? QStringLiteral("x::text")
                      : db.kind() == EngineKind::MySQL    ? QStringLiteral("CAST(x AS CHAR)")
                                                          : QStringLiteral("x");
    QStringList out;
    for (const auto &row : db.rows(QStringLiteral("SELECT id, %1 FROM %2 ORDER BY id").arg(x, db.table(table))))
        out << row.value(0).toString() + u'=' + canonicalDouble(row.value(1));
    return out;
}

TEST_P(EdgeValues, NonFiniteAndSignedZeroDoubles)
{
    if (from() == EngineKind::MySQL)
        GTEST_SKIP() << "MariaDB's double holds no NaN or infinity";
    OPEN_OR_SKIP();
    const QString dbl = nativeType(from(), {QString(), ColumnKind::Double});
    ASSERT_EQ(source->exec(QStringLiteral("CREATE TABLE %1 (id %2 PRIMARY KEY, x %3)")
                               .arg(source->table(QStringLiteral("reals")), nativeType(from(), {QString(), ColumnKind::Key}), dbl)),
              QString());
    // 1: +inf, 2: -inf, 3: NaN, 4: -0, 5: the smallest subnormal, 6: the largest double.
    const QString insert = from() == EngineKind::PostgreSQL
                               ? QStringLiteral("INSERT INTO %1 VALUES (1, 'Infinity'), (2, '-Infinity'), (3, 'NaN'), (4, '-0'), "
                                                "(5, '5e-324'), (6, '1.7976931348623157e308')")
                               : QStringLiteral("INSERT INTO %1 VALUES (1, 9e999), (2, -9e999), (3, 0.0 / 0.0), (4, -0.0), "
                                                "(5, 5e-324), (6, 1.7976931348623157e308)");
    ASSERT_EQ(source->exec(insert.arg(source->table(QStringLiteral("reals")))), QString());
    const QStringList sourceRows = readDoubles(*source, QStringLiteral("reals"));
    // SQLite stores a NaN as NULL, and a -0.0 as 0: the source itself holds neither.
    const QString nan = from() == EngineKind::SQLite ? QStringLiteral("NULL") : QStringLiteral("nan");
    const QString negZero = from() == EngineKind::SQLite ? QStringLiteral("0") : QStringLiteral("-0");
    ASSERT_EQ(lines(sourceRows), lines({"1=inf", "2=-inf", "3=" + nan, "4=" + negZero, "5=5e-324", "6=1.7976931348623157e+308"}));

    QStringList expectedRejects;
    QStringList expected = sourceRows;
    if (to() == EngineKind::MySQL) {
        expected = QStringList{"4=0", "5=5e-324", "6=1.7976931348623157e+308"};
        if (from() == EngineKind::SQLite)
            expected.prepend("3=NULL");
        for (const char *key : {"1", "2"})
            expectedRejects << QString::fromLatin1(key) + QStringLiteral(",x,not a finite number; MariaDB's double holds no NaN or infinity");
        if (from() == EngineKind::PostgreSQL)
            expectedRejects << QStringLiteral("3,x,not a finite number; MariaDB's double holds no NaN or infinity");
    } else if (to() == EngineKind::SQLite) {
        expected.replace(3, QStringLiteral("4=0"));
        if (from() == EngineKind::PostgreSQL) {
            expected.removeAt(2);
            expectedRejects << QStringLiteral("3,x,NaN; SQLite would store it as NULL");
        }
    }
    run(QStringLiteral("reals"), int(expectedRejects.size()));
    EXPECT_EQ(lines(readDoubles(*target, QStringLiteral("reals"))), lines(expected));
    EXPECT_EQ(lines(rejects(QStringLiteral("reals"))), lines(expectedRejects));
}

TEST_P(EdgeValues, DatesBefore1900AndAfter9999)
{
    OPEN_OR_SKIP();
    const QString key = nativeType(from(), {QString(), ColumnKind::Key});
    ASSERT_EQ(source->exec(QStringLiteral("CREATE TABLE %1 (id %2 PRIMARY KEY, d %3, ts %4)")
                               .arg(source->table(QStringLiteral("days")), key, nativeType(from(), {QString(), ColumnKind::Date}),
                                    nativeType(from(), {QString(), ColumnKind::Timestamp}))),
              QString());
    // Every engine holds these: year 1, the Gregorian switch, before 1900, the last day of 9999.
    QStringList values{"(1, '0001-01-01', '0001-01-01 00:00:00')", "(2, '1582-10-10', '1582-10-10 12:30:00.5')",
                       "(3, '1899-12-31', '1899-12-31 23:59:59.999999')", "(4, '9999-12-31', '9999-12-31 23:59:59.999999')"};
    // PostgreSQL's own: year 10000, BC, infinity.
    if (from() == EngineKind::PostgreSQL)
        values << "(5, '10000-01-01', '10000-01-01 00:00:00')" << "(6, '0044-03-15 BC', '0044-03-15 12:00:00 BC')"
               << "(7, 'infinity', '-infinity')";
    ASSERT_EQ(source->exec(QStringLiteral("INSERT INTO %1 VALUES %2").arg(source->table(QStringLiteral("days")), values.join(u','))),
              QString());

    // Dates as each engine prints them; timestamps without trailing fraction zeros.
    auto readDays = [this](const TestDatabase &db) {
        const QString expr = db.kind() == EngineKind::PostgreSQL ? QStringLiteral("d::text || ' ' || ts::text")
                             : db.kind() == EngineKind::MySQL    ? QStringLiteral("CONCAT(d, ' ', ts)")
                                                                 : QStringLiteral("d || ' ' || ts");
        QStringList out = read(db, QStringLiteral("days"), expr);
        for (QString &row : out) {
            if (row.contains(u'.')) { // a fraction: trailing zeros off
                const int dot = int(row.lastIndexOf(u'.'));
                int end = dot + 1;
                while (end < row.size() && row[end].isDigit())
                    ++end;
                QString fraction = row.mid(dot + 1, end - dot - 1);
                while (fraction.endsWith(u'0'))
                    fraction.chop(1);
                row = row.left(dot) + (fraction.isEmpty() ? QString() : u'.' + fraction) + row.mid(end);
            }
        }
        return out;
    };
    QStringList expected{"1=0001-01-01 0001-01-01 00:00:00", "2=1582-10-10 1582-10-10 12:30:00.5",
                         "3=1899-12-31 1899-12-31 23:59:59.999999", "4=9999-12-31 9999-12-31 23:59:59.999999"};
    ASSERT_EQ(lines(readDays(*source).mid(0, 4)), lines(expected));
    QStringList expectedRejects;
    if (from() == EngineKind::PostgreSQL) {
        if (to() == EngineKind::MySQL) {
            for (const char *k : {"5", "6", "7"})
                expectedRejects << QString::fromLatin1(k) + QStringLiteral(",d,outside the years MariaDB's date holds (0001 to 9999; no BC, no infinity)");
        } else { // PostgreSQL's own text, exactly
            expected << "5=10000-01-01 10000-01-01 00:00:00" << "6=0044-03-15 BC 0044-03-15 12:00:00 BC" << "7=infinity -infinity";
        }
    }
    run(QStringLiteral("days"), int(expectedRejects.size()));
    EXPECT_EQ(lines(readDays(*target)), lines(expected));
    EXPECT_EQ(lines(rejects(QStringLiteral("days"))), lines(expectedRejects));
}

TEST_P(EdgeValues, HugeNumerics)
{
    if (from() == EngineKind::SQLite)
        GTEST_SKIP() << "SQLite has no exact decimal (NUMERIC affinity keeps a double)";
    OPEN_OR_SKIP();
    const QString thousand = u'9' + QString(998, u'0') + u'1'; // 1000 digits
    const QString widest = QString(35, u'9') + u'.' + QString(30, u'9'); // decimal(65,30) full
    if (from() == EngineKind::PostgreSQL) {
        ASSERT_EQ(source->exec(QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, n numeric)").arg(source->table(QStringLiteral("nums")))),
                  QString());
        ASSERT_EQ(source->exec(QStringLiteral("INSERT INTO %1 VALUES (1, '%2'), (2, '-%2.5'), (3, 'NaN'), (4, '%3'), (5, '-0.000')")
                                   .arg(source->table(QStringLiteral("nums")), thousand, widest)),
                  QString());
    } else {
        ASSERT_EQ(source->exec(QStringLiteral("CREATE TABLE nums (id bigint PRIMARY KEY, n decimal(65,30)); "
                                              "INSERT INTO nums VALUES (4, %1), (5, -0.000)")
                                   .arg(widest)),
                  QString());
    }
    const QString n = to() == EngineKind::PostgreSQL ? QStringLiteral("n::text")
                      : to() == EngineKind::MySQL    ? QStringLiteral("CAST(n AS CHAR)")
                                                     : QStringLiteral("typeof(n) || ':' || CAST(n AS TEXT)");
    QStringList expected, expectedRejects;
    const bool sqlite = to() == EngineKind::SQLite;
    if (from() == EngineKind::PostgreSQL && to() != EngineKind::MySQL) {
        expected << "1=" + QString(sqlite ? "text:" : "") + thousand << "2=" + QString(sqlite ? "text:-" : "-") + thousand + ".5"
                 << "3=" + QString(sqlite ? "text:" : "") + "NaN";
    }
    if (from() == EngineKind::PostgreSQL && to() == EngineKind::MySQL) {
        expectedRejects << "1,n,has 1000 digits before the point; decimal(65,30) allows 35"
                        << "2,n,has 1000 digits before the point; decimal(65,30) allows 35"
                        << "3,n,not a finite number; decimal(65,30) holds no NaN or infinity";
    }
    // The widest MariaDB decimal: every digit; MariaDB prints all 30 places, PostgreSQL as stored.
    expected << "4=" + QString(sqlite ? "text:" : "") + widest;
    if (sqlite)
        expected << "5=integer:0";
    else
        expected << QString("5=") + (to() == EngineKind::MySQL ? "0." + QString(30, u'0') : from() == EngineKind::MySQL ? "0." + QString(30, u'0') : "0.000");
    run(QStringLiteral("nums"), int(expectedRejects.size()));
    EXPECT_EQ(lines(read(*target, QStringLiteral("nums"), n)), lines(expected));
    EXPECT_EQ(lines(rejects(QStringLiteral("nums"))), lines(expectedRejects));
}

TEST_P(EdgeValues, SqliteTextThatIsNotUtf8)
{
    if (from() != EngineKind::SQLite)
        GTEST_SKIP() << "only SQLite text can hold bytes that are not UTF-8";
    OPEN_OR_SKIP();
    // 1: C3 28 (a lead byte without its continuation), 2: a surrogate (ED A0 80), 3: a NUL
    // inside, 4: '', 5: NULL, 6: valid, 7: the bad bytes in a BLOB column.
    ASSERT_EQ(source->exec(QStringLiteral("CREATE TABLE texts (id INTEGER PRIMARY KEY, t TEXT, b BLOB); "
                                          "INSERT INTO texts VALUES (1, CAST(x'C328' AS TEXT), NULL), (2, CAST(x'61EDA080' AS TEXT), NULL), "
                                          "(3, CAST(x'610062' AS TEXT), NULL), (4, '', x''), (5, NULL, NULL), "
                                          "(6, 'ü ok', NULL), (7, NULL, x'C328')")),
              QString());
    // Each value's bytes as hex, or NULL.
    auto hexOf = [this](const char *column, bool text) {
        const QString c = QString::fromLatin1(column);
        const QString hex = to() == EngineKind::PostgreSQL
                                ? (text ? QStringLiteral("upper(encode(convert_to(%1, 'UTF8'), 'hex'))") : QStringLiteral("upper(encode(%1, 'hex'))"))
                                : QStringLiteral("hex(%1)");
        return QStringLiteral("CASE WHEN %1 IS NULL THEN 'NULL' ELSE %2 END").arg(c, hex.arg(c));
    };
    const QString hex = to() == EngineKind::MySQL ? QStringLiteral("CONCAT(%1, '/', %2)").arg(hexOf("t", true), hexOf("b", false))
                                                  : hexOf("t", true) + QStringLiteral(" || '/' || ") + hexOf("b", false);
    const QStringList all{"1=C328/NULL", "2=61EDA080/NULL", "3=610062/NULL", "4=/", "5=NULL/NULL", "6=C3BC206F6B/NULL", "7=NULL/C328"};
    QStringList expected = all, expectedRejects, values;
    if (to() != EngineKind::SQLite) {
        const QString engine = to() == EngineKind::PostgreSQL ? QStringLiteral("PostgreSQL") : QStringLiteral("MariaDB");
        expectedRejects << "1,t,not valid UTF-8 (byte 0xc3 at offset 0); " + engine + " text takes UTF-8 only"
                        << "2,t,not valid UTF-8 (byte 0xed at offset 1); " + engine + " text takes UTF-8 only";
        expected.removeAt(0);
        expected.removeAt(0);
        if (to() == EngineKind::PostgreSQL) {
            expectedRejects << "3,t,holds a NUL byte (0x00), which PostgreSQL text cannot";
            expected.removeAt(0);
        }
    }
    run(QStringLiteral("texts"), int(expectedRejects.size()));
    EXPECT_EQ(lines(read(*target, QStringLiteral("texts"), hex)), lines(expected));
    EXPECT_EQ(lines(rejects(QStringLiteral("texts"), &values)), lines(expectedRejects));
    if (!values.isEmpty()) { // the bytes as hex: nothing lost in the reject file
        EXPECT_EQ(values.first(), QStringLiteral("c328"));
    }
}

TEST_P(EdgeValues, TwentyMegabyteBlob)
{
    OPEN_OR_SKIP();
    constexpr int kBytes = 20 * 1024 * 1024;
    if (from() == EngineKind::MySQL) {
        // No SQL function builds a value past the 16 MB max_allowed_packet (REPEAT, CONCAT stop
        // there): LOAD DATA LOCAL of a file does, every byte value present.
        QByteArray file = "1\t";
        for (int i = 0; i < kBytes; ++i) {
            const char c = char((i * 7 + i / 4096) & 0xff);
            if (c == '\\' || c == '\t' || c == '\n' || c == 0)
                file += '\\';
            file += c == '\t' ? 't' : c == '\n' ? 'n' : c == 0 ? '0' : c;
        }
        file += "\n2\t\\0\xff\n";
        const QString path = dir.filePath(QStringLiteral("big.tsv"));
        QFile f(path);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(file);
        f.close();
        ASSERT_EQ(source->exec(QStringLiteral("CREATE TABLE big (id bigint PRIMARY KEY, b longblob)")), QString());
        ASSERT_EQ(source->exec(QStringLiteral("LOAD DATA LOCAL INFILE '%1' INTO TABLE big CHARACTER SET binary FIELDS TERMINATED BY "
                                              "X'09' ESCAPED BY X'5C' LINES TERMINATED BY X'0A'")
                                   .arg(path)),
                  QString());
    } else if (from() == EngineKind::PostgreSQL) {
        // 16 distinct bytes per md5, every byte value present.
        ASSERT_EQ(source->exec(QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, b bytea); "
                                              "INSERT INTO %1 SELECT 1, decode(string_agg(md5(i::text), '' ORDER BY i), 'hex') "
                                              "FROM generate_series(1, %2) i; INSERT INTO %1 VALUES (2, '\\x00ff')")
                                   .arg(source->table(QStringLiteral("big")))
                                   .arg(kBytes / 16)),
                  QString());
    } else {
        ASSERT_EQ(source->exec(QStringLiteral("CREATE TABLE big (id INTEGER PRIMARY KEY, b BLOB); "
                                              "INSERT INTO big VALUES (1, randomblob(%1)), (2, x'00ff')")
                                   .arg(kBytes)),
                  QString());
    }
    // The value's MD5, computed by the server (SQLite has none: its bytes, hashed here).
    auto md5 = [](const TestDatabase &db, int id) {
        const QString table = db.table(QStringLiteral("big"));
        if (db.kind() == EngineKind::PostgreSQL)
            return db.value(QStringLiteral("SELECT md5(b) || ':' || length(b) FROM %1 WHERE id = %2").arg(table).arg(id));
        if (db.kind() == EngineKind::MySQL)
            return db.value(QStringLiteral("SELECT CONCAT(MD5(b), ':', LENGTH(b)) FROM %1 WHERE id = %2").arg(table).arg(id));
        const QByteArray b = db.rows(QStringLiteral("SELECT b FROM %1 WHERE id = %2").arg(table).arg(id)).value(0).value(0).toByteArray();
        return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Md5).toHex()) + u':' + QString::number(b.size());
    };
    const QString original = md5(*source, 1);
    ASSERT_EQ(original.section(u':', 1).toStdString(), std::to_string(kBytes));
    // 16 MB max_allowed_packet on the test server: over it, only LOAD DATA LOCAL takes the value.
    const bool refused = to() == EngineKind::MySQL && target->value(QStringLiteral("SELECT @@local_infile")) != QLatin1String("1");
    run(QStringLiteral("big"), refused ? 1 : 0);
    EXPECT_EQ(md5(*target, 2).toStdString(), "d07d34efac6328007ad67c7e0a985e00:2"); // md5 of 00 ff
    QStringList values;
    if (refused) {
        EXPECT_EQ(target->value(QStringLiteral("SELECT count(*) FROM big")), QStringLiteral("1"));
        const QStringList r = rejects(QStringLiteral("big"), &values);
        ASSERT_EQ(r.size(), 1) << lines(r);
        EXPECT_EQ(r.first().toStdString(), QStringLiteral("1,b,a %1-byte value: its row needs a %2-byte INSERT, and MariaDB's "
                                                          "max_allowed_packet takes 16777216 (raise it on the server, up to 1 GB)")
                                               .arg(kBytes)
                                               .arg(2 * kBytes + 3 + 24)
                                               .toStdString());
        EXPECT_TRUE(values.value(0).endsWith(QStringLiteral("... (%1 bytes)").arg(kBytes))) << qPrintable(values.value(0).right(40));
        EXPECT_LT(values.value(0).size(), 2100);
    } else {
        EXPECT_EQ(md5(*target, 1), original);
        EXPECT_TRUE(rejects(QStringLiteral("big")).isEmpty());
    }
}

// A reader ends a batch at kBatchByteBudget (after at least one row): six 15 MB values come in
// batches of 5 (the fifth crosses 64 MB) and 1, not in one batch of 20,000 rows' room. (15 MB:
// MariaDB builds no value past its 16 MB max_allowed_packet.)
class BatchBytes : public ::testing::TestWithParam<EngineKind> {};

TEST_P(BatchBytes, ReaderEndsABatchAtTheByteBudget)
{
    const EngineKind kind = GetParam();
    if (TestDatabase::serverUrl(kind).isEmpty())
        GTEST_SKIP() << "the server is not configured";
    QTemporaryDir dir;
    QString error;
    auto db = TestDatabase::create(kind, dir.path(), QStringLiteral("bytes"), &error);
    ASSERT_TRUE(db) << qPrintable(error);
    constexpr int kBytes = 15 * 1024 * 1024;
    const QString blob = nativeType(kind, {QString(), ColumnKind::Blob});
    const QString key = nativeType(kind, {QString(), ColumnKind::Key});
    ASSERT_EQ(db->exec(QStringLiteral("CREATE TABLE %1 (id %2 PRIMARY KEY, b %3)").arg(db->table(QStringLiteral("six")), key, blob)),
              QString());
    const QString value = kind == EngineKind::PostgreSQL ? QStringLiteral("decode(repeat('ab', %1), 'hex')").arg(kBytes)
                          : kind == EngineKind::MySQL    ? QStringLiteral("REPEAT('x', %1)").arg(kBytes)
                                                         : QStringLiteral("zeroblob(%1)").arg(kBytes);
    for (int id = 1; id <= 6; ++id)
        ASSERT_EQ(db->exec(QStringLiteral("INSERT INTO %1 VALUES (%2, %3)").arg(db->table(QStringLiteral("six"))).arg(id).arg(value)), QString());

    auto url = ConnectionUrl::parse(db->url(), dir.path());
    ASSERT_TRUE(url.ok());
    auto c = DbConnection::open(*url, DbConnection::Mode::ReadOnly);
    ASSERT_TRUE(c.ok());
    auto engine = Engine::create(kind);
    auto tables = engine->introspect(**c);
    ASSERT_TRUE(tables.ok());
    TableSchema t;
    for (const auto &x : *tables)
        if (x.name == QLatin1String("six"))
            t = x;
    ASSERT_EQ(t.columns.size(), 2);
    auto reader = engine->openReader(**c, t, 0, 6);
    ASSERT_TRUE(reader.ok()) << qPrintable(reader.error().message);
    RowBatch batch;
    std::vector<int> sizes;
    for (int round = 0; round < 4; ++round) {
        auto n = (*reader)->next(batch, 20000);
        ASSERT_TRUE(n.ok()) << qPrintable(n.error().message);
        sizes.push_back(*n);
        if (*n == 0)
            break;
        EXPECT_EQ(batch.value(0, 1).size, quint32(kBytes));
    }
    EXPECT_EQ(sizes, (std::vector<int>{5, 1, 0}));
}

INSTANTIATE_TEST_SUITE_P(Engines, BatchBytes, ::testing::Values(EngineKind::SQLite, EngineKind::PostgreSQL, EngineKind::MySQL),
                         [](const ::testing::TestParamInfo<EngineKind> &info) { return engineName(info.param).toStdString(); });

INSTANTIATE_TEST_SUITE_P(AllPairs, EdgeValues, ::testing::ValuesIn(allDirections()),
                         [](const ::testing::TestParamInfo<Direction> &info) { return directionName(info.param); });

} // namespace
