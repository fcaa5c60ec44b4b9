// A field's column gets its index on first use (the server indexes a field before its
// first sort, an import its key), not when the field is made: each index is paid at every
// write of the field.
#include <string>
#include <vector>

#include "test_support.h"

namespace worktable::tables {
namespace {

using test::field;
using test::number;
using test::text;

class Indexes : public test::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (HasFatalFailure()) return;
    items_ = createTable(test::spec("Items", {field("Name"), field("Score", FieldType::kNumber)}));
    for (int i = 0; i < 50; ++i) {
      insert(items_, {{"Name", text("item-" + std::to_string((i * 7) % 50))}, {"Score", number(i % 5)}});
    }
  }

  // The indexes SQLite holds on the table's columns, by name.
  std::vector<std::string> columnIndexes() {
    return db().read([&](sql::Tx& tx) {
      std::vector<std::string> names;
      sql::Query q = tx.query(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY name",
          "t" + std::to_string(items_.id));
      while (q.next()) names.push_back(q.getText(0));
      return names;
    });
  }

  std::string indexName(const std::string& name) {
    return "t" + std::to_string(items_.id) + "_f" + std::to_string(items_.field(name)->id);
  }

  Table items_;
};

TEST_F(Indexes, AFieldIsMadeWithoutOne) {
  EXPECT_TRUE(columnIndexes().empty());
  for (const Field& f : reload(items_).fields) EXPECT_FALSE(f.indexed) << f.name;
  RecordQuery query;
  query.sort = "Name";
  EXPECT_TRUE(Engine::needsIndex(items_, query));
  query.sort = "";
  EXPECT_FALSE(Engine::needsIndex(items_, query));
}

TEST_F(Indexes, AQueryThatWouldBeRefusedIsRefusedBeforeAnyIndex) {
  RecordQuery query;
  query.sort = "No such field";
  EXPECT_TRUE(test::throwsError([&] { Engine::needsIndex(items_, query); }, test::Expected{ErrorKind::kBadRequest}));
  query.sort = "Name";
  query.limit = 1001;
  EXPECT_TRUE(test::throwsError([&] { Engine::needsIndex(items_, query); }, test::Expected{ErrorKind::kBadRequest}));
  query.limit = 10;
  query.offset = -1;
  EXPECT_TRUE(test::throwsError([&] { Engine::needsIndex(items_, query); }, test::Expected{ErrorKind::kBadRequest}));
}

TEST_F(Indexes, SortingWithoutOneStillSortsAndMakesNone) {
  RecordQuery query;
  query.sort = "Name";
  query.limit = 1000;
  RecordPage page = records(items_, query);
  ASSERT_EQ(page.records.size(), 50u);
  for (size_t i = 1; i < page.records.size(); ++i) {
    EXPECT_LT(std::get<std::string>(page.records[i - 1].values.at("Name")),
              std::get<std::string>(page.records[i].values.at("Name")));
  }
  EXPECT_TRUE(columnIndexes().empty()) << "a read does not write";
}

TEST_F(Indexes, IndexMakesOneOnceAndTheTableKnows) {
  EXPECT_TRUE(db().write([&](sql::Tx& tx) { return engine().index(tx, items_, "Score"); }));
  EXPECT_EQ(columnIndexes(), std::vector<std::string>{indexName("Score")});
  Table loaded = reload(items_);
  EXPECT_TRUE(loaded.field("Score")->indexed);
  EXPECT_FALSE(loaded.field("Name")->indexed);
  RecordQuery query;
  query.sort = "Score";
  EXPECT_FALSE(Engine::needsIndex(loaded, query));
  // The stale copy asks again, and the stored flag answers.
  EXPECT_FALSE(db().write([&](sql::Tx& tx) { return engine().index(tx, items_, "Score"); }));
  EXPECT_EQ(columnIndexes().size(), 1u);
  reopen();
  EXPECT_TRUE(reload(items_).field("Score")->indexed);
}

TEST_F(Indexes, SortingByTheIndexGivesTheSameOrder) {
  RecordQuery query;
  query.sort = "Score";
  query.desc = true;
  query.limit = 1000;
  RecordPage before = records(items_, query);
  db().write([&](sql::Tx& tx) { engine().index(tx, items_, "Score"); });
  RecordPage after = records(reload(items_), query);
  ASSERT_EQ(before.records.size(), after.records.size());
  for (size_t i = 0; i < before.records.size(); ++i) EXPECT_EQ(before.records[i].id, after.records[i].id) << i;
}

// A look-up never writes (it may run in a read transaction, beside other writers): it
// reads the whole table until someone indexes the field, and finds the same either way.
TEST_F(Indexes, LookingUpByAFieldWorksWithOrWithoutItsIndexAndMakesNone) {
  auto lookUp = [&](const Table& table) {
    return db().read([&](sql::Tx& tx) {
      std::vector<Record> found = engine().find(tx, table, "Name", text("ITEM-14"));
      int64_t count = engine().count(tx, table, {{"Score", number(3)}});
      return std::make_pair(found.size() == 1 ? found[0].id : Id{0}, count);
    });
  };
  auto without = lookUp(items_);
  EXPECT_NE(without.first, 0);
  EXPECT_EQ(without.second, 10);
  EXPECT_TRUE(columnIndexes().empty());
  db().write([&](sql::Tx& tx) {
    engine().index(tx, items_, "Name");
    engine().index(tx, items_, "Score");
  });
  EXPECT_EQ(lookUp(reload(items_)), without);
  EXPECT_EQ(columnIndexes().size(), 2u);
}

TEST_F(Indexes, AnIndexRolledBackWithItsWriteIsMadeAgain) {
  EXPECT_ANY_THROW(db().write([&](sql::Tx& tx) {
    engine().index(tx, items_, "Name");
    throw std::runtime_error("the rest of the write failed");
  }));
  EXPECT_TRUE(columnIndexes().empty());
  EXPECT_FALSE(reload(items_).field("Name")->indexed);
  EXPECT_TRUE(db().write([&](sql::Tx& tx) { return engine().index(tx, items_, "Name"); }));
  EXPECT_EQ(columnIndexes(), std::vector<std::string>{indexName("Name")});
}

TEST_F(Indexes, AnUnknownFieldIsNotFound) {
  EXPECT_TRUE(test::throwsError([&] { db().write([&](sql::Tx& tx) { engine().index(tx, items_, "Price"); }); },
                                test::Expected{ErrorKind::kNotFound}));
}

}  // namespace
}  // namespace worktable::tables
