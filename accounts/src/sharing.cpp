#include "worktable/accounts/sharing.h"

#include "worktable/accounts/secrets.h"
#include "access_stamp.h"
#include "worktable/tables/clock.h"
#include "worktable/tables/error.h"
#include "worktable/tables/migrations.h"

namespace worktable::accounts {
namespace {

const std::vector<sql::Step> kMigrations = {
    "CREATE TABLE workspace_members (workspace_id INTEGER NOT NULL REFERENCES workspaces(id),"
    " account_id INTEGER NOT NULL REFERENCES accounts(id), role TEXT NOT NULL,"
    " PRIMARY KEY (workspace_id, account_id));"
    "CREATE INDEX workspace_members_account ON workspace_members(account_id);"
    "CREATE TABLE workspace_invitations (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " workspace_id INTEGER NOT NULL REFERENCES workspaces(id), email TEXT NOT NULL COLLATE UNICASE,"
    " role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, invited_by INTEGER NOT NULL, created_at TEXT NOT NULL,"
    " expires_at TEXT NOT NULL, accepted_at TEXT, revoked_at TEXT);"
    "CREATE INDEX workspace_invitations_workspace ON workspace_invitations(workspace_id);",
    // A role given, changed or taken away changes the access stamp (made by Accounts first);
    // given too, since a role given lifts a company admin's to owner.
    sql::sqliteOnly(sqliteAccessTriggers("workspace_members", {"INSERT", "UPDATE", "DELETE"})),
    sql::postgresqlOnly(postgresqlAccessTrigger("workspace_members", "INSERT OR UPDATE OR DELETE")),
};

constexpr std::pair<Role, const char*> kRoles[] = {
    {Role::kViewer, "viewer"}, {Role::kEditor, "editor"}, {Role::kAdmin, "admin"}, {Role::kOwner, "owner"}};

Role roleFromName(const std::string& name) {
  for (const auto& [role, text] : kRoles) {
    if (name == text) return role;
  }
  return Role::kViewer;
}

const std::string kInvitationColumns =
    "id, workspace_id, email, role, expires_at,"
    " CASE WHEN accepted_at IS NOT NULL THEN 'accepted' WHEN revoked_at IS NOT NULL THEN 'revoked'"
    " WHEN expires_at <= ?9 THEN 'expired' ELSE 'pending' END";

WorkspaceInvitation readInvitation(const sql::Query& q) {
  return WorkspaceInvitation{q.getInt(0), q.getInt(1), q.getText(2), roleFromName(q.getText(3)), q.getText(4),
                             q.getText(5)};
}

}  // namespace

const char* roleName(Role role) {
  for (const auto& [candidate, text] : kRoles) {
    if (candidate == role) return text;
  }
  return "viewer";
}

std::optional<Role> grantableRole(const std::string& name) {
  if (name == "viewer") return Role::kViewer;
  if (name == "editor") return Role::kEditor;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

Sharing::Sharing(sql::Database& db) {
  db.write([](Tx& tx) { sql::migrate(tx, "sharing", kMigrations); });
}

void Sharing::setMember(Tx& tx, Id workspace_id, Id account_id, Role role) {
  tx.run("INSERT INTO workspace_members (workspace_id, account_id, role) VALUES (?1, ?2, ?3)"
         " ON CONFLICT (workspace_id, account_id) DO UPDATE SET role = excluded.role",
         workspace_id, account_id, roleName(role));
}

std::optional<WorkspaceMember> Sharing::member(Tx& tx, Id workspace_id, Id account_id) const {
  sql::Query q = tx.query("SELECT role FROM workspace_members WHERE workspace_id = ?1 AND account_id = ?2",
                          workspace_id, account_id);
  if (!q.next()) return std::nullopt;
  return WorkspaceMember{workspace_id, account_id, roleFromName(q.getText(0))};
}

std::vector<WorkspaceMember> Sharing::members(Tx& tx, Id workspace_id) const {
  std::vector<WorkspaceMember> result;
  sql::Query q = tx.query("SELECT account_id, role FROM workspace_members WHERE workspace_id = ?1 ORDER BY account_id",
                          workspace_id);
  while (q.next()) result.push_back(WorkspaceMember{workspace_id, q.getInt(0), roleFromName(q.getText(1))});
  return result;
}

std::vector<WorkspaceMember> Sharing::memberships(Tx& tx, Id account_id, Id company_id) const {
  std::vector<WorkspaceMember> result;
  sql::Query q = tx.query(
      "SELECT m.workspace_id, m.role FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id"
      " WHERE m.account_id = ?1 AND w.company_id = ?2 ORDER BY m.workspace_id",
      account_id, company_id);
  while (q.next()) result.push_back(WorkspaceMember{q.getInt(0), account_id, roleFromName(q.getText(1))});
  return result;
}

void Sharing::removeMember(Tx& tx, Id workspace_id, Id account_id) {
  tx.run("DELETE FROM workspace_members WHERE workspace_id = ?1 AND account_id = ?2", workspace_id, account_id);
}

std::pair<WorkspaceInvitation, std::string> Sharing::invite(Tx& tx, Id workspace_id, const std::string& email, Role role,
                                                            Id invited_by, std::chrono::seconds lifetime) {
  std::string token = newToken();
  std::string expires_at = isoIn(lifetime);
  Id id = tx.insert(
      "INSERT INTO workspace_invitations (workspace_id, email, role, token_hash, invited_by, created_at, expires_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      workspace_id, email, roleName(role), hashToken(token), invited_by, nowIso(), expires_at);
  return {WorkspaceInvitation{id, workspace_id, email, role, expires_at, "pending"}, token};
}

std::optional<WorkspaceInvitation> Sharing::invitation(Tx& tx, Id invitation_id) const {
  sql::Statement& statement =
      tx.prepare("SELECT " + kInvitationColumns + " FROM workspace_invitations WHERE id = ?1");
  statement.reset();
  statement.bind(1, invitation_id);
  statement.bind(9, nowIso());
  sql::Query q(statement);
  if (!q.next()) return std::nullopt;
  return readInvitation(q);
}

std::vector<WorkspaceInvitation> Sharing::openInvitations(Tx& tx, Id workspace_id) const {
  sql::Statement& statement = tx.prepare("SELECT " + kInvitationColumns +
                                         " FROM workspace_invitations WHERE workspace_id = ?1"
                                         " AND accepted_at IS NULL AND revoked_at IS NULL ORDER BY id");
  statement.reset();
  statement.bind(1, workspace_id);
  statement.bind(9, nowIso());
  sql::Query q(statement);
  std::vector<WorkspaceInvitation> result;
  while (q.next()) result.push_back(readInvitation(q));
  return result;
}

std::string Sharing::renew(Tx& tx, Id invitation_id, std::chrono::seconds lifetime) {
  std::string token = newToken();
  tx.run("UPDATE workspace_invitations SET token_hash = ?1, expires_at = ?2 WHERE id = ?3", hashToken(token),
         isoIn(lifetime), invitation_id);
  return token;
}

void Sharing::revoke(Tx& tx, Id invitation_id) {
  tx.run("UPDATE workspace_invitations SET revoked_at = ?1 WHERE id = ?2", nowIso(), invitation_id);
}

WorkspaceInvitation Sharing::accept(Tx& tx, const std::string& token) {
  std::optional<WorkspaceInvitation> found;
  {
    sql::Statement& statement = tx.prepare("SELECT " + kInvitationColumns +
                                           " FROM workspace_invitations WHERE token_hash = ?1");
    statement.reset();
    statement.bind(1, hashToken(token));
    statement.bind(9, nowIso());
    sql::Query q(statement);
    if (q.next()) found = readInvitation(q);
  }
  if (!found || found->status == "accepted" || found->status == "revoked") {
    throw Error(ErrorKind::kBadRequest, "invalid_token",
                "This invitation link is not valid, was already used, or was revoked; ask for a new one.", "token");
  }
  if (found->status == "expired") {
    throw conflict("token_expired", "This invitation has expired; ask the workspace admin to resend it.", "token");
  }
  tx.run("UPDATE workspace_invitations SET accepted_at = ?1 WHERE id = ?2", nowIso(), found->id);
  found->status = "accepted";
  return *found;
}

}  // namespace worktable::accounts
