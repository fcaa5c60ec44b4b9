// Import: records from CsvReader become changes through the engine, a line at a time, each
// in its own savepoint so that a refused line leaves no trace and the others go on.
#include <algorithm>
#include <istream>
#include <map>
#include <unordered_map>

#include "csv_reader.h"
#include "worktable/tables/csv.h"
#include "worktable/tables/error.h"
#include "worktable/tables/text.h"

namespace worktable::tables {
namespace {

constexpr size_t kChunk = 1 << 16;
// Lines written in one savepoint, at most; a refused line costs its group a second,
// line-by-line pass, so groups shrink after one and grow back while lines pass.
constexpr size_t kMaxGroupLines = 256;

std::string normalName(const std::string& name) {
  auto begin = name.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  auto end = name.find_last_not_of(" \t");
  std::string trimmed = name.substr(begin, end - begin + 1);
  std::transform(trimmed.begin(), trimmed.end(), trimmed.begin(), [](unsigned char c) { return std::tolower(c); });
  return trimmed;
}

// Turns one record into a change: maps the header onto fields, finds the record a key
// matches, and writes.
class LineWriter {
 public:
  LineWriter(Engine& engine, const Table& table, const ImportOptions& options, ImportReport& report)
      : engine_(engine), table_(table), options_(options), report_(report) {}

