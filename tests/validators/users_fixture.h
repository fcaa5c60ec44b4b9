// Shared by the Users-table validator tests: a fixture that gives every test a fresh SQLite
// file in its own temporary directory with an engine, accounts, an outbox, the
// Administration and a company "Acme" (its Users table and its owner's Active row); no
// validator is attached, so each test attaches the ones it checks. Also an assertion that
// a call throws the worktable::Error it should. Not thread-safe: one test at a time.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "worktable/accounts/accounts.h"
#include "worktable/accounts/outbox.h"
#include "worktable/tables/engine.h"
#include "worktable/tables/error.h"
#include "worktable/tables/sql.h"
#include "worktable/validators/administration.h"
#include "worktable/validators/lifecycle.h"
#include "worktable/validators/users_validators.h"

namespace worktable::validators::test {

using tables::Record;
using tables::Value;
using tables::Values;

using worktable::kindName;

// What a call is expected to throw; an empty code, field or message part is not checked.
struct Expected {
  ErrorKind kind;
  std::string code = {};
  std::optional<std::string> field = std::nullopt;
  std::string message_contains = {};
};

// Succeeds when `fn` throws a worktable::Error matching `expected`.
template <class F>
::testing::AssertionResult throwsError(F&& fn, const Expected& expected) {
  try {
    fn();
  } catch (const Error& error) {
    std::string message = error.what();
    if (error.kind() != expected.kind) {
      return ::testing::AssertionFailure() << "threw " << kindName(error.kind()) << " (" << error.code() << ": "
                                           << message << "), expected " << kindName(expected.kind);
    }
    if (!expected.code.empty() && error.code() != expected.code) {
      return ::testing::AssertionFailure() << "threw code \"" << error.code() << "\" (" << message
                                           << "), expected \"" << expected.code << "\"";
    }
    if (expected.field && error.field() != *expected.field) {
      return ::testing::AssertionFailure() << "error names field \"" << error.field() << "\", expected \""
                                           << *expected.field << "\" (" << message << ")";
    }
    if (message.empty()) return ::testing::AssertionFailure() << "error has no message";
    if (message.find(expected.message_contains) == std::string::npos) {
      return ::testing::AssertionFailure() << "message \"" << message << "\" does not contain \""
                                           << expected.message_contains << "\"";
    }
    return ::testing::AssertionSuccess();
  } catch (const std::exception& other) {
    return ::testing::AssertionFailure() << "threw a non-worktable exception: " << other.what();
  }
  return ::testing::AssertionFailure() << "did not throw, expected " << kindName(expected.kind) << " "
                                       << expected.code;
}

inline Value text(const std::string& value) { return Value(value); }

// A cell as a test reads it: its text, "true"/"false" for a checkbox, "<null>" when empty.
inline const std::string kNull = "<null>";
inline std::string cell(const Record& record, const std::string& field) {
  auto found = record.values.find(field);
  if (found == record.values.end() || tables::isNull(found->second)) return kNull;
  if (const bool* flag = std::get_if<bool>(&found->second)) return *flag ? "true" : "false";
  if (const double* number = std::get_if<double>(&found->second)) return std::to_string(*number);
  return std::get<std::string>(found->second);
}

// The values of a Users row; `status` empty leaves Status out.
inline Values person(const std::string& user_id, const std::string& first, const std::string& last,
                     const std::string& email, const std::string& status = "Active") {
  Values values = {{"User ID", text(user_id)}, {"First Name", text(first)}, {"Last Name", text(last)},
                   {"Email", text(email)}};
  if (!status.empty()) values["Status"] = text(status);
  return values;
}

// A row together with the account linked to it.
struct Member {
  tables::Id row_id = 0;
  tables::Id account_id = 0;
};

class UsersTableTest : public ::testing::Test {
 protected:
  static constexpr const char* kAdmin = "owner@acme.test";

  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "validators_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp failed for " << pattern;
    dir_ = pattern;
    db_ = sql::Database::open("sqlite:" + dir_ + "/worktable.db");
    engine_ = std::make_unique<tables::Engine>(*db_);
    accounts_ = std::make_unique<accounts::Accounts>(*db_);
    outbox_ = std::make_unique<accounts::Outbox>(*db_);
    administration_ = std::make_unique<Administration>(*engine_, *accounts_);
    context_ = std::make_unique<UsersContext>(UsersContext{*accounts_, *outbox_, *administration_, "http://test"});
    writeInvitationsWith(*engine_, *context_);
    db_->write([&](sql::Tx& tx) {
      NewCompany created = administration_->createCompany(tx, "Acme", Owner{kAdmin, "Olive", "Owner", "x", 0});
      company_id_ = created.company.id;
      owner_ = created.owner;
      std::optional<AdministrationInfo> info = administration_->ofCompany(tx, company_id_);
      ASSERT_TRUE(info.has_value());
      std::optional<tables::Table> users = engine_->table(tx, info->users_table_id);
      ASSERT_TRUE(users.has_value());
      users_ = *users;
      std::optional<accounts::Membership> membership = accounts_->membership(tx, owner_.id, company_id_);
      ASSERT_TRUE(membership.has_value());
      owner_row_ = membership->row_id;
    });
  }

