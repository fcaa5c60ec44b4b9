#include <sstream>

#include "access.h"
#include "json.h"
#include "routes.h"
#include "worktable/tables/csv.h"

namespace worktable::server {
namespace {

bool flag(const Context& ctx, const std::string& name) {
  std::string value = ctx.query(name);
  return value == "1" || value == "true";
}

void importCsv(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  tables::ImportOptions options;
  options.dry_run = flag(ctx, "dryRun");
  options.actor = account.email;
  std::istringstream in(ctx.body(kMaxCsvBody));
  Services& s = ctx.services();
  tables::ImportReport report = s.db->write([&](sql::Tx& tx) {
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    Access::require(access.role, Role::kEditor, "import records");
    return tables::importCsv(*s.engine, tx, access.table, in, options);
  });
  Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
  answer.set("inserted", report.inserted);
  answer.set("updated", report.updated);
  answer.set("rejected", report.rejected);
  answer.set("dryRun", options.dry_run);
  Poco::JSON::Array::Ptr unknown = new Poco::JSON::Array;
  for (const std::string& column : report.unknown_columns) unknown->add(column);
  answer.set("unknownColumns", unknown);
  Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
  for (const tables::ImportLine& line : report.rows) {
    Poco::JSON::Object::Ptr row = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    row->set("line", line.line);
    row->set("id", line.id ? Poco::Dynamic::Var(*line.id) : Poco::Dynamic::Var());
    row->set("result", line.result);
    rows->add(row);
  }
  answer.set("rows", rows);
  ctx.sendJson(200, answer);
}

std::string fileName(const std::string& table_name) {
  std::string name;
  for (unsigned char c : table_name) name += (std::isalnum(c) || c == '-' || c == '_') ? static_cast<char>(c) : '_';
  return name.empty() ? "export" : name;
}

void exportCsv(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  std::string delimiter = ctx.query("delimiter", ",");
  if (delimiter != "," && delimiter != ";") throw badRequest("delimiter must be , or ;.");
  Services& s = ctx.services();
  s.db->read([&](sql::Tx& tx) {
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    Poco::Net::HTTPServerResponse& response = ctx.response();
    response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("text/csv; charset=utf-8");
    response.set("Content-Disposition", "attachment; filename=\"" + fileName(access.table.name) + ".csv\"");
    response.setChunkedTransferEncoding(true);
    std::ostream& out = response.send();
    tables::exportCsv(*s.engine, tx, access.table, out, delimiter[0]);
  });
}

}  // namespace

void addCsvRoutes(Router& router) {
  router.add("POST", "/api/v1/tables/{tid}/import", importCsv);
  router.add("GET", "/api/v1/tables/{tid}/export", exportCsv);
}

}  // namespace worktable::server
