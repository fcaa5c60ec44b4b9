#include "access.h"
#include "json.h"
#include "routes.h"

namespace worktable::server {
namespace {

void listRecords(Context& ctx) {
  ctx.requireToken();
  Services& s = ctx.services();
  tables::RecordQuery query;
  query.offset = ctx.queryInt("offset", 0);
  query.limit = ctx.queryInt("limit", 100);
  query.sort = ctx.query("sort");
  query.desc = ctx.query("desc") == "1" || ctx.query("desc") == "true";
  query.search = ctx.query("q");
  auto read = [&] {
    return s.db->read([&](sql::Tx& tx) {
      TableAccess access = s.access->table(tx, ctx.session(tx).account, ctx.id("tid"));
      std::optional<tables::RecordPage> page;
      if (!tables::Engine::needsIndex(access.table, query)) page = s.engine->records(tx, access.table, query);
      return std::make_pair(access.table, std::move(page));
    });
  };
  auto [table, page] = read();
  if (!page) {
    // The first sort by a field indexes it: sorting without the index reads every row, at
    // every page, and the index costs about as much once.
    s.db->write([&](sql::Tx& tx) { s.engine->index(tx, table, query.sort); });
    std::tie(table, page) = read();
    if (!page) page = s.db->read([&](sql::Tx& tx) { return s.engine->records(tx, table, query); });
  }
  std::string body = "{\"total\":" + std::to_string(page->total) + ",\"records\":[";
  for (size_t i = 0; i < page->records.size(); ++i) {
    if (i > 0) body += ',';
    appendRecordJson(body, table, page->records[i]);
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

// What a record write asks for, read from its body before the write: the body is read and
// parsed outside the write round (the network is not waited for, nor JSON parsed, while
// every other write waits). A body that does not parse is reported only after the session
// check, so that a request without a valid session gets 401 whatever its body.
struct RecordRequest {
  tables::Values values;
  std::optional<int64_t> version;
  std::exception_ptr error;

  static RecordRequest read(Context& ctx) {
    RecordRequest request;
    std::string text = ctx.body(kMaxJsonBody);  // too large: 413 at once, as before any write
    try {
      RecordBody body = recordBodyFromJson(text);
      request.values = std::move(body.values);
      request.version = body.version;
    } catch (const Error&) {
      request.error = std::current_exception();
    }
    return request;
  }
  void check() const {
    if (error) std::rethrow_exception(error);
  }
};

// Record writes check the session inside their write transaction (Context::session(tx)),
// as the reads above do in theirs: one transaction a request. The reply is written after it.
void createRecord(Context& ctx) {
  ctx.requireToken();
  RecordRequest request = RecordRequest::read(ctx);
  Services& s = ctx.services();
  auto [table, record] = s.db->write([&](sql::Tx& tx) {
    const accounts::Account& account = ctx.session(tx).account;
    request.check();
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    Access::require(access.role, Role::kEditor, "add records");
    tables::Record added = s.engine->insert(tx, access.table, request.values, account.email);
    return std::make_pair(std::move(access.table), std::move(added));
  });
  ctx.sendJsonText(201, recordJson(table, record));
}

void updateRecord(Context& ctx) {
  ctx.requireToken();
  RecordRequest request = RecordRequest::read(ctx);
  Services& s = ctx.services();
  auto [table, record] = s.db->write([&](sql::Tx& tx) {
    const accounts::Account& account = ctx.session(tx).account;
    request.check();
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    Access::require(access.role, Role::kEditor, "change records");
    tables::Record changed =
        s.engine->update(tx, access.table, ctx.id("rid"), request.values, request.version, account.email);
    return std::make_pair(std::move(access.table), std::move(changed));
  });
  ctx.sendJsonText(200, recordJson(table, record));
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
