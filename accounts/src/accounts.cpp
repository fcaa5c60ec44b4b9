#include "worktable/accounts/accounts.h"

#include "worktable/accounts/secrets.h"
#include "access_stamp.h"
#include "worktable/tables/clock.h"
#include "worktable/tables/error.h"
#include "worktable/tables/migrations.h"

namespace worktable::accounts {
namespace {

constexpr std::chrono::hours kSessionLifetime{24 * 30};

const std::vector<sql::Step> kMigrations = {
    "CREATE TABLE accounts (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " email TEXT NOT NULL COLLATE UNICASE UNIQUE, user_id TEXT NOT NULL COLLATE UNICASE UNIQUE,"
    " first_name TEXT NOT NULL, last_name TEXT NOT NULL, password_hash TEXT NOT NULL DEFAULT '',"
    " active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);"
    "CREATE TABLE memberships (account_id INTEGER NOT NULL REFERENCES accounts(id),"
    " company_id INTEGER NOT NULL REFERENCES companies(id), admin INTEGER NOT NULL DEFAULT 0,"
    " external INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1, row_id INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (account_id, company_id));"
    "CREATE INDEX memberships_company_row ON memberships(company_id, row_id);"
    "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id),"
    " csrf_token TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL);"
    "CREATE INDEX sessions_account ON sessions(account_id);"
    "CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id),"
    " kind TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT);"
    "CREATE INDEX tokens_account ON tokens(account_id, kind);",
    // The access stamp (access_stamp.h). Inserts need not change it: what the caches hold
    // was granted before, and they learn only from committed state.
    "CREATE TABLE access_stamp (id INTEGER PRIMARY KEY, value INTEGER NOT NULL);"
    "INSERT INTO access_stamp (id, value) VALUES (1, 0);",
    sql::sqliteOnly(sqliteAccessTriggers("sessions", {"UPDATE", "DELETE"}) +
                    sqliteAccessTriggers("accounts", {"UPDATE", "DELETE"}) +
                    sqliteAccessTriggers("memberships", {"UPDATE", "DELETE"})),
    sql::postgresqlOnly(std::string(kPostgresqlAccessFunction) +
                        postgresqlAccessTrigger("sessions", "UPDATE OR DELETE") +
                        postgresqlAccessTrigger("accounts", "UPDATE OR DELETE") +
                        postgresqlAccessTrigger("memberships", "UPDATE OR DELETE")),
    // Accounts are never deleted, so a plain INTEGER PRIMARY KEY never reuses an id either,
    // and spares every new account SQLite's scan and rewrite of sqlite_sequence (2.6% of an
    // imported staff line, callgrind; see the history table's step in the engine's). Five
    // tables refer to accounts, so the copy goes out and back under deferred foreign keys:
    // dropping the table counts their rows as orphans, putting the accounts back counts them
    // found again, and the commit fails if any is left (SQLite cannot turn foreign keys off
    // inside the transaction the migrations run in). The table's triggers go with it.
    sql::sqliteOnly("PRAGMA defer_foreign_keys = ON;"
                    "CREATE TEMP TABLE accounts_copy AS SELECT id, email, user_id, first_name, last_name,"
                    " password_hash, active, created_at FROM accounts;"
                    "DROP TABLE accounts;"
                    "CREATE TABLE accounts (id INTEGER PRIMARY KEY,"
                    " email TEXT NOT NULL COLLATE UNICASE UNIQUE, user_id TEXT NOT NULL COLLATE UNICASE UNIQUE,"
                    " first_name TEXT NOT NULL, last_name TEXT NOT NULL, password_hash TEXT NOT NULL DEFAULT '',"
                    " active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);"
                    "INSERT INTO accounts (id, email, user_id, first_name, last_name, password_hash, active, created_at)"
                    " SELECT id, email, user_id, first_name, last_name, password_hash, active, created_at"
                    " FROM accounts_copy ORDER BY id;"
                    "DROP TABLE accounts_copy;" +
                    sqliteAccessTriggers("accounts", {"UPDATE", "DELETE"})),
    // Memberships keyed by their primary key alone: a new account's lands at the end of it,
    // and the separate rowid b-tree was one more write a membership (1.3% of an imported
    // staff line, callgrind). Nothing refers to memberships; its triggers go with it.
    sql::sqliteRebuild("memberships",
                       "account_id INTEGER NOT NULL REFERENCES accounts(id),"
                       " company_id INTEGER NOT NULL REFERENCES companies(id), admin INTEGER NOT NULL DEFAULT 0,"
                       " external INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1,"
                       " row_id INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (account_id, company_id)",
                       "CREATE INDEX memberships_company_row ON memberships(company_id, row_id);" +
                           sqliteAccessTriggers("memberships", {"UPDATE", "DELETE"}),
                       " WITHOUT ROWID"),
};

const std::string kAccountColumns = "id, email, first_name, last_name, active, user_id, password_hash <> ''";
const std::string kMembershipColumns = "account_id, company_id, admin, external, active, row_id";

Account readAccount(const sql::Query& q) {
  return Account{q.getInt(0), q.getText(1), q.getText(2), q.getText(3), q.getInt(4) != 0, q.getText(5),
                 q.getInt(6) != 0};
}

Membership readMembership(const sql::Query& q) {
  return Membership{q.getInt(0), q.getInt(1), q.getInt(2) != 0, q.getInt(3) != 0, q.getInt(4) != 0, q.getInt(5)};
}

const char* kindName(TokenKind kind) { return kind == TokenKind::kInvitation ? "invitation" : "reset"; }

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

Account Accounts::create(Tx& tx, const NewAccount& account) {
  // The unique indexes check first; the lookups only say which identifier is taken (an
  // activation has just checked both, so looking them up again was two reads per line).
  Id id = tx.insert(
      "INSERT INTO accounts (email, user_id, first_name, last_name, password_hash, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
      account.email, account.user_id, account.first_name, account.last_name, account.password_hash, nowIso());
  if (id == 0) {
    if (byEmail(tx, account.email)) {
      throw conflict("duplicate_email",
                     "Email " + account.email + " is already used by another account; use another address.", "Email");
    }
    if (byUserId(tx, account.user_id)) {
      throw conflict("duplicate_user_id",
                     "User ID " + account.user_id + " is already used by another account; choose another.", "User ID");
    }
    throw Error(ErrorKind::kInternal, "internal", "The account of " + account.email + " could not be stored.");
  }
  return Account{id, account.email, account.first_name, account.last_name, true, account.user_id,
                 !account.password_hash.empty()};
}

Account Accounts::createMember(Tx& tx, const NewAccount& account, Id company_id, Id row_id) {
  Account created = create(tx, account);
  // No refreshActive: a new account is active, and so is its one membership.
  tx.run("INSERT INTO memberships (account_id, company_id, admin, external, active, row_id)"
         " VALUES (?1, ?2, 0, 0, 1, ?3)",
         created.id, company_id, row_id);
  return created;
}

std::optional<Account> Accounts::byId(Tx& tx, Id id) const {
  static const std::string sql = "SELECT " + kAccountColumns + " FROM accounts WHERE id = ?1";
  sql::Query q = tx.query(sql, id);
  if (!q.next()) return std::nullopt;
  return readAccount(q);
}

std::optional<Account> Accounts::byEmail(Tx& tx, const std::string& email) const {
  static const std::string sql = "SELECT " + kAccountColumns + " FROM accounts WHERE email = ?1";
  sql::Query q = tx.query(sql, email);
  if (!q.next()) return std::nullopt;
  return readAccount(q);
}

std::optional<Account> Accounts::byUserId(Tx& tx, const std::string& user_id) const {
  static const std::string sql = "SELECT " + kAccountColumns + " FROM accounts WHERE user_id = ?1";
  sql::Query q = tx.query(sql, user_id);
  if (!q.next()) return std::nullopt;
  return readAccount(q);
}

void Accounts::updateProfile(Tx& tx, Id account_id, const std::string& first_name, const std::string& last_name,
                             const std::string& email) {
  std::optional<Account> holder = byEmail(tx, email);
  if (holder && holder->id != account_id) {
    throw conflict("duplicate_email", "Email " + email + " is already used by another account; use another address.",
                   "Email");
  }
  tx.run("UPDATE accounts SET first_name = ?1, last_name = ?2, email = ?3 WHERE id = ?4", first_name, last_name,
         email, account_id);
}

void Accounts::setPasswordHash(Tx& tx, Id account_id, const std::string& password_hash) {
  tx.run("UPDATE accounts SET password_hash = ?1 WHERE id = ?2", password_hash, account_id);
}

void Accounts::addMembership(Tx& tx, const Membership& m) {
  tx.run("INSERT INTO memberships (account_id, company_id, admin, external, active, row_id)"
         " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (account_id, company_id) DO UPDATE SET"
         " admin = excluded.admin, external = excluded.external, active = excluded.active, row_id = excluded.row_id",
         m.account_id, m.company_id, m.admin, m.external, m.active, m.row_id);
  refreshActive(tx, m.account_id);
}

std::vector<Membership> Accounts::memberships(Tx& tx, Id account_id) const {
  std::vector<Membership> result;
  sql::Query q = tx.query(
      "SELECT " + kMembershipColumns + " FROM memberships WHERE account_id = ?1 ORDER BY company_id", account_id);
  while (q.next()) result.push_back(readMembership(q));
  return result;
}

std::optional<Membership> Accounts::membership(Tx& tx, Id account_id, Id company_id) const {
  sql::Query q = tx.query("SELECT " + kMembershipColumns + " FROM memberships WHERE account_id = ?1 AND company_id = ?2",
                          account_id, company_id);
  if (!q.next()) return std::nullopt;
  return readMembership(q);
}

std::optional<Membership> Accounts::membershipOfRow(Tx& tx, Id company_id, Id row_id) const {
  static const std::string sql =
      "SELECT " + kMembershipColumns + " FROM memberships WHERE company_id = ?1 AND row_id = ?2";
  sql::Query q = tx.query(sql, company_id, row_id);
  if (!q.next()) return std::nullopt;
  return readMembership(q);
}

void Accounts::setMembershipActive(Tx& tx, Id account_id, Id company_id, bool active) {
  tx.run("UPDATE memberships SET active = ?1 WHERE account_id = ?2 AND company_id = ?3", active, account_id,
         company_id);
  if (!active) endSessions(tx, account_id);
  refreshActive(tx, account_id);
}

void Accounts::removeMembership(Tx& tx, Id account_id, Id company_id) {
  tx.run("DELETE FROM memberships WHERE account_id = ?1 AND company_id = ?2", account_id, company_id);
  refreshActive(tx, account_id);
}

void Accounts::refreshActive(Tx& tx, Id account_id) {
  // Partnerships do not keep a login alive: a person blocked by their own company is
  // blocked everywhere. (CASE: PostgreSQL stores no boolean in an integer column.)
  // Written only when it changes (active is 0 or 1): an update changes the access stamp.
  tx.run("UPDATE accounts SET active = 1 - active WHERE id = ?1 AND active <> CASE WHEN EXISTS (SELECT 1"
         " FROM memberships WHERE account_id = ?1 AND active = 1 AND external = 0) THEN 1 ELSE 0 END",
         account_id);
}

Session Accounts::login(const std::string& email, const std::string& password) {
  struct Found {
    Account account;
    std::string hash;
  };
  std::optional<Found> found = db_.read([&](Tx& tx) -> std::optional<Found> {
    sql::Query q = tx.query("SELECT " + kAccountColumns + ", password_hash FROM accounts WHERE email = ?1", email);
    if (!q.next()) return std::nullopt;
    return Found{readAccount(q), q.getText(7)};
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

bool Accounts::checkPassword(Id account_id, const std::string& password) {
  std::string hash = db_.read([&](Tx& tx) {
    sql::Query q = tx.query("SELECT password_hash FROM accounts WHERE id = ?1", account_id);
    return q.next() ? q.getText(0) : std::string();
  });
  return verifyPassword(hash.empty() ? decoyHash() : hash, password) && !hash.empty();
}

std::optional<Session> Accounts::authenticate(Tx& tx, const std::string& token) const {
  // A client sends the same token with every request of its connection, and a connection
  // stays on one thread: the hash the thread made last is mostly the one asked for (hashing
  // was 4% of a PATCH's instructions). Compared in constant time: the thread may have served
  // someone else's connection before.
  thread_local std::string last_token;
  thread_local std::string last_hash;
  if (!sameSecret(token, last_token)) {
    last_hash = hashToken(token);
    last_token = token;
  }
  const std::string& hash = last_hash;
  std::string now = nowIso();
  int64_t stamp = accessStamp(tx);
  if (std::optional<CheckedSession> checked = sessions_.find(hash, stamp)) {
    if (checked->expires_at > now) return checked->session;
  }
  sql::Query q = tx.query(
      "SELECT a.id, a.email, a.first_name, a.last_name, a.active, a.user_id, a.password_hash <> '', s.csrf_token,"
      " s.expires_at FROM sessions s JOIN accounts a ON a.id = s.account_id"
      " WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND a.active = 1",
      hash, now);
  if (!q.next()) return std::nullopt;
  Session session{{}, q.getText(7), readAccount(q)};
  if (!tx.hasPendingWrites()) sessions_.put(hash, stamp, CheckedSession{session, q.getText(8)});
  return session;
}

int64_t Accounts::accessStamp(Tx& tx) const {
  sql::Query q = tx.query("SELECT value FROM access_stamp WHERE id = 1");
  return q.next() ? q.getInt(0) : 0;
}

void Accounts::logout(Tx& tx, const std::string& token) {
  tx.run("DELETE FROM sessions WHERE token_hash = ?1", hashToken(token));
}

void Accounts::endSessions(Tx& tx, Id account_id) {
  tx.run("DELETE FROM sessions WHERE account_id = ?1", account_id);
}

void Accounts::revokeTokens(Tx& tx, Id account_id, TokenKind kind) {
  tx.run("DELETE FROM tokens WHERE account_id = ?1 AND kind = ?2", account_id, kindName(kind));
}

std::string Accounts::issueToken(Tx& tx, Id account_id, TokenKind kind, std::chrono::seconds lifetime) {
  revokeTokens(tx, account_id, kind);
  std::string token = newToken();
  tx.run("INSERT INTO tokens (token_hash, account_id, kind, expires_at) VALUES (?1, ?2, ?3, ?4)", hashToken(token),
         account_id, kindName(kind), isoIn(lifetime));
  return token;
}

Id Accounts::useToken(Tx& tx, const std::string& token, TokenKind kind) {
  std::string hash = hashToken(token);
  Id account_id = 0;
  std::string expires_at;
  {
    sql::Query q = tx.query("SELECT account_id, expires_at FROM tokens WHERE token_hash = ?1 AND kind = ?2"
                            " AND used_at IS NULL",
                            hash, kindName(kind));
    if (!q.next()) {
      throw Error(ErrorKind::kBadRequest, "invalid_token",
                  "This link is not valid or was already used; ask for a new one.", "token");
    }
    account_id = q.getInt(0);
    expires_at = q.getText(1);
  }
  if (expires_at <= nowIso()) {
    throw conflict("token_expired",
                   kind == TokenKind::kInvitation
                       ? "This invitation has expired; ask your admin to send it again (saving your row resends it)."
                       : "This reset link has expired; ask for a new one from the login page.",
                   "token");
  }
  tx.run("UPDATE tokens SET used_at = ?1 WHERE token_hash = ?2", nowIso(), hash);
  return account_id;
}

bool Accounts::hasLiveInvitation(Tx& tx, Id account_id) const {
  sql::Query q = tx.query("SELECT 1 FROM tokens WHERE account_id = ?1 AND kind = 'invitation' AND used_at IS NULL"
                          " AND expires_at > ?2",
                          account_id, nowIso());
  return q.next();
}

}  // namespace worktable::accounts
