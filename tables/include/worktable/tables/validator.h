// The hook through which rules plug into the engine. A Validator is attached to every table
// of a kind (see TableSpec::kind); the engine runs the validators of a table in the order
// they were added, inside the write transaction, before the change is stored:
//   - pass: return;
//   - amend: change.set(field, value) (e.g. write a read-only result field);
//   - refuse: throw worktable::Error; the whole change rolls back.
// Validators see the transaction (`tx`) so they can read, and write their own stores, in
// the same commit. They must be thread-safe: one instance serves every write.
#pragma once

#include "worktable/tables/change.h"
#include "worktable/tables/sql.h"

namespace worktable::tables {

class Engine;

class Validator {
 public:
  virtual ~Validator() = default;
  // A short name for logs and tests, e.g. "required_fields".
  virtual const char* name() const = 0;
  // Checks `change`; may amend it; throws worktable::Error to refuse it.
  virtual void check(sql::Tx& tx, const Engine& engine, Change& change) const = 0;
};

}  // namespace worktable::tables
