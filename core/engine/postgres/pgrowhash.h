#pragma once
// A row hash that PostgreSQL computes itself, for validating a PostgreSQL target without
// reading its rows back. The copy hashes each row as it sends it (the binary COPY values, see
// pgbinarycopy.h); validation asks the server for the same sum in one aggregate over the
// table, built from the server's own hash functions:
//   row hash = XOR over the non-NULL columns of h(value, seed of the column), summed mod 2^64;
//   h = hashint2/4/8extended (integers; booleans as 0/1), hashfloat8extended, hashtextextended
//       under the "C" collation (the UTF-8 bytes), hash_numeric_extended (its sign is not
//       hashed, so negatives take the next seed), hashint4extended of a date's days from
//       2000-01-01, timestamp_hash_extended (timestamptz at UTC).
// Column i (from 0) hashes with seed 2i + 2, so equal values swapped between columns differ.
// Measured on the 1,000,000-row INVENTTRANS (25 columns): the server's aggregate costs 0.7-0.9
// CPU-s where reading the rows back (COPY TO STDOUT binary) cost 1.7-2.0 CPU-s on the server
// plus ~0.9 CPU-s here to decode and hash them.
//
// The functions below follow PostgreSQL's src/common/hashfn.c (Bob Jenkins' lookup3, with
// a 64-bit seed) and the types' hash support functions; the tests compare them with a real
// server value by value. Bytea has no hash function callable from SQL: a table with a bytea
// column is validated by reading it back, and so is a table with an infinite date (the
// server cannot subtract one) or a database whose encoding is not UTF-8 (the server hashes
// its stored bytes).

#include "engine/postgres/pgbinarycopy.h"

#include <QString>
#include <QStringList>
#include <cstddef>
#include <span>
#include <vector>

namespace cockpit::pgrowhash {

// Whether a table whose columns travel as `kinds` can be hashed this way (every kind but Bytea;
// an empty list - a table that does not travel in binary - cannot).
bool covers(const std::vector<PgBinaryKind> &kinds);

// The SELECT returning count(*) and the sum of the row hashes (as numeric text) of
// `relation`, whose columns, quoted, are `columns` and travel as `kinds`.
QString sumSql(const QString &relation, const QStringList &columns, const std::vector<PgBinaryKind> &kinds);

// The server's sum (numeric text, any size and sign) reduced mod 2^64; false when it is not
// an integer.
bool reduceSum(const QString &text, quint64 &sum);

// Adds the row hash of one binary COPY tuple (its field count, then each field's length and
// bytes: `n` bytes at `p`) to `sum`. False, `sum` unchanged, when the tuple is not fields of
// `kinds`, or holds a value the server's expression cannot hash (an infinite date).
bool addTuple(const char *p, size_t n, const std::vector<PgBinaryKind> &kinds, quint64 &sum);

// The same for every tuple of a binary COPY stream (encodeBinaryCopy's output: header,
// tuples, trailer), with the values encodeBinaryCopy left out of it in `splices`: the same sum
// as for the whole stream.
bool addCopyStream(const char *p, size_t n, const std::vector<PgBinaryKind> &kinds, quint64 &sum,
                   std::span<const PgCopySplice> splices = {});

} // namespace cockpit::pgrowhash
