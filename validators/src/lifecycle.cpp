#include "worktable/validators/lifecycle.h"

#include "worktable/tables/error.h"

namespace worktable::validators {

accounts::Mail invitationMail(const UsersContext& context, const std::string& company, const accounts::Account& account,
                              const std::string& token) {
  std::string link = context.base_url + "/accept-invitation?token=" + token;
  return accounts::Mail{
      account.email,
      "Your Worktable account at " + company,
      "Hello " + account.first_name + ",\n\n" + company + " has created a Worktable account for you (login: " +
          account.email + ").\nChoose your password with this link, valid for 7 days and usable once:\n\n" + link +
          "\n\nIf you did not expect this mail, you can ignore it.\n",
  };
}

void sendInvitation(sql::Tx& tx, UsersContext& context, tables::Id company_id, const accounts::Account& account,
                    bool account_is_new) {
  // The earlier link stops working now, not when the new mail is written.
  if (!account_is_new) context.accounts.revokeTokens(tx, account.id, accounts::TokenKind::kInvitation);
  context.outbox.queueInvitation(tx, account.email, account.id, company_id);
}

void writeInvitationsWith(const tables::Engine& engine, UsersContext& context) {
  context.outbox.setInvitationWriter([&engine, &context](sql::Tx& tx, tables::Id account_id, tables::Id company_id) {
    std::optional<accounts::Account> account = context.accounts.byId(tx, account_id);
    if (!account) throw Error(ErrorKind::kInternal, "internal", "An invitation names an account that does not exist.");
    std::string token =
        context.accounts.issueToken(tx, account_id, accounts::TokenKind::kInvitation, kInvitationLifetime);
    std::optional<tables::Company> company = engine.company(tx, company_id);
    return invitationMail(context, company ? company->name : "your company", *account, token);
  });
}

accounts::Account Lifecycle::acceptInvitation(sql::Tx& tx, const std::string& token, const std::string& password_hash) {
  tables::Id account_id = context_.accounts.useToken(tx, token, accounts::TokenKind::kInvitation);
  context_.accounts.setPasswordHash(tx, account_id, password_hash);
  return *context_.accounts.byId(tx, account_id);
}

void Lifecycle::requestPasswordReset(sql::Tx& tx, const std::string& email) {
  std::optional<accounts::Account> account = context_.accounts.byEmail(tx, email);
  if (!account || !account->active) return;
  std::string token = context_.accounts.issueToken(tx, account->id, accounts::TokenKind::kPasswordReset, kResetLifetime);
  std::string link = context_.base_url + "/reset-password?token=" + token;
  context_.outbox.queue(tx, accounts::Mail{
                                account->email,
                                "Reset your Worktable password",
                                "Hello " + account->first_name +
                                    ",\n\nSomeone (we hope you) asked to reset the password of " + account->email +
                                    ".\nChoose a new one with this link, valid for 1 hour and usable once:\n\n" + link +
                                    "\n\nIf it was not you, ignore this mail: your password stays as it is.\n",
                            });
}

void Lifecycle::resetPassword(sql::Tx& tx, const std::string& token, const std::string& password_hash) {
  tables::Id account_id = context_.accounts.useToken(tx, token, accounts::TokenKind::kPasswordReset);
  context_.accounts.setPasswordHash(tx, account_id, password_hash);
  context_.accounts.endSessions(tx, account_id);
}

}  // namespace worktable::validators