  void header(const std::vector<std::string>& cells) {
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
      } else if (field->read_only) {
        // Filled in by the system: an exported file carries them, a re-import ignores them.
        report_.read_only_columns.push_back(field->name);
        field = nullptr;
      }
      columns_.push_back(field);
    }
    if (options_.key.empty()) return;
    const Field* key = table_.field(options_.key);
    if (!key) throw badRequest("key names no field of table \"" + table_.name + "\": \"" + options_.key + "\".");
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i] == key) key_column_ = i;
    }
    if (!key_column_ && options_.key_required) {
      throw badRequest("The file has no column \"" + key->name + "\" to match records by; add it or import without key.");
    }
  }

  size_t groupLines() const { return group_lines_; }

  // Writes a group of lines in one savepoint: a savepoint a line made SQLite copy every page
  // each line touched (groups of 256 take a fifth off a dry run). When a line is refused,
  // the group is undone and written again a line at a time, so the refusal touches only its
  // own line.
  std::vector<ImportLine> writeGroup(Tx& tx, const std::vector<const CsvRecord*>& group) {
    std::vector<ImportLine> results;
    results.reserve(group.size());
    group_keys_.clear();
    try {
      tx.savepoint([&] {
        for (const CsvRecord* record : group) results.push_back(apply(tx, *record, false));
      });
    } catch (const Error& error) {
      if (error.kind() == ErrorKind::kInternal) throw;
      for (const std::string& key : group_keys_) keys_seen_.erase(key);
      group_lines_ = std::max<size_t>(1, group_lines_ / 4);
      results.clear();
      for (const CsvRecord* record : group) results.push_back(write(tx, *record));
      return results;
    }
    for (const ImportLine& result : results) tally(result);
    group_lines_ = std::min(kMaxGroupLines, group_lines_ * 2);
    return results;
  }

  // One line in a savepoint of its own; a refused line gets its result and the others go on.
  ImportLine write(Tx& tx, const CsvRecord& record) {
    ImportLine result;
    try {
      result = apply(tx, record, true);
    } catch (const Error& error) {
      if (error.kind() == ErrorKind::kInternal) throw;
      result = ImportLine{record.line, std::nullopt, ImportAction::kRejected, error.what()};
    }
    tally(result);
    return result;
  }

 private:
  // Writes one line, in a savepoint of its own when `alone`; throws Error when refused.
  ImportLine apply(Tx& tx, const CsvRecord& record, bool alone) {
    ImportLine result{record.line, std::nullopt, ImportAction::kInserted, "OK"};
    const std::vector<std::string>& cells = record.cells;
    if (cells.size() > columns_.size()) {
      throw invalidValue("too_many_cells", "This line has " + std::to_string(cells.size()) +
                                               " cells but the header has " + std::to_string(columns_.size()) +
                                               "; remove the extra cells or quote the ones holding the delimiter.");
    }
    Values values;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (const Field* field = columns_[i]) values[field->name] = Engine::parseValue(*field, cells[i]);
    }
    std::optional<Record> match = matching(tx, values, record.line);
    // The key matched ignoring case: the stored spelling stays (a User ID cannot change).
    if (match) values.erase(columns_[*key_column_]->name);
    if (match && sameValues(*match, values)) {
      // Nothing to change is no change: no validator is asked (a partner's row read back
      // from an export is not an edit of it).
      result.action = ImportAction::kUnchanged;
      result.id = match->id;
      return result;
    }
    auto store = [&] {
      if (!match) return engine_.insert(tx, table_, values, options_.actor, options_.dry_run);
      return engine_.update(tx, table_, match->id, values, std::nullopt, options_.actor, options_.dry_run);
    };
    Record written = alone ? tx.savepoint(store) : store();
    if (match) {
      result.action = written.version == match->version ? ImportAction::kUnchanged : ImportAction::kUpdated;
      result.id = written.id;
    } else if (!options_.dry_run) {
      result.id = written.id;
    }
    if (!written.note.empty()) result.result = written.note;
    return result;
  }

  void tally(const ImportLine& result) {
    switch (result.action) {
      case ImportAction::kInserted: ++report_.inserted; break;
      case ImportAction::kUpdated: ++report_.updated; break;
      case ImportAction::kUnchanged: ++report_.unchanged; break;
      case ImportAction::kRejected: ++report_.rejected; break;
    }
    if (result.action != ImportAction::kRejected && result.result != "OK") ++report_.noted;
  }

  static bool sameValues(const Record& record, const Values& values) {
    for (const auto& [name, value] : values) {
      auto stored = record.values.find(name);
      if (stored == record.values.end() || !(stored->second == value)) return false;
    }
    return true;
  }

  std::optional<Record> matching(Tx& tx, const Values& values, int64_t line) {
    if (!key_column_) return std::nullopt;
    const Field& key = *columns_[*key_column_];
    auto value = values.find(key.name);
    if (value == values.end() || std::holds_alternative<std::monostate>(value->second)) return std::nullopt;
    // A file that names the same record twice holds a mistake (two people given one User
    // ID): the second line would overwrite the first, so it is refused.
    std::string folded = foldCase(Engine::formatValue(value->second));
    auto [first, fresh] = keys_seen_.emplace(folded, line);
    if (fresh) group_keys_.push_back(folded);
    if (!fresh) {
      throw conflict("duplicate_key", key.name + " \"" + Engine::formatValue(value->second) + "\" is on line " +
                                          std::to_string(first->second) +
                                          " already; a file names each record once. Fix one of the two lines.");
    }
    std::vector<Record> found = engine_.find(tx, table_, key.name, value->second);
    if (found.size() > 1) {
      throw conflict("duplicate_key", std::to_string(found.size()) + " records have " + key.name + " \"" +
                                          Engine::formatValue(value->second) +
                                          "\": make it unique in the table before importing by it.");
    }
    if (found.empty()) return std::nullopt;
    return found.front();
  }

  Engine& engine_;
  const Table& table_;
  const ImportOptions& options_;
  ImportReport& report_;
  std::vector<const Field*> columns_;
  std::optional<size_t> key_column_;
  std::unordered_map<std::string, int64_t> keys_seen_;  // key (case-folded) -> its first line
  std::vector<std::string> group_keys_;                  // the keys first seen in the group being written
  size_t group_lines_ = kMaxGroupLines;
};

// Reads `in` and hands its records over in batches of `batch_lines` to `write_batch`.
template <class WriteBatch>
void readBatches(std::istream& in, const ImportOptions& options, LineWriter& writer, WriteBatch&& write_batch) {
  CsvReader reader;
  bool header = false;
  std::string chunk(kChunk, '\0');
  auto drain = [&](bool all) {
    std::deque<CsvRecord>& records = reader.records();
    if (!header && !records.empty()) {
      writer.header(records.front().cells);
      records.pop_front();
      header = true;
    }
    size_t batch = static_cast<size_t>(std::max<int64_t>(1, options.batch_lines));
    while (records.size() >= batch || (all && !records.empty())) {
      size_t count = std::min(batch, records.size());
      std::vector<CsvRecord> lines(std::make_move_iterator(records.begin()),
                                   std::make_move_iterator(records.begin() + static_cast<std::ptrdiff_t>(count)));
      records.erase(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(count));
      write_batch(lines);
    }
  };
  while (in.read(chunk.data(), static_cast<std::streamsize>(kChunk)) || in.gcount() > 0) {
    reader.feed(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())));
    drain(false);
  }
  reader.finish();
  drain(true);
  if (!header) throw badRequest("The file is empty; it needs a header row of field names.");
}

