// The mail outbox: mails are queued inside the transaction of the change that causes them,
// so a mail goes out if and only if its change committed. A sender (in the server) takes
// due mails, delivers them, and marks them sent or schedules a retry; nothing is lost
// across a restart. Several servers may share the outbox: a sender claims mails before it
// delivers them, so each mail goes out from one server (twice only when a server dies between
// delivering and marking it sent). Thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "worktable/tables/schema.h"
#include "worktable/tables/sql.h"

namespace worktable::accounts {

struct Mail {
  std::string to;
  std::string subject;
  std::string body;  // plain UTF-8 text
};

struct QueuedMail {
  tables::Id id = 0;
  Mail mail;
  int attempts = 0;
};

class Outbox {
 public:
  // Migrates the outbox schema of `db`, which must outlive this object.
  explicit Outbox(sql::Database& db);

  void queue(sql::Tx& tx, const Mail& mail);
  // Mails not sent yet whose next attempt is due, oldest first.
  std::vector<QueuedMail> due(sql::Tx& tx, int limit) const;
  // Takes up to `limit` due mails for this sender (run in a write transaction): they stop
  // being due for `lease`, which must exceed the time one delivery may take.
  std::vector<QueuedMail> claim(sql::Tx& tx, int limit, std::chrono::seconds lease);
  void markSent(sql::Tx& tx, tables::Id id);
  void markFailed(sql::Tx& tx, tables::Id id, const std::string& error, std::chrono::seconds retry_in);
};

}  // namespace worktable::accounts
