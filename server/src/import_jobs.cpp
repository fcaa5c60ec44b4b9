#include "import_jobs.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "json.h"
#include "services.h"
#include "worktable/accounts/secrets.h"
#include "worktable/tables/clock.h"
#include "worktable/tables/migrations.h"

namespace worktable::server {
namespace {

const std::vector<sql::Step> kMigrations = {
    "CREATE TABLE import_jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL,"
    " table_id INTEGER NOT NULL, state TEXT NOT NULL, dry_run INTEGER NOT NULL, match_key TEXT NOT NULL,"
    " key_required INTEGER NOT NULL, actor TEXT NOT NULL, lines_total INTEGER NOT NULL DEFAULT 0,"
    " lines_done INTEGER NOT NULL DEFAULT 1, inserted INTEGER NOT NULL DEFAULT 0,"
    " updated INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0,"
    " rejected INTEGER NOT NULL DEFAULT 0, noted INTEGER NOT NULL DEFAULT 0,"
    " unknown_columns TEXT NOT NULL DEFAULT '[]', read_only_columns TEXT NOT NULL DEFAULT '[]',"
    " licenses TEXT NOT NULL DEFAULT '', error_code TEXT NOT NULL DEFAULT '',"
    " error_message TEXT NOT NULL DEFAULT '', rows_size INTEGER NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL, finished_at TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX import_jobs_account ON import_jobs(account_id, id);",
    // The server that holds the job's file: at start a server interrupts only its own jobs.
    "ALTER TABLE import_jobs ADD COLUMN runner TEXT NOT NULL DEFAULT ''",
};

// This server's name among those sharing the database: kept in its data folder, so a
// restart finds its own jobs again.
std::string runnerName(const std::filesystem::path& data_dir) {
  std::filesystem::path file = data_dir / "server-id";
  std::string name;
  std::ifstream(file) >> name;
  if (name.empty()) {
    name = accounts::newToken().substr(0, 16);
    std::ofstream(file) << name << "\n";
  }
  return name;
}

// Lines per committed transaction. A batch dirties most leaf pages of the random-order
// indexes (names, emails, token hashes) whatever its size, and each commit writes them all to
// the WAL: 100,000 staff lines wrote 1.21 GB (WAL and checkpoint) in batches of 2,000, 0.68 GB
// in batches of 5,000 and 0.47 GB in batches of 10,000, whose memory stayed in the server's
// RSS (+3.5 MB against +0.8 MB at 5,000, where the 100 MB target has little to spare). A
// crash redoes at most one batch on resume.
constexpr int64_t kBatchLines = 5000;

const std::string kJobColumns =
    "id, account_id, table_id, state, dry_run, match_key, key_required, actor, lines_total, lines_done, inserted,"
    " updated, unchanged, rejected, noted, unknown_columns, read_only_columns, licenses, error_code, error_message,"
    " rows_size, created_at, finished_at, runner";

// Thrown from a batch to stop the import when the server stops: the batch rolls back and
// the job stays interrupted where the last batch left it.
struct Interrupted {};

ImportJob readJob(const sql::Query& q) {
  ImportJob job;
  job.id = q.getInt(0);
  job.account_id = q.getInt(1);
  job.table_id = q.getInt(2);
  job.state = q.getText(3);
  job.dry_run = q.getInt(4) != 0;
  job.key = q.getText(5);
  job.key_required = q.getInt(6) != 0;
  job.actor = q.getText(7);
  job.lines_total = q.getInt(8);
  job.lines_done = q.getInt(9);
  job.counts.inserted = q.getInt(10);
  job.counts.updated = q.getInt(11);
  job.counts.unchanged = q.getInt(12);
  job.counts.rejected = q.getInt(13);
  job.counts.noted = q.getInt(14);
  job.unknown_columns = q.getText(15);
  job.read_only_columns = q.getText(16);
  job.licenses_json = q.getText(17);
  job.error_code = q.getText(18);
  job.error_message = q.getText(19);
  job.rows_size = q.getInt(20);
  job.created_at = q.getText(21);
  job.finished_at = q.getText(22);
  job.runner = q.getText(23);
  return job;
}

std::string jsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + jsonString(items[i]);
  return out + "]";
}

std::string rowJson(const tables::ImportLine& line) {
  return "{\"line\":" + std::to_string(line.line) + ",\"id\":" + (line.id ? std::to_string(*line.id) : "null") +
         ",\"action\":\"" + tables::actionName(line.action) + "\",\"result\":" + jsonString(line.result) + "}";
}

tables::ImportReport plus(const tables::ImportReport& base, const tables::ImportReport& more) {
  tables::ImportReport sum;
  sum.inserted = base.inserted + more.inserted;
  sum.updated = base.updated + more.updated;
  sum.unchanged = base.unchanged + more.unchanged;
  sum.rejected = base.rejected + more.rejected;
  sum.noted = base.noted + more.noted;
  return sum;
}

}  // namespace

