#include "engine/columntype.h"
#include "engine/sqlexpression.h"

#include <QHash>
#include <QRegularExpression>
#include <QStringList>
#include <algorithm>

namespace cockpit {

ColumnType sqliteColumnType(const QString &declared)
{
    ColumnType t;
    t.native = declared;
    static const QRegularExpression shape(
        QStringLiteral("^\\s*\"?([A-Za-z_ ]+?)\"?\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(-?\\d+)\\s*)?\\))?\\s*$"));
    const auto m = shape.match(declared);
    const QString name = (m.hasMatch() ? m.captured(1) : declared).trimmed().toUpper();
    const int a = m.hasMatch() && !m.captured(2).isEmpty() ? m.captured(2).toInt() : -1;
    const int b = m.hasMatch() && !m.captured(3).isEmpty() ? m.captured(3).toInt() : -1;

    // Exact names first: what upgrade sources declare.
    if (name == QLatin1String("INTEGER") || name == QLatin1String("BIGINT") || name == QLatin1String("INT8")
        || name == QLatin1String("UNSIGNED BIG INT"))
        t.cls = TypeClass::BigInt; // SQLite integers are 64-bit whatever the name
    else if (name == QLatin1String("INT") || name == QLatin1String("MEDIUMINT") || name == QLatin1String("INT4"))
        t.cls = TypeClass::Integer;
    else if (name == QLatin1String("SMALLINT") || name == QLatin1String("TINYINT") || name == QLatin1String("INT2"))
        t.cls = TypeClass::SmallInt;
    else if (name == QLatin1String("BOOLEAN") || name == QLatin1String("BOOL"))
        t.cls = TypeClass::Boolean;
    else if (name == QLatin1String("REAL") || name == QLatin1String("DOUBLE") || name == QLatin1String("DOUBLE PRECISION")
             || name == QLatin1String("FLOAT") || name == QLatin1String("FLOAT8"))
        t.cls = TypeClass::Float64; // SQLite REAL is binary64: never narrow it to float4
    else if (name == QLatin1String("NUMERIC") || name == QLatin1String("DECIMAL") || name == QLatin1String("NUMERIC_BLOB")) {
        t.cls = TypeClass::Numeric;
        t.precision = a;
        t.scale = a > 0 ? std::max(0, b) : -1;
    } else if (name == QLatin1String("VARCHAR") || name == QLatin1String("NVARCHAR")
               || name == QLatin1String("CHARACTER VARYING") || name == QLatin1String("VARYING CHARACTER")
               || name == QLatin1String("NATIVE CHARACTER")) {
        t.cls = a > 0 ? TypeClass::VarChar : TypeClass::Text;
        t.length = a;
    } else if (name == QLatin1String("CHAR") || name == QLatin1String("NCHAR") || name == QLatin1String("CHARACTER")) {
        t.cls = TypeClass::Char;
        t.length = a > 0 ? a : 1;
    } else if (name == QLatin1String("TEXT") || name == QLatin1String("CLOB"))
        t.cls = TypeClass::Text;
    else if (name == QLatin1String("BLOB") || name == QLatin1String("BYTEA") || name.isEmpty())
        t.cls = TypeClass::Blob;
    else if (name == QLatin1String("DATE"))
        t.cls = TypeClass::Date;
    else if (name == QLatin1String("DATETIME") || name == QLatin1String("TIMESTAMP"))
        t.cls = TypeClass::Timestamp;
    else if (name == QLatin1String("TIMESTAMPTZ") || name == QLatin1String("TIMESTAMP WITH TIME ZONE"))
        t.cls = TypeClass::TimestampTz; // what sqliteTypeName creates for one: read back as it was
    else if (name == QLatin1String("TIME"))
        t.cls = TypeClass::Time;
    else if (name == QLatin1String("UUID") || name == QLatin1String("GUID") || name == QLatin1String("UNIQUEIDENTIFIER"))
        t.cls = TypeClass::Uuid;
    else if (name == QLatin1String("JSON") || name == QLatin1String("JSONB"))
        t.cls = TypeClass::Json;
    else {
        // SQLite's affinity rules (https://www.sqlite.org/datatype3.html, 3.1), in order.
        if (name.contains(QLatin1String("INT")))
            t.cls = TypeClass::BigInt;
        else if (name.contains(QLatin1String("CHAR")) || name.contains(QLatin1String("CLOB"))
                 || name.contains(QLatin1String("TEXT")))
            t.cls = TypeClass::Text;
        else if (name.contains(QLatin1String("BLOB")))
            t.cls = TypeClass::Blob;
        else if (name.contains(QLatin1String("REAL")) || name.contains(QLatin1String("FLOA"))
                 || name.contains(QLatin1String("DOUB")))
            t.cls = TypeClass::Float64;
        else
            t.cls = TypeClass::Numeric;
    }
    return t;
}

} // namespace cockpit

