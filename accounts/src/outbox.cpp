#include "worktable/accounts/outbox.h"

#include "worktable/tables/clock.h"
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
};

}  // namespace

Outbox::Outbox(sql::Database& db) {
  db.write([](sql::Tx& tx) { sql::migrate(tx, "outbox", kMigrations); });
}

void Outbox::queue(sql::Tx& tx, const Mail& mail) {
  std::string now = nowIso();
  tx.run("INSERT INTO outbox (recipient, subject, body, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?4)",
         mail.to, mail.subject, mail.body, now);
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
  {
    sql::Query q = tx.query(
        "SELECT id, recipient, subject, body, attempts FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?1"
        " ORDER BY id LIMIT ?2" + lock,
        nowIso(), static_cast<int64_t>(limit));
    while (q.next()) {
      result.push_back(QueuedMail{q.getInt(0), Mail{q.getText(1), q.getText(2), q.getText(3)},
                                  static_cast<int>(q.getInt(4))});
    }
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
