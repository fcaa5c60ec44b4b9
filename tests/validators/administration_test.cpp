// A company's Administration (validators/src/administration.cpp): the Users table and the
// owner's row it creates, and the licenses: used counts Active internal rows only, and the
// total cannot go below it.
#include "users_fixture.h"

namespace worktable::validators {
namespace {

using tables::Record;
using test::cell;
using test::Expected;
using test::person;
using test::throwsError;

using AdministrationTest = test::UsersTableTest;

TEST_F(AdministrationTest, CreatesTheUsersTableWithTheFieldsOfTheApiInOrder) {
  std::vector<std::string> names;
  for (const tables::Field& field : users_.fields) names.push_back(field.name);
  EXPECT_EQ(names, (std::vector<std::string>{"User ID", "First Name", "Last Name", "Email", "Status", "External?",
                                             "Validation result"}));
  EXPECT_EQ(users_.kind, kUsersKind);
  EXPECT_TRUE(users_.field("Validation result")->read_only);
}

TEST_F(AdministrationTest, GivesTheOwnerAnActiveRowAndTheFirstLicense) {
  std::optional<Record> owner_row = row(owner_row_);
  ASSERT_TRUE(owner_row.has_value());
  EXPECT_EQ(cell(*owner_row, "Email"), kAdmin);
  EXPECT_EQ(cell(*owner_row, "Status"), "Active");
  EXPECT_EQ(cell(*owner_row, "External?"), "false");
  EXPECT_EQ(cell(*owner_row, "Validation result"), "OK");
  EXPECT_TRUE(membership(owner_.id)->admin);
  Licenses counted = licenses();
  EXPECT_EQ(counted.total, kStartingLicenses);
  EXPECT_EQ(counted.used, 1);
  EXPECT_EQ(counted.free(), 4);
}

TEST_F(AdministrationTest, RefusesANewOwnerWhoseEmailIsTaken) {
  EXPECT_TRUE(throwsError(
      [&] {
        db_->write([&](sql::Tx& tx) {
          administration_->createCompany(tx, "Other", Owner{"Owner@Acme.test", "Oscar", "Other", "x", 0});
        });
      },
      Expected{ErrorKind::kConflict, "duplicate_email"}));
}

TEST_F(AdministrationTest, CountsOnlyActiveInternalAccountsAsLicensesUsed) {
  attachAll();
  tables::Values external = person("partner@other.test", "Paul", "Partner", "partner@other.test");
  external["External?"] = true;
  insertAsSystem(external);                                                             // external: free
  insert(person("ina", "Ina", "Inactive", "ina@acme.test", "Inactive"));                 // inactive: free
  insert(person("dora", "Dora", "Draft", "dora@acme.test", ""));                         // no status: free
  insert(person("ada", "Ada", "Lovelace", "ada@acme.test"));                             // activated: used
  tables::Id bob = insert(person("bob", "Bob", "Builder", "bob@acme.test")).id;         // used, then freed
  update(bob, {{"Status", test::text("Inactive")}});
  update(bob, {{"Status", test::text("Active")}});                                           // used again
  Licenses counted = licenses();
  EXPECT_EQ(counted.used, 3);
  EXPECT_EQ(counted.total, 5);
  EXPECT_EQ(counted.free(), 2);
}

TEST_F(AdministrationTest, SetsTheTotalDownToTheNumberInUse) {
  addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  Licenses set = db_->write([&](sql::Tx& tx) { return administration_->setLicenses(tx, company_id_, 2); });
  EXPECT_EQ(set.total, 2);
  EXPECT_EQ(set.used, 2);
  EXPECT_EQ(licenses().total, 2);
  EXPECT_EQ(licenses().free(), 0);
}

TEST_F(AdministrationTest, RefusesATotalBelowTheNumberInUse) {
  addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  EXPECT_TRUE(throwsError(
      [&] { db_->write([&](sql::Tx& tx) { administration_->setLicenses(tx, company_id_, 1); }); },
      Expected{ErrorKind::kConflict, "licenses_in_use", "total", "2 licenses are in use, so the total cannot be 1"}));
  EXPECT_EQ(licenses().total, kStartingLicenses);
}

TEST_F(AdministrationTest, RefusesANegativeTotal) {
  EXPECT_TRUE(throwsError([&] { db_->write([&](sql::Tx& tx) { administration_->setLicenses(tx, company_id_, -1); }); },
                          Expected{ErrorKind::kInvalidValue, "", "total"}));
}

TEST_F(AdministrationTest, ReportsAnUnknownCompanyAsNotFound) {
  EXPECT_TRUE(throwsError([&] { db_->read([&](sql::Tx& tx) { administration_->licenses(tx, company_id_ + 99); }); },
                          Expected{ErrorKind::kNotFound}));
}

}  // namespace
}  // namespace worktable::validators
