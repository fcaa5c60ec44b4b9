// Rules on what may change in a row: external rows, immutable fields, deleting Active rows.
#include "users_rows.h"
#include "worktable/tables/error.h"

namespace worktable::validators {

void ExternalRowsReadOnly::check(sql::Tx& tx, const tables::Engine&, tables::Change& change) const {
  if (change.kind != tables::ChangeKind::kInsert && isTrue(change.old(kExternal))) {
    throw forbidden("external_user", "Row " + std::to_string(change.record_id) +
                                         " is a partner from another company: it is read-only here. Remove them "
                                         "from your workspaces to take their access away.");
  }
  // Ticking External? on a row that has an account is ImmutableAfterCreation's refusal (409).
  if (isTrue(change.get(kExternal)) && !rowAccount(tx, context_, change)) {
    throw Error(ErrorKind::kForbidden, "external_user",
                "External rows appear by themselves when a partner accepts an invitation to a workspace; "
                "they cannot be added or set by hand.",
                kExternal);
  }
}

void ImmutableAfterCreation::check(sql::Tx& tx, const tables::Engine&, tables::Change& change) const {
  if (change.kind != tables::ChangeKind::kUpdate) return;
  for (const std::string& field : {kUserId, kExternal}) {
    bool changes = field == kExternal ? externalChanges(change) : change.changes(field);
    if (changes && rowAccount(tx, context_, change)) {
      throw conflict("immutable_field", "\"" + field + "\" cannot change once the account exists (row " +
                                            std::to_string(change.record_id) +
                                            "). To use another one, set this row Inactive and add a new row.",
                     field);
    }
  }
}

void DeleteOnlyWhenInactive::check(sql::Tx&, const tables::Engine&, tables::Change& change) const {
  if (change.kind != tables::ChangeKind::kDelete || text(change.old(kStatus)) != kActive) return;
  throw conflict("must_be_inactive", "Row " + std::to_string(change.record_id) + " (" + text(change.old(kFirstName)) +
                                         " " + text(change.old(kLastName)) +
                                         ") is Active: set its Status to Inactive first, then delete it.",
                 kStatus);
}

}  // namespace worktable::validators
