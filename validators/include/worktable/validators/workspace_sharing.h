// Workspaces shared with people: creating one (its creator owns it), inviting by mail,
// accepting, changing roles, removing members. A person from outside the company who
// accepts becomes its external user: a read-only row appears in its Users table, counting
// no license, and disappears (history kept) when their last right in the company goes.
// Who may call what is decided by server/access; this class does what is asked, inside
// the caller's transaction. Thread-safe.
#pragma once

#include <string>

#include "worktable/accounts/sharing.h"
#include "worktable/validators/users_validators.h"

namespace worktable::validators {

inline constexpr std::chrono::hours kWorkspaceInvitationLifetime{24 * 7};

class WorkspaceSharing {
 public:
  WorkspaceSharing(tables::Engine& engine, accounts::Sharing& sharing, UsersContext& users)
      : engine_(engine), sharing_(sharing), users_(users) {}

  // Creates a workspace of `company_id` owned by `creator`.
  tables::Workspace createWorkspace(sql::Tx& tx, Id company_id, const std::string& name,
                                    const accounts::Account& creator);

  // Invites `email` with `role` and mails the one-time link. Throws kInvalidValue for a bad
  // email, kConflict "already_member" when that person is in the workspace already.
  accounts::WorkspaceInvitation invite(sql::Tx& tx, const tables::Workspace& workspace, const std::string& email,
                                       accounts::Role role, const accounts::Account& inviter);
  // Mails the invitation again with a fresh link and expiry. Throws kNotFound, or kConflict
  // "not_pending" for an accepted or revoked one.
  void resend(sql::Tx& tx, const tables::Workspace& workspace, Id invitation_id, const accounts::Account& inviter);
  // Throws kNotFound, or kConflict "not_pending".
  void revoke(sql::Tx& tx, const tables::Workspace& workspace, Id invitation_id);

  // Accepts an invitation as `account` (it must be the invited email). Throws the token
  // errors of accounts::Sharing::accept and kForbidden "wrong_account".
  accounts::WorkspaceInvitation accept(sql::Tx& tx, const std::string& token, const accounts::Account& account);

  // Changes a member's role; throws kNotFound for a non-member, kConflict "owner_role" for
  // the owner.
  void changeRole(sql::Tx& tx, const tables::Workspace& workspace, Id account_id, accounts::Role role);
  // Removes a member (the owner cannot be); an external user without any right left in the
  // company loses their row in its Users table. Throws kNotFound / kConflict "owner_role".
  void removeMember(sql::Tx& tx, const tables::Workspace& workspace, Id account_id, const std::string& actor);

 private:
  void addExternalUser(sql::Tx& tx, Id company_id, const accounts::Account& account);

  tables::Engine& engine_;
  accounts::Sharing& sharing_;
  UsersContext& users_;
};

}  // namespace worktable::validators
