// CSV in and out of a table (RFC 4180, UTF-8 with or without BOM, `,` or `;` detected from
// the header, CRLF or LF). Import sends every line through the engine's change path, so a
// line meets the same validators as a grid edit; each line gets its own result and a bad
// line never stops the others. Both stream: neither holds the file whole.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "worktable/tables/engine.h"

namespace worktable::tables {

struct ImportOptions {
  bool dry_run = false;  // run every check, store nothing
  std::string actor;
};

struct ImportLine {
  int64_t line = 0;            // line in the file; the header is line 1
  std::optional<Id> id;        // the record written (none when rejected or dry run)
  std::string result;          // "OK", or what to fix
};

struct ImportReport {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t rejected = 0;
  std::vector<ImportLine> rows;
  std::vector<std::string> unknown_columns;  // header names that match no field (ignored)
};

// Imports `in` into `table` inside `tx`. Throws Error(kBadRequest) when the file has no
// header or is not well-formed CSV (with the line where it broke).
ImportReport importCsv(Engine& engine, Tx& tx, const Table& table, std::istream& in, const ImportOptions& options);

// Writes every record of `table` as CSV with a header row of field names. Text that a
// spreadsheet would run as a formula is prefixed with ' (OWASP's advice on CSV injection).
void exportCsv(const Engine& engine, Tx& tx, const Table& table, std::ostream& out, char delimiter = ',');

}  // namespace worktable::tables
