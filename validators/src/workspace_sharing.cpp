#include "worktable/validators/workspace_sharing.h"

#include "users_rows.h"
#include "worktable/tables/error.h"
#include "worktable/tables/text.h"

namespace worktable::validators {
namespace {

accounts::Mail invitationMail(const UsersContext& users, const tables::Workspace& workspace,
                              const accounts::WorkspaceInvitation& invitation, const accounts::Account& inviter,
                              const std::string& token) {
  std::string link = users.base_url + "/accept-workspace-invitation?token=" + token;
  return accounts::Mail{
      invitation.email,
      inviter.first_name + " " + inviter.last_name + " invites you to \"" + workspace.name + "\" on Worktable",
      "Hello,\n\n" + inviter.first_name + " " + inviter.last_name + " (" + inviter.email + ") invites you to the " +
          "workspace \"" + workspace.name + "\" as " + accounts::roleName(invitation.role) +
          ".\nLog in (or sign up) with this email address, then open this link, valid for 7 days and usable once:\n\n" +
          link + "\n\nIf you did not expect this mail, you can ignore it.\n",
  };
}

accounts::WorkspaceInvitation pendingInvitation(sql::Tx& tx, accounts::Sharing& sharing,
                                                const tables::Workspace& workspace, Id invitation_id) {
  std::optional<accounts::WorkspaceInvitation> invitation = sharing.invitation(tx, invitation_id);
  if (!invitation || invitation->workspace_id != workspace.id) {
    throw notFound("Invitation " + std::to_string(invitation_id));
  }
  if (invitation->status != "pending" && invitation->status != "expired") {
    throw conflict("not_pending", "This invitation was already " + invitation->status + ".");
  }
  return *invitation;
}

}  // namespace

tables::Workspace WorkspaceSharing::createWorkspace(sql::Tx& tx, Id company_id, const std::string& name,
                                                    const accounts::Account& creator) {
  tables::Workspace workspace = engine_.createWorkspace(tx, company_id, name, creator.email);
  sharing_.setMember(tx, workspace.id, creator.id, accounts::Role::kOwner);
  return workspace;
}

accounts::WorkspaceInvitation WorkspaceSharing::invite(sql::Tx& tx, const tables::Workspace& workspace,
                                                       const std::string& email, accounts::Role role,
                                                       const accounts::Account& inviter) {
  if (users_.administration.isAdministrationWorkspace(tx, workspace.id)) {
    throw conflict("administration_workspace",
                   "The Administration workspace is for the company's admins only; add staff as rows of its Users "
                   "table instead.");
  }
  tables::Field email_field{0, "email", tables::FieldType::kEmail, {}, false};
  try {
    tables::Engine::checkValue(email_field, email);
  } catch (const Error&) {
    throw invalidValue("invalid_email", "\"" + email + "\" is not a valid email address; write it as name@example.com.",
                       "email");
  }
  if (std::optional<accounts::Account> invited = users_.accounts.byEmail(tx, email)) {
    if (sharing_.member(tx, workspace.id, invited->id)) {
      throw conflict("already_member", email + " is already a member of \"" + workspace.name +
                                           "\"; change their role instead.", "email");
    }
  }
  auto [invitation, token] = sharing_.invite(tx, workspace.id, email, role, inviter.id, kWorkspaceInvitationLifetime);
  users_.outbox.queue(tx, invitationMail(users_, workspace, invitation, inviter, token));
  return invitation;
}

void WorkspaceSharing::resend(sql::Tx& tx, const tables::Workspace& workspace, Id invitation_id,
                              const accounts::Account& inviter) {
  accounts::WorkspaceInvitation invitation = pendingInvitation(tx, sharing_, workspace, invitation_id);
  std::string token = sharing_.renew(tx, invitation.id, kWorkspaceInvitationLifetime);
  users_.outbox.queue(tx, invitationMail(users_, workspace, invitation, inviter, token));
}

void WorkspaceSharing::revoke(sql::Tx& tx, const tables::Workspace& workspace, Id invitation_id) {
  pendingInvitation(tx, sharing_, workspace, invitation_id);
  sharing_.revoke(tx, invitation_id);
}

accounts::WorkspaceInvitation WorkspaceSharing::accept(sql::Tx& tx, const std::string& token,
                                                       const accounts::Account& account) {
  accounts::WorkspaceInvitation invitation = sharing_.accept(tx, token);
  if (tables::compareFolded(invitation.email, account.email) != 0) {
    throw forbidden("wrong_account", "This invitation is for " + invitation.email + "; log in as " + invitation.email +
                                         " (or sign up with it), then open the link again.");
  }
  std::optional<tables::Workspace> workspace = engine_.workspace(tx, invitation.workspace_id);
  if (!workspace) throw notFound("Workspace " + std::to_string(invitation.workspace_id));
  std::optional<accounts::Membership> member = users_.accounts.membership(tx, account.id, workspace->company_id);
  if (member && !member->external && !member->active) {
    throw forbidden("account_inactive", "Your account is Inactive in this company; ask its admin to reactivate it.");
  }
  if (!member) addExternalUser(tx, workspace->company_id, account);
  std::optional<accounts::WorkspaceMember> existing = sharing_.member(tx, workspace->id, account.id);
  if (!existing || existing->role != accounts::Role::kOwner) {
    sharing_.setMember(tx, workspace->id, account.id, invitation.role);
  }
  return invitation;
}

void WorkspaceSharing::addExternalUser(sql::Tx& tx, Id company_id, const accounts::Account& account) {
  std::optional<AdministrationInfo> administration = users_.administration.ofCompany(tx, company_id);
  if (!administration) throw notFound("The Administration of company " + std::to_string(company_id));
  std::optional<tables::Table> users = engine_.table(tx, administration->users_table_id);
  tables::Values row = {
      {kUserId, account.user_id},       {kFirstName, account.first_name}, {kLastName, account.last_name},
      {kEmail, account.email},          {kStatus, kActive},                {kExternal, true},
      {kResult, std::string("OK")},
  };
  tables::Record record = engine_.insertAsSystem(tx, *users, row, account.email);
  users_.accounts.addMembership(tx, {account.id, company_id, false, true, true, record.id});
}

void WorkspaceSharing::changeRole(sql::Tx& tx, const tables::Workspace& workspace, Id account_id,
                                  accounts::Role role) {
  std::optional<accounts::WorkspaceMember> member = sharing_.member(tx, workspace.id, account_id);
  if (!member) throw notFound("Member " + std::to_string(account_id));
  if (member->role == accounts::Role::kOwner) {
    throw conflict("owner_role", "The owner of \"" + workspace.name + "\" keeps the owner role.", "role");
  }
  sharing_.setMember(tx, workspace.id, account_id, role);
}

void WorkspaceSharing::removeMember(sql::Tx& tx, const tables::Workspace& workspace, Id account_id,
                                    const std::string& actor) {
  std::optional<accounts::WorkspaceMember> member = sharing_.member(tx, workspace.id, account_id);
  if (!member) throw notFound("Member " + std::to_string(account_id));
  if (member->role == accounts::Role::kOwner) {
    throw conflict("owner_role", "The owner of \"" + workspace.name + "\" cannot be removed from it.");
  }
  sharing_.removeMember(tx, workspace.id, account_id);
  std::optional<accounts::Membership> company_member =
      users_.accounts.membership(tx, account_id, workspace.company_id);
  if (!company_member || !company_member->external) return;
  if (!sharing_.memberships(tx, account_id, workspace.company_id).empty()) return;
  // The partner's last right in this company is gone: so is their row (rule 8).
  if (std::optional<AdministrationInfo> administration = users_.administration.ofCompany(tx, workspace.company_id)) {
    std::optional<tables::Table> users = engine_.table(tx, administration->users_table_id);
    if (users && engine_.record(tx, *users, company_member->row_id)) {
      engine_.removeAsSystem(tx, *users, company_member->row_id, actor);
    }
  }
  users_.accounts.removeMembership(tx, account_id, workspace.company_id);
}

}  // namespace worktable::validators
