// API.md "Workspaces, tables, records": CSV import (delimiters, BOM, quoting, per-line
// results, dry run) and export (header row, RFC 4180 quoting, formula neutralisation).
#include "worktable/testing/csv.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "worktable/testing/api.h"

namespace {

using namespace worktable::testing;

Poco::Dynamic::Var field(const std::string& name, const std::string& type) {
  return object({{"name", name}, {"type", type}});
}

Poco::Dynamic::Var invoiceFields() {
  return array({field("Name", "text"), field("Amount", "number"), field("Paid", "checkbox"),
                object({{"name", "Stage"}, {"type", "select"}, {"options", array({"Idea", "Active", "Done"})}}),
                field("Due", "date"), field("Note", "text")});
}

// A fresh "Invoices" table (Name, Amount, Paid, Stage, Due, Note) in a new workspace.
int64_t invoicesTable(Tenant& tenant, const std::string& name = "Invoices") {
  return createTable(tenant.api, createWorkspace(tenant.api, "Books " + name), name, invoiceFields())["id"].integer();
}

// Records sorted by Name.
Json byName(Tenant& tenant, int64_t table) { return listRecords(tenant.api, table, "sort=Name&limit=1000"); }

class Import : public ServerTest<Import> {};

TEST_F(Import, StoresEveryLineOfACommaSeparatedFileAndReportsEach) {
  Tenant acme = newTenant("imp-comma");
  int64_t table = invoicesTable(acme);
  std::string csv =
      "Name,Amount,Paid,Stage,Due,Note\n"
      "Alpha,12.5,true,Idea,2024-05-01,first\n"
      "Beta,,false,Active,,\n"
      "Gamma,3,,Done,2024-12-31,third\n";
  Response response = acme.api.postCsv(tablePath(table, "/import"), csv);
  ASSERT_EQ(response.status, 200) << describe(response);
  Json report = response.json();
  EXPECT_EQ(report["inserted"].integer(), 3);
  EXPECT_EQ(report["updated"].integer(), 0);
  EXPECT_EQ(report["rejected"].integer(), 0);
  ASSERT_EQ(report["rows"].size(), 3u) << report;
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(report["rows"][i]["line"].integer(), static_cast<int64_t>(i + 2)) << report;
    EXPECT_TRUE(report["rows"][i]["id"].isInteger()) << report;
    EXPECT_TRUE(report["rows"][i]["result"].isString()) << report;
  }

  Json list = byName(acme, table);
  ASSERT_EQ(list["total"].integer(), 3) << list;
  Json alpha = list["records"][0];
  EXPECT_EQ(alpha["id"].integer(), report["rows"][0]["id"].integer());
  EXPECT_EQ(alpha["values"]["Name"].str(), "Alpha");
  EXPECT_EQ(alpha["values"]["Amount"].number(), 12.5);
  EXPECT_TRUE(alpha["values"]["Paid"].boolean());
  EXPECT_EQ(alpha["values"]["Stage"].str(), "Idea");
  EXPECT_EQ(alpha["values"]["Due"].str(), "2024-05-01");
  EXPECT_EQ(alpha["values"]["Note"].str(), "first");
  Json beta = list["records"][1]["values"];
  EXPECT_TRUE(beta["Amount"].isNull()) << beta;
  EXPECT_FALSE(beta["Paid"].boolean());
  EXPECT_TRUE(beta["Due"].isNull()) << beta;
  EXPECT_TRUE(beta["Note"].isNull()) << beta;
  Json gamma = list["records"][2]["values"];
  EXPECT_EQ(gamma["Amount"].number(), 3);
  EXPECT_TRUE(gamma["Paid"].isNull()) << gamma;
  EXPECT_EQ(gamma["Stage"].str(), "Done");
}

