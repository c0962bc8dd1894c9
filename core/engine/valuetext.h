#pragma once
// Values as text, the same way on every engine: the shortest decimal that reads back as the
// same double, and a canonical form of exact decimals, so that NUMERIC 12.500 on PostgreSQL and
// REAL 12.5 on SQLite compare (and hash) as the same value.

#include "engine/rowbatch.h"

#include <QtGlobal>
#include <charconv>
#include <string>

namespace cockpit {

// Shortest round-trip text of `v`, fixed notation ("0.1", "12.5", "1e-07" never appears).
// Room for the longest: DBL_MAX in fixed notation is 309 digits.
constexpr size_t kShortestDoubleRoom = 400;
inline char *writeShortestDouble(char *buf, double v)
{
    return std::to_chars(buf, buf + kShortestDoubleRoom, v, std::chars_format::fixed).ptr;
}

inline void appendShortestDouble(std::string &out, double v)
{
    char buf[kShortestDoubleRoom];
    out.append(buf, writeShortestDouble(buf, v));
}

inline void appendInteger(std::string &out, qint64 v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

// A SQLite number written into a text column: the copy writes this text and the validation
// hashes the same, from this one function, so the two can never disagree.
// `V`: a Value, or the hasher's view of one.
template <typename V>
void appendNumberText(std::string &out, const V &v)
{
    if (v.type == ValueType::Integer)
        appendInteger(out, v.integer);
    else if (v.type == ValueType::Real)
        appendShortestDouble(out, v.real);
}

// "-0012.3400" -> "-12.34", "+5." -> "5", "-0.000" -> "0". Text that is not a plain decimal
// (exponents, "NaN") comes back unchanged.
inline void canonicalDecimalInto(const char *p, size_t n, std::string &out);

inline std::string canonicalDecimal(const char *p, size_t n)
{
    std::string out;
    canonicalDecimalInto(p, n, out);
    return out;
}

// canonicalDecimal into a buffer the caller reuses (hashing calls it for every numeric value).
inline void canonicalDecimalInto(const char *p, size_t n, std::string &out)
{
    size_t i = 0;
    bool negative = false;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        negative = p[i++] == '-';
    const size_t intStart = i;
    while (i < n && p[i] >= '0' && p[i] <= '9')
        ++i;
    const size_t intEnd = i;
    size_t fracStart = i, fracEnd = i;
    if (i < n && p[i] == '.') {
        fracStart = ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            ++i;
        fracEnd = i;
    }
    if (i != n || (intEnd == intStart && fracEnd == fracStart)) {
        out.assign(p, n);
        return;
    }
    size_t a = intStart;
    while (a + 1 < intEnd && p[a] == '0')
        ++a;
    while (fracEnd > fracStart && p[fracEnd - 1] == '0')
        --fracEnd;
    out.clear();
    const bool intZero = a >= intEnd || (intEnd - a == 1 && p[a] == '0');
    if (negative && !(intZero && fracEnd == fracStart))
        out += '-';
    if (a < intEnd)
        out.append(p + a, intEnd - a);
    else
        out += '0';
    if (fracEnd > fracStart)
        out.append(".").append(p + fracStart, fracEnd - fracStart);
}

} // namespace cockpit
