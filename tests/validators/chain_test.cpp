// The whole chain as attachUsersValidators sets it up, on the paths an admin takes in the
// grid: activate, fill up the licenses, deactivate, reactivate, delete; and the order of
// the chain: a failed precondition makes the validators after it stand aside, and a
// refusal anywhere rolls back everything (no account, no mail, no row).
#include "users_fixture.h"
#include "worktable/tables/validator.h"

namespace worktable::validators {
namespace {

using tables::Record;
using test::cell;
using test::Expected;
using test::kNull;
using test::person;
using test::text;
using test::throwsError;

// Refuses every activation: stands for any validator that refuses after the chain.
class RefuseActivations : public tables::Validator {
 public:
  const char* name() const override { return "refuse_activations"; }
  void check(sql::Tx&, const tables::Engine&, tables::Change& change) const override {
    const std::string* status = std::get_if<std::string>(&change.get("Status"));
    if (status && *status == "Active") throw conflict("refused", "Refused by the test.");
  }
};

class UsersChainTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attachAll();
  }

  // Activates rows through the chain until every license is used; returns their ids.
  std::vector<tables::Id> activateUntilFull() {
    std::vector<tables::Id> ids;
    for (int i = static_cast<int>(licenses().used); i < kStartingLicenses; ++i) {
      std::string n = std::to_string(i);
      Record saved = insert(person("user" + n, "User", n, "user" + n + "@acme.test"));
      EXPECT_EQ(cell(saved, "Validation result"), "OK");
      ids.push_back(saved.id);
    }
    return ids;
  }
};

TEST_F(UsersChainTest, ActivatesANewRowIntoAnInvitedAccount) {
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(saved, "Status"), "Active");
  EXPECT_EQ(cell(saved, "Validation result"), "OK");
  std::optional<accounts::Account> account = accountByEmail("ada@acme.test");
  ASSERT_TRUE(account.has_value());
  EXPECT_EQ(membershipOfRow(saved.id)->account_id, account->id);
  EXPECT_EQ(mails().size(), 1u);
  EXPECT_EQ(licenses().used, 2);
}

TEST_F(UsersChainTest, MakesTheValidatorsAfterAFailedPreconditionStandAside) {
  activateUntilFull();
  size_t mails_before = mails().size();
  // Missing fields and no license: RequiredFields speaks first, LicenseLimit then sees no
  // activation, AccountProvisioning creates nothing.
  Record saved = insert({{"User ID", text("ada")}, {"First Name", text("Ada")}, {"Status", text("Active")}});
  EXPECT_EQ(cell(saved, "Status"), kNull);
  EXPECT_EQ(cell(saved, "Validation result"), "Fill in Last Name and Email, then set Status to Active again.");
  EXPECT_FALSE(db_->read([&](sql::Tx& tx) { return accounts_->byUserId(tx, "ada"); }).has_value());
  EXPECT_EQ(mails().size(), mails_before);
}

TEST_F(UsersChainTest, RollsBackTheAccountTheMailAndTheRowWhenALaterValidatorRefuses) {
  engine_->addValidator(kUsersKind, std::make_shared<RefuseActivations>());
  EXPECT_TRUE(throwsError([&] { insert(person("ada", "Ada", "Lovelace", "ada@acme.test")); },
                          Expected{ErrorKind::kConflict, "refused"}));
  EXPECT_FALSE(accountByEmail("ada@acme.test").has_value());
  EXPECT_TRUE(mails().empty());
  EXPECT_EQ(rowCount(), 1);
}

TEST_F(UsersChainTest, RollsBackAnActivationWhenALaterChangeOfTheSameWriteIsRefused) {
  tables::Values partner = person("partner@other.test", "Paul", "Partner", "partner@other.test");
  partner["External?"] = true;
  tables::Id external_id = insertAsSystem(partner).id;
  EXPECT_TRUE(throwsError(
      [&] {
        db_->write([&](sql::Tx& tx) {
          engine_->insert(tx, users_, person("ada", "Ada", "Lovelace", "ada@acme.test"), kAdmin);
          engine_->update(tx, users_, external_id, {{"First Name", text("Pauline")}}, std::nullopt, kAdmin);
        });
      },
      Expected{ErrorKind::kForbidden, "external_user"}));
  EXPECT_FALSE(accountByEmail("ada@acme.test").has_value());
  EXPECT_TRUE(mails().empty());
  EXPECT_EQ(rowCount(), 2);
  EXPECT_EQ(licenses().used, 1);
}

