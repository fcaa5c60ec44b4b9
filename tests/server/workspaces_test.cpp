// API.md "Workspaces, tables, records": workspaces, tables, fields, names that would break
// naive SQL or CSV, and what another company sees of them (nothing: 404).
#include <gtest/gtest.h>

#include "worktable/testing/api.h"
#include "worktable/testing/csv.h"

namespace {

using namespace worktable::testing;

Poco::Dynamic::Var field(const std::string& name, const std::string& type) {
  return object({{"name", name}, {"type", type}});
}

Poco::Dynamic::Var selectField(const std::string& name, const std::vector<Poco::Dynamic::Var>& options) {
  return object({{"name", name}, {"type", "select"}, {"options", array(options)}});
}

// One field of every type.
Poco::Dynamic::Var everyType() {
  return array({field("Title", "text"), field("Amount", "number"), field("Done", "checkbox"),
                selectField("Stage", {"Idea", "Active", "Done"}), field("Contact", "email"), field("Due", "date")});
}

class Workspaces : public ServerTest<Workspaces> {};

TEST_F(Workspaces, CreatingOneAnswersWithItsCompanyAndTheOwnerRole) {
  Tenant acme = newTenant("ws-create");
  Response response = acme.api.post("/api/v1/workspaces", object({{"name", "Sales"}}));
  ASSERT_EQ(response.status, 201) << describe(response);
  Json body = response.json();
  EXPECT_TRUE(body["id"].isInteger()) << body;
  EXPECT_EQ(body["name"].str(), "Sales");
  EXPECT_EQ(body["companyId"].integer(), acme.company_id);
  EXPECT_EQ(body["role"].str(), "owner");
}

TEST_F(Workspaces, ListShowsTheNewWorkspaceWithItsRole) {
  Tenant acme = newTenant("ws-list");
  int64_t id = createWorkspace(acme.api, "Projects ✓");
  Response response = acme.api.get("/api/v1/workspaces");
  ASSERT_EQ(response.status, 200) << describe(response);
  Json found;
  for (const Json& workspace : response.json().elements()) {
    if (workspace["id"].isInteger() && workspace["id"].integer() == id) found = workspace;
  }
  ASSERT_TRUE(found.isObject()) << response.body;
  EXPECT_EQ(found["name"].str(), "Projects ✓");
  EXPECT_EQ(found["companyId"].integer(), acme.company_id);
  EXPECT_EQ(found["role"].str(), "owner");
}

TEST_F(Workspaces, ListLeavesOutOtherCompaniesWorkspaces) {
  Tenant acme = newTenant("ws-mine");
  Tenant globex = newTenant("ws-theirs");
  int64_t theirs = createWorkspace(globex.api, "Secret plans");
  Json mine = acme.api.get("/api/v1/workspaces").json();
  ASSERT_TRUE(mine.isArray()) << mine;
  for (const Json& workspace : mine.elements()) {
    EXPECT_NE(workspace["id"].integer(), theirs);
    EXPECT_EQ(workspace["companyId"].integer(), acme.company_id);
  }
}

TEST_F(Workspaces, RefusesAnEmptyName) {
  Tenant acme = newTenant("ws-empty");
  EXPECT_TRUE(isError(acme.api.post("/api/v1/workspaces", object({{"name", ""}})), 422));
}

TEST_F(Workspaces, RefusesABodyWithoutName) {
  Tenant acme = newTenant("ws-noname");
  EXPECT_TRUE(isError(acme.api.post("/api/v1/workspaces", object({{"title", "Sales"}})), 400));
}

class Tables : public ServerTest<Tables> {};

TEST_F(Tables, CreatingOneWithEveryFieldTypeAnswersWithItsFields) {
  Tenant acme = newTenant("tbl-create");
  int64_t workspace = createWorkspace(acme.api, "Ops");
  Response response =
      acme.api.post(workspacePath(workspace, "/tables"), object({{"name", "Orders"}, {"fields", everyType()}}));
  ASSERT_EQ(response.status, 201) << describe(response);
  Json table = response.json();
  EXPECT_TRUE(table["id"].isInteger());
  EXPECT_EQ(table["name"].str(), "Orders");
  const std::pair<const char*, const char*> expected[] = {{"Title", "text"},    {"Amount", "number"},
                                                          {"Done", "checkbox"}, {"Stage", "select"},
                                                          {"Contact", "email"}, {"Due", "date"}};
  ASSERT_EQ(table["fields"].size(), std::size(expected)) << table;
  for (size_t i = 0; i < std::size(expected); ++i) {
    Json field = table["fields"][i];
    SCOPED_TRACE(field.dump());
    EXPECT_TRUE(field["id"].isInteger());
    EXPECT_EQ(field["name"].str(), expected[i].first);
    EXPECT_EQ(field["type"].str(), expected[i].second);
    EXPECT_FALSE(field["readOnly"].boolean());
    EXPECT_TRUE(field["options"].isArray());
  }
  Json stage_options = table["fields"][3]["options"];
  ASSERT_EQ(stage_options.size(), 3u);
  EXPECT_EQ(stage_options[0].str(), "Idea");
  EXPECT_EQ(stage_options[2].str(), "Done");
}

TEST_F(Tables, ListShowsTheTableAsItWasCreated) {
  Tenant acme = newTenant("tbl-list");
  int64_t workspace = createWorkspace(acme.api, "Ops");
  Json created = createTable(acme.api, workspace, "Orders", everyType());
  Response response = acme.api.get(workspacePath(workspace, "/tables"));
  ASSERT_EQ(response.status, 200) << describe(response);
  Json tables = response.json();
  ASSERT_EQ(tables.size(), 1u) << tables;
  EXPECT_EQ(tables[0].dump(), created.dump());
}

TEST_F(Tables, RefusesAnUnknownFieldType) {
  Tenant acme = newTenant("tbl-type");
  int64_t workspace = createWorkspace(acme.api, "Ops");
  Response response = acme.api.post(workspacePath(workspace, "/tables"),
                                    object({{"name", "Orders"}, {"fields", array({field("When", "datetime")})}}));
  EXPECT_TRUE(isError(response, 422));
  EXPECT_EQ(acme.api.get(workspacePath(workspace, "/tables")).json().size(), 0u);
}

TEST_F(Tables, RefusesADuplicateTableName) {
  Tenant acme = newTenant("tbl-dup");
  int64_t workspace = createWorkspace(acme.api, "Ops");
  createTable(acme.api, workspace, "Orders", array({field("Title", "text")}));
  Response response = acme.api.post(workspacePath(workspace, "/tables"),
                                    object({{"name", "Orders"}, {"fields", array({field("Other", "text")})}}));
  EXPECT_TRUE(isError(response, 409));
  EXPECT_EQ(acme.api.get(workspacePath(workspace, "/tables")).json().size(), 1u);
}

TEST_F(Tables, AllowsTheSameTableNameInAnotherWorkspace) {
  Tenant acme = newTenant("tbl-samename");
  createTable(acme.api, createWorkspace(acme.api, "One"), "Orders", array({field("Title", "text")}));
  Response response = acme.api.post(workspacePath(createWorkspace(acme.api, "Two"), "/tables"),
                                    object({{"name", "Orders"}, {"fields", array({field("Title", "text")})}}));
  EXPECT_EQ(response.status, 201) << describe(response);
}

TEST_F(Tables, RefusesTwoFieldsOfTheSameName) {
  Tenant acme = newTenant("tbl-dupfield");
  int64_t workspace = createWorkspace(acme.api, "Ops");
  Response response = acme.api.post(
      workspacePath(workspace, "/tables"),
      object({{"name", "Orders"}, {"fields", array({field("Title", "text"), field("Title", "number")})}}));
  EXPECT_TRUE(isError(response, 409));
}

// Names that break naive SQL, JSON or CSV handling.
const std::string kTableName = "Robert\"); DROP TABLE records;--";
const std::string kQuoted = "Name \"quoted\"";
const std::string kSemicolon = "a;b";
const std::string kInjection = "\"); DROP TABLE x;--";
const std::string kUnicode = "Prénom ✓ 名前";

class TrickyNames : public ServerTest<TrickyNames> {
 protected:
  Json createTrickyTable(Tenant& tenant) {
    int64_t workspace = createWorkspace(tenant.api, "Ünïcödé; \"ws\"");
    return createTable(tenant.api, workspace, kTableName,
                       array({field(kQuoted, "text"), field(kSemicolon, "text"), field(kInjection, "number"),
                              field(kUnicode, "text")}));
  }

