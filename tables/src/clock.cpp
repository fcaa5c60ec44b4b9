#include "worktable/tables/clock.h"

#include <cstdio>

namespace worktable {
namespace {

std::string format(std::chrono::system_clock::time_point at) {
  auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(at);
  auto days = std::chrono::floor<std::chrono::days>(now);
  std::chrono::year_month_day date{days};
  std::chrono::hh_mm_ss time{now - days};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), long(time.hours().count()),
                long(time.minutes().count()), long(time.seconds().count()), long(time.subseconds().count()));
  return buffer;
}

}  // namespace

std::string nowIso() { return format(std::chrono::system_clock::now()); }

std::string isoIn(std::chrono::seconds offset) { return format(std::chrono::system_clock::now() + offset); }

}  // namespace worktable
