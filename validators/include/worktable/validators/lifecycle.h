// The account lifecycle that happens by mail: accepting an invitation (first password),
// asking for and using a password reset. Mails go through the outbox in the same
// transaction. Passwords arrive already hashed: hashing takes 50 ms and must not run
// inside a write transaction. Thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "worktable/validators/users_validators.h"

namespace worktable::validators {

inline constexpr std::chrono::hours kInvitationLifetime{24 * 7};
inline constexpr std::chrono::hours kResetLifetime{1};

// The invitation mail for a new account, with its one-time link.
accounts::Mail invitationMail(const UsersContext& context, const std::string& company, const accounts::Account& account,
                              const std::string& token);

// Queues the invitation of `account` to the company (outbox.h: its token is issued when a
// sender takes it); earlier invitation links stop working at once. `account_is_new`:
// created in this transaction, it has no earlier token to revoke.
void sendInvitation(sql::Tx& tx, UsersContext& context, tables::Id company_id, const accounts::Account& account,
                    bool account_is_new = false);

// Makes the context's outbox write invitation mails (a fresh token each, naming the
// company). `engine` and `context` must outlive the outbox's use.
void writeInvitationsWith(const tables::Engine& engine, UsersContext& context);

class Lifecycle {
 public:
  explicit Lifecycle(UsersContext& context) : context_(context) {}

  // Sets the first password of an invited account. Throws Error "invalid_token" (400) or
  // "token_expired" (409).
  accounts::Account acceptInvitation(sql::Tx& tx, const std::string& token, const std::string& password_hash);
  // Mails a reset link when `email` is an active account's; does nothing otherwise, so the
  // caller's answer gives no hint.
  void requestPasswordReset(sql::Tx& tx, const std::string& email);
  // Sets a new password and ends every session of the account. Same errors as above.
  void resetPassword(sql::Tx& tx, const std::string& token, const std::string& password_hash);

 private:
  UsersContext& context_;
};

}  // namespace worktable::validators
