// The SQLite backend of sql::Database: one file, WAL, one writer connection guarded by a
// mutex (SQLite has one writer anyway; queueing here avoids SQLITE_BUSY) whose queued
// writes commit together (group commit, see WriteLease), and a pool of
// at most a few reader connections that threads wait for when all are busy. WAL
// checkpoints run on a thread of their own, so that no write waits for one.
#pragma once

#include <atomic>
#include <memory>
#include <condition_variable>
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

 private:
  class ReadLease;
  class WriteLease;
  struct Group;

  std::unique_ptr<SqliteConnection> takeReader();
  void giveBack(std::unique_ptr<SqliteConnection> connection);
  void checkpointWhileOpen();
  void endGroup(Group& group, bool failed);
  // Waits until `group` has committed or failed; true when it failed.
  bool waitFor(Group& group);

  std::string path_;
  std::mutex write_mutex_;
  std::atomic<int> writers_waiting_{0};
  std::shared_ptr<Group> group_;  // the open write transaction, guarded by write_mutex_
  std::mutex group_mutex_;
  std::condition_variable group_done_;
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;  // idle readers
  int readers_open_ = 0;
  std::atomic<int64_t> commits_{0};
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool closing_ = false;
  std::thread checkpointer_;
};

}  // namespace worktable::sql
