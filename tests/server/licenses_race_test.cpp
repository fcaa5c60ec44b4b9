// PRODUCT.md "Concurrency is safe: two admins activating the last license at the same instant
// cannot both succeed": twenty saves that each need a license, sent at the same instant over
// twenty connections, against fewer free licenses.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <latch>
#include <thread>

#include "users_support.h"

namespace {

using namespace worktable::testing;

constexpr int kRacers = 20;
constexpr int kFree = 5;

class LicenseRace : public ServerTest<LicenseRace> {
 protected:
  // Runs send(client, i) for i in [0, kRacers) on kRacers threads, each with its own
  // connection carrying the company admin's token, released together; returns the answers.
  static std::vector<Response> race(Company& company, const std::function<Response(HttpClient&, int)>& send) {
    std::vector<Response> answers(kRacers);
    std::latch ready(kRacers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        HttpClient client(server().host(), server().port());
        client.setBearer(company.tenant.token);
        ready.arrive_and_wait();
        try {
          answers[i] = send(client, i);
        } catch (const std::exception& e) {
          answers[i].body = std::string("no answer: ") + e.what();
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    return answers;
  }
};

TEST_F(LicenseRace, TwentySimultaneousActivationsTakeExactlyTheFreeLicenses) {
  Company company = newCompany(server(), "race-new");
  Json start = licenses(company);
  ASSERT_EQ(start["total"].integer(), 5) << start;
  ASSERT_EQ(start["used"].integer(), 1) << start;
  Response raised = company.tenant.api.put("/api/v1/admin/licenses", object({{"total", 6}}));
  ASSERT_EQ(raised.status, 200) << describe(raised);
  ASSERT_EQ(raised.json()["free"].integer(), kFree);

  std::vector<Row> rows;
  for (int i = 0; i < kRacers; ++i) rows.push_back(newRow("race-new"));
  std::vector<Response> answers = race(company, [&](HttpClient& client, int i) {
    return client.post(tablePath(company.users_table, "/records"),
                       object({{"values", rowValues(rows[static_cast<size_t>(i)], "Active")}}));
  });

  std::vector<std::string> winners;
  int refused = 0;
  for (int i = 0; i < kRacers; ++i) {
    SCOPED_TRACE("racer " + std::to_string(i));
    ASSERT_EQ(answers[i].status, 201) << describe(answers[i]);
    Json stored = getRow(company, answers[i].json()["id"].integer())["values"];
    EXPECT_EQ(stored.dump(), answers[i].json()["values"].dump()) << "the answer differs from what was stored";
    if (stored["Status"].isString() && stored["Status"].str() == "Active") {
      EXPECT_EQ(stored["Validation result"].dump(), "\"OK\"") << stored;
      winners.push_back(rows[static_cast<size_t>(i)].email);
    } else {
      EXPECT_TRUE(stored["Status"].isNull()) << stored;
      EXPECT_TRUE(stored["Validation result"].isString() &&
                  stored["Validation result"].str().find("license") != std::string::npos)
          << stored;
      ++refused;
    }
  }
  EXPECT_EQ(winners.size(), static_cast<size_t>(kFree));
  EXPECT_EQ(refused, kRacers - kFree);
  Json after = licenses(company);
  EXPECT_EQ(after["used"].integer(), after["total"].integer()) << after;
  EXPECT_EQ(after["used"].integer(), 6) << after;

  flushOutbox(server(), company);
  size_t mails = 0;
  for (const Row& row : rows) {
    size_t to_row = mailsTo(server().dataDir(), row.email).size();
    bool won = std::find(winners.begin(), winners.end(), row.email) != winners.end();
    EXPECT_EQ(to_row, won ? 1u : 0u) << row.email;
    mails += to_row;
  }
  EXPECT_EQ(mails, static_cast<size_t>(kFree));
}

TEST_F(LicenseRace, TwentySimultaneousReactivationsTakeExactlyTheFreeLicenses) {
  Company company = newCompany(server(), "race-back");
  setFreeLicenses(company, kRacers);
  std::vector<int64_t> ids;
  for (int i = 0; i < kRacers; ++i) ids.push_back(addActiveRow(company, newRow("race-back"))["id"].integer());
  for (int64_t id : ids) {
    Response deactivated = patchRow(company, id, object({{"Status", "Inactive"}}));
    ASSERT_EQ(deactivated.status, 200) << describe(deactivated);
  }
  setFreeLicenses(company, kFree);
  Json before = licenses(company);
  ASSERT_EQ(before["free"].integer(), kFree) << before;

  std::vector<Response> answers = race(company, [&](HttpClient& client, int i) {
    return client.patch(recordPath(company.users_table, ids[static_cast<size_t>(i)]),
                        object({{"values", object({{"Status", "Active"}})}}));
  });

  int won = 0;
  int refused = 0;
  for (int i = 0; i < kRacers; ++i) {
    SCOPED_TRACE("racer " + std::to_string(i));
    std::string status = getRow(company, ids[static_cast<size_t>(i)])["values"]["Status"].str();
    if (answers[i].status == 200) {
      ++won;
      EXPECT_EQ(status, "Active");
    } else {
      EXPECT_TRUE(isError(answers[i], 409, "license_limit"));
      ++refused;
      EXPECT_EQ(status, "Inactive");
    }
  }
  EXPECT_EQ(won, kFree);
  EXPECT_EQ(refused, kRacers - kFree);
  Json after = licenses(company);
  EXPECT_EQ(after["used"].integer(), after["total"].integer()) << after;
  EXPECT_EQ(after["used"].integer(), before["used"].integer() + kFree) << after;
}

}  // namespace
