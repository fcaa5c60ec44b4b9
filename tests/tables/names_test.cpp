// Names people choose never reach SQL text: tables and fields named with quotes,
// semicolons, SQL, Unicode and spaces work like any other.
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

const std::string kInjection = "\"; DROP TABLE x; --";
const std::string kPrenom = "Prénom ✓";
const std::string kNamae = "名前";
const std::string kQuotes = "O'Brien's \"nick\" name";
const std::string kSemicolon = "a;b";
const std::string kSpaces = "with  inner spaces";
const std::string kBrackets = "[f1] `f2` \\ back";
const std::string kScore = "Score'); DELETE FROM fields; --";

class OddNames : public test::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (HasFatalFailure()) return;
    // A table really called x, which the injection name would drop if it reached SQL.
    db().write([](sql::Tx& tx) { tx.exec("CREATE TABLE x (a TEXT); INSERT INTO x VALUES ('still here')"); });
    odd_ = createTable(
        test::spec(kInjection, {field(kPrenom), field(kNamae), field(kQuotes), field(kSemicolon), field(kSpaces),
                                field(kBrackets), field(kScore, FieldType::kNumber), field(kInjection)}));
    insert(odd_, {{kPrenom, text("Élodie")},
                  {kNamae, text("山田")},
                  {kQuotes, text("b")},
                  {kScore, number(2)},
                  {kInjection, text("1")}});
    insert(odd_, {{kPrenom, text("Zoé")},
                  {kNamae, text("田中")},
                  {kQuotes, text("a")},
                  {kScore, number(3)},
                  {kInjection, text("3")}});
    insert(odd_, {{kPrenom, text("Anaïs")},
                  {kNamae, text("佐藤")},
                  {kQuotes, text("c")},
                  {kScore, number(1)},
                  {kInjection, text("2")}});
  }

  std::vector<std::string> sortedBy(const std::string& sort, const std::string& show, bool desc = false) {
    RecordQuery query;
    query.sort = sort;
    query.desc = desc;
    std::vector<std::string> result;
    for (const Record& r : records(odd_, query).records) result.push_back(std::get<std::string>(r.values.at(show)));
    return result;
  }

  bool xStillThere() {
    return db().read([](sql::Tx& tx) {
      sql::Query q = tx.query("SELECT a FROM x");
      return q.next() && q.getText(0) == "still here";
    });
  }

  Table odd_;
};

using Strings = std::vector<std::string>;

TEST_F(OddNames, TableAndFieldNamesReadBackExactly) {
  Table loaded = reload(odd_);
  EXPECT_EQ(loaded.name, kInjection);
  Strings names;
  for (const Field& f : loaded.fields) names.push_back(f.name);
  EXPECT_EQ(names, (Strings{kPrenom, kNamae, kQuotes, kSemicolon, kSpaces, kBrackets, kScore, kInjection}));
  EXPECT_TRUE(xStillThere());
  std::vector<Table> all = db().read([&](sql::Tx& tx) { return engine().tables(tx, workspace_id_); });
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, kInjection);
}

TEST_F(OddNames, RecordsAreWrittenAndReadByOddFieldNames) {
  Record r = insert(odd_, {{kSemicolon, text("semi")}, {kSpaces, text("space")}, {kBrackets, text("brackets")}});
  Record read = record(odd_, r.id).value();
  EXPECT_EQ(read.values.at(kSemicolon), text("semi"));
  EXPECT_EQ(read.values.at(kSpaces), text("space"));
  EXPECT_EQ(read.values.at(kBrackets), text("brackets"));
  EXPECT_TRUE(isNull(read.values.at(kPrenom)));

  Record updated = update(odd_, r.id, {{kInjection, text("'; DROP TABLE x; --")}});
  EXPECT_EQ(updated.version, 2);
  EXPECT_EQ(record(odd_, r.id)->values.at(kInjection), text("'; DROP TABLE x; --"));
  EXPECT_TRUE(xStillThere());
}

