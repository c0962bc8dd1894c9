#pragma once
// Converts a batch's values to the target's column types before the batch is written, the same
// way on every engine. A value that cannot be converted exactly (text "n/a" into an integer, a
// decimal with more places than numeric(12,2) keeps, a date that is not a date), or a NULL in a
// column NOT NULL on the target only, is never rounded or guessed: its row is taken out of the
// batch and reported as a reject.
//
// Which columns need it is decided once per table; the others are not looked at, so a table
// with no conversion costs nothing and one with a converted column costs that column only.

#include "engine/rowbatch.h"
#include "engine/schema.h"

#include <QString>
#include <QStringList>
#include <string>
#include <vector>

namespace cockpit {

struct RejectedValue {
    qint64 key = 0;   // the row's copy key (a row number when the reader gives none)
    int column = 0;   // the first value of the row that did not convert
    QString value;    // as text; a binary value as hex
    QString reason;
};

class ValueConverter {
public:
    ValueConverter(const TableSchema &source, const TableSchema &target, EngineKind sourceEngine,
                   EngineKind targetEngine);

    bool active() const { return !m_columns.empty(); }
    // MariaDB target without local_infile: the largest INSERT the server takes
    // (Engine::maxRowBytes); a row whose values need more is a reject naming its size and the
    // limit. 0: no limit (a bigger row goes alone by LOAD DATA LOCAL, mysqlwriter.cpp).
    void setMaxRowBytes(qint64 bytes) { m_maxRowBytes = bytes; }
    // "AMOUNT: TEXT -> numeric(12,2)" (or "B: longblob (checked)"), one per converted column, for the task log.
    QStringList describe() const;

    // Converts `batch` in place and removes the rows that do not convert, adding them to
    // `rejected`. `firstRowNumber`: the 1-based number of the batch's first row, the key of a
    // reject when `keyed` is false.
    void convert(RowBatch &batch, bool keyed, qint64 firstRowNumber, std::vector<RejectedValue> &rejected);

private:
    struct Column {
        int index;
        ColumnType from;
        ColumnType to;
        bool converts;     // needsConversion: a value is converted or checked
        bool rejectsNull;  // NOT NULL on the target only (a SQLite key holding NULLs kept, targettable.h)
    };
    // Replaces the value at (row, column) with its conversion; false with `reason` when there is none.
    bool convertValue(RowBatch &batch, int row, const Column &c, QString &reason);

    // A row's size in an INSERT, checked against m_maxRowBytes; false with the reject filled in.
    bool rowFits(const RowBatch &batch, int row, RejectedValue &reject) const;

    EngineKind m_sourceEngine;
    EngineKind m_targetEngine;
    qint64 m_maxRowBytes = 0;
    QString m_table;
    QStringList m_names;
    std::vector<Column> m_columns;
    std::vector<int> m_removed;
    std::string m_text;
};

// Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), as PostgreSQL and
// MariaDB check it; the offset of the first bad byte, or -1.
qint64 firstInvalidUtf8(const char *p, size_t n);

// Whether a value of `from` needs converting to be stored exactly as `to` (a different class, a
// narrower numeric or varchar, a date/time that SQLite holds as free text), or checking because
// the target cannot hold every value of the class (see valueconvert.cpp: non-finite doubles,
// invalid UTF-8 from SQLite, PostgreSQL dates outside MariaDB's years, rows past max_allowed_packet).
bool needsConversion(const ColumnType &from, const ColumnType &to, EngineKind sourceEngine, EngineKind targetEngine);

// Strict ISO-8601 forms, as SQLite's date functions write them: "YYYY-MM-DD" and
// "YYYY-MM-DD[ T]HH:MM[:SS[.fraction]]" (no zone). On success `canonical` holds the form
// PostgreSQL and MariaDB read back ("YYYY-MM-DD HH:MM:SS[.ffffff]" without trailing zeros).
bool parseIsoDate(const char *p, size_t n, std::string &canonical);
bool parseIsoTimestamp(const char *p, size_t n, std::string &canonical);

} // namespace cockpit
