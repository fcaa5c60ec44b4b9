#include "worktable/accounts/accounts.h"

#include "worktable/accounts/secrets.h"
#include "worktable/tables/clock.h"
#include "worktable/tables/error.h"
#include "worktable/tables/migrations.h"

namespace worktable::accounts {
namespace {

constexpr std::chrono::hours kSessionLifetime{24 * 30};

const std::vector<std::string> kMigrations = {
    "CREATE TABLE accounts (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " email TEXT NOT NULL COLLATE NOCASE UNIQUE, first_name TEXT NOT NULL, last_name TEXT NOT NULL,"
    " password_hash TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);"
    "CREATE TABLE memberships (account_id INTEGER NOT NULL REFERENCES accounts(id),"
    " company_id INTEGER NOT NULL REFERENCES companies(id), admin INTEGER NOT NULL DEFAULT 0,"
    " external INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (account_id, company_id));"
    "CREATE INDEX memberships_company ON memberships(company_id);"
    "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id),"
    " csrf_token TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL);"
    "CREATE INDEX sessions_account ON sessions(account_id);",
};

const std::string kAccountColumns = "id, email, first_name, last_name, active";

Account readAccount(const sql::Query& q) {
  return Account{q.getInt(0), q.getText(1), q.getText(2), q.getText(3), q.getInt(4) != 0};
}

// A valid Argon2id hash of a random password, verified against when the email is unknown
// so that the answer takes as long as for a known one.
const std::string& decoyHash() {
  static const std::string hash = hashPassword(newToken());
  return hash;
}

}  // namespace

Accounts::Accounts(sql::Database& db) : db_(db) {
  db_.write([](Tx& tx) { sql::migrate(tx, "accounts", kMigrations); });
}

Account Accounts::create(Tx& tx, const std::string& email, const std::string& first_name,
                         const std::string& last_name, const std::string& password_hash) {
  if (auto existing = byEmail(tx, email)) {
    throw conflict("duplicate_email", "Email " + email + " is already used by another account; use another address.",
                   "email");
  }
  sql::Query q = tx.query(
      "INSERT INTO accounts (email, first_name, last_name, password_hash, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
      email, first_name, last_name, password_hash, nowIso());
  q.next();
  return Account{q.getInt(0), email, first_name, last_name, true};
}

std::optional<Account> Accounts::byId(Tx& tx, Id id) const {
  sql::Query q = tx.query("SELECT " + kAccountColumns + " FROM accounts WHERE id = ?1", id);
  if (!q.next()) return std::nullopt;
  return readAccount(q);
}

std::optional<Account> Accounts::byEmail(Tx& tx, const std::string& email) const {
  sql::Query q = tx.query("SELECT " + kAccountColumns + " FROM accounts WHERE email = ?1", email);
  if (!q.next()) return std::nullopt;
  return readAccount(q);
}

void Accounts::setPasswordHash(Tx& tx, Id account_id, const std::string& password_hash) {
  tx.run("UPDATE accounts SET password_hash = ?1 WHERE id = ?2", password_hash, account_id);
}

void Accounts::addMembership(Tx& tx, Id account_id, Id company_id, bool admin, bool external) {
  tx.run("INSERT INTO memberships (account_id, company_id, admin, external) VALUES (?1, ?2, ?3, ?4)"
         " ON CONFLICT (account_id, company_id) DO UPDATE SET admin = excluded.admin, external = excluded.external",
         account_id, company_id, admin, external);
}

std::vector<Membership> Accounts::memberships(Tx& tx, Id account_id) const {
  std::vector<Membership> result;
  sql::Query q = tx.query(
      "SELECT company_id, admin, external FROM memberships WHERE account_id = ?1 ORDER BY company_id", account_id);
  while (q.next()) result.push_back(Membership{q.getInt(0), q.getInt(1) != 0, q.getInt(2) != 0});
  return result;
}

std::optional<Membership> Accounts::membership(Tx& tx, Id account_id, Id company_id) const {
  sql::Query q = tx.query("SELECT admin, external FROM memberships WHERE account_id = ?1 AND company_id = ?2",
                          account_id, company_id);
  if (!q.next()) return std::nullopt;
  return Membership{company_id, q.getInt(0) != 0, q.getInt(1) != 0};
}

Session Accounts::login(const std::string& email, const std::string& password) {
  struct Found {
    Account account;
    std::string hash;
  };
  std::optional<Found> found = db_.read([&](Tx& tx) -> std::optional<Found> {
    sql::Query q = tx.query("SELECT " + kAccountColumns + ", password_hash FROM accounts WHERE email = ?1", email);
    if (!q.next()) return std::nullopt;
    return Found{readAccount(q), q.getText(5)};
  });
  bool valid = verifyPassword(found && !found->hash.empty() ? found->hash : decoyHash(), password);
  if (!found || found->hash.empty() || !valid || !found->account.active) {
    throw Error(ErrorKind::kUnauthenticated, "invalid_credentials",
                "Email or password is wrong, or the account is not active. Check them, or reset your password.");
  }
  Session session{newToken(), newToken(), found->account};
  db_.write([&](Tx& tx) {
    tx.run("INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at)"
           " VALUES (?1, ?2, ?3, ?4, ?5)",
           hashToken(session.token), session.account.id, session.csrf_token, nowIso(), isoIn(kSessionLifetime));
  });
  return session;
}

std::optional<Session> Accounts::authenticate(Tx& tx, const std::string& token) const {
  sql::Query q = tx.query(
      "SELECT a.id, a.email, a.first_name, a.last_name, a.active, s.csrf_token FROM sessions s"
      " JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND a.active = 1",
      hashToken(token), nowIso());
  if (!q.next()) return std::nullopt;
  return Session{{}, q.getText(5), readAccount(q)};
}

void Accounts::logout(Tx& tx, const std::string& token) {
  tx.run("DELETE FROM sessions WHERE token_hash = ?1", hashToken(token));
}

void Accounts::endSessions(Tx& tx, Id account_id) {
  tx.run("DELETE FROM sessions WHERE account_id = ?1", account_id);
}

}  // namespace worktable::accounts
