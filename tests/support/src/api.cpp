#include "worktable/testing/api.h"

#include <Poco/URI.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>

namespace worktable::testing {
namespace {

std::runtime_error refused(const std::string& what, const Response& response) {
  return std::runtime_error(what + " failed: " + describe(response));
}

Json expectJson(const std::string& what, const Response& response, int status) {
  if (response.status != status) throw refused(what, response);
  Json json = response.json();
  if (!json.valid()) throw refused(what + " (answer not JSON)", response);
  return json;
}

}  // namespace

Person newPerson(const std::string& tag) {
  static std::atomic<int> counter{0};
  int n = ++counter;
  Person person;
  person.company = tag + " Company " + std::to_string(n);
  person.first_name = "Ada";
  person.last_name = "Tester" + std::to_string(n);
  person.email = tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(n) + "@example.com";
  return person;
}

Poco::Dynamic::Var signupBody(const Person& person) {
  return object({{"company", person.company},
                 {"firstName", person.first_name},
                 {"lastName", person.last_name},
                 {"email", person.email},
                 {"password", person.password}});
}

Tenant signUp(const TestServer& server, const Person& person) {
  Tenant tenant{person, 0, 0, {}, {}, HttpClient(server.host(), server.port())};
  Json signed_up = expectJson("signup of " + person.email, tenant.api.post("/api/v1/signup", signupBody(person)), 201);
  tenant.account_id = signed_up["account"]["id"].integer();
  tenant.company_id = signed_up["company"]["id"].integer();
  Json session = expectJson(
      "login of " + person.email,
      tenant.api.post("/api/v1/login", object({{"email", person.email}, {"password", person.password}})), 200);
  tenant.token = session["token"].str();
  tenant.csrf_token = session["csrfToken"].str();
  tenant.api.setBearer(tenant.token);
  return tenant;
}

std::string login(HttpClient& client, const std::string& email, const std::string& password) {
  Json session = expectJson("login of " + email,
                            client.post("/api/v1/login", object({{"email", email}, {"password", password}})), 200);
  return session["token"].str();
}

std::string workspacePath(int64_t workspace_id, const std::string& rest) {
  return "/api/v1/workspaces/" + std::to_string(workspace_id) + rest;
}

std::string tablePath(int64_t table_id, const std::string& rest) {
  return "/api/v1/tables/" + std::to_string(table_id) + rest;
}

std::string recordPath(int64_t table_id, int64_t record_id, const std::string& rest) {
  return tablePath(table_id, "/records/" + std::to_string(record_id) + rest);
}

std::string encode(const std::string& text) {
  std::string encoded;
  Poco::URI::encode(text, "!#$&'()*+,/:;=?@[]\"<> %", encoded);
  return encoded;
}

int64_t createWorkspace(HttpClient& client, const std::string& name) {
  Json workspace =
      expectJson("creating workspace " + name, client.post("/api/v1/workspaces", object({{"name", name}})), 201);
  return workspace["id"].integer();
}

Json createTable(HttpClient& client, int64_t workspace_id, const std::string& name, const Poco::Dynamic::Var& fields) {
  return expectJson("creating table " + name,
                    client.post(workspacePath(workspace_id, "/tables"), object({{"name", name}, {"fields", fields}})),
                    201);
}

Json createRecord(HttpClient& client, int64_t table_id, const Poco::Dynamic::Var& values) {
  return expectJson("creating a record", client.post(tablePath(table_id, "/records"), object({{"values", values}})),
                    201);
}

Json listRecords(HttpClient& client, int64_t table_id, const std::string& query) {
  std::string path = tablePath(table_id, "/records");
  if (!query.empty()) path += "?" + query;
  return expectJson("listing " + path, client.get(path), 200);
}

int64_t workspaceNamed(HttpClient& client, const std::string& name) {
  Json workspaces = expectJson("listing workspaces", client.get("/api/v1/workspaces"), 200);
  for (const Json& workspace : workspaces.elements()) {
    if (workspace["name"].isString() && workspace["name"].str() == name) return workspace["id"].integer();
  }
  return 0;
}

Json tableNamed(HttpClient& client, int64_t workspace_id, const std::string& name) {
  Json tables = expectJson("listing tables", client.get(workspacePath(workspace_id, "/tables")), 200);
  for (const Json& table : tables.elements()) {
    if (table["name"].isString() && table["name"].str() == name) return table;
  }
  return Json();
}

::testing::AssertionResult isError(const Response& response, int status, const std::string& code,
                                   const std::string& field) {
  auto failure = [&](const std::string& why) {
    return ::testing::AssertionFailure() << why << "; got " << describe(response);
  };
  if (response.status != status) return failure("expected status " + std::to_string(status));
  if (response.header("Content-Type").rfind("application/json", 0) != 0) {
    return failure("expected an application/json body, Content-Type is \"" + response.header("Content-Type") + "\"");
  }
  Json body = response.json();
  if (!body.isObject() || !body["error"].isObject()) return failure("expected {\"error\": {...}}");
  Json error = body["error"];
  if (!error["code"].isString() || error["code"].str().empty()) return failure("expected a non-empty error.code");
  if (!error["message"].isString() || error["message"].str().empty()) {
    return failure("expected a non-empty error.message");
  }
  if (error.has("field") && !error["field"].isString()) return failure("expected error.field to be text");
  if (!code.empty() && error["code"].str() != code) return failure("expected error.code \"" + code + "\"");
  if (!field.empty() && (!error["field"].isString() || error["field"].str() != field)) {
    return failure("expected error.field \"" + field + "\"");
  }
  return ::testing::AssertionSuccess();
}

}  // namespace worktable::testing
