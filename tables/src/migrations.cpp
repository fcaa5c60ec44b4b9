#include "worktable/tables/migrations.h"

namespace worktable::sql {

int migrate(Tx& tx, const std::string& module, const std::vector<Step>& steps) {
  tx.exec("CREATE TABLE IF NOT EXISTS migrations (module TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  int version = 0;
  {
    Query q = tx.query("SELECT version FROM migrations WHERE module = ?1", module);
    if (q.next()) version = static_cast<int>(q.getInt(0));
  }
  for (size_t step = static_cast<size_t>(version); step < steps.size(); ++step) {
    bool sqlite = tx.backend() == Backend::kSqlite;
    if (sqlite ? !steps[step].postgresql_only : !steps[step].sqlite_only) tx.exec(steps[step].sql);
  }
  if (version < static_cast<int>(steps.size())) {
    tx.run("INSERT INTO migrations (module, version) VALUES (?1, ?2) "
           "ON CONFLICT (module) DO UPDATE SET version = excluded.version",
           module, static_cast<int64_t>(steps.size()));
  }
  return static_cast<int>(steps.size());
}

Step sqliteRebuild(const std::string& table, const std::string& definition, const std::string& indexes,
                   const std::string& options) {
  std::string rebuilt = table + "_rebuilt";
  return sqliteOnly("CREATE TABLE " + rebuilt + " (" + definition + ")" + options + "; INSERT INTO " + rebuilt +
                    " SELECT * FROM " + table + "; DROP TABLE " + table + "; ALTER TABLE " + rebuilt + " RENAME TO " +
                    table + "; " + indexes);
}

}  // namespace worktable::sql
