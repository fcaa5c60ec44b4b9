#include "access.h"
#include "json.h"
#include "routes.h"

namespace worktable::server {
namespace {

void listRecords(Context& ctx) {
  ctx.requireToken();
  Services& s = ctx.services();
  auto [table, page] = s.db->read([&](sql::Tx& tx) {
    const accounts::Account& account = ctx.session(tx).account;
    tables::RecordQuery query;
    query.offset = ctx.queryInt("offset", 0);
    query.limit = ctx.queryInt("limit", 100);
    query.sort = ctx.query("sort");
    query.desc = ctx.query("desc") == "1" || ctx.query("desc") == "true";
    query.search = ctx.query("q");
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    return std::make_pair(access.table, s.engine->records(tx, access.table, query));
  });
  std::string body = "{\"total\":" + std::to_string(page.total) + ",\"records\":[";
  for (size_t i = 0; i < page.records.size(); ++i) {
    if (i > 0) body += ',';
    appendRecordJson(body, table, page.records[i]);
  }
  body += "]}";
  ctx.sendJsonText(200, body);
}

void getRecord(Context& ctx) {
  ctx.requireToken();
  Services& s = ctx.services();
  std::string body = s.db->read([&](sql::Tx& tx) {
    TableAccess access = s.access->table(tx, ctx.session(tx).account, ctx.id("tid"));
    std::optional<tables::Record> record = s.engine->record(tx, access.table, ctx.id("rid"));
    if (!record) throw notFound("Record " + std::to_string(ctx.id("rid")));
    return recordJson(access.table, *record);
  });
  ctx.sendJsonText(200, body);
}

// Record writes check the session inside their write transaction (Context::session(tx)),
// as the reads above do in theirs: one transaction a request. The body is read before it
// (the network is not waited for while holding the writer), and parsed after the session
// check, so that a request without a valid session gets 401 whatever its body.
void createRecord(Context& ctx) {
  ctx.requireToken();
  std::string text = ctx.body(kMaxJsonBody);
  Services& s = ctx.services();
  std::string body = s.db->write([&](sql::Tx& tx) {
    const accounts::Account& account = ctx.session(tx).account;
    tables::Values values = valuesFromJson(*Context::jsonObject(text));
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    Access::require(access.role, Role::kEditor, "add records");
    return recordJson(access.table, s.engine->insert(tx, access.table, values, account.email));
  });
  ctx.sendJsonText(201, body);
}

void updateRecord(Context& ctx) {
  ctx.requireToken();
  std::string text = ctx.body(kMaxJsonBody);
  Services& s = ctx.services();
  std::string body = s.db->write([&](sql::Tx& tx) {
    const accounts::Account& account = ctx.session(tx).account;
    Poco::JSON::Object::Ptr request = Context::jsonObject(text);
    tables::Values values = valuesFromJson(*request);
    std::optional<int64_t> version;
    if (request->has("version") && !request->isNull("version")) {
      Poco::Dynamic::Var given = request->get("version");
      if (!given.isNumeric()) throw badRequest("\"version\" must be a whole number.");
      version = given.convert<int64_t>();
    }
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    Access::require(access.role, Role::kEditor, "change records");
    return recordJson(access.table, s.engine->update(tx, access.table, ctx.id("rid"), values, version, account.email));
  });
  ctx.sendJsonText(200, body);
}

void deleteRecord(Context& ctx) {
  ctx.requireToken();
  Services& s = ctx.services();
  s.db->write([&](sql::Tx& tx) {
    const accounts::Account& account = ctx.session(tx).account;
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    Access::require(access.role, Role::kEditor, "delete records");
    s.engine->remove(tx, access.table, ctx.id("rid"), account.email);
  });
  ctx.sendNoContent();
}

void recordHistory(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Services& s = ctx.services();
  std::vector<tables::HistoryEntry> entries = s.db->read([&](sql::Tx& tx) {
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    std::vector<tables::HistoryEntry> found = s.engine->history(tx, access.table, ctx.id("rid"));
    if (found.empty() && !s.engine->record(tx, access.table, ctx.id("rid"))) {
      throw notFound("Record " + std::to_string(ctx.id("rid")));
    }
    return found;
  });
  Poco::JSON::Array body;
  for (const tables::HistoryEntry& entry : entries) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    item->set("at", entry.at);
    item->set("actor", entry.actor);
    Poco::JSON::Object::Ptr changes = new Poco::JSON::Object;
    for (const auto& [field, pair] : entry.changes) {
      Poco::JSON::Array::Ptr values = new Poco::JSON::Array;
      values->add(toJson(pair.first));
      values->add(toJson(pair.second));
      changes->set(field, values);
    }
    item->set("changes", changes);
    body.add(item);
  }
  ctx.sendJson(200, body);
}

}  // namespace

void addRecordRoutes(Router& router) {
  router.add("GET", "/api/v1/tables/{tid}/records", listRecords);
  router.add("POST", "/api/v1/tables/{tid}/records", createRecord);
  router.add("GET", "/api/v1/tables/{tid}/records/{rid}", getRecord);
  router.add("PATCH", "/api/v1/tables/{tid}/records/{rid}", updateRecord);
  router.add("DELETE", "/api/v1/tables/{tid}/records/{rid}", deleteRecord);
  router.add("GET", "/api/v1/tables/{tid}/records/{rid}/history", recordHistory);
}

}  // namespace worktable::server
