// Schema migrations: each step runs once per database file, so re-opening keeps the data.
#include "worktable/tables/migrations.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace worktable::tables {
namespace {

using test::field;
using test::number;
using test::text;

class Migrations : public test::EngineTest {
 protected:
  int64_t migrationVersion(const std::string& module) {
    return db().read([&](sql::Tx& tx) {
      sql::Query q = tx.query("SELECT version FROM migrations WHERE module = ?1", module);
      return q.next() ? q.getInt(0) : -1;
    });
  }
};

TEST_F(Migrations, ReopeningTheSameFileKeepsTheData) {
  Table people = createTable(test::spec("People", {field("Name"), field("Age", FieldType::kNumber)}, "users"));
  Record ada = insert(people, {{"Name", text("Ada")}, {"Age", number(36)}});
  update(people, ada.id, {{"Age", number(37)}});
  EXPECT_EQ(migrationVersion("tables"), 4);

  reopen();
  EXPECT_EQ(migrationVersion("tables"), 4);
  Table loaded = reload(people);
  EXPECT_EQ(loaded.name, "People");
  EXPECT_EQ(loaded.kind, "users");
  ASSERT_EQ(loaded.fields.size(), 2u);
  Record read = record(loaded, ada.id).value();
  EXPECT_EQ(read.version, 2);
  EXPECT_EQ(read.values.at("Name"), text("Ada"));
  EXPECT_EQ(read.values.at("Age"), number(37));
  EXPECT_EQ(history(loaded, ada.id).size(), 2u);

  Record grace = insert(loaded, {{"Name", text("Grace")}});
  EXPECT_GT(grace.id, ada.id);
  reopen();
  EXPECT_EQ(total(loaded), 2);
  EXPECT_EQ(db().read([&](sql::Tx& tx) { return engine().workspaces(tx, 1); }).size(), 1u);
}

// A database made before history lost AUTOINCREMENT (tables at version 2): the rebuild
// keeps every entry and id, later entries come after them, and SQLite no longer keeps (and
// scans, at every change) a sequence row for history.
TEST_F(Migrations, HistoryMadeWithAutoincrementIsRebuiltWithItsEntries) {
  Table people = createTable(test::spec("People", {field("Name")}));
  Record ada = insert(people, {{"Name", text("Ada")}});
  update(people, ada.id, {{"Name", text("Ada L.")}});
  Record gone = insert(people, {{"Name", text("Gone")}});
  remove(people, gone.id);
  db().write([](sql::Tx& tx) {
    tx.exec("DROP TABLE history;"
            "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, table_id INTEGER NOT NULL,"
            " record_id INTEGER NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, changes TEXT NOT NULL);"
            "CREATE INDEX history_record ON history(table_id, record_id, id);"
            "ALTER TABLE fields DROP COLUMN indexed;"
            "UPDATE migrations SET version = 2 WHERE module = 'tables'");
  });
  // The old table's entries, with ids as AUTOINCREMENT left them (a gap included).
  db().write([&](sql::Tx& tx) {
    tx.run("INSERT INTO history (id, table_id, record_id, at, actor, changes) VALUES"
           " (3, ?1, ?2, '2026-01-01T00:00:00.000Z', 'ada', '{\"Name\":[null,\"Ada\"]}'),"
           " (7, ?1, ?2, '2026-01-02T00:00:00.000Z', 'ada', '{\"Name\":[\"Ada\",\"Ada L.\"]}'),"
           " (9, ?1, ?3, '2026-01-03T00:00:00.000Z', 'ada', '{\"Name\":[\"Gone\",null]}')",
           people.id, ada.id, gone.id);
  });
  auto sequenceRows = [&] {
    return db().read([](sql::Tx& tx) {
      sql::Query q = tx.query("SELECT count(*) FROM sqlite_sequence WHERE name = 'history'");
      q.next();
      return q.getInt(0);
    });
  };
  ASSERT_EQ(sequenceRows(), 1);

  reopen();
  EXPECT_EQ(migrationVersion("tables"), 4);
  EXPECT_EQ(sequenceRows(), 0);
  std::vector<HistoryEntry> entries = history(people, ada.id);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].changes.at("Name").second, text("Ada L."));
  EXPECT_EQ(history(people, gone.id).size(), 1u) << "a deleted record's history stays";

  update(people, ada.id, {{"Name", text("Ada Lovelace")}});
  int64_t newest = db().read([](sql::Tx& tx) {
    sql::Query q = tx.query("SELECT max(id) FROM history");
    q.next();
    return q.getInt(0);
  });
  EXPECT_EQ(newest, 10) << "an entry after the rebuild comes after the old ones";
  EXPECT_EQ(history(people, ada.id).back().changes.at("Name").second, text("Ada Lovelace"));
  EXPECT_EQ(sequenceRows(), 0);
}

