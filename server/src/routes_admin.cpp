#include "access.h"
#include "json.h"
#include "routes.h"

namespace worktable::server {
namespace {

Poco::JSON::Object::Ptr licensesJson(const validators::Licenses& licenses) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("total", licenses.total);
  json->set("used", licenses.used);
  json->set("free", licenses.free());
  return json;
}

void getAdmin(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Services& s = ctx.services();
  Poco::JSON::Object::Ptr answer = s.db->read([&](sql::Tx& tx) {
    tables::Id company = s.access->company(tx, account, ctx.queryInt("company", 0), true);
    validators::AdministrationInfo info = *s.administration->ofCompany(tx, company);
    Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("companyId", info.company_id);
    json->set("workspaceId", info.workspace_id);
    json->set("usersTableId", info.users_table_id);
    json->set("licenses", licensesJson(s.administration->licenses(tx, company)));
    return json;
  });
  ctx.sendJson(200, answer);
}

void putLicenses(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Poco::JSON::Object::Ptr body = ctx.json();
  if (!body->has("total") || !body->get("total").isInteger()) {
    throw Error(ErrorKind::kBadRequest, "bad_request", "The body needs \"total\": a whole number of licenses.", "total");
  }
  int64_t total = body->get("total").convert<int64_t>();
  Services& s = ctx.services();
  validators::Licenses licenses = s.db->write([&](sql::Tx& tx) {
    tables::Id company = s.access->company(tx, account, ctx.queryInt("company", 0), true);
    return s.administration->setLicenses(tx, company, total);
  });
  ctx.sendJson(200, licensesJson(licenses));
}

}  // namespace

void addAdminRoutes(Router& router) {
  router.add("GET", "/api/v1/admin", getAdmin);
  router.add("PUT", "/api/v1/admin/licenses", putLicenses);
}

}  // namespace worktable::server
