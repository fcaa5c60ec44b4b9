// The import reads the file on a thread of its own, a batch ahead of the writes: what it
// refuses, and what stops the writes, must still come out where and when a reader on the
// writing thread would have had them.
#include <sstream>
#include <stdexcept>
#include <string>

#include "test_support.h"
#include "worktable/tables/csv.h"

namespace worktable::tables {
namespace {

class CsvImport : public test::PeopleTest {
 protected:
  // A header and `lines` lines, Ada 1, Ada 2, ...
  static std::string file(int lines) {
    std::string text = "Name,Age\n";
    for (int i = 1; i <= lines; ++i) text += "Ada " + std::to_string(i) + "," + std::to_string(i) + "\n";
    return text;
  }
  static ImportOptions batchesOf(int64_t lines) {
    ImportOptions options;
    options.actor = "ada";
    options.batch_lines = lines;
    return options;
  }
};

TEST_F(CsvImport, ABadCellIsRefusedOnItsLineAndTheOthersGoOn) {
  std::istringstream in("Name,Age\nAda,36\nGrace,old\nLin,40\n");
  ImportReport report = importCsv(engine(), people_, in, batchesOf(2));
  EXPECT_EQ(report.inserted, 2);
  EXPECT_EQ(report.rejected, 1);
  ASSERT_EQ(report.rows.size(), 3u);
  EXPECT_EQ(report.rows[1].line, 3);
  EXPECT_EQ(report.rows[1].action, ImportAction::kRejected);
  EXPECT_NE(report.rows[1].result.find("Age"), std::string::npos) << report.rows[1].result;
  EXPECT_EQ(total(people_), 2);
}

TEST_F(CsvImport, AWriteThatFailsStopsTheReadingAndKeepsTheBatchesBefore) {
  std::istringstream in(file(10000));
  ImportOptions options = batchesOf(100);
  int batches = 0;
  options.on_batch = [&](sql::Tx&, const std::vector<ImportLine>&, const ImportReport&) {
    if (++batches == 3) throw std::runtime_error("disk full");
  };
  EXPECT_THROW(importCsv(engine(), people_, in, options), std::runtime_error);
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(total(people_), 200);
  EXPECT_FALSE(in.eof()) << "the reader stopped, a few batches ahead at most";
}

TEST_F(CsvImport, ABrokenFileStopsAfterTheBatchesBeforeTheBreak) {
  std::istringstream in(file(300) + "\"Unclosed,1\n");
  int commits = 0;
  ImportOptions options = batchesOf(100);
  options.on_commit = [&](const ImportReport&) { ++commits; };
  try {
    importCsv(engine(), people_, in, options);
    FAIL() << "a file with an unclosed quote was imported";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kBadRequest);
    EXPECT_NE(std::string(error.what()).find("302"), std::string::npos) << error.what();
  }
  EXPECT_EQ(commits, 3);
  EXPECT_EQ(total(people_), 300);
}

TEST_F(CsvImport, AnUnknownHeaderIsReportedBeforeAnyLine) {
  std::istringstream in("Name,Shoe size\nAda,38\n");
  ImportReport report = importCsv(engine(), people_, in, batchesOf(10));
  EXPECT_EQ(report.unknown_columns, std::vector<std::string>{"Shoe size"});
  EXPECT_EQ(report.inserted, 1);
}

}  // namespace
}  // namespace worktable::tables
