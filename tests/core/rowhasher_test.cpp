// RowHasher's definition (rowhasher.h) recomputed the slow, obvious way: every text length and
// alignment must hash as the byte-by-byte reading of that definition, so that the fast tail
// loads never change a checksum.
#include "engine/rowhasher.h"

#include <gtest/gtest.h>

#include <string>

using namespace cockpit;

namespace {

// Tag word, then the bytes in little-endian 8-byte words, the last one zero-padded.
quint64 referenceTextRowHash(const unsigned char *p, int size)
{
    quint64 h = 1469598103934665603ULL;
    auto word = [&h](quint64 w) {
        h = (h ^ w) * 0x9FB21C651E98DF25ULL;
        h ^= h >> 29;
    };
    word((quint64('t') << 32) | quint32(size));
    for (int k = 0; k < size; k += 8) {
        quint64 w = 0;
        for (int j = 0; j < 8 && k + j < size; ++j)
            w |= quint64(p[k + j]) << (8 * j);
        word(w);
    }
    quint64 z = h + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

} // namespace

TEST(RowHasher, TextOfEveryLengthAndAlignmentHashesAsItsBytes)
{
    std::string buffer;
    for (int i = 0; i < 64; ++i)
        buffer.push_back(char(0x80 + i * 7)); // high bits set: sign extension would show
    const auto *bytes = reinterpret_cast<const unsigned char *>(buffer.data());
    RowHasher hasher;
    for (int offset = 0; offset < 8; ++offset) {
        for (int size = 0; size <= 40; ++size) {
            hasher.addText(buffer.data() + offset, size);
            EXPECT_EQ(hasher.finishRow(), referenceTextRowHash(bytes + offset, size))
                << "offset " << offset << ", size " << size;
        }
    }
}

TEST(RowHasher, ValueBoundariesAndTypesChangeTheHash)
{
    RowHasher h;
    h.addText("ab", 2);
    h.addText("c", 1);
    const quint64 abC = h.finishRow();
    h.addText("a", 1);
    h.addText("bc", 2);
    EXPECT_NE(abC, h.finishRow());
    h.addText("abc\0\0", 5); // trailing zero bytes are not padding
    const quint64 padded = h.finishRow();
    h.addText("abc", 3);
    EXPECT_NE(padded, h.finishRow());
    h.addText("x", 1);
    const quint64 text = h.finishRow();
    h.addBlob("x", 1);
    EXPECT_NE(text, h.finishRow());
    h.addNull();
    const quint64 null = h.finishRow();
    h.addText("", 0);
    EXPECT_NE(null, h.finishRow());
}
