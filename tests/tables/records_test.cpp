// Records: the change path (insert, update, delete), versions, history, and the reads
// validators use (find, count, forEach).
#include <string>
#include <vector>

#include "test_support.h"

namespace worktable::tables {
namespace {

using test::Expected;
using test::field;
using test::number;
using test::text;
using test::throwsError;

using Changes = std::map<std::string, std::pair<Value, Value>>;

class Records : public test::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (HasFatalFailure()) return;
    people_ = createTable(
        test::spec("People", {field("Name"), field("Age", FieldType::kNumber), field("External?", FieldType::kCheckbox),
                              field("Result", FieldType::kText, {}, true)}));
  }
  Table people_;
};

TEST_F(Records, InsertGivesAnIdAndVersionOne) {
  Record ada = insert(people_, {{"Name", text("Ada")}});
  EXPECT_GT(ada.id, 0);
  EXPECT_EQ(ada.version, 1);
  EXPECT_EQ(ada.values.at("Name"), text("Ada"));
  EXPECT_TRUE(isNull(ada.values.at("Age")));

  Record read = record(people_, ada.id).value();
  EXPECT_EQ(read.id, ada.id);
  EXPECT_EQ(read.version, 1);
  EXPECT_EQ(read.values.size(), people_.fields.size());
  EXPECT_EQ(read.values.at("Name"), text("Ada"));
  EXPECT_TRUE(isNull(read.values.at("External?")));

  Record grace = insert(people_, {{"Name", text("Grace")}});
  EXPECT_NE(grace.id, ada.id);
  EXPECT_EQ(grace.version, 1);
}

TEST_F(Records, InsertRecordsEveryWrittenValueInHistory) {
  Record ada = insert(people_, {{"Name", text("Ada")}, {"Age", number(36)}}, "grace");
  std::vector<HistoryEntry> entries = history(people_, ada.id);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].actor, "grace");
  EXPECT_EQ(entries[0].at.size(), 24u) << entries[0].at;  // 2026-11-24T05:12:03.123Z
  EXPECT_EQ(entries[0].at.back(), 'Z');
  EXPECT_EQ(entries[0].changes, (Changes{{"Name", {Value(), text("Ada")}}, {"Age", {Value(), number(36)}}}));
}

TEST_F(Records, UpdateBumpsVersionAndRecordsOnlyChangedFieldsInHistory) {
  Record ada = insert(people_, {{"Name", text("Ada")}, {"Age", number(36)}});
  Record updated = update(people_, ada.id, {{"Name", text("Ada")}, {"Age", number(37)}}, 1, "bob");
  EXPECT_EQ(updated.id, ada.id);
  EXPECT_EQ(updated.version, 2);
  EXPECT_EQ(updated.values.at("Age"), number(37));
  EXPECT_EQ(updated.values.at("Name"), text("Ada"));

  Record read = record(people_, ada.id).value();
  EXPECT_EQ(read.version, 2);
  EXPECT_EQ(read.values.at("Age"), number(37));

  std::vector<HistoryEntry> entries = history(people_, ada.id);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].actor, "bob");
  EXPECT_EQ(entries[1].changes, (Changes{{"Age", {number(36), number(37)}}}));
  EXPECT_LE(entries[0].at, entries[1].at);

  Record third = update(people_, ada.id, {{"Name", text("Ada L.")}, {"External?", Value(true)}});
  EXPECT_EQ(third.version, 3);
  entries = history(people_, ada.id);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[2].changes,
            (Changes{{"Name", {text("Ada"), text("Ada L.")}}, {"External?", {Value(), Value(true)}}}));
}

TEST_F(Records, UpdateThatChangesNothingKeepsVersionAndHistory) {
  Record ada = insert(people_, {{"Name", text("Ada")}});
  Record same = update(people_, ada.id, {{"Name", text("Ada")}, {"Age", Value()}});
  EXPECT_EQ(same.version, 1);
  EXPECT_EQ(record(people_, ada.id)->version, 1);
  EXPECT_EQ(history(people_, ada.id).size(), 1u);
}

TEST_F(Records, UpdateCanClearAValue) {
  Record ada = insert(people_, {{"Name", text("Ada")}, {"Age", number(36)}});
  update(people_, ada.id, {{"Age", Value()}});
  EXPECT_TRUE(isNull(record(people_, ada.id)->values.at("Age")));
  EXPECT_EQ(history(people_, ada.id).back().changes, (Changes{{"Age", {number(36), Value()}}}));
}

