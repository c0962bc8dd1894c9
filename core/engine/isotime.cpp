#include "engine/isotime.h"

namespace cockpit::isotime {

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

} // namespace cockpit::isotime
