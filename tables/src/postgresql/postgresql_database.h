// The PostgreSQL backend of sql::Database, for several servers sharing one database.
// A pool of connections serves reads (each a REPEATABLE READ snapshot) and writes. Write
// transactions are serialised across every server on the database by one transaction-level
// advisory lock: the engine and the validators check-then-write inside a transaction (record
// versions, unique identities, the license counter) exactly as on SQLite's single writer,
// and the lock keeps those checks true without retry loops. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "worktable/tables/sql.h"

namespace worktable::sql {

class PostgresqlConnection;

class PostgresqlDatabase : public Database {
 public:
  // `url`: postgresql://user@host:port/dbname (any libpq URI). Throws Error when the
  // server cannot be reached or the schema helpers cannot be created.
  explicit PostgresqlDatabase(const std::string& url);
  ~PostgresqlDatabase() override;

  Backend backend() const override { return Backend::kPostgresql; }

 protected:
  std::unique_ptr<Lease> begin(Access access) override;

 private:
  class PooledLease;

  std::unique_ptr<PostgresqlConnection> take();
  void giveBack(std::unique_ptr<PostgresqlConnection> connection);

  std::string conninfo_;
  std::mutex write_mutex_;  // one writer per process queues here, not on a pooled connection
  std::mutex pool_mutex_;
  std::condition_variable connection_free_;
  std::vector<std::unique_ptr<PostgresqlConnection>> idle_;
  int open_ = 0;
};

}  // namespace worktable::sql
