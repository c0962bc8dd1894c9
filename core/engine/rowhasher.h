#pragma once
// The per-row hash behind TableChecksum. Values are normalized before hashing so that the same
// logical value hashes the same whatever engine stored it:
//   NULL -> tag 'n'; integer -> tag 'i' + 8 bytes little-endian; real -> tag 'r' + the shortest
//   round-trip decimal text ("%.17g"); text -> tag 't' + UTF-8 bytes; blob -> tag 'b' + bytes.
// Each value is length-prefixed, so ("ab","c") and ("a","bc") differ. The row hash is FNV-1a
// 64 finished with a splitmix64 mix, so that summing row hashes spreads well.

#include "engine/rowbatch.h"

#include <cstdio>
#include <cstring>

namespace cockpit {

class RowHasher {
public:
    void addNull() { tag('n', 0); }
    void addInteger(qint64 v)
    {
        tag('i', 8);
        for (int k = 0; k < 8; ++k)
            byte(quint8(quint64(v) >> (8 * k)));
    }
    void addReal(double v)
    {
        char buf[32];
        const int n = std::snprintf(buf, sizeof buf, "%.17g", v);
        tag('r', n);
        bytes(buf, n);
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
    void add(const RowBatch &batch, const Value &v)
    {
        switch (v.type) {
        case ValueType::Null: addNull(); break;
        case ValueType::Integer: addInteger(v.integer); break;
        case ValueType::Real: addReal(v.real); break;
        case ValueType::Text: addText(batch.bytes(v), int(v.size)); break;
        case ValueType::Blob: addBlob(batch.bytes(v), int(v.size)); break;
        }
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
    static constexpr quint64 kPrime = 1099511628211ULL;
    void byte(quint8 b) { m_h = (m_h ^ b) * kPrime; }
    void bytes(const void *data, int size)
    {
        const auto *p = static_cast<const quint8 *>(data);
        for (int k = 0; k < size; ++k)
            m_h = (m_h ^ p[k]) * kPrime;
    }
    void tag(char t, int size)
    {
        byte(quint8(t));
        for (int k = 0; k < 4; ++k)
            byte(quint8(quint32(size) >> (8 * k)));
    }
    quint64 m_h = kOffset;
};

} // namespace cockpit
