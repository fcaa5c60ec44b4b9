// API.md "Sharing" in detail: the members list with its open invitations, inviting (roles,
// members already in), resending, revoking, expiry, accepting with the wrong account, the
// owner's role, leaving a workspace, and who sees which workspace (rule 9, issue 4).
#include <gtest/gtest.h>

#include "sharing_support.h"
#include "worktable/testing/api.h"

namespace {

using namespace worktable::testing;

class Sharing : public UsersSuite<Sharing> {
 protected:
  void SetUp() override {
    UsersSuite<Sharing>::SetUp();
    setFreeLicenses(acme(), 5);
  }

  static HttpClient& admin() { return acme().tenant.api; }
  static Staff hireStaff(const std::string& tag) { return hire(server(), acme(), tag); }
  static void share(HttpClient& inviter, int64_t workspace, const std::string& email, HttpClient& invitee,
                    const std::string& role) {
    shareWorkspace(server(), inviter, workspace, email, invitee, role);
  }
  static SentInvitation invite(HttpClient& inviter, int64_t workspace, const std::string& email,
                               const std::string& role) {
    return inviteToWorkspace(server(), inviter, workspace, email, role);
  }
  static std::string invitationPath(int64_t workspace, int64_t invitation, const std::string& rest = {}) {
    return workspacePath(workspace, "/invitations/" + std::to_string(invitation) + rest);
  }
  static std::string memberPath(int64_t workspace, int64_t account) {
    return workspacePath(workspace, "/members/" + std::to_string(account));
  }
  // The role the caller's GET /workspaces gives for the workspace; "" when it is not listed.
  static std::string listedRole(HttpClient& client, int64_t workspace) {
    Response listed = client.get("/api/v1/workspaces");
    EXPECT_EQ(listed.status, 200) << describe(listed);
    for (const Json& entry : listed.json().elements()) {
      if (entry["id"].integer() == workspace) return entry["role"].str();
    }
    return "";
  }
  static std::vector<int64_t> listedIds(HttpClient& client) {
    Response listed = client.get("/api/v1/workspaces");
    EXPECT_EQ(listed.status, 200) << describe(listed);
    std::vector<int64_t> ids;
    for (const Json& entry : listed.json().elements()) ids.push_back(entry["id"].integer());
    return ids;
  }
  static int64_t administration() { return admin().get("/api/v1/admin").json()["workspaceId"].integer(); }
};

// ---- The members list ------------------------------------------------------------------

TEST_F(Sharing, MembersListShowsEachMemberAndTheOpenInvitationsToAdmins) {
  Tenant& boss = acme().tenant;
  int64_t workspace = createWorkspace(admin(), "Members list");
  Staff viewer = hireStaff("sh-list-viewer");
  share(admin(), workspace, viewer.row.email, viewer.api, "viewer");
  Tenant partner = newTenant("sh-list-partner");
  share(admin(), workspace, partner.person.email, partner.api, "editor");
  Person pending = newPerson("sh-list-pending");
  SentInvitation invited = invite(admin(), workspace, pending.email, "admin");

  Json members = membersOf(admin(), workspace);
  EXPECT_EQ(members.size(), 4u) << members;
  for (const Json& entry : members.elements()) {
    for (const char* key : {"accountId", "email", "role", "external", "status"}) {
      EXPECT_TRUE(entry.has(key)) << "every entry has " << key << ": " << entry;
    }
  }
  Json owner = memberEntry(members, boss.account_id);
  ASSERT_TRUE(owner.isObject()) << "the creator is listed: " << members;
  EXPECT_EQ(owner["email"].str(), boss.person.email);
  EXPECT_EQ(owner["role"].str(), "owner");
  EXPECT_FALSE(owner["external"].boolean());
  EXPECT_EQ(owner["firstName"].str(), boss.person.first_name);
  EXPECT_EQ(owner["lastName"].str(), boss.person.last_name);
  EXPECT_EQ(owner["status"].str(), "active");

  Json staff = memberEntry(members, viewer.account_id);
  ASSERT_TRUE(staff.isObject()) << members;
  EXPECT_EQ(staff["email"].str(), viewer.row.email);
  EXPECT_EQ(staff["role"].str(), "viewer");
  EXPECT_FALSE(staff["external"].boolean()) << "staff of the company is not external: " << staff;
  EXPECT_EQ(staff["firstName"].str(), viewer.row.first_name);
  EXPECT_EQ(staff["lastName"].str(), viewer.row.last_name);

  Json outside = memberEntry(members, partner.account_id);
  ASSERT_TRUE(outside.isObject()) << members;
  EXPECT_EQ(outside["email"].str(), partner.person.email);
  EXPECT_EQ(outside["role"].str(), "editor");
  EXPECT_TRUE(outside["external"].boolean()) << "another company's account is external: " << outside;
  EXPECT_EQ(outside["status"].str(), "active");

  Json open = invitationEntry(members, invited.id);
  ASSERT_TRUE(open.isObject()) << "the pending invitation is listed: " << members;
  EXPECT_EQ(open["invitationId"].integer(), invited.id);
  EXPECT_TRUE(open["accountId"].isNull());
  EXPECT_EQ(open["email"].str(), pending.email);
  EXPECT_EQ(open["role"].str(), "admin");
  EXPECT_EQ(open["status"].str(), "pending");
  EXPECT_TRUE(open["expiresAt"].isString() && !open["expiresAt"].str().empty()) << open;

  // A viewer sees the members, not the invitations.
  Json seen = membersOf(viewer.api, workspace);
  EXPECT_EQ(seen.size(), 3u) << seen;
  EXPECT_TRUE(invitationEntry(seen, invited.id).isNull()) << seen;
  EXPECT_TRUE(memberEntry(seen, partner.account_id).isObject()) << seen;
}

// ---- Inviting ----------------------------------------------------------------------------

TEST_F(Sharing, InvitingAnswers201AndMailsAOneTimeLink) {
  int64_t workspace = createWorkspace(admin(), "Mailed invitation");
  Person person = newPerson("sh-mail");
  Response invited = postInvitation(admin(), workspace, person.email, "editor");
  ASSERT_EQ(invited.status, 201) << describe(invited);
  EXPECT_TRUE(invited.json()["id"].isInteger()) << invited.body;
  std::string token = waitForWorkspaceToken(dataDir(), person.email, 1);
  EXPECT_FALSE(token.empty());
  std::vector<Mail> mails = workspaceInvitationMails(dataDir(), person.email);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].body.find("Mailed invitation"), std::string::npos) << mails[0].body;
}

