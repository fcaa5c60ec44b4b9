// The rules that carry a row's edits over to its account (validators/src/account_sync.cpp),
// each validator attached alone: the profile follows the row, Inactive blocks the account
// and ends its sessions, deleting the row removes the account from the company.
#include "users_fixture.h"
#include "worktable/accounts/secrets.h"

namespace worktable::validators {
namespace {

using tables::Record;
using test::cell;
using test::Expected;
using test::person;
using test::text;
using test::throwsError;

// ProfileSync

class ProfileSyncTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<ProfileSync>();
  }
};

TEST_F(ProfileSyncTest, CarriesNewNamesAndEmailOverToTheAccount) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  update(ada.row_id,
         {{"First Name", text("Augusta")}, {"Last Name", text("King")}, {"Email", text("augusta@acme.test")}});
  std::optional<accounts::Account> account = accountById(ada.account_id);
  ASSERT_TRUE(account.has_value());
  EXPECT_EQ(account->first_name, "Augusta");
  EXPECT_EQ(account->last_name, "King");
  EXPECT_EQ(account->email, "augusta@acme.test");
  EXPECT_EQ(account->user_id, "ada");
  EXPECT_FALSE(accountByEmail("ada@acme.test").has_value());
}

TEST_F(ProfileSyncTest, AcceptsTheAccountsOwnEmailInAnotherCase) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  update(ada.row_id, {{"Email", text("Ada@Acme.test")}});
  EXPECT_EQ(accountById(ada.account_id)->email, "Ada@Acme.test");
}

TEST_F(ProfileSyncTest, LeavesARowWithoutAccountToItself) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive")).id;
  update(id, {{"First Name", text("")}, {"Email", text("owner@acme.test")}});
  EXPECT_EQ(cell(*row(id), "Email"), "owner@acme.test");
  EXPECT_EQ(accountByEmail("owner@acme.test")->id, owner_.id);
}

TEST_F(ProfileSyncTest, RefusesAnEmailOfAnotherAccountAndNamesItsRow) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  test::Member bob = addMember("bob", "Bob", "Builder", "bob@acme.test", "Inactive");
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"Email", text("BOB@acme.test")}}); },
                          Expected{ErrorKind::kConflict, "duplicate_email", "Email",
                                   "row " + std::to_string(bob.row_id) + " (Bob Builder, Inactive)"}));
  EXPECT_EQ(cell(*row(ada.row_id), "Email"), "ada@acme.test");
  EXPECT_EQ(accountById(ada.account_id)->email, "ada@acme.test");
}

TEST_F(ProfileSyncTest, RefusesAnEmailOfAnAccountOutsideTheCompany) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  db_->write([&](sql::Tx& tx) { accounts_->create(tx, {"zed@other.test", "zed", "Zed", "Other", ""}); });
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"Email", text("zed@other.test")}}); },
                          Expected{ErrorKind::kConflict, "duplicate_email", "Email", "an account outside this company"}));
}

TEST_F(ProfileSyncTest, RefusesAnEmptyFirstName) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"First Name", text("")}}); },
                          Expected{ErrorKind::kInvalidValue, "required_field", "First Name"}));
  EXPECT_EQ(cell(*row(ada.row_id), "First Name"), "Ada");
  EXPECT_EQ(accountById(ada.account_id)->first_name, "Ada");
}

TEST_F(ProfileSyncTest, RefusesABlankLastName) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"Last Name", text("   ")}}); },
                          Expected{ErrorKind::kInvalidValue, "required_field", "Last Name"}));
}

TEST_F(ProfileSyncTest, RefusesClearingTheEmail) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"Email", tables::Value()}}); },
                          Expected{ErrorKind::kInvalidValue, "required_field", "Email"}));
  EXPECT_EQ(accountById(ada.account_id)->email, "ada@acme.test");
}

// Deactivation

class DeactivationTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<Deactivation>();
  }
};

TEST_F(DeactivationTest, BlocksTheAccountAndEndsItsSessionsWhenTheRowIsSetInactive) {
  const std::string password = "long enough pw";
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test", "Active", accounts::hashPassword(password));
  accounts::Session session = accounts_->login("ada@acme.test", password);
  ASSERT_TRUE(db_->read([&](sql::Tx& tx) { return accounts_->authenticate(tx, session.token); }).has_value());

  update(ada.row_id, {{"Status", text("Inactive")}});

  EXPECT_FALSE(membership(ada.account_id)->active);
  EXPECT_FALSE(accountById(ada.account_id)->active);
  EXPECT_FALSE(db_->read([&](sql::Tx& tx) { return accounts_->authenticate(tx, session.token); }).has_value());
  EXPECT_TRUE(throwsError([&] { accounts_->login("ada@acme.test", password); },
                          Expected{ErrorKind::kUnauthenticated, "invalid_credentials"}));
}

TEST_F(DeactivationTest, LeavesAnActiveAccountAloneWhenOtherFieldsChange) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  update(ada.row_id, {{"First Name", text("Augusta")}, {"Status", text("Active")}});
  EXPECT_TRUE(membership(ada.account_id)->active);
  EXPECT_TRUE(accountById(ada.account_id)->active);
}

TEST_F(DeactivationTest, LeavesARowWithoutAccountToItself) {
  tables::Record draft = insertAsSystem(person("ada", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(update(draft.id, {{"Status", text("Inactive")}}), "Status"), "Inactive");
  EXPECT_TRUE(accountById(owner_.id)->active);
}

// AccountRemoval

class AccountRemovalTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<AccountRemoval>();
  }
};

TEST_F(AccountRemovalTest, RemovesTheAccountFromTheCompanyAndKeepsTheRowsHistory) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  update(ada.row_id, {{"Status", text("Inactive")}});
  remove(ada.row_id);

  EXPECT_FALSE(membership(ada.account_id).has_value());
  EXPECT_FALSE(membershipOfRow(ada.row_id).has_value());
  std::optional<accounts::Account> archived = accountById(ada.account_id);
  ASSERT_TRUE(archived.has_value());
  EXPECT_FALSE(archived->active);
  EXPECT_EQ(accountByEmail("ada@acme.test")->id, ada.account_id);  // its email stays taken

  std::vector<tables::HistoryEntry> entries = history(ada.row_id);
  ASSERT_EQ(entries.size(), 3u);  // created, set Inactive, deleted
  EXPECT_EQ(entries.back().actor, kAdmin);
  ASSERT_TRUE(entries.back().changes.count("Email"));
  EXPECT_EQ(std::get<std::string>(entries.back().changes.at("Email").first), "ada@acme.test");
  EXPECT_TRUE(tables::isNull(entries.back().changes.at("Email").second));
}

TEST_F(AccountRemovalTest, LeavesAccountsAloneWhenADraftIsDeleted) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive")).id;
  remove(id);
  EXPECT_FALSE(accountByEmail("ada@acme.test").has_value());
  EXPECT_TRUE(membership(owner_.id).has_value());
  EXPECT_TRUE(accountById(owner_.id)->active);
}

}  // namespace
}  // namespace worktable::validators
