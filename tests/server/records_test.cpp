// API.md "Workspaces, tables, records": the record calls (create, read, patch with versions,
// delete), value checks by field type, history, and listing with paging, sort and search.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "worktable/testing/api.h"
#include "worktable/testing/test_database.h"

namespace {

using namespace worktable::testing;

Poco::Dynamic::Var field(const std::string& name, const std::string& type) {
  return object({{"name", name}, {"type", type}});
}

// A table with a field of every type: Name, Budget, Done, Stage, Contact, Due.
int64_t projectsTable(Tenant& tenant) {
  int64_t workspace = createWorkspace(tenant.api, "Work");
  Poco::Dynamic::Var fields =
      array({field("Name", "text"), field("Budget", "number"), field("Done", "checkbox"),
             object({{"name", "Stage"}, {"type", "select"}, {"options", array({"Idea", "Active", "Finished"})}}),
             field("Contact", "email"), field("Due", "date")});
  return createTable(tenant.api, workspace, "Projects", fields)["id"].integer();
}

Poco::Dynamic::Var values(std::initializer_list<Member> members) { return object({{"values", object(members)}}); }

class Records : public ServerTest<Records> {};

TEST_F(Records, CreatingOneAnswersWithVersionOneAndEveryField) {
  Tenant acme = newTenant("rec-create");
  int64_t table = projectsTable(acme);
  Response response = acme.api.post(tablePath(table, "/records"), values({{"Name", "Bridge"},
                                                                          {"Budget", 1250.5},
                                                                          {"Done", false},
                                                                          {"Stage", "Active"},
                                                                          {"Contact", "ada@example.com"},
                                                                          {"Due", "2024-02-29"}}));
  ASSERT_EQ(response.status, 201) << describe(response);
  Json record = response.json();
  EXPECT_TRUE(record["id"].isInteger());
  EXPECT_EQ(record["version"].integer(), 1);
  Json v = record["values"];
  EXPECT_EQ(v.keys(), (std::vector<std::string>{"Budget", "Contact", "Done", "Due", "Name", "Stage"}));
  EXPECT_EQ(v["Name"].str(), "Bridge");
  EXPECT_EQ(v["Budget"].number(), 1250.5);
  EXPECT_FALSE(v["Done"].boolean());
  EXPECT_EQ(v["Stage"].str(), "Active");
  EXPECT_EQ(v["Contact"].str(), "ada@example.com");
  EXPECT_EQ(v["Due"].str(), "2024-02-29");
}

TEST_F(Records, FieldsLeftOutAreNull) {
  Tenant acme = newTenant("rec-null");
  int64_t table = projectsTable(acme);
  Json record = createRecord(acme.api, table, object({{"Name", "Only a name"}}));
  Json v = record["values"];
  EXPECT_EQ(v.size(), 6u) << v;
  for (const char* name : {"Budget", "Done", "Stage", "Contact", "Due"}) {
    EXPECT_TRUE(v.has(name)) << name;
    EXPECT_TRUE(v[name].isNull()) << name << ": " << v;
  }
}

TEST_F(Records, ReadingOneGivesWhatWasCreated) {
  Tenant acme = newTenant("rec-read");
  int64_t table = projectsTable(acme);
  Json created = createRecord(acme.api, table, object({{"Name", "Road"}, {"Budget", 7}, {"Done", true}}));
  Response response = acme.api.get(recordPath(table, created["id"].integer()));
  ASSERT_EQ(response.status, 200) << describe(response);
  EXPECT_EQ(response.json().dump(), created.dump());
}

TEST_F(Records, GivesEachRecordItsOwnId) {
  Tenant acme = newTenant("rec-ids");
  int64_t table = projectsTable(acme);
  int64_t first = createRecord(acme.api, table, object({{"Name", "A"}}))["id"].integer();
  int64_t second = createRecord(acme.api, table, object({{"Name", "B"}}))["id"].integer();
  EXPECT_NE(first, second);
  EXPECT_EQ(acme.api.get(recordPath(table, first)).json()["values"]["Name"].str(), "A");
  EXPECT_EQ(acme.api.get(recordPath(table, second)).json()["values"]["Name"].str(), "B");
}

TEST_F(Records, PatchingRaisesTheVersionAndKeepsTheOtherValues) {
  Tenant acme = newTenant("rec-patch");
  int64_t table = projectsTable(acme);
  Json created = createRecord(acme.api, table, object({{"Name", "Tunnel"}, {"Budget", 10}, {"Stage", "Idea"}}));
  int64_t id = created["id"].integer();
  Response response = acme.api.patch(recordPath(table, id), values({{"Budget", 20}, {"Done", true}}));
  ASSERT_EQ(response.status, 200) << describe(response);
  Json patched = response.json();
  EXPECT_EQ(patched["id"].integer(), id);
  EXPECT_EQ(patched["version"].integer(), 2);
  EXPECT_EQ(patched["values"]["Budget"].number(), 20);
  EXPECT_TRUE(patched["values"]["Done"].boolean());
  EXPECT_EQ(patched["values"]["Name"].str(), "Tunnel");
  EXPECT_EQ(patched["values"]["Stage"].str(), "Idea");
  EXPECT_EQ(acme.api.get(recordPath(table, id)).json().dump(), patched.dump());

  Response again = acme.api.patch(recordPath(table, id), values({{"Name", "Tunnel 2"}}));
  EXPECT_EQ(again.json()["version"].integer(), 3) << describe(again);
}

TEST_F(Records, PatchingWithTheCurrentVersionWorks) {
  Tenant acme = newTenant("rec-version");
  int64_t table = projectsTable(acme);
  int64_t id = createRecord(acme.api, table, object({{"Name", "Dam"}}))["id"].integer();
  Response response =
      acme.api.patch(recordPath(table, id), object({{"values", object({{"Name", "Dam 2"}})}, {"version", 1}}));
  ASSERT_EQ(response.status, 200) << describe(response);
  EXPECT_EQ(response.json()["version"].integer(), 2);
}

TEST_F(Records, PatchingWithAStaleVersionIsAConflict) {
  Tenant acme = newTenant("rec-stale");
  int64_t table = projectsTable(acme);
  int64_t id = createRecord(acme.api, table, object({{"Name", "Dam"}}))["id"].integer();
  ASSERT_EQ(acme.api.patch(recordPath(table, id), values({{"Name", "Dam 2"}})).status, 200);
  Response stale =
      acme.api.patch(recordPath(table, id), object({{"values", object({{"Name", "Dam 1b"}})}, {"version", 1}}));
  EXPECT_TRUE(isError(stale, 409, "stale_version"));
  Json stored = acme.api.get(recordPath(table, id)).json();
  EXPECT_EQ(stored["version"].integer(), 2);
  EXPECT_EQ(stored["values"]["Name"].str(), "Dam 2");
}

TEST_F(Records, RefusesAVersionThatIsNotAWholeNumberAndKeepsTheRecord) {
  Tenant acme = newTenant("rec-badversion");
  int64_t table = projectsTable(acme);
  int64_t id = createRecord(acme.api, table, object({{"Name", "Dam"}}))["id"].integer();
  Headers json = {{"Content-Type", "application/json"}};
  for (const char* version : {"1.5", "true", "\"1\"", "[1]", "{}", "1e300"}) {
    SCOPED_TRACE(version);
    std::string body = std::string("{\"values\": {\"Name\": \"Dam 2\"}, \"version\": ") + version + "}";
    EXPECT_TRUE(isError(acme.api.request("PATCH", recordPath(table, id), body, json), 400, "bad_request"));
  }
  // A whole number written as a decimal is one; null is no version at all.
  EXPECT_EQ(acme.api.request("PATCH", recordPath(table, id), "{\"values\": {\"Name\": \"Dam 2\"}, \"version\": 1.0}", json)
                .status,
            200);
  EXPECT_EQ(acme.api.request("PATCH", recordPath(table, id), "{\"values\": {\"Name\": \"Dam 3\"}, \"version\": null}", json)
                .status,
            200);
  Json stored = acme.api.get(recordPath(table, id)).json();
  EXPECT_EQ(stored["version"].integer(), 3);
  EXPECT_EQ(stored["values"]["Name"].str(), "Dam 3");
}

TEST_F(Records, RefusesAListOrAnObjectAsAValueNamingTheField) {
  Tenant acme = newTenant("rec-nested");
  int64_t table = projectsTable(acme);
  Headers json = {{"Content-Type", "application/json"}};
  for (const char* body : {"{\"values\": {\"Name\": [\"a\"]}}", "{\"values\": {\"Name\": {\"first\": \"a\"}}}",
                           "{\"values\": {\"Name\": \"ok\", \"Name\": [1]}}"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(isError(acme.api.request("POST", tablePath(table, "/records"), body, json), 422, "invalid_value", "Name"));
  }
  EXPECT_EQ(listRecords(acme.api, table)["total"].integer(), 0);
  // As in any JSON object, a name given twice keeps its last value.
  Response last = acme.api.request("POST", tablePath(table, "/records"),
                                   "{\"values\": {\"Name\": [1], \"Name\": \"Pier\"}, \"other\": {\"values\": 1}}", json);
  ASSERT_EQ(last.status, 201) << describe(last);
  EXPECT_EQ(last.json()["values"]["Name"].str(), "Pier");
}

TEST_F(Records, NullClearsAValue) {
  Tenant acme = newTenant("rec-clear");
  int64_t table = projectsTable(acme);
  int64_t id = createRecord(acme.api, table, object({{"Name", "Pier"}, {"Budget", 5}}))["id"].integer();
  Response response = acme.api.patch(recordPath(table, id), values({{"Budget", null()}}));
  ASSERT_EQ(response.status, 200) << describe(response);
  EXPECT_TRUE(response.json()["values"]["Budget"].isNull()) << response.body;
  EXPECT_EQ(response.json()["values"]["Name"].str(), "Pier");
}

TEST_F(Records, RefusesAValueOfTheWrongTypeNamingTheField) {
  Tenant acme = newTenant("rec-type");
  int64_t table = projectsTable(acme);
  const std::pair<std::string, Poco::Dynamic::Var> wrong[] = {
      {"Budget", "12 euros"}, {"Budget", true},  {"Done", "yes"}, {"Done", 1},
      {"Name", 42},           {"Due", 20240101}, {"Stage", false}};
  for (const auto& [name, value] : wrong) {
    SCOPED_TRACE(name + " = " + stringify(value));
    EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/records"), object({{"values", object({{name, value}})}})), 422,
                        "", name));
  }
  EXPECT_EQ(listRecords(acme.api, table)["total"].integer(), 0);
}

