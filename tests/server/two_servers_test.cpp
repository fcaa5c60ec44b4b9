// Issue 7, "several stateless servers on one database": two worktable servers share one store
// (a PostgreSQL database, or on SQLite the same file) and nothing else. A session opened on one
// works on the other; forty activations sent at once through nginx balancing both (as
// samples/deploy/nginx.conf does) take exactly the ten free licenses; each invitation mail
// goes out from exactly one of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <latch>
#include <thread>

#include "users_support.h"
#include "worktable/testing/nginx_proxy.h"

namespace {

using namespace worktable::testing;

constexpr int kRacers = 40;
constexpr int kFree = 10;

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
