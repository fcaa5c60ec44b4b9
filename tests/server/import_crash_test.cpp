// Issue 5: a server killed (SIGKILL) in the middle of a large import leaves an intact
// database with whole lines only (each stored line has its account, membership, invitation
// and mail, none half made), the job says where it stopped, and resuming it finishes the file.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "users_support.h"
#include "worktable/tables/text.h"
#include "worktable/testing/api.h"
#include "worktable/testing/test_database.h"

namespace {

using namespace worktable::testing;

constexpr int kLines = 30000;

// Reads the server's store as an outside tool would: its SQLite file, with the server's
// collation, or its PostgreSQL database. SQL given here must read the same on both.
class Store {
 public:
  explicit Store(const std::filesystem::path& data_dir) {
    if (testsOnPostgresql()) {
      pg_ = PQconnectdb(postgresqlDatabaseFor(data_dir).c_str());
      if (PQstatus(pg_) != CONNECTION_OK) throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(pg_));
      return;
    }
    std::string path = (data_dir / "worktable.db").string();
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
    sqlite3_create_collation(db_, "UNICASE", SQLITE_UTF8, nullptr,
                             [](void*, int a_size, const void* a, int b_size, const void* b) {
                               return worktable::tables::compareFolded(
                                   std::string_view(static_cast<const char*>(a), static_cast<size_t>(a_size)),
                                   std::string_view(static_cast<const char*>(b), static_cast<size_t>(b_size)));
                             });
  }
  ~Store() {
    if (pg_) PQfinish(pg_);
    sqlite3_close(db_);
  }

  bool onPostgresql() const { return pg_ != nullptr; }

  std::string text(const std::string& sql) {
    if (pg_) {
      PGresult* result = PQexec(pg_, sql.c_str());
      if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        std::string error = PQresultErrorMessage(result);
        PQclear(result);
        throw std::runtime_error(sql + ": " + error);
      }
      std::string value = PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
      PQclear(result);
      return value;
    }
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    std::string result;
    if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0)) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    return result;
  }
  int64_t number(const std::string& sql) { return std::stoll(text(sql)); }

 private:
  sqlite3* db_ = nullptr;
  PGconn* pg_ = nullptr;
};

std::string staffList() {
  std::string csv = csvHeader();
  for (int i = 0; i < kLines; ++i) {
    std::string n = std::to_string(i);
    csv += "K" + n + ",First" + n + ",Last" + n + ",crash." + n + "@staff.example.com,Active\r\n";
  }
  return csv;
}

Json job(HttpClient& api, int64_t id) {
  Response got = api.get("/api/v1/jobs/" + std::to_string(id) + "?rows=0");
  if (got.status != 200) throw std::runtime_error("GET job answered " + describe(got));
  return got.json();
}

TEST(ImportCrash, AKilledImportLeavesWholeLinesAndResumesWhereItStopped) {
  std::filesystem::path data = std::filesystem::temp_directory_path() /
                               ("worktable-crash-" + std::to_string(::getpid()));
  std::filesystem::remove_all(data);
  std::filesystem::create_directories(data);
  TestServerOptions options;
  options.data_dir = data;
  int64_t job_id = 0, users_table = 0, stopped_at = 0;
  std::string email;
  {
    TestServer server(options);
    Company acme = newCompany(server, "crash");
    users_table = acme.users_table;
    email = acme.tenant.person.email;
    ASSERT_EQ(acme.tenant.api.put("/api/v1/admin/licenses", object({{"total", kLines + 10}})).status, 200);
    Response started = acme.tenant.api.postCsv(tablePath(users_table, "/import?async=1"), staffList());
    ASSERT_EQ(started.status, 202) << describe(started);
    job_id = started.json()["jobId"].integer();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (job(acme.tenant.api, job_id)["linesDone"].integer() < 4000) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the import did not get going";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    server.kill();
  }

  {
    Store store(data);
    // PostgreSQL has no such check: its crash recovery is its write-ahead log's business.
    if (!store.onPostgresql()) {
      EXPECT_EQ(store.text("PRAGMA integrity_check"), "ok");
    }
    std::string users = "\"t" + std::to_string(users_table) + "\"";
    int64_t rows = store.number("SELECT count(*) FROM " + users) - 1;  // the owner's row
    int64_t accounts = store.number("SELECT count(*) FROM accounts WHERE substr(email, 1, 6) = 'crash.'");
    int64_t memberships = store.number(
        "SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE substr(a.email, 1, 6) = 'crash.'");
    // An invitation is a token once the mail sender has written it, a promise in the
    // outbox until then.
    int64_t invitations =
        store.number("SELECT count(*) FROM tokens t JOIN accounts a ON a.id = t.account_id"
                     " WHERE substr(a.email, 1, 6) = 'crash.'") +
        store.number("SELECT count(*) FROM outbox WHERE invitation_account IS NOT NULL AND substr(recipient, 1, 6) = 'crash.'");
    int64_t mails = store.number("SELECT count(*) FROM outbox WHERE substr(recipient, 1, 6) = 'crash.'");
    stopped_at = store.number("SELECT lines_done FROM import_jobs WHERE id = " + std::to_string(job_id));
    EXPECT_GT(rows, 0);
    EXPECT_LT(rows, kLines) << "the kill came after the end: make the file longer";
    EXPECT_EQ(accounts, rows);
    EXPECT_EQ(memberships, rows);
    EXPECT_EQ(invitations, rows);
    EXPECT_EQ(mails, rows);
    EXPECT_EQ(stopped_at, rows + 1) << "the job's progress commits with its lines";
  }

  TestServer server(options);
  HttpClient owner(server.host(), server.port());
  owner.setBearer(login(owner, email, kPassword));
  Json interrupted = job(owner, job_id);
  EXPECT_EQ(interrupted["state"].str(), "interrupted") << interrupted;
  EXPECT_EQ(interrupted["linesDone"].integer(), stopped_at) << interrupted;

  Response resumed = owner.post("/api/v1/jobs/" + std::to_string(job_id) + "/resume", object({}));
  ASSERT_EQ(resumed.status, 202) << describe(resumed);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  Json done;
  do {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    done = job(owner, job_id);
  } while (done["state"].str() == "queued" || done["state"].str() == "running");
  EXPECT_EQ(done["state"].str(), "done") << done;
  EXPECT_EQ(done["report"]["inserted"].integer(), kLines) << done;
  EXPECT_EQ(done["report"]["rejected"].integer(), 0) << done;
  EXPECT_EQ(listRecords(owner, users_table)["total"].integer(), kLines + 1);
  Response rows = owner.get("/api/v1/jobs/" + std::to_string(job_id));
  EXPECT_EQ(rows.json()["report"]["rows"].size(), static_cast<size_t>(kLines));
  server.stop();
  std::filesystem::remove_all(data);
}

}  // namespace