TEST_F(Records, RefusesAPatchOfTheWrongTypeAndKeepsTheRecord) {
  Tenant acme = newTenant("rec-patchtype");
  int64_t table = projectsTable(acme);
  int64_t id = createRecord(acme.api, table, object({{"Name", "Quay"}, {"Budget", 3}}))["id"].integer();
  EXPECT_TRUE(isError(acme.api.patch(recordPath(table, id), values({{"Name", "Quay 2"}, {"Budget", "three"}})), 422, "",
                      "Budget"));
  Json stored = acme.api.get(recordPath(table, id)).json();
  EXPECT_EQ(stored["version"].integer(), 1);
  EXPECT_EQ(stored["values"]["Name"].str(), "Quay");
  EXPECT_EQ(stored["values"]["Budget"].number(), 3);
}

TEST_F(Records, RefusesAnUnknownField) {
  Tenant acme = newTenant("rec-unknown");
  int64_t table = projectsTable(acme);
  EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/records"), values({{"Name", "X"}, {"Colour", "red"}})), 422, "",
                      "Colour"));
  EXPECT_EQ(listRecords(acme.api, table)["total"].integer(), 0);
}

TEST_F(Records, RefusesASelectValueOutsideItsOptions) {
  Tenant acme = newTenant("rec-select");
  int64_t table = projectsTable(acme);
  for (const char* stage : {"Done", "active", "Idea "}) {
    SCOPED_TRACE(stage);
    EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/records"), values({{"Stage", stage}})), 422, "", "Stage"));
  }
  EXPECT_EQ(acme.api.post(tablePath(table, "/records"), values({{"Stage", "Finished"}})).status, 201);
}

