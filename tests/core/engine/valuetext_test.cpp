// Values as text the same way on every engine (valuetext.h).

#include "engine/valuetext.h"

#include <cstring>
#include <gtest/gtest.h>

using namespace cockpit;

// The canonical decimal text every engine's numerics are hashed as.
TEST(CanonicalDecimal, TrimsZerosSignsAndLeavesOtherTextAlone)
{
    const std::pair<const char *, const char *> cases[] = {
        {"-0012.3400", "-12.34"}, {"+5.", "5"}, {"-0.000", "0"}, {"0", "0"}, {"-0", "0"}, {".5", "0.5"},
        {"-.5", "-0.5"}, {"100", "100"}, {"007", "7"}, {"-0.0001", "-0.0001"}, {"12.500", "12.5"},
        {"1e5", "1e5"}, {"NaN", "NaN"}, {"", ""}, {"-", "-"}, {"1.2.3", "1.2.3"}};
    std::string reused = "left over from the last value";
    for (const auto &[in, out] : cases) {
        EXPECT_EQ(canonicalDecimal(in, std::strlen(in)), out) << in;
        canonicalDecimalInto(in, std::strlen(in), reused);
        EXPECT_EQ(reused, out) << in;
    }
}
