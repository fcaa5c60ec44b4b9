#include "access.h"
#include "json.h"
#include "routes.h"

namespace worktable::server {
namespace {

accounts::Role roleFrom(const Poco::JSON::Object& body) {
  std::string name = requireString(body, "role");
  std::optional<accounts::Role> role = accounts::grantableRole(name);
  if (!role) throw invalidValue("invalid_role", "\"" + name + "\" is not a role; use viewer, editor or admin.", "role");
  return *role;
}

Poco::JSON::Object::Ptr invitationJson(const accounts::WorkspaceInvitation& invitation) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("id", invitation.id);
  json->set("invitationId", invitation.id);
  json->set("accountId", Poco::Dynamic::Var());
  json->set("email", invitation.email);
  json->set("role", accounts::roleName(invitation.role));
  json->set("external", Poco::Dynamic::Var());
  json->set("status", invitation.status);
  json->set("expiresAt", invitation.expires_at);
  return json;
}

Poco::JSON::Object::Ptr memberJson(sql::Tx& tx, Services& s, const tables::Workspace& workspace,
                                   const accounts::WorkspaceMember& member) {
  std::optional<accounts::Account> account = s.accounts->byId(tx, member.account_id);
  std::optional<accounts::Membership> company = s.accounts->membership(tx, member.account_id, workspace.company_id);
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("accountId", member.account_id);
  json->set("email", account ? account->email : "");
  json->set("role", accounts::roleName(member.role));
  json->set("external", company ? company->external : false);
  json->set("firstName", account ? account->first_name : "");
  json->set("lastName", account ? account->last_name : "");
  json->set("status", "active");
  return json;
}

void listMembers(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Services& s = ctx.services();
  Poco::JSON::Array body = s.db->read([&](sql::Tx& tx) {
    WorkspaceAccess access = s.access->workspace(tx, account, ctx.id("wid"));
    Poco::JSON::Array members;
    for (const accounts::WorkspaceMember& member : s.sharing->members(tx, access.workspace.id)) {
      members.add(memberJson(tx, s, access.workspace, member));
    }
    if (access.role >= Role::kAdmin) {
      for (const accounts::WorkspaceInvitation& invitation : s.sharing->openInvitations(tx, access.workspace.id)) {
        members.add(invitationJson(invitation));
      }
    }
    return members;
  });
  ctx.sendJson(200, body);
}

void invite(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Poco::JSON::Object::Ptr request = ctx.json();
  std::string email = requireString(*request, "email");
  accounts::Role role = roleFrom(*request);
  Services& s = ctx.services();
  accounts::WorkspaceInvitation invitation = s.db->write([&](sql::Tx& tx) {
    WorkspaceAccess access = s.access->workspace(tx, account, ctx.id("wid"));
    Access::require(access.role, Role::kAdmin, "invite people");
    return s.workspace_sharing->invite(tx, access.workspace, email, role, account);
  });
  ctx.sendJson(201, invitationJson(invitation));
}

void resendInvitation(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Services& s = ctx.services();
  accounts::WorkspaceInvitation invitation = s.db->write([&](sql::Tx& tx) {
    WorkspaceAccess access = s.access->workspace(tx, account, ctx.id("wid"));
    Access::require(access.role, Role::kAdmin, "resend invitations");
    s.workspace_sharing->resend(tx, access.workspace, ctx.id("iid"), account);
    return *s.sharing->invitation(tx, ctx.id("iid"));
  });
  ctx.sendJson(200, invitationJson(invitation));
}

void revokeInvitation(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Services& s = ctx.services();
  s.db->write([&](sql::Tx& tx) {
    WorkspaceAccess access = s.access->workspace(tx, account, ctx.id("wid"));
    Access::require(access.role, Role::kAdmin, "revoke invitations");
    s.workspace_sharing->revoke(tx, access.workspace, ctx.id("iid"));
  });
  ctx.sendNoContent();
}

void acceptInvitation(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  std::string token = requireString(*ctx.json(), "token");
  Services& s = ctx.services();
  accounts::WorkspaceInvitation invitation =
      s.db->write([&](sql::Tx& tx) { return s.workspace_sharing->accept(tx, token, account); });
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("workspaceId", invitation.workspace_id);
  body.set("role", accounts::roleName(invitation.role));
  ctx.sendJson(200, body);
}

void changeRole(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  accounts::Role role = roleFrom(*ctx.json());
  Services& s = ctx.services();
  Poco::JSON::Object::Ptr body = s.db->write([&](sql::Tx& tx) {
    WorkspaceAccess access = s.access->workspace(tx, account, ctx.id("wid"));
    Access::require(access.role, Role::kAdmin, "change roles");
    s.workspace_sharing->changeRole(tx, access.workspace, ctx.id("aid"), role);
    return memberJson(tx, s, access.workspace, *s.sharing->member(tx, access.workspace.id, ctx.id("aid")));
  });
  ctx.sendJson(200, body);
}

void removeMember(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Services& s = ctx.services();
  s.db->write([&](sql::Tx& tx) {
    WorkspaceAccess access = s.access->workspace(tx, account, ctx.id("wid"));
    // Anyone may leave a workspace; removing someone else takes an admin.
    if (ctx.id("aid") != account.id) Access::require(access.role, Role::kAdmin, "remove members");
    s.workspace_sharing->removeMember(tx, access.workspace, ctx.id("aid"), account.email);
  });
  ctx.sendNoContent();
}

}  // namespace

void addSharingRoutes(Router& router) {
  router.add("GET", "/api/v1/workspaces/{wid}/members", listMembers);
  router.add("PATCH", "/api/v1/workspaces/{wid}/members/{aid}", changeRole);
  router.add("DELETE", "/api/v1/workspaces/{wid}/members/{aid}", removeMember);
  router.add("POST", "/api/v1/workspaces/{wid}/invitations", invite);
  router.add("POST", "/api/v1/workspaces/{wid}/invitations/{iid}/resend", resendInvitation);
  router.add("DELETE", "/api/v1/workspaces/{wid}/invitations/{iid}", revokeInvitation);
  router.add("POST", "/api/v1/workspace-invitations/accept", acceptInvitation);
}

}  // namespace worktable::server
