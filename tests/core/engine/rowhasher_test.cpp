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

// A numeric column hashes its canonical decimal, whatever form the engine stored: SQLite's REAL
// or INTEGER, PostgreSQL's numeric text with its scale, MariaDB's decimal text.
TEST(RowHasher, NumericsHashAsTheirCanonicalDecimalInEveryForm)
{
    auto hashOf = [](const RowHasher::View &v) {
        RowHasher h;
        h.addTyped(v, TypeClass::Numeric);
        return h.finishRow();
    };
    auto text = [](const std::string &s) {
        static std::string keep; // the view points into it until hashed
        keep = s;
        RowHasher::View v;
        v.type = ValueType::Text;
        v.bytes = keep.data();
        v.size = int(keep.size());
        return v;
    };
    auto real = [](double d) {
        RowHasher::View v;
        v.type = ValueType::Real;
        v.real = d;
        return v;
    };
    auto integer = [](qint64 i) {
        RowHasher::View v;
        v.type = ValueType::Integer;
        v.integer = i;
        return v;
    };
    EXPECT_EQ(hashOf(real(12.5)), hashOf(text("12.500000000000")));
    EXPECT_EQ(hashOf(real(-0.25)), hashOf(text("-000.2500")));
    EXPECT_EQ(hashOf(real(100)), hashOf(text("100.000")));
    EXPECT_EQ(hashOf(real(-0.0)), hashOf(text("0")));
    EXPECT_EQ(hashOf(real(-0.0)), hashOf(text("-0.00")));
    EXPECT_EQ(hashOf(real(0.1)), hashOf(text("0.1")));
    EXPECT_EQ(hashOf(real(1e21)), hashOf(text("1000000000000000000000")));
    EXPECT_EQ(hashOf(integer(-7)), hashOf(text("-7.0")));
    EXPECT_EQ(hashOf(integer(0)), hashOf(real(0.0)));
    EXPECT_NE(hashOf(real(12.5)), hashOf(text("12.05")));
    EXPECT_NE(hashOf(real(-1)), hashOf(text("1")));
}
