// Timestamps: ISO 8601 UTC with milliseconds, the same instant as the system clock's.
#include "worktable/tables/clock.h"

#include <gtest/gtest.h>
#include <time.h>

#include <regex>
#include <string>

namespace worktable {
namespace {

// What strftime makes of `at` (to the second), the reference the hand-made text must match.
std::string strftimeOf(std::chrono::system_clock::time_point at) {
  time_t seconds = std::chrono::system_clock::to_time_t(at);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  return buffer;
}

TEST(Clock, NowIsIso8601UtcWithMilliseconds) {
  auto before = std::chrono::system_clock::now();
  std::string now = nowIso();
  auto after = std::chrono::system_clock::now();
  EXPECT_TRUE(std::regex_match(now, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"))) << now;
  std::string second = now.substr(0, 19);
  EXPECT_TRUE(second == strftimeOf(before) || second == strftimeOf(after)) << now << " vs " << strftimeOf(before);
}

TEST(Clock, AnOffsetMovesTheTextAsTheCalendarDoes) {
  auto days = std::chrono::hours(24 * 400);
  std::string later = isoIn(std::chrono::duration_cast<std::chrono::seconds>(days));
  std::string expected = strftimeOf(std::chrono::system_clock::now() + days);
  EXPECT_EQ(later.substr(0, 16), expected.substr(0, 16)) << "to the minute";
  EXPECT_GT(later, nowIso()) << "timestamps sort as text";
  std::string past = isoIn(std::chrono::seconds(-86400 * 31));
  EXPECT_LT(past, nowIso());
  EXPECT_EQ(past.substr(0, 10), strftimeOf(std::chrono::system_clock::now() - std::chrono::hours(24 * 31)).substr(0, 10));
}

}  // namespace
}  // namespace worktable
