#include "support/awkwarddataset.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUrl>
#include <QUuid>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace cockpit::test {

// ---------------------------------------------------------------------------------------------
// TestDatabase

QString TestDatabase::serverUrl(EngineKind kind)
{
    switch (kind) {
    case EngineKind::SQLite: return QStringLiteral("sqlite");
    case EngineKind::PostgreSQL: return qEnvironmentVariable("COCKPIT_TEST_PG_URL");
    case EngineKind::MySQL: return qEnvironmentVariable("COCKPIT_TEST_MYSQL_URL");
    }
    return {};
}

std::unique_ptr<TestDatabase> TestDatabase::create(EngineKind kind, const QString &dir, const QString &tag, QString *error,
                                                   const QString &stem)
{
    std::unique_ptr<TestDatabase> d(new TestDatabase);
    d->m_kind = kind;
    const QString unique = tag + u'_' + QUuid::createUuid().toString(QUuid::Id128).left(10);
    d->m_connection = QStringLiteral("awkward-") + unique;
    const QUrl server(serverUrl(kind));
    // The namespace goes into the URL percent-encoded: a hostile stem holds '%', '?', '#', ' '.
    const auto encoded = [](const QString &name) { return QString::fromLatin1(QUrl::toPercentEncoding(name)); };
    switch (kind) {
    case EngineKind::SQLite: {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d->m_connection);
        const QString file = stem + unique + QStringLiteral(".db");
        db.setDatabaseName(dir + u'/' + file);
        if (!db.open()) {
            *error = db.lastError().text();
            return nullptr;
        }
        d->m_url = QStringLiteral("sqlite://") + dir + u'/' + encoded(file);
        return d;
    }
    case EngineKind::PostgreSQL: {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), d->m_connection);
        db.setHostName(server.host());
        db.setPort(server.port(5432));
        db.setUserName(server.userName());
        db.setDatabaseName(server.path().mid(1));
        if (!db.open()) {
            *error = db.lastError().text();
            return nullptr;
        }
        d->m_namespace = stem + unique.toLower();
        if (QString e = d->execOne(QStringLiteral("CREATE SCHEMA %1").arg(d->quote(d->m_namespace))); !e.isEmpty()) {
            *error = e;
            return nullptr;
        }
        d->m_url = serverUrl(kind) + QStringLiteral("?schema=") + encoded(d->m_namespace);
        return d;
    }
    case EngineKind::MySQL: {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), d->m_connection);
        db.setHostName(server.host());
        db.setPort(server.port(3306));
        db.setUserName(server.userName());
        db.setPassword(qEnvironmentVariable("MYSQL_PWD"));
        db.setDatabaseName(server.path().mid(1));
        if (!db.open()) {
            *error = db.lastError().text();
            return nullptr;
        }
        d->m_namespace = QStringLiteral("cockpit_") + stem + unique.toLower();
        // Binary, no-pad collation: 'a', 'A' and 'a ' are different keys, as on the other engines.
        for (const QString &statement :
             {QStringLiteral("CREATE DATABASE %1 CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin").arg(d->quote(d->m_namespace)),
              QStringLiteral("USE %1").arg(d->quote(d->m_namespace)), QStringLiteral("SET NAMES utf8mb4"),
              QStringLiteral("SET time_zone = '+00:00'"),
              QStringLiteral("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES'")}) {
            if (QString e = d->execOne(statement); !e.isEmpty()) {
                *error = e;
                return nullptr;
            }
        }
        QUrl url(server);
        url.setPath(u'/' + encoded(d->m_namespace), QUrl::StrictMode);
        d->m_url = url.toString(QUrl::FullyEncoded);
        return d;
    }
    }
    return nullptr;
}

