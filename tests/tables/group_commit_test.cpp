// The SQLite store commits concurrent writes together (group commit): each write still
// commits whole or not at all, a failing one takes nothing else with it, a write returns
// only once committed, a trial stores nothing, and the WAL does not grow without end.
#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "test_support.h"

namespace worktable::tables {
namespace {

using test::field;
using test::text;

class GroupCommit : public test::PeopleTest {};

TEST_F(GroupCommit, ConcurrentWritesAllCommitAndFailingOnesLeaveNothing) {
  constexpr int kThreads = 16, kWrites = 60;
  std::atomic<int> failed{0};
  std::atomic<int> unseen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        std::string name = "p" + std::to_string(t) + "-" + std::to_string(i);
        try {
          db().write([&](sql::Tx& tx) {
            engine().insert(tx, people_, {{"Name", text(name)}}, "ada");
            // Every fifth write fails after it wrote: its row must not stay.
            if (i % 5 == 4) throw std::runtime_error("boom");
          });
        } catch (const std::runtime_error&) {
          ++failed;
          continue;
        }
        // Returned means committed: another connection sees it at once.
        bool seen = db().read([&](sql::Tx& tx) { return engine().count(tx, people_, {{"Name", text(name)}}) == 1; });
        if (!seen) ++unseen;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failed, kThreads * kWrites / 5);
  EXPECT_EQ(unseen, 0);
  EXPECT_EQ(total(people_), kThreads * kWrites * 4 / 5);
  reopen();
  EXPECT_EQ(total(people_), kThreads * kWrites * 4 / 5);
}

TEST_F(GroupCommit, ATrialSeesItsOwnWritesAndStoresNothing) {
  insert(people_, {{"Name", text("Ada")}});
  int64_t inside = db().trial([&](sql::Tx& tx) {
    engine().insert(tx, people_, {{"Name", text("Grace")}}, "ada");
    engine().addField(tx, people_.id, field("Email", FieldType::kEmail));
    return engine().records(tx, people_, {}).total;
  });
  EXPECT_EQ(inside, 2);
  EXPECT_EQ(total(people_), 1);
  EXPECT_EQ(reload(people_).fields.size(), 2u);
  // The store is still usable afterwards, alone and grouped.
  db().writeAlone([&](sql::Tx& tx) { engine().insert(tx, people_, {{"Name", text("Linus")}}, "ada"); });
  insert(people_, {{"Name", text("Barbara")}});
  EXPECT_EQ(total(people_), 3);
}

TEST_F(GroupCommit, AFieldAddedByAnotherEngineOrRolledBackIsSeenAsItIs) {
  // Another engine on the same database stands for another server: it adds a field
  // after this engine has read (and cached) the table.
  EXPECT_EQ(reload(people_).fields.size(), 2u);
  Engine other(db());
  db().write([&](sql::Tx& tx) { other.addField(tx, people_.id, field("Email", FieldType::kEmail)); });
  EXPECT_EQ(reload(people_).fields.size(), 3u);
  // A field added, read inside the transaction, then rolled back, is gone after.
  EXPECT_THROW(db().write([&](sql::Tx& tx) {
    engine().addField(tx, people_.id, field("Phone"));
    EXPECT_EQ(engine().table(tx, people_.id)->fields.size(), 4u);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(reload(people_).fields.size(), 3u);
  db().write([&](sql::Tx& tx) { other.addField(tx, people_.id, field("Team")); });
  Table now = reload(people_);
  ASSERT_EQ(now.fields.size(), 4u);
  EXPECT_EQ(now.fields.back().name, "Team");
}

TEST_F(GroupCommit, TheWalStartsOverInsteadOfGrowingWithoutEnd) {
  // About 480 MB of writes, past the 256 MB limit, while a reader comes and goes all the
  // time (as requests do).
  std::atomic<bool> writing{true};
  std::thread reader([&] {
    while (writing) db().read([&](sql::Tx& tx) { return engine().records(tx, people_, {}).total; });
  });
  std::string big(60'000, 'x');
  try {
    for (int i = 0; i < 8000; ++i) {
      db().write([&](sql::Tx& tx) {
        tx.run("INSERT INTO history (table_id, record_id, at, actor, changes) VALUES (0, 0, '', '', ?1)",
               big + std::to_string(i));
      });
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
  writing = false;
  reader.join();
  auto wal = std::filesystem::file_size(std::filesystem::path(dir_) / "worktable.db-wal");
  EXPECT_LE(wal, 384u << 20) << "the WAL grew to " << (wal >> 20) << " MB";
}

}  // namespace
}  // namespace worktable::tables
