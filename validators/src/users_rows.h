// Reading a Users-table change: field names, the row's account, and the helpers the rules
// share (what an activation is, putting one back, naming a row in a message).
#pragma once

#include <optional>
#include <string>

#include "worktable/validators/users_validators.h"

namespace worktable::validators {

inline const std::string kUserId = "User ID";
inline const std::string kFirstName = "First Name";
inline const std::string kLastName = "Last Name";
inline const std::string kEmail = "Email";
inline const std::string kStatus = "Status";
inline const std::string kExternal = "External?";
inline const std::string kResult = "Validation result";
inline const std::string kActive = "Active";
inline const std::string kInactive = "Inactive";

// The text of a value ("" for null or a non-text).
const std::string& text(const tables::Value& value);
bool isTrue(const tables::Value& value);
bool isBlank(const tables::Value& value);

// True when `email` has the shape the table's Email field requires.
bool isValidEmail(const tables::Table& users, const std::string& email);
// True when the External? box differs (empty and unticked are the same).
bool externalChanges(const tables::Change& change);
// The account membership linked to the changed row (none for an insert).
std::optional<accounts::Membership> rowAccount(sql::Tx& tx, UsersContext& context, const tables::Change& change);
// True when the change saves a row with Status Active that has no account yet.
bool activatesNewAccount(sql::Tx& tx, UsersContext& context, const tables::Change& change);
// Refuses an activation softly: Status goes back to what it was, Validation result says why.
void refuseActivation(tables::Change& change, const std::string& message);
enum class Identity { kUserId, kEmail };
// Who holds `value` as User ID or email: "row 12 (Juliette Binoche, Inactive)" for a row of
// the company's Users table, a plain description of an account that has no row there, or
// none when it is free (or held by `except_account`). In a dry run, also the rows of earlier
// changes of the run that would have made an account.
std::optional<std::string> identityHolder(sql::Tx& tx, UsersContext& context, const tables::Engine& engine,
                                          const tables::Change& change, Identity identity, const std::string& value,
                                          tables::Id except_account = 0);
// What a dry run keeps in place of the account it would create for row `row_id`: its User
// ID and email are taken for the rest of the run (see identityHolder).
void keepTrialAccount(sql::Tx& tx, tables::Trial& trial, const accounts::NewAccount& account, tables::Id row_id);

}  // namespace worktable::validators