TEST_F(Records, RefusesADateThatIsNotIsoOrDoesNotExist) {
  Tenant acme = newTenant("rec-date");
  int64_t table = projectsTable(acme);
  for (const char* due : {"2023-02-29", "2024-13-01", "2024-04-31", "31/12/2024", "2024-1-5", "tomorrow"}) {
    SCOPED_TRACE(due);
    EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/records"), values({{"Due", due}})), 422, "", "Due"));
  }
  EXPECT_EQ(acme.api.post(tablePath(table, "/records"), values({{"Due", "2000-02-29"}})).status, 201);
}

TEST_F(Records, RefusesAnInvalidEmail) {
  Tenant acme = newTenant("rec-email");
  int64_t table = projectsTable(acme);
  for (const char* email : {"ada", "ada@", "@example.com", "ada @example.com"}) {
    SCOPED_TRACE(email);
    EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/records"), values({{"Contact", email}})), 422, "", "Contact"));
  }
}

TEST_F(Records, RefusesABodyWithoutValues) {
  Tenant acme = newTenant("rec-novalues");
  int64_t table = projectsTable(acme);
  EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/records"), object({{"Name", "X"}})), 400));
  EXPECT_TRUE(isError(
      acme.api.request("POST", tablePath(table, "/records"), "{\"values\": ", {{"Content-Type", "application/json"}}),
      400));
}

