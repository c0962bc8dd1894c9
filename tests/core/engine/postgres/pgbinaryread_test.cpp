// Reading PostgreSQL rows by binary COPY (pgbinaryread.h) against the real server: a table of
// every decodable type with awkward values is read in binary and through the text path
// (COCKPIT_PG_TEXT_COPY=1), and both batches must hold the same values bit for bit; tables with
// other types must stay on text. Malformed binary streams must give errors, not crashes.

#include "engine/dbconnection.h"
#include "engine/postgres/pgbinaryread.h"
#include "engine/postgres/postgresengine.h"
#include "plan/connectionurl.h"
#include "support/awkwarddataset.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace cockpit;
using namespace cockpit::test;

namespace {

// One value as comparable bytes: its type, then its integer, its double's bits or its bytes.
std::string describe(const RowBatch &b, const Value &v)
{
    std::string out(1, char('0' + int(v.type)));
    if (v.type == ValueType::Integer)
        out += std::to_string(v.integer);
    else if (v.type == ValueType::Real)
        out.append(reinterpret_cast<const char *>(&v.real), sizeof v.real);
    else if (v.type == ValueType::Text || v.type == ValueType::Blob)
        out.append(b.bytes(v), v.size);
    return out;
}

// Every row of `reader` (small batches, so that rows span several calls): key, then values.
std::vector<std::vector<std::string>> readAll(RowReader &reader)
{
    std::vector<std::vector<std::string>> rows;
    RowBatch batch;
    while (true) {
        auto n = reader.next(batch, 3);
        EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message.toStdString());
        if (!n.ok() || *n == 0)
            return rows;
        for (int r = 0; r < batch.rows(); ++r) {
            std::vector<std::string> row{std::to_string(batch.key(r))};
            for (int c = 0; c < batch.columns(); ++c)
                row.push_back(describe(batch, batch.value(r, c)));
            rows.push_back(std::move(row));
        }
    }
}

class PgBinaryReadServer : public ::testing::Test {
protected:
    QTemporaryDir dir;
    std::unique_ptr<TestDatabase> server;
    std::unique_ptr<DbConnection> conn;
    PostgresEngine engine;

    void SetUp() override
    {
        if (TestDatabase::serverUrl(EngineKind::PostgreSQL).isEmpty())
            GTEST_SKIP() << "COCKPIT_TEST_PG_URL is not set (scripts/test.sh starts the server)";
        QString error;
        server = TestDatabase::create(EngineKind::PostgreSQL, dir.path(), QStringLiteral("binread"), &error);
        ASSERT_TRUE(server) << qPrintable(error);
        auto url = ConnectionUrl::parse(server->url(), dir.path());
        ASSERT_TRUE(url.ok());
        auto opened = DbConnection::open(*url, DbConnection::Mode::ReadOnly);
        ASSERT_TRUE(opened.ok()) << qPrintable(opened.error().message);
        conn = std::move(*opened);
    }

    void TearDown() override { qunsetenv("COCKPIT_PG_TEXT_COPY"); }

    TableSchema table(const QString &name)
    {
        auto tables = engine.introspect(*conn);
        EXPECT_TRUE(tables.ok());
        if (tables.ok())
            for (const auto &t : *tables)
                if (t.name == name)
                    return t;
        ADD_FAILURE() << "no table " << qPrintable(name);
        return {};
    }

    struct Read {
        bool binary = false;
        std::vector<std::vector<std::string>> rows;
    };
    // The rows of `t` in key order by the keyed reader (keyFirst) or the ordered one, read
    // in binary when the engine picks it, or forced to text.
    Read read(const TableSchema &t, bool keyed, bool forceText)
    {
        if (forceText)
            qputenv("COCKPIT_PG_TEXT_COPY", "1");
        else
            qunsetenv("COCKPIT_PG_TEXT_COPY");
        auto reader = keyed ? engine.openReader(*conn, t, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max())
                            : engine.openOrderedReader(*conn, t);
        qunsetenv("COCKPIT_PG_TEXT_COPY");
        EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message.toStdString());
        if (!reader.ok())
            return {};
        return {PostgresEngine::readsBinary(**reader), readAll(**reader)};
    }
};

