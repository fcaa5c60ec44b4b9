// The rules of the Users table (PRODUCT.md rules 1-9, API.md "Administration"), one
// validator per rule, attached to every table of kind "users" in this order:
//
//   ExternalRowsReadOnly     any change or delete of an External? row: 403 external_user
//   ImmutableAfterCreation   User ID / External? changed once the account exists: 409
//   DeleteOnlyWhenInactive   deleting an Active row: 409 must_be_inactive
//   ProfileSync              names and email of a row with an account follow to the account
//   Deactivation             Active -> Inactive blocks the account and ends its sessions
//   RequiredFields           + activation preconditions: when one fails, the row is stored,
//   ValidEmail               | Status goes back to what it was, Validation result says what
//   UniqueIdentity           | to fix (reactivating a row with an account: 409 license_limit)
//   LicenseLimit             +
//   AccountProvisioning      creates the account, mails the invitation, writes OK
//   AccountRemoval           deleting a row removes its account from the company for good
//
// A failed precondition puts Status back, so the validators after it see no activation and
// stand aside. All run inside the change's transaction. Thread-safe.
#pragma once

#include <string>

#include "worktable/accounts/accounts.h"
#include "worktable/accounts/outbox.h"
#include "worktable/tables/engine.h"
#include "worktable/validators/administration.h"

namespace worktable::validators {

struct UsersContext {
  accounts::Accounts& accounts;
  accounts::Outbox& outbox;
  Administration& administration;
  std::string base_url;  // links in mails start with it, e.g. "http://127.0.0.1:8080"
};

// Attaches the Users-table validators above to `engine`, in order. `context` must outlive it.
void attachUsersValidators(tables::Engine& engine, UsersContext& context);

class UsersValidator : public tables::Validator {
 public:
  explicit UsersValidator(UsersContext& context) : context_(context) {}

 protected:
  UsersContext& context_;
};

#define WORKTABLE_USERS_VALIDATOR(Name, label)                                                  \
  class Name : public UsersValidator {                                                         \
   public:                                                                                     \
    using UsersValidator::UsersValidator;                                                      \
    const char* name() const override { return label; }                                       \
    void check(sql::Tx& tx, const tables::Engine& engine, tables::Change& change) const override; \
  };

WORKTABLE_USERS_VALIDATOR(ExternalRowsReadOnly, "external_rows_read_only")
WORKTABLE_USERS_VALIDATOR(ImmutableAfterCreation, "immutable_after_creation")
WORKTABLE_USERS_VALIDATOR(DeleteOnlyWhenInactive, "delete_only_when_inactive")
WORKTABLE_USERS_VALIDATOR(ProfileSync, "profile_sync")
WORKTABLE_USERS_VALIDATOR(Deactivation, "deactivation")
WORKTABLE_USERS_VALIDATOR(RequiredFields, "required_fields")
WORKTABLE_USERS_VALIDATOR(ValidEmail, "valid_email")
WORKTABLE_USERS_VALIDATOR(UniqueIdentity, "unique_identity")
WORKTABLE_USERS_VALIDATOR(LicenseLimit, "license_limit")
WORKTABLE_USERS_VALIDATOR(AccountProvisioning, "account_provisioning")
WORKTABLE_USERS_VALIDATOR(AccountRemoval, "account_removal")

#undef WORKTABLE_USERS_VALIDATOR

}  // namespace worktable::validators
