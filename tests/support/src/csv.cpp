#include "worktable/testing/csv.h"

namespace worktable::testing {

std::optional<CsvRows> parseCsv(const std::string& text, char delimiter) {
  CsvRows rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;      // inside a quoted cell
  bool was_quoted = false;  // the current cell was quoted and has closed
  bool row_started = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c != '"') {
        cell += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else {
        quoted = false;
        was_quoted = true;
      }
      continue;
    }
    if (c == delimiter) {
      row.push_back(std::move(cell));
      cell.clear();
      was_quoted = false;
      row_started = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) return std::nullopt;
      if (c == '\r') ++i;
      row.push_back(std::move(cell));
      rows.push_back(std::move(row));
      row.clear();
      cell.clear();
      was_quoted = false;
      row_started = false;
    } else if (c == '"') {
      if (!cell.empty() || was_quoted) return std::nullopt;
      quoted = true;
      row_started = true;
    } else {
      if (was_quoted) return std::nullopt;
      cell += c;
      row_started = true;
    }
  }
  if (quoted) return std::nullopt;
  if (row_started || !cell.empty() || !row.empty()) {
    row.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace worktable::testing