TEST_F(Records, DeletingAnswersNoContentAndTheRecordIsGone) {
  Tenant acme = newTenant("rec-delete");
  int64_t table = projectsTable(acme);
  int64_t kept = createRecord(acme.api, table, object({{"Name", "Keep"}}))["id"].integer();
  int64_t id = createRecord(acme.api, table, object({{"Name", "Drop"}}))["id"].integer();
  Response response = acme.api.del(recordPath(table, id));
  EXPECT_EQ(response.status, 204) << describe(response);
  EXPECT_TRUE(response.body.empty());
  EXPECT_TRUE(isError(acme.api.get(recordPath(table, id)), 404));
  EXPECT_TRUE(isError(acme.api.del(recordPath(table, id)), 404));
  EXPECT_TRUE(isError(acme.api.patch(recordPath(table, id), values({{"Name", "Back"}})), 404));
  Json list = listRecords(acme.api, table);
  ASSERT_EQ(list["total"].integer(), 1) << list;
  EXPECT_EQ(list["records"][0]["id"].integer(), kept);
}

TEST_F(Records, UnknownRecordIsNotFound) {
  Tenant acme = newTenant("rec-404");
  int64_t table = projectsTable(acme);
  int64_t id = createRecord(acme.api, table, object({{"Name", "Only"}}))["id"].integer();
  int64_t missing = id + 1000;
  EXPECT_TRUE(isError(acme.api.get(recordPath(table, missing)), 404));
  EXPECT_TRUE(isError(acme.api.patch(recordPath(table, missing), values({{"Name", "X"}})), 404));
  EXPECT_TRUE(isError(acme.api.del(recordPath(table, missing)), 404));
  EXPECT_TRUE(isError(acme.api.get(recordPath(table, missing, "/history")), 404));
}

TEST_F(Records, UnknownTableIsNotFound) {
  Tenant acme = newTenant("tbl-404");
  int64_t table = projectsTable(acme) + 1000;
  EXPECT_TRUE(isError(acme.api.get(tablePath(table, "/records")), 404));
  EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/records"), values({{"Name", "X"}})), 404));
  EXPECT_TRUE(isError(acme.api.post(tablePath(table, "/fields"), field("X", "text")), 404));
  EXPECT_TRUE(isError(acme.api.get(workspacePath(999999, "/tables")), 404));
}

class History : public ServerTest<History> {};

