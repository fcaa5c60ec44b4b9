// CSV parsing is libcsv's (Debian's libcsv-dev); this file maps its rows onto fields.
#include <csv.h>

#include <algorithm>
#include <istream>
#include <map>

#include "worktable/tables/csv.h"
#include "worktable/tables/error.h"

namespace worktable::tables {
namespace {

constexpr size_t kChunk = 1 << 16;

std::string normalName(const std::string& name) {
  auto begin = name.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  auto end = name.find_last_not_of(" \t");
  std::string trimmed = name.substr(begin, end - begin + 1);
  std::transform(trimmed.begin(), trimmed.end(), trimmed.begin(), [](unsigned char c) { return std::tolower(c); });
  return trimmed;
}

// Counts `,` and `;` outside quotes on the first line and picks the more frequent.
char detectDelimiter(const std::string& start) {
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

class Importer {
 public:
  Importer(Engine& engine, Tx& tx, const Table& table, const ImportOptions& options)
      : engine_(engine), tx_(tx), table_(table), options_(options) {}

  static void onCell(void* data, size_t size, void* self) {
    auto* importer = static_cast<Importer*>(self);
    importer->cells_.emplace_back(static_cast<const char*>(data), size);
    importer->breaks_ += std::count(importer->cells_.back().begin(), importer->cells_.back().end(), '\n');
  }
  static void onRowEnd(int, void* self) { static_cast<Importer*>(self)->row(); }

  ImportReport finish() { return std::move(report_); }
  bool sawHeader() const { return !columns_.empty() || header_done_; }
  int64_t line() const { return line_; }

 private:
  void row() {
    int64_t line = line_;
    line_ += 1 + breaks_;
    breaks_ = 0;
    std::vector<std::string> cells = std::move(cells_);
    cells_.clear();
    if (!header_done_) return header(cells);
    ImportLine result{line, std::nullopt, "OK"};
    try {
      if (cells.size() > columns_.size()) {
        throw invalidValue("too_many_cells", "This line has " + std::to_string(cells.size()) +
                                                 " cells but the header has " + std::to_string(columns_.size()) +
                                                 "; remove the extra cells or quote the ones holding the delimiter.");
      }
      Values values;
      for (size_t i = 0; i < cells.size(); ++i) {
        if (const Field* field = columns_[i]) values[field->name] = Engine::parseValue(*field, cells[i]);
      }
      Record record = tx_.savepoint([&] { return engine_.insert(tx_, table_, values, options_.actor); });
      if (!options_.dry_run) result.id = record.id;
      ++report_.inserted;
    } catch (const Error& error) {
      if (error.kind() == ErrorKind::kInternal) throw;
      result.result = error.what();
      ++report_.rejected;
    }
    report_.rows.push_back(std::move(result));
  }

  void header(const std::vector<std::string>& cells) {
    header_done_ = true;
    std::map<std::string, const Field*> by_name;
    for (const Field& field : table_.fields) by_name[normalName(field.name)] = &field;
    std::map<const Field*, std::string> seen;
    for (const std::string& cell : cells) {
      auto found = by_name.find(normalName(cell));
      const Field* field = found == by_name.end() ? nullptr : found->second;
      if (!field) {
        report_.unknown_columns.push_back(cell);
      } else if (!seen.emplace(field, cell).second) {
        throw badRequest("The header names \"" + field->name + "\" twice; keep one column per field.");
      }
      columns_.push_back(field);
    }
  }

  Engine& engine_;
  Tx& tx_;
  const Table& table_;
  const ImportOptions& options_;
  ImportReport report_;
  std::vector<const Field*> columns_;
  std::vector<std::string> cells_;
  bool header_done_ = false;
  int64_t line_ = 1;
  int64_t breaks_ = 0;
};

struct Parser {
  csv_parser parser;
  Parser() { csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI); }
  ~Parser() { csv_free(&parser); }
};

Error malformed(const Importer& importer, const csv_parser& parser) {
  return badRequest("The file is not valid CSV near line " + std::to_string(importer.line()) + " (" +
                    csv_strerror(csv_error(const_cast<csv_parser*>(&parser))) +
                    "); check the quotes around cells that hold quotes, delimiters or line breaks.");
}

}  // namespace

ImportReport importCsv(Engine& engine, Tx& tx, const Table& table, std::istream& in, const ImportOptions& options) {
  Importer importer(engine, tx, table, options);
  Parser parser;
  std::string chunk(kChunk, '\0');
  bool first = true;
  if (options.dry_run) tx.exec("SAVEPOINT dry_run");
  try {
    while (in.read(chunk.data(), static_cast<std::streamsize>(kChunk)) || in.gcount() > 0) {
      size_t size = static_cast<size_t>(in.gcount());
      size_t offset = 0;
      if (first) {
        first = false;
        if (size >= 3 && chunk.compare(0, 3, "\xEF\xBB\xBF") == 0) offset = 3;
        csv_set_delim(&parser.parser, detectDelimiter(chunk.substr(offset, size - offset)));
      }
      if (csv_parse(&parser.parser, chunk.data() + offset, size - offset, Importer::onCell, Importer::onRowEnd,
                    &importer) != size - offset) {
        throw malformed(importer, parser.parser);
      }
    }
    if (csv_fini(&parser.parser, Importer::onCell, Importer::onRowEnd, &importer) != 0) {
      throw malformed(importer, parser.parser);
    }
    if (!importer.sawHeader()) throw badRequest("The file is empty; it needs a header row of field names.");
  } catch (...) {
    if (options.dry_run) tx.exec("ROLLBACK TO dry_run; RELEASE dry_run");
    throw;
  }
  if (options.dry_run) tx.exec("ROLLBACK TO dry_run; RELEASE dry_run");
  return importer.finish();
}

}  // namespace worktable::tables
