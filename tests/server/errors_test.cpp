// API.md "Conventions": unknown routes and ids, body size limits, malformed bodies, and the
// 401 every route gives without a session, each with the error body shape.
#include <gtest/gtest.h>

#include "worktable/testing/api.h"

namespace {

using namespace worktable::testing;

constexpr size_t kMiB = 1 << 20;

class Errors : public ServerTest<Errors> {
 protected:
  static int64_t notesTable(Tenant& tenant) {
    int64_t workspace = createWorkspace(tenant.api, "Notes");
    return createTable(tenant.api, workspace, "Notes", array({object({{"name", "Text"}, {"type", "text"}})}))["id"]
        .integer();
  }

  // {"values": {"Text": "x"}} padded with spaces to exactly `size` bytes.
  static std::string paddedBody(size_t size) {
    std::string body = "{\"values\": {\"Text\": \"x\"}}";
    body.insert(1, size - body.size(), ' ');
    return body;
  }
};

TEST_F(Errors, UnknownRouteIsNotFound) {
  Tenant acme = newTenant("err-route");
  for (const char* path : {"/api/v1/nothing", "/api/v1/tables/1/nothing", "/api/v2/workspaces", "/api/v1/"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(isError(acme.api.get(path), 404));
  }
  EXPECT_TRUE(isError(acme.api.post("/api/v1/nothing", object({})), 404));
}

TEST_F(Errors, IdThatIsNotANumberIsNotFound) {
  Tenant acme = newTenant("err-id");
  int64_t table = notesTable(acme);
  std::string tid = std::to_string(table);
  const std::vector<std::string> paths = {"/api/v1/tables/abc/records",
                                          "/api/v1/tables/" + tid + "x/records",
                                          "/api/v1/tables/1.5/records",
                                          "/api/v1/tables/" + tid + "/records/abc",
                                          "/api/v1/tables/" + tid + "/records/-1",
                                          "/api/v1/tables/" + tid + "/records/abc/history",
                                          "/api/v1/workspaces/abc/tables",
                                          "/api/v1/tables/abc/export"};
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(isError(acme.api.get(path), 404));
  }
  EXPECT_TRUE(isError(acme.api.patch("/api/v1/tables/" + tid + "/records/abc", object({{"values", object({})}})), 404));
  EXPECT_TRUE(isError(acme.api.del("/api/v1/tables/" + tid + "/records/abc"), 404));
}

TEST_F(Errors, JsonBodyOverOneMebibyteIsTooLarge) {
  Tenant acme = newTenant("err-large");
  int64_t table = notesTable(acme);
  Headers json = {{"Content-Type", "application/json"}};
  EXPECT_TRUE(isError(acme.api.request("POST", tablePath(table, "/records"), paddedBody(kMiB + 1), json), 413));
  EXPECT_TRUE(isError(acme.api.request("POST", "/api/v1/workspaces", paddedBody(2 * kMiB), json), 413));
  EXPECT_EQ(listRecords(acme.api, table)["total"].integer(), 0);
  EXPECT_EQ(acme.api.get("/api/v1/me").status, 200);
}

TEST_F(Errors, JsonBodyOfExactlyOneMebibyteIsAccepted) {
  Tenant acme = newTenant("err-limit");
  int64_t table = notesTable(acme);
  Response response =
      acme.api.request("POST", tablePath(table, "/records"), paddedBody(kMiB), {{"Content-Type", "application/json"}});
  EXPECT_EQ(response.status, 201) << describe(response);
}

TEST_F(Errors, SignupBodyOverOneMebibyteIsTooLarge) {
  HttpClient client = anonymous();
  Person person = newPerson("err-large-signup");
  person.company = std::string(kMiB, 'A');
  EXPECT_TRUE(isError(client.post("/api/v1/signup", signupBody(person)), 413));
}

TEST_F(Errors, BodyThatIsNotAJsonObjectIsMalformed) {
  Tenant acme = newTenant("err-json");
  int64_t table = notesTable(acme);
  Headers json = {{"Content-Type", "application/json"}};
  for (const char* body : {"{\"values\": {\"Text\": \"x\"}", "[]", "\"values\"", "values=x", "{]", "null"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(isError(acme.api.request("POST", tablePath(table, "/records"), body, json), 400));
  }
  // "values" of the wrong shape: malformed (400) or wrong shape (422), never stored.
  Response list_values = acme.api.request("POST", tablePath(table, "/records"), "{\"values\": [1]}", json);
  EXPECT_TRUE(isError(list_values, list_values.status == 422 ? 422 : 400));
  EXPECT_EQ(listRecords(acme.api, table)["total"].integer(), 0);
}

TEST_F(Errors, EveryRouteNeedsASession) {
  Tenant acme = newTenant("err-401");
  int64_t workspace = createWorkspace(acme.api, "Private");
  int64_t table = notesTable(acme);
  int64_t record = createRecord(acme.api, table, object({{"Text", "secret"}}))["id"].integer();
  std::string record_body = stringify(object({{"values", object({{"Text", "changed"}})}}));
  struct Call {
    std::string method;
    std::string path;
    std::string body;
  };
  const Call calls[] = {
      {"GET", "/api/v1/me", ""},
      {"POST", "/api/v1/logout", ""},
      {"GET", "/api/v1/workspaces", ""},
      {"POST", "/api/v1/workspaces", stringify(object({{"name", "X"}}))},
      {"GET", workspacePath(workspace, "/tables"), ""},
      {"POST", workspacePath(workspace, "/tables"), stringify(object({{"name", "X"}, {"fields", array({})}}))},
      {"POST", tablePath(table, "/fields"), stringify(object({{"name", "X"}, {"type", "text"}}))},
      {"GET", tablePath(table, "/records"), ""},
      {"POST", tablePath(table, "/records"), record_body},
      {"GET", recordPath(table, record), ""},
      {"PATCH", recordPath(table, record), record_body},
      {"DELETE", recordPath(table, record), ""},
      {"GET", recordPath(table, record, "/history"), ""},
      {"POST", tablePath(table, "/import"), "Text\nx\n"},
      {"GET", tablePath(table, "/export"), ""},
      {"GET", "/api/v1/admin", ""},
      {"PUT", "/api/v1/admin/licenses", stringify(object({{"total", 9}}))},
  };
  for (const Call& call : calls) {
    SCOPED_TRACE(call.method + " " + call.path);
    HttpClient stranger = anonymous();  // one connection per call: see RefusedRequestBodyDoesNotSpillIntoTheNextRequest
    EXPECT_TRUE(
        isError(stranger.request(call.method, call.path, call.body, {{"Content-Type", "application/json"}}), 401));
  }
  Json stored = acme.api.get(recordPath(table, record)).json();
  EXPECT_EQ(stored["values"]["Text"].str(), "secret");
  EXPECT_EQ(stored["version"].integer(), 1);
}

// On a keep-alive connection, the body of a request refused before it was read must not be
// taken for the start of the next request.
TEST_F(Errors, RecordWritesWithoutASessionAre401WhateverTheirBody) {
  Tenant acme = newTenant("err-401-body");
  int64_t table = notesTable(acme);
  int64_t record = createRecord(acme.api, table, object({{"Text", "secret"}}))["id"].integer();
  for (const char* body : {"{not json", "[1]", "", "{\"values\": 3}", "{\"values\": {}, \"version\": \"x\"}"}) {
    SCOPED_TRACE(body);
    for (const auto& [method, path] : {std::pair<std::string, std::string>{"POST", tablePath(table, "/records")},
                                       {"PATCH", recordPath(table, record)}}) {
      // A token, but one of no session: the session is checked before the body is judged.
      HttpClient stranger = anonymous();
      EXPECT_TRUE(isError(stranger.request(method, path, body,
                                           {{"Content-Type", "application/json"},
                                            {"Authorization", "Bearer " + std::string(64, 'a')}}),
                          401));
    }
    // With a session, the same body is what is wrong.
    EXPECT_TRUE(isError(acme.api.request("PATCH", recordPath(table, record), body,
                                         {{"Content-Type", "application/json"}}),
                        400));
  }
  EXPECT_EQ(acme.api.get(recordPath(table, record)).json()["version"].integer(), 1);
}

TEST_F(Errors, RefusedRequestBodyDoesNotSpillIntoTheNextRequest) {
  HttpClient stranger = anonymous();
  EXPECT_TRUE(isError(stranger.post("/api/v1/workspaces", object({{"name", "X"}})), 401));
  EXPECT_TRUE(isError(stranger.get("/api/v1/workspaces"), 401));

  Tenant acme = newTenant("err-spill");
  EXPECT_TRUE(isError(acme.api.request("POST", "/api/v1/workspaces", "{\"name\": \"X\"}",
                                       {{"Content-Type", "application/json"}, {"Authorization", "Bearer wrong"}}),
                      401));
  Response me = acme.api.get("/api/v1/me");
  EXPECT_EQ(me.status, 200) << describe(me);
}

TEST_F(Errors, SuccessfulAnswersAreJson) {
  Tenant acme = newTenant("err-ctype");
  for (const char* path : {"/api/v1/me", "/api/v1/workspaces", "/api/v1/admin"}) {
    SCOPED_TRACE(path);
    Response response = acme.api.get(path);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.header("Content-Type").rfind("application/json", 0), 0u) << response.header("Content-Type");
    EXPECT_TRUE(response.json().valid()) << response.body;
  }
}

}  // namespace
