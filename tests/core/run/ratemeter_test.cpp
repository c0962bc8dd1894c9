// The rows/s and ETA behind every progress bar: a sliding window of samples, not the average
// since the start, so a table that slows down shows it within the window.
#include "run/ratemeter.h"

#include <gtest/gtest.h>

using namespace cockpit;

TEST(RateMeter, NoRateBeforeTwoSamplesAndNoEtaWithoutARate)
{
    RateMeter m;
    EXPECT_EQ(m.rowsPerSecond(), 0);
    EXPECT_EQ(m.eta(100), -1);
    m.sample(0, 0);
    EXPECT_EQ(m.rowsPerSecond(), 0);
    EXPECT_EQ(m.eta(0), 0); // nothing left: done, whatever the rate
}

TEST(RateMeter, RateIsOverTheWindowSoASlowdownShowsWithinIt)
{
    RateMeter m(5.0);
    for (int s = 0; s <= 10; ++s) // 1000 rows/s for 10 s
        m.sample(s, s * 1000);
    EXPECT_DOUBLE_EQ(m.rowsPerSecond(), 1000);
    EXPECT_DOUBLE_EQ(m.eta(5000), 5);
    for (int s = 11; s <= 20; ++s) // then 100 rows/s
        m.sample(s, 10000 + (s - 10) * 100);
    // Only the last 5 s count: the old 1000 rows/s is gone from the rate.
    EXPECT_DOUBLE_EQ(m.rowsPerSecond(), 100);
    EXPECT_DOUBLE_EQ(m.eta(1000), 10);
    m.reset();
    EXPECT_EQ(m.rowsPerSecond(), 0);
}

TEST(RateMeter, SamplesAtTheSameInstantGiveNoRateRatherThanInfinity)
{
    RateMeter m;
    m.sample(3, 10);
    m.sample(3, 500);
    EXPECT_EQ(m.rowsPerSecond(), 0);
    EXPECT_EQ(m.eta(10), -1);
}
