// CSV in and out of a table (RFC 4180, UTF-8 with or without BOM, `,` or `;` detected from
// the header, CRLF or LF). Import sends every line through the engine's change path, so a
// line meets the same validators as a grid edit; each line gets its own result and a bad
// line never stops the others. Both stream: neither holds the file whole.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "worktable/tables/engine.h"

namespace worktable::tables {

// A cell over this size refuses the whole file (kTooLarge): no field could hold it, and
// reading on would hold it in memory.
inline constexpr size_t kMaxCsvCellBytes = 1 << 20;

enum class ImportAction { kInserted, kUpdated, kUnchanged, kRejected };
const char* actionName(ImportAction action);

struct ImportLine {
  int64_t line = 0;            // line in the file where the record starts; the header is line 1
  std::optional<Id> id;        // the record written or matched (none when rejected, or inserted in a dry run)
  ImportAction action = ImportAction::kInserted;
  std::string result;          // "OK", a validator's note on a stored line, or what to fix
};

struct ImportReport {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;       // matched by the key, nothing to change
  int64_t rejected = 0;
  int64_t noted = 0;           // stored, with a validator's note (an activation put back, say)
  int64_t last_line = 1;       // the last line handled (committed, unless a dry run)
  std::vector<ImportLine> rows;  // every line, unless ImportOptions::keep_rows is false
  std::vector<std::string> unknown_columns;  // header names that match no field (ignored)
  std::vector<std::string> read_only_columns;  // fields filled in by the system (ignored)
};

struct ImportOptions {
  bool dry_run = false;        // run every check, store nothing
  // A dry run's memory (see Trial), when the caller reads what the validators keep there;
  // without it, a dry run keeps its own.
  Trial* trial = nullptr;
  std::string actor;
  // A field whose value finds the record a line updates (ignoring case for text); a line
  // whose key matches no record is inserted. Empty: every line is inserted.
  std::string key;
  bool key_required = true;    // false: a file without the key's column is only inserted
  int64_t first_line = 2;      // lines before it are read but not imported (resuming)
  int64_t batch_lines = 2000;  // lines per transaction (the batched import)
  bool keep_rows = true;       // keep every line's result in the report
  // Called inside each batch's transaction after its lines, before it commits, with the
  // batch's lines and the running totals: progress stored here commits with the lines.
  std::function<void(Tx&, const std::vector<ImportLine>&, const ImportReport&)> on_batch;
  // Called after each batch's transaction has committed (never in a dry run): what is
  // reported from here is stored, whatever happens next.
  std::function<void(const ImportReport&)> on_commit;
};

struct CsvShape {
  int64_t records = 0;  // the header included
  int64_t lines = 0;    // lines of the file
};
// Reads the whole file to check that it is well-formed CSV with cells of a sane size,
// without keeping it, so that an import can refuse a broken file before it writes a line.
// Throws as importCsv does; an empty file is kBadRequest.
CsvShape checkCsv(std::istream& in);

// Imports `in` into `table` inside `tx`, as one transaction (the demo, small files).
// Throws Error(kBadRequest) when the file has no header or is not well-formed CSV (with the
// line where it broke), kTooLarge for a cell over kMaxCsvCellBytes, kBadRequest for a key
// that names no field.
ImportReport importCsv(Engine& engine, Tx& tx, const Table& table, std::istream& in, const ImportOptions& options);

// Imports `in` in transactions of `options.batch_lines` lines, each committed before the
// next begins: a crash leaves whole batches in and the rest out. A dry run is one
// transaction, rolled back. Errors as above; batches committed before one stay.
ImportReport importCsv(Engine& engine, const Table& table, std::istream& in, const ImportOptions& options);

// Writes every record of `table` as CSV with a header row of field names. Text that a
// spreadsheet would run as a formula is prefixed with ' (OWASP's advice on CSV injection).
void exportCsv(const Engine& engine, Tx& tx, const Table& table, std::ostream& out, char delimiter = ',');

}  // namespace worktable::tables