TEST_F(History, ListsEachChangeOldestFirstWithBeforeAndAfter) {
  Tenant acme = newTenant("hist");
  int64_t table = projectsTable(acme);
  int64_t id = createRecord(acme.api, table, object({{"Name", "Ada"}, {"Budget", 10}}))["id"].integer();
  ASSERT_EQ(acme.api.patch(recordPath(table, id), values({{"Name", "Grace"}})).status, 200);
  ASSERT_EQ(acme.api.patch(recordPath(table, id), values({{"Budget", 20}, {"Done", true}})).status, 200);

  Response response = acme.api.get(recordPath(table, id, "/history"));
  ASSERT_EQ(response.status, 200) << describe(response);
  Json history = response.json();
  ASSERT_EQ(history.size(), 3u) << history;
  for (const Json& entry : history.elements()) {
    EXPECT_FALSE(entry["at"].str().empty()) << entry;
    EXPECT_FALSE(entry["actor"].str().empty()) << entry;
    EXPECT_TRUE(entry["changes"].isObject()) << entry;
  }
  EXPECT_LE(history[0]["at"].str(), history[2]["at"].str());

  Json created = history[0]["changes"];
  EXPECT_EQ(created.keys(), (std::vector<std::string>{"Budget", "Name"})) << created;
  EXPECT_TRUE(created["Name"][0].isNull());
  EXPECT_EQ(created["Name"][1].str(), "Ada");
  EXPECT_EQ(created["Budget"][1].number(), 10);

  Json renamed = history[1]["changes"];
  EXPECT_EQ(renamed.keys(), (std::vector<std::string>{"Name"})) << renamed;
  EXPECT_EQ(renamed["Name"][0].str(), "Ada");
  EXPECT_EQ(renamed["Name"][1].str(), "Grace");

  Json budget = history[2]["changes"];
  EXPECT_EQ(budget.keys(), (std::vector<std::string>{"Budget", "Done"})) << budget;
  EXPECT_EQ(budget["Budget"][0].number(), 10);
  EXPECT_EQ(budget["Budget"][1].number(), 20);
  EXPECT_TRUE(budget["Done"][0].isNull());
  EXPECT_TRUE(budget["Done"][1].boolean());
}

TEST_F(History, IsKeptAfterTheRecordIsDeleted) {
  Tenant acme = newTenant("hist-del");
  int64_t table = projectsTable(acme);
  int64_t id = createRecord(acme.api, table, object({{"Name", "Ephemeral"}}))["id"].integer();
  ASSERT_EQ(acme.api.del(recordPath(table, id)).status, 204);
  Response response = acme.api.get(recordPath(table, id, "/history"));
  ASSERT_EQ(response.status, 200) << describe(response);
  Json history = response.json();
  ASSERT_GE(history.size(), 1u) << history;
  EXPECT_EQ(history[0]["changes"]["Name"][1].str(), "Ephemeral");
  if (history.size() == 2) {
    EXPECT_EQ(history[1]["changes"]["Name"][0].str(), "Ephemeral");
    EXPECT_TRUE(history[1]["changes"]["Name"][1].isNull());
  } else {
    ADD_FAILURE() << "expected the creation and the deletion: " << history;
  }
}

TEST_F(History, RecordsNothingForARefusedChange) {
  Tenant acme = newTenant("hist-refused");
  int64_t table = projectsTable(acme);
  int64_t id = createRecord(acme.api, table, object({{"Name", "Stable"}}))["id"].integer();
  ASSERT_EQ(acme.api.patch(recordPath(table, id), values({{"Budget", "lots"}})).status, 422);
  EXPECT_EQ(acme.api.get(recordPath(table, id, "/history")).json().size(), 1u);
}

