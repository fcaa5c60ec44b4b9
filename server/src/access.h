// The one place that decides what an account may see and do: every handler that touches a
// company, workspace or table asks here first. What the caller may not see is 404; what
// they may see but not change is 403. Thread-safe. Roles found are cached under the access
// stamp (accounts.h), so a role given, changed or taken away on any server is seen at once.
#pragma once

#include <string>
#include <vector>

#include "services.h"
#include "worktable/tables/stamped_cache.h"

namespace worktable::server {

using accounts::Role;
using accounts::roleName;

struct WorkspaceAccess {
  tables::Workspace workspace;
  Role role;
};

struct TableAccess {
  tables::Table table;
  Role role;
};

class Access {
 public:
  explicit Access(Services& services) : services_(services) {}

  // Workspaces the account can see, with its role in each.
  std::vector<WorkspaceAccess> workspaces(sql::Tx& tx, const accounts::Account& account) const;
  // Throws 404 when the account may not see the workspace.
  WorkspaceAccess workspace(sql::Tx& tx, const accounts::Account& account, tables::Id workspace_id) const;
  // Throws 404 when the account may not see the table.
  TableAccess table(sql::Tx& tx, const accounts::Account& account, tables::Id table_id) const;
  // The company the account acts for: `requested` (0: its own); throws 403 when it is not an
  // internal member of it, `admin_only` also when it is not an admin there.
  tables::Id company(sql::Tx& tx, const accounts::Account& account, tables::Id requested, bool admin_only) const;

  // Throws 403 when `have` is below `need`; `action` says what was refused.
  static void require(Role have, Role need, const std::string& action);

 private:
  // `stamp`: the access stamp read in `tx`.
  std::optional<Role> roleIn(sql::Tx& tx, const accounts::Account& account, tables::Id workspace_id,
                             tables::Id company_id, int64_t stamp) const;
  std::optional<Role> findRole(sql::Tx& tx, const accounts::Account& account, tables::Id workspace_id,
                               tables::Id company_id) const;

  Services& services_;
  // Roles found, by account and workspace (a workspace never changes company).
  mutable StampedCache<std::pair<tables::Id, tables::Id>, Role> roles_;
};

}  // namespace worktable::server