ImportJobs::ImportJobs(Services& services, std::filesystem::path dir)
    : services_(services), dir_(std::move(dir)), runner_(runnerName(services.data_dir)) {
  std::filesystem::create_directories(dir_);
  services_.db->write([&](sql::Tx& tx) {
    sql::migrate(tx, "import_jobs", kMigrations);
    // This server's jobs that were under way when it last stopped: their committed batches
    // are in. Other servers' jobs are theirs to run.
    tx.run("UPDATE import_jobs SET state = 'interrupted' WHERE state IN ('queued', 'running') AND runner = ?1",
           runner_);
  });
  thread_ = std::thread([this] { work(); });
}

ImportJobs::~ImportJobs() { stop(); }

void ImportJobs::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::filesystem::path ImportJobs::spool(int64_t id) const { return dir_ / (std::to_string(id) + ".csv"); }
std::filesystem::path ImportJobs::rows(int64_t id) const { return dir_ / (std::to_string(id) + ".rows"); }

int64_t ImportJobs::create(const ImportRequest& request, std::istream& body, size_t limit) {
  int64_t id = services_.db->write([&](sql::Tx& tx) {
    return tx.insert(
        "INSERT INTO import_jobs (account_id, table_id, state, dry_run, match_key, key_required, actor, created_at,"
        " runner) VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?7, ?8)",
        request.account_id, request.table_id, request.dry_run, request.key, request.key_required, request.actor,
        nowIso(), runner_);
  });
  try {
    std::ofstream out(spool(id), std::ios::binary | std::ios::trunc);
    char buffer[65536];
    size_t size = 0;
    while (body.read(buffer, sizeof buffer) || body.gcount() > 0) {
      size += static_cast<size_t>(body.gcount());
      if (size > limit) {
        throw Error(ErrorKind::kTooLarge, "too_large",
                    "The file is over " + std::to_string(limit >> 20) + " MiB; split it and import the parts.");
      }
      out.write(buffer, body.gcount());
    }
    out.close();
    if (!out) throw Error(ErrorKind::kInternal, "internal", "Could not write " + spool(id).string());
  } catch (const Error& error) {
    ImportJob job;
    job.id = id;
    job.error_code = error.code();
    job.error_message = error.what();
    finish(job, "failed");
    throw;
  }
  return id;
}

void ImportJobs::start(int64_t id) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(id);
  }
  wake_.notify_all();
}

void ImportJobs::resume(int64_t id) {
  std::optional<ImportJob> job = get(id);
  if (!job) throw notFound("Job " + std::to_string(id));
  if (job->state != "interrupted") {
    throw conflict("not_interrupted", "Job " + std::to_string(id) + " is " + job->state +
                                          "; only an interrupted import can be resumed.");
  }
  if (job->runner != runner_) {
    throw conflict("other_server", "Job " + std::to_string(id) + "'s file is kept by another server (" + job->runner +
                                       "); resume it there, or import the file again.");
  }
  if (!std::filesystem::exists(spool(id))) {
    throw conflict("file_gone", "The file of job " + std::to_string(id) + " is no longer kept; import it again.");
  }
  services_.db->write([&](sql::Tx& tx) { tx.run("UPDATE import_jobs SET state = 'queued' WHERE id = ?1", id); });
  start(id);
}

