// The rebuilds of the accounts and memberships tables (accounts/src/accounts.cpp, steps 5
// and 6), on a database whose accounts already have memberships, tokens and a company.
#include "users_fixture.h"

namespace worktable::validators {
namespace {

class AccountsMigration : public test::UsersTableTest {
 protected:
  int64_t number(const std::string& sql) {
    return db_->read([&](sql::Tx& tx) {
      sql::Query q = tx.query(sql);
      return q.next() ? q.getInt(0) : -1;
    });
  }
  // True when `write` (a write through `accounts`) changes the access stamp.
  template <class F>
  bool movesTheStamp(const accounts::Accounts& accounts, F&& write) {
    int64_t stamp = db_->read([&](sql::Tx& tx) { return accounts.accessStamp(tx); });
    db_->write(write);
    return db_->read([&](sql::Tx& tx) { return accounts.accessStamp(tx); }) != stamp;
  }
};

// A database made when accounts had AUTOINCREMENT (accounts at version 4): the rebuild keeps
// every account, its id and what refers to it, later accounts come after them, SQLite keeps
// no sequence row for accounts, and the access stamp still moves when an account changes.
TEST_F(AccountsMigration, AccountsMadeWithAutoincrementAreRebuiltWithWhatRefersToThem) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  test::Member bob = addMember("bob", "Bob", "Builder", "bob@acme.test", "Inactive");
  std::string token = db_->write([&](sql::Tx& tx) {
    return accounts_->issueToken(tx, ada.account_id, accounts::TokenKind::kInvitation, std::chrono::hours(1));
  });
  db_->write([](sql::Tx& tx) {
    tx.exec("PRAGMA defer_foreign_keys = ON;"
            "CREATE TEMP TABLE old AS SELECT * FROM accounts; DROP TABLE accounts;"
            "CREATE TABLE accounts (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " email TEXT NOT NULL COLLATE UNICASE UNIQUE, user_id TEXT NOT NULL COLLATE UNICASE UNIQUE,"
            " first_name TEXT NOT NULL, last_name TEXT NOT NULL, password_hash TEXT NOT NULL DEFAULT '',"
            " active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);"
            "INSERT INTO accounts SELECT * FROM old; DROP TABLE old;"
            "UPDATE migrations SET version = 4 WHERE module = 'accounts'");
  });
  ASSERT_EQ(number("SELECT count(*) FROM sqlite_sequence WHERE name = 'accounts'"), 1);

  accounts::Accounts migrated(*db_);

  EXPECT_EQ(number("SELECT version FROM migrations WHERE module = 'accounts'"), 6);
  EXPECT_EQ(number("SELECT count(*) FROM sqlite_sequence WHERE name = 'accounts'"), 0);
  EXPECT_EQ(number("SELECT count(*) FROM pragma_foreign_key_check"), 0);
  EXPECT_EQ(accountById(ada.account_id)->email, "ada@acme.test");
  EXPECT_EQ(accountById(owner_.id)->email, kAdmin);
  EXPECT_EQ(membership(bob.account_id)->row_id, bob.row_id);
  EXPECT_FALSE(membership(bob.account_id)->active);
  EXPECT_EQ(db_->write([&](sql::Tx& tx) {
              return migrated.useToken(tx, token, accounts::TokenKind::kInvitation);
            }),
            ada.account_id);

  accounts::Account carol = db_->write([&](sql::Tx& tx) {
    return migrated.create(tx, {"carol@acme.test", "carol", "Carol", "Shaw", ""});
  });
  EXPECT_EQ(carol.id, bob.account_id + 1);
  EXPECT_THROW(db_->write([&](sql::Tx& tx) {
                 tx.run("INSERT INTO memberships (account_id, company_id) VALUES (?1, ?2)", carol.id + 100,
                        company_id_);
               }),
               Error)
      << "a membership of no account is still refused";

  EXPECT_TRUE(movesTheStamp(migrated, [&](sql::Tx& tx) {
    migrated.updateProfile(tx, ada.account_id, "Augusta", "Lovelace", "ada@acme.test");
  })) << "the rebuilt table lost the trigger that moves the access stamp";
}

// Memberships made as a rowid table (accounts at version 5): each keeps its account,
// company, row and flags, the key still refuses a second membership of one account in one
// company, and the access stamp still moves when one changes.
TEST_F(AccountsMigration, MembershipsAreRebuiltKeyedByAccountAndCompany) {
  test::Member ada = addMember("ada", "Ada", "Lovelace", "ada@acme.test");
  test::Member bob = addMember("bob", "Bob", "Builder", "bob@acme.test", "Inactive");
  db_->write([](sql::Tx& tx) { tx.exec("UPDATE migrations SET version = 5 WHERE module = 'accounts'"); });

  accounts::Accounts migrated(*db_);

  EXPECT_EQ(number("SELECT count(*) FROM sqlite_schema WHERE name = 'memberships' AND sql LIKE '%WITHOUT ROWID'"),
            1);
  EXPECT_EQ(number("SELECT count(*) FROM memberships"), 3);
  EXPECT_EQ(membership(ada.account_id)->row_id, ada.row_id);
  EXPECT_TRUE(membership(ada.account_id)->active);
  EXPECT_FALSE(membership(bob.account_id)->active);
  EXPECT_TRUE(membership(owner_.id)->admin);
  EXPECT_EQ(db_->read([&](sql::Tx& tx) { return migrated.membershipOfRow(tx, company_id_, bob.row_id)->account_id; }),
            bob.account_id);
  EXPECT_THROW(db_->write([&](sql::Tx& tx) {
                 tx.run("INSERT INTO memberships (account_id, company_id) VALUES (?1, ?2)", ada.account_id,
                        company_id_);
               }),
               Error);

  EXPECT_TRUE(movesTheStamp(migrated, [&](sql::Tx& tx) {
    migrated.setMembershipActive(tx, ada.account_id, company_id_, false);
  })) << "the rebuilt table lost the trigger that moves the access stamp";
}

}  // namespace
}  // namespace worktable::validators
