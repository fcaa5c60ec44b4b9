// Issue 7, "several stateless servers on one database": two worktable servers share one store
// (a PostgreSQL database, or on SQLite the same file) and nothing else. A session opened on one
// works on the other; forty activations sent at once through nginx balancing both (as
// samples/deploy/nginx.conf does) take exactly the ten free licenses; each invitation mail
// goes out from exactly one of them. Each server keeps the sessions and roles it has checked;
// a logout, a role taken away or a person deactivated through the other server still counts
// at the very next call.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <latch>
#include <thread>

#include "sharing_support.h"
#include "users_support.h"
#include "worktable/tables/sql.h"
#include "worktable/testing/nginx_proxy.h"

namespace {

using namespace worktable::testing;

constexpr int kRacers = 40;
constexpr int kFree = 10;

// A person of a new company, hired; `other` calls the second server as them, and has called
// a route there twice, so that server has their session in its cache.
struct KnownOnSecond {
  Company company;
  Staff staff;
  HttpClient other;
};

class TwoServers : public ServerTest<TwoServers> {
 protected:
  static void SetUpTestSuite() {
    ServerTest<TwoServers>::SetUpTestSuite();
    if (!serverStarted()) return;
    TestServerOptions options;
    options.database_of = server().dataDir();
    second_ = std::make_unique<TestServer>(options);
  }
  static void TearDownTestSuite() {
    second_.reset();
    ServerTest<TwoServers>::TearDownTestSuite();
  }
  static TestServer& second() { return *second_; }
  // The token of the one mail to `email` linking to `path`, written by either server.
  static std::string waitForLinkAnywhere(const std::string& email, const std::string& path) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      for (const TestServer* each : {&server(), second_.get()}) {
        for (const Mail& mail : mailsTo(each->dataDir(), email)) {
          if (mail.body.find(path) != std::string::npos) return linkToken(mail.body, path);
        }
      }
      if (std::chrono::steady_clock::now() >= deadline) throw std::runtime_error("no mail to " + email);
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  // hire() and shareWorkspace(), with their mails sent by either server.
  static Staff hireAnywhere(Company& company, const std::string& tag) {
    Staff staff{newRow(tag), 0, 0, HttpClient(server().host(), server().port())};
    staff.record_id = addActiveRow(company, staff.row)["id"].integer();
    Response accepted =
        acceptInvitation(staff.api, waitForLinkAnywhere(staff.row.email, "/accept-invitation"), kStaffPassword);
    if (accepted.status != 200) throw std::runtime_error("accepting: " + describe(accepted));
    staff.account_id = accepted.json()["account"]["id"].integer();
    staff.api.setBearer(login(staff.api, staff.row.email, kStaffPassword));
    return staff;
  }
  static void shareAnywhere(HttpClient& admin, int64_t workspace, Staff& staff, const std::string& role) {
    Response invited = postInvitation(admin, workspace, staff.row.email, role);
    if (invited.status != 201) throw std::runtime_error("inviting: " + describe(invited));
    Response accepted =
        acceptWorkspaceInvitation(staff.api, waitForLinkAnywhere(staff.row.email, kWorkspaceInvitationLink));
    if (accepted.status != 200) throw std::runtime_error("accepting: " + describe(accepted));
  }
  // A client of the second server carrying `client`'s bearer token.
  static HttpClient onSecond(const HttpClient& client) {
    HttpClient other(second().host(), second().port());
    other.setBearer(client.bearer());
    return other;
  }
  // A new company's hired person, known to the second server through two calls of `path`.
  static KnownOnSecond knownOnSecond(const std::string& tag, const std::string& path) {
    Company company = newCompany(server(), tag);
    setFreeLicenses(company, 1);
    Staff staff = hireAnywhere(company, tag);
    HttpClient other = onSecond(staff.api);
    for (int call = 0; call < 2; ++call) EXPECT_EQ(other.get(path).status, 200) << path;
    return KnownOnSecond{std::move(company), std::move(staff), std::move(other)};
  }

  // Mails to `email` written by either server.
  static size_t mailsToAnywhere(const std::string& email) {
    return mailsTo(server().dataDir(), email).size() + mailsTo(second().dataDir(), email).size();
  }

