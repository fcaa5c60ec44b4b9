// Database::open picks the store from the URL's scheme.
#include "postgresql/postgresql_database.h"
#include "sqlite/sqlite_database.h"
#include "worktable/tables/error.h"

namespace worktable::sql {

std::unique_ptr<Database> Database::open(const std::string& url) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return std::make_unique<PostgresqlDatabase>(url);
  }
  std::string path = url;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  if (path.empty()) throw badRequest("The database URL names no file; use sqlite:PATH or postgresql://...");
  return std::make_unique<SqliteDatabase>(path);
}

void Database::runWrite(Access access, const std::function<void(Tx&)>& body) {
  std::unique_ptr<Lease> lease = begin(access);
  try {
    body(lease->connection());
    if (access == Access::kTrial) lease->rollback();
    else lease->commit();
  } catch (...) {
    lease->rollback();
    throw;
  }
}

}  // namespace worktable::sql
