// API.md "Accounts and sessions": signup, login, logout, me, cookie sessions with their
// CSRF token, and the demo company a fresh server creates.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "worktable/testing/api.h"

namespace {

using namespace worktable::testing;

// "name=value" of the session cookie in a login answer's Set-Cookie, or "".
std::string sessionCookie(const Response& login) {
  for (const std::string& cookie : login.all("Set-Cookie")) {
    std::string pair = cookie.substr(0, cookie.find(';'));
    if (pair.find('=') != std::string::npos && pair.find('=') + 1 < pair.size()) return pair;
  }
  return {};
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

class Signup : public ServerTest<Signup> {};

TEST_F(Signup, AnswersWithTheNewAccountAndItsCompany) {
  HttpClient client = anonymous();
  Person person = newPerson("signup");
  Response response = client.post("/api/v1/signup", signupBody(person));
  ASSERT_EQ(response.status, 201) << describe(response);
  EXPECT_EQ(response.header("Content-Type").rfind("application/json", 0), 0u);
  Json body = response.json();
  EXPECT_TRUE(body["account"]["id"].isInteger()) << body;
  EXPECT_EQ(body["account"]["email"].str(), person.email);
  EXPECT_EQ(body["account"]["firstName"].str(), person.first_name);
  EXPECT_EQ(body["account"]["lastName"].str(), person.last_name);
  EXPECT_TRUE(body["company"]["id"].isInteger()) << body;
  EXPECT_EQ(body["company"]["name"].str(), person.company);
  EXPECT_FALSE(body["account"].has("password")) << body;
  EXPECT_FALSE(body["account"].has("passwordHash")) << body;
}

TEST_F(Signup, GivesEachCompanyItsOwnIds) {
  HttpClient client = anonymous();
  Json first = client.post("/api/v1/signup", signupBody(newPerson("ids"))).json();
  Json second = client.post("/api/v1/signup", signupBody(newPerson("ids"))).json();
  EXPECT_NE(first["account"]["id"].integer(), second["account"]["id"].integer());
  EXPECT_NE(first["company"]["id"].integer(), second["company"]["id"].integer());
}

TEST_F(Signup, CreatesTheAdministrationWorkspaceWithTheUsersTable) {
  Tenant acme = newTenant("admin-ws");
  Response listed = acme.api.get("/api/v1/workspaces");
  ASSERT_EQ(listed.status, 200) << describe(listed);
  Json administration;
  for (const Json& workspace : listed.json().elements()) {
    if (workspace["name"].isString() && workspace["name"].str() == "Administration") administration = workspace;
  }
  ASSERT_TRUE(administration.isObject()) << listed.body;
  EXPECT_EQ(administration["companyId"].integer(), acme.company_id);

  Json users = tableNamed(acme.api, administration["id"].integer(), "Users");
  ASSERT_TRUE(users.isObject()) << "no Users table";
  struct Expected {
    const char* name;
    const char* type;
    bool read_only;
  };
  const Expected expected[] = {{"User ID", "text", false},         {"First Name", "text", false},
                               {"Last Name", "text", false},       {"Email", "email", false},
                               {"Status", "select", false},        {"External?", "checkbox", false},
                               {"Validation result", "text", true}};
  Json fields = users["fields"];
  ASSERT_EQ(fields.size(), std::size(expected)) << fields;
  for (size_t i = 0; i < std::size(expected); ++i) {
    SCOPED_TRACE(expected[i].name);
    EXPECT_TRUE(fields[i]["id"].isInteger());
    EXPECT_EQ(fields[i]["name"].str(), expected[i].name);
    EXPECT_EQ(fields[i]["type"].str(), expected[i].type);
    EXPECT_EQ(fields[i]["readOnly"].boolean(), expected[i].read_only);
    EXPECT_TRUE(fields[i]["options"].isArray()) << fields[i];
  }
  Json status_options = fields[4]["options"];
  ASSERT_EQ(status_options.size(), 2u) << status_options;
  EXPECT_EQ(status_options[0].str(), "Active");
  EXPECT_EQ(status_options[1].str(), "Inactive");
}

TEST_F(Signup, MakesTheSignerAnActiveUserWhoseValidationResultIsOk) {
  Tenant acme = newTenant("signer-row");
  int64_t administration = workspaceNamed(acme.api, "Administration");
  Json users = tableNamed(acme.api, administration, "Users");
  Json list = listRecords(acme.api, users["id"].integer());
  ASSERT_EQ(list["total"].integer(), 1) << list;
  Json values = list["records"][0]["values"];
  EXPECT_EQ(values["Email"].str(), acme.person.email);
  EXPECT_EQ(values["First Name"].str(), acme.person.first_name);
  EXPECT_EQ(values["Last Name"].str(), acme.person.last_name);
  EXPECT_EQ(values["Status"].str(), "Active");
  EXPECT_EQ(values["Validation result"].str(), "OK");
  EXPECT_FALSE(values["External?"].isBool() && values["External?"].boolean()) << values;
}

TEST_F(Signup, RefusesAnEmailAlreadyTakenWrittenInAnotherCase) {
  HttpClient client = anonymous();
  Person first = newPerson("dup");
  ASSERT_EQ(client.post("/api/v1/signup", signupBody(first)).status, 201);
  Person again = newPerson("dup-again");
  again.email = upper(first.email);
  again.password = "another password";
  EXPECT_TRUE(isError(client.post("/api/v1/signup", signupBody(again)), 409, "duplicate_email"));
  Response me = client.post("/api/v1/login", object({{"email", first.email}, {"password", "another password"}}));
  EXPECT_TRUE(isError(me, 401, "invalid_credentials"));
}

TEST_F(Signup, RefusesAPasswordShorterThanTenCharacters) {
  HttpClient client = anonymous();
  Person person = newPerson("weak");
  person.password = "123456789";
  EXPECT_TRUE(isError(client.post("/api/v1/signup", signupBody(person)), 422, "weak_password"));
}

TEST_F(Signup, AcceptsAPasswordOfExactlyTenCharacters) {
  HttpClient client = anonymous();
  Person person = newPerson("ten");
  person.password = "0123456789";
  Response response = client.post("/api/v1/signup", signupBody(person));
  ASSERT_EQ(response.status, 201) << describe(response);
  EXPECT_FALSE(login(client, person.email, person.password).empty());
}

TEST_F(Signup, LeavesTheEmailFreeWhenItRefuses) {
  HttpClient client = anonymous();
  Person person = newPerson("refused");
  person.password = "short";
  ASSERT_EQ(client.post("/api/v1/signup", signupBody(person)).status, 422);
  person.password = kPassword;
  Response response = client.post("/api/v1/signup", signupBody(person));
  EXPECT_EQ(response.status, 201) << describe(response);
}

TEST_F(Signup, RefusesAnInvalidEmail) {
  HttpClient client = anonymous();
  for (const char* email : {"not-an-email", "a@b", "two@@example.com", "spaces in@example.com"}) {
    SCOPED_TRACE(email);
    Person person = newPerson("bad-email");
    person.email = email;
    EXPECT_TRUE(isError(client.post("/api/v1/signup", signupBody(person)), 422));
  }
}

TEST_F(Signup, RefusesABodyMissingAMember) {
  HttpClient client = anonymous();
  for (const char* missing : {"company", "firstName", "lastName", "email", "password"}) {
    SCOPED_TRACE(missing);
    Person person = newPerson("missing");
    std::vector<Member> members = {{"company", person.company},
                                   {"firstName", person.first_name},
                                   {"lastName", person.last_name},
                                   {"email", person.email},
                                   {"password", person.password}};
    std::erase_if(members, [&](const Member& member) { return member.first == missing; });
    EXPECT_TRUE(isError(client.post("/api/v1/signup", object(members)), 400));
  }
}

TEST_F(Signup, RefusesABodyThatIsNotAJsonObject) {
  HttpClient client = anonymous();
  Headers json = {{"Content-Type", "application/json"}};
  EXPECT_TRUE(isError(client.request("POST", "/api/v1/signup", "company=Acme&email=a@example.com", json), 400));
  EXPECT_TRUE(isError(client.request("POST", "/api/v1/signup", "{\"company\": \"Acme\",", json), 400));
  EXPECT_TRUE(isError(client.request("POST", "/api/v1/signup", "[1, 2]", json), 400));
  EXPECT_TRUE(isError(client.request("POST", "/api/v1/signup", "", json), 400));
}

class Login : public ServerTest<Login> {};

TEST_F(Login, AnswersWithATokenACsrfTokenAndTheAccount) {
  HttpClient client = anonymous();
  Person person = newPerson("login");
  Json signed_up = client.post("/api/v1/signup", signupBody(person)).json();
  Response response = client.post("/api/v1/login", object({{"email", person.email}, {"password", person.password}}));
  ASSERT_EQ(response.status, 200) << describe(response);
  Json body = response.json();
  EXPECT_FALSE(body["token"].str().empty());
  EXPECT_FALSE(body["csrfToken"].str().empty());
  EXPECT_NE(body["token"].str(), body["csrfToken"].str());
  EXPECT_EQ(body["account"]["id"].integer(), signed_up["account"]["id"].integer());
  EXPECT_EQ(body["account"]["email"].str(), person.email);
  EXPECT_EQ(body["account"]["firstName"].str(), person.first_name);
  EXPECT_EQ(body["account"]["lastName"].str(), person.last_name);
}

TEST_F(Login, SetsAnHttpOnlySessionCookie) {
  HttpClient client = anonymous();
  Person person = newPerson("cookie");
  ASSERT_EQ(client.post("/api/v1/signup", signupBody(person)).status, 201);
  Response response = client.post("/api/v1/login", object({{"email", person.email}, {"password", person.password}}));
  ASSERT_EQ(response.status, 200) << describe(response);
  std::vector<std::string> cookies = response.all("Set-Cookie");
  ASSERT_FALSE(cookies.empty());
  EXPECT_NE(cookies[0].find("HttpOnly"), std::string::npos) << cookies[0];
  EXPECT_FALSE(sessionCookie(response).empty()) << cookies[0];
}

TEST_F(Login, GivesEachLoginItsOwnToken) {
  Tenant acme = newTenant("two-logins");
  HttpClient other = anonymous();
  std::string second = login(other, acme.person.email, acme.person.password);
  EXPECT_NE(second, acme.token);
  other.setBearer(second);
  EXPECT_EQ(other.get("/api/v1/me").status, 200);
  EXPECT_EQ(acme.api.get("/api/v1/me").status, 200);
}

TEST_F(Login, AnswersAWrongPasswordAndAnUnknownEmailAlike) {
  HttpClient client = anonymous();
  Person person = newPerson("wrong");
  ASSERT_EQ(client.post("/api/v1/signup", signupBody(person)).status, 201);
  Response wrong_password =
      client.post("/api/v1/login", object({{"email", person.email}, {"password", "not the password"}}));
  Response unknown_email =
      client.post("/api/v1/login", object({{"email", "nobody-" + person.email}, {"password", "not the password"}}));
  EXPECT_TRUE(isError(wrong_password, 401, "invalid_credentials"));
  EXPECT_TRUE(isError(unknown_email, 401, "invalid_credentials"));
  EXPECT_EQ(wrong_password.body, unknown_email.body);
  EXPECT_TRUE(wrong_password.all("Set-Cookie").empty());
}

TEST_F(Login, RefusesABodyWithoutPassword) {
  HttpClient client = anonymous();
  EXPECT_TRUE(isError(client.post("/api/v1/login", object({{"email", "someone@example.com"}})), 400));
  EXPECT_TRUE(isError(client.request("POST", "/api/v1/login", "email=a", {{"Content-Type", "text/plain"}}), 400));
}

class Logout : public ServerTest<Logout> {};

TEST_F(Logout, AnswersNoContentAndEndsTheToken) {
  Tenant acme = newTenant("logout");
  ASSERT_EQ(acme.api.get("/api/v1/me").status, 200);
  Response response = acme.api.request("POST", "/api/v1/logout");
  EXPECT_EQ(response.status, 204) << describe(response);
  EXPECT_TRUE(response.body.empty());
  EXPECT_TRUE(isError(acme.api.get("/api/v1/me"), 401));
  EXPECT_TRUE(isError(acme.api.get("/api/v1/workspaces"), 401));
}

TEST_F(Logout, KeepsTheAccountAbleToLogInAgain) {
  Tenant acme = newTenant("relogin");
  ASSERT_EQ(acme.api.request("POST", "/api/v1/logout").status, 204);
  acme.api.setBearer(login(acme.api, acme.person.email, acme.person.password));
  EXPECT_EQ(acme.api.get("/api/v1/me").status, 200);
}

TEST_F(Logout, EndsOnlyItsOwnTokenWhenTokensTakeTurnsOnOneConnection) {
  // One keep-alive connection stays on one server thread, which remembers the last token
  // it hashed: each request must still be the account of its own token.
  Tenant ada = newTenant("turns-ada");
  Tenant bob = newTenant("turns-bob");
  HttpClient client = anonymous();
  for (int turn = 0; turn < 2; ++turn) {
    for (const Tenant* tenant : {&ada, &bob}) {
      client.setBearer(tenant->token);
      Response me = client.get("/api/v1/me");
      ASSERT_EQ(me.status, 200) << describe(me);
      EXPECT_EQ(me.json()["account"]["id"].integer(), tenant->account_id);
    }
  }
  client.setBearer(ada.token);
  ASSERT_EQ(client.request("POST", "/api/v1/logout").status, 204);
  EXPECT_TRUE(isError(client.get("/api/v1/me"), 401));
  client.setBearer(bob.token);
  EXPECT_EQ(client.get("/api/v1/me").json()["account"]["id"].integer(), bob.account_id);
  client.setBearer(ada.token);
  EXPECT_TRUE(isError(client.get("/api/v1/me"), 401));
}

TEST_F(Logout, NeedsASession) {
  HttpClient client = anonymous();
  EXPECT_TRUE(isError(client.request("POST", "/api/v1/logout"), 401));
}

class Me : public ServerTest<Me> {};

TEST_F(Me, DescribesTheAccountAndItsCompany) {
  Tenant acme = newTenant("me");
  Response response = acme.api.get("/api/v1/me");
  ASSERT_EQ(response.status, 200) << describe(response);
  Json body = response.json();
  EXPECT_EQ(body["account"]["id"].integer(), acme.account_id);
  EXPECT_EQ(body["account"]["email"].str(), acme.person.email);
  EXPECT_EQ(body["account"]["firstName"].str(), acme.person.first_name);
  EXPECT_EQ(body["account"]["lastName"].str(), acme.person.last_name);
  ASSERT_EQ(body["companies"].size(), 1u) << body;
  Json company = body["companies"][0];
  EXPECT_EQ(company["id"].integer(), acme.company_id);
  EXPECT_EQ(company["name"].str(), acme.person.company);
  EXPECT_TRUE(company["admin"].boolean());
  EXPECT_FALSE(company["external"].boolean());
}

TEST_F(Me, RefusesACallWithoutSession) {
  HttpClient client = anonymous();
  EXPECT_TRUE(isError(client.get("/api/v1/me"), 401));
}

TEST_F(Me, RefusesAnUnknownToken) {
  HttpClient client = anonymous();
  client.setBearer("not-a-token");
  EXPECT_TRUE(isError(client.get("/api/v1/me"), 401));
  EXPECT_TRUE(isError(client.get("/api/v1/me", {{"Cookie", "wt_session=not-a-token"}}), 401));
}

class CookieSession : public ServerTest<CookieSession> {
 protected:
  struct CookieLogin {
    std::string cookie;  // "name=value"
    std::string csrf_token;
    Person person;
  };

  CookieLogin cookieLogin(const std::string& tag) {
    HttpClient client = anonymous();
    Person person = newPerson(tag);
    EXPECT_EQ(client.post("/api/v1/signup", signupBody(person)).status, 201);
    Response response = client.post("/api/v1/login", object({{"email", person.email}, {"password", person.password}}));
    EXPECT_EQ(response.status, 200) << describe(response);
    return {sessionCookie(response), response.json()["csrfToken"].str(), person};
  }
};

TEST_F(CookieSession, ReadsWithTheCookieAlone) {
  CookieLogin session = cookieLogin("cookie-read");
  HttpClient browser = anonymous();
  Response response = browser.get("/api/v1/me", {{"Cookie", session.cookie}});
  ASSERT_EQ(response.status, 200) << describe(response);
  EXPECT_EQ(response.json()["account"]["email"].str(), session.person.email);
  EXPECT_EQ(browser.get("/api/v1/workspaces", {{"Cookie", session.cookie}}).status, 200);
}

TEST_F(CookieSession, RefusesAChangeWithoutTheCsrfHeader) {
  CookieLogin session = cookieLogin("cookie-nocsrf");
  HttpClient browser = anonymous();
  Response response = browser.post("/api/v1/workspaces", object({{"name", "Forged"}}), {{"Cookie", session.cookie}});
  EXPECT_TRUE(isError(response, 403));
  HttpClient reader = anonymous();  // a new connection: see Errors.RefusedRequestBodyDoesNotSpillIntoTheNextRequest
  Response workspaces = reader.get("/api/v1/workspaces", {{"Cookie", session.cookie}});
  ASSERT_EQ(workspaces.status, 200) << describe(workspaces);
  ASSERT_TRUE(workspaces.json().isArray());
  for (const Json& workspace : workspaces.json().elements()) EXPECT_NE(workspace["name"].str(), "Forged");
}

TEST_F(CookieSession, RefusesAChangeWithAWrongCsrfToken) {
  CookieLogin session = cookieLogin("cookie-badcsrf");
  HttpClient browser = anonymous();
  Response response = browser.post("/api/v1/workspaces", object({{"name", "Forged"}}),
                                   {{"Cookie", session.cookie}, {"X-CSRF-Token", session.csrf_token + "x"}});
  EXPECT_TRUE(isError(response, 403));
}

TEST_F(CookieSession, AcceptsAChangeWithTheCsrfHeader) {
  CookieLogin session = cookieLogin("cookie-csrf");
  HttpClient browser = anonymous();
  Headers headers = {{"Cookie", session.cookie}, {"X-CSRF-Token", session.csrf_token}};
  Response response = browser.post("/api/v1/workspaces", object({{"name", "Via cookie"}}), headers);
  ASSERT_EQ(response.status, 201) << describe(response);
  EXPECT_EQ(response.json()["name"].str(), "Via cookie");
  EXPECT_EQ(browser.request("POST", "/api/v1/logout", {}, headers).status, 204);
  EXPECT_TRUE(isError(browser.get("/api/v1/me", {{"Cookie", session.cookie}}), 401));
}

class DemoCompany : public ServerTest<DemoCompany> {
 public:
  static TestServerOptions serverOptions() {
    TestServerOptions options;
    options.demo = true;
    return options;
  }

 protected:
  static std::string printedPassword() {
    std::smatch match;
    std::string output = server().output();
    if (std::regex_search(output, match, std::regex("password: (\\S+)"))) return match[1];
    return {};
  }
};

TEST_F(DemoCompany, PrintsCredentialsThatLogIn) {
  std::string password = printedPassword();
  ASSERT_FALSE(password.empty()) << server().output();
  HttpClient client = anonymous();
  client.setBearer(login(client, "admin@demo.example.com", password));
  Response me = client.get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << describe(me);
  EXPECT_EQ(me.json()["account"]["email"].str(), "admin@demo.example.com");
  EXPECT_TRUE(me.json()["companies"][0]["admin"].boolean());
}

TEST_F(DemoCompany, HasAWorkspaceWithASampleTableHoldingRecords) {
  std::string password = printedPassword();
  ASSERT_FALSE(password.empty()) << "no password in the output once the server answers:\n" << server().output();
  HttpClient client = anonymous();
  client.setBearer(login(client, "admin@demo.example.com", password));
  Json workspaces = client.get("/api/v1/workspaces").json();
  int64_t records = 0;
  for (const Json& workspace : workspaces.elements()) {
    if (workspace["name"].str() == "Administration") continue;
    for (const Json& table : client.get(workspacePath(workspace["id"].integer(), "/tables")).json().elements()) {
      EXPECT_GT(table["fields"].size(), 0u) << table;
      records += listRecords(client, table["id"].integer())["total"].integer();
    }
  }
  EXPECT_GT(records, 0) << workspaces;
}

}  // namespace
