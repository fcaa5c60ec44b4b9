// The catalog: companies, workspaces, tables and fields.
#include <string>
#include <vector>

#include "test_support.h"

namespace worktable::tables {
namespace {

using test::Expected;
using test::field;
using test::text;
using test::throwsError;

class Tables : public test::EngineTest {
 protected:
  std::vector<Table> all() {
    return db().read([&](sql::Tx& tx) { return engine().tables(tx, workspace_id_); });
  }
};

TEST_F(Tables, CreateTableKeepsFieldsInOrderAndReadsBackTheSame) {
  Table created = createTable(test::spec(
      "People",
      {field("Name"), field("Age", FieldType::kNumber), field("Status", FieldType::kSelect, {"Active", "Inactive"}),
       field("Result", FieldType::kText, {}, true)},
      "users"));
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.workspace_id, workspace_id_);
  EXPECT_EQ(created.name, "People");
  EXPECT_EQ(created.kind, "users");
  ASSERT_EQ(created.fields.size(), 4u);

  Table loaded = reload(created);
  EXPECT_EQ(loaded.name, "People");
  EXPECT_EQ(loaded.kind, "users");
  EXPECT_EQ(loaded.company_id, created.company_id);
  ASSERT_EQ(loaded.fields.size(), 4u);
  const char* names[] = {"Name", "Age", "Status", "Result"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(loaded.fields[i].name, names[i]);
    EXPECT_EQ(loaded.fields[i].id, created.fields[i].id);
    EXPECT_EQ(loaded.fields[i].type, created.fields[i].type);
  }
  EXPECT_EQ(loaded.fields[1].type, FieldType::kNumber);
  EXPECT_EQ(loaded.fields[2].options, (std::vector<std::string>{"Active", "Inactive"}));
  EXPECT_FALSE(loaded.fields[0].read_only);
  EXPECT_TRUE(loaded.fields[3].read_only);
  EXPECT_EQ(loaded.field("Age"), &loaded.fields[1]);
  EXPECT_EQ(loaded.field("Missing"), nullptr);
}

TEST_F(Tables, WorkspacesListTheirTablesInCreationOrder) {
  createTable(test::spec("B", {}));
  createTable(test::spec("A", {}));
  std::vector<Table> tables = all();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].name, "B");
  EXPECT_EQ(tables[1].name, "A");
  EXPECT_FALSE(db().read([&](sql::Tx& tx) { return engine().table(tx, 9999); }).has_value());
}

TEST_F(Tables, CompaniesAndWorkspacesReadBack) {
  auto [company, workspace] = db().write([&](sql::Tx& tx) {
    Company c = engine().createCompany(tx, "  Initech  ");
    Workspace w = engine().createWorkspace(tx, c.id, "Ops", "bob");
    return std::make_pair(c, w);
  });
  EXPECT_EQ(company.name, "Initech");
  db().read([&](sql::Tx& tx) {
    EXPECT_EQ(engine().company(tx, company.id)->name, "Initech");
    std::optional<Workspace> loaded = engine().workspace(tx, workspace.id);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->name, "Ops");
    EXPECT_EQ(loaded->company_id, company.id);
    EXPECT_EQ(loaded->created_by, "bob");
    ASSERT_EQ(engine().workspaces(tx, company.id).size(), 1u);
    EXPECT_FALSE(engine().workspace(tx, 9999));
    EXPECT_FALSE(engine().company(tx, 9999));
  });
}

TEST_F(Tables, WorkspaceNeedsAName) {
  EXPECT_TRUE(throwsError([&] { db().write([&](sql::Tx& tx) { engine().createWorkspace(tx, 1, " ", "bob"); }); },
                          Expected{ErrorKind::kInvalidValue}));
}

TEST_F(Tables, DuplicateFieldNamesIgnoringCaseAreAConflict) {
  EXPECT_TRUE(throwsError(
      [&] {
        createTable(test::spec("People", {field("Name"), field("NAME", FieldType::kNumber)}));
      },
      Expected{ErrorKind::kConflict, "duplicate_name"}));
  EXPECT_TRUE(throwsError(
      [&] {
        createTable(test::spec("People", {field("name"), field(" Name ")}));
      },
      Expected{ErrorKind::kConflict, "duplicate_name"}));
  EXPECT_TRUE(all().empty());
}

