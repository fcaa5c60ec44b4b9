// The vocabulary of the API tests: people who sign up, the companies they get, paths of
// API.md's routes, a check of API.md's error shape, and a fixture that starts one server per
// test suite. Helpers that set something up throw std::runtime_error (which fails the test,
// with the server's answer) when the server refuses.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "worktable/testing/http_client.h"
#include "worktable/testing/json.h"
#include "worktable/testing/test_server.h"

namespace worktable::testing {

inline constexpr const char* kPassword = "correct horse battery";

struct Person {
  std::string company;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string password = kPassword;
};

// A person with an email no other test uses ("<tag>-<n>@example.com").
Person newPerson(const std::string& tag);
// The signup body for `person`.
Poco::Dynamic::Var signupBody(const Person& person);

// A signed-up company, with a client logged in (bearer token) as its admin.
struct Tenant {
  Person person;
  int64_t account_id = 0;
  int64_t company_id = 0;
  std::string token;
  std::string csrf_token;
  HttpClient api;
};

// POST /signup then POST /login for `person`; throws unless 201 and 200.
Tenant signUp(const TestServer& server, const Person& person);
// POST /login; returns the answer's token, throws unless 200.
std::string login(HttpClient& client, const std::string& email, const std::string& password);

// "/api/v1/workspaces/<wid>" + rest, "/api/v1/tables/<tid>" + rest.
std::string workspacePath(int64_t workspace_id, const std::string& rest = {});
std::string tablePath(int64_t table_id, const std::string& rest = {});
std::string recordPath(int64_t table_id, int64_t record_id, const std::string& rest = {});
// Percent-encodes `text` for a query string.
std::string encode(const std::string& text);

// These call the route and throw unless it answers 201 (200 for reads).
int64_t createWorkspace(HttpClient& client, const std::string& name);
Json createTable(HttpClient& client, int64_t workspace_id, const std::string& name, const Poco::Dynamic::Var& fields);
Json createRecord(HttpClient& client, int64_t table_id, const Poco::Dynamic::Var& values);
// GET /tables/<tid>/records?<query>: {total, records}.
Json listRecords(HttpClient& client, int64_t table_id, const std::string& query = {});
// The id of the named workspace (first match), or 0.
int64_t workspaceNamed(HttpClient& client, const std::string& name);
// The table named in a workspace (null when absent).
Json tableNamed(HttpClient& client, int64_t workspace_id, const std::string& name);

// Checks API.md's error answer: the status, a JSON body {"error": {"code", "message",
// "field"?}} with a non-empty code and message, `code` when given, and `field` when given.
::testing::AssertionResult isError(const Response& response, int status, const std::string& code = {},
                                   const std::string& field = {});

// A fixture that starts one server for the whole suite. `Suite` may declare
// `static TestServerOptions serverOptions()` to change how it starts.
template <class Suite>
class ServerTest : public ::testing::Test {
 public:
  static TestServerOptions serverOptions() { return {}; }

 protected:
  static void SetUpTestSuite() {
    try {
      server_ = std::make_unique<TestServer>(Suite::serverOptions());
    } catch (const std::exception& e) {
      start_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override { ASSERT_TRUE(server_) << "the server did not start: " << start_error_; }

  // True when the suite's server started (SetUpTestSuite of a derived suite may check).
  static bool serverStarted() { return server_ != nullptr; }
  static TestServer& server() { return *server_; }
  // A client with no session.
  static HttpClient anonymous() { return HttpClient(server_->host(), server_->port()); }
  // A new company whose admin is logged in.
  static Tenant newTenant(const std::string& tag) { return signUp(*server_, newPerson(tag)); }

 private:
  inline static std::unique_ptr<TestServer> server_;
  inline static std::string start_error_;
};

}  // namespace worktable::testing