TEST_F(Import, RejectsABadLineAndStoresTheOthers) {
  Tenant acme = newTenant("imp-bad");
  int64_t table = invoicesTable(acme);
  std::string csv =
      "Name,Amount,Stage\n"
      "Good one,1,Idea\n"
      "Bad amount,lots,Idea\n"
      "Also good,2,Active\n"
      "Bad stage,3,Someday\n";
  Response response = acme.api.postCsv(tablePath(table, "/import"), csv);
  ASSERT_EQ(response.status, 200) << describe(response);
  Json report = response.json();
  EXPECT_EQ(report["inserted"].integer(), 2);
  EXPECT_EQ(report["rejected"].integer(), 2);
  ASSERT_EQ(report["rows"].size(), 4u) << report;
  Json bad = report["rows"][1];
  EXPECT_EQ(bad["line"].integer(), 3);
  EXPECT_TRUE(bad["id"].isNull()) << bad;
  EXPECT_FALSE(bad["result"].str().empty());
  EXPECT_NE(bad["result"].str(), report["rows"][0]["result"].str());
  EXPECT_EQ(report["rows"][3]["line"].integer(), 5);
  EXPECT_TRUE(report["rows"][3]["id"].isNull());
  EXPECT_TRUE(report["rows"][2]["id"].isInteger());

  Json list = byName(acme, table);
  ASSERT_EQ(list["total"].integer(), 2) << list;
  EXPECT_EQ(list["records"][0]["values"]["Name"].str(), "Also good");
  EXPECT_EQ(list["records"][1]["values"]["Name"].str(), "Good one");
}

TEST_F(Import, ReadsASemicolonSeparatedFile) {
  Tenant acme = newTenant("imp-semi");
  int64_t table = invoicesTable(acme);
  Response response =
      acme.api.postCsv(tablePath(table, "/import"), "Name;Amount;Note\nAlpha;4;a, b and c\nBeta;5;\"x;y\"\n");
  ASSERT_EQ(response.status, 200) << describe(response);
  EXPECT_EQ(response.json()["inserted"].integer(), 2) << response.body;
  Json list = byName(acme, table);
  ASSERT_EQ(list["total"].integer(), 2) << list;
  EXPECT_EQ(list["records"][0]["values"]["Name"].str(), "Alpha");
  EXPECT_EQ(list["records"][0]["values"]["Amount"].number(), 4);
  EXPECT_EQ(list["records"][0]["values"]["Note"].str(), "a, b and c");
  EXPECT_EQ(list["records"][1]["values"]["Note"].str(), "x;y");
}

TEST_F(Import, IgnoresAByteOrderMarkBeforeTheHeader) {
  Tenant acme = newTenant("imp-bom");
  int64_t table = invoicesTable(acme);
  Response response = acme.api.postCsv(tablePath(table, "/import"), "\xEF\xBB\xBFName,Amount\r\nAlpha,1\r\n");
  ASSERT_EQ(response.status, 200) << describe(response);
  Json list = byName(acme, table);
  ASSERT_EQ(list["total"].integer(), 1) << list;
  EXPECT_EQ(list["records"][0]["values"]["Name"].str(), "Alpha");
  EXPECT_EQ(list["records"][0]["values"]["Amount"].number(), 1);
}

TEST_F(Import, KeepsCommasLineBreaksAndQuotesOfQuotedCells) {
  Tenant acme = newTenant("imp-quoted");
  int64_t table = invoicesTable(acme);
  std::string csv =
      "Name,Note\r\n"
      "\"Smith, John\",\"Line 1\nLine 2\"\r\n"
      "\"He said \"\"hi\"\"\",\"semi;colon\"\r\n"
      "Plain,\"all, of \"\"them\"\"\nat once\"\r\n";
  Response response = acme.api.postCsv(tablePath(table, "/import"), csv);
  ASSERT_EQ(response.status, 200) << describe(response);
  EXPECT_EQ(response.json()["inserted"].integer(), 3) << response.body;
  EXPECT_EQ(response.json()["rejected"].integer(), 0) << response.body;
  Json list = byName(acme, table);
  ASSERT_EQ(list["total"].integer(), 3) << list;
  EXPECT_EQ(list["records"][0]["values"]["Name"].str(), "He said \"hi\"");
  EXPECT_EQ(list["records"][0]["values"]["Note"].str(), "semi;colon");
  EXPECT_EQ(list["records"][1]["values"]["Name"].str(), "Plain");
  EXPECT_EQ(list["records"][1]["values"]["Note"].str(), "all, of \"them\"\nat once");
  EXPECT_EQ(list["records"][2]["values"]["Name"].str(), "Smith, John");
  EXPECT_EQ(list["records"][2]["values"]["Note"].str(), "Line 1\nLine 2");
}

