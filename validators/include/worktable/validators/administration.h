// A company's Administration: its workspace, its Users table (the fields API.md lists, in
// that order) and its licenses. Creating a company goes through here so that every company
// has them from its first instant. Thread-safe; state lives in the database.
#pragma once

#include <optional>
#include <string>

#include "worktable/accounts/accounts.h"
#include "worktable/tables/engine.h"

namespace worktable::validators {

using tables::Id;
using sql::Tx;

// The kind of the Users table: the engine runs the validators attached to it.
inline constexpr const char* kUsersKind = "users";
// The field a staff list's lines are matched to rows by, when it is re-imported.
inline constexpr const char* kUsersKey = "User ID";
inline constexpr int kStartingLicenses = 5;

struct AdministrationInfo {
  Id company_id = 0;
  Id workspace_id = 0;
  Id users_table_id = 0;
  int licenses_total = 0;
};

struct Licenses {
  int64_t total = 0;
  int64_t used = 0;  // Active internal users
  int64_t free() const { return total > used ? total - used : 0; }
};

struct Owner {
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string password_hash;
  Id existing_account = 0;  // an account that already exists founds another company
};

struct NewCompany {
  tables::Company company;
  accounts::Account owner;
};

class Administration {
 public:
  // Migrates its schema; `engine` and `accounts` must outlive it.
  Administration(tables::Engine& engine, accounts::Accounts& accounts);

  // The Users table's fields, exactly as API.md lists them.
  static tables::TableSpec usersTableSpec();

  // Creates a company, its Administration workspace and Users table, and its owner: an
  // account (new, or `owner.existing_account`) that is the company's admin, with an Active
  // row holding its first license. Throws Error(kConflict, "duplicate_email") when a new
  // owner's email is taken.
  NewCompany createCompany(Tx& tx, const std::string& name, const Owner& owner);

  std::optional<AdministrationInfo> ofCompany(Tx& tx, Id company_id) const;
  // Throws kNotFound when the company has no Administration. In a dry run (`trial`), the
  // licenses as the run's changes so far left them.
  Licenses licenses(Tx& tx, Id company_id, tables::Trial* trial = nullptr) const;
  // Counts `delta` more licenses in use (the validators call it as Status changes; a
  // counter, because counting Active rows of a 100,000-row table per activation is quadratic).
  // A dry run's count is kept in `trial`'s memory (undone with the savepoint it was made in).
  void useLicenses(Tx& tx, Id company_id, int64_t delta, tables::Trial* trial = nullptr);
  // Sets the total; throws Error(kConflict, "licenses_in_use") below the number in use.
  Licenses setLicenses(Tx& tx, Id company_id, int64_t total);
  // True when `workspace_id` is some company's Administration workspace.
  bool isAdministrationWorkspace(Tx& tx, Id workspace_id) const;

 private:
  tables::Engine& engine_;
  accounts::Accounts& accounts_;
};

}  // namespace worktable::validators
