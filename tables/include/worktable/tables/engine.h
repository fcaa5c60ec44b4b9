// The table engine: companies own workspaces, workspaces hold tables, tables have typed
// fields and records. It knows nothing of HTTP or accounts: an actor is a label it records.
//
// Every method works inside a transaction the caller opened on the engine's database
// (`db.write(...)`/`db.read(...)`), so several operations, and other stores' writes, can
// commit as one. Every record mutation goes through one path: a Change is built, checked
// against field types, run through the validators of the table's kind, stored, and
// recorded in the history (which outlives the record).
//
// Each user table is a real SQL table named from its id, one column per field, so sorting
// and paging stay in SQL. A column gets its index when first sorted on or used as an
// import's key (see index()), since each index is paid at every write. Thread-safe: one
// Engine serves every request.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "worktable/tables/change.h"
#include "worktable/tables/schema.h"
#include "worktable/tables/sql.h"
#include "worktable/tables/stamped_cache.h"
#include "worktable/tables/validator.h"

namespace worktable::tables {

using sql::Tx;

class Engine {
 public:
  // Migrates the schema of `db` on construction. `db` must outlive the engine.
  explicit Engine(sql::Database& db);

  sql::Database& database() const { return db_; }

  // Attaches `validator` to every table of `kind`, after those already attached.
  void addValidator(const std::string& kind, std::shared_ptr<const Validator> validator);

  Company createCompany(Tx& tx, const std::string& name);
  std::optional<Company> company(Tx& tx, Id id) const;

  // Throws Error(kInvalidValue) for an empty or overlong name.
  Workspace createWorkspace(Tx& tx, Id company_id, const std::string& name, const std::string& actor);
  std::optional<Workspace> workspace(Tx& tx, Id id) const;
  std::vector<Workspace> workspaces(Tx& tx, Id company_id) const;

  // Throws Error(kConflict "duplicate_name") when the workspace has a table of that name
  // (ignoring case), kInvalidValue for a bad name, type or options.
  Table createTable(Tx& tx, Id workspace_id, const TableSpec& spec);
  std::optional<Table> table(Tx& tx, Id id) const;
  std::vector<Table> tables(Tx& tx, Id workspace_id) const;
  // Adds a field at the end; existing records get null. Same errors as createTable.
  Field addField(Tx& tx, Id table_id, const FieldSpec& spec);
  // Gives the field's column its index unless it has one; true when it made one (a few
  // hundred milliseconds for 100,000 rows, once). Needs a write transaction. Throws kNotFound.
  bool index(Tx& tx, const Table& table, const std::string& field) const;
  // Whether `query` sorts by a field without an index yet: it still sorts right, reading
  // every row, so a caller that can write should index() first. Throws as records() does
  // for a query it would refuse.
  static bool needsIndex(const Table& table, const RecordQuery& query);

  // Inserts a record with `values` (the fields written; others null). `trial`: the caller
  // rolls the write back, a dry run (see Change::trial).
  Record insert(Tx& tx, const Table& table, const Values& values, const std::string& actor, Trial* trial = nullptr);
  // Inserts as the system itself (setting up a company): types are checked and history is
  // kept, but validators do not run and read-only fields may be written.
  Record insertAsSystem(Tx& tx, const Table& table, const Values& values, const std::string& actor);
  // Deletes as the system itself (a partner's row leaving with their last right): no
  // validators; history kept. Throws kNotFound.
  void removeAsSystem(Tx& tx, const Table& table, Id record_id, const std::string& actor);
  // Writes `values` over the record. Throws kNotFound, kConflict "stale_version" when
  // `version` is given and is not the stored one. `trial` as for insert.
  Record update(Tx& tx, const Table& table, Id record_id, const Values& values,
                std::optional<int64_t> version, const std::string& actor, Trial* trial = nullptr);
  // Deletes the record; its history stays. Throws kNotFound.
  void remove(Tx& tx, const Table& table, Id record_id, const std::string& actor);

  std::optional<Record> record(Tx& tx, const Table& table, Id record_id) const;
  // Throws kBadRequest for an unknown sort field or a limit outside 1..1000.
  RecordPage records(Tx& tx, const Table& table, const RecordQuery& query) const;
  // Records whose `field` equals `value`, ignoring case for text (validators use it).
  // Without the field's index it reads the whole table: a caller in a write transaction
  // that looks up by a field many times should index() it first. Never writes, so it
  // may run in a read transaction.
  std::vector<Record> find(Tx& tx, const Table& table, const std::string& field,
                           const Value& value) const;
  // How many records hold every value of `equal` (text ignoring case). As find().
  int64_t count(Tx& tx, const Table& table, const Values& equal) const;
  // Calls `visit` for every record in id order, without holding them all.
  void forEach(Tx& tx, const Table& table, const std::function<void(const Record&)>& visit) const;
  // Oldest first; empty when the record never existed.
  std::vector<HistoryEntry> history(Tx& tx, const Table& table, Id record_id) const;

  // Checks that `value` fits `field`: checkType, then checkShape.
  static void checkValue(const Field& field, const Value& value);
  // Checks the value's kind (text, number, bool) and size; throws kInvalidValue or kTooLarge.
  static void checkType(const Field& field, const Value& value);
  // Checks the shape of text (an email, a date, an option); throws kInvalidValue.
  static void checkShape(const Field& field, const Value& value);
  // Reads a cell typed as text (CSV) into a value of the field's type; throws kInvalidValue.
  static Value parseValue(const Field& field, const std::string& text);
  // The text form of a value, as CSV writes it.
  static std::string formatValue(const Value& value);

 private:
  Record insertChange(Tx& tx, const Table& table, const Values& values, const std::string& actor, bool system,
                      Trial* trial);
  void removeChange(Tx& tx, const Table& table, Id record_id, const std::string& actor, bool system);
  Record apply(Tx& tx, Change& change);
  std::vector<std::shared_ptr<const Validator>> validatorsOf(const std::string& kind) const;
  // Throws kBadRequest for an unknown sort field or a limit or offset out of range.
  static void checkQuery(const Table& table, const RecordQuery& query);

  sql::Database& db_;
  // Tables read lately, under their fields_stamp: reading and parsing their fields on
  // every request was a fifth of a PATCH (copies share the fields).
  mutable StampedCache<Id, Table> tables_cache_;
  mutable std::shared_mutex validators_mutex_;
  std::map<std::string, std::vector<std::shared_ptr<const Validator>>> validators_;
};

}  // namespace worktable::tables
