// libcsv (Debian's libcsv-dev) turned into records with their line numbers: the BOM and
// the delimiter are settled on the first chunk, blank lines and CRLF are counted, and a
// cell over kMaxCsvCellBytes stops the reading before it is held whole.
#pragma once

#include <csv.h>

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "worktable/tables/error.h"

namespace worktable::tables {

struct CsvRecord {
  int64_t line = 0;  // where the record starts; the header is line 1
  std::vector<std::string> cells;
};

class CsvReader {
 public:
  // `keep_cells` false counts records without keeping them (a check of the whole file).
  explicit CsvReader(bool keep_cells = true);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Parses the next chunk of the file; the records it completes join `records()`.
  // Throws Error(kBadRequest) for malformed CSV, kTooLarge for an oversized cell.
  void feed(std::string_view chunk);
  // Ends the file (a last line without a line break is a record too).
  void finish();

  std::deque<CsvRecord>& records() { return records_; }
  int64_t recordCount() const { return record_count_; }
  // The line the next record would start on.
  int64_t line() const { return line_; }
  // Lines of the file so far (a last line break ends a line; it does not start one).
  int64_t lines() const { return ended_with_break_ ? line_ - 1 : line_; }

 private:
  static void onCell(void* data, size_t size, void* self);
  static void onRowEnd(int terminator, void* self);
  void rowEnd(int terminator);
  Error malformed();
  void checkCellSize(size_t size);

  csv_parser parser_;
  bool keep_cells_;
  bool started_ = false;
  bool after_cr_ = false;
  bool ended_with_break_ = false;
  int64_t line_ = 1;
  int64_t breaks_ = 0;
  int64_t record_count_ = 0;
  std::vector<std::string> cells_;
  size_t cell_count_ = 0;
  std::deque<CsvRecord> records_;
  std::optional<Error> error_;
};

}  // namespace worktable::tables
