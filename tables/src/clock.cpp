#include "worktable/tables/clock.h"

#include <cstdio>

namespace worktable {
namespace {

using Millis = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

std::string format(Millis now) {
  auto days = std::chrono::floor<std::chrono::days>(now);
  std::chrono::year_month_day date{days};
  std::chrono::hh_mm_ss time{now - days};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), long(time.hours().count()),
                long(time.minutes().count()), long(time.seconds().count()), long(time.subseconds().count()));
  return buffer;
}

// An import stamps a few rows per line (now, and an expiry), many lines per millisecond:
// snprintf for each was a few percent of its instructions. The last two texts made are
// kept per thread.
std::string formatCached(std::chrono::system_clock::time_point at) {
  struct Slot {
    Millis at{};
    std::string text;
  };
  thread_local Slot slots[2];
  thread_local unsigned oldest = 0;
  auto millis = std::chrono::time_point_cast<std::chrono::milliseconds>(at);
  for (const Slot& slot : slots) {
    if (slot.at == millis && !slot.text.empty()) return slot.text;
  }
  Slot& slot = slots[oldest];
  oldest ^= 1;
  slot = Slot{millis, format(millis)};
  return slot.text;
}

}  // namespace

std::string nowIso() { return formatCached(std::chrono::system_clock::now()); }

std::string isoIn(std::chrono::seconds offset) { return formatCached(std::chrono::system_clock::now() + offset); }

}  // namespace worktable