// Fifty records "Item 01".."Item 50", created in a shuffled order, with Score = n * 7 % 50
// (distinct, so that text order and number order differ).
class RecordList : public ServerTest<RecordList> {
 protected:
  struct Item {
    int64_t id;
    std::string name;
    int score;
  };

  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    tenant_ = std::make_unique<Tenant>(newTenant("list"));
    int64_t workspace = createWorkspace(tenant_->api, "Lists");
    table_ =
        createTable(tenant_->api, workspace, "Items", array({field("Name", "text"), field("Score", "number")}))["id"]
            .integer();
    for (int i = 0; i < 50; ++i) {
      int n = (i * 17) % 50 + 1;  // 17 is prime to 50: every n in 1..50 once
      std::string name = std::string("Item ") + (n < 10 ? "0" : "") + std::to_string(n);
      int score = n * 7 % 50;
      int64_t id = createRecord(tenant_->api, table_, object({{"Name", name}, {"Score", score}}))["id"].integer();
      items_.push_back({id, name, score});
    }
  }

  Json list(const std::string& query) { return listRecords(tenant_->api, table_, query); }

  static std::vector<std::string> names(const Json& page) {
    std::vector<std::string> result;
    for (const Json& record : page["records"].elements()) result.push_back(record["values"]["Name"].str());
    return result;
  }

  std::unique_ptr<Tenant> tenant_;
  int64_t table_ = 0;
  std::vector<Item> items_;
};

TEST_F(RecordList, WithoutParametersListsEveryRecordInIdOrder) {
  Json page = list("");
  EXPECT_EQ(page["total"].integer(), 50);
  ASSERT_EQ(page["records"].size(), 50u) << page;
  std::vector<int64_t> ids;
  for (const Json& record : page["records"].elements()) {
    ids.push_back(record["id"].integer());
    EXPECT_EQ(record["version"].integer(), 1);
    EXPECT_EQ(record["values"].size(), 2u);
  }
  std::vector<int64_t> expected;
  for (const Item& item : items_) expected.push_back(item.id);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
}

TEST_F(RecordList, OffsetAndLimitCutAPage) {
  std::vector<int64_t> ids;
  for (const Item& item : items_) ids.push_back(item.id);
  std::sort(ids.begin(), ids.end());
  Json page = list("offset=10&limit=5");
  EXPECT_EQ(page["total"].integer(), 50);
  ASSERT_EQ(page["records"].size(), 5u) << page;
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(page["records"][i]["id"].integer(), ids[10 + i]);

  Json tail = list("offset=48&limit=5");
  EXPECT_EQ(tail["total"].integer(), 50);
  EXPECT_EQ(tail["records"].size(), 2u);
  Json beyond = list("offset=60");
  EXPECT_EQ(beyond["total"].integer(), 50);
  EXPECT_EQ(beyond["records"].size(), 0u);
  EXPECT_TRUE(beyond["records"].isArray());
}

TEST_F(RecordList, SortOrdersByAFieldAndDescReversesIt) {
  std::vector<std::string> expected;
  for (const Item& item : items_) expected.push_back(item.name);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names(list("sort=Name&limit=50")), expected);
  std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(names(list("sort=Name&desc=1&limit=50")), expected);
}

TEST_F(RecordList, SortByANumberFieldIsNumeric) {
  Json page = list("sort=Score&limit=50");
  ASSERT_EQ(page["records"].size(), 50u);
  for (size_t i = 0; i < 50; ++i)
    EXPECT_EQ(page["records"][i]["values"]["Score"].number(), static_cast<double>(i)) << i;
}

// Whether the column of `field` has an index in the server's store, seen behind its back
// (`|| ''` drops the name's collation, which only the server's SQLite connection has).
bool columnIndexed(TestServer& server, int64_t table, const std::string& field) {
  std::string indexes = testsOnPostgresql() ? "SELECT indexname AS name FROM pg_indexes"
                                            : "SELECT name FROM sqlite_master WHERE type = 'index'";
  return server.execute("UPDATE fields SET indexed = indexed WHERE table_id = " + std::to_string(table) +
                            " AND name || '' = $1 AND EXISTS (SELECT 1 FROM (" + indexes +
                            ") i WHERE i.name = 't' || fields.table_id || '_f' || fields.id)",
                        field) == 1;
}