TestDatabase::~TestDatabase()
{
    if (!m_namespace.isEmpty())
        execOne(m_kind == EngineKind::PostgreSQL ? QStringLiteral("DROP SCHEMA %1 CASCADE").arg(quote(m_namespace))
                                                 : QStringLiteral("DROP DATABASE IF EXISTS %1").arg(quote(m_namespace)));
    {
        QSqlDatabase d = QSqlDatabase::database(m_connection, false);
        d.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString TestDatabase::quote(const QString &name) const
{
    QString q = name;
    if (m_kind == EngineKind::MySQL)
        return u'`' + q.replace(u'`', QStringLiteral("``")) + u'`';
    return u'"' + q.replace(u'"', QStringLiteral("\"\"")) + u'"';
}

QString TestDatabase::table(const QString &name) const
{
    return m_kind == EngineKind::PostgreSQL ? quote(m_namespace) + u'.' + quote(name) : quote(name);
}

QString TestDatabase::exec(const QString &sql) const
{
    // One statement at a time: not every driver runs a multi-statement string.
    for (const QString &statement : sql.split(QStringLiteral(";\n"))) {
        for (const QString &part : statement.split(QStringLiteral("; "))) {
            if (part.trimmed().isEmpty())
                continue;
            QSqlQuery q(db());
            if (!q.exec(part))
                return q.lastError().text() + QStringLiteral(" in ") + part.left(300);
        }
    }
    return {};
}

std::vector<Direction> allDirections()
{
    std::vector<Direction> out;
    for (EngineKind s : {EngineKind::SQLite, EngineKind::PostgreSQL, EngineKind::MySQL})
        for (EngineKind t : {EngineKind::SQLite, EngineKind::PostgreSQL, EngineKind::MySQL})
            out.push_back({s, t});
    return out;
}

QString engineName(EngineKind kind)
{
    switch (kind) {
    case EngineKind::SQLite: return QStringLiteral("SQLite");
    case EngineKind::PostgreSQL: return QStringLiteral("PostgreSQL");
    case EngineKind::MySQL: return QStringLiteral("MariaDB");
    }
    return {};
}

std::string directionName(const Direction &d) { return (engineName(d.source) + QStringLiteral("To") + engineName(d.target)).toStdString(); }

QString TestDatabase::execOne(const QString &sql) const
{
    QSqlQuery q(db());
    return q.exec(sql) ? QString() : q.lastError().text() + QStringLiteral(" in ") + sql.left(300);
}

QVector<QVariantList> TestDatabase::rows(const QString &sql) const
{
    QSqlQuery q(db());
    q.setForwardOnly(true);
    if (!q.exec(sql))
        return {QVariantList{QStringLiteral("error: %1 in %2").arg(q.lastError().text(), sql)}};
    QVector<QVariantList> out;
    while (q.next()) {
        QVariantList row;
        for (int i = 0; i < q.record().count(); ++i)
            row << (q.isNull(i) ? QVariant() : q.value(i));
        out << row;
    }
    return out;
}

QString TestDatabase::value(const QString &sql) const
{
    const auto r = rows(sql);
    return r.isEmpty() || r.first().isEmpty() ? QStringLiteral("no row") : r.first().first().toString();
}

// ---------------------------------------------------------------------------------------------
// The dataset

namespace {

QVariant null() { return QVariant(); }
QVariant i64(qint64 v) { return QVariant::fromValue(v); }
QVariant text(const char *utf8) { return QString::fromUtf8(utf8); }
QVariant bytes(const QByteArray &b) { return b; }

QByteArray everyByte()
{
    QByteArray b;
    for (int i = 0; i < 256; ++i)
        b.append(char(i));
    return b;
}

} // namespace

QVector<AwkwardTable> awkwardDataset()
{
    QVector<AwkwardTable> tables;
    {
        AwkwardTable t;
        t.name = QStringLiteral("Order");
        t.columns = {{QStringLiteral("id"), ColumnKind::Key},
                     {QStringLiteral("Mixed Case"), ColumnKind::VarChar, 40},
                     {QStringLiteral("with space"), ColumnKind::Text},
                     {QStringLiteral("big"), ColumnKind::BigInt},
                     {QStringLiteral("Small"), ColumnKind::Int},
                     {QStringLiteral("amount"), ColumnKind::Decimal},
                     {QStringLiteral("dbl"), ColumnKind::Double},
                     {QStringLiteral("bin"), ColumnKind::Blob},
                     {QStringLiteral("day"), ColumnKind::Date},
                     {QStringLiteral("at"), ColumnKind::Timestamp},
                     {QStringLiteral("flag"), ColumnKind::Bool}};
        t.primaryKey = {QStringLiteral("id")};
        const qint64 min = std::numeric_limits<qint64>::min(), max = std::numeric_limits<qint64>::max();
        // Row 1's first text is '' with nothing before it in the batch: an empty value at the
        // very start of a batch's byte arena.
        t.rows = {
            {i64(1), text(""), text("漢字テスト 😀👍🏽 ok"), i64(max), i64(2147483647), text("1234567890123456.123456789012"),
             1e308, bytes(everyByte()), text("2024-02-29"), text("2024-02-29 13:45:56.123456"), true},
            {i64(2), null(), null(), null(), null(), null(), null(), null(), null(), null(), null()},
            {i64(3), text("e\xcc\x81 combining, \xe1\xbb\x87"), text("tab\there\nnewline\\backslash 'single' \"double\" \\N end"),
             i64(min), i64(-2147483648LL), text("-0.000000000001"), -0.0, bytes(QByteArray("\0\0\0x\0", 5)),
             text("1900-01-01"), text("1999-12-31 23:59:59"), false},
            {i64(4), text("trailing  "), text(""), i64(0), i64(0), text("0.000000000000"), 0.1, bytes(QByteArray()),
             text("9999-12-31"), text("2000-01-01 00:00:00.5"), true},
            {i64(5), text("Ünïcödé ß"), text("\r\n crlf \\. \\x41 %s %% $1 ?"), i64(-1), i64(7), text("-999999999999999.999999999999"),
             1.0 / 3.0, bytes(QByteArray("\xff\xfe\x00\\'\t\n\r", 8)), text("2000-01-01"),
             text("2024-01-01 00:00:00.000001"), false},
            {i64(6), text("42"), text("NULL"), i64(42), i64(42), text("42"), 123456789.125, bytes(QByteArray("\\x41", 4)),
             text("1970-01-01"), text("1970-01-01 00:00:00"), true},
            {i64(7), text("'; DROP TABLE x; --"), text("\\"), i64(9007199254740993LL), i64(-7), text("0.1"), -2.5e-300,
             bytes(QByteArray("\\N", 2)), text("2000-02-29"), text("2038-01-19 03:14:08.999999"), false},
        };
        tables << t;
    }
    {
        AwkwardTable t;
        t.name = QStringLiteral("my table");
        t.columns = {{QStringLiteral("id"), ColumnKind::Key},
                     {QStringLiteral("Some Value"), ColumnKind::Text},
                     {QStringLiteral("n"), ColumnKind::BigInt},
                     {QStringLiteral("price"), ColumnKind::Decimal}};
        t.primaryKey = {QStringLiteral("id")};
        for (int i = 1; i <= 300; ++i) {
            const qint64 id = i * 3 + (i % 7); // gaps, increasing
            t.rows << QVariantList{i64(id), QStringLiteral("row %1 ü\t%2").arg(i).arg(QString(i % 5, u'x')),
                                   i % 11 == 0 ? null() : i64(qint64(i) * 1000003 - 150),
                                   QStringLiteral("%1.%2").arg(i * 17).arg(i % 100, 2, 10, QLatin1Char('0'))};
        }
        tables << t;
    }
    {
        AwkwardTable t;
        t.name = QStringLiteral("select");
        t.columns = {{QStringLiteral("a"), ColumnKind::Int}, {QStringLiteral("b c"), ColumnKind::Text}};
        t.rows = {{i64(1), text("dup")}, {i64(1), text("dup")}, {i64(1), text("dup")}, {i64(2), null()},
                  {i64(2), null()},     {null(), text("")},    {null(), text("")},    {null(), null()},
                  {i64(3), text("ü")}};
        tables << t;
    }
    {
        AwkwardTable t;
        t.name = QStringLiteral("quo\"te");
        t.columns = {{QStringLiteral("k1"), ColumnKind::Int},
                     {QStringLiteral("k2"), ColumnKind::VarChar, 20},
                     {QStringLiteral("Value"), ColumnKind::Text}};
        t.primaryKey = {QStringLiteral("k1"), QStringLiteral("k2")};
        t.rows = {{i64(1), text("a"), text("x")},  {i64(1), text("b"), text("y")},   {i64(2), text("a"), null()},
                  {i64(-5), text("ä"), text("")},  {i64(1), text("A"), text("case")}, {i64(1), text("a "), text("space")}};
        tables << t;
    }
    {
        AwkwardTable t;
        t.name = QStringLiteral("quo`te");
        t.columns = {{QStringLiteral("id"), ColumnKind::Key}, {QStringLiteral("v"), ColumnKind::Text}};
        t.primaryKey = {QStringLiteral("id")};
        tables << t; // empty
    }
    {
        AwkwardTable t;
        t.name = QStringLiteral("Kunden_Übersicht");
        t.columns = {{QStringLiteral("Kunden-Nr"), ColumnKind::Key},
                     {QStringLiteral("Straße"), ColumnKind::VarChar, 100},
                     {QStringLiteral("Größe"), ColumnKind::Double},
                     {QStringLiteral("Aktiv"), ColumnKind::Bool}};
        t.primaryKey = {QStringLiteral("Kunden-Nr")};
        t.rows = {{i64(10), text("Hauptstraße 5"), 1.5, true}, {i64(20), null(), null(), null()},
                  {i64(30), text("Rue de l'Été"), -1e-5, false}};
        tables << t;
    }
    {
        // Nothing but empty values in the whole batch: an empty byte arena.
        AwkwardTable t;
        t.name = QStringLiteral("Leer");
        t.columns = {{QStringLiteral("id"), ColumnKind::Key},
                     {QStringLiteral("s"), ColumnKind::Text},
                     {QStringLiteral("b"), ColumnKind::Blob}};
        t.primaryKey = {QStringLiteral("id")};
        t.rows = {{i64(1), text(""), bytes(QByteArray())}, {i64(2), null(), null()}, {i64(3), text(""), null()},
                  {i64(4), null(), bytes(QByteArray())}};
        tables << t;
    }
    return tables;
}

QString nativeType(EngineKind kind, const AwkwardColumn &c)
{
    const bool sqlite = kind == EngineKind::SQLite, pg = kind == EngineKind::PostgreSQL;
    switch (c.kind) {
    case ColumnKind::Key: return sqlite ? QStringLiteral("INTEGER") : QStringLiteral("bigint");
    case ColumnKind::Int: return sqlite ? QStringLiteral("INT") : pg ? QStringLiteral("integer") : QStringLiteral("int");
    case ColumnKind::BigInt: return sqlite ? QStringLiteral("BIGINT") : QStringLiteral("bigint");
    case ColumnKind::Bool: return sqlite ? QStringLiteral("BOOLEAN") : pg ? QStringLiteral("boolean") : QStringLiteral("tinyint(1)");
    case ColumnKind::Decimal: return sqlite ? QStringLiteral("NUMERIC(28,12)") : pg ? QStringLiteral("numeric(28,12)") : QStringLiteral("decimal(28,12)");
    case ColumnKind::Double: return sqlite ? QStringLiteral("REAL") : pg ? QStringLiteral("double precision") : QStringLiteral("double");
    case ColumnKind::Text: return sqlite ? QStringLiteral("TEXT") : pg ? QStringLiteral("text") : QStringLiteral("longtext");
    case ColumnKind::VarChar: return (sqlite ? QStringLiteral("VARCHAR(%1)") : QStringLiteral("varchar(%1)")).arg(c.length);
    case ColumnKind::Blob: return sqlite ? QStringLiteral("BLOB") : pg ? QStringLiteral("bytea") : QStringLiteral("longblob");
    case ColumnKind::Date: return sqlite ? QStringLiteral("DATE") : QStringLiteral("date");
    case ColumnKind::Timestamp: return sqlite ? QStringLiteral("DATETIME") : pg ? QStringLiteral("timestamp(6)") : QStringLiteral("datetime(6)");
    }
    return {};
}

namespace {

QString hexOf(const QByteArray &b) { return QString::fromLatin1(b.toHex().toUpper()); }

// A literal for `v` in a column of `kind`, written so that no driver or escaping setting can
// change it: text and blobs travel as hex.
QString literal(EngineKind engine, ColumnKind kind, const QVariant &v)
{
    if (!v.isValid())
        return QStringLiteral("NULL");
    const bool sqlite = engine == EngineKind::SQLite, pg = engine == EngineKind::PostgreSQL;
    switch (kind) {
    case ColumnKind::Key:
    case ColumnKind::Int:
    case ColumnKind::BigInt: {
        const qint64 n = v.toLongLong();
        // -9223372036854775808 is not a literal anywhere (it is minus a too-large number).
        return n == std::numeric_limits<qint64>::min() ? QStringLiteral("(-9223372036854775807 - 1)") : QString::number(n);
    }
    case ColumnKind::Bool: return pg ? (v.toBool() ? QStringLiteral("true") : QStringLiteral("false")) : (v.toBool() ? QStringLiteral("1") : QStringLiteral("0"));
    case ColumnKind::Decimal: return pg ? QStringLiteral("'%1'::numeric").arg(v.toString()) : sqlite ? u'\'' + v.toString() + u'\'' : v.toString();
    case ColumnKind::Double: {
        const QString s = shortestDouble(v.toDouble());
        if (pg)
            return QStringLiteral("'%1'::float8").arg(s);
        return std::signbit(v.toDouble()) && v.toDouble() == 0 ? QStringLiteral("-0e0") : (s.contains(u'e') || s.contains(u'.') ? s : s + QStringLiteral("e0"));
    }
    case ColumnKind::Blob:
        return pg ? QStringLiteral("'\\x%1'::bytea").arg(hexOf(v.toByteArray())) : QStringLiteral("X'%1'").arg(hexOf(v.toByteArray()));
    case ColumnKind::Text:
    case ColumnKind::VarChar: {
        const QString hex = hexOf(v.toString().toUtf8());
        if (pg)
            return QStringLiteral("convert_from('\\x%1'::bytea, 'UTF8')").arg(hex);
        if (sqlite)
            return QStringLiteral("CAST(X'%1' AS TEXT)").arg(hex);
        return QStringLiteral("CONVERT(X'%1' USING utf8mb4)").arg(hex);
    }
    case ColumnKind::Date:
    case ColumnKind::Timestamp: return u'\'' + v.toString() + u'\'';
    }
    return {};
}

QString trimFraction(QString s)
{
    if (s.contains(u'.')) {
        while (s.endsWith(u'0'))
            s.chop(1);
        if (s.endsWith(u'.'))
            s.chop(1);
    }
    return s;
}

QString shortestFixed(double v)
{
    char buf[400];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return QString::fromLatin1(buf, int(r.ptr - buf));
}

// The SQL that reads column `c` back as text in the canonical form (see the header); SQLite's
// decimals and doubles come back as they are stored and are formatted in C++.
QString readExpression(EngineKind engine, const QString &quoted, ColumnKind kind)
{
    switch (engine) {
    case EngineKind::SQLite: {
        auto typed = [&](const char *cls, const QString &render) {
            return QStringLiteral("CASE typeof(%1) WHEN '%2' THEN %3 WHEN 'null' THEN NULL ELSE typeof(%1) || ':' || CAST(%1 AS TEXT) END")
                .arg(quoted, QLatin1String(cls), render);
        };
        switch (kind) {
        case ColumnKind::Key:
        case ColumnKind::Int:
        case ColumnKind::BigInt:
        case ColumnKind::Bool: return typed("integer", QStringLiteral("CAST(%1 AS TEXT)").arg(quoted));
        case ColumnKind::Decimal:
        case ColumnKind::Double: return quoted;
        case ColumnKind::Blob: return typed("blob", QStringLiteral("hex(%1)").arg(quoted));
        default: return typed("text", quoted);
        }
    }
    case EngineKind::PostgreSQL:
        switch (kind) {
        case ColumnKind::Bool: return QStringLiteral("%1::int::text").arg(quoted);
        case ColumnKind::Blob: return QStringLiteral("upper(encode(%1, 'hex'))").arg(quoted);
        case ColumnKind::Text:
        case ColumnKind::VarChar: return quoted;
        default: return QStringLiteral("%1::text").arg(quoted);
        }
    case EngineKind::MySQL:
        switch (kind) {
        case ColumnKind::Blob: return QStringLiteral("HEX(%1)").arg(quoted);
        case ColumnKind::Text:
        case ColumnKind::VarChar: return quoted;
        default: return QStringLiteral("CAST(%1 AS CHAR)").arg(quoted);
        }
    }
    return quoted;
}

QString canonicalValue(ColumnKind kind, const QVariant &v)
{
    if (!v.isValid())
        return QStringLiteral("NULL");
    QString s;
    const bool isDouble = v.typeId() == QMetaType::Double;
    switch (kind) {
    case ColumnKind::Decimal:
        s = isDouble ? canonicalDecimal(shortestFixed(v.toDouble())) : canonicalDecimal(v.toString());
        break;
    case ColumnKind::Double: {
        if (isDouble) {
            s = shortestDouble(v.toDouble());
        } else if (v.typeId() == QMetaType::LongLong) {
            s = QStringLiteral("integer:") + v.toString();
        } else {
            bool ok = false;
            const double d = v.toString().toDouble(&ok);
            s = ok ? shortestDouble(d) : QStringLiteral("text:") + v.toString();
        }
        break;
    }
    case ColumnKind::Timestamp: s = trimFraction(v.toString()); break;
    default: s = v.toString();
    }
    return u'\'' + s + u'\'';
}

} // namespace

QString canonicalDecimal(const QString &input)
{
    QString s = input.trimmed();
    bool negative = false;
    if (s.startsWith(u'+') || s.startsWith(u'-')) {
        negative = s.startsWith(u'-');
        s.remove(0, 1);
    }
    if (s.contains(u'.'))
        s = trimFraction(s);
    while (s.size() > 1 && s.startsWith(u'0') && s.at(1) != u'.')
        s.remove(0, 1);
    if (s.isEmpty() || s == QLatin1String("0"))
        return QStringLiteral("0");
    return negative ? u'-' + s : s;
}

QString shortestDouble(double v)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return QString::fromLatin1(buf, int(r.ptr - buf));
}

QString createAwkwardDataset(const TestDatabase &db)
{
    const EngineKind kind = db.kind();
    for (const AwkwardTable &t : awkwardDataset()) {
        QStringList defs;
        for (const auto &c : t.columns)
            defs << db.quote(c.name) + u' ' + nativeType(kind, c);
        QStringList keys;
        for (const auto &k : t.primaryKey)
            keys << db.quote(k);
        if (!keys.isEmpty())
            defs << QStringLiteral("PRIMARY KEY (%1)").arg(keys.join(QStringLiteral(", ")));
        QString create = QStringLiteral("CREATE TABLE %1 (%2)").arg(db.table(t.name), defs.join(QStringLiteral(", ")));
        if (kind == EngineKind::MySQL)
            create += QStringLiteral(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin");
        if (QString e = db.exec(create); !e.isEmpty())
            return e;
        for (qsizetype start = 0; start < t.rows.size(); start += 50) {
            QStringList values;
            for (qsizetype r = start; r < std::min(t.rows.size(), start + 50); ++r) {
                QStringList row;
                for (int c = 0; c < t.columns.size(); ++c)
                    row << literal(kind, t.columns[c].kind, t.rows[r][c]);
                values << u'(' + row.join(QStringLiteral(", ")) + u')';
            }
            QStringList names;
            for (const auto &c : t.columns)
                names << db.quote(c.name);
            if (QString e = db.exec(QStringLiteral("INSERT INTO %1 (%2) VALUES %3")
                                        .arg(db.table(t.name), names.join(QStringLiteral(", ")), values.join(QStringLiteral(",\n"))));
                !e.isEmpty())
                return e;
        }
    }
    return {};
}

QStringList readCanonicalRows(const TestDatabase &db, const AwkwardTable &t, const QString &tableName)
{
    QStringList exprs;
    for (const auto &c : t.columns)
        exprs << readExpression(db.kind(), db.quote(c.name), c.kind);
    const auto rows = db.rows(QStringLiteral("SELECT %1 FROM %2").arg(exprs.join(QStringLiteral(", ")),
                                                                      db.table(tableName.isEmpty() ? t.name : tableName)));
    QStringList out;
    for (const auto &row : rows) {
        if (row.size() != t.columns.size()) {
            out << row.value(0).toString();
            continue;
        }
        QStringList values;
        for (int c = 0; c < t.columns.size(); ++c)
            values << canonicalValue(t.columns[c].kind, row[c]);
        out << values.join(QStringLiteral(" | "));
    }
    out.sort();
    return out;
}

QStringList expectedCanonicalRows(EngineKind kind, const AwkwardTable &t)
{
    QStringList out;
    for (const auto &row : t.rows) {
        QStringList values;
        for (int c = 0; c < t.columns.size(); ++c) {
            const ColumnKind k = t.columns[c].kind;
            QVariant v = row[c];
            if (!v.isValid()) {
                values << QStringLiteral("NULL");
                continue;
            }
            switch (k) {
            case ColumnKind::Key:
            case ColumnKind::Int:
            case ColumnKind::BigInt: v = QString::number(v.toLongLong()); break;
            case ColumnKind::Bool: v = v.toBool() ? QStringLiteral("1") : QStringLiteral("0"); break;
            case ColumnKind::Decimal:
                // SQLite's NUMERIC affinity stores a decimal as an integer or a double.
                if (kind == EngineKind::SQLite)
                    v = v.toString().toDouble();
                break;
            case ColumnKind::Double:
                if (kind != EngineKind::PostgreSQL && v.toDouble() == 0)
                    v = 0.0; // SQLite and MariaDB do not keep the sign of zero
                break;
            case ColumnKind::Blob: v = hexOf(v.toByteArray()); break;
            default: break;
            }
            values << canonicalValue(k, v);
        }
        out << values.join(QStringLiteral(" | "));
    }
    out.sort();
    return out;
}

} // namespace cockpit::test
