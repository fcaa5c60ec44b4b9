// The preconditions of an activation and the provisioning of the account.
#include "users_rows.h"
#include "worktable/tables/error.h"
#include "worktable/validators/lifecycle.h"

namespace worktable::validators {
namespace {

std::string noLicenseMessage(const Licenses& licenses) {
  return "No license free: " + std::to_string(licenses.used) + " of " + std::to_string(licenses.total) +
         " in use. Set a user Inactive or add licenses in Plan & billing.";
}

}  // namespace

void RequiredFields::check(sql::Tx& tx, const tables::Engine&, tables::Change& change) const {
  if (!activatesNewAccount(tx, context_, change)) return;
  std::vector<std::string> missing;
  for (const std::string& field : {kUserId, kFirstName, kLastName, kEmail}) {
    if (isBlank(change.get(field))) missing.push_back(field);
  }
  if (missing.empty()) return;
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) {
    list += (i == 0 ? "" : (i + 1 == missing.size() ? " and " : ", ")) + missing[i];
  }
  refuseActivation(change, "Fill in " + list + ", then set Status to Active again.");
}

void ValidEmail::check(sql::Tx& tx, const tables::Engine&, tables::Change& change) const {
  auto problem = change.problems.find(kEmail);
  std::string message = "Email \"" + text(change.get(kEmail)) + "\" is not a valid address: write it as name@example.com";
  if (activatesNewAccount(tx, context_, change)) {
    // A draft may hold a bad email it was saved with earlier: check the value, not only
    // what this save wrote.
    if (problem != change.problems.end()) {
      change.problems.erase(problem);
    } else if (isBlank(change.get(kEmail)) || isValidEmail(*change.table, text(change.get(kEmail)))) {
      return;
    }
    refuseActivation(change, message + ", then set Status to Active again.");
    return;
  }
  if (problem == change.problems.end()) return;
  if (!rowAccount(tx, context_, change)) {
    // A row without an account is a draft: keep it, and say what to fix.
    change.problems.erase(problem);
    change.set(kResult, change.changes(kResult) ? text(change.get(kResult)) + " " + message + "." : message + ".");
    change.note = message + ".";
  }
}

void UniqueIdentity::check(sql::Tx& tx, const tables::Engine& engine, tables::Change& change) const {
  if (!activatesNewAccount(tx, context_, change)) return;
  const std::string& user_id = text(change.get(kUserId));
  if (std::optional<std::string> holder = identityHolder(tx, context_, engine, change, Identity::kUserId, user_id)) {
    return refuseActivation(change, "User ID " + user_id + " is already used by " + *holder +
                                        ". Choose another User ID, then set Status to Active again.");
  }
  const std::string& email = text(change.get(kEmail));
  if (std::optional<std::string> holder = identityHolder(tx, context_, engine, change, Identity::kEmail, email)) {
    refuseActivation(change, "Email " + email + " is already used by " + *holder +
                                 ". Change that row's email to free it, or use another address.");
  }
}

void LicenseLimit::check(sql::Tx& tx, const tables::Engine&, tables::Change& change) const {
  if (change.kind == tables::ChangeKind::kDelete || text(change.get(kStatus)) != kActive) return;
  if (text(change.old(kStatus)) == kActive || isTrue(change.get(kExternal))) return;
  Licenses licenses = context_.administration.licenses(tx, change.table->company_id, change.trial);
  if (licenses.free() > 0) return;
  if (rowAccount(tx, context_, change)) {
    throw conflict("license_limit", noLicenseMessage(licenses), kStatus);
  }
  refuseActivation(change, noLicenseMessage(licenses));
}

void AccountProvisioning::check(sql::Tx& tx, const tables::Engine&, tables::Change& change) const {
  if (change.kind == tables::ChangeKind::kDelete || text(change.get(kStatus)) != kActive) return;
  tables::Id company_id = change.table->company_id;
  std::optional<accounts::Membership> member = rowAccount(tx, context_, change);
  if (!member) {
    if (isTrue(change.get(kExternal))) return;
    change.set(kResult, std::string("OK"));
    accounts::NewAccount fresh{text(change.get(kEmail)), text(change.get(kUserId)), text(change.get(kFirstName)),
                               text(change.get(kLastName)), ""};
    UsersContext& context = context_;
    tables::Trial* trial = change.trial;
    change.after_store.push_back([&context, fresh, company_id, trial](sql::Tx& tx, tables::Id record_id) {
      context.administration.useLicenses(tx, company_id, 1, trial);
      // Later lines of a dry run see the row, the license and the identifiers taken; a
      // mail is read by no check, and the dry run stores none.
      if (trial) return keepTrialAccount(tx, *trial, fresh, record_id);
      accounts::Account account = context.accounts.createMember(tx, fresh, company_id, record_id);
      sendInvitation(tx, context, company_id, account, true);
    });
    return;
  }
  if (member->external) return;
  if (text(change.old(kStatus)) != kActive) {
    context_.accounts.setMembershipActive(tx, member->account_id, company_id, true);
    context_.administration.useLicenses(tx, company_id, 1, change.trial);
  }
  std::optional<accounts::Account> account = context_.accounts.byId(tx, member->account_id);
  if (account && !account->has_password && !context_.accounts.hasLiveInvitation(tx, account->id) &&
      !context_.outbox.hasPendingInvitation(tx, account->id)) {
    if (!change.trial) sendInvitation(tx, context_, company_id, *account);
    change.set(kResult, std::string("OK (the invitation had expired: a new one was sent)"));
  }
}

void attachUsersValidators(tables::Engine& engine, UsersContext& context) {
  writeInvitationsWith(engine, context);
  auto add = [&](auto validator) { engine.addValidator(kUsersKind, std::make_shared<decltype(validator)>(validator)); };
  add(ExternalRowsReadOnly(context));
  add(ImmutableAfterCreation(context));
  add(DeleteOnlyWhenInactive(context));
  add(ProfileSync(context));
  add(Deactivation(context));
  add(RequiredFields(context));
  add(ValidEmail(context));
  add(UniqueIdentity(context));
  add(LicenseLimit(context));
  add(AccountProvisioning(context));
  add(AccountRemoval(context));
}

}  // namespace worktable::validators
