#include "engine/isotime.h"

namespace cockpit::isotime {

namespace {

bool leapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leapYear(y) ? 29 : days[m - 1];
}

} // namespace

bool digits(const char *p, size_t n, size_t at, size_t count, int &out)
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

bool datePart(const char *p, size_t n, int &y, int &m, int &d)
{
    return n >= 10 && digits(p, n, 0, 4, y) && p[4] == '-' && digits(p, n, 5, 2, m) && p[7] == '-'
           && digits(p, n, 8, 2, d) && y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

bool timePart(const char *p, size_t n, int &h, int &mi, int &s, std::string &fraction)
{
    fraction.clear();
    s = 0;
    if (!(digits(p, n, 0, 2, h) && n >= 5 && p[2] == ':' && digits(p, n, 3, 2, mi)) || h > 23 || mi > 59)
        return false;
    if (n == 5)
        return true;
    if (p[5] != ':' || !digits(p, n, 6, 2, s) || s > 59)
        return false;
    if (n == 8)
        return true;
    if (p[8] != '.' || n == 9)
        return false;
    for (size_t i = 9; i < n; ++i)
        if (p[i] < '0' || p[i] > '9')
            return false;
    fraction.assign(p + 9, n - 9);
    while (!fraction.empty() && fraction.back() == '0')
        fraction.pop_back();
    return fraction.size() <= 6;
}

qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civilFromDays(qint64 z, int &y, int &m, int &d)
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
