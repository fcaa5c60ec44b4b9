#include "access.h"
#include "json.h"
#include "routes.h"

namespace worktable::server {
namespace {

Poco::JSON::Object::Ptr workspaceJson(const tables::Workspace& workspace, Role role) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("id", workspace.id);
  json->set("name", workspace.name);
  json->set("companyId", workspace.company_id);
  json->set("role", roleName(role));
  return json;
}

void listWorkspaces(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Services& s = ctx.services();
  std::vector<WorkspaceAccess> found = s.db->read([&](sql::Tx& tx) { return s.access->workspaces(tx, account); });
  Poco::JSON::Array body;
  for (const WorkspaceAccess& access : found) body.add(workspaceJson(access.workspace, access.role));
  ctx.sendJson(200, body);
}

void createWorkspace(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  std::string name = requireString(*ctx.json(), "name");
  Services& s = ctx.services();
  tables::Workspace workspace = s.db->write([&](sql::Tx& tx) {
    tables::Id company = s.access->company(tx, account, ctx.queryInt("company", 0), false);
    return s.workspace_sharing->createWorkspace(tx, company, name, account);
  });
  ctx.sendJson(201, workspaceJson(workspace, Role::kOwner));
}

void listTables(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Services& s = ctx.services();
  std::vector<tables::Table> found = s.db->read([&](sql::Tx& tx) {
    WorkspaceAccess access = s.access->workspace(tx, account, ctx.id("wid"));
    return s.engine->tables(tx, access.workspace.id);
  });
  Poco::JSON::Array body;
  for (const tables::Table& table : found) body.add(tableJson(table));
  ctx.sendJson(200, body);
}

void createTable(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Poco::JSON::Object::Ptr request = ctx.json();
  tables::TableSpec spec;
  spec.name = requireString(*request, "name");
  if (request->has("fields") && !request->isNull("fields")) {
    Poco::JSON::Array::Ptr fields = request->getArray("fields");
    if (!fields) throw badRequest("\"fields\" must be a list of {name, type, options?}.");
    for (size_t i = 0; i < fields->size(); ++i) spec.fields.push_back(fieldSpecFromJson(fields->get(i)));
  }
  Services& s = ctx.services();
  tables::Table table = s.db->write([&](sql::Tx& tx) {
    WorkspaceAccess access = s.access->workspace(tx, account, ctx.id("wid"));
    Access::require(access.role, Role::kAdmin, "create tables");
    return s.engine->createTable(tx, access.workspace.id, spec);
  });
  ctx.sendJson(201, tableJson(table));
}

void addField(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  tables::FieldSpec spec = fieldSpecFromJson(ctx.json());
  Services& s = ctx.services();
  tables::Field field = s.db->write([&](sql::Tx& tx) {
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    Access::require(access.role, Role::kAdmin, "add fields");
    if (!access.table.kind.empty()) {
      throw conflict("fixed_fields", "The fields of \"" + access.table.name + "\" are fixed; they cannot be added to.");
    }
    return s.engine->addField(tx, access.table.id, spec);
  });
  // API.md writes the answer as {field}; the field's own members are repeated at the top
  // level so that clients reading either shape work.
  Poco::JSON::Object::Ptr body = fieldJson(field);
  body->set("field", fieldJson(field));
  ctx.sendJson(201, body);
}

}  // namespace

void addWorkspaceRoutes(Router& router) {
  router.add("GET", "/api/v1/workspaces", listWorkspaces);
  router.add("POST", "/api/v1/workspaces", createWorkspace);
  router.add("GET", "/api/v1/workspaces/{wid}/tables", listTables);
  router.add("POST", "/api/v1/workspaces/{wid}/tables", createTable);
  router.add("POST", "/api/v1/tables/{tid}/fields", addField);
}

}  // namespace worktable::server