TEST_F(UsersChainTest, RefusesTheSixthActivationOfFiveLicensesSoftly) {
  activateUntilFull();
  ASSERT_EQ(licenses().used, 5);
  size_t mails_before = mails().size();
  Record saved = insert(person("ada", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(*row(saved.id), "Status"), kNull);
  EXPECT_EQ(cell(*row(saved.id), "Validation result"),
            "No license free: 5 of 5 in use. Set a user Inactive or add licenses in Plan & billing.");
  EXPECT_FALSE(accountByEmail("ada@acme.test").has_value());
  EXPECT_EQ(mails().size(), mails_before);
}

TEST_F(UsersChainTest, FreesALicenseOnDeactivationAndRefusesTheReactivationOnceItIsTaken) {
  std::vector<tables::Id> ids = activateUntilFull();
  tables::Id leaver = ids.front();
  tables::Id leaver_account = membershipOfRow(leaver)->account_id;

  update(leaver, {{"Status", text("Inactive")}});
  EXPECT_EQ(licenses().used, 4);
  EXPECT_FALSE(accountById(leaver_account)->active);

  Record newcomer = insert(person("ada", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(newcomer, "Validation result"), "OK");
  EXPECT_EQ(licenses().used, 5);

  EXPECT_TRUE(throwsError([&] { update(leaver, {{"Status", text("Active")}}); },
                          Expected{ErrorKind::kConflict, "license_limit", "Status", "No license free: 5 of 5 in use."}));
  EXPECT_EQ(cell(*row(leaver), "Status"), "Inactive");
  EXPECT_FALSE(membership(leaver_account)->active);
}

TEST_F(UsersChainTest, DeletesARowOnlyOnceItIsInactiveAndKeepsItsEmailTaken) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test")).id;
  tables::Id account_id = membershipOfRow(id)->account_id;
  EXPECT_TRUE(throwsError([&] { remove(id); }, Expected{ErrorKind::kConflict, "must_be_inactive", "Status"}));

  update(id, {{"Status", text("Inactive")}});
  remove(id);
  EXPECT_FALSE(row(id).has_value());
  EXPECT_FALSE(membership(account_id).has_value());
  EXPECT_FALSE(accountById(account_id)->active);
  EXPECT_EQ(history(id).size(), 3u);

  Record again = insert(person("ada.l", "Ada", "Lovelace", "ada@acme.test"));
  EXPECT_EQ(cell(again, "Status"), kNull);
  std::string result = cell(again, "Validation result");
  EXPECT_NE(result.find("Email ada@acme.test is already used by an archived account"), std::string::npos) << result;
}

TEST_F(UsersChainTest, RefusesChangingTheUserIdOnceTheAccountExists) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test")).id;
  EXPECT_TRUE(throwsError([&] { update(id, {{"User ID", text("ada.l")}}); },
                          Expected{ErrorKind::kConflict, "immutable_field", "User ID"}));
}

TEST_F(UsersChainTest, RefusesAPersonWritingTheValidationResult) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive")).id;
  EXPECT_TRUE(throwsError([&] { update(id, {{"Validation result", text("OK")}}); },
                          Expected{ErrorKind::kConflict, "immutable_field", "Validation result"}));
}

// API.md: External? changed after the account exists is 409 immutable_field.
TEST_F(UsersChainTest, RefusesMarkingARowWithAnAccountExternalAsImmutable) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test")).id;
  EXPECT_TRUE(throwsError([&] { update(id, {{"External?", true}}); },
                          Expected{ErrorKind::kConflict, "immutable_field", "External?"}));
}

TEST_F(UsersChainTest, ActivatesADraftOnceItsEmailIsFixed) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme", "Active")).id;
  EXPECT_EQ(cell(*row(id), "Status"), kNull);
  EXPECT_TRUE(mails().empty());

  Record saved = update(id, {{"Email", text("ada@acme.test")}, {"Status", text("Active")}});
  EXPECT_EQ(cell(saved, "Status"), "Active");
  EXPECT_EQ(cell(saved, "Validation result"), "OK");
  ASSERT_TRUE(accountByEmail("ada@acme.test").has_value());
  EXPECT_EQ(mails().size(), 1u);
}

// A draft kept with a bad email, then activated with a write of Status alone (as the grid
// sends one cell): API.md requires a valid email before the account is created.
TEST_F(UsersChainTest, CreatesNoAccountForADraftWhoseStoredEmailIsInvalid) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme", "Inactive")).id;
  Record saved = update(id, {{"Status", text("Active")}});
  EXPECT_EQ(cell(saved, "Status"), "Inactive");
  EXPECT_NE(cell(saved, "Validation result"), "OK");
  EXPECT_FALSE(accountByEmail("ada@acme").has_value());
  EXPECT_TRUE(mails().empty());
}

TEST_F(UsersChainTest, CarriesAFixedEmailOverToTheAccount) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test")).id;
  tables::Id account_id = membershipOfRow(id)->account_id;
  update(id, {{"Email", text("ada.lovelace@acme.test")}});
  EXPECT_EQ(accountById(account_id)->email, "ada.lovelace@acme.test");
  EXPECT_TRUE(throwsError([&] { update(id, {{"Email", text("owner@acme.test")}}); },
                          Expected{ErrorKind::kConflict, "duplicate_email", "Email",
                                   "row " + std::to_string(owner_row_) + " (Olive Owner, Active)"}));
}

}  // namespace
}  // namespace worktable::validators
