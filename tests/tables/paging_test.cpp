// Reading records a page at a time: sort, offset/limit, total and search.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
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

constexpr int kCount = 1000;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// 1,000 records inserted in a scrambled order: record i holds key k = 7i mod 1000 (a
// permutation), Name "item-<k>" (every third in capitals) and Score (13k mod 1000) / 4.
class Paging : public test::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (HasFatalFailure()) return;
    items_ = createTable(test::spec("Items", {field("Name"), field("Score", FieldType::kNumber)}));
    db().write([&](sql::Tx& tx) {
      for (int i = 0; i < kCount; ++i) {
        int k = (i * 7) % kCount;
        char name[16];
        std::snprintf(name, sizeof name, k % 3 == 0 ? "ITEM-%03d" : "item-%03d", k);
        ids_.push_back(
            engine()
                .insert(tx, items_, {{"Name", text(name)}, {"Score", number(((k * 13) % kCount) / 4.0)}}, "loader")
                .id);
      }
    });
  }

  RecordPage page(const std::string& sort, bool desc, int64_t offset, int64_t limit, const std::string& search = {}) {
    RecordQuery query;
    query.sort = sort;
    query.desc = desc;
    query.offset = offset;
    query.limit = limit;
    query.search = search;
    return records(items_, query);
  }

  static std::string nameOf(const Record& r) { return std::get<std::string>(r.values.at("Name")); }
  static double scoreOf(const Record& r) { return std::get<double>(r.values.at("Score")); }

  Table items_;
  std::vector<Id> ids_;
};

TEST_F(Paging, SortsByTextAscendingIgnoringCase) {
  RecordPage all = page("Name", false, 0, 1000);
  EXPECT_EQ(all.total, kCount);
  ASSERT_EQ(all.records.size(), 1000u);
  for (size_t i = 0; i < all.records.size(); ++i) {
    char expected[32];
    std::snprintf(expected, sizeof expected, "item-%03zu", i);
    ASSERT_EQ(lower(nameOf(all.records[i])), expected) << "at position " << i;
  }
}

TEST_F(Paging, SortsByTextDescending) {
  RecordPage all = page("Name", true, 0, 1000);
  ASSERT_EQ(all.records.size(), 1000u);
  EXPECT_EQ(nameOf(all.records.front()), "ITEM-999");
  EXPECT_EQ(nameOf(all.records.back()), "ITEM-000");
  for (size_t i = 1; i < all.records.size(); ++i) {
    ASSERT_GT(lower(nameOf(all.records[i - 1])), lower(nameOf(all.records[i]))) << "at position " << i;
  }
}

TEST_F(Paging, SortsByNumberAscendingAndDescending) {
  RecordPage up = page("Score", false, 0, 1000);
  RecordPage down = page("Score", true, 0, 1000);
  ASSERT_EQ(up.records.size(), 1000u);
  ASSERT_EQ(down.records.size(), 1000u);
  EXPECT_EQ(scoreOf(up.records.front()), 0.0);
  EXPECT_EQ(scoreOf(up.records.back()), 249.75);
  for (size_t i = 1; i < up.records.size(); ++i) {
    ASSERT_LT(scoreOf(up.records[i - 1]), scoreOf(up.records[i])) << "at position " << i;
    ASSERT_GT(scoreOf(down.records[i - 1]), scoreOf(down.records[i])) << "at position " << i;
  }
  // Numbers sort as numbers, not as text ("100" after "99").
  RecordPage first = page("Score", false, 396, 2);
  EXPECT_EQ(scoreOf(first.records[0]), 99.0);
  EXPECT_EQ(scoreOf(first.records[1]), 99.25);
}

TEST_F(Paging, OffsetAndLimitWalkThePagesWithoutGapsOrRepeats) {
  std::vector<Id> sorted;
  for (const Record& r : page("Score", false, 0, 1000).records) sorted.push_back(r.id);
  for (int64_t size : {100, 333, 1}) {
    std::vector<Id> walked;
    for (int64_t offset = 0; offset < kCount; offset += size) {
      RecordPage p = page("Score", false, offset, size);
      EXPECT_EQ(p.total, kCount);
      EXPECT_EQ(p.records.size(), static_cast<size_t>(std::min<int64_t>(size, kCount - offset)));
      for (const Record& r : p.records) walked.push_back(r.id);
    }
    EXPECT_EQ(walked, sorted) << "page size " << size;
  }
  RecordPage past = page("Score", false, 5000, 10);
  EXPECT_EQ(past.total, kCount);
  EXPECT_TRUE(past.records.empty());
}

TEST_F(Paging, DefaultOrderIsInsertionOrder) {
  RecordPage first = page("", false, 0, 100);
  EXPECT_EQ(first.total, kCount);
  ASSERT_EQ(first.records.size(), 100u);
  for (size_t i = 0; i < 100; ++i) EXPECT_EQ(first.records[i].id, ids_[i]);
  RecordPage last = page("", true, 0, 3);
  ASSERT_EQ(last.records.size(), 3u);
  EXPECT_EQ(last.records[0].id, ids_[999]);
  EXPECT_EQ(last.records[2].id, ids_[997]);
  RecordPage defaults = records(items_);
  EXPECT_EQ(defaults.records.size(), 100u);  // limit defaults to 100
}

TEST_F(Paging, LimitOutside1To1000IsABadRequest) {
  for (int64_t limit : {0, -1, 1001, 1000000}) {
    EXPECT_TRUE(throwsError([&] { page("", false, 0, limit); }, Expected{ErrorKind::kBadRequest})) << limit;
  }
  EXPECT_EQ(page("", false, 0, 1).records.size(), 1u);
  EXPECT_EQ(page("", false, 0, 1000).records.size(), 1000u);
  EXPECT_TRUE(throwsError([&] { page("", false, -1, 10); }, Expected{ErrorKind::kBadRequest}));
}

