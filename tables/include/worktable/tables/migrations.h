// Versioned schema migrations, per module: each module lists its steps in order; steps
// already applied (recorded in the `migrations` table) are skipped, the others run in the
// caller's transaction. Append steps, never edit one that has shipped.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "worktable/tables/sql.h"

namespace worktable::sql {

// One step: SQL for every store, or for one store alone (a table rebuilt to change what only
// SQLite has, say, or a trigger, which the two write differently); on the other store such
// a step counts as applied without running.
struct Step {
  Step(const char* text) : sql(text) {}          // NOLINT(google-explicit-constructor): lists of SQL
  Step(std::string text) : sql(std::move(text)) {}  // NOLINT(google-explicit-constructor)
  std::string sql;
  bool sqlite_only = false;
  bool postgresql_only = false;
};

inline Step sqliteOnly(std::string sql) {
  Step step(std::move(sql));
  step.sqlite_only = true;
  return step;
}

inline Step postgresqlOnly(std::string sql) {
  Step step(std::move(sql));
  step.postgresql_only = true;
  return step;
}

// SQLite's way to change what ALTER TABLE cannot: `table` made again under `definition` (its
// columns in the same order) and `options` (" WITHOUT ROWID"), its rows copied, then
// `indexes` (SQL: its indexes and triggers, dropped with the old table) made again. SQLite
// alone. Not for a table others refer to: dropping it would orphan their rows.
Step sqliteRebuild(const std::string& table, const std::string& definition, const std::string& indexes,
                   const std::string& options = "");

// Applies the steps of `module` not applied yet; returns the module's version afterwards.
int migrate(Tx& tx, const std::string& module, const std::vector<Step>& steps);

}  // namespace worktable::sql
