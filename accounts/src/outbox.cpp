#include "worktable/accounts/outbox.h"

#include <array>

#include "worktable/tables/clock.h"
#include "worktable/tables/error.h"
#include "worktable/tables/migrations.h"

namespace worktable::accounts {
namespace {

const std::vector<sql::Step> kMigrations = {
    "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT NOT NULL, subject TEXT NOT NULL,"
    " body TEXT NOT NULL, created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at TEXT NOT NULL, sent_at TEXT, last_error TEXT);"
    "CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL;",
    // Mails are marked sent, never deleted: a plain INTEGER PRIMARY KEY never reuses an id,
    // and spares every queued mail SQLite's scan and rewrite of sqlite_sequence (see the
    // history table's step in the engine's migrations).
    sql::sqliteRebuild("outbox",
                       "id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
                       " created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL,"
                       " sent_at TEXT, last_error TEXT",
                       "CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL;"),
    // An invitation not written yet names its account and company; writing it clears
    // invitation_account, which takes it out of the index.
    "ALTER TABLE outbox ADD COLUMN invitation_account INTEGER;"
    "ALTER TABLE outbox ADD COLUMN invitation_company INTEGER;"
    "CREATE INDEX outbox_invitations ON outbox(invitation_account) WHERE invitation_account IS NOT NULL;",
};

const std::string kClaimedColumns = "id, recipient, subject, body, attempts, invitation_account, invitation_company";

}  // namespace

Outbox::Outbox(sql::Database& db) {
  db.write([](sql::Tx& tx) { sql::migrate(tx, "outbox", kMigrations); });
}

void Outbox::queue(sql::Tx& tx, const Mail& mail) {
  std::string now = nowIso();
  tx.run("INSERT INTO outbox (recipient, subject, body, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?4)",
         mail.to, mail.subject, mail.body, now);
}

void Outbox::queueInvitation(sql::Tx& tx, const std::string& to, tables::Id account_id, tables::Id company_id) {
  std::string now = nowIso();
  tx.run("INSERT INTO outbox (recipient, subject, body, created_at, next_attempt_at, invitation_account,"
         " invitation_company) VALUES (?1, '', '', ?2, ?2, ?3, ?4)",
         to, now, account_id, company_id);
}

bool Outbox::hasPendingInvitation(sql::Tx& tx, tables::Id account_id) const {
  return tx.query("SELECT 1 FROM outbox WHERE invitation_account = ?1", account_id).next();
}

void Outbox::writeInvitations(sql::Tx& tx) {
  std::vector<std::array<tables::Id, 3>> pending;
  {
    sql::Query q = tx.query("SELECT id, invitation_account, invitation_company FROM outbox"
                            " WHERE invitation_account IS NOT NULL ORDER BY id");
    while (q.next()) pending.push_back({q.getInt(0), q.getInt(1), q.getInt(2)});
  }
  for (const auto& [id, account_id, company_id] : pending) writeInvitation(tx, id, account_id, company_id);
}

Mail Outbox::writeInvitation(sql::Tx& tx, tables::Id id, tables::Id account_id, tables::Id company_id) {
  if (!invitation_writer_) {
    throw Error(ErrorKind::kInternal, "internal", "An invitation is queued but nothing can write its mail.");
  }
  Mail mail = invitation_writer_(tx, account_id, company_id);
  tx.run("UPDATE outbox SET recipient = ?1, subject = ?2, body = ?3, invitation_account = NULL WHERE id = ?4", mail.to,
         mail.subject, mail.body, id);
  return mail;
}

std::vector<QueuedMail> Outbox::due(sql::Tx& tx, int limit) const {
  std::vector<QueuedMail> result;
  sql::Query q = tx.query(
      "SELECT id, recipient, subject, body, attempts FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?1"
      " ORDER BY next_attempt_at, id LIMIT ?2",
      nowIso(), static_cast<int64_t>(limit));
  while (q.next()) {
    result.push_back(QueuedMail{q.getInt(0), Mail{q.getText(1), q.getText(2), q.getText(3)},
                                static_cast<int>(q.getInt(4))});
  }
  return result;
}

std::vector<QueuedMail> Outbox::claim(sql::Tx& tx, int limit, std::chrono::seconds lease) {
  // SQLite has one writer, so its transaction alone keeps two senders apart; on PostgreSQL
  // senders of other servers skip the rows this one holds instead of waiting for them.
  std::string lock = tx.backend() == sql::Backend::kPostgresql ? " FOR UPDATE SKIP LOCKED" : "";
  std::vector<QueuedMail> result;
  std::vector<std::array<tables::Id, 3>> invitations;
  {
    sql::Query q = tx.query("SELECT " + kClaimedColumns +
                                " FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?1 ORDER BY id LIMIT ?2" +
                                lock,
                            nowIso(), static_cast<int64_t>(limit));
    while (q.next()) {
      result.push_back(QueuedMail{q.getInt(0), Mail{q.getText(1), q.getText(2), q.getText(3)},
                                  static_cast<int>(q.getInt(4))});
      if (!q.isNull(5)) invitations.push_back({static_cast<tables::Id>(result.size() - 1), q.getInt(5), q.getInt(6)});
    }
  }
  for (const auto& [index, account_id, company_id] : invitations) {
    QueuedMail& queued = result[static_cast<size_t>(index)];
    queued.mail = writeInvitation(tx, queued.id, account_id, company_id);
  }
  std::string until = isoIn(lease);
  for (const QueuedMail& mail : result) tx.run("UPDATE outbox SET next_attempt_at = ?1 WHERE id = ?2", until, mail.id);
  return result;
}

void Outbox::markSent(sql::Tx& tx, tables::Id id) {
  tx.run("UPDATE outbox SET sent_at = ?1, attempts = attempts + 1 WHERE id = ?2", nowIso(), id);
}

void Outbox::markFailed(sql::Tx& tx, tables::Id id, const std::string& error, std::chrono::seconds retry_in) {
  tx.run("UPDATE outbox SET attempts = attempts + 1, last_error = ?1, next_attempt_at = ?2 WHERE id = ?3", error,
         isoIn(retry_in), id);
}

}  // namespace worktable::accounts
