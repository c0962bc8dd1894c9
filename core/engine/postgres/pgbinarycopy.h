#pragma once
// Rows in the binary format of PostgreSQL's COPY (FORMAT binary): each value is sent in the
// server's own representation, so the server skips parsing integers, doubles, numerics, dates
// and timestamps from text. Measured with psql on the 1,000,000-row INVENTTRANS: 2.46 s binary
// vs 3.81 s text into the same table with its primary key.
//
// A table is written in binary only when every target column has a type encoded here (see
// binaryCopyKind); the rest (arrays, enums as PostgreSQL types, intervals, float4, ...) stay
// on text COPY. Within a binary table, a value this encoder does not recognise exactly (a date
// written some other way than YYYY-MM-DD, a numeric with text around it) makes
// encodeBinaryCopy() fail, and the writer sends that batch as text instead: the server then
// parses or refuses it exactly as before, so the binary path never changes what arrives.

#include "engine/columntype.h"
#include "engine/rowbatch.h"
#include "util/bytebuffer.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cockpit {

enum class PgBinaryKind { Bool, Int2, Int4, Int8, Float8, Numeric, Text, Bytea, Date, Timestamp, TimestampTz };

// How a column of type `t`, created on PostgreSQL as `targetTypeName`, travels in binary;
// nothing when it must travel as text.
std::optional<PgBinaryKind> binaryCopyKind(const ColumnType &t, const QString &targetTypeName);

// A text or bytea value left where it lies (the batch's arena) instead of being copied into the
// stream: its bytes belong right after the first `at` bytes of `out` (its length word is there).
// Copying a 100 MB value into the stream cost 100 MB more at the peak, twice when the stream's
// buffer then grew for the trailer.
struct PgCopySplice {
    size_t at;
    const char *data;
    size_t size;
};
// Values from this size on are spliced (when the caller takes splices): below it, the copy is
// cheaper than one more send.
constexpr size_t kPgSpliceMin = size_t(1) << 20;

// Appends the binary COPY stream for every row of `batch` (header, tuples, trailer) to `out`;
// with `splices`, values of kPgSpliceMin bytes or more are listed there (in stream order)
// instead of copied. Returns false, with `out` in an unspecified state, when a value cannot
// be encoded exactly.
bool encodeBinaryCopy(const RowBatch &batch, const std::vector<PgBinaryKind> &kinds, ByteBuffer &out,
                      std::vector<PgCopySplice> *splices = nullptr);

} // namespace cockpit