 private:
  inline static std::unique_ptr<TestServer> second_;
};

TEST_F(TwoServers, ASessionOpenedOnOneServerWorksOnTheOther) {
  Company company = newCompany(server(), "two-session");
  HttpClient other(second().host(), second().port());
  other.setBearer(company.tenant.token);
  Response me = other.get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << describe(me);
  EXPECT_EQ(me.json()["account"]["email"].str(), company.tenant.person.email);
}

TEST_F(TwoServers, ALogoutOnOneServerEndsTheSessionOnTheOtherAtTheNextCall) {
  KnownOnSecond known = knownOnSecond("two-logout", "/api/v1/me");
  Response out = known.staff.api.post("/api/v1/logout", object({}));
  ASSERT_EQ(out.status, 204) << describe(out);
  EXPECT_TRUE(isError(known.other.get("/api/v1/me"), 401));
  EXPECT_TRUE(isError(known.other.get("/api/v1/workspaces"), 401));
}

TEST_F(TwoServers, ARoleChangedOnOneServerCountsOnTheOtherAtTheNextCall) {
  Company company = newCompany(server(), "two-role");
  setFreeLicenses(company, 2);
  HttpClient& admin = company.tenant.api;
  int64_t workspace = createWorkspace(admin, "Shared");
  int64_t table = createTable(admin, workspace, "Notes", array({object({{"name", "Text"}, {"type", "text"}})}))["id"]
                      .integer();
  Staff staff = hireAnywhere(company, "two-role");
  shareAnywhere(admin, workspace, staff, "editor");
  HttpClient other = onSecond(staff.api);
  auto write = [&](const std::string& text) {
    return other.post(tablePath(table, "/records"), object({{"values", object({{"Text", text}})}}));
  };
  for (int call = 0; call < 2; ++call) ASSERT_EQ(write("as editor").status, 201);

  std::string member = workspacePath(workspace, "/members/" + std::to_string(staff.account_id));
  ASSERT_EQ(admin.patch(member, object({{"role", "viewer"}})).status, 200);
  EXPECT_TRUE(isError(write("as viewer"), 403, "forbidden"));
  ASSERT_EQ(other.get(tablePath(table, "/records")).status, 200);

  ASSERT_EQ(admin.del(member).status, 204);
  EXPECT_TRUE(isError(other.get(tablePath(table, "/records")), 404));
  EXPECT_TRUE(isError(write("as nobody"), 404));
  EXPECT_EQ(admin.get(tablePath(table, "/records")).json()["total"].integer(), 2);
}

TEST_F(TwoServers, APersonDeactivatedOnOneServerIsLockedOutOfTheOtherAtTheNextCall) {
  KnownOnSecond known = knownOnSecond("two-deactivated", "/api/v1/workspaces");
  Response inactive = patchRow(known.company, known.staff.record_id, object({{"Status", "Inactive"}}));
  ASSERT_EQ(inactive.status, 200) << describe(inactive);
  EXPECT_TRUE(isError(known.other.get("/api/v1/workspaces"), 401));
  EXPECT_TRUE(isError(known.other.get("/api/v1/me"), 401));
}

// Those caches learn only from committed state: the store itself, SQLite or PostgreSQL, says
// when a write holds rows not committed yet.
TEST_F(TwoServers, AWriteToTheSharedStoreKnowsWhenItHoldsRowsNotCommittedYet) {
  std::string url = server().databaseUrl().empty() ? "sqlite:" + (server().dataDir() / "worktable.db").string()
                                                   : server().databaseUrl();
  std::unique_ptr<worktable::sql::Database> store = worktable::sql::Database::open(url);
  store->read([](worktable::sql::Tx& tx) {
    tx.query("SELECT value FROM access_stamp WHERE id = 1").next();
    EXPECT_FALSE(tx.hasPendingWrites());
  });
  store->write([](worktable::sql::Tx& tx) {
    EXPECT_FALSE(tx.hasPendingWrites());
    tx.query("SELECT value FROM access_stamp WHERE id = 1").next();
    tx.run("UPDATE access_stamp SET value = value WHERE id = -1");
    EXPECT_FALSE(tx.hasPendingWrites()) << "read, and changed no row";
    tx.run("UPDATE access_stamp SET value = value WHERE id = 1");
    EXPECT_TRUE(tx.hasPendingWrites());
  });
  store->write([](worktable::sql::Tx& tx) { EXPECT_FALSE(tx.hasPendingWrites()) << "the last one committed"; });
}

TEST_F(TwoServers, FortyActivationsSplitAcrossBothTakeExactlyTheTenFreeLicenses) {
  Company company = newCompany(server(), "two-race");
  setFreeLicenses(company, kFree);
  std::vector<Row> rows;
  for (int i = 0; i < kRacers; ++i) rows.push_back(newRow("two-race"));

  NginxProxy nginx({server().port(), second().port()});
  std::vector<Response> answers(kRacers);
  std::latch ready(kRacers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", nginx.port());
      client.setBearer(company.tenant.token);
      ready.arrive_and_wait();
      try {
        answers[i] = client.post(tablePath(company.users_table, "/records"),
                                 object({{"values", rowValues(rows[static_cast<size_t>(i)], "Active")}}));
      } catch (const std::exception& e) {
        answers[i].body = std::string("no answer: ") + e.what();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<std::string> winners;
  for (int i = 0; i < kRacers; ++i) {
    SCOPED_TRACE("racer " + std::to_string(i));
    ASSERT_EQ(answers[i].status, 201) << describe(answers[i]);
    Json stored = getRow(company, answers[i].json()["id"].integer())["values"];
    if (stored["Status"].isString() && stored["Status"].str() == "Active") {
      winners.push_back(rows[static_cast<size_t>(i)].email);
    } else {
      EXPECT_TRUE(stored["Status"].isNull()) << stored;
    }
  }
  EXPECT_EQ(winners.size(), static_cast<size_t>(kFree));
  Json after = licenses(company);
  EXPECT_EQ(after["used"].integer(), after["total"].integer()) << after;

  // Every winner gets its invitation once, from one server or the other; nobody else does.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto delivered = [&] {
    size_t total = 0;
    for (const std::string& email : winners) total += mailsToAnywhere(email);
    return total;
  };
  while (delivered() < winners.size() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // time for a second copy to show
  for (const Row& row : rows) {
    bool won = std::find(winners.begin(), winners.end(), row.email) != winners.end();
    EXPECT_EQ(mailsToAnywhere(row.email), won ? 1u : 0u) << row.email;
  }
}

}  // namespace