// Column values, one list per column; row i takes each column's i-th value, NULL past its end.
const std::vector<std::pair<const char *, std::vector<const char *>>> kColumns{
    {"b boolean", {"true", "false"}},
    {"i2 smallint", {"-32768", "32767", "0", "-1"}},
    {"i4 integer", {"-2147483648", "2147483647", "0", "42"}},
    {"i8 bigint", {"-9223372036854775808", "9223372036854775807", "0", "-7"}},
    {"f8 double precision",
     {"'-0'", "'1e308'", "'NaN'", "'Infinity'", "'-Infinity'", "'5e-324'", "0.1", "'2.2250738585072014e-308'", "1.0/3",
      "'Infinity'::float8 - 'Infinity'::float8", "'-1.7976931348623157e308'", "123456789.125", "0"}},
    {"n numeric",
     {"0", "'-0'", "0.0001000", "'1e-30'", "123456789012345678901234.5678", "-123456789012345678901234.5678", "'NaN'",
      "'Infinity'", "'-Infinity'", "99999999", "10000", "1.5", "-0.5", "0.00", "'1e20'", "0.000012345",
      "1234.5678", "'9999.99990000'", "-1", "100000000.0001"}},
    {"n2 numeric(30,4)", {"1.5", "-0.00005", "0", "12345678901234567890.1234", "0.0001"}},
    {"t text",
     {"''", "E'a\\tb\\nc\\\\d\\re'", "'ünïcödé 日本 €'", "E'\\\\N'", "repeat('xyz', 5000)", "' lead and trail '",
      "E'\\x01\\x7f'"}},
    {"v varchar(30)", {"'abc  '", "''", "'\\N'", "E'tab\\there'"}},
    {"c char(5)", {"'ab'", "''", "'abcde'", "'é'"}},
    {"by bytea", {"'\\x00ff'", "''", "'\\x5c4e'", "'\\x000000'", "decode(repeat('ff00', 3000), 'hex')"}},
    {"d date",
     {"'2024-02-29'", "'0001-01-01'", "'0001-12-31 BC'", "'4714-11-24 BC'", "'10000-01-01'", "'5874897-12-31'",
      "'infinity'", "'-infinity'", "'1970-01-01'", "'1999-12-31'", "'2000-01-01'", "'0044-03-15 BC'"}},
    {"ts timestamp",
     {"'2024-01-01 12:34:56.5'", "'2024-01-01 00:00:00.000001'", "'1999-12-31 23:59:59.999999'",
      "'2000-01-01 00:00:00'", "'0044-03-15 12:00:00 BC'", "'294276-12-31 23:59:59.999999'",
      "'4714-11-24 00:00:00 BC'", "'infinity'", "'-infinity'", "'1969-12-31 23:59:59.1'", "'12000-06-30 01:02:03.04'",
      "'0001-01-01 00:00:00'", "'0001-12-31 23:59:59.25 BC'"}},
    {"tz timestamptz",
     {"'2024-01-01 12:34:56.5+00'", "'2024-06-01 12:00:00+05:30'", "'0044-03-15 12:00:00+00 BC'", "'infinity'",
      "'-infinity'", "'1969-12-31 23:59:59.123456-08'", "'2000-01-01 00:00:00.010'", "'10001-01-01 00:00:00+00'"}},
};

