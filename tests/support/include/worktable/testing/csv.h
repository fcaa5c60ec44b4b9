// A strict RFC 4180 reader for checking what the server exports, independent of the
// server's own CSV code. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace worktable::testing {

using CsvRows = std::vector<std::vector<std::string>>;

// Rows of `text` (CRLF or LF line ends, `delimiter` between cells, "" inside quoted cells);
// nullopt when a quote is misplaced or left open.
std::optional<CsvRows> parseCsv(const std::string& text, char delimiter = ',');

}  // namespace worktable::testing
