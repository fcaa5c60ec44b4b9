// API.md "Administration", the Users-table outcomes: what saving a row with Status Active
// does, for each way a row is saved (POST, PATCH, CSV import); what later edits,
// deactivation, reactivation and deletion do to the account behind a row.
#include <gtest/gtest.h>

#include <regex>

#include "users_support.h"

namespace {

using namespace worktable::testing;

// `values` (a JSON object) with one more member.
Poco::Dynamic::Var with(Poco::Dynamic::Var values, const std::string& name, const Poco::Dynamic::Var& value) {
  Poco::JSON::Object::Ptr members = values.extract<Poco::JSON::Object::Ptr>();
  members->set(name, value);
  return values;
}

// "row 12 (Grace Hopper3, Active)": how a Validation result names the row holding an identity.
std::string rowName(const Json& record, const std::string& status) {
  return "row " + std::to_string(record["id"].integer()) + " (" + record["values"]["First Name"].str() + " " +
         record["values"]["Last Name"].str() + ", " + status + ")";
}

// ---------------------------------------------------------------------------------------
// Saving a row with Status Active, for each way a row is saved.

enum class Way { kPost, kPatch, kImport };

std::string wayName(const ::testing::TestParamInfo<Way>& info) {
  switch (info.param) {
    case Way::kPost:
      return "ByPost";
    case Way::kPatch:
      return "ByPatch";
    case Way::kImport:
      return "ByImport";
  }
  return "Unknown";
}

void PrintTo(Way way, std::ostream* out) { *out << wayName(::testing::TestParamInfo<Way>(way, 0)); }

class UsersActivation : public UsersSuite<UsersActivation>, public ::testing::WithParamInterface<Way> {
 protected:
  // Saves `row` with Status Active the way under test and returns the stored record. The PATCH
  // way stores the row Inactive first, then sets its Status to Active.
  static Json activate(const Row& row) {
    Company& company = acme();
    switch (GetParam()) {
      case Way::kPost: {
        Response created = postRow(company, rowValues(row, "Active"));
        EXPECT_EQ(created.status, 201) << describe(created);
        return created.json();
      }
      case Way::kPatch: {
        Response draft = postRow(company, rowValues(row, "Inactive"));
        EXPECT_EQ(draft.status, 201) << describe(draft);
        EXPECT_EQ(draft.json()["values"]["Status"].dump(), "\"Inactive\"") << describe(draft);
        Response patched = patchRow(company, draft.json()["id"].integer(), object({{"Status", "Active"}}));
        EXPECT_EQ(patched.status, 200) << describe(patched);
        return patched.json();
      }
      case Way::kImport: {
        Response imported = importRows(company, csvHeader() + csvLine(row, "Active"));
        EXPECT_EQ(imported.status, 200) << describe(imported);
        Json report = imported.json();
        EXPECT_EQ(report["inserted"].integer(), 1) << report;
        EXPECT_EQ(report["rejected"].integer(), 0) << report;
        EXPECT_EQ(report["rows"].size(), 1u) << report;
        EXPECT_EQ(report["rows"][0]["line"].integer(), 2) << report;
        if (!report["rows"][0]["id"].isInteger()) {
          ADD_FAILURE() << "the line was not stored: " << report;
          return Json();
        }
        return getRow(company, report["rows"][0]["id"].integer());
      }
    }
    return Json();
  }

  // The Status a refused activation leaves: the one before the save (none for an insert).
  static std::string statusBefore() { return GetParam() == Way::kPatch ? "\"Inactive\"" : "null"; }