void ImportJobs::run(int64_t id) {
  std::optional<ImportJob> job = get(id);
  if (!job) throw notFound("Job " + std::to_string(id));
  execute(*job);
}

void ImportJobs::work() {
  while (true) {
    int64_t id = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
    }
    try {
      run(id);
    } catch (const Error&) {
      // Recorded on the job, where its client reads it.
    } catch (const std::exception& e) {
      std::cerr << "import job " << id << ": " << e.what() << std::endl;
    }
  }
}

void ImportJobs::execute(ImportJob job) {
  Services& s = services_;
  tables::ImportReport base = job.counts;
  std::string licenses;
  try {
    std::optional<tables::Table> table = s.db->read([&](sql::Tx& tx) { return s.engine->table(tx, job.table_id); });
    if (!table) throw notFound("The table of this import");
    if (job.lines_total == 0) {
      std::ifstream in(spool(job.id), std::ios::binary);
      job.lines_total = tables::checkCsv(in).lines;
    }
    s.db->write([&](sql::Tx& tx) {
      tx.run("UPDATE import_jobs SET state = 'running', lines_total = ?1 WHERE id = ?2", job.lines_total, job.id);
    });
    // The results of lines a crash undid may have reached the file: keep only the committed part.
    if (std::filesystem::exists(rows(job.id))) std::filesystem::resize_file(rows(job.id), job.rows_size);
    std::ofstream rows_out(rows(job.id), std::ios::binary | std::ios::app);
    int64_t rows_size = job.rows_size;
    bool users = table->kind == validators::kUsersKind;

    tables::ImportOptions options;
    tables::Trial trial;  // a dry run's memory: the licenses its lines would use
    options.dry_run = job.dry_run;
    if (job.dry_run) options.trial = &trial;
    options.actor = job.actor;
    options.key = job.key;
    options.key_required = job.key_required;
    options.first_line = job.lines_done + 1;
    options.batch_lines = kBatchLines;
    options.keep_rows = false;
    options.on_batch = [&](sql::Tx& tx, const std::vector<tables::ImportLine>& lines, const tables::ImportReport& report) {
      if (stopping_) throw Interrupted{};
      std::string text;
      for (const tables::ImportLine& line : lines) text += (rows_size == 0 && text.empty() ? "" : ",") + rowJson(line);
      rows_out << text << std::flush;
      if (!rows_out) throw Error(ErrorKind::kInternal, "internal", "Could not write " + rows(job.id).string());
      rows_size += static_cast<int64_t>(text.size());
      if (users) {
        validators::Licenses now = s.administration->licenses(tx, table->company_id, options.trial);
        licenses = "{\"total\":" + std::to_string(now.total) + ",\"used\":" + std::to_string(now.used) +
                   ",\"free\":" + std::to_string(now.free()) + "}";
      }
      if (!job.dry_run) {
        tables::ImportReport sum = plus(base, report);
        tx.run("UPDATE import_jobs SET lines_done = ?1, inserted = ?2, updated = ?3, unchanged = ?4, rejected = ?5,"
               " noted = ?6, rows_size = ?7 WHERE id = ?8",
               report.last_line, sum.inserted, sum.updated, sum.unchanged, sum.rejected, sum.noted, rows_size, job.id);
      }
      if (job.dry_run) showProgress(job.id, report.last_line);
    };
    // A real import shows the lines its committed batches hold: a poll that reads N there
    // finds N lines stored, even if the server dies at once.
    options.on_commit = [&](const tables::ImportReport& report) { showProgress(job.id, report.last_line); };
    std::ifstream in(spool(job.id), std::ios::binary);
    tables::ImportReport report = tables::importCsv(*s.engine, *table, in, options);
    job.counts = plus(base, report);
    job.unknown_columns = jsonArray(report.unknown_columns);
    job.read_only_columns = jsonArray(report.read_only_columns);
    job.lines_done = job.lines_total;
    job.rows_size = rows_size;
    job.licenses_json = licenses;
    finish(job, "done");
    std::filesystem::remove(spool(job.id));
  } catch (const Interrupted&) {
    std::lock_guard lock(mutex_);
    live_lines_.erase(job.id);
    throw Error(ErrorKind::kInternal, "internal", "The server is stopping; the import will resume later.");
  } catch (const Error& error) {
    job.error_code = error.code();
    job.error_message = error.kind() == ErrorKind::kInternal
                            ? "The server failed during the import; the lines before the reported one are stored. "
                              "Resume the job to go on."
                            : error.what();
    finish(job, error.kind() == ErrorKind::kInternal && !job.dry_run ? "interrupted" : "failed");
    throw;
  }
}