TEST_F(PgBinaryReadServer, EveryDecodableTypeReadsAsTheTextPathReadsIt)
{
    QStringList columns;
    size_t rows = 0;
    for (const auto &[column, values] : kColumns) {
        columns << QString::fromUtf8(column);
        rows = std::max(rows, values.size() + 1); // and a row of NULLs at the end
    }
    QString sql = QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, %2);\n")
                      .arg(server->table(QStringLiteral("nasty")), columns.join(QStringLiteral(", ")));
    for (size_t r = 0; r < rows; ++r) {
        QStringList values{QString::number(qint64(r) * 1000000007LL - 5000000000LL)}; // negative keys too
        for (const auto &[column, list] : kColumns)
            values << (r < list.size() ? QString::fromUtf8(list[r]) : QStringLiteral("NULL"));
        sql += QStringLiteral("INSERT INTO %1 VALUES (%2);\n").arg(server->table(QStringLiteral("nasty")), values.join(QStringLiteral(", ")));
    }
    ASSERT_EQ(server->exec(sql), QString());

    const TableSchema t = table(QStringLiteral("nasty"));
    ASSERT_EQ(t.columns.size(), qsizetype(kColumns.size() + 1));
    ASSERT_TRUE(t.hasCopyKey());
    for (bool keyed : {true, false}) {
        SCOPED_TRACE(keyed ? "keyed reader" : "ordered reader");
        const Read binary = read(t, keyed, false);
        const Read text = read(t, keyed, true);
        EXPECT_TRUE(binary.binary);
        EXPECT_FALSE(text.binary);
        ASSERT_EQ(binary.rows.size(), rows);
        ASSERT_EQ(text.rows.size(), rows);
        for (size_t r = 0; r < rows; ++r) {
            ASSERT_EQ(binary.rows[r].size(), text.rows[r].size());
            for (size_t c = 0; c < text.rows[r].size(); ++c)
                EXPECT_EQ(binary.rows[r][c], text.rows[r][c])
                    << "row " << r << ", " << (c == 0 ? "key" : kColumns[c - 1].first);
        }
    }

    // Validation's checksum reads the same way: equal both ways.
    auto binarySum = engine.checksum(*conn, t);
    qputenv("COCKPIT_PG_TEXT_COPY", "1");
    auto textSum = engine.checksum(*conn, t);
    ASSERT_TRUE(binarySum.ok() && textSum.ok());
    EXPECT_EQ(binarySum->rows, qint64(rows));
    EXPECT_EQ(binarySum->sum, textSum->sum);
}

TEST_F(PgBinaryReadServer, RandomValuesReadAsTheTextPathReadsThem)
{
    // Numerics of every magnitude and scale, doubles of every exponent, dates and timestamps
    // across the whole calendar PostgreSQL accepts (BC to 294276 AD); seeded, so reproducible.
    ASSERT_EQ(server->exec(QStringLiteral(
                  "SELECT setseed(0.42);\n"
                  "CREATE TABLE %1 AS SELECT g AS id, "
                  "round(((random() - 0.5) * 10 ^ (random() * 60 - 30))::numeric, (random() * 40)::int) AS n, "
                  "((random() - 0.5) * 10 ^ (random() * 600 - 300))::float8 AS f, "
                  "'4713-01-01 BC'::date + (random() * 109000000)::int AS d, "
                  "'4713-01-01 00:00:00 BC'::timestamp + random() * interval '298000 years' AS ts, "
                  "'1900-01-01 00:00:00+00'::timestamptz + random() * interval '200 years' AS tz "
                  "FROM generate_series(1, 3000) g;\n"
                  "ALTER TABLE %1 ADD PRIMARY KEY (id)")
                  .arg(server->table(QStringLiteral("random")))),
              QString());
    const TableSchema t = table(QStringLiteral("random"));
    const Read binary = read(t, true, false);
    const Read text = read(t, true, true);
    EXPECT_TRUE(binary.binary);
    ASSERT_EQ(text.rows.size(), 3000u);
    ASSERT_EQ(binary.rows.size(), text.rows.size());
    for (size_t r = 0; r < text.rows.size(); ++r)
        ASSERT_EQ(binary.rows[r], text.rows[r]) << "row " << r;
}

