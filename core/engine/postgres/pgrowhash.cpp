#include "engine/postgres/pgrowhash.h"

#include <QtEndian>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace cockpit::pgrowhash {

namespace {

// lookup3's mixing steps, as hashfn.c uses them.
inline void mix(quint32 &a, quint32 &b, quint32 &c)
{
    a -= c; a ^= std::rotl(c, 4);  c += b;
    b -= a; b ^= std::rotl(a, 6);  a += c;
    c -= b; c ^= std::rotl(b, 8);  b += a;
    a -= c; a ^= std::rotl(c, 16); c += b;
    b -= a; b ^= std::rotl(a, 19); a += c;
    c -= b; c ^= std::rotl(b, 4);  b += a;
}

inline void final(quint32 &a, quint32 &b, quint32 &c)
{
    c ^= b; c -= std::rotl(b, 14);
    a ^= c; a -= std::rotl(c, 11);
    b ^= a; b -= std::rotl(a, 25);
    c ^= b; c -= std::rotl(b, 16);
    a ^= c; a -= std::rotl(c, 4);
    b ^= a; b -= std::rotl(a, 14);
    c ^= b; c -= std::rotl(b, 24);
}

inline void seedState(quint32 &a, quint32 &b, quint32 &c, quint64 seed)
{
    if (seed != 0) {
        a += quint32(seed >> 32);
        b += quint32(seed);
        mix(a, b, c);
    }
}

inline quint32 loadLittle32(const unsigned char *p)
{
    quint32 v;
    std::memcpy(&v, p, 4);
    return qFromLittleEndian(v);
}

// hash_bytes_extended: bytes as little-endian words, the tail's third word shifted past the
// byte lookup3 reserves for the length.
quint64 hashBytes(const unsigned char *k, size_t len, quint64 seed)
{
    quint32 a, b, c;
    a = b = c = 0x9e3779b9u + quint32(len) + 3923095u;
    seedState(a, b, c, seed);
    while (len >= 12) {
        a += loadLittle32(k);
        b += loadLittle32(k + 4);
        c += loadLittle32(k + 8);
        mix(a, b, c);
        k += 12;
        len -= 12;
    }
    switch (len) {
    case 11: c += quint32(k[10]) << 24; [[fallthrough]];
    case 10: c += quint32(k[9]) << 16; [[fallthrough]];
    case 9: c += quint32(k[8]) << 8; [[fallthrough]];
    case 8: b += quint32(k[7]) << 24; [[fallthrough]];
    case 7: b += quint32(k[6]) << 16; [[fallthrough]];
    case 6: b += quint32(k[5]) << 8; [[fallthrough]];
    case 5: b += k[4]; [[fallthrough]];
    case 4: a += quint32(k[3]) << 24; [[fallthrough]];
    case 3: a += quint32(k[2]) << 16; [[fallthrough]];
    case 2: a += quint32(k[1]) << 8; [[fallthrough]];
    case 1: a += k[0]; break;
    default: break;
    }
    final(a, b, c);
    return (quint64(b) << 32) | c;
}

// hash_bytes_uint32_extended.
quint64 hashUint32(quint32 k, quint64 seed)
{
    quint32 a, b, c;
    a = b = c = 0x9e3779b9u + quint32(sizeof(quint32)) + 3923095u;
    seedState(a, b, c, seed);
    a += k;
    final(a, b, c);
    return (quint64(b) << 32) | c;
}

// hashint8extended: equal to hashint4extended for values that fit 32 bits.
quint64 hashInt64(qint64 v, quint64 seed)
{
    quint32 lo = quint32(v);
    const quint32 hi = quint32(quint64(v) >> 32);
    lo ^= v >= 0 ? hi : ~hi;
    return hashUint32(lo, seed);
}

quint16 big16(const char *p) { return quint16((quint8(p[0]) << 8) | quint8(p[1])); }

quint32 big32(const char *p)
{
    quint32 v;
    std::memcpy(&v, p, 4);
    return qFromBigEndian(v);
}

quint64 big64(const char *p)
{
    quint64 v;
    std::memcpy(&v, p, 8);
    return qFromBigEndian(v);
}

constexpr quint16 kNumericNeg = 0x4000, kNumericNegInf = 0xF000;
constexpr quint16 kNumericSpecial = 0xC000; // NaN, +Infinity, -Infinity: both top bits set

// hash_numeric_extended over numeric_send's layout (ndigits, weight, sign, dscale, then the
// base-10000 digits, each 16-bit big-endian): leading and trailing zero digits are not
// hashed, the weight is XORed in, zero hashes to seed - 1 and NaN/Infinity to the seed.
quint64 hashNumeric(const char *p, size_t n, quint64 seed)
{
    if (n < 8)
        return 0;
    const int ndigits = qint16(big16(p));
    int weight = qint16(big16(p + 2));
    const quint16 sign = big16(p + 4);
    const char *digits = p + 8;
    if (ndigits < 0 || size_t(ndigits) * 2 + 8 > n)
        return 0;
    if ((sign & kNumericSpecial) == kNumericSpecial)
        return sign == kNumericNegInf ? seed + 1 : seed;
    int first = 0, last = ndigits;
    while (first < last && big16(digits + 2 * first) == 0) {
        ++first;
        --weight;
    }
    if (first == last)
        return seed - 1; // zero, whatever its sign on the wire
    while (big16(digits + 2 * (last - 1)) == 0)
        --last;
    if (sign == kNumericNeg)
        ++seed; // the server hashes negatives with the next seed (sumSql)
    // The digits as the server holds them: 16-bit native (little-endian) words.
    const int count = last - first;
    unsigned char local[64] = {}; // 32 digits: 128 decimal digits
    std::vector<unsigned char> heap;
    unsigned char *words = local;
    if (size_t(count) * 2 > sizeof local) {
        heap.resize(size_t(count) * 2);
        words = heap.data();
    }
    for (int i = 0; i < count; ++i) {
        const quint16 d = big16(digits + 2 * (first + i));
        words[2 * i] = quint8(d);
        words[2 * i + 1] = quint8(d >> 8);
    }
    return hashBytes(words, size_t(count) * 2, seed) ^ quint64(qint64(weight));
}

quint64 hashFloat8(quint64 bits, quint64 seed)
{
    double d;
    std::memcpy(&d, &bits, 8);
    if (d == 0)
        return seed; // 0 and -0
    if (std::isnan(d))
        d = std::numeric_limits<double>::quiet_NaN();
    unsigned char bytes[8];
    std::memcpy(bytes, &d, 8);
    return hashBytes(bytes, 8, seed);
}

quint64 seedOf(int column) { return quint64(2 * column + 2); }

// The hash of one value as COPY's binary format carries it (`n` bytes at `p`) for column `column`.
quint64 valueHash(PgBinaryKind kind, const char *p, size_t n, int column)
{
    const quint64 seed = seedOf(column);
    switch (kind) {
    case PgBinaryKind::Bool: return n == 1 ? hashUint32(p[0] ? 1 : 0, seed) : 0;
    case PgBinaryKind::Int2: return n == 2 ? hashUint32(quint32(qint32(qint16(big16(p)))), seed) : 0;
    case PgBinaryKind::Int4:
    case PgBinaryKind::Date: return n == 4 ? hashUint32(big32(p), seed) : 0;
    case PgBinaryKind::Int8:
    case PgBinaryKind::Timestamp:
    case PgBinaryKind::TimestampTz: return n == 8 ? hashInt64(qint64(big64(p)), seed) : 0;
    case PgBinaryKind::Float8: return n == 8 ? hashFloat8(big64(p), seed) : 0;
    case PgBinaryKind::Numeric: return hashNumeric(p, n, seed);
    case PgBinaryKind::Text:
    case PgBinaryKind::Bytea: return hashBytes(reinterpret_cast<const unsigned char *>(p), n, seed);
    }
    return 0;
}

// Values that lie outside the stream (PgCopySplice): the next one, and where the stream starts.
struct SpliceCursor {
    const char *stream = nullptr;
    std::span<const PgCopySplice> rest;
};

// One tuple from `p` (not past `end`): its hash in `row`, `p` moved past it. False when it is
// not fields of `kinds` or holds an infinite date.
bool hashTuple(const char *&p, const char *end, const std::vector<PgBinaryKind> &kinds, quint64 &row,
               SpliceCursor *splices = nullptr)
{
    if (end - p < 2 || size_t(qint16(big16(p))) != kinds.size())
        return false;
    p += 2;
    row = 0;
    for (size_t col = 0; col < kinds.size(); ++col) {
        if (end - p < 4)
            return false;
        const qint32 length = qint32(big32(p));
        p += 4;
        if (length < 0)
            continue; // NULL adds nothing
        if (splices && !splices->rest.empty() && size_t(p - splices->stream) == splices->rest.front().at) {
            // This value's bytes are not in the stream: hashed where they lie.
            const PgCopySplice &s = splices->rest.front();
            splices->rest = splices->rest.subspan(1);
            if (s.size != size_t(length))
                return false;
            row ^= valueHash(kinds[col], s.data, s.size, int(col));
            continue;
        }
        if (end - p < length)
            return false;
        if (kinds[col] == PgBinaryKind::Date && length == 4) {
            const qint32 days = qint32(big32(p));
            if (days == std::numeric_limits<qint32>::max() || days == std::numeric_limits<qint32>::min())
                return false; // infinity: DATE minus DATE fails on the server
        }
        row ^= valueHash(kinds[col], p, size_t(length), int(col));
        p += length;
    }
    return true;
}

} // namespace