TEST_F(Import, DryRunChecksEveryLineButStoresNothing) {
  Tenant acme = newTenant("imp-dry");
  int64_t table = invoicesTable(acme);
  ASSERT_EQ(acme.api.postCsv(tablePath(table, "/import"), "Name\nKept 1\nKept 2\n").status, 200);
  Response response =
      acme.api.postCsv(tablePath(table, "/import?dryRun=1"), "Name,Amount\nNew 1,1\nNew 2,x\nNew 3,3\nNew 4,4\n");
  ASSERT_EQ(response.status, 200) << describe(response);
  Json report = response.json();
  EXPECT_EQ(report["inserted"].integer(), 3);
  EXPECT_EQ(report["rejected"].integer(), 1);
  ASSERT_EQ(report["rows"].size(), 4u) << report;
  EXPECT_EQ(report["rows"][1]["line"].integer(), 3);
  Json list = byName(acme, table);
  EXPECT_EQ(list["total"].integer(), 2) << list;
  EXPECT_EQ(list["records"][0]["values"]["Name"].str(), "Kept 1");
}

TEST_F(Import, RefusesAFileThatIsNotCsv) {
  Tenant acme = newTenant("imp-malformed");
  int64_t table = invoicesTable(acme);
  EXPECT_TRUE(isError(acme.api.postCsv(tablePath(table, "/import"), "Name,Note\nAlpha,\"unterminated\nBeta,x\n"), 400));
  EXPECT_TRUE(isError(acme.api.postCsv(tablePath(table, "/import"), "Name,Note\nAl\"pha,x\n"), 400));
  EXPECT_EQ(listRecords(acme.api, table)["total"].integer(), 0);
}

TEST_F(Import, RefusesAFileWithoutHeader) {
  Tenant acme = newTenant("imp-empty");
  int64_t table = invoicesTable(acme);
  EXPECT_TRUE(isError(acme.api.postCsv(tablePath(table, "/import"), ""), 400));
  EXPECT_EQ(listRecords(acme.api, table)["total"].integer(), 0);
}

class Export : public ServerTest<Export> {};

TEST_F(Export, AnswersCsvWithAHeaderRowOfFieldNames) {
  Tenant acme = newTenant("exp-header");
  int64_t table = invoicesTable(acme);
  Response response = acme.api.get(tablePath(table, "/export"));
  ASSERT_EQ(response.status, 200) << describe(response);
  EXPECT_EQ(response.header("Content-Type").rfind("text/csv", 0), 0u) << response.header("Content-Type");
  std::optional<CsvRows> rows = parseCsv(response.body);
  ASSERT_TRUE(rows) << response.body;
  ASSERT_EQ(rows->size(), 1u) << response.body;
  EXPECT_EQ((*rows)[0], (std::vector<std::string>{"Name", "Amount", "Paid", "Stage", "Due", "Note"}));
}

TEST_F(Export, ListsEveryRecordUnderTheHeader) {
  Tenant acme = newTenant("exp-rows");
  int64_t table = invoicesTable(acme);
  createRecord(acme.api, table,
               object({{"Name", "Alpha"}, {"Amount", 12.5}, {"Stage", "Idea"}, {"Due", "2024-05-01"}}));
  createRecord(acme.api, table, object({{"Name", "Beta"}, {"Note", "second"}}));
  int64_t dropped = createRecord(acme.api, table, object({{"Name", "Gone"}}))["id"].integer();
  ASSERT_EQ(acme.api.del(recordPath(table, dropped)).status, 204);
  Response response = acme.api.get(tablePath(table, "/export"));
  ASSERT_EQ(response.status, 200) << describe(response);
  std::optional<CsvRows> rows = parseCsv(response.body);
  ASSERT_TRUE(rows) << response.body;
  ASSERT_EQ(rows->size(), 3u) << response.body;
  CsvRows records(rows->begin() + 1, rows->end());
  std::sort(records.begin(), records.end());
  ASSERT_EQ(records[0].size(), 6u);
  EXPECT_EQ(records[0][0], "Alpha");
  EXPECT_DOUBLE_EQ(std::stod(records[0][1]), 12.5);
  EXPECT_EQ(records[0][3], "Idea");
  EXPECT_EQ(records[0][4], "2024-05-01");
  EXPECT_EQ(records[0][5], "");
  ASSERT_EQ(records[1].size(), 6u);
  EXPECT_EQ(records[1][0], "Beta");
  EXPECT_EQ(records[1][1], "");
  EXPECT_EQ(records[1][5], "second");
}

