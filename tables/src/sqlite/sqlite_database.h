// The SQLite backend of sql::Database: one file, WAL, one writer connection guarded by a
// mutex (SQLite has one writer anyway; queueing here avoids SQLITE_BUSY) whose queued
// writes commit together (group commit, see Pending), and a pool of
// at most a few reader connections that threads wait for when all are busy. WAL
// checkpoints run on a thread of their own, so that no write waits for one.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "worktable/tables/sql.h"

namespace worktable::sql {

class SqliteConnection;

class SqliteDatabase : public Database {
 public:
  explicit SqliteDatabase(std::string path);
  ~SqliteDatabase() override;

  Backend backend() const override { return Backend::kSqlite; }

 protected:
  std::unique_ptr<Lease> begin(Access access) override;
  void runWrite(Access access, const std::function<void(Connection&)>& body) override;

 private:
  class ReadLease;
  class WriteLease;
  struct Pending;

  std::unique_ptr<SqliteConnection> takeReader();
  void giveBack(std::unique_ptr<SqliteConnection> connection);
  void checkpointWhileOpen();
  void restartWal(SqliteConnection& connection, int frames);
  void runRound(const std::vector<std::shared_ptr<Pending>>& round);
  // After each commit of the writer: counts it for the checkpointer.
  void committed();

  std::string path_;
  std::mutex write_mutex_;
  std::mutex queue_mutex_;
  std::deque<std::shared_ptr<Pending>> queue_;  // short writes waiting for a round, guarded by queue_mutex_
  bool round_running_ = false;  // guarded by queue_mutex_; false means queue_ is empty
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;  // idle readers
  int readers_open_ = 0;
  std::atomic<int64_t> commits_{0};
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool closing_ = false;
  std::atomic<int> restart_at_frames_;  // the WAL's frames at which the checkpointer restarts it
  std::atomic<bool> wal_due_{false};    // reached them: the checkpointer is woken
  std::thread checkpointer_;
};

}  // namespace worktable::sql
