// Text as the engine compares it: UTF-8 checked, case folded over all of Unicode (not only
// ASCII), so that "Élodie" and "élodie" are the same name, user ID or search word.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace worktable::tables {

// True when `text` is well-formed UTF-8.
bool isUtf8(std::string_view text);
// `text` with every letter lowered (Unicode simple case folding through Poco::Unicode).
std::string foldCase(std::string_view text);
// Compares two UTF-8 texts ignoring case: <0, 0 or >0.
int compareFolded(std::string_view a, std::string_view b);

}  // namespace worktable::tables
