// Versioned schema migrations, per module: each module lists its steps in order; steps
// already applied (recorded in the `migrations` table) are skipped, the others run in the
// caller's transaction. Append steps, never edit one that has shipped.
#pragma once

#include <string>
#include <vector>

#include "worktable/tables/sql.h"

namespace worktable::sql {

// Applies the steps of `module` not applied yet; returns the module's version afterwards.
int migrate(Tx& tx, const std::string& module, const std::vector<std::string>& steps);

}  // namespace worktable::sql
