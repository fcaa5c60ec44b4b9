// The partner journey of issue 4 (PRODUCT.md rules 6 and 8), over real HTTP: invited, the
// partner signs up and accepts; an external, read-only row appears in the inviting company's
// Users table, counting no license; a role change holds from the next call; removal from one
// of two workspaces keeps the row, removal from the last one takes it away (its history
// stays) while the partner's own account goes on working.
#include <gtest/gtest.h>

#include "sharing_support.h"
#include "worktable/testing/api.h"

namespace {

using namespace worktable::testing;

class PartnerJourney : public UsersSuite<PartnerJourney> {
 protected:
  static HttpClient& admin() { return acme().tenant.api; }
  static std::string memberPath(int64_t workspace, int64_t account) {
    return workspacePath(workspace, "/members/" + std::to_string(account));
  }
  // The only Users row of acme with that email; null (and a failure) unless exactly one.
  static Json onlyRow(const std::string& email) {
    std::vector<Json> rows = usersRowsWithEmail(admin(), acme().users_table, email);
    EXPECT_EQ(rows.size(), 1u) << "Users rows of " << email;
    return rows.size() == 1 ? rows[0] : Json();
  }
  static Json companyEntry(HttpClient& client, int64_t company_id) {
    Response me = client.get("/api/v1/me");
    EXPECT_EQ(me.status, 200) << describe(me);
    for (const Json& company : me.json()["companies"].elements()) {
      if (company["id"].integer() == company_id) return company;
    }
    return Json();
  }
  static std::string listedRole(HttpClient& client, int64_t workspace) {
    Response listed = client.get("/api/v1/workspaces");
    EXPECT_EQ(listed.status, 200) << describe(listed);
    for (const Json& entry : listed.json().elements()) {
      if (entry["id"].integer() == workspace) return entry["role"].str();
    }
    return "";
  }
};

TEST_F(PartnerJourney, InviteAcceptReadOnlyRoleChangeAndRemoval) {
  int64_t projects = createWorkspace(admin(), "Projects");
  int64_t support = createWorkspace(admin(), "Support");
  int64_t tasks = createTable(admin(), projects, "Tasks", array({object({{"name", "Title"}, {"type", "text"}})}))["id"]
                      .integer();
  int64_t task = createRecord(admin(), tasks, object({{"Title", "Plan"}}))["id"].integer();
  Json licenses_before = licenses(acme());

  // 1. Invited before having an account; signs up (a company of its own), logs in, accepts.
  Person person = newPerson("journey-partner");
  SentInvitation invitation = inviteToWorkspace(server(), admin(), projects, person.email, "viewer");
  Tenant partner = signUp(server(), person);
  EXPECT_TRUE(isError(partner.api.get(workspacePath(projects, "/tables")), 404)) << "nothing before accepting";
  EXPECT_TRUE(usersRowsWithEmail(admin(), acme().users_table, person.email).empty()) << "no row before accepting";
  Response accepted = acceptWorkspaceInvitation(partner.api, invitation.token);
  ASSERT_EQ(accepted.status, 200) << describe(accepted);
  EXPECT_EQ(accepted.json()["workspaceId"].integer(), projects);
  EXPECT_EQ(accepted.json()["role"].str(), "viewer");

  // 2. The external row, with the account's names and email, Active, OK, and no license.
  Json row = onlyRow(person.email);
  ASSERT_TRUE(row.isObject());
  int64_t row_id = row["id"].integer();
  Json values = row["values"];
  EXPECT_TRUE(values["External?"].boolean()) << values;
  EXPECT_EQ(values["First Name"].str(), person.first_name);
  EXPECT_EQ(values["Last Name"].str(), person.last_name);
  EXPECT_EQ(values["Email"].str(), person.email);
  EXPECT_EQ(values["Status"].str(), "Active");
  EXPECT_EQ(values["Validation result"].str(), "OK");
  EXPECT_TRUE(values["User ID"].isString() && !values["User ID"].str().empty()) << values;
  EXPECT_EQ(licenses(acme()).dump(), licenses_before.dump()) << "an external user takes no license";
  Json membership = companyEntry(partner.api, acme().tenant.company_id);
  ASSERT_TRUE(membership.isObject()) << "GET /me names the inviting company";
  EXPECT_TRUE(membership["external"].boolean());
  EXPECT_FALSE(membership["admin"].boolean());
  Json own = companyEntry(partner.api, partner.company_id);
  EXPECT_TRUE(own["admin"].boolean()) << own;
  EXPECT_FALSE(own["external"].boolean()) << own;
  Json member = memberEntry(membersOf(admin(), projects), partner.account_id);
  EXPECT_EQ(member["role"].str(), "viewer") << member;
  EXPECT_TRUE(member["external"].boolean()) << member;
  EXPECT_EQ(listedRole(partner.api, projects), "viewer");
  EXPECT_EQ(listedRole(partner.api, support), "");

  // 3. The row is read-only for the company, whatever the change.
  std::string row_path = recordPath(acme().users_table, row_id);
  EXPECT_TRUE(isError(admin().patch(row_path, object({{"values", object({{"First Name", "Renamed"}})}})), 403,
                      "external_user"));
  EXPECT_TRUE(isError(admin().patch(row_path, object({{"values", object({{"Status", "Inactive"}})}})), 403,
                      "external_user"));
  EXPECT_TRUE(isError(admin().patch(row_path, object({{"values", object({{"External?", false}})}})), 403,
                      "external_user"));
  EXPECT_TRUE(isError(admin().del(row_path), 403, "external_user"));
  EXPECT_EQ(getRow(acme(), row_id)["values"].dump(), values.dump()) << "the refused changes left the row as it was";

  // 4. A viewer reads and may not write; promoted to editor, the same session writes.
  std::string task_path = recordPath(tasks, task);
  EXPECT_EQ(partner.api.get(task_path).status, 200);
  EXPECT_EQ(partner.api.get(tablePath(tasks, "/records")).status, 200);
  EXPECT_TRUE(isError(partner.api.patch(task_path, object({{"values", object({{"Title", "By partner"}})}})), 403));
  Response promoted = admin().patch(memberPath(projects, partner.account_id), object({{"role", "editor"}}));
  ASSERT_EQ(promoted.status, 200) << describe(promoted);
  Response patched = partner.api.patch(task_path, object({{"values", object({{"Title", "By partner"}})}}));
  ASSERT_EQ(patched.status, 200) << describe(patched);
  EXPECT_EQ(patched.json()["values"]["Title"].str(), "By partner");
  EXPECT_EQ(listedRole(partner.api, projects), "editor");
  EXPECT_TRUE(isError(partner.api.post(workspacePath(projects, "/tables"), object({{"name", "Mine"}})), 403))
      << "an editor does not manage tables";
  EXPECT_TRUE(isError(postInvitation(partner.api, projects, newPerson("journey-friend").email, "viewer"), 403))
      << "an editor does not invite";

  // 5. Invited into a second workspace: still one row.
  shareWorkspace(server(), admin(), support, person.email, partner.api, "viewer");
  EXPECT_EQ(listedRole(partner.api, support), "viewer");
  EXPECT_EQ(onlyRow(person.email)["id"].integer(), row_id);

  // 6. Removed from one of the two: out of it at the next call; the row stays.
  Response removed = admin().del(memberPath(projects, partner.account_id));
  ASSERT_EQ(removed.status, 204) << describe(removed);
  EXPECT_TRUE(isError(partner.api.get(task_path), 404));
  EXPECT_TRUE(isError(partner.api.patch(task_path, object({{"values", object({{"Title", "Late"}})}})), 404));
  EXPECT_EQ(listedRole(partner.api, projects), "");
  EXPECT_EQ(listedRole(partner.api, support), "viewer");
  EXPECT_EQ(onlyRow(person.email)["id"].integer(), row_id);
  EXPECT_TRUE(companyEntry(partner.api, acme().tenant.company_id).isObject());

  // 7. Removed from the last: the row is gone, its history is not, the account works on.
  removed = admin().del(memberPath(support, partner.account_id));
  ASSERT_EQ(removed.status, 204) << describe(removed);
  EXPECT_TRUE(usersRowsWithEmail(admin(), acme().users_table, person.email).empty())
      << "the external row disappears with the last right (rule 8)";
  EXPECT_TRUE(isError(admin().get(row_path), 404));
  Response history = admin().get(recordPath(acme().users_table, row_id, "/history"));
  ASSERT_EQ(history.status, 200) << describe(history);
  ASSERT_GE(history.json().size(), 1u) << history.body;
  Json created = history.json()[0];
  EXPECT_TRUE(created["changes"]["Email"].isArray()) << created;
  EXPECT_EQ(created["changes"]["Email"][1].str(), person.email) << created;
  EXPECT_TRUE(isError(partner.api.get(workspacePath(support, "/tables")), 404));
  EXPECT_EQ(licenses(acme()).dump(), licenses_before.dump());

  HttpClient again = anonymous();
  again.setBearer(login(again, person.email, person.password));
  Response mine = again.get("/api/v1/workspaces");
  ASSERT_EQ(mine.status, 200) << describe(mine);
  ASSERT_GE(mine.json().size(), 1u) << "its own company's workspaces: " << mine.body;
  for (const Json& workspace : mine.json().elements()) {
    EXPECT_EQ(workspace["companyId"].integer(), partner.company_id) << "nothing of acme is left: " << mine.body;
  }
  EXPECT_TRUE(companyEntry(again, acme().tenant.company_id).isNull()) << "GET /me no longer names acme";
  EXPECT_TRUE(companyEntry(again, partner.company_id).isObject());
  EXPECT_EQ(again.get("/api/v1/admin").status, 200) << "still the admin of its own company";
  // The members list of acme's workspaces no longer names the partner.
  EXPECT_TRUE(memberEntry(membersOf(admin(), support), partner.account_id).isNull());
}

TEST_F(PartnerJourney, APartnerWhoLeavesTheLastWorkspaceVanishesFromTheUsersTable) {
  int64_t workspace = createWorkspace(admin(), "Left by partner");
  Tenant partner = newTenant("journey-leaver");
  shareWorkspace(server(), admin(), workspace, partner.person.email, partner.api, "editor");
  int64_t row_id = onlyRow(partner.person.email)["id"].integer();
  Response left = partner.api.del(memberPath(workspace, partner.account_id));
  ASSERT_EQ(left.status, 204) << describe(left);
  EXPECT_TRUE(usersRowsWithEmail(admin(), acme().users_table, partner.person.email).empty());
  EXPECT_EQ(admin().get(recordPath(acme().users_table, row_id, "/history")).status, 200);
  EXPECT_TRUE(isError(partner.api.get(workspacePath(workspace, "/tables")), 404));
  EXPECT_EQ(partner.api.get("/api/v1/me").status, 200);
}

TEST_F(PartnerJourney, APartnerInvitedAgainAfterRemovalGetsARowAgain) {
  int64_t workspace = createWorkspace(admin(), "Back again");
  Tenant partner = newTenant("journey-returning");
  shareWorkspace(server(), admin(), workspace, partner.person.email, partner.api, "viewer");
  int64_t first_row = onlyRow(partner.person.email)["id"].integer();
  ASSERT_EQ(admin().del(memberPath(workspace, partner.account_id)).status, 204);
  EXPECT_TRUE(usersRowsWithEmail(admin(), acme().users_table, partner.person.email).empty());

  shareWorkspace(server(), admin(), workspace, partner.person.email, partner.api, "editor");
  Json row = onlyRow(partner.person.email);
  ASSERT_TRUE(row.isObject());
  EXPECT_NE(row["id"].integer(), first_row);
  EXPECT_TRUE(row["values"]["External?"].boolean());
  EXPECT_EQ(row["values"]["Status"].str(), "Active");
  EXPECT_EQ(listedRole(partner.api, workspace), "editor");
  Json membership = companyEntry(partner.api, acme().tenant.company_id);
  EXPECT_TRUE(membership["external"].boolean()) << membership;
}

TEST_F(PartnerJourney, APartnerIsExternalInEveryCompanyThatInvitesIt) {
  // Staff of globex (hired through its Users table) invited by acme: external in acme only.
  setFreeLicenses(globex(), 2);
  Staff partner = hire(server(), globex(), "journey-globex-staff");
  int64_t workspace = createWorkspace(admin(), "Across companies");
  Json globex_before = licenses(globex());
  Json acme_before = licenses(acme());
  shareWorkspace(server(), admin(), workspace, partner.row.email, partner.api, "editor");
  Json row = onlyRow(partner.row.email);
  EXPECT_EQ(row["values"]["User ID"].str(), partner.row.user_id) << "the row carries the account's User ID";
  EXPECT_EQ(row["values"]["First Name"].str(), partner.row.first_name);
  EXPECT_EQ(row["values"]["Last Name"].str(), partner.row.last_name);
  EXPECT_TRUE(row["values"]["External?"].boolean());
  EXPECT_EQ(licenses(acme()).dump(), acme_before.dump());
  EXPECT_EQ(licenses(globex()).dump(), globex_before.dump());
  // Its own company's row is unchanged: internal, Active.
  std::vector<Json> own_rows = usersRowsWithEmail(globex().tenant.api, globex().users_table, partner.row.email);
  ASSERT_EQ(own_rows.size(), 1u);
  Json external = own_rows[0]["values"]["External?"];
  EXPECT_FALSE(external.isBool() && external.boolean()) << own_rows[0];
  // Editing records works as an editor; acme's Administration stays out of reach.
  int64_t table = createTable(admin(), workspace, "Orders", array({object({{"name", "Ref"}, {"type", "text"}})}))["id"]
                      .integer();
  EXPECT_EQ(partner.api.post(tablePath(table, "/records"), object({{"values", object({{"Ref", "A-1"}})}})).status, 201);
  EXPECT_TRUE(isError(partner.api.get(tablePath(acme().users_table, "/records")), 404));
  EXPECT_TRUE(isError(partner.api.get("/api/v1/admin?company=" + std::to_string(acme().tenant.company_id)), 403));
}

TEST_F(PartnerJourney, AStaffMemberBlockedByTheirOwnCompanyCannotLogInThroughAPartnership) {
  // API.md: Status Active -> Inactive means "login refused, open sessions ended". A partner
  // right in another company must not keep a blocked leaver's login alive.
  setFreeLicenses(globex(), 2);
  Staff leaver = hire(server(), globex(), "journey-leaver-blocked");
  int64_t workspace = createWorkspace(admin(), "Shared with a leaver");
  shareWorkspace(server(), admin(), workspace, leaver.row.email, leaver.api, "editor");
  Response blocked = patchRow(globex(), leaver.record_id, object({{"Status", "Inactive"}}));
  ASSERT_EQ(blocked.status, 200) << describe(blocked);
  ASSERT_EQ(blocked.json()["values"]["Status"].str(), "Inactive");
  EXPECT_TRUE(isError(leaver.api.get("/api/v1/me"), 401)) << "the open session ended";

  HttpClient client = anonymous();
  Response login = tryLogin(client, leaver.row.email, kStaffPassword);
  EXPECT_TRUE(isError(login, 401, "invalid_credentials"))
      << "POST /api/v1/login of a person whose own company set their Users row Inactive, while they are an "
         "external editor in another company's workspace";
  if (login.status == 200) {
    client.setBearer(login.json()["token"].str());
    ADD_FAILURE() << "and with that login, GET /api/v1/workspaces answers " << describe(client.get("/api/v1/workspaces"));
  }
}

}  // namespace
