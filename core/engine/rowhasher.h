#pragma once
// The per-row hash behind TableChecksum. Values are normalized before hashing so that the same
// logical value hashes the same whatever engine stored it:
//   NULL -> tag 'n'; integer -> tag 'i' + the 64-bit value; real -> tag 'r' + its IEEE-754
//   binary64 bits (-0.0 as 0.0, every NaN as one NaN); text -> tag 't' + UTF-8 bytes;
//   blob -> tag 'b' + bytes.
// Each value is tagged and length-prefixed, so ("ab","c") and ("a","bc") differ. Bytes are mixed
// eight at a time (multiply-xorshift), and each row is finished with splitmix64 so that summing
// row hashes spreads well. Reals are hashed by their bits,
// not as formatted text: exact, and printf dominated validation in perf.

#include "engine/columntype.h"
#include "engine/rowbatch.h"
#include "engine/schema.h"
#include "engine/valuetext.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace cockpit {

class RowHasher {
public:
    void addNull() { tag('n', 0); }
    void addInteger(qint64 v)
    {
        tag('i', 8);
        word(quint64(v));
    }
    void addReal(double v)
    {
        if (v == 0)
            v = 0; // -0.0 equals 0.0
        else if (std::isnan(v))
            v = std::numeric_limits<double>::quiet_NaN();
        quint64 bits;
        std::memcpy(&bits, &v, 8);
        tag('r', 8);
        word(bits);
    }
    void addText(const char *data, int size)
    {
        tag('t', size);
        bytes(data, size);
    }
    void addBlob(const void *data, int size)
    {
        tag('b', size);
        bytes(data, size);
    }
    // A blob hashed exactly as addBlob(all of its bytes) would, read in pieces (a big value
    // never held whole): beginBlob(its size), then addPiece for each piece in order, every
    // piece's size a multiple of 8 but the last's.
    void beginBlob(int size) { tag('b', size); }
    void addPiece(const void *data, int size) { bytes(data, size); }
    // One value, wherever it is stored: a RowBatch's Value, or a SQLite value hashed inside
    // the library (SqliteEngine::checksum).
    struct View {
        ValueType type = ValueType::Null;
        qint64 integer = 0;
        double real = 0;
        const char *bytes = nullptr;
        int size = 0;
    };
    static View view(const RowBatch &batch, const Value &v)
    {
        View x;
        x.type = v.type;
        if (v.type == ValueType::Integer)
            x.integer = v.integer;
        else if (v.type == ValueType::Real)
            x.real = v.real;
        else if (v.type == ValueType::Text || v.type == ValueType::Blob) {
            x.bytes = batch.bytes(v);
            x.size = int(v.size);
        }
        return x;
    }
    void add(const View &v)
    {
        switch (v.type) {
        case ValueType::Null: addNull(); break;
        case ValueType::Integer: addInteger(v.integer); break;
        case ValueType::Real: addReal(v.real); break;
        case ValueType::Text: addText(v.bytes, v.size); break;
        case ValueType::Blob: addBlob(v.bytes, v.size); break;
        }
    }
    // Hashes `v` as the logical value its column type says, so that engines that store it
    // differently (SQLite REAL vs PostgreSQL numeric, 0/1 vs boolean) still agree:
    //   Numeric -> canonical decimal text; Float -> double; integer classes and Boolean ->
    //   integer; a number in a text column -> its text; text in a binary column -> its bytes;
    //   everything else as stored.
    void addTyped(const View &v, TypeClass cls)
    {
        switch (cls) {
        case TypeClass::Numeric: {
            // Buffers kept by the hasher: a numeric value costs no allocation.
            if (v.type == ValueType::Text) {
                canonicalDecimalInto(v.bytes, size_t(v.size), m_canonical);
            } else {
                // A number's shortest text is canonical already (no leading zeros, none trailing
                // after the point), but for -0.
                m_canonical.clear();
                if (v.type == ValueType::Real)
                    appendShortestDouble(m_canonical, v.real == 0 ? 0.0 : v.real);
                else if (v.type == ValueType::Integer)
                    appendInteger(m_canonical, v.integer);
                else
                    break;
            }
            tag('d', int(m_canonical.size()));
            bytes(m_canonical.data(), int(m_canonical.size()));
            return;
        }
        case TypeClass::Float32:
        case TypeClass::Float64:
            if (v.type == ValueType::Integer) {
                addReal(double(v.integer));
                return;
            }
            break;
        case TypeClass::Boolean:
        case TypeClass::SmallInt:
        case TypeClass::Integer:
        case TypeClass::BigInt:
            if (v.type == ValueType::Real && v.real == double(qint64(v.real))) {
                addInteger(qint64(v.real));
                return;
            }
            break;
        case TypeClass::Char:
        case TypeClass::VarChar:
        case TypeClass::Text:
            // A SQLite number in a column the target holds as text (the value scan made it
            // text): hashed as the text the copy writes (valueconvert.cpp).
            if (v.type == ValueType::Integer || v.type == ValueType::Real) {
                m_canonical.clear();
                appendNumberText(m_canonical, v);
                addText(m_canonical.data(), int(m_canonical.size()));
                return;
            }
            break;
        case TypeClass::Blob:
            // SQLite text in a BLOB column: the target holds its bytes.
            if (v.type == ValueType::Text) {
                addBlob(v.bytes, v.size);
                return;
            }
            break;
        default: break;
        }
        add(v);
    }
    void addTyped(const RowBatch &batch, const Value &v, TypeClass cls) { addTyped(view(batch, v), cls); }

