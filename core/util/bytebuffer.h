#pragma once
// A growable byte buffer written through a pointer: ask for room for the largest a write can
// be, write, then commit where it ended. No per-append capacity check, terminator or
// zero-fill as with std::string / std::vector appends (those were a third of the binary COPY
// encoder's time, and vector::insert most of RowBatch's, in perf).

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>

namespace cockpit {

class ByteBuffer {
public:
    void clear() { m_size = 0; }
    const char *data() const { return m_data.get(); }
    size_t size() const { return m_size; }
    size_t capacity() const { return m_capacity; }
    // Gives the memory back (empty afterwards).
    void release()
    {
        m_data.reset();
        m_size = m_capacity = 0;
    }
    std::string_view view() const { return {m_data.get(), m_size}; }

    // Where to write up to `n` bytes; commit(end) then keeps what was written.
    char *room(size_t n)
    {
        if (m_capacity - m_size < n)
            grow(n);
        return m_data.get() + m_size;
    }
    void commit(const char *end) { m_size = size_t(end - m_data.get()); }

    // Appends `n` bytes, which may lie in this buffer itself; returns where they start.
    size_t append(const void *p, size_t n)
    {
        const size_t at = m_size;
        const auto *bytes = static_cast<const char *>(p);
        if (m_capacity - m_size < n) {
            const bool inside = m_data && bytes >= m_data.get() && bytes < m_data.get() + m_size;
            const size_t from = inside ? size_t(bytes - m_data.get()) : 0;
            grow(n); // moves the bytes when they are ours
            if (inside)
                bytes = m_data.get() + from;
        }
        if (n > 0)
            std::memcpy(m_data.get() + m_size, bytes, n);
        m_size += n;
        return at;
    }

private:
    void grow(size_t n)
    {
        // Doubling, unless one write needs more: then what it needs plus a little, so that the
        // next small write (a COPY stream's trailer after a 100 MB value) does not double it,
        // copying it all with both buffers held.
        const size_t doubled = std::max(m_capacity * 2, size_t(4096));
        const size_t capacity = doubled >= m_size + n ? doubled : m_size + n + kHeadroom;
        auto data = std::make_unique_for_overwrite<char[]>(capacity);
        if (m_size > 0)
            std::memcpy(data.get(), m_data.get(), m_size);
        m_data = std::move(data);
        m_capacity = capacity;
    }

    static constexpr size_t kHeadroom = 64 * 1024;

    std::unique_ptr<char[]> m_data;
    size_t m_size = 0;
    size_t m_capacity = 0;
};

} // namespace cockpit
