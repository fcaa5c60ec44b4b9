// API.md "Accounts and sessions" as a person hired through the Users table lives it: the
// invitation mail and its one-time link, deactivation, reactivation and deletion, an expired
// invitation sent again, a forgotten password reset by mail, and one login that administers
// several companies.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "users_support.h"

namespace {

using namespace worktable::testing;

class Lifecycle : public UsersSuite<Lifecycle> {
 protected:
  // The token of the latest invitation mail to `email`, waiting for the `count`th one.
  static std::string invitationToken(const std::string& email, size_t count = 1) {
    std::vector<Mail> mails = waitForMailsTo(dataDir(), email, count);
    if (mails.size() < count) {
      ADD_FAILURE() << "expected " << count << " mail(s) to " << email << ", found " << mails.size();
      return {};
    }
    std::string token = linkToken(mails.back().body, "/accept-invitation");
    EXPECT_FALSE(token.empty()) << mails.back().body;
    return token;
  }
};

TEST_F(Lifecycle, APersonIsInvitedLogsInIsDeactivatedReactivatedAndDeletedWithTheHistoryKept) {
  setFreeLicenses(acme(), 1);
  Row row = newRow("story");
  int64_t id = addActiveRow(acme(), row)["id"].integer();
  std::string token = invitationToken(row.email);
  ASSERT_FALSE(token.empty());

  HttpClient person = anonymous();
  Response accepted = acceptInvitation(person, token, kStaffPassword);
  ASSERT_EQ(accepted.status, 200) << describe(accepted);
  Json account = accepted.json()["account"];
  EXPECT_TRUE(account["id"].isInteger()) << account;
  EXPECT_EQ(account["email"].str(), row.email);
  EXPECT_EQ(account["firstName"].str(), row.first_name);
  EXPECT_EQ(account["lastName"].str(), row.last_name);
  person.setBearer(login(person, row.email, kStaffPassword));
  ASSERT_EQ(person.get("/api/v1/me").status, 200);

  ASSERT_EQ(patchRow(acme(), id, object({{"Status", "Inactive"}})).status, 200);
  EXPECT_TRUE(isError(person.get("/api/v1/me"), 401));
  EXPECT_TRUE(isError(tryLogin(person, row.email, kStaffPassword), 401, "invalid_credentials"));

  Response reactivated = patchRow(acme(), id, object({{"Status", "Active"}}));
  ASSERT_EQ(reactivated.status, 200) << describe(reactivated);
  Response again = tryLogin(person, row.email, kStaffPassword);
  ASSERT_EQ(again.status, 200) << describe(again);
  person.setBearer(again.json()["token"].str());
  EXPECT_EQ(person.get("/api/v1/me").status, 200);

  ASSERT_EQ(patchRow(acme(), id, object({{"Status", "Inactive"}})).status, 200);
  Response deleted = deleteRow(acme(), id);
  ASSERT_EQ(deleted.status, 204) << describe(deleted);
  EXPECT_TRUE(isError(tryLogin(person, row.email, kStaffPassword), 401, "invalid_credentials"));

  Response history = acme().tenant.api.get(recordPath(acme().users_table, id, "/history"));
  ASSERT_EQ(history.status, 200) << describe(history);
  std::vector<std::string> statuses;
  for (const Json& entry : history.json().elements()) {
    if (entry["changes"].has("Status")) statuses.push_back(entry["changes"]["Status"].dump());
  }
  // Creation, deactivation, reactivation, deactivation; then whatever the deletion records.
  std::vector<std::string> expected = {"[null,\"Active\"]", "[\"Active\",\"Inactive\"]", "[\"Inactive\",\"Active\"]",
                                       "[\"Active\",\"Inactive\"]"};
  statuses.resize(std::min(statuses.size(), expected.size()));
  EXPECT_EQ(statuses, expected) << history.body;
}

TEST_F(Lifecycle, AcceptingWithAPasswordShorterThanTenCharactersIsRefusedAndTheLinkStillWorks) {
  setFreeLicenses(acme(), 1);
  Row row = newRow("weak");
  addActiveRow(acme(), row);
  std::string token = invitationToken(row.email);
  HttpClient person = anonymous();
  EXPECT_TRUE(isError(acceptInvitation(person, token, "123456789"), 422, "weak_password"));
  Response accepted = acceptInvitation(person, token, "0123456789");
  EXPECT_EQ(accepted.status, 200) << describe(accepted);
}

TEST_F(Lifecycle, AnAcceptedInvitationLinkCannotBeUsedAgain) {
  setFreeLicenses(acme(), 1);
  Row row = newRow("reuse");
  addActiveRow(acme(), row);
  std::string token = invitationToken(row.email);
  HttpClient person = anonymous();
  ASSERT_EQ(acceptInvitation(person, token, kStaffPassword).status, 200);
  EXPECT_TRUE(isError(acceptInvitation(person, token, "someone else's password"), 400, "invalid_token"));
  EXPECT_TRUE(isError(tryLogin(person, row.email, "someone else's password"), 401, "invalid_credentials"));
  EXPECT_EQ(tryLogin(person, row.email, kStaffPassword).status, 200);
}

TEST_F(Lifecycle, AnExpiredInvitationIsRefusedAndSavingTheRowAgainSendsANewOne) {
  setFreeLicenses(acme(), 1);
  Row row = newRow("expired");
  int64_t id = addActiveRow(acme(), row)["id"].integer();
  std::string expired = invitationToken(row.email);
  expireInvitation(server(), row.email);
  HttpClient person = anonymous();
  EXPECT_TRUE(isError(acceptInvitation(person, expired, kStaffPassword), 409, "token_expired"));

  Json before = licenses(acme());
  Response saved = patchRow(acme(), id, rowValues(row, "Active"));
  ASSERT_EQ(saved.status, 200) << describe(saved);
  Json values = saved.json()["values"];
  EXPECT_EQ(values["Status"].dump(), "\"Active\"") << values;
  EXPECT_NE(values["Validation result"].dump(), "\"OK\"") << "the admin is not told the invitation went again";
  EXPECT_TRUE(mentions(values["Validation result"], "sent")) << values;
  EXPECT_EQ(licenses(acme()).dump(), before.dump());

  std::string fresh = invitationToken(row.email, 2);
  ASSERT_FALSE(fresh.empty());
  EXPECT_NE(fresh, expired);
  Response accepted = acceptInvitation(person, fresh, kStaffPassword);
  ASSERT_EQ(accepted.status, 200) << describe(accepted);
  EXPECT_EQ(tryLogin(person, row.email, kStaffPassword).status, 200);
}

TEST_F(Lifecycle, FixingTheEmailOfAPendingInvitationInvitesTheNewAddressInstead) {
  setFreeLicenses(acme(), 1);
  Row row = newRow("typo");
  int64_t id = addActiveRow(acme(), row)["id"].integer();
  std::string old_token = invitationToken(row.email);
  std::string fixed = "fixed-" + row.email;
  Response changed = patchRow(acme(), id, object({{"Email", fixed}}));
  ASSERT_EQ(changed.status, 200) << describe(changed);
  EXPECT_EQ(changed.json()["values"]["Status"].dump(), "\"Active\"");

  std::string new_token = invitationToken(fixed);
  ASSERT_FALSE(new_token.empty());
  HttpClient person = anonymous();
  Response stale = acceptInvitation(person, old_token, "the typo owner's password");
  EXPECT_NE(stale.status, 200) << "the link mailed to the mistyped address still works: " << describe(stale);
  Response accepted = acceptInvitation(person, new_token, kStaffPassword);
  ASSERT_EQ(accepted.status, 200) << describe(accepted);
  EXPECT_EQ(accepted.json()["account"]["email"].str(), fixed);
  EXPECT_EQ(tryLogin(person, fixed, kStaffPassword).status, 200);
  EXPECT_EQ(mailsTo(dataDir(), row.email).size(), 1u);
}

TEST_F(Lifecycle, ForgettingAPasswordIsAcceptedAlikeForAnUnknownEmailWhichGetsNoMail) {
  HttpClient client = anonymous();
  std::string unknown = "nobody-" + newRow("unknown").email;
  Response for_unknown = client.post("/api/v1/password/forgot", object({{"email", unknown}}));
  Response for_known = client.post("/api/v1/password/forgot", object({{"email", acme().tenant.person.email}}));
  EXPECT_EQ(for_unknown.status, 202) << describe(for_unknown);
  EXPECT_EQ(for_known.status, 202) << describe(for_known);
  EXPECT_EQ(for_unknown.body, for_known.body);
  flushOutbox(server(), acme());
  EXPECT_TRUE(mailsTo(dataDir(), unknown).empty());
  std::vector<Mail> reset = mailsTo(dataDir(), acme().tenant.person.email);
  ASSERT_FALSE(reset.empty());
  EXPECT_FALSE(linkToken(reset.back().body, "/reset-password").empty()) << reset.back().body;
}

TEST_F(Lifecycle, AResetLinkSetsANewPasswordOnceAndEndsTheOpenSessions) {
  setFreeLicenses(acme(), 1);
  Staff staff = hire(server(), acme(), "reset");
  ASSERT_EQ(staff.api.get("/api/v1/me").status, 200);
  HttpClient client = anonymous();
  ASSERT_EQ(client.post("/api/v1/password/forgot", object({{"email", staff.row.email}})).status, 202);
  std::vector<Mail> mails = waitForMailsTo(dataDir(), staff.row.email, 2);
  ASSERT_EQ(mails.size(), 2u) << "no reset mail to " << staff.row.email;
  std::string token = linkToken(mails.back().body, "/reset-password");
  ASSERT_FALSE(token.empty()) << mails.back().body;

  const std::string fresh = "a brand new password";
  auto reset = [&](const std::string& password) {
    return client.post("/api/v1/password/reset", object({{"token", token}, {"password", password}}));
  };
  EXPECT_TRUE(isError(reset("short"), 422, "weak_password"));
  Response done = reset(fresh);
  ASSERT_EQ(done.status, 204) << describe(done);
  EXPECT_TRUE(done.body.empty());
  EXPECT_TRUE(isError(staff.api.get("/api/v1/me"), 401));
  EXPECT_TRUE(isError(tryLogin(client, staff.row.email, kStaffPassword), 401, "invalid_credentials"));
  EXPECT_EQ(tryLogin(client, staff.row.email, fresh).status, 200);
  EXPECT_TRUE(isError(reset("yet another password"), 400, "invalid_token"));
  EXPECT_EQ(tryLogin(client, staff.row.email, fresh).status, 200);
}

// ---------------------------------------------------------------------------------------
// One login, several companies.

class LifecycleCompanies : public UsersSuite<LifecycleCompanies> {
 protected:
  static Json admin(HttpClient& client, int64_t company_id) {
    Response answer = client.get("/api/v1/admin?company=" + std::to_string(company_id));
    EXPECT_EQ(answer.status, 200) << describe(answer);
    return answer.json();
  }
};

TEST_F(LifecycleCompanies, AnAccountThatSignsUpAgainWithItsOwnPasswordFoundsASecondCompany) {
  HttpClient client = anonymous();
  Person person = newPerson("founder");
  Response first = client.post("/api/v1/signup", signupBody(person));
  ASSERT_EQ(first.status, 201) << describe(first);
  Person again = person;
  again.company = "Second venture of " + person.email;
  Response second = client.post("/api/v1/signup", signupBody(again));
  ASSERT_EQ(second.status, 201) << describe(second);
  EXPECT_EQ(second.json()["account"]["id"].integer(), first.json()["account"]["id"].integer());
  int64_t one = first.json()["company"]["id"].integer();
  int64_t two = second.json()["company"]["id"].integer();
  EXPECT_NE(one, two);

  client.setBearer(login(client, person.email, person.password));
  Response me = client.get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << describe(me);
  std::set<int64_t> listed;
  for (const Json& company : me.json()["companies"].elements()) {
    listed.insert(company["id"].integer());
    EXPECT_TRUE(company["admin"].boolean()) << company;
    EXPECT_FALSE(company["external"].boolean()) << company;
  }
  EXPECT_EQ(listed, (std::set<int64_t>{one, two})) << me.body;

  Json admin_one = admin(client, one);
  Json admin_two = admin(client, two);
  EXPECT_EQ(admin_one["companyId"].integer(), one);
  EXPECT_EQ(admin_two["companyId"].integer(), two);
  EXPECT_NE(admin_one["usersTableId"].integer(), admin_two["usersTableId"].integer());
  Response plain = client.get("/api/v1/admin");
  ASSERT_EQ(plain.status, 200) << describe(plain);
  EXPECT_TRUE(listed.count(plain.json()["companyId"].integer())) << plain.body;
}

TEST_F(LifecycleCompanies, AnAccountIsRefusedTheAdministrationOfACompanyWhereItIsOnlyStaff) {
  setFreeLicenses(acme(), 1);
  Staff staff = hire(server(), acme(), "moonlighter");
  Person founder{"Side business of " + staff.row.email, staff.row.first_name, staff.row.last_name, staff.row.email,
                 kStaffPassword};
  Response founded = staff.api.post("/api/v1/signup", signupBody(founder));
  ASSERT_EQ(founded.status, 201) << describe(founded);
  int64_t own = founded.json()["company"]["id"].integer();
  std::string staff_company = "?company=" + std::to_string(acme().tenant.company_id);

  EXPECT_TRUE(isError(staff.api.get("/api/v1/admin" + staff_company), 403));
  EXPECT_TRUE(isError(staff.api.put("/api/v1/admin/licenses" + staff_company, object({{"total", 100}})), 403));
  EXPECT_EQ(admin(staff.api, own)["companyId"].integer(), own);
  Response plain = staff.api.get("/api/v1/admin");
  ASSERT_EQ(plain.status, 200) << describe(plain);
  EXPECT_EQ(plain.json()["companyId"].integer(), own);
  Response me = staff.api.get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << describe(me);
  EXPECT_EQ(me.json()["companies"].size(), 2u) << me.body;
}

}  // namespace
