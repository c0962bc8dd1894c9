// ByteBuffer: what RowBatch's arena and the binary COPY encoder rely on.

#include "util/bytebuffer.h"

#include <gtest/gtest.h>
#include <string>

using namespace cockpit;

TEST(ByteBuffer, AppendsItsOwnBytesAcrossAGrowth)
{
    ByteBuffer b;
    const std::string first(4000, 'a');
    EXPECT_EQ(b.append(first.data(), first.size()), 0u);
    // 4,000 of its own bytes while only 96 are free: the buffer moves, the copy must not read
    // the freed block.
    EXPECT_EQ(b.append(b.data(), 4000), 4000u);
    ASSERT_EQ(b.size(), 8000u);
    EXPECT_EQ(b.view(), std::string(8000, 'a'));
    EXPECT_EQ(b.append("xyz", 3), 8000u);
    EXPECT_EQ(b.view().substr(7998), "aaxyz");
}

TEST(ByteBuffer, RoomThenCommitKeepsOnlyWhatWasWritten)
{
    ByteBuffer b;
    b.append("head", 4);
    char *p = b.room(100000); // past the first growth
    std::memcpy(p, "12345", 5);
    b.commit(p + 3);
    EXPECT_EQ(b.view(), "head123");
    b.clear();
    EXPECT_EQ(b.size(), 0u);
    b.append("z", 1);
    EXPECT_EQ(b.view(), "z");
}