TEST_F(Records, StaleVersionIsAConflictAndChangesNothing) {
  Record ada = insert(people_, {{"Name", text("Ada")}});
  update(people_, ada.id, {{"Name", text("Ada L.")}}, 1);
  EXPECT_TRUE(throwsError(
      [&] {
        update(people_, ada.id, {{"Name", text("Lost write")}}, 1);
      },
      Expected{ErrorKind::kConflict, "stale_version"}));
  EXPECT_TRUE(throwsError(
      [&] {
        update(people_, ada.id, {{"Name", text("From the future")}}, 3);
      },
      Expected{ErrorKind::kConflict, "stale_version"}));
  Record read = record(people_, ada.id).value();
  EXPECT_EQ(read.values.at("Name"), text("Ada L."));
  EXPECT_EQ(read.version, 2);
  EXPECT_EQ(history(people_, ada.id).size(), 2u);

  EXPECT_EQ(update(people_, ada.id, {{"Name", text("Current")}}, 2).version, 3);
  EXPECT_EQ(update(people_, ada.id, {{"Name", text("Unversioned")}}, std::nullopt).version, 4);
}

TEST_F(Records, UnknownFieldIsAnInvalidValue) {
  EXPECT_TRUE(throwsError(
      [&] {
        insert(people_, {{"Name", text("Ada")}, {"Salary", number(1)}});
      },
      Expected{ErrorKind::kInvalidValue, "unknown_field", "Salary"}));
  EXPECT_EQ(total(people_), 0);
  Record ada = insert(people_, {{"Name", text("Ada")}});
  EXPECT_TRUE(throwsError(
      [&] {
        update(people_, ada.id, {{"Salary", number(1)}});
      },
      Expected{ErrorKind::kInvalidValue, "unknown_field", "Salary"}));
  EXPECT_EQ(record(people_, ada.id)->version, 1);
}

TEST_F(Records, ReadOnlyFieldWrittenByAPersonIsImmutable) {
  EXPECT_TRUE(throwsError(
      [&] {
        insert(people_, {{"Name", text("Ada")}, {"Result", text("OK")}});
      },
      Expected{ErrorKind::kConflict, "immutable_field", "Result"}));
  EXPECT_EQ(total(people_), 0);

  Record ada = insert(people_, {{"Name", text("Ada")}});
  EXPECT_TRUE(throwsError(
      [&] {
        update(people_, ada.id, {{"Result", text("OK")}});
      },
      Expected{ErrorKind::kConflict, "immutable_field", "Result"}));
  EXPECT_TRUE(isNull(record(people_, ada.id)->values.at("Result")));
}

TEST_F(Records, ReadOnlyFieldMayBeSentUnchanged) {
  Record ada = db().write([&](sql::Tx& tx) {
    return engine().insertAsSystem(tx, people_, {{"Name", text("Ada")}, {"Result", text("OK")}}, "system");
  });
  Record updated = update(people_, ada.id, {{"Name", text("Ada L.")}, {"Result", text("OK")}});
  EXPECT_EQ(updated.version, 2);
  EXPECT_EQ(record(people_, ada.id)->values.at("Result"), text("OK"));
}

TEST_F(Records, InsertAsSystemMayWriteReadOnlyFieldsAndKeepsHistory) {
  Record row = db().write([&](sql::Tx& tx) {
    return engine().insertAsSystem(tx, people_, {{"Name", text("Admin")}, {"Result", text("OK")}}, "system");
  });
  EXPECT_EQ(row.version, 1);
  EXPECT_EQ(record(people_, row.id)->values.at("Result"), text("OK"));
  std::vector<HistoryEntry> entries = history(people_, row.id);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].actor, "system");
  EXPECT_EQ(entries[0].changes.at("Result"), std::make_pair(Value(), text("OK")));
}

TEST_F(Records, InsertAsSystemStillChecksTypesAndFields) {
  EXPECT_TRUE(throwsError(
      [&] { db().write([&](sql::Tx& tx) {
              engine().insertAsSystem(tx, people_, {{"Age", text("x")}}, "system");
            }); },
      Expected{ErrorKind::kInvalidValue, "invalid_value", "Age"}));
  EXPECT_TRUE(throwsError(
      [&] { db().write([&](sql::Tx& tx) {
              engine().insertAsSystem(tx, people_, {{"Nope", text("x")}}, "system");
            }); },
      Expected{ErrorKind::kInvalidValue, "unknown_field", "Nope"}));
  EXPECT_EQ(total(people_), 0);
}