TEST_F(PgBinaryReadServer, TablesWithOtherTypesStayOnText)
{
    ASSERT_EQ(server->exec(QStringLiteral("CREATE TABLE %1 (id int PRIMARY KEY, u uuid, j json, t text);\n"
                                          "INSERT INTO %1 VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2]}', 'x'), "
                                          "(2, NULL, NULL, NULL);\n"
                                          "CREATE TABLE %2 (id int PRIMARY KEY, f real);\n"
                                          "INSERT INTO %2 VALUES (1, 0.1), (2, 3.4e38);\n"
                                          "CREATE TABLE %3 (id int PRIMARY KEY, i interval, a int[]);\n"
                                          "INSERT INTO %3 VALUES (1, '1 day', '{1,2}')")
                                          .arg(server->table(QStringLiteral("other")), server->table(QStringLiteral("floats")),
                                               server->table(QStringLiteral("misc")))),
              QString());
    for (const char *name : {"other", "floats", "misc"}) {
        SCOPED_TRACE(name);
        const Read r = read(table(QString::fromLatin1(name)), true, false);
        EXPECT_FALSE(r.binary);
        EXPECT_EQ(r.rows.size(), 2u - (std::string(name) == "misc"));
    }
    const Read other = read(table(QStringLiteral("other")), true, false);
    ASSERT_EQ(other.rows.size(), 2u);
    EXPECT_EQ(other.rows[0][2], "3a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

// The decoder alone, on hand-made streams.
std::string big16(int v) { return {char(v >> 8), char(v)}; }
std::string big32(qint64 v) { return big16(int(v >> 16)) + big16(int(v & 0xffff)); }
const std::string kHeader = std::string("PGCOPY\n\377\r\n", 11) + big32(0) + big32(0);

Result<int> decodeAll(const std::vector<std::string> &messages, std::vector<PgBinaryRead> columns, RowBatch &batch)
{
    PgBinaryRowDecoder decoder(std::move(columns), true);
    batch.reset(1);
    int rows = 0;
    for (const auto &m : messages) {
        auto n = decoder.decode(m.data(), m.size(), batch, rows);
        if (!n.ok())
            return n;
        rows += *n;
    }
    return rows;
}

TEST(PgBinaryRowDecoder, ReadsRowsAndRefusesMalformedStreams)
{
    const std::string row = big16(2) + big32(4) + big32(7) + big32(3) + "abc";
    const std::string trailer = big16(-1);
    RowBatch batch;
    auto ok = decodeAll({kHeader + row, row, trailer}, {PgBinaryRead::Text}, batch);
    ASSERT_TRUE(ok.ok()) << qPrintable(ok.error().message);
    EXPECT_EQ(*ok, 2);
    EXPECT_EQ(batch.key(1), 7);
    EXPECT_EQ(std::string(batch.bytes(batch.value(1, 0)), 3), "abc");

    const std::vector<std::pair<const char *, std::vector<std::string>>> bad{
        {"no signature", {std::string("PGCOPY\n\377\r\r", 11) + big32(0) + big32(0) + row}},
        {"short header", {kHeader.substr(0, 12)}},
        {"header extension past the end", {kHeader.substr(0, 15) + big32(100)}},
        {"too few fields", {kHeader + big16(1) + big32(4) + big32(7)}},
        {"truncated length", {kHeader + big16(2) + big32(4) + big32(7) + big16(0)}},
        {"value past the end", {kHeader + big16(2) + big32(4) + big32(7) + big32(30) + "abc"}},
        {"negative length", {kHeader + big16(2) + big32(4) + big32(7) + big32(-5)}},
        {"key of 3 bytes", {kHeader + big16(2) + big32(3) + "abc" + big32(-1)}},
        {"data after the trailer", {kHeader + trailer + row}},
    };
    for (const auto &[what, messages] : bad) {
        auto r = decodeAll(messages, {PgBinaryRead::Text}, batch);
        ASSERT_FALSE(r.ok()) << what;
        EXPECT_TRUE(r.error().message.contains(QStringLiteral("malformed binary COPY data"))) << what;
    }
    // Values of the wrong size or impossible content for their type.
    const auto one = [&](PgBinaryRead kind, const std::string &value) {
        return decodeAll({kHeader + big16(2) + big32(4) + big32(1) + big32(qint64(value.size())) + value}, {kind}, batch);
    };
    EXPECT_FALSE(one(PgBinaryRead::Integer, "abc").ok());
    EXPECT_FALSE(one(PgBinaryRead::Boolean, "ab").ok());
    EXPECT_FALSE(one(PgBinaryRead::Real, "abcd").ok());
    EXPECT_FALSE(one(PgBinaryRead::Date, "abcdefgh").ok());
    EXPECT_FALSE(one(PgBinaryRead::Timestamp, "abcd").ok());
    EXPECT_FALSE(one(PgBinaryRead::Timestamp, big32(0x7fffffff) + big32(0)).ok()); // past 294276 AD, not infinity
    EXPECT_FALSE(one(PgBinaryRead::Numeric, big16(1) + big16(0) + big16(0) + big16(0)).ok()); // a digit missing
    EXPECT_FALSE(one(PgBinaryRead::Numeric, big16(1) + big16(0) + big16(0) + big16(0) + big16(10000)).ok());
    EXPECT_FALSE(one(PgBinaryRead::Numeric, big16(0) + big16(0) + big16(0x1234) + big16(0)).ok()); // no such sign
    EXPECT_TRUE(one(PgBinaryRead::Numeric, big16(1) + big16(0) + big16(0x4000) + big16(2) + big16(12)).ok());
    EXPECT_EQ(std::string(batch.bytes(batch.value(0, 0)), batch.value(0, 0).size), "-12.00");
}

} // namespace
