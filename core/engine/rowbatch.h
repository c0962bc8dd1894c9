#pragma once
// A batch of rows moving from a reader to a writer. One flat vector of values and one byte
// arena, both reused from batch to batch: no allocation per row or per value once warm
// (at a million rows a QVariant per value would cost more than the database).

#include "util/bytebuffer.h"

#include <QtGlobal>
#include <cstring>
#include <string>
#include <vector>

namespace cockpit {

enum class ValueType : quint8 { Null, Integer, Real, Text, Blob };

// A reader ends a batch once it holds this many bytes (always after at least one row): a
// table of big values then copies a few rows at a time within a bounded memory, not batchSize
// of them (20,000 rows of 5 MB attachments would be 100 GB), and the arena's 32-bit offsets
// never overflow.
constexpr qint64 kBatchByteBudget = 64 * 1024 * 1024;

// 16 bytes: the payload shares one word, so a batch of 20,000 rows x 22 columns stays small.
struct Value {
    ValueType type = ValueType::Null;
    quint32 size = 0;         // Text/Blob: byte count
    union {
        qint64 integer = 0;   // Integer
        double real;          // Real
        quint32 offset;       // Text/Blob: start in the arena
    };
};
static_assert(sizeof(Value) == 16);

class RowBatch {
public:
    explicit RowBatch(int columns = 0) : m_columns(columns) {}

    void reset(int columns)
    {
        m_columns = columns;
        clear();
    }
    void clear()
    {
        m_values.clear();
        // An arena that held a value far past the budget gives it back: the batches after it
        // would keep it all (the touched pages stay resident) for the rest of the copy.
        if (m_arena.size() > size_t(kBatchByteBudget + kBatchByteBudget / 2))
            m_arena.release();
        else
            m_arena.clear();
        m_keys.clear();
    }

    int columns() const { return m_columns; }
    int rows() const { return int(m_keys.size()); }
    qint64 key(int row) const { return m_keys[size_t(row)]; }
    qint64 lastKey() const { return m_keys.back(); }
    // Keys first, first+1, ... in row order (rows named by their position in a read).
    void numberRows(qint64 first)
    {
        for (auto &k : m_keys)
            k = first++;
    }
    const Value &value(int row, int column) const { return m_values[size_t(row) * m_columns + column]; }
    const char *bytes(const Value &v) const { return m_arena.data() + v.offset; }
    qint64 byteSize() const { return qint64(m_arena.size()) + qint64(m_values.size()) * 8; }

    // Writers of a batch: beginRow, then exactly columns() add* calls.
    void beginRow(qint64 key) { m_keys.push_back(key); }
    void addNull() { m_values.emplace_back(); }
    void addInteger(qint64 v)
    {
        Value &x = m_values.emplace_back();
        x.type = ValueType::Integer;
        x.integer = v;
    }
    void addReal(double v)
    {
        Value &x = m_values.emplace_back();
        x.type = ValueType::Real;
        x.real = v;
    }
    void addText(const char *data, int size) { addBytes(ValueType::Text, data, size); }
    void addBlob(const void *data, int size) { addBytes(ValueType::Blob, data, size); }
    // Appends a blob of `size` bytes and returns where the caller writes them (valid until the
    // next add*): a big value read straight into the batch, not copied from another buffer.
    char *addBlobSpace(int size)
    {
        char *p = m_arena.room(size_t(size));
        const auto offset = quint32(m_arena.size());
        m_arena.commit(p + size);
        Value &x = m_values.emplace_back();
        x.type = ValueType::Blob;
        x.size = quint32(size);
        x.offset = offset;
        return p;
    }

    // In-place edits for the value conversion (valueconvert.h): replaced bytes are appended to
    // the arena (the old ones stay unused until clear()), removed rows close up.
    void setInteger(int row, int column, qint64 v)
    {
        Value &x = m_values[size_t(row) * m_columns + column];
        x.type = ValueType::Integer;
        x.size = 0;
        x.integer = v;
    }
    void setReal(int row, int column, double v)
    {
        Value &x = m_values[size_t(row) * m_columns + column];
        x.type = ValueType::Real;
        x.size = 0;
        x.real = v;
    }
    void setBytes(int row, int column, ValueType t, const void *data, int size)
    {
        const auto offset = appendToArena(data, size);
        Value &x = m_values[size_t(row) * m_columns + column];
        x.type = t;
        x.size = quint32(size);
        x.offset = offset;
    }
    // Replaces a value by a blob of `size` bytes and returns where the caller writes them
    // (valid until the next add* or set*): a big value read straight into the batch.
    char *setBlobSpace(int row, int column, int size)
    {
        char *p = m_arena.room(size_t(size));
        const auto offset = quint32(m_arena.size());
        m_arena.commit(p + size);
        Value &x = m_values[size_t(row) * m_columns + column];
        x.type = ValueType::Blob;
        x.size = quint32(size);
        x.offset = offset;
        return p;
    }
    // `rows` ascending.
    void removeRows(const std::vector<int> &rows)
    {
        if (rows.empty())
            return;
        size_t out = size_t(rows.front()), next = 0;
        for (size_t row = out; row < m_keys.size(); ++row) {
            if (next < rows.size() && size_t(rows[next]) == row) {
                ++next;
                continue;
            }
            m_keys[out] = m_keys[row];
            std::memmove(&m_values[out * m_columns], &m_values[row * m_columns], sizeof(Value) * size_t(m_columns));
            ++out;
        }
        m_keys.resize(out);
        m_values.resize(out * size_t(m_columns));
    }

private:
    // Appends bytes (which may lie in the arena itself) and returns where they start.
    quint32 appendToArena(const void *data, int size) { return quint32(m_arena.append(data, size_t(size))); }

    void addBytes(ValueType t, const void *data, int size)
    {
        const auto offset = appendToArena(data, size);
        Value &x = m_values.emplace_back();
        x.type = t;
        x.size = quint32(size);
        x.offset = offset;
    }

    int m_columns = 0;
    std::vector<Value> m_values;
    ByteBuffer m_arena;
    std::vector<qint64> m_keys;
};

} // namespace cockpit
