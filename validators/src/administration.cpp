#include "worktable/validators/administration.h"

#include <map>

#include "worktable/tables/error.h"
#include "worktable/tables/migrations.h"

namespace worktable::validators {
namespace {

const std::vector<sql::Step> kMigrations = {
    "CREATE TABLE administrations (company_id INTEGER PRIMARY KEY REFERENCES companies(id),"
    " workspace_id INTEGER NOT NULL UNIQUE REFERENCES workspaces(id), users_table_id INTEGER NOT NULL,"
    " licenses_total INTEGER NOT NULL, licenses_used INTEGER NOT NULL DEFAULT 0)",
};

}  // namespace

Administration::Administration(tables::Engine& engine, accounts::Accounts& accounts)
    : engine_(engine), accounts_(accounts) {
  engine_.database().write([](Tx& tx) { sql::migrate(tx, "administration", kMigrations); });
}

tables::TableSpec Administration::usersTableSpec() {
  using tables::FieldType;
  return tables::TableSpec{
      "Users",
      {
          {"User ID", FieldType::kText, {}, false},
          {"First Name", FieldType::kText, {}, false},
          {"Last Name", FieldType::kText, {}, false},
          {"Email", FieldType::kEmail, {}, false},
          {"Status", FieldType::kSelect, {"Active", "Inactive"}, false},
          {"External?", FieldType::kCheckbox, {}, false},
          {"Validation result", FieldType::kText, {}, true},
      },
      kUsersKind,
  };
}

NewCompany Administration::createCompany(Tx& tx, const std::string& name, const Owner& owner) {
  tables::Company company = engine_.createCompany(tx, name);
  std::optional<accounts::Account> account;
  if (owner.existing_account != 0) account = accounts_.byId(tx, owner.existing_account);
  if (!account) {
    account = accounts_.create(tx, {owner.email, owner.email, owner.first_name, owner.last_name, owner.password_hash});
  }
  tables::Workspace workspace = engine_.createWorkspace(tx, company.id, "Administration", account->email);
  tables::Table users = engine_.createTable(tx, workspace.id, usersTableSpec());
  tx.run("INSERT INTO administrations (company_id, workspace_id, users_table_id, licenses_total, licenses_used)"
         " VALUES (?1, ?2, ?3, ?4, 1)",
         company.id, workspace.id, users.id, kStartingLicenses);
  // The owner's row is the system's doing, so it is written as the system: the validators
  // that watch people's edits would refuse the read-only result field.
  tables::Values row = {
      {"User ID", account->user_id},      {"First Name", account->first_name},
      {"Last Name", account->last_name},  {"Email", account->email},
      {"Status", std::string("Active")},  {"External?", false},
      {"Validation result", std::string("OK")},
  };
  tables::Record record = engine_.insertAsSystem(tx, users, row, account->email);
  accounts_.addMembership(tx, {account->id, company.id, true, false, true, record.id});
  return NewCompany{company, *account};
}

std::optional<AdministrationInfo> Administration::ofCompany(Tx& tx, Id company_id) const {
  sql::Query q = tx.query(
      "SELECT workspace_id, users_table_id, licenses_total FROM administrations WHERE company_id = ?1", company_id);
  if (!q.next()) return std::nullopt;
  return AdministrationInfo{company_id, q.getInt(0), q.getInt(1), static_cast<int>(q.getInt(2))};
}

namespace {

// A dry run's licenses, by company: as stored when the run first read them, with what its
// changes used since (a row written a line and rolled back cost a tenth of a dry run).
struct TrialLicenses {
  std::map<Id, Licenses> companies;
};

// The dry run's count for `company_id`, read from the store the first time it is asked for.
Licenses& trialLicenses(const Administration& administration, Tx& tx, Id company_id, tables::Trial& trial) {
  std::map<Id, Licenses>& companies = trial.part<TrialLicenses>().companies;
  auto found = companies.find(company_id);
  if (found == companies.end()) found = companies.emplace(company_id, administration.licenses(tx, company_id)).first;
  return found->second;
}

}  // namespace

Licenses Administration::licenses(Tx& tx, Id company_id, tables::Trial* trial) const {
  if (trial) return trialLicenses(*this, tx, company_id, *trial);
  sql::Query q = tx.query("SELECT licenses_total, licenses_used FROM administrations WHERE company_id = ?1", company_id);
  if (!q.next()) throw notFound("The Administration of company " + std::to_string(company_id));
  return Licenses{q.getInt(0), q.getInt(1)};
}

void Administration::useLicenses(Tx& tx, Id company_id, int64_t delta, tables::Trial* trial) {
  if (trial) {
    Licenses& kept = trialLicenses(*this, tx, company_id, *trial);
    kept.used += delta;
    tx.onRollback([&kept, delta] { kept.used -= delta; });
    return;
  }
  tx.run("UPDATE administrations SET licenses_used = licenses_used + ?1 WHERE company_id = ?2", delta, company_id);
}

Licenses Administration::setLicenses(Tx& tx, Id company_id, int64_t total) {
  Licenses current = licenses(tx, company_id);
  if (total < 0) throw invalidValue("invalid_value", "The number of licenses cannot be negative.", "total");
  if (total < current.used) {
    throw conflict("licenses_in_use", std::to_string(current.used) + " licenses are in use, so the total cannot be " +
                                          std::to_string(total) + ". Set users Inactive first, or keep at least " +
                                          std::to_string(current.used) + ".", "total");
  }
  tx.run("UPDATE administrations SET licenses_total = ?1 WHERE company_id = ?2", total, company_id);
  return Licenses{total, current.used};
}

bool Administration::isAdministrationWorkspace(Tx& tx, Id workspace_id) const {
  sql::Query q = tx.query("SELECT 1 FROM administrations WHERE workspace_id = ?1", workspace_id);
  return q.next();
}

}  // namespace worktable::validators
