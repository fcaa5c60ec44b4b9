// What the Users-table tests share: the mails a server wrote under <data>/outbox/ and the
// links in them, a company whose Users table the tests edit, rows with identities no other
// test uses, people who accepted their invitation, and ageing a token in the SQLite file.
// Helpers that set something up throw std::runtime_error (failing the test with the server's
// answer) when the server refuses. Not thread-safe unless said otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "worktable/testing/api.h"

namespace worktable::testing {

// One mail the server wrote as a file (RFC 5322).
struct Mail {
  std::string file;     // its name, "00000012.eml"
  std::string headers;  // the header block, lines ending in CRLF
  std::string to;       // the address of the To header, without <>
  std::string subject;  // the Subject header as written
  std::string body;     // what follows the blank line
};

// Every mail under <data>/outbox/, in the order they were written. Safe from any thread.
std::vector<Mail> outboxMails(const std::filesystem::path& data_dir);
// The mails whose To is `email` (ignoring case).
std::vector<Mail> mailsTo(const std::filesystem::path& data_dir, const std::string& email);
// Waits until at least `count` mails to `email` were written or `timeout` passed; returns them.
std::vector<Mail> waitForMailsTo(const std::filesystem::path& data_dir, const std::string& email, size_t count,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(5));
// The token of the first link to `path` ("/accept-invitation") in `text`, or "".
std::string linkToken(const std::string& text, const std::string& path);

// A company the tests of a suite share, with the id of its Users table.
struct Company {
  Tenant tenant;
  int64_t users_table = 0;
};

// Signs a new company up and reads its Users table from GET /admin.
Company newCompany(const TestServer& server, const std::string& tag);
// GET /admin's licenses: {total, used, free}.
Json licenses(Company& company);
// Sets the total so that exactly `free` licenses are free.
void setFreeLicenses(Company& company, int64_t free);
// Returns once every mail queued so far is written: asks a reset link for the company's
// admin and waits for it (the sender writes mails in the order they were queued).
void flushOutbox(const TestServer& server, Company& company);

// Succeeds when `text` is a JSON string containing `part`, ignoring case.
::testing::AssertionResult mentions(const Json& text, const std::string& part);
// `text` in capitals (ASCII), for identities written in another case.
std::string upper(std::string text);

// The values of a Users row, "" meaning empty.
struct Row {
  std::string user_id;
  std::string first_name;
  std::string last_name;
  std::string email;
};

// A row with a User ID and an Email no other test uses.
Row newRow(const std::string& tag);
// {"User ID": ..., "First Name": ..., "Last Name": ..., "Email": ..., "Status": status}; ""
// is written as null.
Poco::Dynamic::Var rowValues(const Row& row, const std::string& status);
// "User ID,First Name,Last Name,Email,Status\r\n" for an import.
std::string csvHeader();
// One CSV line (CRLF-terminated) of the row with that status, cells quoted.
std::string csvLine(const Row& row, const std::string& status);

// The record calls on the company's Users table.
Response postRow(Company& company, const Poco::Dynamic::Var& values);
Response patchRow(Company& company, int64_t record_id, const Poco::Dynamic::Var& values);
Response deleteRow(Company& company, int64_t record_id);
Response importRows(Company& company, const std::string& csv);
// GET of one record: {id, version, values}; throws unless 200.
Json getRow(Company& company, int64_t record_id);
// POSTs the row with Status Active; throws unless 201 with Validation result "OK".
Json addActiveRow(Company& company, const Row& row);

inline constexpr const char* kStaffPassword = "staff password 1";

// Someone hired through the Users table who accepted the invitation and is logged in.
struct Staff {
  Row row;
  int64_t record_id = 0;
  int64_t account_id = 0;
  HttpClient api;  // bearer token of the login
};

// Adds an Active row, accepts its invitation with kStaffPassword and logs in.
Staff hire(const TestServer& server, Company& company, const std::string& tag);
// POST /invitations/accept.
Response acceptInvitation(HttpClient& client, const std::string& token, const std::string& password);
// POST /login's answer (not thrown on refusal).
Response tryLogin(HttpClient& client, const std::string& email, const std::string& password);

// Moves the expiry of the account's unused invitation tokens to the past, in the server's
// database; throws unless one was changed.
void expireInvitation(const TestServer& server, const std::string& email);

// A fixture for suites that edit Users tables: one server per suite (ServerTest) and two
// companies its tests share, signed up on first use. Tests give each row a fresh identity
// (newRow) and set the licenses they rely on (setFreeLicenses) before they start.
template <class Suite>
class UsersSuite : public ServerTest<Suite> {
 public:
  static void TearDownTestSuite() {
    acme_.reset();
    globex_.reset();
    ServerTest<Suite>::TearDownTestSuite();
  }

 protected:
  static Company& acme() {
    if (!acme_) acme_ = std::make_unique<Company>(newCompany(ServerTest<Suite>::server(), "acme"));
    return *acme_;
  }
  // Another company, for identities taken outside acme.
  static Company& globex() {
    if (!globex_) globex_ = std::make_unique<Company>(newCompany(ServerTest<Suite>::server(), "globex"));
    return *globex_;
  }
  static const std::filesystem::path& dataDir() { return ServerTest<Suite>::server().dataDir(); }

 private:
  inline static std::unique_ptr<Company> acme_;
  inline static std::unique_ptr<Company> globex_;
};

}  // namespace worktable::testing
