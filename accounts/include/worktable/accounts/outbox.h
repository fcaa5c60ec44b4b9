// The mail outbox: mails are queued inside the transaction of the change that causes them,
// so a mail goes out if and only if its change committed. A sender (in the server) takes
// due mails, delivers them, and marks them sent or schedules a retry; nothing is lost
// across a restart. Several servers may share the outbox: a sender claims mails before it
// delivers them, so each mail goes out from one server (twice only when a server dies between
// delivering and marking it sent). Thread-safe, but for setInvitationWriter.
//
// An invitation is queued as a promise of a mail (queueInvitation): its token is issued
// and its text written when a sender claims it, so that an import of 100,000 staff pays
// neither per line (17% of the import's instructions, callgrind). Until then it counts as
// a live invitation of its account (hasPendingInvitation).
#pragma once

#include <chrono>
#include <functional>
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

// Writes the invitation mail of an account to a company (and issues its token), in the
// transaction that claims it.
using InvitationWriter = std::function<Mail(sql::Tx& tx, tables::Id account_id, tables::Id company_id)>;

class Outbox {
 public:
  // Migrates the outbox schema of `db`, which must outlive this object.
  explicit Outbox(sql::Database& db);

  // Set once, before a sender runs.
  void setInvitationWriter(InvitationWriter writer) { invitation_writer_ = std::move(writer); }

  void queue(sql::Tx& tx, const Mail& mail);
  // Queues the invitation of `account_id` (whose address is `to`) to `company_id`, written
  // when claimed.
  void queueInvitation(sql::Tx& tx, const std::string& to, tables::Id account_id, tables::Id company_id);
  // True when an invitation of `account_id` is queued and not written yet.
  bool hasPendingInvitation(sql::Tx& tx, tables::Id account_id) const;
  // Writes every queued invitation not written yet (a sender writes those it claims).
  void writeInvitations(sql::Tx& tx);
  // Mails not sent yet whose next attempt is due, oldest first.
  std::vector<QueuedMail> due(sql::Tx& tx, int limit) const;
  // Takes up to `limit` due mails for this sender (run in a write transaction): they stop
  // being due for `lease`, which must exceed the time one delivery may take.
  std::vector<QueuedMail> claim(sql::Tx& tx, int limit, std::chrono::seconds lease);
  void markSent(sql::Tx& tx, tables::Id id);
  void markFailed(sql::Tx& tx, tables::Id id, const std::string& error, std::chrono::seconds retry_in);

 private:
  Mail writeInvitation(sql::Tx& tx, tables::Id id, tables::Id account_id, tables::Id company_id);

  InvitationWriter invitation_writer_;
};

}  // namespace worktable::accounts
