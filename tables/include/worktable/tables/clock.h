// Timestamps as the project stores them: ISO 8601 UTC with milliseconds, which sort as text.
#pragma once

#include <chrono>
#include <string>

namespace worktable {

// Now, e.g. "2026-11-24T05:12:03.123Z".
std::string nowIso();
// Now plus `offset`, in the same form.
std::string isoIn(std::chrono::seconds offset);

}  // namespace worktable
