// CSV import at scale (issue 5): files as people have them, upsert by a key (the Users
// table's User ID by default), dry runs that store nothing, asynchronous jobs with
// progress, and a crash in the middle of a large import.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <sstream>
#include <thread>

#include "users_support.h"
#include "worktable/testing/api.h"
#include "worktable/testing/csv.h"

namespace {

using namespace worktable::testing;

Poco::Dynamic::Var field(const std::string& name, const std::string& type) {
  return object({{"name", name}, {"type", type}});
}

// A fresh table (Name text, Amount number, Note text) in a new workspace.
int64_t ledger(Tenant& tenant, const std::string& name) {
  Poco::Dynamic::Var fields = array({field("Name", "text"), field("Amount", "number"), field("Note", "text")});
  return createTable(tenant.api, createWorkspace(tenant.api, "Books " + name), name, fields)["id"].integer();
}

// The start of a JSON text, for failure messages about large answers.
std::string brief(const Json& json) {
  std::ostringstream out;
  out << json;
  return out.str().substr(0, 600);
}

int64_t total(Tenant& tenant, int64_t table) { return listRecords(tenant.api, table)["total"].integer(); }

Json importInto(Tenant& tenant, int64_t table, const std::string& csv, const std::string& query = {}) {
  Response response = tenant.api.postCsv(tablePath(table, "/import" + query), csv);
  if (response.status != 200) throw std::runtime_error("import answered " + describe(response));
  return response.json();
}

// Polls GET /jobs/{id} until the job is no longer queued or running (at most `timeout`).
Json waitForJob(HttpClient& api, int64_t job, std::chrono::seconds timeout = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    Response got = api.get("/api/v1/jobs/" + std::to_string(job));
    if (got.status != 200) throw std::runtime_error("GET job answered " + describe(got));
    Json state = got.json();
    if (state["state"].str() != "queued" && state["state"].str() != "running") return state;
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("job still running: " + got.body);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

class CsvFiles : public ServerTest<CsvFiles> {};

TEST_F(CsvFiles, NumbersLinesAcrossBlankLinesCrlfAndQuotedLineBreaks) {
  Tenant acme = newTenant("imp-lines");
  int64_t table = ledger(acme, "Lines");
  Json report = importInto(acme, table, "Name,Amount\r\nA,1\r\n\r\n\"B\nsecond line\",2\r\nC,not a number\r\nD,4");
  ASSERT_EQ(report["rows"].size(), 4u) << report;
  EXPECT_EQ(report["rows"][0]["line"].integer(), 2);
  EXPECT_EQ(report["rows"][1]["line"].integer(), 4) << "line 3 is blank";
  EXPECT_EQ(report["rows"][2]["line"].integer(), 6) << "B's cell spans lines 4 and 5";
  EXPECT_EQ(report["rows"][2]["action"].str(), "rejected");
  EXPECT_TRUE(mentions(report["rows"][2]["result"], "number")) << report;
  EXPECT_EQ(report["rows"][3]["line"].integer(), 7);
  EXPECT_EQ(report["inserted"].integer(), 3);
  EXPECT_EQ(report["rejected"].integer(), 1);
}

TEST_F(CsvFiles, RefusesUnclosedQuotesAndStoresNoLineOfTheFile) {
  Tenant acme = newTenant("imp-quote");
  int64_t table = ledger(acme, "Quotes");
  Response response = acme.api.postCsv(tablePath(table, "/import"), "Name,Note\nA,fine\nB,\"never closed\nC,x\n");
  EXPECT_TRUE(isError(response, 400, "bad_request")) << describe(response);
  EXPECT_TRUE(mentions(Json(response.json()["error"]["message"]), "quote")) << response.body;
  EXPECT_EQ(total(acme, table), 0) << "line 2 was well-formed, but the file is refused whole";
}

TEST_F(CsvFiles, FillsMissingCellsWithNullAndRejectsLinesWithExtraCells) {
  Tenant acme = newTenant("imp-ragged");
  int64_t table = ledger(acme, "Ragged");
  Json report = importInto(acme, table, "Name,Amount,Note\nShort,5\nLong,1,two,three\n");
  EXPECT_EQ(report["rows"][0]["action"].str(), "inserted") << report;
  EXPECT_EQ(report["rows"][1]["action"].str(), "rejected") << report;
  EXPECT_TRUE(mentions(report["rows"][1]["result"], "4 cells")) << report;
  Json stored = listRecords(acme.api, table)["records"][0]["values"];
  EXPECT_EQ(stored["Name"].str(), "Short");
  EXPECT_TRUE(stored["Note"].isNull()) << stored;
}

// Lines are written many to a savepoint; a refused one must still cost only itself, with
// the lines around it stored once each, wherever it falls.
TEST_F(CsvFiles, RefusedLinesAmongHundredsLeaveEveryOtherLineStoredOnce) {
  Tenant acme = newTenant("imp-groups");
  int64_t table = ledger(acme, "Groups");
  std::string csv = "Name,Amount,Note\n";
  for (int i = 1; i <= 700; ++i) {
    bool bad = i == 1 || i == 3 || i == 300 || i == 301 || i == 700;
    csv += "n" + std::to_string(i) + "," + (bad ? "lots" : std::to_string(i)) + ",x\n";
  }
  Json report = importInto(acme, table, csv);
  EXPECT_EQ(report["inserted"].integer(), 695) << brief(report);
  EXPECT_EQ(report["rejected"].integer(), 5) << brief(report);
  std::vector<int64_t> rejected;
  for (size_t i = 0; i < report["rows"].size(); ++i) {
    if (report["rows"][i]["action"].str() == "rejected") rejected.push_back(report["rows"][i]["line"].integer());
  }
  EXPECT_EQ(rejected, (std::vector<int64_t>{2, 4, 301, 302, 701}));
  EXPECT_EQ(total(acme, table), 695);
  Json last = importInto(acme, table, "Name,Amount,Note\nn700,700,x\n", "?key=Name");
  EXPECT_EQ(last["inserted"].integer(), 1) << brief(last);  // the refused n700 left no record behind
}

TEST_F(CsvFiles, RefusesAnEmptyFileAndAcceptsAHeaderAlone) {
  Tenant acme = newTenant("imp-empty");
  int64_t table = ledger(acme, "Empty");
  Response empty = acme.api.postCsv(tablePath(table, "/import"), "");
  EXPECT_TRUE(isError(empty, 400, "bad_request")) << describe(empty);
  EXPECT_TRUE(mentions(Json(empty.json()["error"]["message"]), "header")) << empty.body;
  Json header_only = importInto(acme, table, "Name,Amount,Note\r\n");
  EXPECT_EQ(header_only["inserted"].integer(), 0);
  EXPECT_EQ(header_only["rows"].size(), 0u) << header_only;
}

TEST_F(CsvFiles, RefusesATenMegabyteCellWith413AndStoresNothing) {
  Tenant acme = newTenant("imp-huge");
  int64_t table = ledger(acme, "Huge");
  std::string csv = "Name,Note\nBefore,ok\nBig,\"" + std::string(10 << 20, 'x') + "\"\nAfter,ok\n";
  Response response = acme.api.postCsv(tablePath(table, "/import"), csv);
  EXPECT_TRUE(isError(response, 413, "too_large")) << response.status << " " << response.body.substr(0, 300);
  EXPECT_TRUE(mentions(Json(response.json()["error"]["message"]), "line 3")) << response.body;
  EXPECT_EQ(total(acme, table), 0);
}

TEST_F(CsvFiles, ReportsUnknownColumnsAndIgnoresReadOnlyOnes) {
  Tenant acme = newTenant("imp-columns");
  int64_t table = ledger(acme, "Columns");
  Json report = importInto(acme, table, " name ,AMOUNT,Colour\nA,1,red\n");
  EXPECT_EQ(report["inserted"].integer(), 1) << report;
  ASSERT_EQ(report["unknownColumns"].size(), 1u) << report;
  EXPECT_EQ(report["unknownColumns"][0].str(), "Colour");
  EXPECT_EQ(listRecords(acme.api, table)["records"][0]["values"]["Amount"].number(), 1);
}

class Upsert : public ServerTest<Upsert> {};

TEST_F(Upsert, AKeyUpdatesTheRecordsItMatchesAndInsertsTheRest) {
  Tenant acme = newTenant("ups-key");
  int64_t table = ledger(acme, "Keyed");
  Json first = importInto(acme, table, "Name,Amount,Note\nAlpha,1,a\nBeta,2,b\n");
  int64_t alpha = first["rows"][0]["id"].integer();
  Json again = importInto(acme, table, "Name,Amount,Note\nALPHA,10,a\nBeta,2,b\nGamma,3,c\n", "?key=Name");
  EXPECT_EQ(again["updated"].integer(), 1) << again;
  EXPECT_EQ(again["unchanged"].integer(), 1) << again;
  EXPECT_EQ(again["inserted"].integer(), 1) << again;
  EXPECT_EQ(again["rows"][0]["action"].str(), "updated");
  EXPECT_EQ(again["rows"][0]["id"].integer(), alpha);
  EXPECT_EQ(again["rows"][1]["action"].str(), "unchanged");
  EXPECT_EQ(total(acme, table), 3);
  Json stored = acme.api.get(recordPath(table, alpha)).json();
  EXPECT_EQ(stored["values"]["Amount"].number(), 10);
  EXPECT_EQ(stored["values"]["Name"].str(), "Alpha") << "the key matched; its stored spelling stays";
  EXPECT_EQ(stored["version"].integer(), 2);
}

TEST_F(Upsert, RefusesAKeyThatNamesNoFieldOrNoColumn) {
  Tenant acme = newTenant("ups-bad");
  int64_t table = ledger(acme, "Bad keys");
  Response no_field = acme.api.postCsv(tablePath(table, "/import?key=Colour"), "Name\nA\n");
  EXPECT_TRUE(isError(no_field, 400)) << describe(no_field);
  Response no_column = acme.api.postCsv(tablePath(table, "/import?key=Amount"), "Name\nA\n");
  EXPECT_TRUE(isError(no_column, 400)) << describe(no_column);
  EXPECT_TRUE(mentions(Json(no_column.json()["error"]["message"]), "Amount")) << no_column.body;
  EXPECT_EQ(total(acme, table), 0);
}

TEST_F(Upsert, RejectsALineWhoseKeyMatchesSeveralRecords) {
  Tenant acme = newTenant("ups-twice");
  int64_t table = ledger(acme, "Twice");
  importInto(acme, table, "Name,Amount\nSame,1\nSame,2\n");
  Json report = importInto(acme, table, "Name,Amount\nsame,3\n", "?key=Name");
  EXPECT_EQ(report["rejected"].integer(), 1) << report;
  EXPECT_TRUE(mentions(report["rows"][0]["result"], "2 records")) << report;
}

class StaffListImport : public ServerTest<StaffListImport> {};

TEST_F(StaffListImport, AReimportedStaffListUpdatesTheRowsItsUserIdsName) {
  Company acme = newCompany(server(), "uimp-update");
  Row ada = newRow("uimp-ada"), bob = newRow("uimp-bob");
  Response first = importRows(acme, csvHeader() + csvLine(ada, "Active") + csvLine(bob, "Active"));
  ASSERT_EQ(first.status, 200) << describe(first);
  int64_t ada_id = first.json()["rows"][0]["id"].integer();
  Row renamed = ada;
  renamed.first_name = "Adaline";
  Response again = importRows(acme, csvHeader() + csvLine(renamed, "Active") + csvLine(bob, "Active"));
  ASSERT_EQ(again.status, 200) << describe(again);
  Json report = again.json();
  EXPECT_EQ(report["updated"].integer(), 1) << report;
  EXPECT_EQ(report["unchanged"].integer(), 1) << report;
  EXPECT_EQ(report["inserted"].integer(), 0) << report;
  EXPECT_EQ(report["rows"][0]["id"].integer(), ada_id);
  EXPECT_EQ(getRow(acme, ada_id)["values"]["First Name"].str(), "Adaline");
}

TEST_F(StaffListImport, AUserIdInAnotherCaseUpdatesItsRowAndKeepsTheStoredSpelling) {
  Company acme = newCompany(server(), "uimp-case");
  Row ada = newRow("uimp-case-ada");
  Json stored = addActiveRow(acme, ada);
  Row shouted = ada;
  shouted.user_id = upper(ada.user_id);
  shouted.last_name = "Byron";
  Response again = importRows(acme, csvHeader() + csvLine(shouted, "Active"));
  ASSERT_EQ(again.status, 200) << describe(again);
  EXPECT_EQ(again.json()["updated"].integer(), 1) << again.body;
  Json row = getRow(acme, stored["id"].integer());
  EXPECT_EQ(row["values"]["User ID"].str(), ada.user_id);
  EXPECT_EQ(row["values"]["Last Name"].str(), "Byron");
}

TEST_F(StaffListImport, ALineRepeatingAUserIdOfTheFileIsRejected) {
  Company acme = newCompany(server(), "uimp-twice");
  Row ada = newRow("uimp-twice-ada"), bob = newRow("uimp-twice-bob");
  bob.user_id = upper(ada.user_id);
  Response response = importRows(acme, csvHeader() + csvLine(ada, "Active") + csvLine(bob, "Active"));
  ASSERT_EQ(response.status, 200) << describe(response);
  Json report = response.json();
  EXPECT_EQ(report["inserted"].integer(), 1) << report;
  EXPECT_EQ(report["rows"][1]["action"].str(), "rejected") << report;
  EXPECT_TRUE(mentions(report["rows"][1]["result"], "line 2")) << report;
  EXPECT_EQ(getRow(acme, report["rows"][0]["id"].integer())["values"]["Email"].str(), ada.email);
}

TEST_F(StaffListImport, InactiveInTheFileDeactivatesAndFreesTheLicense) {
  Company acme = newCompany(server(), "uimp-off");
  Row ada = newRow("uimp-off-ada");
  ASSERT_EQ(importRows(acme, csvHeader() + csvLine(ada, "Active")).status, 200);
  int64_t used = licenses(acme)["used"].integer();
  Response off = importRows(acme, csvHeader() + csvLine(ada, "Inactive"));
  ASSERT_EQ(off.status, 200) << describe(off);
  EXPECT_EQ(off.json()["updated"].integer(), 1) << off.body;
  EXPECT_EQ(licenses(acme)["used"].integer(), used - 1);
}

TEST_F(StaffListImport, ALineWhoseActivationIsPutBackCarriesTheValidatorsNote) {
  Company acme = newCompany(server(), "uimp-note");
  setFreeLicenses(acme, 0);
  Row ada = newRow("uimp-note-ada");
  Response response = importRows(acme, csvHeader() + csvLine(ada, "Active"));
  ASSERT_EQ(response.status, 200) << describe(response);
  Json report = response.json();
  EXPECT_EQ(report["inserted"].integer(), 1) << report;
  EXPECT_EQ(report["noted"].integer(), 1) << report;
  EXPECT_TRUE(mentions(report["rows"][0]["result"], "license")) << report;
  Json row = getRow(acme, report["rows"][0]["id"].integer());
  EXPECT_TRUE(row["values"]["Status"].isNull()) << "Status put back as it was: " << row;
}

TEST_F(StaffListImport, ADryRunReportsWhatWouldHappenAndStoresNothing) {
  Company acme = newCompany(server(), "uimp-dry");
  Row kept = newRow("uimp-dry-kept");
  Json kept_row = addActiveRow(acme, kept);
  flushOutbox(server(), acme);
  size_t mails = outboxMails(server().dataDir()).size();
  int64_t rows = listRecords(acme.tenant.api, acme.users_table)["total"].integer();
  size_t history = acme.tenant.api.get(recordPath(acme.users_table, kept_row["id"].integer(), "/history")).json().size();
  int64_t used = licenses(acme)["used"].integer();

  Row renamed = kept;
  renamed.last_name = "Changed";
  Row fresh = newRow("uimp-dry-new"), broken = newRow("uimp-dry-bad");
  broken.email = "not an email";
  Response dry = acme.tenant.api.postCsv(
      tablePath(acme.users_table, "/import?dryRun=1"),
      csvHeader() + csvLine(renamed, "Active") + csvLine(fresh, "Active") + csvLine(broken, "Active"));
  ASSERT_EQ(dry.status, 200) << describe(dry);
  Json report = dry.json();
  EXPECT_TRUE(report["dryRun"].boolean());
  EXPECT_EQ(report["updated"].integer(), 1) << report;
  EXPECT_EQ(report["inserted"].integer(), 2) << report;
  EXPECT_EQ(report["noted"].integer(), 1) << report;
  EXPECT_TRUE(mentions(report["rows"][2]["result"], "email")) << report;
  EXPECT_EQ(report["licenses"]["used"].integer(), used + 1) << "the fresh row would take a license: " << report;

  EXPECT_EQ(listRecords(acme.tenant.api, acme.users_table)["total"].integer(), rows);
  EXPECT_EQ(getRow(acme, kept_row["id"].integer())["values"]["Last Name"].str(), kept.last_name);
  EXPECT_EQ(acme.tenant.api.get(recordPath(acme.users_table, kept_row["id"].integer(), "/history")).json().size(),
            history);
  EXPECT_EQ(licenses(acme)["used"].integer(), used);
  flushOutbox(server(), acme);
  EXPECT_EQ(outboxMails(server().dataDir()).size(), mails + 1) << "only flushOutbox's own reset mail";
}

// A line's action and result, its row numbers left out (a dry run's rows are rolled back,
// and a store may not give the same ids again).
std::string outcome(const Json& row) {
  std::string result = std::regex_replace(row["result"].str(), std::regex("row [0-9]+"), "row N");
  return std::to_string(row["line"].integer()) + " " + row["action"].str() + ": " + result;
}

TEST_F(StaffListImport, ADryRunReportsLineForLineWhatTheImportThenDoes) {
  Company acme = newCompany(server(), "uimp-same");
  Row kept = newRow("uimp-same-kept"), leaving = newRow("uimp-same-leaving");
  addActiveRow(acme, kept);
  addActiveRow(acme, leaving);
  setFreeLicenses(acme, 3);
  Row ada = newRow("uimp-same-ada"), bob = newRow("uimp-same-bob"), cyd = newRow("uimp-same-cyd");
  Row dan = newRow("uimp-same-dan"), eve = newRow("uimp-same-eve");
  Row twin = newRow("uimp-same-twin");
  twin.email = upper(ada.email);  // taken by Ada's line: put back
  Row bob_again = bob;            // Bob's User ID twice: refused, and the lines before it written again
  bob_again.first_name = "Robert";
  Row kept_moved = kept;          // an existing account moved to Ada's new address: refused
  kept_moved.email = ada.email;
  std::string csv = csvHeader() + csvLine(ada, "Active") + csvLine(bob, "Active") + csvLine(twin, "Active") +
                    csvLine(bob_again, "Active") + csvLine(kept_moved, "Active") + csvLine(cyd, "Active") +
                    csvLine(dan, "Active") + csvLine(leaving, "Inactive") + csvLine(eve, "Active");

  Response dry = acme.tenant.api.postCsv(tablePath(acme.users_table, "/import?dryRun=1"), csv);
  ASSERT_EQ(dry.status, 200) << describe(dry);
  Response real = importRows(acme, csv);
  ASSERT_EQ(real.status, 200) << describe(real);
  Json expected = real.json(), reported = dry.json();
  ASSERT_EQ(reported["rows"].size(), expected["rows"].size()) << reported;
  for (size_t i = 0; i < expected["rows"].size(); ++i) {
    EXPECT_EQ(outcome(reported["rows"][i]), outcome(expected["rows"][i]));
  }
  for (const char* count : {"inserted", "updated", "unchanged", "rejected", "noted"}) {
    EXPECT_EQ(reported[count].integer(), expected[count].integer()) << count;
  }
  EXPECT_EQ(reported["licenses"].dump(), expected["licenses"].dump());
  // What the lines did, for the record: the twin put back, Bob's second line and the moved
  // email refused, Dan without a license, and Eve with the one that leaving freed.
  EXPECT_TRUE(mentions(expected["rows"][2]["result"], "already used")) << expected;
  EXPECT_EQ(expected["rows"][3]["action"].str(), "rejected") << expected;
  EXPECT_EQ(expected["rows"][4]["action"].str(), "rejected") << expected;
  EXPECT_TRUE(mentions(expected["rows"][4]["result"], "already used")) << expected;
  EXPECT_TRUE(mentions(expected["rows"][6]["result"], "license")) << expected;
  EXPECT_EQ(expected["rows"][7]["action"].str(), "updated") << expected;
  EXPECT_EQ(expected["rows"][8]["result"].str(), "OK") << expected;
}

class ImportJobs : public ServerTest<ImportJobs> {};

TEST_F(ImportJobs, AnAsyncImportAnswers202AndItsJobEndsWithTheReport) {
  Tenant acme = newTenant("job-async");
  int64_t table = ledger(acme, "Async");
  std::string csv = "Name,Amount\n";
  for (int i = 0; i < 5000; ++i) csv += "Item " + std::to_string(i) + "," + std::to_string(i) + "\n";
  csv += "Broken,NaN-ish\n";
  Response started = acme.api.postCsv(tablePath(table, "/import?async=1"), csv);
  ASSERT_EQ(started.status, 202) << describe(started);
  int64_t job = started.json()["jobId"].integer();
  EXPECT_EQ(started.header("Location"), "/api/v1/jobs/" + std::to_string(job));
  Json done = waitForJob(acme.api, job);
  EXPECT_EQ(done["state"].str(), "done") << brief(done);
  EXPECT_EQ(done["linesTotal"].integer(), 5002) << brief(done);
  EXPECT_EQ(done["linesDone"].integer(), done["linesTotal"].integer()) << brief(done);
  EXPECT_EQ(done["report"]["inserted"].integer(), 5000) << brief(done);
  EXPECT_EQ(done["report"]["rejected"].integer(), 1);
  ASSERT_EQ(done["report"]["rows"].size(), 5001u);
  EXPECT_EQ(done["report"]["rows"][5000]["line"].integer(), 5002);
  EXPECT_EQ(done["report"]["rows"][5000]["action"].str(), "rejected");
  EXPECT_EQ(total(acme, table), 5000);
  Json without_rows = acme.api.get("/api/v1/jobs/" + std::to_string(job) + "?rows=0").json();
  EXPECT_TRUE(without_rows["report"]["rows"].isNull()) << brief(without_rows);
}

TEST_F(ImportJobs, AJobIsSeenOnlyByWhoStartedIt) {
  Tenant acme = newTenant("job-own"), other = newTenant("job-other");
  int64_t table = ledger(acme, "Own");
  Response started = acme.api.postCsv(tablePath(table, "/import?async=1"), "Name\nA\n");
  ASSERT_EQ(started.status, 202) << describe(started);
  std::string path = "/api/v1/jobs/" + std::to_string(started.json()["jobId"].integer());
  waitForJob(acme.api, started.json()["jobId"].integer());
  EXPECT_TRUE(isError(other.api.get(path), 404, "not_found"));
  EXPECT_TRUE(isError(anonymous().get(path), 401));
  Json mine = acme.api.get("/api/v1/jobs").json();
  ASSERT_GE(mine.size(), 1u) << mine;
  EXPECT_EQ(mine[0]["id"].integer(), started.json()["jobId"].integer());
  EXPECT_EQ(other.api.get("/api/v1/jobs").json().size(), 0u);
}

TEST_F(ImportJobs, AFailedJobKeepsTheReasonAndOnlyInterruptedJobsResume) {
  Tenant acme = newTenant("job-fail");
  int64_t table = ledger(acme, "Fail");
  Response started = acme.api.postCsv(tablePath(table, "/import?async=1"), "Name\n\"open\n");
  ASSERT_EQ(started.status, 202) << describe(started);
  int64_t job = started.json()["jobId"].integer();
  Json failed = waitForJob(acme.api, job);
  EXPECT_EQ(failed["state"].str(), "failed") << failed;
  EXPECT_EQ(failed["error"]["code"].str(), "bad_request") << failed;
  Response resume = acme.api.post("/api/v1/jobs/" + std::to_string(job) + "/resume", object({}));
  EXPECT_TRUE(isError(resume, 409)) << describe(resume);
}

}  // namespace
