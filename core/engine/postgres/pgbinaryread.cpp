#include "engine/postgres/pgbinaryread.h"
#include "engine/isotime.h"

#include <QString>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace cockpit {

namespace {

// Type OIDs (pg_type.dat); they are fixed for built-in types.
enum : quint32 {
    kBool = 16,
    kBytea = 17,
    kInt8 = 20,
    kInt2 = 21,
    kInt4 = 23,
    kText = 25,
    kFloat8 = 701,
    kBpchar = 1042,
    kVarchar = 1043,
    kDate = 1082,
    kTimestamp = 1114,
    kTimestampTz = 1184,
    kNumeric = 1700,
};

constexpr char kSignature[] = "PGCOPY\n\377\r\n"; // + its NUL: 11 bytes
constexpr size_t kHeaderSize = 19;                // signature, flags, extension length

constexpr qint64 kPgEpochDays = 10957; // 2000-01-01 from 1970-01-01
constexpr qint64 kMicrosPerDay = 86400000000LL;
// PostgreSQL's valid ranges (datatype/timestamp.h): dates from 4714-11-24 BC to 5874897-12-31,
// timestamps from 4714-11-24 BC to 294276-12-31; the extremes of each type stand for infinity.
constexpr qint64 kMinDate = -2451545, kMaxDate = 2145031948;
constexpr qint64 kMinTimestamp = -211813488000000000LL, kEndTimestamp = 9223371331200000000LL;

qint16 big16(const char *p) { return qint16((quint16(quint8(p[0])) << 8) | quint8(p[1])); }
qint32 big32(const char *p)
{
    return qint32((quint32(quint8(p[0])) << 24) | (quint32(quint8(p[1])) << 16) | (quint32(quint8(p[2])) << 8)
                  | quint8(p[3]));
}
qint64 big64(const char *p) { return qint64((quint64(quint32(big32(p))) << 32) | quint32(big32(p + 4))); }

// Digits written straight into a buffer: the formatting runs once per value of a million rows.
constexpr char kPairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                          "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                          "8081828384858687888990919293949596979899";

char *put2(char *out, int v)
{
    std::memcpy(out, kPairs + 2 * v, 2);
    return out + 2;
}

char *put4(char *out, int v) { return put2(put2(out, v / 100), v % 100); }

char *putText(char *out, const char *text)
{
    const size_t n = std::strlen(text);
    std::memcpy(out, text, n);
    return out + n;
}

// `v` >= 0 with at least four digits, zero-padded (PostgreSQL's pg_ultostr_zeropad).
char *putYear(char *out, qint64 v)
{
    if (v < 10000)
        return put4(out, int(v));
    return std::to_chars(out, out + 20, v).ptr;
}

// "YYYY-MM-DD" of a day from PostgreSQL's epoch; its year y, when <= 0, prints as 1 - y and
// the caller appends " BC" at the very end, as PostgreSQL does.
char *putIsoDate(char *out, qint64 days, int &year)
{
    int m, d;
    isotime::civilFromDays(days + kPgEpochDays, year, m, d);
    out = putYear(out, year > 0 ? year : 1 - year);
    *out++ = '-';
    out = put2(out, m);
    *out++ = '-';
    return put2(out, d);
}

// The value the text path reads from "NaN" (from_chars), whatever NaN the server stored.
double textNaN()
{
    static const double nan = [] {
        double v = 0;
        const char text[] = "NaN";
        std::from_chars(text, text + 3, v);
        return v;
    }();
    return nan;
}

TaskError malformed(const QString &what)
{
    return makeError(QStringLiteral("reading rows failed: malformed binary COPY data (%1)").arg(what));
}

} // namespace

std::optional<PgBinaryRead> binaryReadOf(quint32 typeOid, TypeClass cls)
{
    switch (cls) {
    case TypeClass::SmallInt:
    case TypeClass::Integer:
    case TypeClass::BigInt:
        if (binaryReadableKey(typeOid))
            return PgBinaryRead::Integer;
        return std::nullopt;
    case TypeClass::Boolean:
        if (typeOid == kBool)
            return PgBinaryRead::Boolean;
        return std::nullopt;
    case TypeClass::Float32: // the text path parses a float8's text as a double, exactly
    case TypeClass::Float64:
        if (typeOid == kFloat8)
            return PgBinaryRead::Real;
        return std::nullopt;
    case TypeClass::Blob:
        if (typeOid == kBytea)
            return PgBinaryRead::Blob;
        return std::nullopt;
    default: // the text path keeps the printed text as it is
        switch (typeOid) {
        case kNumeric: return PgBinaryRead::Numeric;
        case kText:
        case kVarchar:
        case kBpchar: return PgBinaryRead::Text;
        case kDate: return PgBinaryRead::Date;
        case kTimestamp: return PgBinaryRead::Timestamp;
        case kTimestampTz: return PgBinaryRead::TimestampTz;
        default: return std::nullopt;
        }
    }
}

