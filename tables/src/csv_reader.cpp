#include "csv_reader.h"

#include <algorithm>

#include "worktable/tables/csv.h"

namespace worktable::tables {
namespace {

// Counts `,` and `;` outside quotes on the first line and picks the more frequent.
char detectDelimiter(std::string_view start) {
  int commas = 0, semicolons = 0;
  bool quoted = false;
  for (char c : start) {
    if (c == '"') quoted = !quoted;
    else if (!quoted && (c == '\n' || c == '\r')) break;
    else if (!quoted && c == ',') ++commas;
    else if (!quoted && c == ';') ++semicolons;
  }
  return semicolons > commas ? ';' : ',';
}

}  // namespace

CsvReader::CsvReader(bool keep_cells) : keep_cells_(keep_cells) {
  csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
}

CsvReader::~CsvReader() { csv_free(&parser_); }

void CsvReader::feed(std::string_view chunk) {
  if (!started_) {
    started_ = true;
    if (chunk.substr(0, 3) == "\xEF\xBB\xBF") chunk.remove_prefix(3);
    csv_set_delim(&parser_, detectDelimiter(chunk));
  }
  size_t parsed = csv_parse(&parser_, chunk.data(), chunk.size(), onCell, onRowEnd, this);
  if (error_) throw *error_;
  if (parsed != chunk.size()) throw malformed();
  // libcsv gathers a cell whole before handing it over: stop before a huge one is in memory.
  checkCellSize(parser_.entry_pos);
  if (error_) throw *error_;
}

void CsvReader::finish() {
  int status = csv_fini(&parser_, onCell, onRowEnd, this);
  if (error_) throw *error_;
  if (status != 0) throw malformed();
}

void CsvReader::onCell(void* data, size_t size, void* self) {
  auto* reader = static_cast<CsvReader*>(self);
  reader->checkCellSize(size);
  if (reader->error_) return;
  const char* text = static_cast<const char*>(data);
  reader->breaks_ += std::count(text, text + size, '\n');
  if (reader->keep_cells_) reader->cells_.emplace_back(text, size);
  ++reader->cell_count_;
}

void CsvReader::onRowEnd(int terminator, void* self) { static_cast<CsvReader*>(self)->rowEnd(terminator); }

// With CSV_REPALL_NL every line break outside a record comes as a row without cells, so
// blank lines count; the LF of a CRLF arrives that way too, right after its CR.
void CsvReader::rowEnd(int terminator) {
  if (error_) return;
  if (cell_count_ == 0) {
    bool lf_of_crlf = after_cr_ && terminator == '\n';
    after_cr_ = terminator == '\r';
    if (!lf_of_crlf && terminator != -1) ++line_;
    ended_with_break_ = terminator != -1;
    return;
  }
  if (keep_cells_) records_.push_back(CsvRecord{line_, std::move(cells_)});
  cells_.clear();
  cell_count_ = 0;
  ++record_count_;
  line_ += breaks_;
  breaks_ = 0;
  after_cr_ = terminator == '\r';
  if (terminator == '\n' || terminator == '\r') ++line_;
  ended_with_break_ = terminator != -1;
}

// Errors are kept, not thrown, inside libcsv's callbacks: an exception must not cross C code.
void CsvReader::checkCellSize(size_t size) {
  if (size <= kMaxCsvCellBytes || error_) return;
  error_ = Error(ErrorKind::kTooLarge, "too_large",
              "The cell starting on line " + std::to_string(line_ + breaks_) + " is over " +
                  std::to_string(kMaxCsvCellBytes >> 20) +
                  " MiB; no field holds that much. Check for a quote that is never closed, or split the text.");
}

Error CsvReader::malformed() {
  return badRequest("The file is not valid CSV near line " + std::to_string(line_ + breaks_) + " (" +
                    csv_strerror(csv_error(&parser_)) +
                    "); check the quotes around cells that hold quotes, delimiters or line breaks.");
}

}  // namespace worktable::tables
