// Accounts, their company memberships, login sessions and one-time tokens, stored beside the
// engine's data in the same database so that a change to a table and to an account commit
// together. Every method taking a Tx runs inside the caller's transaction; login() opens
// its own (hashing a password inside a write transaction would hold the writer for 50 ms).
// Thread-safe.
//
// An account may log in while at least one of its own (not external) memberships is active;
// deactivating the last one (or removing it) blocks the account and ends its sessions. Accounts are never
// deleted: their email and User ID stay taken, so that history keeps meaning who acted.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "worktable/tables/schema.h"
#include "worktable/tables/sql.h"
#include "worktable/tables/stamped_cache.h"

namespace worktable::accounts {

using tables::Id;
using sql::Tx;

struct Account {
  Id id = 0;
  std::string email;
  std::string first_name;
  std::string last_name;
  bool active = true;
  std::string user_id;        // the User ID of its Users-table row
  bool has_password = false;  // false until an invitation is accepted
};

struct NewAccount {
  std::string email;
  std::string user_id;
  std::string first_name;
  std::string last_name;
  std::string password_hash;  // empty: the person sets it from an invitation
};

struct Membership {
  Id account_id = 0;
  Id company_id = 0;
  bool admin = false;
  bool external = false;
  bool active = true;
  Id row_id = 0;  // the account's row in the company's Users table (0: none)
};

struct Session {
  std::string token;       // only known when the session is created
  std::string csrf_token;  // to send back as X-CSRF-Token on state-changing cookie calls
  Account account;
};

enum class TokenKind { kInvitation, kPasswordReset };

class Accounts {
 public:
  // Migrates the accounts schema of `db`, which must outlive this object.
  explicit Accounts(sql::Database& db);

  // Throws Error(kConflict, "duplicate_email" / "duplicate_user_id") when either is taken,
  // ignoring case.
  Account create(Tx& tx, const NewAccount& account);
  // create(), plus the account's active, internal membership of `company_id` linked to its
  // Users row `row_id` (an activation). Throws as create.
  Account createMember(Tx& tx, const NewAccount& account, Id company_id, Id row_id);
  std::optional<Account> byId(Tx& tx, Id id) const;
  std::optional<Account> byEmail(Tx& tx, const std::string& email) const;
  std::optional<Account> byUserId(Tx& tx, const std::string& user_id) const;
  // Throws Error(kConflict, "duplicate_email") when another account has the email.
  void updateProfile(Tx& tx, Id account_id, const std::string& first_name, const std::string& last_name,
                     const std::string& email);
  void setPasswordHash(Tx& tx, Id account_id, const std::string& password_hash);

  void addMembership(Tx& tx, const Membership& membership);
  std::vector<Membership> memberships(Tx& tx, Id account_id) const;
  std::optional<Membership> membership(Tx& tx, Id account_id, Id company_id) const;
  // The membership linked to a row of the company's Users table.
  std::optional<Membership> membershipOfRow(Tx& tx, Id company_id, Id row_id) const;
  // Activates or blocks the account in one company; the account logs in while any
  // membership is active. Blocking ends the account's sessions.
  void setMembershipActive(Tx& tx, Id account_id, Id company_id, bool active);
  // Removes the account from the company for good (the account itself stays; archived when
  // it has no company left). Rights are checked per request, so access ends at once.
  void removeMembership(Tx& tx, Id account_id, Id company_id);

  // Checks the password and opens a session. Throws Error(kUnauthenticated,
  // "invalid_credentials") alike for an unknown email, a wrong password, an inactive account.
  Session login(const std::string& email, const std::string& password);
  // True when `password` is the account's (opens its own read transaction).
  bool checkPassword(Id account_id, const std::string& password);
  // The session of `token`, if it is open and its account active. Cached under the access
  // stamp: one read of it when the session was checked before.
  std::optional<Session> authenticate(Tx& tx, const std::string& token) const;
  // The stamp that every write narrowing access changes (see src/access_stamp.h): what was
  // decided about access under a stamp holds while the stamp read in `tx` is the same.
  int64_t accessStamp(Tx& tx) const;
  void logout(Tx& tx, const std::string& token);
  // Ends every session of the account.
  void endSessions(Tx& tx, Id account_id);

  // Issues a one-time token (stored hashed) and returns it; earlier ones of the same kind
  // for the account stop working.
  std::string issueToken(Tx& tx, Id account_id, TokenKind kind, std::chrono::seconds lifetime);
  // Ends the tokens of `kind` the account has not used yet.
  void revokeTokens(Tx& tx, Id account_id, TokenKind kind);
  // Spends a token and returns its account. Throws Error(kBadRequest, "invalid_token") for an
  // unknown or spent one, Error(kConflict, "token_expired") for an expired one.
  Id useToken(Tx& tx, const std::string& token, TokenKind kind);
  // True when the account has an invitation that has not expired nor been used.
  bool hasLiveInvitation(Tx& tx, Id account_id) const;

 private:
  struct CheckedSession {
    Session session;
    std::string expires_at;
  };

  void refreshActive(Tx& tx, Id account_id);

  sql::Database& db_;
  // By token hash.
  mutable StampedCache<std::string, CheckedSession> sessions_;
};

}  // namespace worktable::accounts
