// The binary COPY encoder against the real PostgreSQL server: every value sent in binary must
// arrive exactly as the same value sent as text (the server's own parser is the reference),
// and values the encoder does not recognise exactly must make it fall back to text. And the
// row hash the copy computes from those bytes (pgrowhash.h) against the server's own sum.

#include "engine/dbconnection.h"
#include "engine/postgres/pgbinarycopy.h"
#include "engine/postgres/pgrowhash.h"
#include "engine/valuetext.h"
#include "plan/connectionurl.h"

#include <QDir>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <variant>

using namespace cockpit;

namespace {

struct Blob {
    std::string bytes;
};
using Input = std::variant<std::monostate, qint64, double, std::string, Blob>; // monostate: NULL

RowBatch batchOf(const std::vector<Input> &values)
{
    RowBatch b(1);
    qint64 key = 0;
    for (const auto &v : values) {
        b.beginRow(++key);
        if (std::holds_alternative<std::monostate>(v))
            b.addNull();
        else if (auto *i = std::get_if<qint64>(&v))
            b.addInteger(*i);
        else if (auto *d = std::get_if<double>(&v))
            b.addReal(*d);
        else if (auto *s = std::get_if<std::string>(&v))
            b.addText(s->data(), int(s->size()));
        else
            b.addBlob(std::get<Blob>(v).bytes.data(), int(std::get<Blob>(v).bytes.size()));
    }
    return b;
}

// The text the text COPY path would send for `v` (nullopt: NULL).
std::optional<std::string> textOf(const Input &v)
{
    std::string out;
    if (std::holds_alternative<std::monostate>(v))
        return std::nullopt;
    if (auto *i = std::get_if<qint64>(&v))
        appendInteger(out, *i);
    else if (auto *d = std::get_if<double>(&v))
        appendShortestDouble(out, *d);
    else if (auto *s = std::get_if<std::string>(&v))
        out = *s;
    else {
        static const char hex[] = "0123456789abcdef";
        out = "\\x";
        for (unsigned char c : std::get<Blob>(v).bytes) {
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

class PgBinaryCopy : public ::testing::Test {
protected:
    std::unique_ptr<DbConnection> db;

    void SetUp() override
    {
        const QString url = qEnvironmentVariable("COCKPIT_TEST_PG_URL");
        if (url.isEmpty())
            GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test.sh starts the server)";
        auto parsed = ConnectionUrl::parse(url, QDir::currentPath());
        ASSERT_TRUE(parsed.ok());
        auto opened = DbConnection::open(*parsed, DbConnection::Mode::ReadWrite);
        ASSERT_TRUE(opened.ok()) << opened.error().message.toStdString();
        db = std::move(*opened);
    }

    void run(const std::string &sql)
    {
        PGresult *r = PQexec(db->postgres(), sql.c_str());
        const auto status = PQresultStatus(r);
        EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) << PQerrorMessage(db->postgres()) << sql;
        PQclear(r);
    }

    std::vector<std::string> column(const std::string &table)
    {
        std::vector<std::string> out;
        PGresult *r = PQexec(db->postgres(), ("SELECT coalesce(v::text, '<null>') FROM " + table + " ORDER BY n").c_str());
        for (int i = 0; i < PQntuples(r); ++i)
            out.emplace_back(PQgetvalue(r, i, 0));
        PQclear(r);
        return out;
    }

    // Sends `stream` (binary COPY) into `table`.
    void copyIn(const std::string &table, const ByteBuffer &stream)
    {
        PGresult *start = PQexec(db->postgres(), ("COPY " + table + " FROM STDIN (FORMAT binary)").c_str());
        ASSERT_EQ(PQresultStatus(start), PGRES_COPY_IN) << PQerrorMessage(db->postgres());
        PQclear(start);
        ASSERT_EQ(PQputCopyData(db->postgres(), stream.data(), int(stream.size())), 1);
        ASSERT_EQ(PQputCopyEnd(db->postgres(), nullptr), 1);
        PGresult *end = PQgetResult(db->postgres());
        EXPECT_EQ(PQresultStatus(end), PGRES_COMMAND_OK) << PQerrorMessage(db->postgres());
        PQclear(end);
        while (PGresult *more = PQgetResult(db->postgres()))
            PQclear(more);
    }

    // The server's pgrowhash sum of `columns` of `table`, mod 2^64.
    std::pair<qint64, quint64> serverSum(const std::string &table, const QStringList &columns, const std::vector<PgBinaryKind> &kinds)
    {
        const QString sql = pgrowhash::sumSql(QString::fromStdString(table), columns, kinds);
        PGresult *r = PQexec(db->postgres(), sql.toUtf8().constData());
        EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(db->postgres()) << sql.toStdString();
        std::pair<qint64, quint64> out{-1, 0};
        if (PQresultStatus(r) == PGRES_TUPLES_OK) {
            out.first = QByteArray(PQgetvalue(r, 0, 0)).toLongLong();
            EXPECT_TRUE(pgrowhash::reduceSum(QString::fromLatin1(PQgetvalue(r, 0, 1)), out.second));
        }
        PQclear(r);
        return out;
    }

    // Each value, alone in a `type` column, hashed by the copy and summed by the server.
    void expectServerHashes(const std::string &type, PgBinaryKind kind, const std::vector<Input> &values)
    {
        for (size_t i = 0; i < values.size(); ++i) {
            SCOPED_TRACE(type + " value #" + std::to_string(i) + ": " + textOf(values[i]).value_or("NULL"));
            run("DROP TABLE IF EXISTS pg_temp.h; CREATE TEMP TABLE h (v " + type + ")");
            ByteBuffer stream;
            ASSERT_TRUE(encodeBinaryCopy(batchOf({values[i]}), {kind}, stream));
            copyIn("h", stream);
            quint64 ours = 0;
            ASSERT_TRUE(pgrowhash::addCopyStream(stream.data(), stream.size(), {kind}, ours));
            const auto server = serverSum("h", {QStringLiteral("v")}, {kind});
            EXPECT_EQ(server.first, 1);
            EXPECT_EQ(server.second, ours);
        }
    }

    // Sends `values` to a `type` column in binary and as text; both must read back the same.
    void expectSameAsText(const std::string &type, PgBinaryKind kind, const std::vector<Input> &values)
    {
        SCOPED_TRACE(type);
        run("DROP TABLE IF EXISTS pg_temp.bin; DROP TABLE IF EXISTS pg_temp.txt; "
            "CREATE TEMP TABLE bin (n serial, v " + type + "); CREATE TEMP TABLE txt (n serial, v " + type + ")");
        ByteBuffer stream;
        ASSERT_TRUE(encodeBinaryCopy(batchOf(values), std::vector<PgBinaryKind>{kind}, stream))
            << "a value fell back to text";
        copyIn("bin (v)", stream);
        for (const auto &v : values) {
            const auto text = textOf(v);
            const char *param = text ? text->c_str() : nullptr;
            PGresult *r = PQexecParams(db->postgres(), ("INSERT INTO txt (v) VALUES ($1::" + type + ")").c_str(), 1,
                                       nullptr, &param, nullptr, nullptr, 0);
            EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(db->postgres());
            PQclear(r);
        }
        const auto binary = column("bin");
        EXPECT_EQ(binary.size(), values.size());
        EXPECT_EQ(binary, column("txt"));
    }
};

TEST_F(PgBinaryCopy, NumericsArriveAsTheirText)
{
    const std::vector<Input> values{std::string("0"), std::string("-0"), std::string("1"), std::string("-1"),
                                    std::string("123.45"), std::string("0.001"), std::string("0.00001"),
                                    std::string("1.50"), std::string("100"), std::string("10000"),
                                    std::string("99999999"), std::string("1234567890123456.123456789012"),
                                    std::string("-0.000000000001"), std::string("1e3"), std::string("1.5e-3"),
                                    std::string("-2.5E+2"), std::string("000123.4500"), std::string("+7.0"),
                                    qint64(42), qint64(-7), qint64(std::numeric_limits<qint64>::min()),
                                    0.1, 12.5, -3.25e-5, 1e20, std::monostate{}};
    // Digits beyond the encoder's stack buffer: long text, and doubles far from 1 in fixed notation.
    std::vector<Input> wide = values;
    wide.insert(wide.end(), {std::string(150, '9') + ".5", "-0." + std::string(140, '0') + "7", 1e300, -1.5e-300});
    expectSameAsText("numeric", PgBinaryKind::Numeric, wide);
    std::vector<Input> scaled;
    for (const auto &v : values)
        if (!std::holds_alternative<qint64>(v) || std::get<qint64>(v) > -1000) // fits numeric(28,12)
            if (!std::holds_alternative<double>(v) || std::get<double>(v) < 1e15)
                scaled.push_back(v);
    expectSameAsText("numeric(28,12)", PgBinaryKind::Numeric, scaled);
}

TEST_F(PgBinaryCopy, DatesAndTimestampsArriveAsTheirText)
{
    expectSameAsText("date", PgBinaryKind::Date,
                     {std::string("2024-02-29"), std::string("2000-01-01"), std::string("1999-12-31"),
                      std::string("0001-01-01"), std::string("9999-12-31"), std::string("1970-01-01"), std::monostate{}});
    expectSameAsText("timestamp", PgBinaryKind::Timestamp,
                     {std::string("2024-02-29 13:45:59.123456"), std::string("2000-01-01 00:00:00"),
                      std::string("1999-12-31T23:59:59.5"), std::string("1900-03-01 00:00"), std::string("2024-01-02"),
                      std::string("0001-01-01 00:00:00.000001")});
    run("SET TimeZone = 'UTC'");
    expectSameAsText("timestamptz", PgBinaryKind::TimestampTz,
                     {std::string("2024-02-29 13:45:59.123456+00"), std::string("2024-02-29 13:45:59+05:30"),
                      std::string("2024-02-29 13:45:59-0800"), std::string("2024-02-29 13:45:59Z"),
                      std::string("2024-02-29 13:45:59"), std::string("1969-07-20 20:17:40-05")});
}

TEST_F(PgBinaryCopy, IntegersBooleansDoublesTextAndBytesArriveAsTheirText)
{
    expectSameAsText("smallint", PgBinaryKind::Int2, {qint64(-32768), qint64(32767), std::string("12"), 4.0});
    expectSameAsText("integer", PgBinaryKind::Int4, {qint64(-2147483648LL), qint64(2147483647), qint64(0)});
    expectSameAsText("bigint", PgBinaryKind::Int8,
                     {qint64(std::numeric_limits<qint64>::min()), qint64(std::numeric_limits<qint64>::max()), std::string("-5")});
    expectSameAsText("boolean", PgBinaryKind::Bool,
                     {qint64(0), qint64(1), std::string("t"), std::string("f"), std::string("true"), std::string("false")});
    expectSameAsText("double precision", PgBinaryKind::Float8,
                     {-0.0, 1e308, 5e-324, 0.1, qint64(9007199254740993LL), std::string("2.5"), std::string("-1e-300")});
    expectSameAsText("text", PgBinaryKind::Text,
                     {std::string("h\xC3\xA9llo \xE2\x9C\x93 tab\there \\ back"), std::string(""), qint64(5), 0.25});
    std::string all;
    for (int i = 0; i < 256; ++i)
        all += char(i);
    expectSameAsText("bytea", PgBinaryKind::Bytea, {Blob{all}, Blob{""}, std::monostate{}});
}

TEST_F(PgBinaryCopy, ValuesItDoesNotRecogniseExactlyFallBackToText)
{
    ByteBuffer out;
    auto encodes = [&](PgBinaryKind kind, Input v) {
        out.clear();
        return encodeBinaryCopy(batchOf({v}), {kind}, out);
    };
    EXPECT_FALSE(encodes(PgBinaryKind::Numeric, std::string("NaN")));
    EXPECT_FALSE(encodes(PgBinaryKind::Numeric, std::string(" 1.5")));
    EXPECT_FALSE(encodes(PgBinaryKind::Date, std::string("2024-01-02 BC")));
    EXPECT_FALSE(encodes(PgBinaryKind::Date, std::string("2023-02-29")));
    EXPECT_FALSE(encodes(PgBinaryKind::Bool, std::string("yes")));
    EXPECT_FALSE(encodes(PgBinaryKind::Bool, qint64(2)));
    EXPECT_FALSE(encodes(PgBinaryKind::Int4, qint64(3000000000LL)));
    EXPECT_FALSE(encodes(PgBinaryKind::Int8, 1.5));
    EXPECT_FALSE(encodes(PgBinaryKind::Timestamp, std::string("2024-01-01 00:00:00+02")));
    EXPECT_FALSE(encodes(PgBinaryKind::Timestamp, std::string("2024-01-01 00:00:00.1234567")));
    EXPECT_TRUE(encodes(PgBinaryKind::TimestampTz, std::string("2024-01-01 00:00:00+02")));
    // Types whose binary form is not written here stay on text COPY.
    auto type = [](TypeClass cls) {
        ColumnType t;
        t.cls = cls;
        return t;
    };
    EXPECT_FALSE(binaryCopyKind(type(TypeClass::Float32), QStringLiteral("real")).has_value());
    EXPECT_FALSE(binaryCopyKind(type(TypeClass::Text), QStringLiteral("text[]")).has_value());
    EXPECT_FALSE(binaryCopyKind(type(TypeClass::Timestamp), QStringLiteral("timestamp(0) without time zone")).has_value());
    EXPECT_EQ(binaryCopyKind(type(TypeClass::Numeric), QStringLiteral("numeric(28,12)")), PgBinaryKind::Numeric);
}

TEST_F(PgBinaryCopy, TheServerSumsEveryValueAsTheCopyHashedIt)
{
    expectServerHashes("numeric", PgBinaryKind::Numeric,
                       {std::string("0"), std::string("-0"), std::string("1"), std::string("-1"), std::string("123.45"),
                        std::string("-123.45"), std::string("0.0001"), std::string("10000"), std::string("1.50"),
                        std::string("-0.000000000001"), std::string("1234567890123456.123456789012"),
                        std::string(150, '9') + ".5", "-0." + std::string(140, '0') + "7", qint64(-7), 1e20});
    expectServerHashes("numeric(28,12)", PgBinaryKind::Numeric, {std::string("12.5"), std::string("-3.000000000001")});
    expectServerHashes("date", PgBinaryKind::Date,
                       {std::string("2024-02-29"), std::string("2000-01-01"), std::string("1999-12-31"), std::string("0001-01-01"),
                        std::string("9999-12-31")});
    expectServerHashes("timestamp", PgBinaryKind::Timestamp,
                       {std::string("2024-02-29 13:45:59.123456"), std::string("2000-01-01 00:00:00"),
                        std::string("1969-07-20T20:17:40"), std::string("0001-01-01 00:00:00.000001")});
    run("SET TimeZone = 'Europe/Paris'"); // hashed at UTC whatever the session's zone
    expectServerHashes("timestamptz", PgBinaryKind::TimestampTz,
                       {std::string("2024-02-29 13:45:59.123456+00"), std::string("2024-07-01 13:45:59+05:30"),
                        std::string("1969-07-20 20:17:40-05")});
    run("SET TimeZone = 'UTC'");
    expectServerHashes("smallint", PgBinaryKind::Int2, {qint64(-32768), qint64(32767), qint64(0), qint64(-1)});
    expectServerHashes("integer", PgBinaryKind::Int4, {qint64(-2147483648LL), qint64(2147483647), qint64(0), qint64(-5)});
    expectServerHashes("bigint", PgBinaryKind::Int8,
                       {qint64(std::numeric_limits<qint64>::min()), qint64(std::numeric_limits<qint64>::max()), qint64(-1),
                        qint64(1) << 40, qint64(0)});
    expectServerHashes("boolean", PgBinaryKind::Bool, {qint64(0), qint64(1)});
    expectServerHashes("double precision", PgBinaryKind::Float8,
                       {-0.0, 0.0, 1e308, 5e-324, 0.1, -2.5, std::numeric_limits<double>::infinity(),
                        std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN()});
    // Every length around lookup3's 12-byte blocks, and multi-byte UTF-8.
    std::vector<Input> texts{std::string(""), std::string("h\xC3\xA9llo \xE2\x9C\x93"), std::string(60, 'x')};
    for (int n = 1; n <= 25; ++n)
        texts.push_back(std::string("abcdefghijklmnopqrstuvwxy").substr(0, size_t(n)));
    expectServerHashes("text", PgBinaryKind::Text, texts);
    expectServerHashes("varchar(30)", PgBinaryKind::Text, {std::string("dat"), std::string("INV-000123")});
}

TEST_F(PgBinaryCopy, TheServerSumsRowsOfSeveralColumnsWithNullsAsTheCopyHashedThem)
{
    run("DROP TABLE IF EXISTS pg_temp.r; CREATE TEMP TABLE r (a bigint, \"B c\" text, d numeric, e date)");
    const std::vector<PgBinaryKind> kinds{PgBinaryKind::Int8, PgBinaryKind::Text, PgBinaryKind::Numeric, PgBinaryKind::Date};
    RowBatch batch(4);
    for (int row = 0; row < 1000; ++row) {
        batch.beginRow(row + 1);
        batch.addInteger(row % 7 == 0 ? -row : row);
        if (row % 5 == 0)
            batch.addNull();
        else
            batch.addText(std::to_string(row * 31).c_str(), int(std::to_string(row * 31).size()));
        const std::string amount = std::to_string(row - 500) + ".25";
        batch.addText(amount.c_str(), int(amount.size()));
        if (row % 3 == 0)
            batch.addNull();
        else
            batch.addText("2024-03-15", 10);
    }
    ByteBuffer stream;
    ASSERT_TRUE(encodeBinaryCopy(batch, kinds, stream));
    copyIn("r", stream);
    quint64 ours = 0;
    ASSERT_TRUE(pgrowhash::addCopyStream(stream.data(), stream.size(), kinds, ours));
    const QStringList columns{QStringLiteral("a"), QStringLiteral("\"B c\""), QStringLiteral("d"), QStringLiteral("e")};
    auto server = serverSum("r", columns, kinds);
    EXPECT_EQ(server.first, 1000);
    EXPECT_EQ(server.second, ours);
    // One value changed, or two values swapped between columns of one type: another sum.
    run("UPDATE r SET d = -d WHERE a = 3");
    EXPECT_NE(serverSum("r", columns, kinds).second, ours);
    run("UPDATE r SET d = -d WHERE a = 3");
    EXPECT_EQ(serverSum("r", columns, kinds).second, ours);
    run("ALTER TABLE r ADD COLUMN f bigint; UPDATE r SET f = a, a = NULL WHERE a = 4");
    auto moved = serverSum("r", columns + QStringList{QStringLiteral("f")}, {kinds[0], kinds[1], kinds[2], kinds[3], PgBinaryKind::Int8});
    EXPECT_NE(moved.second, ours);
    // An empty table sums to 0; a malformed stream is refused.
    run("TRUNCATE r");
    EXPECT_EQ(serverSum("r", columns, kinds), (std::pair<qint64, quint64>{0, 0}));
    quint64 unused = 0;
    EXPECT_FALSE(pgrowhash::addCopyStream(stream.data(), stream.size() - 3, kinds, unused));
    EXPECT_FALSE(pgrowhash::addCopyStream(stream.data(), stream.size(), {PgBinaryKind::Int8}, unused));
}

// Big values left in the batch (PgCopySplice): the stream with them put back where they belong
// is byte for byte the stream encoded whole, and its row hashes sum the same.
TEST(PgRowHash, SplicedBigValuesSendAndHashAsTheWholeStream)
{
    const std::vector<PgBinaryKind> kinds{PgBinaryKind::Int8, PgBinaryKind::Text, PgBinaryKind::Bytea};
    std::string big(kPgSpliceMin, 'x'), bigger(kPgSpliceMin * 3 + 7, '\0');
    for (size_t i = 0; i < bigger.size(); ++i)
        bigger[i] = char(i * 131);
    RowBatch batch(3);
    for (int row = 0; row < 5; ++row) {
        batch.beginRow(row + 1);
        batch.addInteger(row);
        if (row == 1)
            batch.addText(big.data(), int(big.size()));
        else
            batch.addText("small", 5);
        if (row == 1 || row == 3)
            batch.addBlob(bigger.data(), int(bigger.size()));
        else if (row == 2)
            batch.addNull();
        else
            batch.addBlob("\x01\x02", 2);
    }
    ByteBuffer whole, stream;
    std::vector<PgCopySplice> splices;
    ASSERT_TRUE(encodeBinaryCopy(batch, kinds, whole));
    ASSERT_TRUE(encodeBinaryCopy(batch, kinds, stream, &splices));
    ASSERT_EQ(splices.size(), 3u);
    std::string sent;
    size_t at = 0;
    for (const auto &s : splices) {
        sent.append(stream.data() + at, s.at - at).append(s.data, s.size);
        at = s.at;
    }
    sent.append(stream.data() + at, stream.size() - at);
    EXPECT_EQ(stream.size(), whole.size() - big.size() - 2 * bigger.size());
    EXPECT_TRUE(sent == whole.view());
    quint64 fromWhole = 0, fromSpliced = 0;
    ASSERT_TRUE(pgrowhash::addCopyStream(whole.data(), whole.size(), kinds, fromWhole));
    ASSERT_TRUE(pgrowhash::addCopyStream(stream.data(), stream.size(), kinds, fromSpliced, splices));
    EXPECT_EQ(fromSpliced, fromWhole);
    // Without its splices the stream is not well formed.
    quint64 unused = 0;
    EXPECT_FALSE(pgrowhash::addCopyStream(stream.data(), stream.size(), kinds, unused));
    EXPECT_FALSE(pgrowhash::addCopyStream(stream.data(), stream.size(), kinds, unused, std::span(splices).first(2)));
}

TEST(PgRowHash, TheServersSumIsReducedModTwoToTheSixtyFour)
{
    quint64 v = 1;
    EXPECT_TRUE(pgrowhash::reduceSum(QStringLiteral("0"), v));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(pgrowhash::reduceSum(QStringLiteral("-1"), v));
    EXPECT_EQ(v, ~quint64(0));
    EXPECT_TRUE(pgrowhash::reduceSum(QStringLiteral("18446744073709551617"), v)); // 2^64 + 1
    EXPECT_EQ(v, 1u);
    EXPECT_TRUE(pgrowhash::reduceSum(QStringLiteral("-36893488147419103234"), v)); // -(2^65 + 2)
    EXPECT_EQ(v, quint64(0) - 2);
    EXPECT_FALSE(pgrowhash::reduceSum(QStringLiteral("1.5"), v));
    EXPECT_FALSE(pgrowhash::reduceSum(QString(), v));
    EXPECT_FALSE(pgrowhash::reduceSum(QStringLiteral("-"), v));
    // One tuple: a field count, then each field's length and bytes. An infinite date cannot be
    // summed by the server (DATE minus DATE fails), so the copy does not hash it.
    const std::string finite("\x00\x01\x00\x00\x00\x04\x00\x00\x01\x00", 10), infinite("\x00\x01\x00\x00\x00\x04\x7f\xff\xff\xff", 10);
    quint64 sum = 0;
    EXPECT_TRUE(pgrowhash::addTuple(finite.data(), finite.size(), {PgBinaryKind::Date}, sum));
    EXPECT_NE(sum, 0u);
    const quint64 before = sum;
    EXPECT_FALSE(pgrowhash::addTuple(infinite.data(), infinite.size(), {PgBinaryKind::Date}, sum));
    EXPECT_TRUE(pgrowhash::addTuple(infinite.data(), infinite.size(), {PgBinaryKind::Int4}, sum)); // an integer may be that
    EXPECT_FALSE(pgrowhash::addTuple(finite.data(), finite.size() - 1, {PgBinaryKind::Date}, sum));
    EXPECT_NE(sum, before);
    EXPECT_FALSE(pgrowhash::covers({}));
    EXPECT_FALSE(pgrowhash::covers({PgBinaryKind::Int8, PgBinaryKind::Bytea}));
    EXPECT_TRUE(pgrowhash::covers({PgBinaryKind::Int8, PgBinaryKind::Text}));
}

} // namespace
