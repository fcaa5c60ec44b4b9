#include "users_rows.h"

#include "worktable/tables/error.h"

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

std::string describeHolder(sql::Tx& tx, UsersContext& context, const tables::Engine& engine,
                           const tables::Table& users, const accounts::Account& holder) {
  std::optional<accounts::Membership> member = context.accounts.membership(tx, holder.id, users.company_id);
  if (member && member->row_id != 0) {
    if (std::optional<tables::Record> row = engine.record(tx, users, member->row_id)) {
      std::string status = text(row->values[kStatus]);
      return "row " + std::to_string(row->id) + " (" + text(row->values[kFirstName]) + " " +
             text(row->values[kLastName]) + ", " + (status.empty() ? kInactive : status) + ")";
    }
  }
  if (!holder.active && context.accounts.memberships(tx, holder.id).empty()) {
    return "an archived account (its row was deleted)";
  }
  return "an account outside this company";
}

}  // namespace worktable::validators