TEST_F(Records, DeleteRemovesTheRecordButHistoryStaysWithADeleteEntry) {
  Record ada = insert(people_, {{"Name", text("Ada")}, {"Age", number(36)}});
  update(people_, ada.id, {{"Age", number(37)}});
  remove(people_, ada.id, "carol");
  EXPECT_FALSE(record(people_, ada.id).has_value());
  EXPECT_EQ(total(people_), 0);

  std::vector<HistoryEntry> entries = history(people_, ada.id);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[2].actor, "carol");
  EXPECT_EQ(entries[2].changes, (Changes{{"Name", {text("Ada"), Value()}}, {"Age", {number(37), Value()}}}));
}

TEST_F(Records, DeletingARecordWithNoValuesStillLeavesADeleteEntry) {
  Record blank = insert(people_, {});
  remove(people_, blank.id, "carol");
  std::vector<HistoryEntry> entries = history(people_, blank.id);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().actor, "carol");
  EXPECT_TRUE(entries.back().changes.empty());
}

TEST_F(Records, IdsAreNeverReusedAfterDeletion) {
  Record first = insert(people_, {{"Name", text("A")}});
  Record second = insert(people_, {{"Name", text("B")}});
  remove(people_, second.id);
  Record third = insert(people_, {{"Name", text("C")}});
  EXPECT_GT(third.id, second.id);
  remove(people_, first.id);
  remove(people_, third.id);
  reopen();
  Record fourth = insert(people_, {{"Name", text("D")}});
  EXPECT_GT(fourth.id, third.id);
  // The deleted record's history is not mixed into the new one's.
  EXPECT_EQ(history(people_, fourth.id).size(), 1u);
  // A record saved empty leaves no history until it is deleted: its id is not given again.
  Record blank = insert(people_, {});
  EXPECT_GT(blank.id, fourth.id);
  remove(people_, blank.id);
  Record fifth = insert(people_, {{"Name", text("E")}});
  EXPECT_GT(fifth.id, blank.id);
}

// Ids come from the engine, not from AUTOINCREMENT, whose sqlite_sequence every insert
// scanned: a table made after many others paid for all of them.
TEST_F(Records, ATableKeepsNoSequenceRow) {
  Record ada = insert(people_, {{"Name", text("Ada")}});
  remove(people_, ada.id);
  insert(people_, {{"Name", text("Grace")}});
  int64_t rows = db().read([&](sql::Tx& tx) {
    sql::Query q = tx.query("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'");
    q.next();
    if (q.getInt(0) == 0) return int64_t{0};
    sql::Query rows = tx.query("SELECT count(*) FROM sqlite_sequence WHERE name = ?1", "t" + std::to_string(people_.id));
    rows.next();
    return rows.getInt(0);
  });
  EXPECT_EQ(rows, 0);
}

// A table made when tables had AUTOINCREMENT: the engine's ids follow its own.
TEST_F(Records, ATableMadeWithAutoincrementKeepsGivingNewIds) {
  std::string name = "\"t" + std::to_string(people_.id) + "\"";
  std::string columns;
  for (const Field& f : people_.fields) columns += ", \"f" + std::to_string(f.id) + "\" TEXT";
  db().write([&](sql::Tx& tx) {
    tx.exec("DROP TABLE " + name + "; CREATE TABLE " + name +
            " (id INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER NOT NULL" + columns + ")");
    tx.exec("INSERT INTO " + name + " (id, version) VALUES (40, 1)");
    tx.exec("DELETE FROM " + name);  // sqlite_sequence remembers 40; nothing else does
  });
  Record first = insert(people_, {{"Name", text("A")}});
  EXPECT_GT(first.id, 0);
  Record second = insert(people_, {{"Name", text("B")}});
  EXPECT_EQ(second.id, first.id + 1);
  remove(people_, second.id);
  Record third = insert(people_, {{"Name", text("C")}});
  EXPECT_GT(third.id, second.id);
  EXPECT_EQ(record(people_, third.id)->values.at("Name"), text("C"));
}

TEST_F(Records, MissingRecordIsNotFound) {
  EXPECT_TRUE(throwsError([&] { update(people_, 42, {{"Name", text("X")}}); }, Expected{ErrorKind::kNotFound}));
  EXPECT_TRUE(throwsError([&] { remove(people_, 42); }, Expected{ErrorKind::kNotFound}));
  Record ada = insert(people_, {{"Name", text("Ada")}});
  remove(people_, ada.id);
  EXPECT_TRUE(throwsError([&] { remove(people_, ada.id); }, Expected{ErrorKind::kNotFound}));
  EXPECT_TRUE(throwsError([&] { update(people_, ada.id, {{"Name", text("Back")}}); }, Expected{ErrorKind::kNotFound}));
  EXPECT_FALSE(record(people_, 42).has_value());
  EXPECT_TRUE(history(people_, 42).empty());
}

