// The demo's column builders (demospec.h): a column's SQL type, generator and parameters.
#include "demo/demospec.h"
#include "demo/demorandom.h"

#include <QtGlobal>

#include <cmath>

namespace cockpit::demointernal {

// Persistent "VARCHAR(n)" strings for the specs (Col keeps const char *).
const char *varchar(int n)
{
    static const char *const kTypes[] = {"VARCHAR(2)",  "VARCHAR(3)",  "VARCHAR(4)",  "VARCHAR(7)",
                                         "VARCHAR(8)",  "VARCHAR(10)", "VARCHAR(20)", "VARCHAR(30)",
                                         "VARCHAR(40)", "VARCHAR(60)", "VARCHAR(80)", "VARCHAR(250)",
                                         "VARCHAR(255)"};
    static const int kLengths[] = {2, 3, 4, 7, 8, 10, 20, 30, 40, 60, 80, 250, 255};
    for (size_t i = 0; i < sizeof kLengths / sizeof kLengths[0]; ++i)
        if (kLengths[i] == n)
            return kTypes[i];
    Q_ASSERT_X(false, "varchar", "add the length to kLengths");
    return "VARCHAR(255)";
}
Col codeCol(const char *name, int length, const char *prefix, int width, int64_t offset,
            const char *suffix)
{
    Col c{name, varchar(length), Gen::Code};
    c.prefix = prefix;
    c.suffix = suffix;
    c.width = width;
    c.lo = offset;
    c.notNull = true;
    return c;
}
// AX's lot ids: a lot has 2 or 3 inventory transactions, and lots are numbered as they come.
Col lots(const char *name)
{
    Col c = codeCol(name, 20, "LOT", 8);
    c.mul = 2;
    c.div = 5;
    return c;
}
Col ref(const char *name, int length, const char *prefix, int width, int64_t count, int64_t offset)
{
    Col c{name, varchar(length), Gen::Ref};
    c.prefix = prefix;
    c.width = width;
    c.lo = offset;
    c.hi = count;
    return c;
}
Col integer(const char *name, int64_t lo, int64_t hi)
{
    Col c{name, "INTEGER", Gen::Int};
    c.lo = lo;
    c.hi = hi;
    return c;
}
Col enumCol(const char *name, int values) // AX enums are small integers, never NULL
{
    Col c = integer(name, 0, values - 1);
    c.notNull = true;
    c.defaultValue = "0";
    return c;
}
Col scaled(const char *name, const char *type, double lo, double hi, int decimals)
{
    Col c{name, type, Gen::Real};
    const double f = std::pow(10.0, decimals);
    c.lo = std::llround(lo * f);
    c.hi = std::llround(hi * f);
    c.decimals = decimals;
    return c;
}
Col real(const char *name, double lo, double hi, int decimals)
{
    return scaled(name, "REAL", lo, hi, decimals);
}
Col money(const char *name, double lo, double hi, int decimals)
{
    return scaled(name, "NUMERIC(28,12)", lo, hi, decimals);
}
Col date(const char *name, int fromYear, int toYear)
{
    Col c{name, "DATE", Gen::Date};
    c.lo = daysFromCivil(fromYear, 1, 1);
    c.hi = daysFromCivil(toYear, 12, 31);
    return c;
}
Col datetime(const char *name, int fromYear, int toYear)
{
    Col c = date(name, fromYear, toYear);
    c.type = "DATETIME";
    c.gen = Gen::DateTime;
    return c;
}
Col pick(const char *name, int length, const List &list)
{
    Col c{name, varchar(length), Gen::Pick};
    c.list = &list;
    return c;
}
Col cycle(const char *name, int length, const List &list)
{
    Col c{name, varchar(length), Gen::Cycle};
    c.list = &list;
    c.notNull = true;
    return c;
}
Col words(const char *name, int length, const List &list, const List &list2, int64_t numLo,
          int64_t numHi)
{
    Col c{name, varchar(length), Gen::Words};
    c.list = &list;
    c.list2 = &list2;
    c.lo = numLo;
    c.hi = numHi;
    return c;
}
Col blob(const char *name, int minBytes, int maxBytes)
{
    Col c{name, "BLOB", Gen::Blob};
    c.lo = minBytes;
    c.hi = maxBytes;
    return c;
}

} // namespace cockpit::demointernal