    // The sum (mod 2^64) of the hashes of every row of `batch`, column k typed as t's column k:
    // what a TableChecksum adds for the batch.
    quint64 sumRows(const RowBatch &batch, const TableSchema &t)
    {
        quint64 sum = 0;
        for (int row = 0; row < batch.rows(); ++row) {
            for (int col = 0; col < batch.columns(); ++col)
                addTyped(batch, batch.value(row, col), t.columns[col].type.cls);
            sum += finishRow();
        }
        return sum;
    }

    // Returns the row's hash and starts the next row.
    quint64 finishRow()
    {
        quint64 z = m_h + 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        m_h = kOffset;
        return z ^ (z >> 31);
    }

private:
    static constexpr quint64 kOffset = 1469598103934665603ULL;
    static constexpr quint64 kMul = 0x9FB21C651E98DF25ULL;
    void word(quint64 w)
    {
        m_h = (m_h ^ w) * kMul;
        m_h ^= m_h >> 29;
    }
    void bytes(const void *data, int size)
    {
        const auto *p = static_cast<const unsigned char *>(data);
        int k = 0;
        for (; k + 8 <= size; k += 8) {
            quint64 w;
            std::memcpy(&w, p + k, 8);
            word(w);
        }
        if (k < size)
            word(tailWord(p, size, size - k));
    }
    // The last `rem` (1-7) bytes of p[0, size) as a little-endian word, zero-padded. Fixed-size
    // loads (overlapping where they must) instead of a memcpy of `rem` bytes: that call and the
    // store-forwarding stall of reading its result back cost a third of the hashing (perf).
    static quint64 tailWord(const unsigned char *p, int size, int rem)
    {
        if constexpr (std::endian::native == std::endian::little) {
            if (size >= 8) { // the word that ends at the last byte, shifted down
                quint64 w;
                std::memcpy(&w, p + size - 8, 8);
                return w >> (8 * (8 - rem));
            }
            if (rem >= 4) { // two 4-byte loads that overlap in the middle
                quint32 lo, hi;
                std::memcpy(&lo, p, 4);
                std::memcpy(&hi, p + rem - 4, 4);
                return quint64(lo) | (quint64(hi) << (8 * (rem - 4)));
            }
            return quint64(p[0]) | (quint64(p[rem / 2]) << (8 * (rem / 2))) | (quint64(p[rem - 1]) << (8 * (rem - 1)));
        }
        quint64 tail = 0;
        p += size - rem;
        for (int j = 0; j < rem; ++j)
            tail |= quint64(p[j]) << (8 * j);
        return tail;
    }
    void tag(char t, int size) { word((quint64(quint8(t)) << 32) | quint32(size)); }
    quint64 m_h = kOffset;
    std::string m_canonical;
};

} // namespace cockpit