bool binaryReadableKey(quint32 typeOid) { return typeOid == kInt2 || typeOid == kInt4 || typeOid == kInt8; }

namespace {

size_t numericTextBound(const char *p, size_t n)
{
    // sign, integer digits (at least one), point, fraction digits rounded up to a group
    return n < 8 ? 0 : 1 + size_t(std::max(big16(p + 2) + 1, 1)) * 4 + 1 + size_t(std::max<int>(big16(p + 6), 0)) + 4;
}

char *writeNumericText(char *out, const char *p, size_t n)
{
    // ndigits, weight, sign, dscale (16 bits each), then ndigits base-10000 digits.
    if (n < 8)
        return nullptr;
    const int ndigits = big16(p), weight = big16(p + 2), dscale = big16(p + 6);
    const quint16 sign = quint16(big16(p + 4));
    if (ndigits < 0 || dscale < 0 || n != 8 + 2 * size_t(ndigits))
        return nullptr;
    switch (sign) {
    case 0xC000: return putText(out, "NaN");
    case 0xD000: return putText(out, "Infinity");
    case 0xF000: return putText(out, "-Infinity");
    case 0x0000:
    case 0x4000: break;
    default: return nullptr;
    }
    for (int i = 0; i < ndigits; ++i)
        if (const int v = big16(p + 8 + 2 * i); v < 0 || v > 9999)
            return nullptr;
    const auto digit = [&](int i) { return i >= 0 && i < ndigits ? int(big16(p + 8 + 2 * i)) : 0; };
    // As numeric.c's get_str_from_var: the integer part without leading zeros ("0" when
    // there is none), then exactly dscale fraction digits.
    if (sign == 0x4000)
        *out++ = '-';
    int d;
    if (weight < 0) {
        d = weight + 1;
        *out++ = '0';
    } else {
        const int first = digit(0);
        if (first >= 1000) {
            out = put4(out, first);
        } else if (first >= 100) {
            *out++ = char('0' + first / 100);
            out = put2(out, first % 100);
        } else if (first >= 10) {
            out = put2(out, first);
        } else {
            *out++ = char('0' + first);
        }
        for (d = 1; d <= weight; ++d)
            out = put4(out, digit(d));
    }
    if (dscale > 0) {
        *out++ = '.';
        char *const end = out + dscale;
        for (int i = 0; i < dscale; ++d, i += 4)
            out = put4(out, digit(d));
        out = end;
    }
    return out;
}

char *writeDateText(char *out, qint32 days)
{
    if (days == std::numeric_limits<qint32>::min())
        return putText(out, "-infinity");
    if (days == std::numeric_limits<qint32>::max())
        return putText(out, "infinity");
    if (days < kMinDate || days > kMaxDate)
        return nullptr;
    int year;
    out = putIsoDate(out, days, year);
    return year <= 0 ? putText(out, " BC") : out;
}

char *writeTimestampText(char *out, qint64 micros, bool withZone)
{
    if (micros == std::numeric_limits<qint64>::min())
        return putText(out, "-infinity");
    if (micros == std::numeric_limits<qint64>::max())
        return putText(out, "infinity");
    if (micros < kMinTimestamp || micros >= kEndTimestamp)
        return nullptr;
    qint64 days = micros / kMicrosPerDay, time = micros % kMicrosPerDay;
    if (time < 0) {
        time += kMicrosPerDay;
        --days;
    }
    int year;
    out = putIsoDate(out, days, year);
    const int seconds = int(time / 1000000);
    int fraction = int(time % 1000000);
    *out++ = ' ';
    out = put2(out, seconds / 3600);
    *out++ = ':';
    out = put2(out, seconds / 60 % 60);
    *out++ = ':';
    out = put2(out, seconds % 60);
    if (fraction != 0) { // microseconds without trailing zeros (datetime.c's AppendSeconds)
        *out++ = '.';
        char digits[6];
        put2(put2(put2(digits, fraction / 10000), fraction / 100 % 100), fraction % 100);
        int width = 6;
        while (digits[width - 1] == '0')
            --width;
        std::memcpy(out, digits, size_t(width));
        out += width;
    }
    if (withZone)
        out = putText(out, "+00"); // the session's TimeZone is UTC
    return year <= 0 ? putText(out, " BC") : out;
}

} // namespace

PgBinaryRowDecoder::PgBinaryRowDecoder(std::vector<PgBinaryRead> columns, bool keyFirst)
    : m_columns(std::move(columns)), m_keyFirst(keyFirst)
{
}

