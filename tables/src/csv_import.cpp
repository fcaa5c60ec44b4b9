// Import: records from CsvReader become changes through the engine, a line at a time, each
// in its own savepoint so that a refused line leaves no trace and the others go on.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <istream>
#include <map>
#include <mutex>
#include <thread>
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

// A record read, with its cells made values ahead of its write.
struct ParsedLine {
  CsvRecord record;
  Values values;
  std::exception_ptr problem;  // the first cell refused, thrown when the line is written
};

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
  std::vector<ImportLine> writeGroup(Tx& tx, const std::vector<const ParsedLine*>& group) {
    std::vector<ImportLine> results;
    results.reserve(group.size());
    group_keys_.clear();
    try {
      tx.savepoint([&] {
        for (const ParsedLine* line : group) results.push_back(apply(tx, *line, false));
      });
    } catch (const Error& error) {
      if (error.kind() == ErrorKind::kInternal) throw;
      for (const std::string& key : group_keys_) keys_seen_.erase(key);
      group_lines_ = std::max<size_t>(1, group_lines_ / 4);
      results.clear();
      for (const ParsedLine* line : group) results.push_back(write(tx, *line));
      return results;
    }
    for (const ImportLine& result : results) tally(result);
    group_lines_ = std::min(kMaxGroupLines, group_lines_ * 2);
    return results;
  }

  // One line in a savepoint of its own; a refused line gets its result and the others go on.
  ImportLine write(Tx& tx, const ParsedLine& line) {
    ImportLine result;
    try {
      result = apply(tx, line, true);
    } catch (const Error& error) {
      if (error.kind() == ErrorKind::kInternal) throw;
      result = ImportLine{line.record.line, std::nullopt, ImportAction::kRejected, error.what()};
    }
    tally(result);
    return result;
  }

  // The record with its cells made values (by the header's columns), or the first cell's
  // refusal. Reads only what header() set, so it may run on another thread than the writes.
  ParsedLine parse(CsvRecord record) const {
    ParsedLine line{std::move(record), {}, nullptr};
    const std::vector<std::string>& cells = line.record.cells;
    if (cells.size() > columns_.size()) return line;  // apply() refuses it
    try {
      for (size_t i = 0; i < cells.size(); ++i) {
        if (const Field* field = columns_[i]) line.values[field->name] = Engine::parseValue(*field, cells[i]);
      }
    } catch (...) {
      line.problem = std::current_exception();
    }
    return line;
  }

 private:
  // Writes one line, in a savepoint of its own when `alone`; throws Error when refused.
  ImportLine apply(Tx& tx, const ParsedLine& line, bool alone) {
    const CsvRecord& record = line.record;
    ImportLine result{record.line, std::nullopt, ImportAction::kInserted, "OK"};
    const std::vector<std::string>& cells = record.cells;
    if (cells.size() > columns_.size()) {
      throw invalidValue("too_many_cells", "This line has " + std::to_string(cells.size()) +
                                               " cells but the header has " + std::to_string(columns_.size()) +
                                               "; remove the extra cells or quote the ones holding the delimiter.");
    }
    if (line.problem) std::rethrow_exception(line.problem);
    std::optional<Record> match = matching(tx, line.values, record.line);
    // The key matched ignoring case: the stored spelling stays (a User ID cannot change).
    Values trimmed;
    if (match) {
      trimmed = line.values;
      trimmed.erase(columns_[*key_column_]->name);
    }
    const Values& values = match ? trimmed : line.values;
    if (match && sameValues(*match, values)) {
      // Nothing to change is no change: no validator is asked (a partner's row read back
      // from an export is not an edit of it).
      result.action = ImportAction::kUnchanged;
      result.id = match->id;
      return result;
    }
    auto store = [&] {
      Trial* trial = options_.dry_run ? (options_.trial ? options_.trial : &trial_) : nullptr;
      if (!match) return engine_.insert(tx, table_, values, options_.actor, trial);
      return engine_.update(tx, table_, match->id, values, std::nullopt, options_.actor, trial);
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
  Trial trial_;  // a dry run's memory of what its lines would have written, unless the caller keeps it
};

// Batches read ahead, from the reading thread to the writing one. At most kAhead wait.
class BatchQueue {
 public:
  // Waits for room; false when the writer has stopped, and the reader should too.
  bool push(std::vector<ParsedLine> batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stopped_ || batches_.size() < kAhead; });
    if (stopped_) return false;
    batches_.push_back(std::move(batch));
    changed_.notify_all();
    return true;
  }
  // The reader is done; `error` is what stopped it, if anything.
  void finish(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    done_ = true;
    error_ = error;
    changed_.notify_all();
  }
  // The next batch, or none at the end; throws what stopped the reader.
  std::optional<std::vector<ParsedLine>> pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return done_ || !batches_.empty(); });
    if (batches_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return std::nullopt;
    }
    std::vector<ParsedLine> batch = std::move(batches_.front());
    batches_.pop_front();
    changed_.notify_all();
    return batch;
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    changed_.notify_all();
  }

 private:
  static constexpr size_t kAhead = 2;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<ParsedLine>> batches_;
  bool done_ = false;
  bool stopped_ = false;
  std::exception_ptr error_;
};

