// The preconditions of an activation and the provisioning of the account
// (validators/src/activation.cpp), each validator attached alone. A failed precondition
// stores the row, puts Status back and says in Validation result what to fix; only
// reactivating a row that already has an account is refused outright.
#include "users_fixture.h"

namespace worktable::validators {
namespace {

using tables::Record;
using test::cell;
using test::Expected;
using test::kNull;
using test::person;
using test::text;
using test::throwsError;

// The one-time token of an invitation mail's link.
std::string tokenOf(const accounts::Mail& mail) {
  const std::string marker = "/accept-invitation?token=";
  size_t start = mail.body.find(marker);
  if (start == std::string::npos) return {};
  start += marker.size();
  size_t end = mail.body.find_first_of(" \r\n", start);
  return mail.body.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// RequiredFields

class RequiredFieldsTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<RequiredFields>();
  }
};

TEST_F(RequiredFieldsTest, AcceptsAnActivationWithEveryFieldFilledIn) {
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(saved, "Status"), "Active");
  EXPECT_EQ(cell(saved, "Validation result"), kNull);
}

TEST_F(RequiredFieldsTest, AcceptsADraftWithMissingFieldsWhileInactive) {
  Record saved = insert({{"User ID", text("ada")}, {"Status", text("Inactive")}});
  EXPECT_EQ(cell(saved, "Status"), "Inactive");
  EXPECT_EQ(cell(saved, "Validation result"), kNull);
}

TEST_F(RequiredFieldsTest, StoresANewRowWithMissingFieldsButNotItsActivation) {
  Record saved = insert({{"User ID", text("ada")}, {"Status", text("Active")}});
  std::optional<Record> stored = row(saved.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(cell(*stored, "User ID"), "ada");
  EXPECT_EQ(cell(*stored, "Status"), kNull);
  EXPECT_EQ(cell(*stored, "Validation result"),
            "Fill in First Name, Last Name and Email, then set Status to Active again.");
}

TEST_F(RequiredFieldsTest, PutsStatusBackToInactiveWhenAFieldIsMissing) {
  tables::Id id = insert({{"User ID", text("ada")}, {"First Name", text("Ada")}, {"Email", text("ada@acme.test")},
                          {"Status", text("Inactive")}})
                      .id;
  Record saved = update(id, {{"Status", text("Active")}});
  EXPECT_EQ(cell(saved, "Status"), "Inactive");
  EXPECT_EQ(cell(*row(id), "Status"), "Inactive");
  EXPECT_EQ(cell(*row(id), "Validation result"), "Fill in Last Name, then set Status to Active again.");
}

TEST_F(RequiredFieldsTest, CountsABlankValueAsMissing) {
  Record saved = insert(person("   ", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(saved, "Status"), kNull);
  EXPECT_EQ(cell(saved, "Validation result"), "Fill in User ID, then set Status to Active again.");
}

TEST_F(RequiredFieldsTest, ListsEveryMissingField) {
  Record saved = insert({{"Status", text("Active")}});
  EXPECT_EQ(cell(saved, "Validation result"),
            "Fill in User ID, First Name, Last Name and Email, then set Status to Active again.");
}

TEST_F(RequiredFieldsTest, KeepsItsMessageWhenValidEmailAddsOneAfterIt) {
  attach<ValidEmail>();
  Record saved = insert({{"User ID", text("ada")}, {"First Name", text("Ada")}, {"Email", text("ada@")},
                         {"Status", text("Active")}});
  EXPECT_EQ(cell(saved, "Status"), kNull);
  EXPECT_EQ(cell(saved, "Validation result"),
            "Fill in Last Name, then set Status to Active again. Email \"ada@\" is not a valid address: write it "
            "as name@example.com.");
}

// ValidEmail

class ValidEmailTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<ValidEmail>();
  }
};

TEST_F(ValidEmailTest, AcceptsAnActivationWithAValidEmail) {
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(saved, "Status"), "Active");
  EXPECT_EQ(cell(saved, "Validation result"), kNull);
}

TEST_F(ValidEmailTest, StoresAnActivationWithABadEmailButPutsStatusBack) {
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@acme"));
  std::optional<Record> stored = row(saved.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(cell(*stored, "Email"), "ada@acme");
  EXPECT_EQ(cell(*stored, "Status"), kNull);
  EXPECT_EQ(cell(*stored, "Validation result"),
            "Email \"ada@acme\" is not a valid address: write it as name@example.com, then set Status to Active "
            "again.");
}

TEST_F(ValidEmailTest, PutsStatusBackToInactiveWhenTheNewEmailIsBad) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive")).id;
  Record saved = update(id, {{"Email", text("ada at acme")}, {"Status", text("Active")}});
  EXPECT_EQ(cell(saved, "Status"), "Inactive");
  EXPECT_EQ(cell(*row(id), "Email"), "ada at acme");
}

