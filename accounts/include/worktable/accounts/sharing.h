// Who is in which workspace, with which role, and the invitations that bring people in.
// A store only: the decisions (who may invite, what an acceptance creates) live in
// validators::Partners and server/access. Every method runs in the caller's transaction.
// Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "worktable/tables/schema.h"
#include "worktable/tables/sql.h"

namespace worktable::accounts {

using tables::Id;
using sql::Tx;

// Roles in a workspace, weakest first: viewer reads; editor also writes records; admin also
// manages tables, fields and members; owner is the admin who created the workspace.
enum class Role { kViewer, kEditor, kAdmin, kOwner };

const char* roleName(Role role);
// The role of an API name (viewer, editor, admin); nullopt otherwise (owner is not given).
std::optional<Role> grantableRole(const std::string& name);

struct WorkspaceMember {
  Id workspace_id = 0;
  Id account_id = 0;
  Role role = Role::kViewer;
};

struct WorkspaceInvitation {
  Id id = 0;
  Id workspace_id = 0;
  std::string email;
  Role role = Role::kViewer;
  std::string expires_at;
  std::string status;  // "pending", "accepted", "revoked", "expired"
};

class Sharing {
 public:
  // Migrates the sharing schema of `db`, which must outlive this object.
  explicit Sharing(sql::Database& db);

  // Adds the account to the workspace or changes its role.
  void setMember(Tx& tx, Id workspace_id, Id account_id, Role role);
  std::optional<WorkspaceMember> member(Tx& tx, Id workspace_id, Id account_id) const;
  std::vector<WorkspaceMember> members(Tx& tx, Id workspace_id) const;
  // Workspaces of `company_id` in which the account is a member.
  std::vector<WorkspaceMember> memberships(Tx& tx, Id account_id, Id company_id) const;
  void removeMember(Tx& tx, Id workspace_id, Id account_id);

  // Creates an invitation and returns its one-time token (stored hashed).
  std::pair<WorkspaceInvitation, std::string> invite(Tx& tx, Id workspace_id, const std::string& email, Role role,
                                                     Id invited_by, std::chrono::seconds lifetime);
  std::optional<WorkspaceInvitation> invitation(Tx& tx, Id invitation_id) const;
  // Invitations of the workspace not accepted nor revoked (expired ones included).
  std::vector<WorkspaceInvitation> openInvitations(Tx& tx, Id workspace_id) const;
  // Gives the invitation a new token and expiry; returns the token.
  std::string renew(Tx& tx, Id invitation_id, std::chrono::seconds lifetime);
  void revoke(Tx& tx, Id invitation_id);
  // Spends a token. Throws Error "invalid_token" (400) for an unknown, spent or revoked one,
  // "token_expired" (409) for an expired one.
  WorkspaceInvitation accept(Tx& tx, const std::string& token);
};

}  // namespace worktable::accounts