bool covers(const std::vector<PgBinaryKind> &kinds)
{
    if (kinds.empty())
        return false;
    for (PgBinaryKind k : kinds)
        if (k == PgBinaryKind::Bytea)
            return false;
    return true;
}

QString sumSql(const QString &relation, const QStringList &columns, const std::vector<PgBinaryKind> &kinds)
{
    QStringList terms;
    for (int i = 0; i < columns.size(); ++i) {
        const QString &c = columns[i];
        const QString seed = QString::number(seedOf(i));
        QString h;
        switch (kinds[size_t(i)]) {
        case PgBinaryKind::Bool: h = QStringLiteral("hashint4extended(%1::int4, %2)"); break;
        case PgBinaryKind::Int2: h = QStringLiteral("hashint2extended(%1, %2)"); break;
        case PgBinaryKind::Int4: h = QStringLiteral("hashint4extended(%1, %2)"); break;
        case PgBinaryKind::Int8: h = QStringLiteral("hashint8extended(%1, %2)"); break;
        case PgBinaryKind::Float8: h = QStringLiteral("hashfloat8extended(%1, %2)"); break;
        case PgBinaryKind::Numeric: h = QStringLiteral("hash_numeric_extended(%1, %2 + (%1 < 0)::int4)"); break;
        case PgBinaryKind::Text: h = QStringLiteral("hashtextextended(%1 COLLATE \"C\", %2)"); break;
        case PgBinaryKind::Date: h = QStringLiteral("hashint4extended(%1 - DATE '2000-01-01', %2)"); break;
        case PgBinaryKind::Timestamp: h = QStringLiteral("timestamp_hash_extended(%1, %2)"); break;
        case PgBinaryKind::TimestampTz: h = QStringLiteral("timestamp_hash_extended(%1 AT TIME ZONE 'UTC', %2)"); break;
        case PgBinaryKind::Bytea: return {}; // not covered
        }
        terms << QStringLiteral("coalesce(%1, 0)").arg(h.arg(c, seed));
    }
    return QStringLiteral("SELECT count(*), coalesce(sum(%1), 0)::text FROM %2")
        .arg(terms.isEmpty() ? QStringLiteral("0") : terms.join(QStringLiteral(" # ")), relation);
}