namespace cockpit {

// The current date/time in every engine's spelling, or nothing.
static QString portableTimeDefault(const QString &d)
{
    static const QRegularExpression now(
        QStringLiteral("^(now\\(\\)|datetime\\('now'\\)|strftime\\('%Y-%m-%d %H:%M:%S', *'now'\\)|LOCALTIMESTAMP|transaction_timestamp\\(\\))$"),
        QRegularExpression::CaseInsensitiveOption);
    if (now.match(d).hasMatch())
        return QStringLiteral("CURRENT_TIMESTAMP");
    static const QRegularExpression today(QStringLiteral("^(date\\('now'\\)|CURRENT_DATE)$"), QRegularExpression::CaseInsensitiveOption);
    if (today.match(d).hasMatch())
        return QStringLiteral("CURRENT_DATE");
    return {};
}

QString portableDefault(const QString &input, const ColumnType &column, QString *changed)
{
    QString d = input.trimmed();
    while (d.startsWith(u'(') && d.endsWith(u')'))
        d = d.mid(1, d.size() - 2).trimmed();
    static const QRegularExpression cast(QStringLiteral("::[A-Za-z_ ]+(\\([0-9, ]+\\))?(\\[\\])?$"));
    for (auto m = cast.match(d); m.hasMatch(); m = cast.match(d))
        d = d.left(m.capturedStart()).trimmed();
    while (d.startsWith(u'(') && d.endsWith(u')'))
        d = d.mid(1, d.size() - 2).trimmed();
    // SQLite reads a double-quoted word that names no column as a string ("x" is 'x').
    if (column.nativeEngine == EngineKind::SQLite && d.size() >= 2 && d.startsWith(u'"') && d.endsWith(u'"')
        && quotedLength(d, 0, u"\"") == d.size()) {
        const QString literal = u'\'' + unquoteIdentifier(d).replace(u'\'', QStringLiteral("''")) + u'\'';
        if (changed)
            *changed = QStringLiteral("read as the string %1, as SQLite does").arg(literal);
        d = literal;
    }
    static const QRegularExpression number(QStringLiteral("^[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$"));
    static const QRegularExpression literal(
        QStringLiteral("^(NULL|TRUE|FALSE|CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME|[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?|'([^']|'')*')$"),
        QRegularExpression::CaseInsensitiveOption);
    if (!literal.match(d).hasMatch())
        return portableTimeDefault(d);
    // A string default of a number or boolean column (SQLite keeps '"0"' as text; a server
    // refuses it): the number it spells, its quotes taken off, or nothing.
    const bool numeric = column.isInteger() || column.cls == TypeClass::Float32 || column.cls == TypeClass::Float64
                         || column.cls == TypeClass::Numeric;
    if ((numeric || column.cls == TypeClass::Boolean) && d.startsWith(u'\'')) {
        QString inner = d.mid(1, d.size() - 2).replace(QStringLiteral("''"), QStringLiteral("'")).trimmed();
        bool unquoted = false; // '"0"': a server would not read it as 0, so say so
        while (inner.size() >= 2 && ((inner.startsWith(u'"') && inner.endsWith(u'"')) || (inner.startsWith(u'\'') && inner.endsWith(u'\'')))) {
            inner = inner.mid(1, inner.size() - 2).trimmed();
            unquoted = true;
        }
        if (!number.match(inner).hasMatch())
            return {};
        if (changed && unquoted)
            *changed = QStringLiteral("read as the number %1").arg(inner);
        d = inner;
    }
    // A server's boolean takes TRUE/FALSE, not SQLite's 0/1.
    if (column.cls == TypeClass::Boolean && number.match(d).hasMatch()) {
        const double x = d.toDouble();
        if (x != 0 && x != 1)
            return {};
        return x == 1 ? QStringLiteral("TRUE") : QStringLiteral("FALSE");
    }
    return d;
}

QString sqliteTypeName(const ColumnType &t)
{
    if (t.nativeEngine == EngineKind::SQLite && !t.native.isEmpty())
        return t.native;
    switch (t.cls) {
    case TypeClass::Boolean: return QStringLiteral("BOOLEAN");
    case TypeClass::SmallInt:
    case TypeClass::Integer:
    case TypeClass::BigInt: return QStringLiteral("INTEGER");
    case TypeClass::Float32:
    case TypeClass::Float64: return QStringLiteral("REAL");
    case TypeClass::Numeric:
        // SQLite's NUMERIC affinity rounds a decimal to a double (15 significant digits). Wider
        // decimals get BLOB affinity (the name contains BLOB), which converts nothing: the
        // writer stores what a double holds exactly as an integer or real, like NUMERIC would,
        // and keeps any other value's digits as text.
        if (t.precision > 0 && t.precision <= 15)
            return QStringLiteral("NUMERIC(%1,%2)").arg(t.precision).arg(std::max(0, t.scale));
        return t.precision > 0 ? QStringLiteral("NUMERIC_BLOB(%1,%2)").arg(t.precision).arg(std::max(0, t.scale))
                               : QStringLiteral("NUMERIC_BLOB");
    case TypeClass::Char: return QStringLiteral("CHAR(%1)").arg(t.length);
    case TypeClass::VarChar: return QStringLiteral("VARCHAR(%1)").arg(t.length);
    case TypeClass::Blob: return QStringLiteral("BLOB");
    case TypeClass::Date: return QStringLiteral("DATE");
    case TypeClass::Time: return QStringLiteral("TIME");
    case TypeClass::Timestamp: return QStringLiteral("DATETIME");
    case TypeClass::TimestampTz: return QStringLiteral("TIMESTAMPTZ");
    case TypeClass::Text:
    case TypeClass::Uuid:
    case TypeClass::Json:
    case TypeClass::Unknown: return QStringLiteral("TEXT");
    }
    return QStringLiteral("TEXT");
}

ColumnType postgresColumnType(const QString &typname, int typmod, const QString &formatted)
{
    ColumnType t;
    t.native = formatted;
    t.nativeEngine = EngineKind::PostgreSQL;
    if (typname == QLatin1String("int2"))
        t.cls = TypeClass::SmallInt;
    else if (typname == QLatin1String("int4"))
        t.cls = TypeClass::Integer;
    else if (typname == QLatin1String("int8"))
        t.cls = TypeClass::BigInt;
    else if (typname == QLatin1String("bool"))
        t.cls = TypeClass::Boolean;
    else if (typname == QLatin1String("float4"))
        t.cls = TypeClass::Float32;
    else if (typname == QLatin1String("float8"))
        t.cls = TypeClass::Float64;
    else if (typname == QLatin1String("numeric")) {
        t.cls = TypeClass::Numeric;
        if (typmod >= 4) {
            t.precision = ((typmod - 4) >> 16) & 0xffff;
            t.scale = (typmod - 4) & 0xffff;
        }
    } else if (typname == QLatin1String("varchar")) {
        t.cls = typmod >= 4 ? TypeClass::VarChar : TypeClass::Text;
        t.length = typmod >= 4 ? typmod - 4 : -1;
    } else if (typname == QLatin1String("bpchar")) {
        t.cls = TypeClass::Char;
        t.length = typmod >= 4 ? typmod - 4 : 1;
    } else if (typname == QLatin1String("text") || typname == QLatin1String("name") || typname == QLatin1String("citext"))
        t.cls = TypeClass::Text;
    else if (typname == QLatin1String("bytea"))
        t.cls = TypeClass::Blob;
    else if (typname == QLatin1String("date"))
        t.cls = TypeClass::Date;
    else if (typname == QLatin1String("time"))
        t.cls = TypeClass::Time;
    else if (typname == QLatin1String("timestamp"))
        t.cls = TypeClass::Timestamp;
    else if (typname == QLatin1String("timestamptz"))
        t.cls = TypeClass::TimestampTz;
    else if (typname == QLatin1String("uuid"))
        t.cls = TypeClass::Uuid;
    else if (typname == QLatin1String("json") || typname == QLatin1String("jsonb"))
        t.cls = TypeClass::Json;
    else
        t.cls = TypeClass::Text; // enums, arrays, domains, tsvector...: their text form
    return t;
}

ColumnType mysqlColumnType(const QString &dataTypeIn, const QString &columnTypeIn, qint64 charLength,
                           int precision, int scale)
{
    ColumnType t;
    t.native = columnTypeIn;
    t.nativeEngine = EngineKind::MySQL;
    const QString dataType = dataTypeIn.toLower();
    const QString columnType = columnTypeIn.toLower();
    const bool isUnsigned = columnType.contains(QLatin1String("unsigned"));
    const int length = charLength > 0 && charLength < (1 << 30) ? int(charLength) : -1;
    if (dataType == QLatin1String("tinyint")) {
        t.cls = columnType.startsWith(QLatin1String("tinyint(1)")) && !isUnsigned ? TypeClass::Boolean
                                                                                   : TypeClass::SmallInt;
    } else if (dataType == QLatin1String("bool") || dataType == QLatin1String("boolean"))
        t.cls = TypeClass::Boolean;
    else if (dataType == QLatin1String("smallint"))
        t.cls = isUnsigned ? TypeClass::Integer : TypeClass::SmallInt;
    else if (dataType == QLatin1String("year"))
        t.cls = TypeClass::SmallInt;
    else if (dataType == QLatin1String("mediumint"))
        t.cls = TypeClass::Integer;
    else if (dataType == QLatin1String("int") || dataType == QLatin1String("integer"))
        t.cls = isUnsigned ? TypeClass::BigInt : TypeClass::Integer;
    else if (dataType == QLatin1String("bigint")) {
        if (isUnsigned) { // beyond qint64: exact decimal
            t.cls = TypeClass::Numeric;
            t.precision = 20;
            t.scale = 0;
        } else {
            t.cls = TypeClass::BigInt;
        }
    } else if (dataType == QLatin1String("float"))
        t.cls = TypeClass::Float32;
    else if (dataType == QLatin1String("double") || dataType == QLatin1String("real"))
        t.cls = TypeClass::Float64;
    else if (dataType == QLatin1String("decimal") || dataType == QLatin1String("numeric")) {
        t.cls = TypeClass::Numeric;
        t.precision = precision;
        t.scale = precision > 0 ? std::max(0, scale) : -1;
    } else if (dataType == QLatin1String("char")) {
        t.cls = TypeClass::Char;
        t.length = length > 0 ? length : 1;
    } else if (dataType == QLatin1String("varchar")) {
        t.cls = TypeClass::VarChar;
        t.length = length;
    } else if (dataType.endsWith(QLatin1String("text")))
        t.cls = TypeClass::Text;
    else if (dataType.endsWith(QLatin1String("blob")) || dataType == QLatin1String("binary")
             || dataType == QLatin1String("varbinary") || dataType == QLatin1String("bit"))
        t.cls = TypeClass::Blob;
    else if (dataType == QLatin1String("date"))
        t.cls = TypeClass::Date;
    else if (dataType == QLatin1String("time"))
        t.cls = TypeClass::Time;
    else if (dataType == QLatin1String("datetime"))
        t.cls = TypeClass::Timestamp;
    else if (dataType == QLatin1String("timestamp"))
        t.cls = TypeClass::TimestampTz;
    else if (dataType == QLatin1String("json"))
        t.cls = TypeClass::Json;
    else if (dataType == QLatin1String("uuid"))
        t.cls = TypeClass::Uuid;
    else if (dataType == QLatin1String("enum") || dataType == QLatin1String("set")) {
        t.cls = TypeClass::VarChar; // their text form
        t.length = length > 0 ? length : 255;
    } else
        t.cls = TypeClass::Text; // geometry, inet6, ...: their text form
    return t;
}

QString mysqlTypeName(const ColumnType &t, bool keyColumn)
{
    if (t.nativeEngine == EngineKind::MySQL && !t.native.isEmpty())
        return t.native; // MySQL to MySQL: the type exactly as declared
    switch (t.cls) {
    case TypeClass::Boolean: return QStringLiteral("tinyint(1)");
    case TypeClass::SmallInt: return QStringLiteral("smallint");
    case TypeClass::Integer: return QStringLiteral("int");
    case TypeClass::BigInt: return QStringLiteral("bigint");
    case TypeClass::Float32: return QStringLiteral("float");
    case TypeClass::Float64: return QStringLiteral("double");
    case TypeClass::Numeric:
        if (t.precision > 0)
            return QStringLiteral("decimal(%1,%2)").arg(std::min(t.precision, 65)).arg(std::clamp(t.scale, 0, 30));
        return QStringLiteral("decimal(65,30)");
    // MySQL strips CHAR(n)'s trailing spaces on read; varchar(n) keeps the values exactly.
    case TypeClass::Char:
    case TypeClass::VarChar:
        if (t.length > 0 && (keyColumn || t.length <= 16383))
            return QStringLiteral("varchar(%1)").arg(std::min(t.length, keyColumn ? 768 : 16383));
        return keyColumn ? QStringLiteral("varchar(255)") : QStringLiteral("longtext");
    case TypeClass::Blob: return keyColumn ? QStringLiteral("varbinary(255)") : QStringLiteral("longblob");
    case TypeClass::Date: return QStringLiteral("date");
    case TypeClass::Time: return QStringLiteral("time(6)");
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: return QStringLiteral("datetime(6)");
    case TypeClass::Uuid: return QStringLiteral("char(36)");
    case TypeClass::Text:
    case TypeClass::Json:
    case TypeClass::Unknown: return keyColumn ? QStringLiteral("varchar(255)") : QStringLiteral("longtext");
    }
    return QStringLiteral("longtext");
}

} // namespace cockpit

