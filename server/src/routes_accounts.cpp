#include "access.h"
#include "json.h"
#include "routes.h"
#include "worktable/accounts/secrets.h"

namespace worktable::server {
namespace {

constexpr int kCookieMaxAge = 30 * 24 * 3600;

std::string requireFilled(const Poco::JSON::Object& body, const std::string& key, const std::string& what) {
  std::string value = requireString(body, key);
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw invalidValue("required_field", "Fill in " + what + ".", key);
  }
  return value;
}

void checkEmail(const std::string& email) {
  tables::Field field{0, "email", tables::FieldType::kEmail, {}, false};
  try {
    tables::Engine::checkValue(field, email);
  } catch (const Error& e) {
    throw invalidValue("invalid_email", "\"" + email + "\" is not a valid email address; write it as name@example.com.",
                       "email");
  }
}

void signup(Context& ctx) {
  Poco::JSON::Object::Ptr body = ctx.json();
  std::string company = requireFilled(*body, "company", "the company name");
  validators::Owner owner;
  owner.first_name = requireFilled(*body, "firstName", "your first name");
  owner.last_name = requireFilled(*body, "lastName", "your last name");
  owner.email = requireFilled(*body, "email", "your email");
  std::string password = requireString(*body, "password");
  checkEmail(owner.email);
  accounts::checkPasswordStrength(password);
  Services& s = ctx.services();
  // One login may found several companies: an existing account signs up again with its
  // own password.
  std::optional<accounts::Account> existing =
      s.db->read([&](sql::Tx& tx) { return s.accounts->byEmail(tx, owner.email); });
  if (existing) {
    if (!s.accounts->checkPassword(existing->id, password)) {
      throw conflict("duplicate_email", "An account with " + owner.email +
                                            " exists already; log in instead, or use another email.", "email");
    }
    owner.existing_account = existing->id;
  } else {
    owner.password_hash = accounts::hashPassword(password);
  }
  validators::NewCompany created =
      s.db->write([&](sql::Tx& tx) { return s.administration->createCompany(tx, company, owner); });
  Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
  answer.set("account", accountJson(created.owner));
  Poco::JSON::Object::Ptr company_json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  company_json->set("id", created.company.id);
  company_json->set("name", created.company.name);
  answer.set("company", company_json);
  ctx.sendJson(201, answer);
}

void login(Context& ctx) {
  Poco::JSON::Object::Ptr body = ctx.json();
  std::string email = requireString(*body, "email");
  std::string password = requireString(*body, "password");
  accounts::Session session = ctx.services().accounts->login(email, password);
  ctx.response().add("Set-Cookie", std::string(kSessionCookie) + "=" + session.token +
                                        "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(kCookieMaxAge));
  Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
  answer.set("token", session.token);
  answer.set("csrfToken", session.csrf_token);
  answer.set("account", accountJson(session.account));
  ctx.sendJson(200, answer);
}

void logout(Context& ctx) {
  ctx.session();
  std::string token = ctx.bearerOrCookieToken().value_or("");
  Services& s = ctx.services();
  s.db->write([&](sql::Tx& tx) { s.accounts->logout(tx, token); });
  ctx.response().add("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  ctx.sendNoContent();
}

void me(Context& ctx) {
  const accounts::Session& session = ctx.session();
  Services& s = ctx.services();
  Poco::JSON::Array::Ptr companies = new Poco::JSON::Array;
  s.db->read([&](sql::Tx& tx) {
    for (const accounts::Membership& member : s.accounts->memberships(tx, session.account.id)) {
      std::optional<tables::Company> company = s.engine->company(tx, member.company_id);
      if (!company) continue;
      Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      item->set("id", company->id);
      item->set("name", company->name);
      item->set("admin", member.admin);
      item->set("external", member.external);
      companies->add(item);
    }
  });
  Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
  answer.set("account", accountJson(session.account));
  answer.set("companies", companies);
  // The page keeps no token of its own: after a reload it learns its CSRF token here.
  answer.set("csrfToken", session.csrf_token);
  ctx.sendJson(200, answer);
}

void acceptInvitation(Context& ctx) {
  Poco::JSON::Object::Ptr body = ctx.json();
  std::string token = requireString(*body, "token");
  std::string password = requireString(*body, "password");
  accounts::checkPasswordStrength(password);
  std::string hash = accounts::hashPassword(password);
  Services& s = ctx.services();
  accounts::Account account = s.db->write([&](sql::Tx& tx) { return s.lifecycle->acceptInvitation(tx, token, hash); });
  Poco::JSON::Object answer;
  answer.set("account", accountJson(account));
  ctx.sendJson(200, answer);
}

void forgotPassword(Context& ctx) {
  std::string email = requireString(*ctx.json(), "email");
  Services& s = ctx.services();
  s.db->write([&](sql::Tx& tx) { s.lifecycle->requestPasswordReset(tx, email); });
  ctx.sendJson(202, Poco::JSON::Object().set("message", "If an active account has this email, a reset link is on its way."));
}

void resetPassword(Context& ctx) {
  Poco::JSON::Object::Ptr body = ctx.json();
  std::string token = requireString(*body, "token");
  std::string password = requireString(*body, "password");
  accounts::checkPasswordStrength(password);
  std::string hash = accounts::hashPassword(password);
  Services& s = ctx.services();
  s.db->write([&](sql::Tx& tx) { s.lifecycle->resetPassword(tx, token, hash); });
  ctx.sendNoContent();
}

}  // namespace

void addAccountRoutes(Router& router) {
  router.add("POST", "/api/v1/invitations/accept", acceptInvitation);
  router.add("POST", "/api/v1/password/forgot", forgotPassword);
  router.add("POST", "/api/v1/password/reset", resetPassword);
  router.add("POST", "/api/v1/signup", signup);
  router.add("POST", "/api/v1/login", login);
  router.add("POST", "/api/v1/logout", logout);
  router.add("GET", "/api/v1/me", me);
}

}  // namespace worktable::server
