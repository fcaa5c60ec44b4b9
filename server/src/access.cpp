#include "access.h"

#include "worktable/tables/error.h"

namespace worktable::server {

// Company admins administer every workspace of their company (rule 9), and only they see
// its Administration; anyone else, partners included, needs a role given in the workspace.
std::optional<Role> Access::roleIn(sql::Tx& tx, const accounts::Account& account, tables::Id workspace_id,
                                   tables::Id company_id, int64_t stamp) const {
  std::pair<tables::Id, tables::Id> key{account.id, workspace_id};
  if (std::optional<Role> role = roles_.find(key, stamp)) return role;
  std::optional<Role> role = findRole(tx, account, workspace_id, company_id);
  // Refusals are not cached: rare, and cheap to find again.
  if (role && !tx.hasPendingWrites()) roles_.put(key, stamp, *role);
  return role;
}

std::optional<Role> Access::findRole(sql::Tx& tx, const accounts::Account& account, tables::Id workspace_id,
                                     tables::Id company_id) const {
  std::optional<accounts::Membership> member = services_.accounts->membership(tx, account.id, company_id);
  if (!member || !member->active) return std::nullopt;
  bool company_admin = member->admin && !member->external;
  if (services_.administration->isAdministrationWorkspace(tx, workspace_id)) {
    return company_admin ? std::optional<Role>(Role::kAdmin) : std::nullopt;
  }
  std::optional<accounts::WorkspaceMember> given = services_.sharing->member(tx, workspace_id, account.id);
  if (given && given->role == Role::kOwner) return Role::kOwner;
  if (company_admin) return Role::kAdmin;
  if (given) return given->role;
  return std::nullopt;
}

std::vector<WorkspaceAccess> Access::workspaces(sql::Tx& tx, const accounts::Account& account) const {
  std::vector<WorkspaceAccess> result;
  int64_t stamp = services_.accounts->accessStamp(tx);
  for (const accounts::Membership& member : services_.accounts->memberships(tx, account.id)) {
    for (tables::Workspace& workspace : services_.engine->workspaces(tx, member.company_id)) {
      if (std::optional<Role> role = roleIn(tx, account, workspace.id, workspace.company_id, stamp)) {
        result.push_back({std::move(workspace), *role});
      }
    }
  }
  return result;
}

WorkspaceAccess Access::workspace(sql::Tx& tx, const accounts::Account& account, tables::Id workspace_id) const {
  std::optional<tables::Workspace> workspace = services_.engine->workspace(tx, workspace_id);
  if (workspace) {
    if (std::optional<Role> role = roleIn(tx, account, workspace->id, workspace->company_id,
                                                    services_.accounts->accessStamp(tx))) {
      return {std::move(*workspace), *role};
    }
  }
  throw notFound("Workspace " + std::to_string(workspace_id));
}

TableAccess Access::table(sql::Tx& tx, const accounts::Account& account, tables::Id table_id) const {
  std::optional<tables::Table> table = services_.engine->table(tx, table_id);
  if (table) {
    // The table already carries its workspace and company: no second lookup.
    if (std::optional<Role> role = roleIn(tx, account, table->workspace_id, table->company_id,
                                                    services_.accounts->accessStamp(tx))) {
      return {std::move(*table), *role};
    }
  }
  throw notFound("Table " + std::to_string(table_id));
}

tables::Id Access::company(sql::Tx& tx, const accounts::Account& account, tables::Id requested,
                           bool admin_only) const {
  std::vector<accounts::Membership> memberships = services_.accounts->memberships(tx, account.id);
  for (const accounts::Membership& member : memberships) {
    if (member.external || !member.active || (requested != 0 && member.company_id != requested)) continue;
    if (admin_only && !member.admin) continue;
    return member.company_id;
  }
  if (requested != 0) {
    bool known = false;
    for (const accounts::Membership& member : memberships) known = known || member.company_id == requested;
    if (!known) throw notFound("Company " + std::to_string(requested));
  }
  throw forbidden("not_admin", admin_only ? "Only a company admin may do this; ask one of your admins."
                                          : "Your account belongs to no company here; sign up to create one.");
}

void Access::require(Role have, Role need, const std::string& action) {
  if (static_cast<int>(have) < static_cast<int>(need)) {
    throw forbidden("forbidden", "Your role (" + std::string(roleName(have)) + ") may not " + action +
                                     "; ask a workspace admin.");
  }
}

}  // namespace worktable::server
