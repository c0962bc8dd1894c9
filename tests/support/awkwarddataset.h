#pragma once
// A small but nasty dataset that can be created on SQLite, PostgreSQL and MariaDB alike, and
// read back from any of them with plain SQL as canonical text, independently of the code under
// test. Used to prove a copy faithful in every direction (tests/core/engine/directions_test.cpp).
//
// Tables: `Order`, `my table` (big enough for several chunks and batches), `select` (no key,
// duplicate rows), `quo"te` (composite key), `quo`te` (empty), `Kunden_Übersicht`, `Leer` (only
// empty strings and blobs). Values:
// NULLs of every type, CJK/emoji/combining accents, '' vs NULL, COPY and SQL escapes in text,
// every byte value and 0x00 in blobs, int64 min/max, NUMERIC(28,12) at full precision,
// 1e308/-0.0/0.1 doubles, dates, fractional timestamps, booleans.

#include "plan/connectionurl.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVector>
#include <memory>
#include <string>
#include <vector>

namespace cockpit::test {

// A fresh empty database on one engine: a SQLite file in a folder, a schema on the PostgreSQL
// test server, or a database on the MariaDB one. Dropped when destroyed.
class TestDatabase {
public:
    // The server URL variable for `kind` (COCKPIT_TEST_PG_URL, COCKPIT_TEST_MYSQL_URL);
    // empty when unset. SQLite needs none.
    static QString serverUrl(EngineKind kind);
    // Null with `error` set when it cannot be created. `stem` starts the schema, database or file
    // name (then a unique part): a hostile one shows that the tool quotes its own namespace too.
    static std::unique_ptr<TestDatabase> create(EngineKind kind, const QString &dir, const QString &tag,
                                                QString *error, const QString &stem = {});
    ~TestDatabase();

    EngineKind kind() const { return m_kind; }
    QString url() const { return m_url; }             // for ConnectionUrl::parse
    QString quote(const QString &name) const;         // an identifier quoted for this engine
    QString table(const QString &name) const;         // quoted, schema-qualified on PostgreSQL
    QSqlDatabase db() const { return QSqlDatabase::database(m_connection); }
    QString schema() const { return m_namespace; } // PostgreSQL schema or MariaDB database

    // Runs statements (split at ";\n" and "; "); the first error with its statement, or "".
    QString exec(const QString &sql) const;
    // Runs `sql` as one statement, whatever it holds; the error, or "".
    QString execOne(const QString &sql) const;
    // Rows of a query; an error puts "error: ..." as the only row.
    QVector<QVariantList> rows(const QString &sql) const;
    QString value(const QString &sql) const;

private:
    TestDatabase() = default;
    EngineKind m_kind = EngineKind::SQLite;
    QString m_url;
    QString m_connection;
    QString m_namespace; // PostgreSQL schema or MariaDB database
};

enum class ColumnKind { Key, Int, BigInt, Bool, Decimal, Double, Text, VarChar, Blob, Date, Timestamp };

struct AwkwardColumn {
    QString name;
    ColumnKind kind;
    int length = 0; // VarChar
};

struct AwkwardTable {
    QString name;
    QVector<AwkwardColumn> columns;
    QStringList primaryKey;
    // Null QVariant: NULL. Int/BigInt/Key: qint64; Bool: bool; Double: double; Blob: QByteArray;
    // Decimal, Date, Timestamp, Text, VarChar: QString.
    QVector<QVariantList> rows;
};

// A source and a target engine: the cross-engine tests run on all nine pairs.
struct Direction {
    EngineKind source;
    EngineKind target;
};
std::vector<Direction> allDirections();
QString engineName(EngineKind kind);          // "SQLite", "PostgreSQL", "MariaDB"
std::string directionName(const Direction &d); // "SQLiteToMariaDB", a test name's suffix

QVector<AwkwardTable> awkwardDataset();
// The native type the fixture declares for `c` on `kind`.
QString nativeType(EngineKind kind, const AwkwardColumn &c);
// Creates every table of the dataset and inserts its rows; "" or the first error.
QString createAwkwardDataset(const TestDatabase &db);

// Canonical text of each value, one string per row ("'v1' | NULL | 'v3'"), rows sorted:
//   integers and booleans as decimal digits (booleans 0/1); exact decimals without trailing
//   fraction zeros; doubles as their shortest round-trip text ("1e+308", "-0", "0.1"); blobs as
//   upper-case hex; text as is; timestamps without trailing fraction zeros. A value stored in
//   another class than its column's (SQLite) is reported as "<class>:value".
QStringList readCanonicalRows(const TestDatabase &db, const AwkwardTable &t, const QString &tableName = {});
// The canonical rows the fixture inserted, as `kind` stores them (SQLite's NUMERIC affinity
// keeps a decimal as a double; SQLite and MariaDB store -0.0 as 0).
QStringList expectedCanonicalRows(EngineKind kind, const AwkwardTable &t);

// Canonical text helpers (shared by the tests' expectations).
QString canonicalDecimal(const QString &text);
QString shortestDouble(double v);

} // namespace cockpit::test