  Json insert(Tenant& tenant, int64_t table, const std::string& quoted, double number, const std::string& unicode) {
    return createRecord(
        tenant.api, table,
        object({{kQuoted, quoted}, {kSemicolon, "x; DELETE FROM records"}, {kInjection, number}, {kUnicode, unicode}}));
  }
};

TEST_F(TrickyNames, KeepTableAndFieldNamesWithQuotesSemicolonsAndUnicode) {
  Tenant acme = newTenant("tricky-names");
  Json table = createTrickyTable(acme);
  EXPECT_EQ(table["name"].str(), kTableName);
  ASSERT_EQ(table["fields"].size(), 4u) << table;
  EXPECT_EQ(table["fields"][0]["name"].str(), kQuoted);
  EXPECT_EQ(table["fields"][1]["name"].str(), kSemicolon);
  EXPECT_EQ(table["fields"][2]["name"].str(), kInjection);
  EXPECT_EQ(table["fields"][3]["name"].str(), kUnicode);
  int64_t workspace = workspaceNamed(acme.api, "Ünïcödé; \"ws\"");
  ASSERT_NE(workspace, 0);
  Json listed = tableNamed(acme.api, workspace, kTableName);
  EXPECT_EQ(listed.dump(), table.dump());
}

TEST_F(TrickyNames, KeepRecordValuesUnderSuchNames) {
  Tenant acme = newTenant("tricky-values");
  int64_t table = createTrickyTable(acme)["id"].integer();
  Json created = insert(acme, table, "O'Brien \"the\" 1st", 3, "Zoë 名前");
  Response response = acme.api.get(recordPath(table, created["id"].integer()));
  ASSERT_EQ(response.status, 200) << describe(response);
  Json values = response.json()["values"];
  EXPECT_EQ(values[kQuoted].str(), "O'Brien \"the\" 1st");
  EXPECT_EQ(values[kSemicolon].str(), "x; DELETE FROM records");
  EXPECT_EQ(values[kInjection].number(), 3);
  EXPECT_EQ(values[kUnicode].str(), "Zoë 名前");
}

TEST_F(TrickyNames, SortBySuchNames) {
  Tenant acme = newTenant("tricky-sort");
  int64_t table = createTrickyTable(acme)["id"].integer();
  insert(acme, table, "b", 20, "Émile");
  insert(acme, table, "c", 3, "Ada");
  insert(acme, table, "a", 100, "Zoë");
  Json by_number = listRecords(acme.api, table, "sort=" + encode(kInjection));
  ASSERT_EQ(by_number["records"].size(), 3u) << by_number;
  EXPECT_EQ(by_number["records"][0]["values"][kQuoted].str(), "c");
  EXPECT_EQ(by_number["records"][1]["values"][kQuoted].str(), "b");
  EXPECT_EQ(by_number["records"][2]["values"][kQuoted].str(), "a");
  Json by_text = listRecords(acme.api, table, "sort=" + encode(kQuoted) + "&desc=1");
  ASSERT_EQ(by_text["records"].size(), 3u) << by_text;
  EXPECT_EQ(by_text["records"][0]["values"][kQuoted].str(), "c");
  EXPECT_EQ(by_text["records"][2]["values"][kQuoted].str(), "a");
  Json by_unicode = listRecords(acme.api, table, "sort=" + encode(kUnicode));
  ASSERT_EQ(by_unicode["records"].size(), 3u) << by_unicode;
  EXPECT_EQ(by_unicode["records"][0]["values"][kUnicode].str(), "Ada");
}

TEST_F(TrickyNames, SearchFindsValuesWithQuotesSemicolonsAndUnicode) {
  Tenant acme = newTenant("tricky-search");
  int64_t table = createTrickyTable(acme)["id"].integer();
  insert(acme, table, "plain", 1, "Ada");
  insert(acme, table, "it's \"quoted\"; really", 2, "名前");
  insert(acme, table, "100% _sure_", 3, "Zoë");
  struct Case {
    std::string q;
    int64_t total;
  };
  for (const Case& c : {Case{"s \"quoted\"; r", 1}, Case{"名前", 1}, Case{"Zoë", 1}, Case{"%", 1}, Case{"_", 1},
                        Case{"'; DROP TABLE records;--", 0}, Case{"DELETE FROM", 3}}) {
    SCOPED_TRACE(c.q);
    Json found = listRecords(acme.api, table, "q=" + encode(c.q));
    EXPECT_EQ(found["total"].integer(), c.total) << found;
    EXPECT_EQ(found["records"].size(), static_cast<size_t>(c.total)) << found;
  }
  EXPECT_EQ(listRecords(acme.api, table)["total"].integer(), 3);
}

TEST_F(TrickyNames, AppearInTheExportHeader) {
  Tenant acme = newTenant("tricky-export");
  int64_t table = createTrickyTable(acme)["id"].integer();
  insert(acme, table, "say \"hi\", then go", 7, "Zoë");
  Response response = acme.api.get(tablePath(table, "/export"));
  ASSERT_EQ(response.status, 200) << describe(response);
  std::optional<CsvRows> rows = parseCsv(response.body);
  ASSERT_TRUE(rows) << "not RFC 4180: " << response.body;
  ASSERT_EQ(rows->size(), 2u) << response.body;
  EXPECT_EQ((*rows)[0], (std::vector<std::string>{kQuoted, kSemicolon, kInjection, kUnicode}));
  EXPECT_EQ((*rows)[1], (std::vector<std::string>{"say \"hi\", then go", "x; DELETE FROM records", "7", "Zoë"}));
}

class Fields : public ServerTest<Fields> {};

TEST_F(Fields, AddingOneAnswersWithTheField) {
  Tenant acme = newTenant("fld-add");
  int64_t table =
      createTable(acme.api, createWorkspace(acme.api, "Ops"), "Orders", array({field("Title", "text")}))["id"]
          .integer();
  Response response =
      acme.api.post(tablePath(table, "/fields"),
                    object({{"name", "Priority"}, {"type", "select"}, {"options", array({"Low", "High"})}}));
  ASSERT_EQ(response.status, 201) << describe(response);
  Json added = response.json()["field"];
  ASSERT_TRUE(added.isObject()) << response.body;
  EXPECT_TRUE(added["id"].isInteger());
  EXPECT_EQ(added["name"].str(), "Priority");
  EXPECT_EQ(added["type"].str(), "select");
  EXPECT_FALSE(added["readOnly"].boolean());
  ASSERT_EQ(added["options"].size(), 2u);
  EXPECT_EQ(added["options"][1].str(), "High");
}

TEST_F(Fields, NewFieldComesLastInTheTableList) {
  Tenant acme = newTenant("fld-last");
  int64_t workspace = createWorkspace(acme.api, "Ops");
  int64_t table = createTable(acme.api, workspace, "Orders", array({field("Title", "text")}))["id"].integer();
  Json added = acme.api.post(tablePath(table, "/fields"), field("Due", "date")).json()["field"];
  Json listed = tableNamed(acme.api, workspace, "Orders");
  ASSERT_EQ(listed["fields"].size(), 2u) << listed;
  EXPECT_EQ(listed["fields"][1].dump(), added.dump());
}

TEST_F(Fields, ExistingRecordsGetNullForTheNewField) {
  Tenant acme = newTenant("fld-null");
  int64_t table =
      createTable(acme.api, createWorkspace(acme.api, "Ops"), "Orders", array({field("Title", "text")}))["id"]
          .integer();
  int64_t record = createRecord(acme.api, table, object({{"Title", "First"}}))["id"].integer();
  ASSERT_EQ(acme.api.post(tablePath(table, "/fields"), field("Amount", "number")).status, 201);
  Json values = acme.api.get(recordPath(table, record)).json()["values"];
  EXPECT_TRUE(values.has("Amount")) << values;
  EXPECT_TRUE(values["Amount"].isNull()) << values;
  EXPECT_EQ(values["Title"].str(), "First");
  Response patched = acme.api.patch(recordPath(table, record), object({{"values", object({{"Amount", 12.5}})}}));
  ASSERT_EQ(patched.status, 200) << describe(patched);
  EXPECT_EQ(patched.json()["values"]["Amount"].number(), 12.5);
}

TEST_F(Fields, RefusesAnUnknownType) {
  Tenant acme = newTenant("fld-type");
  int64_t table =
      createTable(acme.api, createWorkspace(acme.api, "Ops"), "Orders", array({field("Title", "text")}))["id"]
          .integer();
  EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/fields"), field("Size", "integer")), 422));
}

TEST_F(Fields, RefusesANameTheTableAlreadyHas) {
  Tenant acme = newTenant("fld-dup");
  int64_t table =
      createTable(acme.api, createWorkspace(acme.api, "Ops"), "Orders", array({field("Title", "text")}))["id"]
          .integer();
  EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/fields"), field("Title", "number")), 409));
}

TEST_F(Fields, RefusesABodyWithoutType) {
  Tenant acme = newTenant("fld-notype");
  int64_t table =
      createTable(acme.api, createWorkspace(acme.api, "Ops"), "Orders", array({field("Title", "text")}))["id"]
          .integer();
  EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/fields"), object({{"name", "Size"}})), 400));
}

// Another company's admin must not learn that a workspace, table or record exists.
class OtherCompany : public ServerTest<OtherCompany> {};

TEST_F(OtherCompany, GetsNotFoundOnEveryRouteOfAWorkspaceItDoesNotOwn) {
  Tenant acme = newTenant("owner");
  Tenant globex = newTenant("intruder");
  int64_t workspace = createWorkspace(acme.api, "Private");
  int64_t table = createTable(acme.api, workspace, "Salaries", array({field("Name", "text")}))["id"].integer();
  int64_t record = createRecord(acme.api, table, object({{"Name", "Ada"}}))["id"].integer();
  std::string values = stringify(object({{"values", object({{"Name", "Mallory"}})}}));
  struct Call {
    std::string method;
    std::string path;
    std::string body;
  };
  const Call calls[] = {
      {"GET", workspacePath(workspace, "/tables"), ""},
      {"POST", workspacePath(workspace, "/tables"), stringify(object({{"name", "Mine"}, {"fields", array({})}}))},
      {"POST", tablePath(table, "/fields"), stringify(field("Extra", "text"))},
      {"GET", tablePath(table, "/records"), ""},
      {"POST", tablePath(table, "/records"), values},
      {"GET", recordPath(table, record), ""},
      {"PATCH", recordPath(table, record), values},
      {"DELETE", recordPath(table, record), ""},
      {"GET", recordPath(table, record, "/history"), ""},
      {"GET", tablePath(table, "/export"), ""},
  };
  for (const Call& call : calls) {
    SCOPED_TRACE(call.method + " " + call.path);
    EXPECT_TRUE(
        isError(globex.api.request(call.method, call.path, call.body, {{"Content-Type", "application/json"}}), 404));
  }
  EXPECT_TRUE(isError(globex.api.postCsv(tablePath(table, "/import"), "Name\nMallory\n"), 404));
  EXPECT_TRUE(isError(globex.api.postCsv(tablePath(table, "/import?dryRun=1"), "Name\nMallory\n"), 404));

  Json list = listRecords(acme.api, table);
  ASSERT_EQ(list["total"].integer(), 1) << list;
  EXPECT_EQ(list["records"][0]["values"]["Name"].str(), "Ada");
  EXPECT_EQ(list["records"][0]["version"].integer(), 1);
  Json tables = acme.api.get(workspacePath(workspace, "/tables")).json();
  ASSERT_EQ(tables.size(), 1u) << tables;
  EXPECT_EQ(tables[0]["fields"].size(), 1u) << tables;
}

TEST_F(OtherCompany, GetsTheSameAnswerAsForAnIdThatDoesNotExist) {
  Tenant acme = newTenant("owner-same");
  Tenant globex = newTenant("intruder-same");
  int64_t workspace = createWorkspace(acme.api, "Private");
  int64_t table = createTable(acme.api, workspace, "Salaries", array({field("Name", "text")}))["id"].integer();
  Response hidden = globex.api.get(tablePath(table, "/records"));
  Response missing = globex.api.get(tablePath(table + 100000, "/records"));
  EXPECT_TRUE(isError(hidden, 404));
  EXPECT_TRUE(isError(missing, 404));
  EXPECT_EQ(hidden.json()["error"]["code"].str(), missing.json()["error"]["code"].str());
}

TEST_F(OtherCompany, CannotSeeAnotherCompanysAdministrationWorkspace) {
  Tenant acme = newTenant("owner-admin");
  Tenant globex = newTenant("intruder-admin");
  int64_t administration = workspaceNamed(acme.api, "Administration");
  ASSERT_NE(administration, 0);
  int64_t users = tableNamed(acme.api, administration, "Users")["id"].integer();
  EXPECT_TRUE(isError(globex.api.get(workspacePath(administration, "/tables")), 404));
  EXPECT_TRUE(isError(globex.api.get(tablePath(users, "/records")), 404));
  EXPECT_TRUE(isError(globex.api.get(tablePath(users, "/export")), 404));
}

}  // namespace
