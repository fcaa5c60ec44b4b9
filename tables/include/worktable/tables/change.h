// A Change is the one value every record mutation travels as: the engine builds it,
// validators inspect and amend it, the store applies it, the history records it.
// Not thread-safe; it lives for one write.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "worktable/tables/error.h"
#include "worktable/tables/schema.h"
#include "worktable/tables/sql.h"

namespace worktable::tables {

enum class ChangeKind { kInsert, kUpdate, kDelete };

struct Change {
  ChangeKind kind = ChangeKind::kInsert;
  const Table* table = nullptr;
  Id record_id = 0;             // 0 for an insert until it is stored
  int64_t version = 0;          // the stored version before the change (0 for an insert)
  Values before;                // stored values (empty for an insert)
  Values after;                 // values after the change (empty for a delete)
  std::vector<std::string> written;  // fields the caller wrote, whether or not they differ
  std::string actor;
  bool system = false;          // the system's own write: no validators, read-only fields writable
  // The caller rolls the write back (an import's dry run): validators check and write as
  // usual, so that later changes see this one, but skip what only later readers would read
  // (mails); the engine keeps no history of it.
  bool dry_run = false;
  // Written values of the right type but the wrong shape (a bad email, date or option), by
  // field. A validator that takes charge of one erases it (and keeps or fixes the value);
  // any left after the validators refuses the change.
  std::map<std::string, Error> problems;
  // Work that needs the stored record's id (an insert's is new), run right after it is
  // written, in the same transaction; a throw here still rolls everything back.
  std::vector<std::function<void(sql::Tx&, Id record_id)>> after_store;
  // What a validator says of a change it let through amended (an activation put back):
  // the write succeeds, and an import reports the note beside the line.
  std::string note;

  // The value of `field` after the change (null when absent).
  const Value& get(const std::string& field) const;
  // The value of `field` before the change (null when absent).
  const Value& old(const std::string& field) const;
  // True when `field` differs between before and after.
  bool changes(const std::string& field) const;
  // True when the caller wrote `field` (even with its current value).
  bool writes(const std::string& field) const;
  // Fields whose value differs, in the table's order.
  std::vector<std::string> changedFields() const;
  // Amends the value of `field` after the change (validators use it).
  void set(const std::string& field, Value value) { after[field] = std::move(value); }
};

}  // namespace worktable::tables