TEST_F(Paging, UnknownSortFieldIsABadRequest) {
  EXPECT_TRUE(throwsError([&] { page("Price", false, 0, 10); }, Expected{ErrorKind::kBadRequest}));
  EXPECT_TRUE(throwsError([&] { page("id; DROP TABLE x", false, 0, 10); }, Expected{ErrorKind::kBadRequest}));
}

TEST_F(Paging, SearchIgnoresCaseAndTotalCountsOnlyMatches) {
  RecordPage found = page("Name", false, 0, 5, "Item-01");
  EXPECT_EQ(found.total, 10);  // item-010 .. item-019, some in capitals
  ASSERT_EQ(found.records.size(), 5u);
  EXPECT_EQ(lower(nameOf(found.records[0])), "item-010");
  EXPECT_EQ(lower(nameOf(found.records[4])), "item-014");
  RecordPage rest = page("Name", false, 5, 5, "iTEM-01");
  ASSERT_EQ(rest.records.size(), 5u);
  EXPECT_EQ(lower(nameOf(rest.records[4])), "item-019");
  EXPECT_EQ(page("", false, 0, 10, "ITEM-").total, kCount);
  EXPECT_EQ(page("", false, 0, 10, "nothing like this").total, 0);
}

TEST_F(Paging, SearchLooksInNumberFields) {
  RecordPage found = page("", false, 0, 10, "249.75");
  ASSERT_EQ(found.total, 1);
  EXPECT_EQ(scoreOf(found.records[0]), 249.75);
}

class Search : public test::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (HasFatalFailure()) return;
    notes_ = createTable(test::spec("Notes", {field("Note"), field("Done", FieldType::kCheckbox)}));
    for (const char* note :
         {"100% sure", "1000 sure", "a_b", "axb", "back\\slash", "backslash", "Mixed CASE", "O'Brien", "say \"hi\""}) {
      insert(notes_, {{"Note", text(note)}, {"Done", Value(true)}});
    }
  }

  std::vector<std::string> matches(const std::string& search) {
    RecordQuery query;
    query.search = search;
    query.sort = "Note";
    RecordPage p = records(notes_, query);
    std::vector<std::string> notes;
    for (const Record& r : p.records) notes.push_back(std::get<std::string>(r.values.at("Note")));
    EXPECT_EQ(p.total, static_cast<int64_t>(notes.size())) << search;
    return notes;
  }

  Table notes_;
};

using Notes = std::vector<std::string>;

TEST_F(Search, TreatsPercentLiterally) {
  EXPECT_EQ(matches("%"), Notes{"100% sure"});
  EXPECT_EQ(matches("100%"), Notes{"100% sure"});
  EXPECT_EQ(matches("0%s"), Notes{});
}

TEST_F(Search, TreatsUnderscoreLiterally) {
  EXPECT_EQ(matches("_"), Notes{"a_b"});
  EXPECT_EQ(matches("a_b"), Notes{"a_b"});
  EXPECT_EQ(matches("100_"), Notes{});
}

TEST_F(Search, TreatsBackslashAndQuotesLiterally) {
  EXPECT_EQ(matches("\\"), Notes{"back\\slash"});
  EXPECT_EQ(matches("k\\s"), Notes{"back\\slash"});
  EXPECT_EQ(matches("o'b"), Notes{"O'Brien"});
  EXPECT_EQ(matches("\"hi\""), Notes{"say \"hi\""});
}

TEST_F(Search, IgnoresCase) {
  EXPECT_EQ(matches("mixed case"), Notes{"Mixed CASE"});
  EXPECT_EQ(matches("MIXED"), Notes{"Mixed CASE"});
}

TEST_F(Search, EmptySearchMatchesEverything) { EXPECT_EQ(matches("").size(), 9u); }

TEST_F(Search, TiesAreBrokenByIdSoPagesNeitherOverlapNorSkip) {
  std::vector<Id> walked;
  for (int64_t offset = 0; offset < 9; offset += 2) {
    RecordQuery query;
    query.sort = "Done";  // the same for every record
    query.offset = offset;
    query.limit = 2;
    for (const Record& r : records(notes_, query).records) walked.push_back(r.id);
  }
  std::vector<Id> expected;
  for (const Record& r : records(notes_).records) expected.push_back(r.id);
  EXPECT_EQ(walked, expected);
}

TEST_F(Search, SearchInATableWithNoTextOrNumberFieldFindsNothing) {
  Table flags = createTable(test::spec("Flags", {field("Done", FieldType::kCheckbox)}));
  Table bare = createTable(test::spec("Bare", {}));
  insert(flags, {{"Done", Value(true)}});
  insert(bare, {});
  RecordQuery query;
  query.search = "1";
  for (const Table* table : {&flags, &bare}) {
    try {
      RecordPage page = records(*table, query);
      EXPECT_EQ(page.total, 0) << table->name;
      EXPECT_TRUE(page.records.empty()) << table->name;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "searching table " << table->name << " threw: " << e.what();
    }
  }
}

// schema.h: search is "matched, ignoring case"; names here are French and Japanese.
TEST_F(Search, IgnoresCaseOfAccentedLetters) {
  insert(notes_, {{"Note", text("Élodie Martin")}});
  EXPECT_EQ(matches("élodie"), Notes{"Élodie Martin"});
  EXPECT_EQ(matches("ÉLODIE"), Notes{"Élodie Martin"});
}

}  // namespace
}  // namespace worktable::tables