// Reads `in` and hands its records over, parsed, in batches of `batch_lines` to `push`,
// until it returns false. The header goes to `writer`.
template <class Push>
void readLines(std::istream& in, const ImportOptions& options, LineWriter& writer, Push&& push) {
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
      std::vector<ParsedLine> lines;
      lines.reserve(count);
      for (size_t i = 0; i < count; ++i) lines.push_back(writer.parse(std::move(records[i])));
      records.erase(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(count));
      if (!push(std::move(lines))) return false;
    }
    return true;
  };
  while (in.read(chunk.data(), static_cast<std::streamsize>(kChunk)) || in.gcount() > 0) {
    reader.feed(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())));
    if (!drain(false)) return;
  }
  reader.finish();
  if (!drain(true)) return;
  if (!header) throw badRequest("The file is empty; it needs a header row of field names.");
}

// Hands the records of `in` over in batches to `write_batch`. They are read and their cells
// made values on a thread of their own, ahead of the writes: about 6% of a dry run's work,
// done on the other core.
template <class WriteBatch>
void readBatches(std::istream& in, const ImportOptions& options, LineWriter& writer, WriteBatch&& write_batch) {
  BatchQueue queue;
  std::thread reading([&] {
    try {
      readLines(in, options, writer, [&](std::vector<ParsedLine> batch) { return queue.push(std::move(batch)); });
      queue.finish(nullptr);
    } catch (...) {
      queue.finish(std::current_exception());
    }
  });
  try {
    while (std::optional<std::vector<ParsedLine>> batch = queue.pop()) write_batch(*batch);
  } catch (...) {
    queue.stop();
    reading.join();
    throw;
  }
  reading.join();
}

void writeBatch(Tx& tx, LineWriter& writer, const std::vector<ParsedLine>& lines, const ImportOptions& options,
                ImportReport& report) {
  std::vector<ImportLine> results;
  results.reserve(lines.size());
  std::vector<const ParsedLine*> group;
  auto flush = [&] {
    std::vector<ImportLine> written = writer.writeGroup(tx, group);
    std::move(written.begin(), written.end(), std::back_inserter(results));
    group.clear();
  };
  for (const ParsedLine& line : lines) {
    report.last_line = line.record.line;
    if (line.record.line < options.first_line) continue;
    group.push_back(&line);
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
              [&](const std::vector<ParsedLine>& lines) { writeBatch(tx, writer, lines, options, report); });
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
  for (Field& field : table.fields.edit()) {
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
  readBatches(in, options, writer, [&](const std::vector<ParsedLine>& lines) {
    engine.database().writeAlone([&](Tx& tx) { writeBatch(tx, writer, lines, options, report); });
    if (options.on_commit) options.on_commit(report);
  });
  return report;
}

}  // namespace worktable::tables