namespace cockpit {

std::optional<ColumnType> parseTypeName(EngineKind engine, const QString &text)
{
    static const QRegularExpression shape(
        QStringLiteral("^\\s*([A-Za-z][A-Za-z0-9_ ]*?)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?(\\s+unsigned)?\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const auto m = shape.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const QString name = m.captured(1).simplified().toLower();
    const int a = m.captured(2).isEmpty() ? -1 : m.captured(2).toInt();
    const int b = m.captured(3).isEmpty() ? -1 : m.captured(3).toInt();
    const bool isUnsigned = !m.captured(4).isEmpty();
    ColumnType t;
    switch (engine) {
    case EngineKind::SQLite:
        if (isUnsigned)
            return std::nullopt;
        t = sqliteColumnType(text.trimmed()); // SQLite accepts any name: its affinity rules decide
        break;
    case EngineKind::PostgreSQL: {
        static const QHash<QString, TypeClass> names{
            {QStringLiteral("smallint"), TypeClass::SmallInt}, {QStringLiteral("int2"), TypeClass::SmallInt},
            {QStringLiteral("integer"), TypeClass::Integer}, {QStringLiteral("int"), TypeClass::Integer},
            {QStringLiteral("int4"), TypeClass::Integer}, {QStringLiteral("bigint"), TypeClass::BigInt},
            {QStringLiteral("int8"), TypeClass::BigInt}, {QStringLiteral("boolean"), TypeClass::Boolean},
            {QStringLiteral("bool"), TypeClass::Boolean}, {QStringLiteral("real"), TypeClass::Float32},
            {QStringLiteral("float4"), TypeClass::Float32}, {QStringLiteral("double precision"), TypeClass::Float64},
            {QStringLiteral("float8"), TypeClass::Float64}, {QStringLiteral("numeric"), TypeClass::Numeric},
            {QStringLiteral("decimal"), TypeClass::Numeric}, {QStringLiteral("varchar"), TypeClass::VarChar},
            {QStringLiteral("character varying"), TypeClass::VarChar}, {QStringLiteral("char"), TypeClass::Char},
            {QStringLiteral("character"), TypeClass::Char}, {QStringLiteral("bpchar"), TypeClass::Char},
            {QStringLiteral("text"), TypeClass::Text}, {QStringLiteral("bytea"), TypeClass::Blob},
            {QStringLiteral("date"), TypeClass::Date}, {QStringLiteral("time"), TypeClass::Time},
            {QStringLiteral("timestamp"), TypeClass::Timestamp},
            {QStringLiteral("timestamp without time zone"), TypeClass::Timestamp},
            {QStringLiteral("timestamptz"), TypeClass::TimestampTz},
            {QStringLiteral("timestamp with time zone"), TypeClass::TimestampTz},
            {QStringLiteral("uuid"), TypeClass::Uuid}, {QStringLiteral("json"), TypeClass::Json},
            {QStringLiteral("jsonb"), TypeClass::Json}};
        if (isUnsigned || !names.contains(name))
            return std::nullopt;
        t.cls = names.value(name);
        const bool takesLength = t.cls == TypeClass::VarChar || t.cls == TypeClass::Char;
        if ((b >= 0 && t.cls != TypeClass::Numeric) || (a >= 0 && t.cls != TypeClass::Numeric && !takesLength))
            return std::nullopt;
        if (t.cls == TypeClass::Numeric) {
            if (a == 0 || (a > 0 && b > a))
                return std::nullopt;
            t.precision = a;
            t.scale = a > 0 ? std::max(0, b) : -1;
        } else if (t.cls == TypeClass::VarChar) {
            t.length = a;
            if (a < 0)
                t.cls = TypeClass::Text;
        } else if (t.cls == TypeClass::Char) {
            t.length = a > 0 ? a : 1;
        }
        break;
    }
    case EngineKind::MySQL: {
        static const QStringList names{
            QStringLiteral("tinyint"), QStringLiteral("bool"), QStringLiteral("boolean"), QStringLiteral("smallint"),
            QStringLiteral("year"), QStringLiteral("mediumint"), QStringLiteral("int"), QStringLiteral("integer"),
            QStringLiteral("bigint"), QStringLiteral("float"), QStringLiteral("double"), QStringLiteral("real"),
            QStringLiteral("decimal"), QStringLiteral("numeric"), QStringLiteral("char"), QStringLiteral("varchar"),
            QStringLiteral("text"), QStringLiteral("tinytext"), QStringLiteral("mediumtext"), QStringLiteral("longtext"),
            QStringLiteral("blob"), QStringLiteral("tinyblob"), QStringLiteral("mediumblob"), QStringLiteral("longblob"),
            QStringLiteral("binary"), QStringLiteral("varbinary"), QStringLiteral("date"), QStringLiteral("time"),
            QStringLiteral("datetime"), QStringLiteral("timestamp"), QStringLiteral("json"), QStringLiteral("uuid")};
        if (!names.contains(name) || (name == QLatin1String("varchar") && a <= 0))
            return std::nullopt;
        if ((name == QLatin1String("decimal") || name == QLatin1String("numeric")) && (a == 0 || b > a))
            return std::nullopt;
        const bool decimal = name == QLatin1String("decimal") || name == QLatin1String("numeric");
        t = mysqlColumnType(name, text.trimmed().toLower(), a, decimal ? (a > 0 ? a : 10) : -1,
                            decimal ? std::max(0, b) : -1);
        break;
    }
    }
    t.native = text.trimmed();
    t.nativeEngine = engine;
    return t;
}

QString describeType(const ColumnType &t)
{
    if (!t.native.isEmpty())
        return t.native;
    return sqliteTypeName(t).toLower();
}

} // namespace cockpit