TEST_F(Records, HistoryIsKeptPerTable) {
  Table other = createTable(test::spec("Other", {field("Name")}));
  Record a = insert(people_, {{"Name", text("In people")}});
  Record b = insert(other, {{"Name", text("In other")}});
  ASSERT_EQ(a.id, b.id);  // both tables start at 1
  EXPECT_EQ(history(people_, a.id).at(0).changes.at("Name").second, text("In people"));
  EXPECT_EQ(history(other, b.id).at(0).changes.at("Name").second, text("In other"));
  EXPECT_EQ(history(other, b.id).size(), 1u);
}

TEST_F(Records, NumbersRoundTripExactlyThroughStorageAndHistory) {
  for (double value : {1.0 / 3.0, 0.1 + 0.2, 123456789.123456789, -1e-300, 2.0, 1e21}) {
    Record row = insert(people_, {{"Age", number(value)}});
    EXPECT_EQ(record(people_, row.id)->values.at("Age"), number(value));
    std::vector<HistoryEntry> entries = history(people_, row.id);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].changes.at("Age").second, number(value)) << "value " << Engine::formatValue(number(value));
  }
}

TEST_F(Records, TextWithQuotesControlCharactersAndUnicodeRoundTripsThroughHistory) {
  std::string tricky = "\"quoted\" back\\slash\ttab\nnewline Prénom ✓ 名前 😀 </script>";
  Record row = insert(people_, {{"Name", text(tricky)}});
  EXPECT_EQ(record(people_, row.id)->values.at("Name"), text(tricky));
  EXPECT_EQ(history(people_, row.id).at(0).changes.at("Name").second, text(tricky));
}

TEST_F(Records, CheckboxesRoundTripThroughHistory) {
  Record row = insert(people_, {{"External?", Value(false)}});
  update(people_, row.id, {{"External?", Value(true)}});
  std::vector<HistoryEntry> entries = history(people_, row.id);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].changes.at("External?"), std::make_pair(Value(), Value(false)));
  EXPECT_EQ(entries[1].changes.at("External?"), std::make_pair(Value(false), Value(true)));
}

TEST_F(Records, FindAndCountIgnoreCaseForText) {
  insert(people_, {{"Name", text("Ada")}, {"Age", number(36)}});
  insert(people_, {{"Name", text("ADA")}, {"Age", number(40)}});
  insert(people_, {{"Name", text("Grace")}, {"Age", number(36)}});
  db().read([&](sql::Tx& tx) {
    std::vector<Record> found = engine().find(tx, people_, "Name", text("ada"));
    ASSERT_EQ(found.size(), 2u);
    EXPECT_LT(found[0].id, found[1].id);
    EXPECT_EQ(engine().find(tx, people_, "Age", number(36)).size(), 2u);
    EXPECT_TRUE(engine().find(tx, people_, "Name", text("Ad")).empty());
    EXPECT_EQ(engine().count(tx, people_, {{"Name", text("aDa")}}), 2);
    EXPECT_EQ(engine().count(tx, people_, {{"Name", text("ada")}, {"Age", number(36)}}), 1);
    EXPECT_EQ(engine().count(tx, people_, {}), 3);
    EXPECT_TRUE(throwsError([&] { engine().find(tx, people_, "Nope", text("x")); }, Expected{ErrorKind::kNotFound}));
  });
}

TEST_F(Records, ForEachVisitsEveryRecordInIdOrder) {
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(insert(people_, {{"Age", number(5 - i)}}).id);
  remove(people_, ids[2]);
  ids.erase(ids.begin() + 2);
  std::vector<Id> seen;
  db().read([&](sql::Tx& tx) { engine().forEach(tx, people_, [&](const Record& r) { seen.push_back(r.id); }); });
  EXPECT_EQ(seen, ids);
}

// Text from a Latin-1 CSV file is not UTF-8. The engine may refuse it, but once stored,
// the record's history must stay readable.
TEST_F(Records, HistoryStaysReadableWhateverBytesATextHolds) {
  std::string latin1 = "Caf\xE9";
  std::optional<Record> row;
  try {
    row = insert(people_, {{"Name", text(latin1)}});
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidValue) << error.what();
    EXPECT_EQ(total(people_), 0);
    return;
  }
  std::vector<HistoryEntry> entries;
  try {
    entries = history(people_, row->id);
  } catch (const std::exception& e) {
    FAIL() << "history of a record holding non-UTF-8 text cannot be read: " << e.what();
  }
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].changes.at("Name").second, text(latin1));
}

}  // namespace
}  // namespace worktable::tables
