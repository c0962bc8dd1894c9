#pragma once
// An engine whose declared types are only hints (SQLite keeps any value in any column) is
// asked what its columns really hold before the target's types are decided (tasks/
// targettable.h): per column, what it is checked against and what the scan found that the
// declared type does not hold.

#include <QString>

#include <optional>

namespace cockpit {

enum class ScanAs {
    Date,      // text other than an ISO date (valueconvert.h's parser), any number or binary
    Timestamp, // the same for an ISO timestamp
    Integer,   // text, binary, a real with a fraction
    // As Integer, and an integer beyond the declared width (SQLite keeps 64 bits in any
    // integer column, whatever its name says): found as firstInteger.
    Integer32,
    Integer16,
    Boolean,   // text other than true/false/yes/no/on/off/t/f/y/n/1/0, binary, numbers but 0 and 1
    Number,    // text, binary
    Any,       // nothing: only whether it holds NULLs
};

// The first value of each storage class the column's ScanAs does not accept, in the table's
// own order, as text.
struct ColumnValues {
    std::optional<QString> firstText, firstBlob, firstReal, firstInteger;
    bool hasNull = false;
};

} // namespace cockpit