  void TearDown() override {
    context_.reset();
    administration_.reset();
    outbox_.reset();
    accounts_.reset();
    engine_.reset();
    db_.reset();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  // Attaches one validator of the Users table, after those already attached.
  template <class V>
  void attach() {
    engine_->addValidator(kUsersKind, std::make_shared<V>(*context_));
  }
  // Attaches the whole chain, in its order.
  void attachAll() { attachUsersValidators(*engine_, *context_); }

  Record insert(const Values& values) {
    return db_->write([&](sql::Tx& tx) { return engine_->insert(tx, users_, values, kAdmin); });
  }
  Record insertAsSystem(const Values& values) {
    return db_->write([&](sql::Tx& tx) { return engine_->insertAsSystem(tx, users_, values, kAdmin); });
  }
  Record update(tables::Id id, const Values& values) {
    return db_->write([&](sql::Tx& tx) { return engine_->update(tx, users_, id, values, std::nullopt, kAdmin); });
  }
  void remove(tables::Id id) {
    db_->write([&](sql::Tx& tx) { engine_->remove(tx, users_, id, kAdmin); });
  }
  std::optional<Record> row(tables::Id id) {
    return db_->read([&](sql::Tx& tx) { return engine_->record(tx, users_, id); });
  }
  int64_t rowCount() {
    return db_->read([&](sql::Tx& tx) { return engine_->count(tx, users_, {}); });
  }
  std::vector<tables::HistoryEntry> history(tables::Id id) {
    return db_->read([&](sql::Tx& tx) { return engine_->history(tx, users_, id); });
  }

  std::optional<accounts::Account> accountByEmail(const std::string& email) {
    return db_->read([&](sql::Tx& tx) { return accounts_->byEmail(tx, email); });
  }
  std::optional<accounts::Account> accountById(tables::Id id) {
    return db_->read([&](sql::Tx& tx) { return accounts_->byId(tx, id); });
  }
  std::optional<accounts::Membership> membershipOfRow(tables::Id row_id) {
    return db_->read([&](sql::Tx& tx) { return accounts_->membershipOfRow(tx, company_id_, row_id); });
  }
  std::optional<accounts::Membership> membership(tables::Id account_id) {
    return db_->read([&](sql::Tx& tx) { return accounts_->membership(tx, account_id, company_id_); });
  }
  // Queued mails, invitations written (as a sender would when it takes them).
  std::vector<accounts::QueuedMail> mails() {
    return db_->write([&](sql::Tx& tx) {
      outbox_->writeInvitations(tx);
      return outbox_->due(tx, 1000);
    });
  }
  Licenses licenses() {
    return db_->read([&](sql::Tx& tx) { return administration_->licenses(tx, company_id_); });
  }

  // A row stored as the system, with an account linked to it as AccountProvisioning would
  // leave it (the membership is active and a license counted when the row is Active); no
  // validator runs.
  Member addMember(const std::string& user_id, const std::string& first, const std::string& last,
                   const std::string& email, const std::string& status = "Active",
                   const std::string& password_hash = "") {
    return db_->write([&](sql::Tx& tx) {
      Values values = person(user_id, first, last, email, status);
      values["External?"] = false;
      values["Validation result"] = text("OK");
      Record record = engine_->insertAsSystem(tx, users_, values, kAdmin);
      accounts::Account account = accounts_->create(tx, {email, user_id, first, last, password_hash});
      accounts_->addMembership(tx, {account.id, company_id_, false, false, status == "Active", record.id});
      if (status == "Active") administration_->useLicenses(tx, company_id_, 1);
      return Member{record.id, account.id};
    });
  }

  std::string dir_;
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<tables::Engine> engine_;
  std::unique_ptr<accounts::Accounts> accounts_;
  std::unique_ptr<accounts::Outbox> outbox_;
  std::unique_ptr<Administration> administration_;
  std::unique_ptr<UsersContext> context_;
  tables::Table users_;
  tables::Id company_id_ = 0;
  accounts::Account owner_;
  tables::Id owner_row_ = 0;
};

}  // namespace worktable::validators::test
