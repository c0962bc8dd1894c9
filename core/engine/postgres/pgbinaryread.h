#pragma once
// Reading rows from COPY ... TO STDOUT (FORMAT binary). The server skips formatting numerics,
// timestamps and doubles, and we skip parsing integers and doubles (numerics and dates we print
// as the server would). Measured on the 1,000,000-row INVENTTRANS through this engine (best of
// 4 on a busy machine): validation's checksum read 1.31 s server CPU binary vs 1.47 s text, a
// keyed copy read 1.53 vs 1.62 s; our own CPU the same either way (0.67/0.68 s, 0.52/0.51 s).
//
// A batch read in binary must be value for value the batch the text path (PostgresReader's
// parseLine) reads from the same rows, because row hashes from both are compared. So a column is
// read in binary only when its result type and the class the reader expects form a pair decoded
// exactly here (binaryReadOf): integers and booleans as integers, float8 as its double, bytea as
// its bytes, and numeric/text/varchar/bpchar/date/timestamp/timestamptz as the very text their
// output functions print in the session's settings (DateStyle ISO, TimeZone UTC). Any other
// column (float4, uuid, json, arrays, enums, intervals...) keeps the whole read on text.

#include "engine/columntype.h"
#include "engine/rowbatch.h"
#include "util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace cockpit {

// What a binary field becomes in the batch.
enum class PgBinaryRead : quint8 { Integer, Boolean, Real, Numeric, Text, Blob, Date, Timestamp, TimestampTz };

// How a result column of type `typeOid` is read in binary for a column of class `cls`; nothing
// when only the text path gives the value the reader expects.
std::optional<PgBinaryRead> binaryReadOf(quint32 typeOid, TypeClass cls);
// Whether a leading copy-key column of type `typeOid` is read in binary (int2, int4, int8).
bool binaryReadableKey(quint32 typeOid);

// Decodes the CopyData messages of one binary COPY OUT into batches.
class PgBinaryRowDecoder {
public:
    // `columns`: how each value column is read; `keyFirst`: a leading integer key column
    // (not in `columns`) keys each row, else rows are keyed by their position in the read.
    PgBinaryRowDecoder(std::vector<PgBinaryRead> columns, bool keyFirst);

    // One message: the stream header in front of the first row, then rows (the server sends one
    // a message) or the trailer. Appends the rows to `batch`, keyed from `rowNumber` unless
    // keyFirst, and returns how many; an error when the bytes are not a well-formed stream.
    Result<int> decode(const char *p, size_t n, RowBatch &batch, qint64 rowNumber);
    // Whether the trailer was seen: the stream is complete.
    bool ended() const { return m_ended; }

private:
    Status decodeValue(RowBatch &batch, PgBinaryRead read, const char *p, qint32 len);

    std::vector<PgBinaryRead> m_columns;
    bool m_keyFirst;
    bool m_headerSeen = false;
    bool m_ended = false;
    std::string m_text; // scratch for formatted values: grows, never shrinks
};

} // namespace cockpit