// A database made when every field got an index with its column (tables at version 3):
// its fields count as indexed, so nothing is made twice, and fields added later are not.
TEST_F(Migrations, FieldsMadeWithAnIndexCountAsIndexed) {
  Table people = createTable(test::spec("People", {field("Name"), field("Age", FieldType::kNumber)}));
  db().write([&](sql::Tx& tx) {
    for (const Field& f : people.fields) {
      tx.exec("CREATE INDEX \"t" + std::to_string(people.id) + "_f" + std::to_string(f.id) + "\" ON \"t" +
              std::to_string(people.id) + "\" (\"f" + std::to_string(f.id) + "\")");
    }
    tx.exec("ALTER TABLE fields DROP COLUMN indexed;"
            "UPDATE migrations SET version = 3 WHERE module = 'tables'");
  });
  reopen();
  EXPECT_EQ(migrationVersion("tables"), 4);
  Table loaded = reload(people);
  for (const Field& f : loaded.fields) EXPECT_TRUE(f.indexed) << f.name;
  EXPECT_FALSE(db().write([&](sql::Tx& tx) { return engine().index(tx, loaded, "Name"); }));
  Field added = db().write([&](sql::Tx& tx) { return engine().addField(tx, people.id, field("Team")); });
  EXPECT_FALSE(added.indexed);
  EXPECT_FALSE(reload(people).field("Team")->indexed);
}

TEST_F(Migrations, ASecondEngineOnTheSameDatabaseMigratesNothing) {
  Table people = createTable(test::spec("People", {field("Name")}));
  insert(people, {{"Name", text("Ada")}});
  Engine second(db());
  EXPECT_EQ(db().read([&](sql::Tx& tx) { return second.records(tx, people, {}).total; }), 1);
}

TEST_F(Migrations, EachStepRunsOnceAndNewStepsRunAlone) {
  std::vector<sql::Step> steps{"CREATE TABLE demo (a INTEGER)"};
  EXPECT_EQ(db().write([&](sql::Tx& tx) { return sql::migrate(tx, "demo", steps); }), 1);
  // Running again would fail on CREATE TABLE if the step ran twice.
  EXPECT_EQ(db().write([&](sql::Tx& tx) { return sql::migrate(tx, "demo", steps); }), 1);
  steps.push_back("INSERT INTO demo (a) VALUES (42)");
  EXPECT_EQ(db().write([&](sql::Tx& tx) { return sql::migrate(tx, "demo", steps); }), 2);
  EXPECT_EQ(db().write([&](sql::Tx& tx) { return sql::migrate(tx, "demo", steps); }), 2);
  EXPECT_EQ(migrationVersion("demo"), 2);
  EXPECT_EQ(db().read([](sql::Tx& tx) {
    sql::Query q = tx.query("SELECT count(*), sum(a) FROM demo");
    q.next();
    return std::make_pair(q.getInt(0), q.getInt(1));
  }),
            std::make_pair(int64_t{1}, int64_t{42}));
  EXPECT_EQ(migrationVersion("tables"), 4);  // modules are counted apart
}

TEST_F(Migrations, AFailingStepLeavesTheVersionUnchanged) {
  std::vector<sql::Step> steps{"CREATE TABLE demo (a INTEGER)", "THIS IS NOT SQL"};
  EXPECT_THROW(db().write([&](sql::Tx& tx) { return sql::migrate(tx, "demo", steps); }), Error);
  EXPECT_EQ(migrationVersion("demo"), -1);
  steps[1] = "INSERT INTO demo (a) VALUES (1)";
  EXPECT_EQ(db().write([&](sql::Tx& tx) { return sql::migrate(tx, "demo", steps); }), 2);
  EXPECT_EQ(migrationVersion("demo"), 2);
}

TEST_F(Migrations, AnUnreachablePostgresqlServerIsAnInternalError) {
  EXPECT_TRUE(test::throwsError([] { sql::Database::open("postgresql://127.0.0.1:1/db"); },
                                test::Expected{ErrorKind::kInternal}));
}

TEST_F(Migrations, AnEmptySqlitePathIsRefused) {
  EXPECT_TRUE(test::throwsError([] { sql::Database::open("sqlite:"); }, test::Expected{ErrorKind::kBadRequest}));
}

// A server started with a --db path it cannot open should say so at once. The open runs in
// a child process so that a hang fails this test after 3 s instead of stalling the suite.
TEST_F(Migrations, AnUnopenableFileIsRefusedAtOnce) {
  std::string url = "sqlite:" + dir_ + "/no/such/dir/x.db";
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int code = 3;
    try {
      sql::Database::open(url);
      code = 2;
    } catch (const Error& error) {
      code = error.kind() == ErrorKind::kInternal ? 0 : 1;
    } catch (...) {
      code = 4;
    }
    _exit(code);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  int status = 0;
  bool finished = false;
  while (!finished && std::chrono::steady_clock::now() < deadline) {
    finished = waitpid(child, &status, WNOHANG) == child;
    if (!finished) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!finished) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  }
  ASSERT_TRUE(finished) << "Database::open(\"" << url << "\") was still trying after 3 s";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "0: Error(kInternal), 1: another kind, 2: opened, 4: another exception";
}

}  // namespace
}  // namespace worktable::tables
