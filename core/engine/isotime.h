#pragma once
// ISO-8601 date and time text, as SQLite's date functions write it: the one parser and calendar
// that the value conversion (valueconvert.cpp) and the binary COPY encoder (pgbinarycopy.cpp)
// share, so that both accept exactly the same text.

#include <QtGlobal>
#include <string>

namespace cockpit::isotime {

// `count` decimal digits of p at `at` (all inside n) as a number.
bool digits(const char *p, size_t n, size_t at, size_t count, int &out);
// "YYYY-MM-DD" at the start of p; a real calendar day of years 1..9999.
bool datePart(const char *p, size_t n, int &y, int &m, int &d);
// "HH:MM[:SS[.fraction]]" filling all of p; the fraction without trailing zeros, at most
// microseconds (a seventh significant digit would be rounded, so it does not parse).
bool timePart(const char *p, size_t n, int &h, int &mi, int &s, std::string &fraction);
// Days since 1970-01-01 and back (Howard Hinnant's civil calendar algorithms).
qint64 daysFromCivil(int y, int m, int d);
void civilFromDays(qint64 z, int &y, int &m, int &d);

} // namespace cockpit::isotime