  // Checks that no mail went to `email` beyond the `before` already there.
  static void expectNoNewMail(const std::string& email, size_t before) {
    flushOutbox(server(), acme());
    EXPECT_EQ(mailsTo(dataDir(), email).size(), before) << "a mail went to " << email;
  }
};

INSTANTIATE_TEST_SUITE_P(, UsersActivation, ::testing::Values(Way::kPost, Way::kPatch, Way::kImport), wayName);

TEST_P(UsersActivation, WithEveryFieldValidCreatesTheAccountAndMailsAnInvitationThatLetsThePersonIn) {
  setFreeLicenses(acme(), 1);
  Json before = licenses(acme());
  Row row = newRow("valid");
  Json values = activate(row)["values"];
  EXPECT_EQ(values["Status"].dump(), "\"Active\"") << values;
  EXPECT_EQ(values["Validation result"].dump(), "\"OK\"") << values;
  Json after = licenses(acme());
  EXPECT_EQ(after["used"].integer(), before["used"].integer() + 1) << after;
  EXPECT_EQ(after["free"].integer(), 0) << after;

  std::vector<Mail> mails = waitForMailsTo(dataDir(), row.email, 1);
  ASSERT_EQ(mails.size(), 1u) << "no invitation mail to " << row.email;
  EXPECT_TRUE(std::regex_match(mails[0].file, std::regex("[0-9]{8}\\.eml"))) << mails[0].file;
  EXPECT_TRUE(std::regex_search(mails[0].headers, std::regex("(^|\r\n)Date: [^\r\n]+\r\n"))) << mails[0].headers;
  EXPECT_TRUE(std::regex_search(mails[0].headers, std::regex("(^|\r\n)From: [^\r\n]*@[^\r\n]+\r\n")))
      << mails[0].headers;
  EXPECT_FALSE(mails[0].subject.empty()) << mails[0].headers;
  std::string token = linkToken(mails[0].body, "/accept-invitation");
  ASSERT_FALSE(token.empty()) << mails[0].body;

  HttpClient person = anonymous();
  Response accepted = acceptInvitation(person, token, kStaffPassword);
  ASSERT_EQ(accepted.status, 200) << describe(accepted);
  EXPECT_EQ(accepted.json()["account"]["email"].str(), row.email);
  person.setBearer(login(person, row.email, kStaffPassword));
  Response me = person.get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << describe(me);
  EXPECT_EQ(me.json()["account"]["firstName"].str(), row.first_name);
  EXPECT_EQ(me.json()["account"]["lastName"].str(), row.last_name);
  ASSERT_EQ(me.json()["companies"].size(), 1u) << me.body;
  EXPECT_EQ(me.json()["companies"][0]["id"].integer(), acme().tenant.company_id);
  EXPECT_FALSE(me.json()["companies"][0]["admin"].boolean());
}

TEST_P(UsersActivation, MissingARequiredFieldKeepsTheRowWithItsStatusAsBeforeAndNamesTheField) {
  setFreeLicenses(acme(), 1);
  Json before = licenses(acme());
  std::vector<std::string> emails;
  for (const std::string field : {"User ID", "First Name", "Last Name", "Email"}) {
    SCOPED_TRACE(field);
    Row row = newRow("missing");
    if (field == "User ID") row.user_id.clear();
    if (field == "First Name") row.first_name.clear();
    if (field == "Last Name") row.last_name.clear();
    if (field == "Email") row.email.clear();
    if (!row.email.empty()) emails.push_back(row.email);
    Json record = activate(row);
    EXPECT_TRUE(record["id"].isInteger()) << record;
    EXPECT_EQ(record["values"]["Status"].dump(), statusBefore()) << record;
    EXPECT_TRUE(mentions(record["values"]["Validation result"], field)) << record;
  }
  for (const std::string& email : emails) expectNoNewMail(email, 0);
  EXPECT_EQ(licenses(acme()).dump(), before.dump());
}

TEST_P(UsersActivation, WithAnInvalidEmailKeepsTheRowWithItsStatusAsBeforeAndNamesTheEmail) {
  setFreeLicenses(acme(), 1);
  Json before = licenses(acme());
  Row row = newRow("bad-email");
  row.email = "grace.hopper.at." + row.user_id + ".example.com";
  Json record = activate(row);
  EXPECT_TRUE(record["id"].isInteger()) << record;
  EXPECT_EQ(record["values"]["Email"].dump(), "\"" + row.email + "\"") << record;
  EXPECT_EQ(record["values"]["Status"].dump(), statusBefore()) << record;
  EXPECT_TRUE(mentions(record["values"]["Validation result"], row.email)) << record;
  expectNoNewMail(row.email, 0);
  EXPECT_EQ(licenses(acme()).dump(), before.dump());
}

TEST_P(UsersActivation, WithAUserIdTakenInAnotherCaseKeepsTheRowAndNamesTheRowHoldingIt) {
  setFreeLicenses(acme(), 2);
  Json holder = addActiveRow(acme(), newRow("uid-holder"));
  Json before = licenses(acme());
  Row row = newRow("uid-taken");
  row.user_id = upper(holder["values"]["User ID"].str());
  if (GetParam() == Way::kImport) {
    // A staff list is matched to rows by User ID (issue 5): the line updates the holder's
    // row, whose User ID keeps its spelling; no second row appears.
    Response imported = importRows(acme(), csvHeader() + csvLine(row, "Active"));
    ASSERT_EQ(imported.status, 200) << describe(imported);
    EXPECT_EQ(imported.json()["updated"].integer(), 1) << imported.body;
    EXPECT_EQ(imported.json()["rows"][0]["id"].integer(), holder["id"].integer()) << imported.body;
    Json updated = getRow(acme(), holder["id"].integer());
    EXPECT_EQ(updated["values"]["User ID"].str(), holder["values"]["User ID"].str()) << updated;
    EXPECT_EQ(updated["values"]["Email"].str(), row.email) << updated;
    EXPECT_EQ(licenses(acme()).dump(), before.dump());
    return;
  }
  Json record = activate(row);
  EXPECT_TRUE(record["id"].isInteger()) << record;
  EXPECT_EQ(record["values"]["Status"].dump(), statusBefore()) << record;
  EXPECT_TRUE(mentions(record["values"]["Validation result"], rowName(holder, "Active"))) << record;
  expectNoNewMail(row.email, 0);
  EXPECT_EQ(licenses(acme()).dump(), before.dump());
}

TEST_P(UsersActivation, WithAnEmailTakenInAnotherCaseKeepsTheRowAndNamesTheRowHoldingIt) {
  setFreeLicenses(acme(), 2);
  Row holder_row = newRow("email-holder");
  Json holder = addActiveRow(acme(), holder_row);
  size_t mails_before = waitForMailsTo(dataDir(), holder_row.email, 1).size();
  Json before = licenses(acme());
  Row row = newRow("email-taken");
  row.email = upper(holder_row.email);
  Json record = activate(row);
  EXPECT_TRUE(record["id"].isInteger()) << record;
  EXPECT_EQ(record["values"]["Status"].dump(), statusBefore()) << record;
  EXPECT_TRUE(mentions(record["values"]["Validation result"], rowName(holder, "Active"))) << record;
  expectNoNewMail(holder_row.email, mails_before);
  EXPECT_EQ(licenses(acme()).dump(), before.dump());
}

TEST_P(UsersActivation, WithTheEmailOfAnInactiveRowKeepsTheRowAndNamesThatRowAsInactive) {
  setFreeLicenses(acme(), 2);
  Row holder_row = newRow("inactive-holder");
  Json holder = addActiveRow(acme(), holder_row);
  Response deactivated = patchRow(acme(), holder["id"].integer(), object({{"Status", "Inactive"}}));
  ASSERT_EQ(deactivated.status, 200) << describe(deactivated);
  size_t mails_before = waitForMailsTo(dataDir(), holder_row.email, 1).size();
  Json before = licenses(acme());
  Row row = newRow("inactive-taken");
  row.email = upper(holder_row.email);
  Json record = activate(row);
  EXPECT_TRUE(record["id"].isInteger()) << record;
  EXPECT_EQ(record["values"]["Status"].dump(), statusBefore()) << record;
  EXPECT_TRUE(mentions(record["values"]["Validation result"], rowName(holder, "Inactive"))) << record;
  expectNoNewMail(holder_row.email, mails_before);
  EXPECT_EQ(licenses(acme()).dump(), before.dump());
}

TEST_P(UsersActivation, WithTheEmailOfAnotherCompanysAccountKeepsTheRowAndSaysTheEmailIsTaken) {
  setFreeLicenses(acme(), 1);
  const std::string& taken = globex().tenant.person.email;
  size_t mails_before = mailsTo(dataDir(), taken).size();
  Json before = licenses(acme());
  Row row = newRow("foreign-taken");
  row.email = upper(taken);
  Json record = activate(row);
  EXPECT_TRUE(record["id"].isInteger()) << record;
  EXPECT_EQ(record["values"]["Status"].dump(), statusBefore()) << record;
  EXPECT_TRUE(mentions(record["values"]["Validation result"], taken)) << record;
  expectNoNewMail(taken, mails_before);
  EXPECT_EQ(licenses(acme()).dump(), before.dump());
}

TEST_P(UsersActivation, WithoutAFreeLicenseKeepsTheRowWithItsStatusAsBeforeAndSaysHowToAddLicenses) {
  setFreeLicenses(acme(), 0);
  Json before = licenses(acme());
  Row row = newRow("no-license");
  Json record = activate(row);
  EXPECT_TRUE(record["id"].isInteger()) << record;
  EXPECT_EQ(record["values"]["Status"].dump(), statusBefore()) << record;
  EXPECT_TRUE(mentions(record["values"]["Validation result"], "license")) << record;
  EXPECT_TRUE(mentions(record["values"]["Validation result"], "Plan & billing")) << record;
  expectNoNewMail(row.email, 0);
  EXPECT_EQ(licenses(acme()).dump(), before.dump());
}

TEST_P(UsersActivation, OfARowTickedExternalIsForbidden) {
  setFreeLicenses(acme(), 1);
  Json before = licenses(acme());
  Row row = newRow("external");
  switch (GetParam()) {
    case Way::kPost: {
      EXPECT_TRUE(isError(postRow(acme(), with(rowValues(row, "Active"), "External?", true)), 403, "external_user"));
      break;
    }
    case Way::kPatch: {
      Response draft = postRow(acme(), rowValues(row, "Inactive"));
      ASSERT_EQ(draft.status, 201) << describe(draft);
      int64_t id = draft.json()["id"].integer();
      EXPECT_TRUE(
          isError(patchRow(acme(), id, object({{"External?", true}, {"Status", "Active"}})), 403, "external_user"));
      Json values = getRow(acme(), id)["values"];
      EXPECT_NE(values["External?"].dump(), "true") << values;
      EXPECT_EQ(values["Status"].dump(), "\"Inactive\"") << values;
      break;
    }
    case Way::kImport: {
      std::string csv = "User ID,First Name,Last Name,Email,Status,External?\r\n" + row.user_id + "," + row.first_name +
                        "," + row.last_name + "," + row.email + ",Active,true\r\n";
      Response imported = importRows(acme(), csv);
      ASSERT_EQ(imported.status, 200) << describe(imported);
      Json report = imported.json();
      EXPECT_EQ(report["inserted"].integer(), 0) << report;
      EXPECT_EQ(report["rejected"].integer(), 1) << report;
      EXPECT_TRUE(report["rows"][0]["id"].isNull()) << report;
      EXPECT_TRUE(mentions(report["rows"][0]["result"], "external")) << report;
      break;
    }
  }
  if (GetParam() != Way::kPatch) {
    EXPECT_EQ(listRecords(acme().tenant.api, acme().users_table, "q=" + encode(row.email))["total"].integer(), 0);
  }
  expectNoNewMail(row.email, 0);
  EXPECT_EQ(licenses(acme()).dump(), before.dump());
}

// ---------------------------------------------------------------------------------------
// Rows whose account exists.

class UsersAccounts : public UsersSuite<UsersAccounts> {};

TEST_F(UsersAccounts, ChangingTheUserIdIsRefusedAsImmutable) {
  setFreeLicenses(acme(), 1);
  Json record = addActiveRow(acme(), newRow("uid-change"));
  int64_t id = record["id"].integer();
  EXPECT_TRUE(isError(patchRow(acme(), id, object({{"User ID", "uid-renamed-" + std::to_string(id)}})), 409,
                      "immutable_field", "User ID"));
  Json stored = getRow(acme(), id);
  EXPECT_EQ(stored["values"]["User ID"].dump(), record["values"]["User ID"].dump());
  EXPECT_EQ(stored["version"].integer(), record["version"].integer());
}

TEST_F(UsersAccounts, TickingExternalIsRefusedAsImmutable) {
  setFreeLicenses(acme(), 1);
  Json record = addActiveRow(acme(), newRow("external-change"));
  int64_t id = record["id"].integer();
  EXPECT_TRUE(isError(patchRow(acme(), id, object({{"External?", true}})), 409, "immutable_field", "External?"));
  Json stored = getRow(acme(), id);
  EXPECT_NE(stored["values"]["External?"].dump(), "true");
  EXPECT_EQ(stored["version"].integer(), record["version"].integer());
}

TEST_F(UsersAccounts, APersonWritingTheValidationResultIsRefusedAsImmutable) {
  setFreeLicenses(acme(), 1);
  Row inserted = newRow("result-insert");
  EXPECT_TRUE(isError(postRow(acme(), with(rowValues(inserted, "Inactive"), "Validation result", "OK")), 409,
                      "immutable_field", "Validation result"));
  EXPECT_EQ(listRecords(acme().tenant.api, acme().users_table, "q=" + encode(inserted.email))["total"].integer(), 0);

  Response draft = postRow(acme(), rowValues(newRow("result-draft"), "Inactive"));
  ASSERT_EQ(draft.status, 201) << describe(draft);
  EXPECT_TRUE(isError(patchRow(acme(), draft.json()["id"].integer(), object({{"Validation result", "OK"}})), 409,
                      "immutable_field", "Validation result"));

  Json active = addActiveRow(acme(), newRow("result-account"));
  EXPECT_TRUE(isError(patchRow(acme(), active["id"].integer(), object({{"Validation result", "All good"}})), 409,
                      "immutable_field", "Validation result"));
  EXPECT_EQ(getRow(acme(), active["id"].integer())["values"]["Validation result"].dump(), "\"OK\"");

  // An import either refuses the line or leaves the result to the validators.
  Row imported = newRow("result-import");
  Response report =
      importRows(acme(), "User ID,First Name,Last Name,Email,Status,Validation result\r\n" + imported.user_id +
                             ",Grace,Hopper," + imported.email + ",Inactive,All good\r\n");
  ASSERT_EQ(report.status, 200) << describe(report);
  Json line = report.json()["rows"][0];
  if (line["id"].isInteger()) {
    EXPECT_NE(getRow(acme(), line["id"].integer())["values"]["Validation result"].dump(), "\"All good\"");
  } else {
    EXPECT_TRUE(mentions(line["result"], "Validation result")) << report.body;
  }
}

TEST_F(UsersAccounts, RenamingTheRowRenamesTheAccount) {
  setFreeLicenses(acme(), 1);
  Staff staff = hire(server(), acme(), "rename");
  Response renamed = patchRow(acme(), staff.record_id, object({{"First Name", "Amazing"}, {"Last Name", "Grace"}}));
  ASSERT_EQ(renamed.status, 200) << describe(renamed);
  EXPECT_EQ(renamed.json()["values"]["First Name"].str(), "Amazing");
  Response me = staff.api.get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << describe(me);
  EXPECT_EQ(me.json()["account"]["firstName"].str(), "Amazing");
  EXPECT_EQ(me.json()["account"]["lastName"].str(), "Grace");
  EXPECT_EQ(me.json()["account"]["email"].str(), staff.row.email);
}

TEST_F(UsersAccounts, ChangingTheEmailMovesTheLoginToTheNewAddress) {
  setFreeLicenses(acme(), 1);
  Staff staff = hire(server(), acme(), "move-email");
  std::string moved = "moved-" + staff.row.email;
  Response changed = patchRow(acme(), staff.record_id, object({{"Email", moved}}));
  ASSERT_EQ(changed.status, 200) << describe(changed);
  EXPECT_EQ(changed.json()["values"]["Email"].str(), moved);
  Response me = staff.api.get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << describe(me);
  EXPECT_EQ(me.json()["account"]["email"].str(), moved);
  HttpClient client = anonymous();
  EXPECT_EQ(tryLogin(client, moved, kStaffPassword).status, 200);
  EXPECT_TRUE(isError(tryLogin(client, staff.row.email, kStaffPassword), 401, "invalid_credentials"));
}

TEST_F(UsersAccounts, ChangingTheEmailToOneAlreadyTakenIsRefusedAsDuplicate) {
  setFreeLicenses(acme(), 2);
  Row first = newRow("dup-first");
  Row second = newRow("dup-second");
  Json record = addActiveRow(acme(), first);
  addActiveRow(acme(), second);
  int64_t id = record["id"].integer();
  EXPECT_TRUE(isError(patchRow(acme(), id, object({{"Email", upper(second.email)}})), 409, "duplicate_email", "Email"));
  EXPECT_TRUE(isError(patchRow(acme(), id, object({{"Email", globex().tenant.person.email}})), 409, "duplicate_email",
                      "Email"));
  Json stored = getRow(acme(), id);
  EXPECT_EQ(stored["values"]["Email"].str(), first.email);
  EXPECT_EQ(stored["version"].integer(), record["version"].integer());
}

TEST_F(UsersAccounts, DeactivatingFreesTheLicenseRefusesLoginAndEndsOpenSessions) {
  setFreeLicenses(acme(), 1);
  Staff staff = hire(server(), acme(), "deactivate");
  ASSERT_EQ(staff.api.get("/api/v1/me").status, 200);
  Json before = licenses(acme());
  Response deactivated = patchRow(acme(), staff.record_id, object({{"Status", "Inactive"}}));
  ASSERT_EQ(deactivated.status, 200) << describe(deactivated);
  EXPECT_EQ(deactivated.json()["values"]["Status"].str(), "Inactive");
  Json after = licenses(acme());
  EXPECT_EQ(after["used"].integer(), before["used"].integer() - 1) << after;
  EXPECT_EQ(after["free"].integer(), before["free"].integer() + 1) << after;
  EXPECT_TRUE(isError(staff.api.get("/api/v1/me"), 401));
  HttpClient client = anonymous();
  EXPECT_TRUE(isError(tryLogin(client, staff.row.email, kStaffPassword), 401, "invalid_credentials"));
}

TEST_F(UsersAccounts, ReactivatingNeedsAFreeLicenseAndThenLetsTheAccountLogInAgain) {
  setFreeLicenses(acme(), 1);
  Staff staff = hire(server(), acme(), "reactivate");
  ASSERT_EQ(patchRow(acme(), staff.record_id, object({{"Status", "Inactive"}})).status, 200);
  setFreeLicenses(acme(), 0);
  Json full = licenses(acme());
  EXPECT_TRUE(isError(patchRow(acme(), staff.record_id, object({{"Status", "Active"}})), 409, "license_limit"));
  EXPECT_EQ(getRow(acme(), staff.record_id)["values"]["Status"].str(), "Inactive");
  EXPECT_EQ(licenses(acme()).dump(), full.dump());
  HttpClient client = anonymous();
  EXPECT_TRUE(isError(tryLogin(client, staff.row.email, kStaffPassword), 401, "invalid_credentials"));

  setFreeLicenses(acme(), 1);
  Response reactivated = patchRow(acme(), staff.record_id, object({{"Status", "Active"}}));
  ASSERT_EQ(reactivated.status, 200) << describe(reactivated);
  EXPECT_EQ(reactivated.json()["values"]["Status"].str(), "Active");
  EXPECT_EQ(licenses(acme())["free"].integer(), 0);
  Response login = tryLogin(client, staff.row.email, kStaffPassword);
  EXPECT_EQ(login.status, 200) << describe(login);
}

TEST_F(UsersAccounts, DeletingAnActiveRowIsRefusedUntilItIsInactive) {
  setFreeLicenses(acme(), 1);
  Json record = addActiveRow(acme(), newRow("delete-active"));
  int64_t id = record["id"].integer();
  EXPECT_TRUE(isError(deleteRow(acme(), id), 409, "must_be_inactive"));
  EXPECT_EQ(getRow(acme(), id)["values"]["Status"].str(), "Active");
}

TEST_F(UsersAccounts, DeletingAnInactiveRowKeepsItsHistoryAndTheAccountLockedOut) {
  setFreeLicenses(acme(), 1);
  Staff staff = hire(server(), acme(), "delete-inactive");
  ASSERT_EQ(patchRow(acme(), staff.record_id, object({{"Status", "Inactive"}})).status, 200);
  Json before = licenses(acme());
  Response deleted = deleteRow(acme(), staff.record_id);
  ASSERT_EQ(deleted.status, 204) << describe(deleted);
  EXPECT_TRUE(isError(acme().tenant.api.get(recordPath(acme().users_table, staff.record_id)), 404));
  EXPECT_EQ(licenses(acme()).dump(), before.dump());

  Response history = acme().tenant.api.get(recordPath(acme().users_table, staff.record_id, "/history"));
  ASSERT_EQ(history.status, 200) << describe(history);
  std::vector<Json> entries = history.json().elements();
  ASSERT_GE(entries.size(), 2u) << history.body;
  Json created = entries.front()["changes"];
  EXPECT_EQ(created["Email"].dump(), "[null,\"" + staff.row.email + "\"]") << created;
  bool deactivation_kept = false;
  for (const Json& entry : entries) {
    deactivation_kept = deactivation_kept || entry["changes"]["Status"].dump() == "[\"Active\",\"Inactive\"]";
  }
  EXPECT_TRUE(deactivation_kept) << history.body;
  EXPECT_EQ(entries.back()["actor"].str(), acme().tenant.person.email) << history.body;

  HttpClient client = anonymous();
  EXPECT_TRUE(isError(tryLogin(client, staff.row.email, kStaffPassword), 401, "invalid_credentials"));
}

TEST_F(UsersAccounts, TheEmailOfADeletedRowStaysTakenByAnArchivedAccount) {
  setFreeLicenses(acme(), 1);
  Row gone = newRow("archived");
  int64_t id = addActiveRow(acme(), gone)["id"].integer();
  ASSERT_EQ(patchRow(acme(), id, object({{"Status", "Inactive"}})).status, 200);
  ASSERT_EQ(deleteRow(acme(), id).status, 204);
  size_t mails_before = waitForMailsTo(dataDir(), gone.email, 1).size();

  Row again = newRow("archived-again");
  again.email = gone.email;
  Response created = postRow(acme(), rowValues(again, "Active"));
  ASSERT_EQ(created.status, 201) << describe(created);
  Json values = created.json()["values"];
  EXPECT_TRUE(values["Status"].isNull()) << values;
  EXPECT_TRUE(mentions(values["Validation result"], "archived")) << values;
  flushOutbox(server(), acme());
  EXPECT_EQ(mailsTo(dataDir(), gone.email).size(), mails_before);
}

// ---------------------------------------------------------------------------------------
// What only an import does.

class UsersImport : public UsersSuite<UsersImport> {};

TEST_F(UsersImport, ALineRepeatingTheEmailOfAnEarlierLineNamesTheRowOfThatLine) {
  setFreeLicenses(acme(), 2);
  Json before = licenses(acme());
  Row first = newRow("import-first");
  Row second = newRow("import-second");
  second.email = upper(first.email);
  Response imported = importRows(acme(), csvHeader() + csvLine(first, "Active") + csvLine(second, "Active"));
  ASSERT_EQ(imported.status, 200) << describe(imported);
  Json report = imported.json();
  EXPECT_EQ(report["inserted"].integer(), 2) << report;
  ASSERT_TRUE(report["rows"][0]["id"].isInteger() && report["rows"][1]["id"].isInteger()) << report;
  Json first_record = getRow(acme(), report["rows"][0]["id"].integer());
  Json second_record = getRow(acme(), report["rows"][1]["id"].integer());
  EXPECT_EQ(first_record["values"]["Validation result"].dump(), "\"OK\"") << first_record;
  EXPECT_EQ(first_record["values"]["Status"].dump(), "\"Active\"") << first_record;
  EXPECT_TRUE(second_record["values"]["Status"].isNull()) << second_record;
  EXPECT_TRUE(mentions(second_record["values"]["Validation result"], rowName(first_record, "Active"))) << second_record;
  EXPECT_EQ(licenses(acme())["used"].integer(), before["used"].integer() + 1);
  flushOutbox(server(), acme());
  EXPECT_EQ(mailsTo(dataDir(), first.email).size(), 1u);
}

TEST_F(UsersImport, ADryRunCreatesNoAccountAndSendsNoMail) {
  setFreeLicenses(acme(), 1);
  Json before = licenses(acme());
  Row row = newRow("dry-run");
  Response imported = acme().tenant.api.postCsv(tablePath(acme().users_table, "/import?dryRun=1"),
                                                csvHeader() + csvLine(row, "Active"));
  ASSERT_EQ(imported.status, 200) << describe(imported);
  EXPECT_EQ(imported.json()["rows"].size(), 1u) << imported.body;
  EXPECT_EQ(licenses(acme()).dump(), before.dump());
  EXPECT_EQ(listRecords(acme().tenant.api, acme().users_table, "q=" + encode(row.email))["total"].integer(), 0);
  flushOutbox(server(), acme());
  EXPECT_TRUE(mailsTo(dataDir(), row.email).empty());
  // The identity stayed free: the real save takes it.
  EXPECT_EQ(addActiveRow(acme(), row)["values"]["Status"].str(), "Active");
}

}  // namespace