TEST_F(OddNames, SortingByOddFieldNamesWorks) {
  EXPECT_EQ(sortedBy(kQuotes, kQuotes), (Strings{"a", "b", "c"}));
  EXPECT_EQ(sortedBy(kQuotes, kQuotes, true), (Strings{"c", "b", "a"}));
  EXPECT_EQ(sortedBy(kScore, kPrenom), (Strings{"Anaïs", "Élodie", "Zoé"}));
  EXPECT_EQ(sortedBy(kInjection, kNamae), (Strings{"山田", "佐藤", "田中"}));
  EXPECT_EQ(sortedBy(kNamae, kNamae, true).size(), 3u);
  EXPECT_EQ(sortedBy(kPrenom, kPrenom).front(), "Anaïs");
  EXPECT_TRUE(throwsError([&] { sortedBy("prénom ✓", kPrenom); }, Expected{ErrorKind::kBadRequest}));
}

TEST_F(OddNames, SearchFindsUnicodeAndSqlLookingText) {
  RecordQuery query;
  query.search = "田中";
  RecordPage page = records(odd_, query);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.records[0].values.at(kPrenom), text("Zoé"));

  query.search = "ïs";
  EXPECT_EQ(records(odd_, query).total, 1);

  Record sql = insert(odd_, {{kQuotes, text("x'); DROP TABLE x; --")}});
  query.search = "'); DROP";
  page = records(odd_, query);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.records[0].id, sql.id);
  EXPECT_TRUE(xStillThere());
}

TEST_F(OddNames, HistoryKeepsOddFieldNames) {
  Record r = insert(odd_, {{kPrenom, text("Ada")}, {kInjection, text("v")}, {kBrackets, text("w")}});
  update(odd_, r.id, {{kNamae, text("エイダ")}});
  std::vector<HistoryEntry> entries = history(odd_, r.id);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].changes.at(kPrenom).second, text("Ada"));
  EXPECT_EQ(entries[0].changes.at(kInjection).second, text("v"));
  EXPECT_EQ(entries[0].changes.at(kBrackets).second, text("w"));
  EXPECT_EQ(entries[1].changes.size(), 1u);
  EXPECT_EQ(entries[1].changes.at(kNamae), std::make_pair(Value(), text("エイダ")));
}

TEST_F(OddNames, FindAndCountWorkWithOddFieldNames) {
  db().read([&](sql::Tx& tx) {
    EXPECT_EQ(engine().find(tx, odd_, kNamae, text("田中")).size(), 1u);
    EXPECT_EQ(engine().count(tx, odd_, {{kScore, number(3)}, {kQuotes, text("A")}}), 1);
  });
}

TEST_F(OddNames, UnicodeNamesAreDuplicatesOnlyWhenEqual) {
  EXPECT_TRUE(
      throwsError([&] { createTable(test::spec(kInjection, {})); }, Expected{ErrorKind::kConflict, "duplicate_name"}));
  EXPECT_TRUE(throwsError(
      [&] { db().write([&](sql::Tx& tx) { engine().addField(tx, odd_.id, field(kNamae, FieldType::kNumber)); }); },
      Expected{ErrorKind::kConflict, "duplicate_name"}));
  EXPECT_NO_THROW(createTable(test::spec("名前 2", {field(kPrenom), field("Prenom")})));
}

TEST_F(OddNames, AnotherTableWithOddNamesKeepsItsOwnData) {
  Table second = createTable(test::spec("'; --", {field(kInjection), field(kPrenom)}));
  Record r = insert(second, {{kInjection, text("second table")}});
  EXPECT_EQ(record(second, r.id)->values.at(kInjection), text("second table"));
  EXPECT_EQ(total(odd_), 3);
  EXPECT_EQ(total(second), 1);
}

}  // namespace
}  // namespace worktable::tables