TEST_F(ValidEmailTest, StoresADraftWithABadEmailAndSaysWhatToFix) {
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@", "Inactive"));
  std::optional<Record> stored = row(saved.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(cell(*stored, "Email"), "ada@");
  EXPECT_EQ(cell(*stored, "Status"), "Inactive");
  EXPECT_EQ(cell(*stored, "Validation result"),
            "Email \"ada@\" is not a valid address: write it as name@example.com.");
}

TEST_F(ValidEmailTest, RefusesABadEmailOnARowWithAnAccount) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"Email", text("ada@@acme.test")}}); },
                          Expected{ErrorKind::kInvalidValue, "invalid_email", "Email"}));
  EXPECT_EQ(cell(*row(ada.row_id), "Email"), "ada@acme.test");
}

TEST_F(ValidEmailTest, RefusesABadEmailOnAnInactiveRowWithAnAccount) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive");
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"Email", text("nobody")}, {"Status", text("Active")}}); },
                          Expected{ErrorKind::kInvalidValue, "invalid_email", "Email"}));
  EXPECT_EQ(cell(*row(ada.row_id), "Status"), "Inactive");
}

// A draft kept with a bad email (as the test above stores it), then activated from the grid,
// which sends only the changed cell: the email is still invalid, so the activation must be
// refused softly as if the email had been written with it.
TEST_F(ValidEmailTest, PutsStatusBackWhenADraftWithAStoredBadEmailIsActivated) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@", "Inactive")).id;
  Record saved = update(id, {{"Status", text("Active")}});
  EXPECT_EQ(cell(saved, "Status"), "Inactive");
  EXPECT_EQ(cell(saved, "Validation result"),
            "Email \"ada@\" is not a valid address: write it as name@example.com, then set Status to Active "
            "again.");
}

// UniqueIdentity

class UniqueIdentityTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<UniqueIdentity>();
  }
};

TEST_F(UniqueIdentityTest, AcceptsAnActivationWithAFreeUserIdAndEmail) {
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(saved, "Status"), "Active");
  EXPECT_EQ(cell(saved, "Validation result"), kNull);
}

TEST_F(UniqueIdentityTest, PutsStatusBackWhenTheUserIdIsTakenInAnotherCase) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive");
  Record saved = insert(person("ADA", "Ada", "Byron", "ada.byron@acme.test"));
  EXPECT_EQ(cell(*row(saved.id), "Status"), kNull);
  EXPECT_EQ(cell(*row(saved.id), "Validation result"),
            "User ID ADA is already used by row " + std::to_string(ada.row_id) +
                " (Ada Lovelace, Inactive). Choose another User ID, then set Status to Active again.");
}

TEST_F(UniqueIdentityTest, PutsStatusBackWhenTheEmailIsTakenInAnotherCase) {
  tables::Id id = insert(person("olive2", "Olive", "Other", "OWNER@acme.test", "Inactive")).id;
  Record saved = update(id, {{"Status", text("Active")}});
  EXPECT_EQ(cell(saved, "Status"), "Inactive");
  EXPECT_EQ(cell(saved, "Validation result"),
            "Email OWNER@acme.test is already used by row " + std::to_string(owner_row_) +
                " (Olive Owner, Active). Change that row's email to free it, or use another address.");
}

TEST_F(UniqueIdentityTest, PutsStatusBackWhenTheEmailIsTakenByAnArchivedAccount) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive");
  db_->write([&](sql::Tx& tx) {
    engine_->remove(tx, users_, ada.row_id, kAdmin);  // no validator removes the account here
    accounts_->removeMembership(tx, ada.account_id, company_id_);
  });
  Record saved = insert(person("ada2", "Ada", "Lovelace", "Ada@Acme.Test"));
  EXPECT_EQ(cell(saved, "Status"), kNull);
  std::string result = cell(saved, "Validation result");
  EXPECT_NE(result.find("Email Ada@Acme.Test is already used by an archived account"), std::string::npos) << result;
}

TEST_F(UniqueIdentityTest, PutsStatusBackWhenTheUserIdIsTakenByAnAccountOutsideTheCompany) {
  db_->write([&](sql::Tx& tx) { accounts_->create(tx, {"zed@other.test", "zed", "Zed", "Other", "x"}); });
  Record saved = insert(person("Zed", "Zed", "Again", "zed@acme.test"));
  EXPECT_EQ(cell(saved, "Status"), kNull);
  EXPECT_EQ(cell(saved, "Validation result"),
            "User ID Zed is already used by an account outside this company. Choose another User ID, then set "
            "Status to Active again.");
}