void writeBatch(Tx& tx, LineWriter& writer, const std::vector<CsvRecord>& lines, const ImportOptions& options,
                ImportReport& report) {
  std::vector<ImportLine> results;
  results.reserve(lines.size());
  std::vector<const CsvRecord*> group;
  auto flush = [&] {
    std::vector<ImportLine> written = writer.writeGroup(tx, group);
    std::move(written.begin(), written.end(), std::back_inserter(results));
    group.clear();
  };
  for (const CsvRecord& record : lines) {
    report.last_line = record.line;
    if (record.line < options.first_line) continue;
    group.push_back(&record);
    if (group.size() >= writer.groupLines()) flush();
  }
  if (!group.empty()) flush();
  if (options.on_batch) options.on_batch(tx, results, report);
  if (options.keep_rows) std::move(results.begin(), results.end(), std::back_inserter(report.rows));
}

// A dry run writes inside a savepoint it rolls back, whatever happens.
template <class Fn>
void rolledBack(Tx& tx, bool dry_run, Fn&& fn) {
  if (!dry_run) return fn();
  tx.exec("SAVEPOINT dry_run");
  try {
    fn();
  } catch (...) {
    tx.exec("ROLLBACK TO dry_run; RELEASE dry_run");
    throw;
  }
  tx.exec("ROLLBACK TO dry_run; RELEASE dry_run");
}

// Every line of `in` into `table` in `tx`.
ImportReport importLines(Engine& engine, Tx& tx, const Table& table, std::istream& in, const ImportOptions& options) {
  ImportReport report;
  LineWriter writer(engine, table, options, report);
  readBatches(in, options, writer,
              [&](const std::vector<CsvRecord>& lines) { writeBatch(tx, writer, lines, options, report); });
  return report;
}

}  // namespace

const char* actionName(ImportAction action) {
  switch (action) {
    case ImportAction::kInserted: return "inserted";
    case ImportAction::kUpdated: return "updated";
    case ImportAction::kUnchanged: return "unchanged";
    case ImportAction::kRejected: return "rejected";
  }
  return "?";
}

CsvShape checkCsv(std::istream& in) {
  CsvReader reader(false);
  std::string chunk(kChunk, '\0');
  while (in.read(chunk.data(), static_cast<std::streamsize>(kChunk)) || in.gcount() > 0) {
    reader.feed(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())));
  }
  reader.finish();
  if (reader.recordCount() == 0) throw badRequest("The file is empty; it needs a header row of field names.");
  return CsvShape{reader.recordCount(), reader.lines()};
}

ImportReport importCsv(Engine& engine, Tx& tx, const Table& table, std::istream& in, const ImportOptions& options) {
  ImportReport report;
  rolledBack(tx, options.dry_run, [&] {
    if (table.field(options.key)) engine.index(tx, table, options.key);  // each line looks its key up
    report = importLines(engine, tx, table, in, options);
  });
  return report;
}

ImportReport importCsv(Engine& engine, const Table& given, std::istream& in, const ImportOptions& options) {
  // The key's index first, kept even by a dry run (it is no data): each line looks its key
  // up, and the copy of the table the lines are written with should know it is indexed.
  Table table = given;
  for (Field& field : table.fields) {
    if (field.name != options.key || field.indexed) continue;
    engine.database().write([&](Tx& tx) { engine.index(tx, given, options.key); });
    field.indexed = true;
  }
  // A transaction of its own, rolled back: a savepoint inside a larger one would make
  // SQLite keep a copy of every page the dry run touches.
  if (options.dry_run) {
    return engine.database().trial([&](Tx& tx) { return importLines(engine, tx, table, in, options); });
  }
  ImportReport report;
  LineWriter writer(engine, table, options, report);
  readBatches(in, options, writer, [&](const std::vector<CsvRecord>& lines) {
    engine.database().writeAlone([&](Tx& tx) { writeBatch(tx, writer, lines, options, report); });
    if (options.on_commit) options.on_commit(report);
  });
  return report;
}

}  // namespace worktable::tables
