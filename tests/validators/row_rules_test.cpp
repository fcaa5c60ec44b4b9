// The rules on what may change in a Users row (validators/src/row_rules.cpp), each
// validator attached alone: external rows are read-only, User ID and External? are
// immutable once the account exists, an Active row cannot be deleted.
#include "users_fixture.h"

namespace worktable::validators {
namespace {

using tables::Record;
using test::cell;
using test::Expected;
using test::person;
using test::text;
using test::throwsError;

// ExternalRowsReadOnly

class ExternalRowsReadOnlyTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<ExternalRowsReadOnly>();
  }

  // A partner's row, as the system writes it when an invitation is accepted.
  tables::Id externalRow() {
    tables::Values values = person("partner@other.test", "Paul", "Partner", "partner@other.test");
    values["External?"] = true;
    return insertAsSystem(values).id;
  }
};

TEST_F(ExternalRowsReadOnlyTest, AcceptsAnInternalRowBeingAddedChangedAndDeleted) {
  tables::Values values = person("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive");
  values["External?"] = false;
  tables::Id id = insert(values).id;
  EXPECT_EQ(cell(update(id, {{"First Name", text("Augusta")}}), "First Name"), "Augusta");
  remove(id);
  EXPECT_FALSE(row(id).has_value());
}

TEST_F(ExternalRowsReadOnlyTest, RefusesAddingARowMarkedExternal) {
  tables::Values values = person("eve", "Eve", "Outsider", "eve@other.test", "Inactive");
  values["External?"] = true;
  EXPECT_TRUE(throwsError([&] { insert(values); }, Expected{ErrorKind::kForbidden, "external_user", "External?"}));
  EXPECT_EQ(rowCount(), 1);
}

TEST_F(ExternalRowsReadOnlyTest, RefusesMarkingAnInternalRowExternal) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive")).id;
  EXPECT_TRUE(throwsError([&] { update(id, {{"External?", true}}); },
                          Expected{ErrorKind::kForbidden, "external_user", "External?"}));
  EXPECT_EQ(cell(*row(id), "External?"), test::kNull);
}

TEST_F(ExternalRowsReadOnlyTest, RefusesChangingAnExternalRow) {
  tables::Id id = externalRow();
  EXPECT_TRUE(throwsError([&] { update(id, {{"First Name", text("Pauline")}}); },
                          Expected{ErrorKind::kForbidden, "external_user", std::nullopt,
                                   "Row " + std::to_string(id) + " is a partner from another company"}));
  EXPECT_EQ(cell(*row(id), "First Name"), "Paul");
}

TEST_F(ExternalRowsReadOnlyTest, RefusesUnmarkingAnExternalRow) {
  tables::Id id = externalRow();
  EXPECT_TRUE(
      throwsError([&] { update(id, {{"External?", false}}); }, Expected{ErrorKind::kForbidden, "external_user"}));
  EXPECT_EQ(cell(*row(id), "External?"), "true");
}

TEST_F(ExternalRowsReadOnlyTest, RefusesDeletingAnExternalRow) {
  tables::Id id = externalRow();
  EXPECT_TRUE(throwsError([&] { remove(id); }, Expected{ErrorKind::kForbidden, "external_user"}));
  EXPECT_TRUE(row(id).has_value());
}

// ImmutableAfterCreation

class ImmutableAfterCreationTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<ImmutableAfterCreation>();
  }
};

TEST_F(ImmutableAfterCreationTest, AcceptsAnyFieldChangeOnARowWithoutAccount) {
  tables::Id id = insert(person("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive")).id;
  Record changed = update(id, {{"User ID", text("ada.l")}, {"External?", false}});
  EXPECT_EQ(cell(changed, "User ID"), "ada.l");
  EXPECT_EQ(cell(changed, "External?"), "false");
}

TEST_F(ImmutableAfterCreationTest, AcceptsNameAndEmailChangesOnARowWithAnAccount) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  Record changed = update(ada.row_id, {{"First Name", text("Augusta")},
                                       {"Last Name", text("King")},
                                       {"Email", text("augusta@acme.test")}});
  EXPECT_EQ(cell(changed, "First Name"), "Augusta");
  EXPECT_EQ(cell(changed, "Email"), "augusta@acme.test");
}

TEST_F(ImmutableAfterCreationTest, AcceptsRewritingTheSameUserId) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  EXPECT_EQ(cell(update(ada.row_id, {{"User ID", text("ada")}, {"External?", false}}), "User ID"), "ada");
}

TEST_F(ImmutableAfterCreationTest, RefusesChangingTheUserIdOnceTheAccountExists) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"User ID", text("ada.l")}}); },
                          Expected{ErrorKind::kConflict, "immutable_field", "User ID"}));
  EXPECT_EQ(cell(*row(ada.row_id), "User ID"), "ada");
}

TEST_F(ImmutableAfterCreationTest, RefusesChangingExternalOnceTheAccountExists) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"External?", true}}); },
                          Expected{ErrorKind::kConflict, "immutable_field", "External?"}));
  EXPECT_EQ(cell(*row(ada.row_id), "External?"), "false");
}

TEST_F(ImmutableAfterCreationTest, RefusesChangingTheUserIdOfAnInactiveRowWithAnAccount) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive");
  EXPECT_TRUE(throwsError([&] { update(ada.row_id, {{"User ID", text("ada.l")}}); },
                          Expected{ErrorKind::kConflict, "immutable_field", "User ID"}));
}

TEST_F(ImmutableAfterCreationTest, AcceptsDeletingARowWithAnAccount) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive");
  remove(ada.row_id);
  EXPECT_FALSE(row(ada.row_id).has_value());
}

// DeleteOnlyWhenInactive

class DeleteOnlyWhenInactiveTest : public test::UsersTableTest {
 protected:
  void SetUp() override {
    UsersTableTest::SetUp();
    if (HasFatalFailure()) return;
    attach<DeleteOnlyWhenInactive>();
  }
};

TEST_F(DeleteOnlyWhenInactiveTest, AcceptsDeletingAnInactiveRow) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test", "Inactive");
  remove(ada.row_id);
  EXPECT_FALSE(row(ada.row_id).has_value());
}

TEST_F(DeleteOnlyWhenInactiveTest, AcceptsDeletingADraftWithoutStatus) {
  tables::Id id = insert({{"User ID", text("ada")}, {"First Name", text("Ada")}}).id;
  remove(id);
  EXPECT_FALSE(row(id).has_value());
}

TEST_F(DeleteOnlyWhenInactiveTest, RefusesDeletingAnActiveRow) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  EXPECT_TRUE(throwsError([&] { remove(ada.row_id); },
                          Expected{ErrorKind::kConflict, "must_be_inactive", "Status",
                                   "(Ada Lovelace) is Active: set its Status to Inactive first"}));
  EXPECT_TRUE(row(ada.row_id).has_value());
}

}  // namespace
}  // namespace worktable::validators