// Fields are indexed on first sort, not when made: each index costs every write of its field.
TEST_F(RecordList, TheFirstSortByAFieldIndexesItsColumn) {
  ASSERT_FALSE(columnIndexed(server(), table_, "Score"));
  Response patched = tenant_->api.patch(recordPath(table_, items_[0].id), values({{"Name", "Renamed"}}));
  ASSERT_EQ(patched.status, 200) << describe(patched);
  EXPECT_FALSE(columnIndexed(server(), table_, "Name")) << "a write indexes nothing";
  Json page = list("sort=Score&desc=1&limit=3");
  ASSERT_EQ(page["records"].size(), 3u) << page;
  EXPECT_EQ(page["records"][0]["values"]["Score"].number(), 49.0);
  EXPECT_TRUE(columnIndexed(server(), table_, "Score"));
  EXPECT_FALSE(columnIndexed(server(), table_, "Name"));
  page = list("sort=Score&desc=1&limit=3");
  EXPECT_EQ(page["records"][2]["values"]["Score"].number(), 47.0) << "sorted again on its index";
}

TEST_F(RecordList, ARefusedSortIndexesNothing) {
  EXPECT_TRUE(isError(tenant_->api.get(tablePath(table_, "/records?sort=Name&limit=5000")), 400));
  EXPECT_FALSE(columnIndexed(server(), table_, "Name"));
}

TEST_F(RecordList, SortCombinesWithPaging) {
  Json page = list("sort=Name&desc=1&offset=5&limit=3");
  EXPECT_EQ(page["total"].integer(), 50);
  EXPECT_EQ(names(page), (std::vector<std::string>{"Item 45", "Item 44", "Item 43"}));
}

TEST_F(RecordList, SearchKeepsOnlyMatchingRecordsAndCountsThem) {
  Json page = list("q=" + encode("Item 1") + "&sort=Name");
  EXPECT_EQ(page["total"].integer(), 10);
  EXPECT_EQ(names(page), (std::vector<std::string>{"Item 10", "Item 11", "Item 12", "Item 13", "Item 14", "Item 15",
                                                   "Item 16", "Item 17", "Item 18", "Item 19"}));
  Json none = list("q=nothing-like-this");
  EXPECT_EQ(none["total"].integer(), 0);
  EXPECT_EQ(none["records"].size(), 0u);
}

TEST_F(RecordList, SearchCombinesWithSortAndPaging) {
  Json page = list("q=" + encode("Item 2") + "&sort=Name&desc=1&limit=3&offset=1");
  EXPECT_EQ(page["total"].integer(), 10);
  EXPECT_EQ(names(page), (std::vector<std::string>{"Item 28", "Item 27", "Item 26"}));
}

TEST_F(RecordList, RefusesALimitAboveOneThousand) {
  EXPECT_TRUE(isError(tenant_->api.get(tablePath(table_, "/records?limit=1001")), 400));
  EXPECT_EQ(tenant_->api.get(tablePath(table_, "/records?limit=1000")).status, 200);
}

TEST_F(RecordList, RefusesParametersThatAreNotNumbers) {
  EXPECT_TRUE(isError(tenant_->api.get(tablePath(table_, "/records?limit=ten")), 400));
  EXPECT_TRUE(isError(tenant_->api.get(tablePath(table_, "/records?offset=1x")), 400));
}

TEST_F(RecordList, RefusesSortingByAnUnknownField) {
  EXPECT_TRUE(isError(tenant_->api.get(tablePath(table_, "/records?sort=Colour")), 400));
}

class DefaultLimit : public ServerTest<DefaultLimit> {};

TEST_F(DefaultLimit, ListGivesOneHundredRecordsWhenNoLimitIsAsked) {
  Tenant acme = newTenant("limit");
  int64_t workspace = createWorkspace(acme.api, "Bulk");
  int64_t table = createTable(acme.api, workspace, "Rows", array({field("N", "number")}))["id"].integer();
  for (int i = 0; i < 130; ++i) createRecord(acme.api, table, object({{"N", i}}));
  Json page = listRecords(acme.api, table);
  EXPECT_EQ(page["total"].integer(), 130);
  ASSERT_EQ(page["records"].size(), 100u);
  EXPECT_EQ(page["records"][99]["values"]["N"].number(), 99);
  EXPECT_EQ(listRecords(acme.api, table, "offset=100")["records"].size(), 30u);
}

}  // namespace
