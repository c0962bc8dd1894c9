#include "engine/postgres/pgbinarycopy.h"
#include "engine/isotime.h"
#include "engine/valuetext.h"

#include <QRegularExpression>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

namespace cockpit {

namespace {

void put16(std::string &out, quint16 v)
{
    const char b[2] = {char(v >> 8), char(v)};
    out.append(b, 2);
}

void put32(std::string &out, quint32 v)
{
    const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    out.append(b, 4);
}

void put64(std::string &out, quint64 v)
{
    put32(out, quint32(v >> 32));
    put32(out, quint32(v));
}

constexpr qint64 kPgEpochDays = 10957; // 2000-01-01, PostgreSQL's epoch, from 1970-01-01

// "YYYY-MM-DD": the day count from PostgreSQL's epoch.
bool parseDate(const char *p, size_t n, qint64 &days)
{
    int y, m, d;
    if (n != 10 || !isotime::datePart(p, n, y, m, d))
        return false;
    days = isotime::daysFromCivil(y, m, d) - kPgEpochDays;
    return true;
}

// "YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][zone]" as microseconds from PostgreSQL's epoch. A zone
// (Z, +HH, +HH:MM, +HHMM) is accepted only `withZone` (timestamptz); text without one is UTC,
// the session's TimeZone.
bool parseTimestamp(const char *p, size_t n, bool withZone, qint64 &micros)
{
    size_t end = n;
    qint64 offsetSeconds = 0;
    if (n > 0 && p[n - 1] == 'Z') {
        end = n - 1;
    } else {
        for (size_t i = n; i-- > 10;) { // a sign after the date starts the zone
            if (p[i] != '+' && p[i] != '-')
                continue;
            int oh = 0, om = 0;
            const size_t len = n - i - 1;
            const bool ok = (len == 2 && isotime::digits(p, n, i + 1, 2, oh))
                            || (len == 4 && isotime::digits(p, n, i + 1, 2, oh) && isotime::digits(p, n, i + 3, 2, om))
                            || (len == 5 && isotime::digits(p, n, i + 1, 2, oh) && p[i + 3] == ':'
                                && isotime::digits(p, n, i + 4, 2, om));
            if (!ok || oh > 15 || om > 59)
                return false;
            offsetSeconds = (p[i] == '-' ? -1 : 1) * (qint64(oh) * 3600 + om * 60);
            end = i;
            break;
        }
    }
    if (end != n && !withZone)
        return false; // PostgreSQL would drop the zone of a timestamp: let it say so from text
    int y, m, d, h = 0, mi = 0, s = 0;
    std::string fraction;
    if (!isotime::datePart(p, end, y, m, d))
        return false;
    if (end > 10 && (end < 16 || (p[10] != ' ' && p[10] != 'T') || !isotime::timePart(p + 11, end - 11, h, mi, s, fraction)))
        return false;
    if (end != 10 && end < 16)
        return false;
    qint64 fractionMicros = 0;
    for (size_t k = 0; k < 6; ++k)
        fractionMicros = fractionMicros * 10 + (k < fraction.size() ? fraction[k] - '0' : 0);
    const qint64 days = isotime::daysFromCivil(y, m, d) - kPgEpochDays;
    micros = days * 86400000000LL + ((qint64(h) * 60 + mi) * 60 + s) * 1000000 + fractionMicros - offsetSeconds * 1000000;
    return true;
}

bool parseInteger(const char *p, size_t n, qint64 &v)
{
    const auto r = std::from_chars(p, p + n, v);
    return r.ec == std::errc() && r.ptr == p + n && n > 0;
}

// The integer a value stands for, when it is exactly one.
bool integerOf(const RowBatch &batch, const Value &v, qint64 &out)
{
    switch (v.type) {
    case ValueType::Integer: out = v.integer; return true;
    case ValueType::Real:
        if (std::isfinite(v.real) && v.real == std::trunc(v.real) && std::fabs(v.real) < 9.2e18) {
            out = qint64(v.real);
            return true;
        }
        return false;
    case ValueType::Text: return parseInteger(batch.bytes(v), v.size, out);
    default: return false;
    }
}

bool encodeValue(const RowBatch &batch, const Value &v, PgBinaryKind kind, std::string &out)
{
    if (v.type == ValueType::Null) {
        put32(out, quint32(-1));
        return true;
    }
    switch (kind) {
    case PgBinaryKind::Bool: {
        qint64 i;
        if (v.type == ValueType::Text) {
            const std::string_view t(batch.bytes(v), v.size);
            if (t == "t" || t == "true")
                i = 1;
            else if (t == "f" || t == "false")
                i = 0;
            else if (!integerOf(batch, v, i) || (i != 0 && i != 1))
                return false;
        } else if (!integerOf(batch, v, i) || (i != 0 && i != 1)) {
            return false; // 2 is no boolean: the server says so from text
        }
        put32(out, 1);
        out += char(i != 0);
        return true;
    }
    case PgBinaryKind::Int2:
    case PgBinaryKind::Int4:
    case PgBinaryKind::Int8: {
        qint64 i;
        if (!integerOf(batch, v, i))
            return false;
        if (kind == PgBinaryKind::Int2) {
            if (i < std::numeric_limits<qint16>::min() || i > std::numeric_limits<qint16>::max())
                return false; // out of range: the server says so in its own words
            put32(out, 2);
            put16(out, quint16(qint16(i)));
        } else if (kind == PgBinaryKind::Int4) {
            if (i < std::numeric_limits<qint32>::min() || i > std::numeric_limits<qint32>::max())
                return false;
            put32(out, 4);
            put32(out, quint32(qint32(i)));
        } else {
            put32(out, 8);
            put64(out, quint64(i));
        }
        return true;
    }
    case PgBinaryKind::Float8: {
        double d;
        if (v.type == ValueType::Real) {
            d = v.real;
        } else if (v.type == ValueType::Integer) {
            d = double(v.integer); // round to nearest, as float8in rounds the decimal text
        } else if (v.type == ValueType::Text) {
            const char *p = batch.bytes(v);
            const auto r = std::from_chars(p, p + v.size, d);
            if (r.ec != std::errc() || r.ptr != p + v.size || v.size == 0 || !std::isfinite(d))
                return false;
        } else {
            return false;
        }
        quint64 bits;
        std::memcpy(&bits, &d, 8);
        put32(out, 8);
        put64(out, bits);
        return true;
    }
    case PgBinaryKind::Numeric: {
        std::string text;
        if (v.type == ValueType::Integer)
            appendInteger(text, v.integer);
        else if (v.type == ValueType::Real && std::isfinite(v.real))
            appendShortestDouble(text, v.real); // what the text path sends
        else if (v.type == ValueType::Text)
            text.assign(batch.bytes(v), v.size);
        else
            return false;
        const size_t lengthAt = out.size();
        put32(out, 0);
        if (!appendPgNumeric(out, text.data(), text.size()))
            return false;
        const quint32 length = quint32(out.size() - lengthAt - 4);
        std::string len;
        put32(len, length);
        out.replace(lengthAt, 4, len);
        return true;
    }
    case PgBinaryKind::Text:
    case PgBinaryKind::Bytea: {
        if (v.type == ValueType::Text || v.type == ValueType::Blob) {
            put32(out, v.size);
            out.append(batch.bytes(v), v.size);
            return true;
        }
        if (kind == PgBinaryKind::Bytea)
            return false;
        std::string text; // numbers into a text column: written as the text path writes them
        if (v.type == ValueType::Integer)
            appendInteger(text, v.integer);
        else if (std::isfinite(v.real))
            appendShortestDouble(text, v.real);
        else
            return false;
        put32(out, quint32(text.size()));
        out += text;
        return true;
    }
    case PgBinaryKind::Date: {
        qint64 days;
        if (v.type != ValueType::Text || v.size != 10 || !parseDate(batch.bytes(v), v.size, days))
            return false;
        put32(out, 4);
        put32(out, quint32(qint32(days)));
        return true;
    }
    case PgBinaryKind::Timestamp:
    case PgBinaryKind::TimestampTz: {
        qint64 micros;
        if (v.type != ValueType::Text
            || !parseTimestamp(batch.bytes(v), v.size, kind == PgBinaryKind::TimestampTz, micros))
            return false;
        put32(out, 8);
        put64(out, quint64(micros));
        return true;
    }
    }
    return false;
}

} // namespace

bool appendPgNumeric(std::string &out, const char *p, size_t n)
{
    size_t i = 0;
    bool negative = false;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        negative = p[i++] == '-';
    std::string digits; // every digit, without the point
    qint64 intDigits = 0, fracDigits = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9') {
        digits += p[i++];
        ++intDigits;
    }
    if (i < n && p[i] == '.') {
        ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            digits += p[i++];
            ++fracDigits;
        }
    }
    if (digits.empty())
        return false;
    qint64 exponent = 0;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        ++i;
        const auto r = std::from_chars(p + i + (i < n && p[i] == '+'), p + n, exponent);
        if (r.ec != std::errc() || r.ptr != p + n || exponent > 1000 || exponent < -1000)
            return false;
        i = n;
    }
    if (i != n)
        return false;
    // As numeric_in: the display scale is the digits after the point, less the exponent.
    const qint64 dscale = std::max<qint64>(0, fracDigits - exponent);
    if (dscale > 0x3FFF)
        return false;
    qint64 point = intDigits + exponent; // digits before the decimal point
    size_t first = 0;
    while (first < digits.size() && digits[first] == '0') {
        ++first;
        --point;
    }
    digits.erase(0, first);
    while (!digits.empty() && digits.back() == '0')
        digits.pop_back();
    if (digits.empty()) { // zero
        put16(out, 0);
        put16(out, 0);
        put16(out, 0);
        put16(out, quint16(dscale));
        return true;
    }
    // Base-10000 digits aligned on the decimal point.
    const qint64 pad = ((point % 4) + 4) % 4 == 0 ? 0 : 4 - ((point % 4) + 4) % 4;
    digits.insert(0, size_t(pad), '0');
    point += pad;
    while (digits.size() % 4 != 0)
        digits += '0';
    const qint64 weight = point / 4 - 1;
    const size_t groups = digits.size() / 4;
    if (groups > 0x7FFF || weight > 0x7FFF || weight < -0x8000)
        return false;
    put16(out, quint16(groups));
    put16(out, quint16(qint16(weight)));
    put16(out, negative ? 0x4000 : 0x0000);
    put16(out, quint16(dscale));
    for (size_t g = 0; g < groups; ++g) {
        const char *d = digits.data() + g * 4;
        put16(out, quint16((d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0')));
    }
    return true;
}

std::optional<PgBinaryKind> binaryCopyKind(const ColumnType &t, const QString &targetTypeName)
{
    // The type the target column really has: a same-engine copy keeps the source's own name,
    // and only the plain built-in spellings are taken at their word.
    static const QRegularExpression plain(QStringLiteral(
        "^(boolean|smallint|integer|bigint|double precision|numeric(\\(\\d+(,\\d+)?\\))?|"
        "character varying(\\(\\d+\\))?|varchar(\\(\\d+\\))?|text|bytea|date|"
        "timestamp(\\(\\d\\))?( without time zone)?|timestamp(\\(\\d\\))? with time zone|timestamptz)$"));
    if (!plain.match(targetTypeName).hasMatch())
        return std::nullopt;
    if (targetTypeName.startsWith(QLatin1String("timestamp(")) && !targetTypeName.startsWith(QLatin1String("timestamp(6)")))
        return std::nullopt; // a coarser precision rounds: the server does that from text
    switch (t.cls) {
    case TypeClass::Boolean: return PgBinaryKind::Bool;
    case TypeClass::SmallInt: return PgBinaryKind::Int2;
    case TypeClass::Integer: return PgBinaryKind::Int4;
    case TypeClass::BigInt: return PgBinaryKind::Int8;
    case TypeClass::Float64: return PgBinaryKind::Float8;
    case TypeClass::Numeric: return PgBinaryKind::Numeric;
    case TypeClass::Char: // created as varchar(n): SQLite never pads CHAR(n)
    case TypeClass::VarChar:
    case TypeClass::Text: return PgBinaryKind::Text;
    case TypeClass::Blob: return PgBinaryKind::Bytea;
    case TypeClass::Date: return PgBinaryKind::Date;
    case TypeClass::Timestamp: return PgBinaryKind::Timestamp;
    case TypeClass::TimestampTz: return PgBinaryKind::TimestampTz;
    default: return std::nullopt;
    }
}

bool encodeBinaryCopy(const RowBatch &batch, const std::vector<PgBinaryKind> &kinds, std::string &out)
{
    static const char kSignature[] = "PGCOPY\n\377\r\n"; // + the terminating NUL: 11 bytes
    out.append(kSignature, 11);
    put32(out, 0); // flags
    put32(out, 0); // header extension length
    for (int row = 0; row < batch.rows(); ++row) {
        put16(out, quint16(batch.columns()));
        for (int col = 0; col < batch.columns(); ++col)
            if (!encodeValue(batch, batch.value(row, col), kinds[size_t(col)], out))
                return false;
    }
    put16(out, 0xFFFF); // trailer
    return true;
}

} // namespace cockpit
