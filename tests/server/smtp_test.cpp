// API.md "Mail" with an SMTP server configured (--smtp HOST:PORT): messages go through it,
// are retried until it accepts them, and none is lost (nor sent twice) across a restart. The
// SMTP server is a SmtpListener inside the test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "users_support.h"
#include "worktable/testing/smtp_listener.h"

namespace {

using namespace worktable::testing;
using std::chrono::milliseconds;
using std::chrono::seconds;

TestServerOptions smtpOptions(uint16_t port, const std::filesystem::path& data_dir = {}) {
  TestServerOptions options;
  options.extra_args = {"--smtp", "127.0.0.1:" + std::to_string(port)};
  options.data_dir = data_dir;
  return options;
}

// A data folder that outlives one server, for a restart; removed at the end of the test.
class KeptDataDir {
 public:
  KeptDataDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("worktable-smtp-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(path_);
  }
  ~KeptDataDir() {
    std::error_code ignored;
    if (std::getenv("WORKTABLE_KEEP_TEST_DATA") == nullptr) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

bool sentTo(const SmtpMessage& message, const std::string& email) {
  for (const std::string& recipient : message.recipients) {
    if (recipient.find(email) != std::string::npos) return true;
  }
  return false;
}

TEST(SmtpDelivery, AnActivatedRowsInvitationReachesTheSmtpServerWithItsLink) {
  SmtpListener listener;
  TestServer server(smtpOptions(listener.port()));
  Company company = newCompany(server, "smtp");
  Row row = newRow("smtp");
  addActiveRow(company, row);

  std::vector<SmtpMessage> messages = listener.waitForMessages(1, seconds(10));
  ASSERT_EQ(messages.size(), 1u) << server.output();
  EXPECT_TRUE(sentTo(messages[0], row.email)) << messages[0].recipients.size();
  EXPECT_NE(messages[0].data.find("To: <" + row.email + ">\r\n"), std::string::npos) << messages[0].data;
  std::string token = linkToken(messages[0].data, "/accept-invitation");
  ASSERT_FALSE(token.empty()) << messages[0].data;
  EXPECT_TRUE(outboxMails(server.dataDir()).empty()) << "a mail sent by SMTP was also written as a file";

  HttpClient person(server.host(), server.port());
  Response accepted = acceptInvitation(person, token, kStaffPassword);
  EXPECT_EQ(accepted.status, 200) << describe(accepted);
}

TEST(SmtpDelivery, AMailTheSmtpServerCouldNotTakeIsRetriedUntilItArrives) {
  SmtpListener listener(0, false);  // holds the port; connections are refused until listen()
  TestServer server(smtpOptions(listener.port()));
  Company company = newCompany(server, "smtp-retry");
  Row row = newRow("smtp-retry");
  addActiveRow(company, row);
  std::this_thread::sleep_for(milliseconds(1500));

  listener.listen();
  std::vector<SmtpMessage> messages = listener.waitForMessages(1, seconds(10));
  ASSERT_EQ(messages.size(), 1u) << "the invitation did not arrive within 10 s of the SMTP server starting\n"
                                 << server.output();
  EXPECT_TRUE(sentTo(messages[0], row.email));
  EXPECT_FALSE(linkToken(messages[0].data, "/accept-invitation").empty()) << messages[0].data;
}

TEST(SmtpDelivery, AMailQueuedWhileTheSmtpServerIsDownArrivesExactlyOnceAfterARestart) {
  KeptDataDir data;
  SmtpListener listener(0, false);  // holds the port; connections are refused until listen()
  Row row = newRow("smtp-restart");
  {
    TestServer first(smtpOptions(listener.port(), data.path()));
    Company company = newCompany(first, "smtp-restart");
    addActiveRow(company, row);
    std::this_thread::sleep_for(milliseconds(500));  // the first delivery attempt fails meanwhile
    first.stop();
  }

  listener.listen();
  TestServer second(smtpOptions(listener.port(), data.path()));
  std::vector<SmtpMessage> messages = listener.waitForMessages(1, seconds(10));
  ASSERT_EQ(messages.size(), 1u) << "the queued invitation was lost across the restart\n" << second.output();
  EXPECT_TRUE(sentTo(messages[0], row.email));
  // Long enough for a second delivery attempt, were the first one not recorded.
  std::this_thread::sleep_for(milliseconds(2500));
  EXPECT_EQ(listener.messages().size(), 1u) << "the invitation was sent more than once";
}

}  // namespace
