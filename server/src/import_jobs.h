// Imports as jobs: the body is spooled to a file in the data folder, checked whole, then
// imported in batches that each commit with the job's progress. A synchronous import is a
// job run in the request's thread; `?async=1` runs it on the jobs thread and the client
// follows GET /api/v1/jobs/{id}. A job the server stopped during (crash, restart) is found
// "interrupted" at the next start, with every committed batch in and the rest out, and can
// be resumed from the first line not stored.
//
// Files: <data>/imports/<id>.csv (the body, kept until the job is done) and <id>.rows (each
// line's result as JSON, the committed part of which is `rows_size` bytes).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "worktable/tables/csv.h"
#include "worktable/tables/error.h"

namespace worktable::server {

struct Services;

struct ImportRequest {
  int64_t account_id = 0;
  std::string actor;
  tables::Id table_id = 0;
  bool dry_run = false;
  std::string key;            // the field matching existing records; empty: insert only
  bool key_required = true;
};

struct ImportJob {
  int64_t id = 0;
  int64_t account_id = 0;
  tables::Id table_id = 0;
  std::string state;          // queued, running, done, failed, interrupted
  bool dry_run = false;
  std::string key;
  bool key_required = true;
  std::string actor;
  int64_t lines_total = 0;    // 0 until the file is checked
  int64_t lines_done = 1;     // the last line stored (or checked, in a dry run); 1 is the header
  tables::ImportReport counts;  // totals; rows are in the .rows file
  std::string unknown_columns = "[]", read_only_columns = "[]";  // JSON arrays
  std::string licenses_json;  // {total, used, free} after the import, for a Users table
  std::string error_code, error_message;
  int64_t rows_size = 0;
  std::string created_at, finished_at;
  std::string runner;         // the server holding its file
};

class ImportJobs {
 public:
  ImportJobs(Services& services, std::filesystem::path dir);
  ~ImportJobs();

  // Spools `body` (at most `limit` bytes, else kTooLarge) and records a queued job.
  int64_t create(const ImportRequest& request, std::istream& body, size_t limit);
  // Runs a queued or interrupted job here; throws the Error that failed it.
  void run(int64_t id);
  // Runs it on the jobs thread, after the jobs queued before it.
  void start(int64_t id);
  // Marks an interrupted job queued again and starts it. Throws kConflict when it is not
  // interrupted, or its file is gone.
  void resume(int64_t id);
  std::optional<ImportJob> get(int64_t id);
  std::vector<ImportJob> ofAccount(int64_t account_id);
  // Writes the job's answer: the import report (counts, columns, rows) as JSON.
  void writeReport(const ImportJob& job, std::ostream& out, bool with_rows);
  // Stops the jobs thread; a job it was running stays interrupted, to resume later.
  void stop();

 private:
  void work();
  void execute(ImportJob job);
  void showProgress(int64_t id, int64_t lines_done);
  void finish(const ImportJob& job, const std::string& state);
  std::filesystem::path spool(int64_t id) const;
  std::filesystem::path rows(int64_t id) const;

  Services& services_;
  std::filesystem::path dir_;
  std::string runner_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<int64_t> queue_;
  std::map<int64_t, int64_t> live_lines_;  // lines done of running jobs (dry runs store none)
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace worktable::server
