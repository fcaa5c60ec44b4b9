// A Change is the one value every record mutation travels as: the engine builds it,
// validators inspect and amend it, the store applies it, the history records it.
// Not thread-safe; it lives for one write.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <typeindex>
#include <vector>

#include "worktable/tables/error.h"
#include "worktable/tables/schema.h"
#include "worktable/tables/sql.h"

namespace worktable::tables {

enum class ChangeKind { kInsert, kUpdate, kDelete };

// A dry run's memory: what its changes would have written that later changes of the same
// run read, kept here instead of in the store (an account's rows and indexes, written and
// rolled back, were a third of a dry-run staff line's instructions and nearly half of its
// time). Each validator keeps its part, by type; a part registers its undo with
// Connection::onRollback, so that a line refused takes its own entries out.
class Trial {
 public:
  template <class Part>
  Part& part() {
    std::shared_ptr<void>& slot = parts_[std::type_index(typeid(Part))];
    if (!slot) slot = std::make_shared<Part>();
    return *static_cast<Part*>(slot.get());
  }

 private:
  std::map<std::type_index, std::shared_ptr<void>> parts_;
};

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
  // Set when the caller rolls the write back (an import's dry run): validators check as
  // usual and write what later changes of the run read, to the store or to the trial's
  // memory, but skip what only later readers would read (mails); the engine keeps no
  // history of it.
  Trial* trial = nullptr;
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