TEST_F(Tables, DuplicateTableNamesIgnoringCaseAreAConflict) {
  createTable(test::spec("People", {}));
  EXPECT_TRUE(
      throwsError([&] { createTable(test::spec("PEOPLE", {})); }, Expected{ErrorKind::kConflict, "duplicate_name"}));
  EXPECT_TRUE(
      throwsError([&] { createTable(test::spec(" people ", {})); }, Expected{ErrorKind::kConflict, "duplicate_name"}));
  EXPECT_EQ(all().size(), 1u);
}

TEST_F(Tables, SameTableNameInAnotherWorkspaceIsAllowed) {
  createTable(test::spec("People", {}));
  Id other = db().write([&](sql::Tx& tx) {
    Id ws = engine().createWorkspace(tx, 1, "Other", "bob").id;
    engine().createTable(tx, ws, test::spec("People", {field("Name")}));
    return ws;
  });
  EXPECT_EQ(db().read([&](sql::Tx& tx) { return engine().tables(tx, other); }).size(), 1u);
  EXPECT_EQ(all().size(), 1u);
}

TEST_F(Tables, AddFieldWithAnExistingNameIgnoringCaseIsAConflict) {
  Table table = createTable(test::spec("People", {field("Name")}));
  EXPECT_TRUE(throwsError([&] { db().write([&](sql::Tx& tx) { engine().addField(tx, table.id, field("NAME")); }); },
                          Expected{ErrorKind::kConflict, "duplicate_name"}));
  EXPECT_EQ(reload(table).fields.size(), 1u);
}

TEST_F(Tables, EmptyOrBlankNamesAreInvalid) {
  for (const char* name : {"", " ", "\t\n"}) {
    EXPECT_TRUE(throwsError([&] { createTable(test::spec(name, {})); }, Expected{ErrorKind::kInvalidValue})) << "table";
    EXPECT_TRUE(throwsError([&] { createTable(test::spec("T", {field(name)})); }, Expected{ErrorKind::kInvalidValue}))
        << "field";
  }
  Table table = createTable(test::spec("T", {}));
  EXPECT_TRUE(throwsError([&] { db().write([&](sql::Tx& tx) { engine().addField(tx, table.id, field("")); }); },
                          Expected{ErrorKind::kInvalidValue}));
  EXPECT_EQ(all().size(), 1u);
}

TEST_F(Tables, NamesOver200BytesAreInvalid) {
  EXPECT_NO_THROW(createTable(test::spec(std::string(200, 'a'), {field(std::string(200, 'b'))})));
  EXPECT_TRUE(
      throwsError([&] { createTable(test::spec(std::string(201, 'a'), {})); }, Expected{ErrorKind::kInvalidValue}));
  EXPECT_TRUE(throwsError([&] { createTable(test::spec("T", {field(std::string(201, 'b'))})); },
                          Expected{ErrorKind::kInvalidValue}));
}

TEST_F(Tables, NamesAreTrimmed) {
  Table table = createTable(test::spec("  People \t", {field(" Name  ")}));
  EXPECT_EQ(table.name, "People");
  EXPECT_EQ(table.fields.at(0).name, "Name");
  EXPECT_EQ(reload(table).fields.at(0).name, "Name");
}

