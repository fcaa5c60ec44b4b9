// Validators: attached per table kind, run in the order added, inside the write
// transaction, before the change is stored; they may amend or refuse the change.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "test_support.h"
#include "worktable/tables/validator.h"

namespace worktable::tables {
namespace {

using test::Expected;
using test::field;
using test::number;
using test::text;
using test::throwsError;

// A validator whose check is a lambda.
class LambdaValidator : public Validator {
 public:
  using Check = std::function<void(sql::Tx&, const Engine&, Change&)>;
  LambdaValidator(const char* name, Check check) : name_(name), check_(std::move(check)) {}
  const char* name() const override { return name_; }
  void check(sql::Tx& tx, const Engine& engine, Change& change) const override { check_(tx, engine, change); }

 private:
  const char* name_;
  Check check_;
};

std::shared_ptr<const Validator> validator(const char* name, LambdaValidator::Check check) {
  return std::make_shared<LambdaValidator>(name, std::move(check));
}

class Validators : public test::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (HasFatalFailure()) return;
    users_ = createTable(test::spec("Users",
                                    {field("Name"), field("Age", FieldType::kNumber),
                                     field("Result", FieldType::kText, {}, true), field("Email", FieldType::kEmail)},
                                    "users"));
    plain_ = createTable(test::spec("Plain", {field("Name"), field("Result", FieldType::kText, {}, true)}));
    other_ = createTable(test::spec("Other", {field("Name"), field("Result", FieldType::kText, {}, true)}, "other"));
  }

  // Records which validators ran, in order.
  std::shared_ptr<const Validator> logger(const char* name) {
    return validator(name, [this, name](sql::Tx&, const Engine&, Change&) {
      std::lock_guard lock(log_mutex_);
      log_.push_back(name);
    });
  }