// LicenseLimit

class LicenseLimitTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<LicenseLimit>();
  }

  // Active members until every license is used.
  void useEveryLicense() {
    for (int i = static_cast<int>(licenses().used); i < kStartingLicenses; ++i) {
      std::string n = std::to_string(i);
      addMember("user" + n, "User", n, "user" + n + "@acme.test");
    }
    ASSERT_EQ(licenses().used, 5);
    ASSERT_EQ(licenses().total, 5);
  }
};

TEST_F(LicenseLimitTest, AcceptsAnActivationWhileALicenseIsFree) {
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(saved, "Status"), "Active");
  EXPECT_EQ(cell(saved, "Validation result"), kNull);  // counting the license is AccountProvisioning's part
}

TEST_F(LicenseLimitTest, AcceptsChangesToActiveRowsWhenEveryLicenseIsUsed) {
  useEveryLicense();
  EXPECT_EQ(cell(update(owner_row_, {{"First Name", text("Olivia")}, {"Status", text("Active")}}), "First Name"),
            "Olivia");
}

TEST_F(LicenseLimitTest, AcceptsAnInactiveDraftWhenEveryLicenseIsUsed) {
  useEveryLicense();
  EXPECT_EQ(cell(insert(person("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive")), "Validation result"), kNull);
}

TEST_F(LicenseLimitTest, StoresANewActivationWithoutALicenseButPutsStatusBack) {
  useEveryLicense();
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@acme.test"));
  std::optional<Record> stored = row(saved.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(cell(*stored, "Status"), kNull);
  EXPECT_EQ(cell(*stored, "Validation result"),
            "No license free: 5 of 5 in use. Set a user Inactive or add licenses in Plan & billing.");
  EXPECT_EQ(licenses().used, 5);
}

TEST_F(LicenseLimitTest, RefusesReactivatingARowWithAnAccountWithoutALicense) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive");
  useEveryLicense();
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"Status", text("Active")}}); },
                          Expected{ErrorKind::kConflict, "license_limit", "Status",
                                   "No license free: 5 of 5 in use. Set a user Inactive or add licenses in Plan & "
                                   "billing."}));
  EXPECT_EQ(cell(*row(ada.row_id), "Status"), "Inactive");
}

TEST_F(LicenseLimitTest, AcceptsReactivatingOnceALicenseIsBought) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive");
  useEveryLicense();
  db_->write([&](sql::Tx& tx) { administration_->setLicenses(tx, company_id_, 6); });
  EXPECT_EQ(cell(update(ada.row_id, {{"Status", text("Active")}}), "Status"), "Active");
  EXPECT_EQ(licenses().used, 5);  // LicenseLimit checks; AccountProvisioning counts (see the chain tests)
}

// AccountProvisioning

class AccountProvisioningTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<AccountProvisioning>();
  }
};

TEST_F(AccountProvisioningTest, CreatesTheAccountLinksItToTheRowAndMailsAnInvitation) {
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(saved, "Validation result"), "OK");
  EXPECT_EQ(cell(*row(saved.id), "Validation result"), "OK");
  EXPECT_EQ(cell(*row(saved.id), "Status"), "Active");

  std::optional<accounts::Account> account = accountByEmail("ada@acme.test");
  ASSERT_TRUE(account.has_value());
  EXPECT_EQ(account->user_id, "ada");
  EXPECT_EQ(account->first_name, "Ada");
  EXPECT_EQ(account->last_name, "Lovelace");
  EXPECT_TRUE(account->active);
  EXPECT_FALSE(account->has_password);

  std::optional<accounts::Membership> member = membershipOfRow(saved.id);
  ASSERT_TRUE(member.has_value());
  EXPECT_EQ(member->account_id, account->id);
  EXPECT_EQ(member->row_id, saved.id);
  EXPECT_TRUE(member->active);
  EXPECT_FALSE(member->admin);
  EXPECT_FALSE(member->external);

  std::vector<accounts::QueuedMail> queued = mails();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].mail.to, "ada@acme.test");
  EXPECT_NE(queued[0].mail.subject.find("Acme"), std::string::npos) << queued[0].mail.subject;
  EXPECT_NE(queued[0].mail.body.find("http://test/accept-invitation?token="), std::string::npos)
      << queued[0].mail.body;
  std::string token = tokenOf(queued[0].mail);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(db_->write([&](sql::Tx& tx) { return accounts_->useToken(tx, token, accounts::TokenKind::kInvitation); }),
            account->id);
}

TEST_F(AccountProvisioningTest, LeavesAnInactiveDraftWithoutAccountOrMail) {
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive"));
  EXPECT_EQ(cell(saved, "Validation result"), kNull);
  EXPECT_FALSE(accountByEmail("ada@acme.test").has_value());
  EXPECT_TRUE(mails().empty());
}

