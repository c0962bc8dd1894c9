#pragma once
// ISO-8601 date and time text, as SQLite's date functions write it: the one parser and calendar
// that the value conversion (valueconvert.cpp) and the binary COPY encoder (pgbinarycopy.cpp)
// share, so that both accept exactly the same text.

#include <QtGlobal>
#include <string>

namespace cockpit::isotime {

// Inline: the converter, the encoder and the date scan call these per value (a call per digit
// group was 3 % of a SQLite -> PostgreSQL run's own CPU in perf).

inline bool leapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline int daysInMonth(int y, int m)
{
    constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leapYear(y) ? 29 : days[m - 1];
}

// `count` decimal digits of p at `at` (all inside n) as a number.
inline bool digits(const char *p, size_t n, size_t at, size_t count, int &out)
{
    if (at + count > n)
        return false;
    out = 0;
    for (size_t i = at; i < at + count; ++i) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        out = out * 10 + (p[i] - '0');
    }
    return true;
}

// "YYYY-MM-DD" at the start of p; a real calendar day of years 1..9999.
inline bool datePart(const char *p, size_t n, int &y, int &m, int &d)
{
    if (n < 10 || p[4] != '-' || p[7] != '-')
        return false;
    // The eight digits unrolled, one test for all: every value of every date column goes
    // through here up to three times (scan, conversion, binary encoding).
    const unsigned d0 = unsigned(p[0] - '0'), d1 = unsigned(p[1] - '0'), d2 = unsigned(p[2] - '0'),
                   d3 = unsigned(p[3] - '0'), d5 = unsigned(p[5] - '0'), d6 = unsigned(p[6] - '0'),
                   d8 = unsigned(p[8] - '0'), d9 = unsigned(p[9] - '0');
    if ((d0 > 9) | (d1 > 9) | (d2 > 9) | (d3 > 9) | (d5 > 9) | (d6 > 9) | (d8 > 9) | (d9 > 9))
        return false;
    y = int(d0 * 1000 + d1 * 100 + d2 * 10 + d3);
    m = int(d5 * 10 + d6);
    d = int(d8 * 10 + d9);
    return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

// "HH:MM[:SS[.fraction]]" filling all of p; the fraction without trailing zeros, at most
// microseconds (a seventh significant digit would be rounded, so it does not parse).
bool timePart(const char *p, size_t n, int &h, int &mi, int &s, std::string &fraction);

// Days since 1970-01-01 and back (Howard Hinnant's civil calendar algorithms).
inline qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

inline void civilFromDays(qint64 z, int &y, int &m, int &d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    d = int(doy - (153 * mp + 2) / 5 + 1);
    m = int(mp < 10 ? mp + 3 : mp - 9);
    y = int(yoe + era * 400 + (m <= 2));
}

} // namespace cockpit::isotime