  Table users_, plain_, other_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(Validators, AnAmendedValueIsStoredAndRecordedInHistory) {
  engine().addValidator("users", validator("result", [](sql::Tx&, const Engine&, Change& change) {
                          change.set("Result", text("OK for " + std::get<std::string>(change.get("Name"))));
                        }));
  Record ada = insert(users_, {{"Name", text("Ada")}});
  EXPECT_EQ(ada.values.at("Result"), text("OK for Ada"));
  EXPECT_EQ(record(users_, ada.id)->values.at("Result"), text("OK for Ada"));
  EXPECT_EQ(history(users_, ada.id).at(0).changes.at("Result"), std::make_pair(Value(), text("OK for Ada")));

  Record renamed = update(users_, ada.id, {{"Name", text("Grace")}});
  EXPECT_EQ(renamed.version, 2);
  EXPECT_EQ(record(users_, ada.id)->values.at("Result"), text("OK for Grace"));
  EXPECT_EQ(history(users_, ada.id).at(1).changes.at("Result"),
            std::make_pair(text("OK for Ada"), text("OK for Grace")));
}

TEST_F(Validators, ARefusalStoresNothingAndWritesNoHistory) {
  engine().addValidator("users", validator("adults_only", [](sql::Tx&, const Engine&, Change& change) {
                          const double* age = std::get_if<double>(&change.get("Age"));
                          if (age && *age < 18) throw conflict("too_young", "People under 18 cannot join.", "Age");
                        }));
  EXPECT_TRUE(throwsError(
      [&] {
        insert(users_, {{"Name", text("Kid")}, {"Age", number(12)}});
      },
      Expected{ErrorKind::kConflict, "too_young", "Age"}));
  EXPECT_EQ(total(users_), 0);

  Record adult = insert(users_, {{"Name", text("Ada")}, {"Age", number(36)}});
  EXPECT_TRUE(throwsError(
      [&] {
        update(users_, adult.id, {{"Age", number(10)}});
      },
      Expected{ErrorKind::kConflict, "too_young"}));
  Record read = record(users_, adult.id).value();
  EXPECT_EQ(read.values.at("Age"), number(36));
  EXPECT_EQ(read.version, 1);
  EXPECT_EQ(history(users_, adult.id).size(), 1u);
  // The refused insert got no id that history could show.
  Record next = insert(users_, {{"Name", text("Bob")}, {"Age", number(40)}});
  EXPECT_EQ(history(users_, next.id).size(), 1u);
}

TEST_F(Validators, ARefusalInsideALargerTransactionRollsBackTheWholeWrite) {
  engine().addValidator("users", validator("no_bob", [](sql::Tx&, const Engine&, Change& change) {
                          if (change.get("Name") == text("Bob")) throw conflict("no_bob", "No Bob.");
                        }));
  EXPECT_TRUE(throwsError(
      [&] {
        db().write([&](sql::Tx& tx) {
          engine().insert(tx, users_, {{"Name", text("Ada")}}, "ada");
          engine().insert(tx, plain_, {{"Name", text("Plain")}}, "ada");
          engine().insert(tx, users_, {{"Name", text("Bob")}}, "ada");
        });
      },
      Expected{ErrorKind::kConflict, "no_bob"}));
  EXPECT_EQ(total(users_), 0);
  EXPECT_EQ(total(plain_), 0);
}

TEST_F(Validators, ARefusedDeleteKeepsTheRecord) {
  engine().addValidator("users", validator("keep", [](sql::Tx&, const Engine&, Change& change) {
                          if (change.kind == ChangeKind::kDelete)
                            throw conflict("must_be_inactive", "Deactivate first.");
                        }));
  Record ada = insert(users_, {{"Name", text("Ada")}});
  EXPECT_TRUE(throwsError([&] { remove(users_, ada.id); }, Expected{ErrorKind::kConflict, "must_be_inactive"}));
  EXPECT_TRUE(record(users_, ada.id).has_value());
  EXPECT_EQ(history(users_, ada.id).size(), 1u);
}

TEST_F(Validators, RunInTheOrderAddedAndSeeEarlierAmendments) {
  engine().addValidator("users", logger("first"));
  engine().addValidator("users", validator("amend", [this](sql::Tx&, const Engine&, Change& change) {
                          log_.push_back("amend");
                          change.set("Result", text("step 1"));
                        }));
  engine().addValidator("users", validator("extend", [this](sql::Tx&, const Engine&, Change& change) {
                          log_.push_back("extend");
                          change.set("Result", text(std::get<std::string>(change.get("Result")) + ", step 2"));
                        }));
  engine().addValidator("users", logger("last"));
  Record ada = insert(users_, {{"Name", text("Ada")}});
  EXPECT_EQ(log_, (std::vector<std::string>{"first", "amend", "extend", "last"}));
  EXPECT_EQ(record(users_, ada.id)->values.at("Result"), text("step 1, step 2"));
}

TEST_F(Validators, ALaterValidatorDoesNotRunAfterARefusal) {
  engine().addValidator("users", validator("refuse", [this](sql::Tx&, const Engine&, Change&) {
                          log_.push_back("refuse");
                          throw Error(ErrorKind::kForbidden, "external_user", "Read-only row.");
                        }));
  engine().addValidator("users", logger("never"));
  EXPECT_TRUE(throwsError(
      [&] {
        insert(users_, {{"Name", text("Ada")}});
      },
      Expected{ErrorKind::kForbidden, "external_user"}));
  EXPECT_EQ(log_, (std::vector<std::string>{"refuse"}));
}

TEST_F(Validators, DoNotRunForTablesOfAnotherKind) {
  engine().addValidator("users", logger("users"));
  engine().addValidator(
      "users", validator("refuse", [](sql::Tx&, const Engine&, Change&) { throw conflict("refused", "Refused."); }));
  Record plain = insert(plain_, {{"Name", text("Plain")}});
  Record other = insert(other_, {{"Name", text("Other")}});
  update(other_, other.id, {{"Name", text("Other 2")}});
  remove(plain_, plain.id);
  EXPECT_TRUE(log_.empty());
  EXPECT_EQ(total(other_), 1);
  EXPECT_TRUE(throwsError([&] { insert(users_, {{"Name", text("Ada")}}); }, Expected{ErrorKind::kConflict, "refused"}));
  EXPECT_EQ(log_, (std::vector<std::string>{"users"}));
}

TEST_F(Validators, RunOnInsertUpdateAndDeleteWithTheChangeDescribed) {
  struct Seen {
    ChangeKind kind;
    Id record_id;
    int64_t version;
    std::string actor;
    std::vector<std::string> changed;
    bool writes_name;
    bool changes_name;
    Value old_name;
  };
  std::vector<Seen> seen;
  engine().addValidator(
      "users", validator("observer", [&](sql::Tx&, const Engine&, Change& change) {
        EXPECT_EQ(change.table->id, users_.id);
        EXPECT_FALSE(change.system);
        seen.push_back({change.kind, change.record_id, change.version, change.actor, change.changedFields(),
                        change.writes("Name"), change.changes("Name"), change.old("Name")});
      }));
  Record ada = insert(users_, {{"Name", text("Ada")}, {"Age", number(36)}}, "alice");
  update(users_, ada.id, {{"Name", text("Ada")}, {"Age", number(37)}}, 1, "bob");
  remove(users_, ada.id, "carol");
  ASSERT_EQ(seen.size(), 3u);

  EXPECT_EQ(seen[0].kind, ChangeKind::kInsert);
  EXPECT_EQ(seen[0].record_id, 0);
  EXPECT_EQ(seen[0].version, 0);
  EXPECT_EQ(seen[0].actor, "alice");
  EXPECT_EQ(seen[0].changed, (std::vector<std::string>{"Name", "Age"}));
  EXPECT_TRUE(seen[0].changes_name);

  EXPECT_EQ(seen[1].kind, ChangeKind::kUpdate);
  EXPECT_EQ(seen[1].record_id, ada.id);
  EXPECT_EQ(seen[1].version, 1);
  EXPECT_EQ(seen[1].actor, "bob");
  EXPECT_EQ(seen[1].changed, (std::vector<std::string>{"Age"}));
  EXPECT_TRUE(seen[1].writes_name);    // written with its current value...
  EXPECT_FALSE(seen[1].changes_name);  // ...so not changed
  EXPECT_EQ(seen[1].old_name, text("Ada"));

  EXPECT_EQ(seen[2].kind, ChangeKind::kDelete);
  EXPECT_EQ(seen[2].record_id, ada.id);
  EXPECT_EQ(seen[2].version, 2);
  EXPECT_EQ(seen[2].actor, "carol");
  EXPECT_FALSE(seen[2].writes_name);
  EXPECT_EQ(seen[2].old_name, text("Ada"));
}

TEST_F(Validators, DoNotRunForSystemInserts) {
  engine().addValidator(
      "users", validator("refuse", [](sql::Tx&, const Engine&, Change&) { throw conflict("refused", "Refused."); }));
  Record admin = db().write([&](sql::Tx& tx) {
    return engine().insertAsSystem(tx, users_, {{"Name", text("Admin")}, {"Result", text("OK")}}, "system");
  });
  EXPECT_EQ(record(users_, admin.id)->values.at("Result"), text("OK"));
}

TEST_F(Validators, SeeEarlierWritesOfTheSameTransaction) {
  engine().addValidator("users", validator("unique_name", [](sql::Tx& tx, const Engine& engine, Change& change) {
                          if (change.kind == ChangeKind::kDelete || !change.changes("Name")) return;
                          if (engine.count(tx, *change.table, {{"Name", change.get("Name")}}) > 0) {
                            throw conflict("duplicate_name", "Name taken.", "Name");
                          }
                        }));
  EXPECT_TRUE(throwsError(
      [&] {
        db().write([&](sql::Tx& tx) {
          engine().insert(tx, users_, {{"Name", text("Ada")}}, "ada");
          engine().insert(tx, users_, {{"Name", text("ADA")}}, "ada");  // sees the uncommitted Ada
        });
      },
      Expected{ErrorKind::kConflict, "duplicate_name", "Name"}));
  EXPECT_EQ(total(users_), 0);
  insert(users_, {{"Name", text("Ada")}});
  EXPECT_TRUE(throwsError(
      [&] {
        insert(users_, {{"Name", text("ada")}});
      },
      Expected{ErrorKind::kConflict, "duplicate_name"}));
  EXPECT_EQ(total(users_), 1);
}

TEST_F(Validators, TheirOwnWritesCommitAndRollBackWithTheChange) {
  db().write([](sql::Tx& tx) { tx.exec("CREATE TABLE audit (note TEXT NOT NULL)"); });
  engine().addValidator("users", validator("audit", [](sql::Tx& tx, const Engine&, Change& change) {
                          tx.run("INSERT INTO audit (note) VALUES (?1)", std::get<std::string>(change.get("Name")));
                        }));
  engine().addValidator("users", validator("no_bob", [](sql::Tx&, const Engine&, Change& change) {
                          if (change.get("Name") == text("Bob")) throw conflict("no_bob", "No Bob.");
                        }));
  auto audited = [&] {
    return db().read([](sql::Tx& tx) {
      std::vector<std::string> notes;
      sql::Query q = tx.query("SELECT note FROM audit ORDER BY rowid");
      while (q.next()) notes.push_back(q.getText(0));
      return notes;
    });
  };
  insert(users_, {{"Name", text("Ada")}});
  EXPECT_TRUE(throwsError([&] { insert(users_, {{"Name", text("Bob")}}); }, Expected{ErrorKind::kConflict, "no_bob"}));
  EXPECT_THROW(db().write([&](sql::Tx& tx) {
    engine().insert(tx, users_, {{"Name", text("Carol")}}, "ada");
    throw std::runtime_error("caller gives up");
  }),
               std::runtime_error);
  EXPECT_EQ(audited(), (std::vector<std::string>{"Ada"}));
}

TEST_F(Validators, MayWriteReadOnlyFieldsButNotBreakFieldTypes) {
  engine().addValidator("users", validator("bad_amend", [](sql::Tx&, const Engine&, Change& change) {
                          if (change.get("Name") == text("Bad")) change.set("Age", text("not a number"));
                        }));
  EXPECT_TRUE(throwsError(
      [&] {
        insert(users_, {{"Name", text("Bad")}});
      },
      Expected{ErrorKind::kInvalidValue, "invalid_value", "Age"}));
  EXPECT_EQ(total(users_), 0);
}

TEST_F(Validators, AShapeProblemNoValidatorTakesChargeOfRefusesTheChange) {
  engine().addValidator("users", logger("looks_only"));
  EXPECT_TRUE(throwsError(
      [&] {
        insert(users_, {{"Name", text("Ada")}, {"Email", text("not an email")}});
      },
      Expected{ErrorKind::kInvalidValue, "invalid_email", "Email"}));
  EXPECT_EQ(total(users_), 0);
}

TEST_F(Validators, AValidatorMayTakeChargeOfAShapeProblem) {
  engine().addValidator("users", validator("explain", [](sql::Tx&, const Engine&, Change& change) {
                          auto problem = change.problems.find("Email");
                          if (problem == change.problems.end()) return;
                          change.set("Result", text(std::string("Fix: ") + problem->second.what()));
                          change.problems.erase(problem);
                        }));
  Record ada = insert(users_, {{"Name", text("Ada")}, {"Email", text("not an email")}});
  Record read = record(users_, ada.id).value();
  EXPECT_EQ(read.values.at("Email"), text("not an email"));
  ASSERT_TRUE(std::holds_alternative<std::string>(read.values.at("Result")));
  EXPECT_EQ(std::get<std::string>(read.values.at("Result")).rfind("Fix: ", 0), 0u);
}

// Taking charge of a shape problem excuses the shape, not the type: the column of an
// email field must never hold a checkbox or a number.
TEST_F(Validators, AValidatorThatTakesChargeOfAProblemCannotStoreAWrongType) {
  engine().addValidator("users", validator("bad_fix", [](sql::Tx&, const Engine&, Change& change) {
                          if (change.problems.erase("Email") > 0) change.set("Email", Value(true));
                        }));
  EXPECT_TRUE(throwsError(
      [&] {
        insert(users_, {{"Name", text("Ada")}, {"Email", text("not an email")}});
      },
      Expected{ErrorKind::kInvalidValue, "", "Email"}));
  EXPECT_EQ(total(users_), 0);
}

TEST_F(Validators, AfterStoreWorkSeesTheNewIdAndItsFailureRollsBackTheChange) {
  std::vector<Id> stored_ids;
  engine().addValidator("users", validator("after", [&](sql::Tx&, const Engine&, Change& change) {
                          bool fail = change.get("Name") == text("Fail");
                          change.after_store.push_back([&stored_ids, fail](sql::Tx&, Id record_id) {
                            stored_ids.push_back(record_id);
                            if (fail) throw conflict("mail_failed", "Could not queue the invitation.");
                          });
                        }));
  Record ada = insert(users_, {{"Name", text("Ada")}});
  ASSERT_EQ(stored_ids.size(), 1u);
  EXPECT_EQ(stored_ids[0], ada.id);
  EXPECT_GT(ada.id, 0);

  EXPECT_TRUE(throwsError(
      [&] {
        insert(users_, {{"Name", text("Fail")}});
      },
      Expected{ErrorKind::kConflict, "mail_failed"}));
  ASSERT_EQ(stored_ids.size(), 2u);
  EXPECT_FALSE(record(users_, stored_ids[1]).has_value());
  EXPECT_TRUE(history(users_, stored_ids[1]).empty());
  EXPECT_EQ(total(users_), 1);
}

}  // namespace
}  // namespace worktable::tables
