#pragma once
// Deterministic randomness and fast formatting for the demo's rows (demogenerator.h): the
// random streams, civil dates as day numbers, and the buffer a row's text is built in.

#include <cstdint>
#include <cstring>
#include <vector>

namespace cockpit::demointernal {

// splitmix64: tiny, fast, and good enough for test data. Streams are seeded from the table name
// and the row block (see blockSeed), so a row never depends on other tables, on the row count
// asked for, nor on which thread wrote it.
class Rng {
public:
    explicit Rng(uint64_t seed) : m_s(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return uint64_t((static_cast<unsigned __int128>(next()) * n) >> 64); }
    int64_t range(int64_t lo, int64_t hi) { return lo + int64_t(below(uint64_t(hi - lo) + 1)); }
    double unit() { return double(next() >> 11) * 0x1.0p-53; }

private:
    uint64_t m_s;
};

inline uint64_t seedFor(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull; // FNV-1a
    for (const char *p = name; *p; ++p)
        h = (h ^ uint8_t(*p)) * 0x100000001b3ull;
    return h ^ 0x2009A0DA7Aull;
}

constexpr int64_t daysFromCivil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}

inline void civilFromDays(int64_t z, int &y, unsigned &m, unsigned &d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = int64_t(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = int(yy + (m <= 2));
}

// The text of one row: values are appended and bound with SQLITE_STATIC, so the buffer is
// fixed-size and reset per row (sized well above the widest row the specs can produce).
class RowBuffer {
public:
    RowBuffer() : m_buf(kSize) {}
    void reset() { m_used = 0; }
    char *mark() { return m_buf.data() + m_used; }
    int since(const char *mark) const { return int(m_buf.data() + m_used - mark); }
    void put(const char *s, size_t n)
    {
        std::memcpy(m_buf.data() + m_used, s, n);
        m_used += n;
    }
    void put(const char *s) { put(s, std::strlen(s)); }
    void putChar(char c) { m_buf[m_used++] = c; }
    void putUInt(uint64_t v, int width)
    {
        char tmp[24];
        int n = 0;
        do {
            tmp[n++] = char('0' + v % 10);
            v /= 10;
        } while (v);
        while (n < width)
            tmp[n++] = '0';
        while (n)
            m_buf[m_used++] = tmp[--n];
    }
    void put2(unsigned v)
    {
        m_buf[m_used++] = char('0' + v / 10);
        m_buf[m_used++] = char('0' + v % 10);
    }
    void putDate(int64_t days)
    {
        int y;
        unsigned m, d;
        civilFromDays(days, y, m, d);
        putUInt(unsigned(y), 4);
        putChar('-');
        put2(m);
        putChar('-');
        put2(d);
    }
    void putRandomBytes(Rng &rng, size_t n)
    {
        while (n) {
            const uint64_t r = rng.next();
            const size_t k = n < 8 ? n : 8;
            std::memcpy(m_buf.data() + m_used, &r, k); // host byte order: same on every x86/ARM box
            m_used += k;
            n -= k;
        }
    }

private:
    static constexpr size_t kSize = 64 * 1024;
    std::vector<char> m_buf;
    size_t m_used = 0;
};

} // namespace cockpit::demointernal
