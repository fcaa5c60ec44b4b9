// Accounts, their company memberships, and login sessions, stored beside the engine's data
// in the same database so that a change to a table and to an account commit together.
// Every method taking a Tx runs inside the caller's transaction; login() opens its own
// (hashing a password inside a write transaction would hold the writer for 50 ms).
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "worktable/tables/schema.h"
#include "worktable/tables/sql.h"

namespace worktable::accounts {

using tables::Id;
using sql::Tx;

struct Account {
  Id id = 0;
  std::string email;
  std::string first_name;
  std::string last_name;
  bool active = true;
};

struct Membership {
  Id company_id = 0;
  bool admin = false;
  bool external = false;
};

struct Session {
  std::string token;       // only known when the session is created
  std::string csrf_token;  // to send back as X-CSRF-Token on state-changing cookie calls
  Account account;
};

class Accounts {
 public:
  // Migrates the accounts schema of `db`, which must outlive this object.
  explicit Accounts(sql::Database& db);

  // Creates an account with an already hashed password (empty: none yet). Throws
  // Error(kConflict, "duplicate_email") when the email is taken, ignoring case.
  Account create(Tx& tx, const std::string& email, const std::string& first_name,
                 const std::string& last_name, const std::string& password_hash);
  std::optional<Account> byId(Tx& tx, Id id) const;
  std::optional<Account> byEmail(Tx& tx, const std::string& email) const;
  void setPasswordHash(Tx& tx, Id account_id, const std::string& password_hash);

  void addMembership(Tx& tx, Id account_id, Id company_id, bool admin, bool external);
  std::vector<Membership> memberships(Tx& tx, Id account_id) const;
  std::optional<Membership> membership(Tx& tx, Id account_id, Id company_id) const;

  // Checks the password and opens a session. Throws Error(kUnauthenticated,
  // "invalid_credentials") alike for an unknown email, a wrong password, an inactive account.
  Session login(const std::string& email, const std::string& password);
  // The session of `token`, if it is open and its account active.
  std::optional<Session> authenticate(Tx& tx, const std::string& token) const;
  void logout(Tx& tx, const std::string& token);
  // Ends every session of the account.
  void endSessions(Tx& tx, Id account_id);

 private:
  sql::Database& db_;
};

}  // namespace worktable::accounts