TEST_F(Tables, OptionsAreOnlyForSelectFields) {
  EXPECT_TRUE(throwsError([&] { createTable(test::spec("T", {field("Name", FieldType::kText, {"A"})})); },
                          Expected{ErrorKind::kInvalidValue, "invalid_options", "Name"}));
  EXPECT_TRUE(throwsError([&] { createTable(test::spec("T", {field("N", FieldType::kNumber, {"1"})})); },
                          Expected{ErrorKind::kInvalidValue, "invalid_options", "N"}));
  Table table = createTable(test::spec("T", {field("Status", FieldType::kSelect, {"A", "B"})}));
  EXPECT_TRUE(throwsError(
      [&] {
        db().write([&](sql::Tx& tx) { engine().addField(tx, table.id, field("Done", FieldType::kCheckbox, {"x"})); });
      },
      Expected{ErrorKind::kInvalidValue, "invalid_options", "Done"}));
  EXPECT_EQ(reload(table).fields.size(), 1u);
}

TEST_F(Tables, SelectOptionsMustBeNonEmptyAndDistinct) {
  EXPECT_TRUE(throwsError(
      [&] {
        createTable(test::spec("T", {field("S", FieldType::kSelect, {"A", ""})}));
      },
      Expected{ErrorKind::kInvalidValue, "invalid_options", "S"}));
  EXPECT_TRUE(throwsError(
      [&] {
        createTable(test::spec("T", {field("S", FieldType::kSelect, {"A", "B", "A"})}));
      },
      Expected{ErrorKind::kInvalidValue, "invalid_options", "S"}));
  EXPECT_TRUE(all().empty());
}

TEST_F(Tables, SelectOptionsWithQuotesAndUnicodeSurviveAReload) {
  std::vector<std::string> options{"He said \"hi\"", "back\\slash", "semi;colon", "Prénom ✓",
                                   "名前",           "line\nbreak", "[\"json\"]"};
  Table table = createTable(test::spec("T", {field("S", FieldType::kSelect, options)}));
  Table loaded = reload(table);
  EXPECT_EQ(loaded.fields.at(0).options, options);
  for (const std::string& option : options) {
    Record stored = insert(loaded, {{"S", text(option)}});
    EXPECT_EQ(record(loaded, stored.id)->values.at("S"), text(option));
  }
}

TEST_F(Tables, AddedFieldComesLastAndExistingRecordsHoldNull) {
  Table table = createTable(test::spec("People", {field("Name")}));
  Record ada = insert(table, {{"Name", text("Ada")}});
  Field age =
      db().write([&](sql::Tx& tx) { return engine().addField(tx, table.id, field("Age", FieldType::kNumber)); });
  EXPECT_EQ(age.name, "Age");
  Table loaded = reload(table);
  ASSERT_EQ(loaded.fields.size(), 2u);
  EXPECT_EQ(loaded.fields[1].id, age.id);
  Record read = record(loaded, ada.id).value();
  EXPECT_EQ(read.values.at("Name"), text("Ada"));
  EXPECT_TRUE(isNull(read.values.at("Age")));

  Record updated = update(loaded, ada.id, {{"Age", test::number(36)}});
  EXPECT_EQ(record(loaded, ada.id)->values.at("Age"), test::number(36));
  EXPECT_EQ(updated.version, 2);
}

TEST_F(Tables, UnknownWorkspaceOrTableIsNotFound) {
  EXPECT_TRUE(
      throwsError([&] { db().write([&](sql::Tx& tx) { engine().createTable(tx, 9999, test::spec("T", {})); }); },
                  Expected{ErrorKind::kNotFound}));
  EXPECT_TRUE(throwsError([&] { db().write([&](sql::Tx& tx) { engine().addField(tx, 9999, field("F")); }); },
                          Expected{ErrorKind::kNotFound}));
}

// engine.h: duplicate names are refused "ignoring case"; that includes accented letters.
TEST_F(Tables, AccentedNamesDifferingOnlyInCaseAreDuplicates) {
  EXPECT_TRUE(throwsError(
      [&] {
        createTable(test::spec("T", {field("Prénom"), field("PRÉNOM")}));
      },
      Expected{ErrorKind::kConflict, "duplicate_name"}));
  createTable(test::spec("Élèves", {field("Prénom")}));
  EXPECT_TRUE(
      throwsError([&] { createTable(test::spec("élèves", {})); }, Expected{ErrorKind::kConflict, "duplicate_name"}));
}

}  // namespace
}  // namespace worktable::tables
