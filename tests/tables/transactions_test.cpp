// Transactions: a write commits whole or not at all; a savepoint undoes only its own writes.
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.h"

namespace worktable::tables {
namespace {

using test::Expected;
using test::field;
using test::text;
using test::throwsError;

class Transactions : public test::PeopleTest {
 protected:
  int64_t tableCount() {
    return static_cast<int64_t>(db().read([&](sql::Tx& tx) { return engine().tables(tx, workspace_id_); }).size());
  }
};

TEST_F(Transactions, AThrowingFunctionInsideWriteLeavesNothingStored) {
  Id inserted = 0;
  EXPECT_THROW(db().write([&](sql::Tx& tx) {
    inserted = engine().insert(tx, people_, {{"Name", text("Ada")}}, "ada").id;
    engine().insert(tx, people_, {{"Name", text("Grace")}}, "ada");
    Table extra = engine().createTable(tx, workspace_id_, test::spec("Extra", {field("X")}));
    engine().insert(tx, extra, {{"X", text("y")}}, "ada");
    engine().addField(tx, people_.id, field("Email", FieldType::kEmail));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_GT(inserted, 0);
  EXPECT_EQ(total(people_), 0);
  EXPECT_FALSE(record(people_, inserted).has_value());
  EXPECT_TRUE(history(people_, inserted).empty());
  EXPECT_EQ(tableCount(), 1);
  EXPECT_EQ(reload(people_).fields.size(), 2u);
}

TEST_F(Transactions, AnEngineErrorRollsBackEarlierWritesOfTheSameTransaction) {
  EXPECT_TRUE(throwsError(
      [&] {
        db().write([&](sql::Tx& tx) {
          engine().insert(tx, people_, {{"Name", text("Ada")}}, "ada");
          engine().insert(tx, people_, {{"Age", text("not a number")}}, "ada");
        });
      },
      Expected{ErrorKind::kInvalidValue, "invalid_value", "Age"}));
  EXPECT_EQ(total(people_), 0);
}

TEST_F(Transactions, AFailedWriteDoesNotSpoilTheNextOne) {
  EXPECT_THROW(db().write([&](sql::Tx& tx) {
    engine().insert(tx, people_, {{"Name", text("Lost")}}, "ada");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  Record kept = insert(people_, {{"Name", text("Kept")}});
  EXPECT_EQ(total(people_), 1);
  EXPECT_EQ(record(people_, kept.id)->values.at("Name"), text("Kept"));
}

TEST_F(Transactions, SavepointUndoesOnlyItsOwnWrites) {
  Record ada = insert(people_, {{"Name", text("Ada")}});
  Id inside = 0;
  Id after = db().write([&](sql::Tx& tx) {
    Id before = engine().insert(tx, people_, {{"Name", text("Before")}}, "ada").id;
    EXPECT_THROW(tx.savepoint([&] {
      inside = engine().insert(tx, people_, {{"Name", text("Inside")}}, "ada").id;
      engine().update(tx, people_, ada.id, {{"Name", text("Changed inside")}}, std::nullopt, "ada");
      engine().remove(tx, people_, before, "ada");
      throw std::runtime_error("undo the savepoint");
    }),
                 std::runtime_error);
    return engine().insert(tx, people_, {{"Name", text("After")}}, "ada").id;
  });
  std::vector<std::string> names;
  for (const Record& r : records(people_).records) names.push_back(std::get<std::string>(r.values.at("Name")));
  EXPECT_EQ(names, (std::vector<std::string>{"Ada", "Before", "After"}));
  Record read = record(people_, ada.id).value();
  EXPECT_EQ(read.values.at("Name"), text("Ada"));
  EXPECT_EQ(read.version, 1);
  EXPECT_EQ(history(people_, ada.id).size(), 1u);
  // The undone insert left no trace: its id went to the next insert, whose history is its own.
  EXPECT_GT(inside, 0);
  std::vector<HistoryEntry> entries = history(people_, after);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].changes.at("Name").second, text("After"));
}

TEST_F(Transactions, SavepointThatSucceedsKeepsItsWritesAndReturnsItsValue) {
  Id id = db().write([&](sql::Tx& tx) {
    return tx.savepoint([&] { return engine().insert(tx, people_, {{"Name", text("Kept")}}, "ada").id; });
  });
  EXPECT_EQ(record(people_, id)->values.at("Name"), text("Kept"));
}

TEST_F(Transactions, NestedSavepointRollsBackOnlyTheInnerOne) {
  db().write([&](sql::Tx& tx) {
    tx.savepoint([&] {
      engine().insert(tx, people_, {{"Name", text("Outer")}}, "ada");
      EXPECT_THROW(tx.savepoint([&] {
        engine().insert(tx, people_, {{"Name", text("Inner")}}, "ada");
        throw std::runtime_error("inner");
      }),
                   std::runtime_error);
      engine().insert(tx, people_, {{"Name", text("Outer again")}}, "ada");
    });
  });
  RecordQuery query;
  query.search = "Inner";
  EXPECT_EQ(records(people_, query).total, 0);
  EXPECT_EQ(total(people_), 2);
}

TEST_F(Transactions, ASavepointRolledBackRunsTheUndoRegisteredInsideItLastFirst) {
  std::vector<std::string> undone;
  auto keep = [&](sql::Tx& tx, const std::string& what) { tx.onRollback([&undone, what] { undone.push_back(what); }); };
  db().write([&](sql::Tx& tx) {
    keep(tx, "outside any savepoint");
    tx.savepoint([&] {
      keep(tx, "kept");
      EXPECT_THROW(tx.savepoint([&] {
        keep(tx, "inner");
        throw std::runtime_error("inner");
      }),
                   std::runtime_error);
    });
    EXPECT_EQ(undone, (std::vector<std::string>{"inner"}));
    EXPECT_THROW(tx.savepoint([&] {
      keep(tx, "outer");
      tx.savepoint([&] { keep(tx, "released inside"); });
      throw std::runtime_error("outer");
    }),
                 std::runtime_error);
  });
  EXPECT_EQ(undone, (std::vector<std::string>{"inner", "released inside", "outer"}))
      << "a released savepoint's undo passes to the one around it; none runs for a savepoint kept";
}

TEST_F(Transactions, ReadersDoNotSeeAWriteUntilItCommits) {
  db().write([&](sql::Tx& tx) {
    engine().insert(tx, people_, {{"Name", text("Pending")}}, "ada");
    EXPECT_EQ(engine().records(tx, people_, {}).total, 1);  // the writer sees its own write
    EXPECT_EQ(total(people_), 0);                           // a reader does not, yet
  });
  EXPECT_EQ(total(people_), 1);
}

// Caches learn only from committed state: a transaction knows when it holds writes that a
// rollback could still take away.
TEST_F(Transactions, AWriteKnowsWhenItHoldsRowsNotCommittedYet) {
  db().read([&](sql::Tx& tx) {
    engine().records(tx, people_, {});
    EXPECT_FALSE(tx.hasPendingWrites());
  });
  db().write([&](sql::Tx& tx) {
    EXPECT_FALSE(tx.hasPendingWrites());
    engine().records(tx, people_, {});
    tx.run("UPDATE fields SET name = name WHERE id = -1");
    EXPECT_FALSE(tx.hasPendingWrites()) << "read, and changed no row";
    engine().insert(tx, people_, {{"Name", text("Pending")}}, "ada");
    EXPECT_TRUE(tx.hasPendingWrites());
  });
  db().write([&](sql::Tx& tx) { EXPECT_FALSE(tx.hasPendingWrites()) << "the last one is committed"; });
  EXPECT_THROW(db().write([&](sql::Tx& tx) {
    engine().insert(tx, people_, {{"Name", text("Lost")}}, "ada");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  db().write([&](sql::Tx& tx) { EXPECT_FALSE(tx.hasPendingWrites()) << "the last one is rolled back"; });
}

}  // namespace
}  // namespace worktable::tables
