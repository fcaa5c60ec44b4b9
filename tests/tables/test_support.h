// Shared by the table engine tests: a fixture that gives every test a fresh SQLite file in
// its own temporary directory, an Engine on it, and a workspace to create tables in; and
// an assertion that a call throws the worktable::Error it should.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "worktable/tables/engine.h"
#include "worktable/tables/error.h"
#include "worktable/tables/schema.h"
#include "worktable/tables/sql.h"

namespace worktable::tables::test {

using worktable::kindName;

// What a call is expected to throw; an empty code or field is not checked.
struct Expected {
  ErrorKind kind;
  std::string code = {};
  std::optional<std::string> field = std::nullopt;
};

// Succeeds when `fn` throws a worktable::Error matching `expected`.
template <class F>
::testing::AssertionResult throwsError(F&& fn, const Expected& expected) {
  try {
    fn();
  } catch (const Error& error) {
    if (error.kind() != expected.kind) {
      return ::testing::AssertionFailure() << "threw " << kindName(error.kind()) << " (" << error.code() << ": "
                                           << error.what() << "), expected " << kindName(expected.kind);
    }
    if (!expected.code.empty() && error.code() != expected.code) {
      return ::testing::AssertionFailure()
             << "threw code \"" << error.code() << "\" (" << error.what() << "), expected \"" << expected.code << "\"";
    }
    if (expected.field && error.field() != *expected.field) {
      return ::testing::AssertionFailure() << "error names field \"" << error.field() << "\", expected \""
                                           << *expected.field << "\" (" << error.what() << ")";
    }
    if (std::string(error.what()).empty()) return ::testing::AssertionFailure() << "error has no message";
    return ::testing::AssertionSuccess();
  } catch (const std::exception& other) {
    return ::testing::AssertionFailure() << "threw a non-worktable exception: " << other.what();
  }
  return ::testing::AssertionFailure() << "did not throw, expected " << kindName(expected.kind) << " " << expected.code;
}

inline std::string describe(const Value& value) {
  if (isNull(value)) return "null";
  if (const bool* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  if (const double* number = std::get_if<double>(&value)) return std::to_string(*number) + " (number)";
  return "\"" + std::get<std::string>(value) + "\"";
}

inline Value text(const char* value) { return Value(std::string(value)); }
inline Value text(const std::string& value) { return Value(value); }
inline Value number(double value) { return Value(value); }

inline FieldSpec field(std::string name, FieldType type = FieldType::kText, std::vector<std::string> options = {},
                       bool read_only = false) {
  return FieldSpec{std::move(name), type, std::move(options), read_only};
}

inline TableSpec spec(std::string name, std::vector<FieldSpec> fields = {}, std::string kind = {}) {
  return TableSpec{std::move(name), std::move(fields), std::move(kind)};
}

// A fresh database file per test, removed afterwards.
class EngineTest : public ::testing::Test {
 protected:
  // $TMPDIR when set; else /dev/shm when there is one, since every test creates and
  // syncs a database file and a disk under load makes the suite ten times slower.
  static std::filesystem::path scratchRoot() {
    const char* tmpdir = getenv("TMPDIR");
    if (tmpdir && *tmpdir) return tmpdir;
    std::error_code error;
    if (std::filesystem::is_directory("/dev/shm", error) && access("/dev/shm", W_OK) == 0) return "/dev/shm";
    return std::filesystem::temp_directory_path();
  }

  void SetUp() override {
    std::string pattern = (scratchRoot() / "tables_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp failed for " << pattern;
    dir_ = pattern;
    path_ = dir_ + "/worktable.db";
    open();
    workspace_id_ = db_->write([&](sql::Tx& tx) {
      Company company = engine_->createCompany(tx, "Acme");
      return engine_->createWorkspace(tx, company.id, "Main", "tester").id;
    });
  }

  void TearDown() override {
    engine_.reset();
    db_.reset();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  void open() {
    db_ = sql::Database::open("sqlite:" + path_);
    engine_ = std::make_unique<Engine>(*db_);
  }

  // Closes the database and opens the same file again, as a restarted server would.
  void reopen() {
    engine_.reset();
    db_.reset();
    open();
  }

  sql::Database& db() { return *db_; }
  Engine& engine() { return *engine_; }

  Table createTable(const TableSpec& spec) {
    return db_->write([&](sql::Tx& tx) { return engine_->createTable(tx, workspace_id_, spec); });
  }
  Table reload(const Table& table) {
    return db_->read([&](sql::Tx& tx) { return engine_->table(tx, table.id); }).value();
  }
  Record insert(const Table& table, const Values& values, const std::string& actor = "ada") {
    return db_->write([&](sql::Tx& tx) { return engine_->insert(tx, table, values, actor); });
  }
  Record update(const Table& table, Id id, const Values& values, std::optional<int64_t> version = std::nullopt,
                const std::string& actor = "ada") {
    return db_->write([&](sql::Tx& tx) { return engine_->update(tx, table, id, values, version, actor); });
  }
  void remove(const Table& table, Id id, const std::string& actor = "ada") {
    db_->write([&](sql::Tx& tx) { engine_->remove(tx, table, id, actor); });
  }
  std::optional<Record> record(const Table& table, Id id) {
    return db_->read([&](sql::Tx& tx) { return engine_->record(tx, table, id); });
  }
  RecordPage records(const Table& table, const RecordQuery& query = {}) {
    return db_->read([&](sql::Tx& tx) { return engine_->records(tx, table, query); });
  }
  int64_t total(const Table& table) { return records(table).total; }
  std::vector<HistoryEntry> history(const Table& table, Id id) {
    return db_->read([&](sql::Tx& tx) { return engine_->history(tx, table, id); });
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<Engine> engine_;
  Id workspace_id_ = 0;
};

// EngineTest with a table People (Name, Age text and number), the suites' common subject.
class PeopleTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (HasFatalFailure()) return;
    people_ = createTable(spec("People", {field("Name"), field("Age", FieldType::kNumber)}));
  }
  Table people_;
};

}  // namespace worktable::tables::test
