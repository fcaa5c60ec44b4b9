#include <sstream>

#include "access.h"
#include "import_jobs.h"
#include "json.h"
#include "routes.h"
#include "worktable/tables/csv.h"

namespace worktable::server {
namespace {

bool flag(const Context& ctx, const std::string& name) {
  std::string value = ctx.query(name);
  return value == "1" || value == "true";
}

std::ostream& sendStreamed(Context& ctx, int status) {
  Poco::Net::HTTPServerResponse& response = ctx.response();
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType("application/json; charset=utf-8");
  response.setChunkedTransferEncoding(true);
  return response.send();
}

void importCsv(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  Services& s = ctx.services();
  tables::Table table = s.db->read([&](sql::Tx& tx) {
    TableAccess access = s.access->table(tx, account, ctx.id("tid"));
    Access::require(access.role, Role::kEditor, "import records");
    return access.table;
  });
  ImportRequest request;
  request.account_id = account.id;
  request.actor = account.email;
  request.table_id = table.id;
  request.dry_run = flag(ctx, "dryRun");
  if (ctx.hasQuery("key")) {
    request.key = ctx.query("key");
    if (!table.field(request.key)) {
      throw badRequest("key names no field of table \"" + table.name + "\": \"" + request.key + "\".");
    }
  } else if (table.kind == validators::kUsersKind) {
    // A staff list comes back after edits: its lines update the rows they name.
    request.key = validators::kUsersKey;
    request.key_required = false;
  }
  int64_t id = s.imports->create(request, ctx.request().stream(), kMaxCsvBody);
  if (flag(ctx, "async")) {
    s.imports->start(id);
    ctx.response().set("Location", "/api/v1/jobs/" + std::to_string(id));
    Poco::JSON::Object answer;
    answer.set("jobId", id);
    ctx.sendJson(202, answer);
    return;
  }
  s.imports->run(id);
  std::optional<ImportJob> job = s.imports->get(id);
  s.imports->writeReport(*job, sendStreamed(ctx, 200), true);
}

ImportJob ownJob(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  int64_t id = ctx.id("id");
  std::optional<ImportJob> job = ctx.services().imports->get(id);
  if (!job || job->account_id != account.id) throw notFound("Job " + std::to_string(id));
  return *job;
}

void writeJob(ImportJobs& jobs, const ImportJob& job, std::ostream& out, bool with_rows) {
  out << "{\"id\":" << job.id << ",\"state\":\"" << job.state << "\",\"tableId\":" << job.table_id
      << ",\"dryRun\":" << (job.dry_run ? "true" : "false") << ",\"linesDone\":" << job.lines_done
      << ",\"linesTotal\":" << job.lines_total << ",\"createdAt\":" << jsonString(job.created_at)
      << ",\"finishedAt\":" << (job.finished_at.empty() ? "null" : jsonString(job.finished_at)) << ",\"error\":";
  if (job.error_code.empty()) out << "null";
  else out << "{\"code\":" << jsonString(job.error_code) << ",\"message\":" << jsonString(job.error_message) << "}";
  out << ",\"report\":";
  if (job.state == "queued" || job.state == "running") out << "null";
  else jobs.writeReport(job, out, with_rows);
  out << "}";
}

void getJob(Context& ctx) {
  ImportJob job = ownJob(ctx);
  writeJob(*ctx.services().imports, job, sendStreamed(ctx, 200), ctx.query("rows", "1") != "0");
}

void listJobs(Context& ctx) {
  const accounts::Account& account = ctx.session().account;
  ImportJobs& jobs = *ctx.services().imports;
  std::ostringstream out;
  out << "[";
  bool first = true;
  for (const ImportJob& job : jobs.ofAccount(account.id)) {
    if (!first) out << ",";
    first = false;
    writeJob(jobs, job, out, false);
  }
  out << "]";
  ctx.sendText(200, "application/json; charset=utf-8", out.str());
}

void resumeJob(Context& ctx) {
  ImportJob job = ownJob(ctx);
  Services& s = ctx.services();
  s.db->read([&](sql::Tx& tx) {
    TableAccess access = s.access->table(tx, ctx.session().account, job.table_id);
    Access::require(access.role, Role::kEditor, "import records");
  });
  s.imports->resume(job.id);
  Poco::JSON::Object answer;
  answer.set("jobId", job.id);
  ctx.sendJson(202, answer);
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
  std::string format = ctx.query("format", "csv");
  if (format != "csv") throw badRequest("format must be csv.");
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
  router.add("GET", "/api/v1/jobs", listJobs);
  router.add("GET", "/api/v1/jobs/{id}", getJob);
  router.add("POST", "/api/v1/jobs/{id}/resume", resumeJob);
}

}  // namespace worktable::server