void ImportJobs::showProgress(int64_t id, int64_t lines_done) {
  std::lock_guard lock(mutex_);
  live_lines_[id] = lines_done;
}

void ImportJobs::finish(const ImportJob& job, const std::string& state) {
  services_.db->write([&](sql::Tx& tx) {
    if (state == "done") {
      tx.run("UPDATE import_jobs SET lines_done = ?1, inserted = ?2, updated = ?3, unchanged = ?4, rejected = ?5,"
             " noted = ?6, rows_size = ?7, unknown_columns = ?8, read_only_columns = ?9, licenses = ?10 WHERE id = ?11",
             job.lines_done, job.counts.inserted, job.counts.updated, job.counts.unchanged, job.counts.rejected,
             job.counts.noted, job.rows_size, job.unknown_columns, job.read_only_columns,
             job.licenses_json, job.id);
    }
    tx.run("UPDATE import_jobs SET state = ?1, error_code = ?2, error_message = ?3, finished_at = ?4 WHERE id = ?5",
           state, job.error_code, job.error_message, nowIso(), job.id);
  });
  std::lock_guard lock(mutex_);
  live_lines_.erase(job.id);
}

std::optional<ImportJob> ImportJobs::get(int64_t id) {
  std::optional<ImportJob> job = services_.db->read([&](sql::Tx& tx) -> std::optional<ImportJob> {
    sql::Query q = tx.query("SELECT " + kJobColumns + " FROM import_jobs WHERE id = ?1", id);
    if (!q.next()) return std::nullopt;
    return readJob(q);
  });
  if (job && job->state == "running") {
    std::lock_guard lock(mutex_);
    auto live = live_lines_.find(id);
    if (live != live_lines_.end()) job->lines_done = std::max(job->lines_done, live->second);
  }
  return job;
}

std::vector<ImportJob> ImportJobs::ofAccount(int64_t account_id) {
  return services_.db->read([&](sql::Tx& tx) {
    std::vector<ImportJob> jobs;
    sql::Query q = tx.query("SELECT " + kJobColumns + " FROM import_jobs WHERE account_id = ?1 ORDER BY id DESC LIMIT 100",
                            account_id);
    while (q.next()) jobs.push_back(readJob(q));
    return jobs;
  });
}

void ImportJobs::writeReport(const ImportJob& job, std::ostream& out, bool with_rows) {
  const tables::ImportReport& c = job.counts;
  out << "{\"jobId\":" << job.id << ",\"inserted\":" << c.inserted << ",\"updated\":" << c.updated
      << ",\"unchanged\":" << c.unchanged << ",\"rejected\":" << c.rejected << ",\"noted\":" << c.noted
      << ",\"dryRun\":" << (job.dry_run ? "true" : "false") << ",\"unknownColumns\":" << job.unknown_columns
      << ",\"readOnlyColumns\":" << job.read_only_columns;
  if (!job.licenses_json.empty()) out << ",\"licenses\":" << job.licenses_json;
  if (with_rows) {
    out << ",\"rows\":[";
    std::ifstream in(rows(job.id), std::ios::binary);
    char buffer[65536];
    int64_t left = job.rows_size;
    while (left > 0 && in.read(buffer, std::min<int64_t>(left, sizeof buffer)).gcount() > 0) {
      out.write(buffer, in.gcount());
      left -= in.gcount();
    }
    out << "]";
  }
  out << "}";
}

}  // namespace worktable::server