Result<int> PgBinaryRowDecoder::decode(const char *p, size_t n, RowBatch &batch, qint64 rowNumber)
{
    size_t at = 0;
    if (!m_headerSeen) {
        if (n < kHeaderSize || std::memcmp(p, kSignature, 11) != 0)
            return malformed(QStringLiteral("no binary COPY signature"));
        if (big32(p + 11) & 0x10000)
            return malformed(QStringLiteral("rows carry OIDs"));
        const qint32 extension = big32(p + 15);
        if (extension < 0 || n - kHeaderSize < size_t(extension))
            return malformed(QStringLiteral("truncated header"));
        at = kHeaderSize + size_t(extension);
        m_headerSeen = true;
    }
    const int fields = int(m_columns.size()) + (m_keyFirst ? 1 : 0);
    int rows = 0;
    while (at < n) {
        if (m_ended)
            return malformed(QStringLiteral("data after the trailer"));
        if (n - at < 2)
            return malformed(QStringLiteral("truncated row"));
        const int count = big16(p + at);
        at += 2;
        if (count == -1) {
            m_ended = true;
            continue;
        }
        if (count != fields)
            return malformed(QStringLiteral("a row of %1 fields, expected %2").arg(count).arg(fields));
        for (int f = 0; f < fields; ++f) {
            if (n - at < 4)
                return malformed(QStringLiteral("truncated row"));
            const qint32 len = big32(p + at);
            at += 4;
            if (len < -1 || (len > 0 && n - at < size_t(len)))
                return malformed(QStringLiteral("truncated row"));
            const char *value = p + at;
            at += size_t(std::max(len, 0));
            if (m_keyFirst && f == 0) {
                if (len != 2 && len != 4 && len != 8)
                    return malformed(QStringLiteral("a key of %1 bytes").arg(len));
                batch.beginRow(len == 2 ? big16(value) : len == 4 ? big32(value) : big64(value));
                continue;
            }
            if (f == 0)
                batch.beginRow(rowNumber + rows);
            if (len == -1) {
                batch.addNull();
                continue;
            }
            if (auto st = decodeValue(batch, m_columns[size_t(f - (m_keyFirst ? 1 : 0))], value, len); !st)
                return st.error();
        }
        ++rows;
    }
    return rows;
}

Status PgBinaryRowDecoder::decodeValue(RowBatch &batch, PgBinaryRead read, const char *p, qint32 len)
{
    switch (read) {
    case PgBinaryRead::Integer:
        if (len == 2)
            batch.addInteger(big16(p));
        else if (len == 4)
            batch.addInteger(big32(p));
        else if (len == 8)
            batch.addInteger(big64(p));
        else
            return malformed(QStringLiteral("an integer of %1 bytes").arg(len));
        return {};
    case PgBinaryRead::Boolean:
        if (len != 1)
            return malformed(QStringLiteral("a boolean of %1 bytes").arg(len));
        batch.addInteger(p[0] != 0 ? 1 : 0);
        return {};
    case PgBinaryRead::Real: {
        if (len != 8)
            return malformed(QStringLiteral("a double of %1 bytes").arg(len));
        const quint64 bits = quint64(big64(p));
        double v;
        std::memcpy(&v, &bits, 8);
        batch.addReal(std::isnan(v) ? textNaN() : v);
        return {};
    }
    case PgBinaryRead::Text: batch.addText(p, len); return {};
    case PgBinaryRead::Blob: batch.addBlob(p, len); return {};
    case PgBinaryRead::Numeric:
    case PgBinaryRead::Date:
    case PgBinaryRead::Timestamp:
    case PgBinaryRead::TimestampTz: {
        // Room for the longest text (timestamps: "-294276-12-31 23:59:59.999999+00 BC").
        const size_t room = read == PgBinaryRead::Numeric ? numericTextBound(p, size_t(len)) : 48;
        if (m_text.size() < room)
            m_text.resize(room);
        char *end = nullptr;
        if (read == PgBinaryRead::Numeric)
            end = writeNumericText(m_text.data(), p, size_t(len));
        else if (read == PgBinaryRead::Date)
            end = len == 4 ? writeDateText(m_text.data(), big32(p)) : nullptr;
        else if (len == 8)
            end = writeTimestampText(m_text.data(), big64(p), read == PgBinaryRead::TimestampTz);
        if (!end)
            return malformed(read == PgBinaryRead::Numeric ? QStringLiteral("a numeric that is none")
                                                           : QStringLiteral("a date or timestamp out of range"));
        batch.addText(m_text.data(), int(end - m_text.data()));
        return {};
    }
    }
    return malformed(QStringLiteral("an unknown column kind"));
}

} // namespace cockpit
