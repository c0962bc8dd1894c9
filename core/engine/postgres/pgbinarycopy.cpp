#include "engine/postgres/pgbinarycopy.h"
#include "engine/isotime.h"
#include "engine/valuetext.h"

#include <QRegularExpression>
#include <QtEndian>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>

namespace cockpit {

namespace {

char *put16(char *p, quint16 v)
{
    p[0] = char(v >> 8);
    p[1] = char(v);
    return p + 2;
}

char *put32(char *p, quint32 v)
{
    const quint32 big = qToBigEndian(v);
    std::memcpy(p, &big, 4);
    return p + 4;
}

char *put64(char *p, quint64 v)
{
    const quint64 big = qToBigEndian(v);
    std::memcpy(p, &big, 8);
    return p + 8;
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

// Bytes writePgNumeric may write for decimal text of `n` characters.
constexpr size_t pgNumericBound(size_t n) { return 8 + 2 * ((n + 6) / 4 + 1); }

// PostgreSQL's binary numeric for decimal text ("-12.50", "1e-3") into `out`, which has
// pgNumericBound(n) bytes of room; returns the end, or nullptr when the text is not a plain decimal.
char *writePgNumeric(char *out, const char *p, size_t n)
{
    size_t i = 0;
    bool negative = false;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        negative = p[i++] == '-';
    // Every digit without the point, with room for 3 zeros in front and 3 behind (alignment on
    // base-10000 groups): on the stack unless the text is long.
    char small[128];
    std::unique_ptr<char[]> large;
    char *const room = n + 6 <= sizeof small ? small : (large = std::make_unique<char[]>(n + 6)).get();
    char *const digits = room + 3;
    size_t count = 0;
    qint64 intDigits = 0, fracDigits = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9') {
        digits[count++] = p[i++];
        ++intDigits;
    }
    if (i < n && p[i] == '.') {
        ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            digits[count++] = p[i++];
            ++fracDigits;
        }
    }
    if (count == 0)
        return nullptr;
    qint64 exponent = 0;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        ++i;
        const auto r = std::from_chars(p + i + (i < n && p[i] == '+'), p + n, exponent);
        if (r.ec != std::errc() || r.ptr != p + n || exponent > 1000 || exponent < -1000)
            return nullptr;
        i = n;
    }
    if (i != n)
        return nullptr;
    // As numeric_in: the display scale is the digits after the point, less the exponent.
    const qint64 dscale = std::max<qint64>(0, fracDigits - exponent);
    if (dscale > 0x3FFF)
        return nullptr;
    qint64 point = intDigits + exponent; // digits before the decimal point
    size_t first = 0, last = count;
    while (first < last && digits[first] == '0') {
        ++first;
        --point;
    }
    while (last > first && digits[last - 1] == '0')
        --last;
    if (first == last) { // zero
        out = put16(out, 0);
        out = put16(out, 0);
        out = put16(out, 0);
        return put16(out, quint16(dscale));
    }
    // Base-10000 digits aligned on the decimal point.
    const qint64 pad = ((point % 4) + 4) % 4 == 0 ? 0 : 4 - ((point % 4) + 4) % 4;
    char *d = digits + first - pad;
    std::memset(d, '0', size_t(pad));
    size_t len = last - first + size_t(pad);
    point += pad;
    while (len % 4 != 0)
        d[len++] = '0';
    const qint64 weight = point / 4 - 1;
    const size_t groups = len / 4;
    if (groups > 0x7FFF || weight > 0x7FFF || weight < -0x8000)
        return nullptr;
    out = put16(out, quint16(groups));
    out = put16(out, quint16(qint16(weight)));
    out = put16(out, negative ? 0x4000 : 0x0000);
    out = put16(out, quint16(dscale));
    for (size_t g = 0; g < groups; ++g, d += 4)
        out = put16(out, quint16((d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0')));
    return out;
}

// The largest a number's text gets (fixed notation, see valuetext.h).
constexpr size_t kNumberTextRoom = kShortestDoubleRoom;

// An integer or double as the text path writes it, into buf (kNumberTextRoom); nullptr for
// other values and for infinities and NaN.
char *numberText(const Value &v, char *buf)
{
    if (v.type == ValueType::Integer)
        return std::to_chars(buf, buf + kNumberTextRoom, v.integer).ptr;
    if (v.type == ValueType::Real && std::isfinite(v.real))
        return writeShortestDouble(buf, v.real);
    return nullptr;
}

bool encodeValue(const RowBatch &batch, const Value &v, PgBinaryKind kind, ByteBuffer &out,
                 std::vector<PgCopySplice> *splices)
{
    if (v.type == ValueType::Null) {
        out.commit(put32(out.room(4), quint32(-1)));
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
        char *p = put32(out.room(5), 1);
        *p++ = char(i != 0);
        out.commit(p);
        return true;
    }
    case PgBinaryKind::Int2:
    case PgBinaryKind::Int4:
    case PgBinaryKind::Int8: {
        qint64 i;
        if (!integerOf(batch, v, i))
            return false;
        char *p = out.room(12);
        if (kind == PgBinaryKind::Int2) {
            if (i < std::numeric_limits<qint16>::min() || i > std::numeric_limits<qint16>::max())
                return false; // out of range: the server says so in its own words
            p = put16(put32(p, 2), quint16(qint16(i)));
        } else if (kind == PgBinaryKind::Int4) {
            if (i < std::numeric_limits<qint32>::min() || i > std::numeric_limits<qint32>::max())
                return false;
            p = put32(put32(p, 4), quint32(qint32(i)));
        } else {
            p = put64(put32(p, 8), quint64(i));
        }
        out.commit(p);
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
        out.commit(put64(put32(out.room(12), 8), bits));
        return true;
    }
    case PgBinaryKind::Numeric: {
        char buf[kNumberTextRoom];
        const char *text = buf, *textEnd;
        if (v.type == ValueType::Text) {
            text = batch.bytes(v);
            textEnd = text + v.size;
        } else if (!(textEnd = numberText(v, buf))) { // what the text path sends
            return false;
        }
        const size_t n = size_t(textEnd - text);
        char *length = out.room(4 + pgNumericBound(n));
        char *end = writePgNumeric(length + 4, text, n);
        if (!end)
            return false;
        put32(length, quint32(end - length - 4));
        out.commit(end);
        return true;
    }
    case PgBinaryKind::Text:
    case PgBinaryKind::Bytea: {
        if (v.type == ValueType::Text || v.type == ValueType::Blob) {
            if (splices && v.size >= kPgSpliceMin) { // sent from the arena (PgCopySplice)
                out.commit(put32(out.room(4), v.size));
                splices->push_back({out.size(), batch.bytes(v), v.size});
                return true;
            }
            char *p = put32(out.room(4 + v.size), v.size);
            std::memcpy(p, batch.bytes(v), v.size);
            out.commit(p + v.size);
            return true;
        }
        if (kind == PgBinaryKind::Bytea)
            return false;
        char buf[kNumberTextRoom]; // numbers into a text column: written as the text path writes them
        const char *end = numberText(v, buf);
        if (!end)
            return false;
        const size_t n = size_t(end - buf);
        char *p = put32(out.room(4 + n), quint32(n));
        std::memcpy(p, buf, n);
        out.commit(p + n);
        return true;
    }
    case PgBinaryKind::Date: {
        qint64 days;
        if (v.type != ValueType::Text || v.size != 10 || !parseDate(batch.bytes(v), v.size, days))
            return false;
        out.commit(put32(put32(out.room(8), 4), quint32(qint32(days))));
        return true;
    }
    case PgBinaryKind::Timestamp:
    case PgBinaryKind::TimestampTz: {
        qint64 micros;
        if (v.type != ValueType::Text
            || !parseTimestamp(batch.bytes(v), v.size, kind == PgBinaryKind::TimestampTz, micros))
            return false;
        out.commit(put64(put32(out.room(12), 8), quint64(micros)));
        return true;
    }
    }
    return false;
}

} // namespace

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

bool encodeBinaryCopy(const RowBatch &batch, const std::vector<PgBinaryKind> &kinds, ByteBuffer &out,
                      std::vector<PgCopySplice> *splices)
{
    static const char kSignature[] = "PGCOPY\n\377\r\n"; // + the terminating NUL: 11 bytes
    char *p = out.room(19);
    std::memcpy(p, kSignature, 11);
    out.commit(put32(put32(p + 11, 0), 0)); // flags, header extension length
    const quint16 columns = quint16(batch.columns());
    for (int row = 0; row < batch.rows(); ++row) {
        out.commit(put16(out.room(2), columns));
        for (int col = 0; col < batch.columns(); ++col)
            if (!encodeValue(batch, batch.value(row, col), kinds[size_t(col)], out, splices))
                return false;
    }
    out.commit(put16(out.room(2), 0xFFFF)); // trailer
    return true;
}

} // namespace cockpit
