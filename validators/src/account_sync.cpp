// Rules that carry a row's edits over to its account: profile, deactivation, removal.
#include "users_rows.h"
#include "worktable/validators/lifecycle.h"
#include "worktable/tables/error.h"

namespace worktable::validators {

void ProfileSync::check(sql::Tx& tx, const tables::Engine& engine, tables::Change& change) const {
  if (change.kind != tables::ChangeKind::kUpdate) return;
  if (!change.changes(kFirstName) && !change.changes(kLastName) && !change.changes(kEmail)) return;
  std::optional<accounts::Membership> member = rowAccount(tx, context_, change);
  if (!member) return;
  for (const std::string& field : {kFirstName, kLastName, kEmail}) {
    if (isBlank(change.get(field))) {
      throw invalidValue("required_field", "\"" + field + "\" cannot be empty: row " + std::to_string(change.record_id) +
                                               " has an account. Write a value.", field);
    }
  }
  if (change.problems.count(kEmail)) return;  // the engine refuses the malformed email
  std::string email = text(change.get(kEmail));
  if (std::optional<std::string> holder =
          identityHolder(tx, context_, engine, change, Identity::kEmail, email, member->account_id)) {
    throw conflict("duplicate_email",
                   "Email " + email + " is already used by " + *holder +
                       ". Change that row's email to free it, or use another address.",
                   kEmail);
  }
  context_.accounts.updateProfile(tx, member->account_id, text(change.get(kFirstName)), text(change.get(kLastName)),
                                  email);
  // An invitation not accepted yet went to the old address: send a new one to the new
  // address (the old link stops working).
  std::optional<accounts::Account> account = context_.accounts.byId(tx, member->account_id);
  if (change.changes(kEmail) && account && !account->has_password && !member->external) {
    if (!change.trial) sendInvitation(tx, context_, member->company_id, *account);
    change.set(kResult, std::string("OK (invitation sent again to the new email)"));
  }
}

void Deactivation::check(sql::Tx& tx, const tables::Engine&, tables::Change& change) const {
  if (change.kind != tables::ChangeKind::kUpdate) return;
  if (text(change.old(kStatus)) != kActive || text(change.get(kStatus)) == kActive) return;
  if (std::optional<accounts::Membership> member = rowAccount(tx, context_, change)) {
    context_.accounts.setMembershipActive(tx, member->account_id, member->company_id, false);
    if (!member->external) context_.administration.useLicenses(tx, member->company_id, -1, change.trial);
  }
}

void AccountRemoval::check(sql::Tx& tx, const tables::Engine&, tables::Change& change) const {
  if (change.kind != tables::ChangeKind::kDelete) return;
  if (std::optional<accounts::Membership> member = rowAccount(tx, context_, change)) {
    context_.accounts.removeMembership(tx, member->account_id, member->company_id);
  }
}

}  // namespace worktable::validators