bool reduceSum(const QString &text, quint64 &sum)
{
    const QByteArray t = text.toLatin1();
    const bool negative = t.startsWith('-');
    quint64 v = 0;
    int digits = 0;
    for (qsizetype i = negative ? 1 : 0; i < t.size(); ++i) {
        const char ch = t[i];
        if (ch < '0' || ch > '9')
            return false;
        v = v * 10 + quint64(ch - '0'); // wraps: mod 2^64 all along
        ++digits;
    }
    if (digits == 0)
        return false;
    sum = negative ? quint64(0) - v : v;
    return true;
}

bool addTuple(const char *p, size_t n, const std::vector<PgBinaryKind> &kinds, quint64 &sum)
{
    quint64 row;
    const char *end = p + n;
    if (!hashTuple(p, end, kinds, row) || p != end)
        return false;
    sum += row;
    return true;
}

bool addCopyStream(const char *p, size_t n, const std::vector<PgBinaryKind> &kinds, quint64 &sum,
                   std::span<const PgCopySplice> splices)
{
    constexpr size_t kHeader = 19; // signature, flags, header extension length
    if (n < kHeader + 2)
        return false;
    const char *end = p + n;
    SpliceCursor cursor{p, splices};
    p += kHeader;
    quint64 total = 0;
    while (true) {
        if (end - p < 2)
            return false;
        if (qint16(big16(p)) == -1)
            break; // trailer
        quint64 row;
        if (!hashTuple(p, end, kinds, row, &cursor))
            return false;
        total += row;
    }
    if (!cursor.rest.empty())
        return false; // a splice that no value took
    sum += total;
    return true;
}

} // namespace cockpit::pgrowhash