TEST_F(Sharing, RefusesARoleThatCannotBeGiven) {
  int64_t workspace = createWorkspace(admin(), "Roles");
  for (const char* role : {"owner", "superuser", "", "Admin"}) {
    EXPECT_TRUE(isError(postInvitation(admin(), workspace, newPerson("sh-role").email, role), 422, "invalid_role"))
        << "role \"" << role << "\"";
  }
  Tenant partner = newTenant("sh-role-member");
  share(admin(), workspace, partner.person.email, partner.api, "viewer");
  EXPECT_TRUE(isError(admin().patch(memberPath(workspace, partner.account_id), object({{"role", "owner"}})), 422,
                      "invalid_role"));
  EXPECT_EQ(memberEntry(membersOf(admin(), workspace), partner.account_id)["role"].str(), "viewer");
}

TEST_F(Sharing, RefusesAnInvalidEmail) {
  int64_t workspace = createWorkspace(admin(), "Bad email");
  EXPECT_TRUE(isError(postInvitation(admin(), workspace, "not an email", "viewer"), 422));
}

TEST_F(Sharing, RefusesToInviteSomeoneAlreadyAMember) {
  int64_t workspace = createWorkspace(admin(), "Already in");
  Tenant partner = newTenant("sh-already");
  share(admin(), workspace, partner.person.email, partner.api, "viewer");
  EXPECT_TRUE(isError(postInvitation(admin(), workspace, partner.person.email, "editor"), 409, "already_member"));
  std::string shouted = partner.person.email;
  for (char& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(isError(postInvitation(admin(), workspace, shouted, "editor"), 409, "already_member"))
      << "emails compare ignoring case";
  EXPECT_TRUE(isError(postInvitation(admin(), workspace, acme().tenant.person.email, "viewer"), 409, "already_member"))
      << "the owner is a member";
}

// ---- Resend, revoke, expiry --------------------------------------------------------------

TEST_F(Sharing, ResendingMailsANewLinkAndKillsTheOldOne) {
  int64_t workspace = createWorkspace(admin(), "Resent");
  Person person = newPerson("sh-resend");
  SentInvitation first = invite(admin(), workspace, person.email, "editor");
  std::string second = resendInvitation(server(), admin(), workspace, first.id, person.email);
  EXPECT_NE(second, first.token);
  EXPECT_EQ(workspaceInvitationMails(dataDir(), person.email).size(), 2u);
  Json entry = invitationEntry(membersOf(admin(), workspace), first.id);
  EXPECT_EQ(entry["status"].str(), "pending") << entry;

  Tenant invitee = signUp(server(), person);
  EXPECT_TRUE(isError(acceptWorkspaceInvitation(invitee.api, first.token), 400, "invalid_token"));
  Response accepted = acceptWorkspaceInvitation(invitee.api, second);
  ASSERT_EQ(accepted.status, 200) << describe(accepted);
  EXPECT_EQ(accepted.json()["workspaceId"].integer(), workspace);
  EXPECT_EQ(accepted.json()["role"].str(), "editor");
  EXPECT_EQ(listedRole(invitee.api, workspace), "editor");
  // Accepted: no longer open.
  Json members = membersOf(admin(), workspace);
  EXPECT_TRUE(invitationEntry(members, first.id).isNull()) << members;
  EXPECT_EQ(memberEntry(members, invitee.account_id)["role"].str(), "editor") << members;
}

TEST_F(Sharing, ARevokedInvitationsLinkIsDead) {
  int64_t workspace = createWorkspace(admin(), "Revoked");
  Person person = newPerson("sh-revoke");
  SentInvitation sent = invite(admin(), workspace, person.email, "viewer");
  Response revoked = admin().del(invitationPath(workspace, sent.id));
  ASSERT_EQ(revoked.status, 204) << describe(revoked);
  EXPECT_TRUE(invitationEntry(membersOf(admin(), workspace), sent.id).isNull());
  Tenant invitee = signUp(server(), person);
  EXPECT_TRUE(isError(acceptWorkspaceInvitation(invitee.api, sent.token), 400, "invalid_token"));
  EXPECT_TRUE(isError(invitee.api.get(workspacePath(workspace, "/tables")), 404));
  EXPECT_TRUE(isError(admin().del(invitationPath(workspace, 999999999)), 404));
}

TEST_F(Sharing, AnExpiredInvitationIsListedAsSuchRefusedAndCanBeResent) {
  int64_t workspace = createWorkspace(admin(), "Expired");
  Person person = newPerson("sh-expired");
  SentInvitation sent = invite(admin(), workspace, person.email, "viewer");
  expireWorkspaceInvitation(server(), sent.id);
  Json entry = invitationEntry(membersOf(admin(), workspace), sent.id);
  EXPECT_EQ(entry["status"].str(), "expired") << entry;

  Tenant invitee = signUp(server(), person);
  EXPECT_TRUE(isError(acceptWorkspaceInvitation(invitee.api, sent.token), 409, "token_expired"));
  EXPECT_TRUE(isError(invitee.api.get(workspacePath(workspace, "/tables")), 404));

  std::string renewed = resendInvitation(server(), admin(), workspace, sent.id, person.email);
  EXPECT_EQ(invitationEntry(membersOf(admin(), workspace), sent.id)["status"].str(), "pending");
  Response accepted = acceptWorkspaceInvitation(invitee.api, renewed);
  ASSERT_EQ(accepted.status, 200) << describe(accepted);
  EXPECT_EQ(listedRole(invitee.api, workspace), "viewer");
}

// ---- Accepting ---------------------------------------------------------------------------

TEST_F(Sharing, AnotherAccountCannotAcceptAndTheLinkStaysUsable) {
  int64_t workspace = createWorkspace(admin(), "Wrong account");
  Person person = newPerson("sh-right");
  SentInvitation sent = invite(admin(), workspace, person.email, "editor");
  Tenant intruder = newTenant("sh-wrong");
  EXPECT_TRUE(isError(acceptWorkspaceInvitation(intruder.api, sent.token), 403, "wrong_account"));
  EXPECT_TRUE(isError(intruder.api.get(workspacePath(workspace, "/tables")), 404));
  EXPECT_TRUE(isError(anonymous().post("/api/v1/workspace-invitations/accept", object({{"token", sent.token}})), 401));

  Tenant invitee = signUp(server(), person);
  Response accepted = acceptWorkspaceInvitation(invitee.api, sent.token);
  ASSERT_EQ(accepted.status, 200) << describe(accepted);
  EXPECT_EQ(accepted.json()["workspaceId"].integer(), workspace);
  EXPECT_EQ(accepted.json()["role"].str(), "editor");
  // One use only.
  EXPECT_TRUE(isError(acceptWorkspaceInvitation(invitee.api, sent.token), 400, "invalid_token"));
  EXPECT_TRUE(isError(acceptWorkspaceInvitation(invitee.api, "not-a-token"), 400, "invalid_token"));
}

TEST_F(Sharing, StaffOfTheCompanyWhoAcceptsIsNoExternalUser) {
  int64_t workspace = createWorkspace(admin(), "Staff accepts");
  Staff staff = hireStaff("sh-staff-accepts");
  share(admin(), workspace, staff.row.email, staff.api, "editor");
  EXPECT_EQ(listedRole(staff.api, workspace), "editor");
  EXPECT_FALSE(memberEntry(membersOf(admin(), workspace), staff.account_id)["external"].boolean());
  std::vector<Json> rows = usersRowsWithEmail(admin(), acme().users_table, staff.row.email);
  ASSERT_EQ(rows.size(), 1u) << "no second row for staff";
  Json external = rows[0]["values"]["External?"];
  EXPECT_FALSE(external.isBool() && external.boolean()) << rows[0];
}

// ---- Roles and removal -------------------------------------------------------------------

TEST_F(Sharing, TheOwnersRoleIsProtected) {
  Staff owner = hireStaff("sh-owner");
  int64_t workspace = createWorkspace(owner.api, "Owned");
  EXPECT_EQ(listedRole(owner.api, workspace), "owner");
  for (const char* role : {"viewer", "editor", "admin"}) {
    EXPECT_TRUE(isError(admin().patch(memberPath(workspace, owner.account_id), object({{"role", role}})), 409,
                        "owner_role"))
        << "company admin setting the owner to " << role;
  }
  EXPECT_TRUE(isError(admin().del(memberPath(workspace, owner.account_id)), 409, "owner_role"))
      << "the company admin removing the owner";
  EXPECT_TRUE(isError(owner.api.del(memberPath(workspace, owner.account_id)), 409, "owner_role"))
      << "the owner leaving";
  EXPECT_EQ(memberEntry(membersOf(admin(), workspace), owner.account_id)["role"].str(), "owner");
  EXPECT_EQ(listedRole(owner.api, workspace), "owner");
}

TEST_F(Sharing, ARoleChangeTakesEffectAtTheNextCall) {
  int64_t workspace = createWorkspace(admin(), "Promotion");
  Staff staff = hireStaff("sh-promoted");
  share(admin(), workspace, staff.row.email, staff.api, "viewer");
  EXPECT_TRUE(isError(postInvitation(staff.api, workspace, newPerson("sh-by-viewer").email, "viewer"), 403));
  Response changed = admin().patch(memberPath(workspace, staff.account_id), object({{"role", "admin"}}));
  ASSERT_EQ(changed.status, 200) << describe(changed);
  EXPECT_EQ(listedRole(staff.api, workspace), "admin");
  EXPECT_EQ(postInvitation(staff.api, workspace, newPerson("sh-by-admin").email, "viewer").status, 201);
  // An admin given by invitation may change roles, not the owner's.
  EXPECT_TRUE(isError(staff.api.patch(memberPath(workspace, acme().tenant.account_id), object({{"role", "viewer"}})),
                      409, "owner_role"));
  // Not a member: nothing to change.
  Tenant stranger = newTenant("sh-not-member");
  EXPECT_TRUE(isError(admin().patch(memberPath(workspace, stranger.account_id), object({{"role", "editor"}})), 404));
  EXPECT_TRUE(isError(admin().del(memberPath(workspace, stranger.account_id)), 404));
}

TEST_F(Sharing, AnyoneMayLeaveOnlyAdminsRemoveOthers) {
  int64_t workspace = createWorkspace(admin(), "Leaving");
  Staff viewer = hireStaff("sh-leaver");
  Staff editor = hireStaff("sh-stayer");
  share(admin(), workspace, viewer.row.email, viewer.api, "viewer");
  share(admin(), workspace, editor.row.email, editor.api, "editor");
  EXPECT_TRUE(isError(editor.api.del(memberPath(workspace, viewer.account_id)), 403, "forbidden"))
      << "an editor removing a viewer";
  EXPECT_TRUE(isError(viewer.api.del(memberPath(workspace, editor.account_id)), 403))
      << "a viewer removing an editor";
  Response left = viewer.api.del(memberPath(workspace, viewer.account_id));
  ASSERT_EQ(left.status, 204) << describe(left);
  EXPECT_TRUE(isError(viewer.api.get(workspacePath(workspace, "/tables")), 404)) << "gone at the next call";
  EXPECT_EQ(listedRole(viewer.api, workspace), "");
  EXPECT_TRUE(memberEntry(membersOf(admin(), workspace), viewer.account_id).isNull());
  EXPECT_EQ(listedRole(editor.api, workspace), "editor");
  // Their account and their Users row are untouched.
  EXPECT_EQ(usersRowsWithEmail(admin(), acme().users_table, viewer.row.email).size(), 1u);
  EXPECT_EQ(viewer.api.get("/api/v1/me").status, 200);
}

// ---- Who sees which workspace (rule 9) ---------------------------------------------------

TEST_F(Sharing, AMemberWhoIsNoAdminSeesOnlyTheWorkspacesCreatedOrGiven) {
  Staff creator = hireStaff("sh-creator");
  Staff other = hireStaff("sh-other");
  int64_t theirs = createWorkspace(creator.api, "Creator's");
  int64_t given = createWorkspace(admin(), "Given later");
  int64_t own = createWorkspace(other.api, "Other's own");
  EXPECT_EQ(listedIds(other.api), std::vector<int64_t>{own}) << "only the workspace it created";
  EXPECT_TRUE(isError(other.api.get(workspacePath(theirs, "/tables")), 404));
  EXPECT_TRUE(isError(other.api.get(workspacePath(theirs, "/members")), 404));
  EXPECT_TRUE(isError(other.api.get(workspacePath(given, "/tables")), 404));

  share(admin(), given, other.row.email, other.api, "viewer");
  std::vector<int64_t> ids = listedIds(other.api);
  std::sort(ids.begin(), ids.end());
  std::vector<int64_t> expected = {own, given};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(listedRole(other.api, given), "viewer");
  EXPECT_EQ(listedRole(other.api, own), "owner");
  EXPECT_EQ(other.api.get(workspacePath(given, "/tables")).status, 200);
}

TEST_F(Sharing, ACompanyAdminSeesEveryWorkspaceAndTheAdministrationOthersDoNot) {
  Staff creator = hireStaff("sh-made");
  int64_t made = createWorkspace(creator.api, "Made by staff");
  int64_t admin_workspace = administration();
  ASSERT_NE(admin_workspace, 0);
  EXPECT_EQ(listedRole(admin(), made), "admin") << "company admins are admin on every workspace";
  EXPECT_EQ(listedRole(admin(), admin_workspace), "admin");
  EXPECT_EQ(admin().get(workspacePath(made, "/tables")).status, 200);
  EXPECT_EQ(admin().get(workspacePath(made, "/members")).status, 200);
  EXPECT_EQ(createTable(admin(), made, "Admin's table", array({object({{"name", "A"}, {"type", "text"}})}))["name"].str(),
            "Admin's table");
  EXPECT_EQ(postInvitation(admin(), made, newPerson("sh-admin-invites").email, "viewer").status, 201);

  // Nobody else sees the Administration: staff (even an owner), a partner, another company.
  Tenant partner = newTenant("sh-admin-partner");
  share(creator.api, made, partner.person.email, partner.api, "admin");
  Tenant other_company = newTenant("sh-admin-other");
  int64_t users = acme().users_table;
  for (auto* who : {&creator.api, &partner.api, &other_company.api}) {
    EXPECT_EQ(listedRole(*who, admin_workspace), "");
    EXPECT_TRUE(isError(who->get(workspacePath(admin_workspace, "/tables")), 404));
    EXPECT_TRUE(isError(who->get(workspacePath(admin_workspace, "/members")), 404));
    EXPECT_TRUE(isError(who->get(tablePath(users, "/records")), 404));
    EXPECT_TRUE(isError(who->get(tablePath(users, "/export")), 404));
    EXPECT_TRUE(isError(who->post(tablePath(users, "/records"), object({{"values", object({})}})), 404));
  }
  EXPECT_TRUE(isError(creator.api.get("/api/v1/admin"), 403));
}

// ---- Cookie sessions -----------------------------------------------------------------------

TEST_F(Sharing, CookieCallsThatChangeSharingNeedTheCsrfHeader) {
  int64_t workspace = createWorkspace(admin(), "Cookies");
  HttpClient browser = anonymous();
  Response session =
      browser.post("/api/v1/login", object({{"email", acme().tenant.person.email}, {"password", kPassword}}));
  ASSERT_EQ(session.status, 200) << describe(session);
  std::string cookie = session.header("Set-Cookie").substr(0, session.header("Set-Cookie").find(';'));
  std::string csrf = session.json()["csrfToken"].str();
  Headers without = {{"Cookie", cookie}};
  Headers with = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  std::string invitations = workspacePath(workspace, "/invitations");
  EXPECT_EQ(browser.get(workspacePath(workspace, "/members"), without).status, 200) << "reading needs no header";
  EXPECT_TRUE(isError(browser.post(invitations, object({{"email", newPerson("sh-csrf").email}, {"role", "viewer"}}),
                                   without),
                      403));
  EXPECT_EQ(
      browser.post(invitations, object({{"email", newPerson("sh-csrf").email}, {"role", "viewer"}}), with).status, 201);
  EXPECT_TRUE(isError(browser.post("/api/v1/workspace-invitations/accept", object({{"token", "x"}}), without), 403));
  EXPECT_TRUE(isError(browser.del(memberPath(workspace, acme().tenant.account_id), without), 403));
}

}  // namespace
