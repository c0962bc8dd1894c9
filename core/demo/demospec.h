#pragma once
// The demo's tables as specifications (demogenerator.h): a column's generator and its
// parameters, a table's columns, key, constraint and indexes. democolumns.cpp builds the
// columns, demotables.cpp lists the tables, demorows.cpp writes their rows.

#include <cstdint>
#include <vector>

namespace cockpit::demointernal {

using List = std::vector<const char *>;

enum class Gen {
    Code,       // prefix + zero-padded (lo + row * mul / div + 1) + suffix: unique when mul == div
    Ref,        // prefix + zero-padded (lo + random 1..hi): refers to another table's Code
    Int,        // lo..hi
    Real,       // lo..hi scaled by 10^decimals, bound as a double
    Date,       // 'YYYY-MM-DD' between day numbers lo..hi
    DateTime,   // 'YYYY-MM-DD HH:MM:SS' between day numbers lo..hi
    Pick,       // a random entry of list
    Cycle,      // list[row % size]
    Words,      // list entry + ' ' + list2 entry (+ ' ' + lo..hi when hi > 0)
    Blob,       // lo..hi random bytes
};

struct Col {
    const char *name;
    const char *type;
    Gen gen;
    double nulls = 0;
    double empties = 0; // of the values that are not NULL: '' instead (AX's "no value")
    const char *prefix = "";
    const char *suffix = "";
    int64_t lo = 0;
    int64_t hi = 0;
    int64_t mul = 1;
    int64_t div = 1;
    int width = 0;
    int decimals = 0;
    const List *list = nullptr;
    const List *list2 = nullptr;
    bool notNull = false;
    const char *defaultValue = nullptr;

    Col &null(double p) { nulls = p; notNull = false; return *this; }
    Col &empty(double p) { empties = p; return *this; }
    Col &required() { notNull = true; return *this; }
};

// Persistent "VARCHAR(n)" strings for the specs (Col keeps const char *).
const char *varchar(int n);
Col codeCol(const char *name, int length, const char *prefix, int width, int64_t offset = 0,
            const char *suffix = "");
// AX's lot ids: a lot has 2 or 3 inventory transactions, and lots are numbered as they come.
Col lots(const char *name);
Col ref(const char *name, int length, const char *prefix, int width, int64_t count, int64_t offset = 0);
Col integer(const char *name, int64_t lo, int64_t hi);
Col enumCol(const char *name, int values); // AX enums are small integers, never NULL
Col scaled(const char *name, const char *type, double lo, double hi, int decimals);
Col real(const char *name, double lo, double hi, int decimals = 2);
Col money(const char *name, double lo, double hi, int decimals = 2);
Col date(const char *name, int fromYear, int toYear);
Col datetime(const char *name, int fromYear, int toYear);
Col pick(const char *name, int length, const List &list);
Col cycle(const char *name, int length, const List &list);
Col words(const char *name, int length, const List &list, const List &list2, int64_t numLo = 0,
          int64_t numHi = 0);
Col blob(const char *name, int minBytes, int maxBytes);

enum class Key {
    RecIdPk,   // RECID INTEGER PRIMARY KEY (the rowid)
    Composite, // RECID BIGINT NOT NULL plus a table-level PRIMARY KEY(...) on a rowid table
    None,      // no primary key at all
};

struct TableSpec {
    const char *name;
    int64_t rows;
    std::vector<Col> cols; // business columns; RECID, DATAAREAID, RECVERSION come first
    Key key = Key::RecIdPk;
    const char *constraint = nullptr; // table-level constraint clause
    int dataAreaBlock = 0;            // > 0: DATAAREAID cycles through kCompanies in blocks
    std::vector<const char *> indexes;
};

// The AX-2009-like tables, INVENTTRANS with `inventTransRows` rows, every other table
// scaled by `otherTablesScale` (demotables.cpp).
std::vector<TableSpec> demoTables(int64_t inventTransRows, double otherTablesScale);

} // namespace cockpit::demointernal