TEST_F(Export, QuotesCellsAsRfc4180Says) {
  Tenant acme = newTenant("exp-quote");
  int64_t table = invoicesTable(acme);
  const std::vector<std::string> notes = {"a,b", "say \"hi\"", "two\nlines", "semi;colon", "plain"};
  for (size_t i = 0; i < notes.size(); ++i) {
    createRecord(acme.api, table, object({{"Name", "N" + std::to_string(i)}, {"Note", notes[i]}}));
  }
  Response response = acme.api.get(tablePath(table, "/export"));
  ASSERT_EQ(response.status, 200) << describe(response);
  EXPECT_NE(response.body.find("\"say \"\"hi\"\"\""), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("\"a,b\""), std::string::npos) << response.body;
  std::optional<CsvRows> rows = parseCsv(response.body);
  ASSERT_TRUE(rows) << "not RFC 4180: " << response.body;
  ASSERT_EQ(rows->size(), notes.size() + 1) << response.body;
  std::vector<std::string> exported;
  for (size_t i = 1; i < rows->size(); ++i) {
    ASSERT_EQ((*rows)[i].size(), 6u) << response.body;
    exported.push_back((*rows)[i][5]);
  }
  std::vector<std::string> expected = notes;
  std::sort(expected.begin(), expected.end());
  std::sort(exported.begin(), exported.end());
  EXPECT_EQ(exported, expected);
}

TEST_F(Export, NeutralisesCellsASpreadsheetWouldRunAsFormulas) {
  Tenant acme = newTenant("exp-formula");
  int64_t table = invoicesTable(acme);
  const std::vector<std::pair<std::string, std::string>> cases = {{"=1+1", "'=1+1"}, {"+SUM(A1:A9)", "'+SUM(A1:A9)"},
                                                                  {"-2+3", "'-2+3"}, {"@cmd", "'@cmd"},
                                                                  {"a=b", "a=b"},    {"x-1", "x-1"}};
  for (size_t i = 0; i < cases.size(); ++i) {
    createRecord(acme.api, table, object({{"Name", "N" + std::to_string(i)}, {"Note", cases[i].first}}));
  }
  std::optional<CsvRows> rows = parseCsv(acme.api.get(tablePath(table, "/export")).body);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), cases.size() + 1);
  for (size_t i = 1; i < rows->size(); ++i) {
    const std::vector<std::string>& row = (*rows)[i];
    ASSERT_EQ(row.size(), 6u);
    size_t n = std::stoul(row[0].substr(1));
    ASSERT_LT(n, cases.size()) << row[0];
    EXPECT_EQ(row[5], cases[n].second) << cases[n].first;
  }
}

TEST_F(Export, ImportsBackIntoTheSameValues) {
  Tenant acme = newTenant("exp-roundtrip");
  int64_t source = invoicesTable(acme, "Source");
  createRecord(acme.api, source,
               object({{"Name", "Alpha"},
                       {"Amount", 1234.75},
                       {"Paid", true},
                       {"Stage", "Done"},
                       {"Due", "2024-02-29"},
                       {"Note", "quoted \"text\", with\nbreak"}}));
  createRecord(acme.api, source, object({{"Name", "Beta"}, {"Amount", 0}, {"Paid", false}, {"Note", "Zoë 名前"}}));
  createRecord(acme.api, source, object({{"Name", "Gamma"}}));
  Response exported = acme.api.get(tablePath(source, "/export"));
  ASSERT_EQ(exported.status, 200) << describe(exported);

  int64_t copy = invoicesTable(acme, "Copy");
  Response imported = acme.api.postCsv(tablePath(copy, "/import"), exported.body);
  ASSERT_EQ(imported.status, 200) << describe(imported);
  EXPECT_EQ(imported.json()["inserted"].integer(), 3) << imported.body;
  EXPECT_EQ(imported.json()["rejected"].integer(), 0) << imported.body;
  Json original = byName(acme, source)["records"];
  Json copied = byName(acme, copy)["records"];
  ASSERT_EQ(copied.size(), original.size());
  for (size_t i = 0; i < original.size(); ++i) EXPECT_EQ(copied[i]["values"].dump(), original[i]["values"].dump());
}

}  // namespace