TEST_F(AccountProvisioningTest, ReactivatesTheMembershipOfARowWithAnAccountWithoutANewMail) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive", "x");
  ASSERT_FALSE(accountById(ada.account_id)->active);
  update(ada.row_id, {{"Status", text("Active")}});
  EXPECT_TRUE(membership(ada.account_id)->active);
  EXPECT_TRUE(accountById(ada.account_id)->active);
  EXPECT_TRUE(mails().empty());
}

TEST_F(AccountProvisioningTest, SendsNothingWhenTheRowIsSavedAgainWhileTheInvitationIsQueued) {
  // The invitation is not written yet (no sender took it): it has no token, but is live.
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test")).id;
  Record saved = update(id, {{"Status", text("Active")}, {"First Name", text("Augusta")}});
  EXPECT_EQ(cell(saved, "Validation result"), "OK");
  EXPECT_EQ(mails().size(), 1u);
}

TEST_F(AccountProvisioningTest, SendsNothingWhenTheRowIsSavedAgainWhileTheInvitationIsLive) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test")).id;
  ASSERT_EQ(mails().size(), 1u);  // written: its token is issued
  Record saved = update(id, {{"Status", text("Active")}, {"First Name", text("Augusta")}});
  EXPECT_EQ(cell(saved, "Validation result"), "OK");
  EXPECT_EQ(mails().size(), 1u);
}

TEST_F(AccountProvisioningTest, AnEmailFixedEndsTheEarlierLinkBeforeTheNewMailIsWritten) {
  attach<ProfileSync>();
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test")).id;
  std::string old_token = tokenOf(mails()[0].mail);
  ASSERT_FALSE(old_token.empty());
  update(id, {{"Email", text("augusta@acme.test")}});
  EXPECT_TRUE(throwsError(
      [&] { db_->write([&](sql::Tx& tx) { accounts_->useToken(tx, old_token, accounts::TokenKind::kInvitation); }); },
      Expected{ErrorKind::kBadRequest, "invalid_token"}));
  std::vector<accounts::QueuedMail> queued = mails();
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_EQ(queued[1].mail.to, "augusta@acme.test");
}

TEST_F(AccountProvisioningTest, SendsANewInvitationWhenTheRowIsSavedAgainAfterItExpired) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test")).id;
  ASSERT_EQ(mails().size(), 1u);
  std::string first_token = tokenOf(mails()[0].mail);
  db_->write([&](sql::Tx& tx) { tx.run("UPDATE tokens SET expires_at = '2000-01-01T00:00:00.000Z'"); });

  Record saved = update(id, {{"Status", text("Active")}});

  EXPECT_EQ(cell(saved, "Validation result"), "OK (the invitation had expired: a new one was sent)");
  EXPECT_EQ(cell(*row(id), "Validation result"), "OK (the invitation had expired: a new one was sent)");
  std::vector<accounts::QueuedMail> queued = mails();
  ASSERT_EQ(queued.size(), 2u);
  std::string second_token = tokenOf(queued[1].mail);
  ASSERT_FALSE(second_token.empty());
  EXPECT_NE(second_token, first_token);
  tables::Id account_id = accountByEmail("ada@acme.test")->id;
  EXPECT_EQ(
      db_->write([&](sql::Tx& tx) { return accounts_->useToken(tx, second_token, accounts::TokenKind::kInvitation); }),
      account_id);
}

TEST_F(AccountProvisioningTest, SendsNothingWhenTheInvitationWasAccepted) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test")).id;
  tables::Id account_id = accountByEmail("ada@acme.test")->id;
  std::string token = tokenOf(mails()[0].mail);
  db_->write([&](sql::Tx& tx) {
    accounts_->useToken(tx, token, accounts::TokenKind::kInvitation);
    accounts_->setPasswordHash(tx, account_id, "x");
  });
  Record saved = update(id, {{"Status", text("Active")}});
  EXPECT_EQ(cell(saved, "Validation result"), "OK");
  EXPECT_EQ(mails().size(), 1u);
}

TEST_F(AccountProvisioningTest, RefusesTheWholeRowWhenTheAccountCannotBeCreated) {
  // Alone, nothing checked the email first: the account's own uniqueness refuses it.
  EXPECT_TRUE(throwsError([&] { insert(person("olive2", "Olive", "Again", "owner@acme.test")); },
                          Expected{ErrorKind::kConflict, "duplicate_email"}));
  EXPECT_EQ(rowCount(), 1);
  EXPECT_TRUE(mails().empty());
}

}  // namespace
}  // namespace worktable::validators
