#include "users_rows.h"

#include <unordered_map>

#include "worktable/tables/error.h"
#include "worktable/tables/text.h"

namespace worktable::validators {

const std::string& text(const tables::Value& value) {
  static const std::string kNone;
  const std::string* found = std::get_if<std::string>(&value);
  return found ? *found : kNone;
}

bool isTrue(const tables::Value& value) {
  const bool* flag = std::get_if<bool>(&value);
  return flag && *flag;
}

bool isBlank(const tables::Value& value) {
  return text(value).find_first_not_of(" \t\r\n") == std::string::npos;
}

bool isValidEmail(const tables::Table& users, const std::string& email) {
  const tables::Field* field = users.field(kEmail);
  try {
    if (field) tables::Engine::checkShape(*field, email);
    return true;
  } catch (const Error&) {
    return false;
  }
}

bool externalChanges(const tables::Change& change) {
  return isTrue(change.old(kExternal)) != isTrue(change.get(kExternal));
}

std::optional<accounts::Membership> rowAccount(sql::Tx& tx, UsersContext& context, const tables::Change& change) {
  if (change.kind == tables::ChangeKind::kInsert) return std::nullopt;
  return context.accounts.membershipOfRow(tx, change.table->company_id, change.record_id);
}

bool activatesNewAccount(sql::Tx& tx, UsersContext& context, const tables::Change& change) {
  if (change.kind == tables::ChangeKind::kDelete || text(change.get(kStatus)) != kActive) return false;
  if (isTrue(change.get(kExternal))) return false;
  return !rowAccount(tx, context, change);
}

void refuseActivation(tables::Change& change, const std::string& message) {
  change.set(kStatus, change.old(kStatus));
  change.set(kResult, message);
  change.note = message;
}

namespace {

// "row 12 (Juliette Binoche, Inactive)", or none when the row is gone.
std::optional<std::string> describeRow(sql::Tx& tx, const tables::Engine& engine, const tables::Table& users,
                                       tables::Id row_id) {
  std::optional<tables::Record> row = engine.record(tx, users, row_id);
  if (!row) return std::nullopt;
  std::string status = text(row->values[kStatus]);
  return "row " + std::to_string(row->id) + " (" + text(row->values[kFirstName]) + " " +
         text(row->values[kLastName]) + ", " + (status.empty() ? kInactive : status) + ")";
}

// The accounts a dry run would have created, by the folded identifiers (as the accounts'
// UNICASE indexes compare them), each naming its row.
struct TrialAccounts {
  std::unordered_map<std::string, tables::Id> by_user_id;
  std::unordered_map<std::string, tables::Id> by_email;
};

std::string describeHolder(sql::Tx& tx, UsersContext& context, const tables::Engine& engine,
                           const tables::Table& users, const accounts::Account& holder) {
  std::optional<accounts::Membership> member = context.accounts.membership(tx, holder.id, users.company_id);
  if (member && member->row_id != 0) {
    if (std::optional<std::string> row = describeRow(tx, engine, users, member->row_id)) return *row;
  }
  if (!holder.active && context.accounts.memberships(tx, holder.id).empty()) {
    return "an archived account (its row was deleted)";
  }
  return "an account outside this company";
}

}  // namespace

std::optional<std::string> identityHolder(sql::Tx& tx, UsersContext& context, const tables::Engine& engine,
                                          const tables::Change& change, Identity identity, const std::string& value,
                                          tables::Id except_account) {
  const tables::Table& users = *change.table;
  if (change.trial) {
    TrialAccounts& made = change.trial->part<TrialAccounts>();
    auto& taken = identity == Identity::kUserId ? made.by_user_id : made.by_email;
    auto found = taken.empty() ? taken.end() : taken.find(tables::foldCase(value));
    if (found != taken.end()) {
      return describeRow(tx, engine, users, found->second).value_or("row " + std::to_string(found->second));
    }
  }
  std::optional<accounts::Account> holder =
      identity == Identity::kUserId ? context.accounts.byUserId(tx, value) : context.accounts.byEmail(tx, value);
  if (!holder || holder->id == except_account) return std::nullopt;
  return describeHolder(tx, context, engine, users, *holder);
}

void keepTrialAccount(sql::Tx& tx, tables::Trial& trial, const accounts::NewAccount& account, tables::Id row_id) {
  TrialAccounts& made = trial.part<TrialAccounts>();
  std::string user_id = tables::foldCase(account.user_id), email = tables::foldCase(account.email);
  made.by_user_id.emplace(user_id, row_id);
  made.by_email.emplace(email, row_id);
  tx.onRollback([&made, user_id, email] {
    made.by_user_id.erase(user_id);
    made.by_email.erase(email);
  });
}

}  // namespace worktable::validators
