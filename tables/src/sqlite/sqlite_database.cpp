// SQLite through Poco::Data for opening and configuring the file; hot statements go through
// the C API on Poco's handle, prepared once per connection (re-executing a Poco Statement
// re-prepares its SQL every time, see STACK-NOTES.md).
#include "sqlite/sqlite_database.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <linux/futex.h>
#include <sqlite3.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <unordered_map>

#include "worktable/tables/error.h"
#include "worktable/tables/text.h"

namespace worktable::sql {
namespace {

// More readers than cores only add memory: SQLite reads are CPU-bound once pages are cached.
constexpr int kMaxReaders = 4;
constexpr int kPageSize = 4096;  // SQLite's default, named for the WAL limit (a new file only)
constexpr int kReaderCacheKib = 8192;
constexpr int kWriterCacheKib = 32768;
constexpr int kOpenTimeoutSeconds = 2;
constexpr int kBusyTimeoutMs = 10000;
constexpr int kRestartWaitMs = 50;  // for the readers of an old WAL, holding the writer
// The WAL starts over once it holds this much (see restartWal), and is cut back to it.
constexpr int kWalLimitBytes = 256 << 20;
constexpr int kWalLimitFrames = kWalLimitBytes / kPageSize;  // one frame a page
// Writes a round commits together, at most: a reply waits for its round's commit.
constexpr int kGroupSize = 64;
// Between two passive checkpoints. Each copies the last version of every page written
// since the one before, so a page written many times between them is copied once: at
// 500 ms rather than 100, a PATCH made the server write 11.3 KB instead of 14.2 KB and
// PATCH throughput rose 1-17% in five alternated pairs. Also how much a power cut may
// take back: with synchronous=NORMAL, the checkpoint is what syncs the WAL.
constexpr auto kCheckpointEvery = std::chrono::milliseconds(500);

Error storeError(sqlite3* db, const std::string& what) {
  return Error(ErrorKind::kInternal, "internal",
               what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
}

class SqliteStatement : public Statement {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt_, nullptr) != SQLITE_OK) {
      throw storeError(db, "prepare failed for \"" + sql + "\"");
    }
    parameters_ = sqlite3_bind_parameter_count(stmt_);
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  // A statement is reset before each use and after it (Query), so most resets find it
  // untouched since the last one (1.4% of an import line, callgrind). Bindings are not
  // cleared, the next use binds over them (0.5% more); parameters a use leaves unbound are
  // bound to null at its first step instead.
  void reset() override {
    if (!used_) return;
    sqlite3_reset(stmt_);
    used_ = false;
    stepped_ = false;
    highest_bound_ = 0;
  }
  void bindNull(int index) override { check(index, sqlite3_bind_null(stmt_, index)); }
  void bind(int index, int64_t value) override { check(index, sqlite3_bind_int64(stmt_, index, value)); }
  void bind(int index, double value) override { check(index, sqlite3_bind_double(stmt_, index, value)); }
  void bind(int index, std::string_view value) override {
    check(index, sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                                   SQLITE_TRANSIENT));
  }
  // Safe while bindings are never read after the statement's use: each use binds every
  // parameter again (see reset and next).
  void bindBorrowed(int index, std::string_view value) override {
    check(index, sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC));
  }
  bool next() override {
    used_ = true;
    if (!stepped_) {
      stepped_ = true;
      for (int index = highest_bound_ + 1; index <= parameters_; ++index) sqlite3_bind_null(stmt_, index);
    }
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error error = storeError(db_, "statement failed");
    sqlite3_reset(stmt_);
    throw error;
  }
  bool isNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  int64_t getInt(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double getDouble(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string getText(int column) const override {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (!text) return {};
    return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
  }
  int64_t changes() const override { return sqlite3_changes64(db_); }

 private:
  void check(int index, int rc) {
    used_ = true;
    highest_bound_ = std::max(highest_bound_, index);
    if (rc != SQLITE_OK) throw storeError(db_, "bind failed");
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int parameters_ = 0;
  int highest_bound_ = 0;  // parameters are bound in order (Connection::query)
  bool used_ = false;      // stepped or bound since the last reset
  bool stepped_ = false;   // stepped since the last reset
};

int compareIgnoringCase(void*, int a_size, const void* a, int b_size, const void* b) {
  return tables::compareFolded(std::string_view(static_cast<const char*>(a), static_cast<size_t>(a_size)),
                               std::string_view(static_cast<const char*>(b), static_cast<size_t>(b_size)));
}

// wt_fold(x): x case-folded, for searching text ignoring case beyond ASCII.
void foldFunction(sqlite3_context* context, int, sqlite3_value** arguments) {
  const unsigned char* text = sqlite3_value_text(arguments[0]);
  if (!text) return sqlite3_result_null(context);
  std::string folded = tables::foldCase(
      std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_value_bytes(arguments[0]))));
  sqlite3_result_text(context, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
}

// SQLite's default (serialized) mode takes a mutex on every call, and its memory statistics
// a global one on every allocation (a tenth of an import's CPU, measured with perf). Each
// of our connections serves one thread at a time, which the multi-thread mode is for.
// Set once, before the first connection of the process opens.
void configureSqlite() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_shutdown();
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
  });
}

}  // namespace

class SqliteConnection : public Connection {
 public:
  // Poco's default login timeout would retry an unopenable file for a minute.
  SqliteConnection(const std::string& path, int cache_kib) : session_("SQLite", path, kOpenTimeoutSeconds) {
    db_ = Poco::Data::SQLite::Utility::dbHandle(session_);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    // Text that people name and search compares ignoring case over all of Unicode; the
    // schema names this collation, so every connection must have it before any query.
    sqlite3_create_collation(db_, "UNICASE", SQLITE_UTF8, nullptr, compareIgnoringCase);
    sqlite3_create_function(db_, "wt_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, foldFunction, nullptr,
                            nullptr);
    // No memory map: each reader would map the whole file (RSS) and unmap it after every
    // write (munmap and TLB flushes measured at a quarter of the server's CPU).
    exec("PRAGMA page_size=" + std::to_string(kPageSize) +
         "; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
         "PRAGMA cache_size=-" + std::to_string(cache_kib) + ";");
  }

  // Runs a statement without results through the statement cache (BEGIN, COMMIT ...).
  void step(const std::string& sql) {
    Statement& statement = prepare(sql);
    statement.reset();
    statement.next();
    if (sql.rfind("BEGIN", 0) == 0) changes_at_begin_ = sqlite3_total_changes64(db_);
  }
  // Counts the WAL's frames after each commit of this connection (the writer's).
  void watchWal() {
    sqlite3_wal_hook(
        db_,
        [](void* frames, sqlite3*, const char*, int count) {
          static_cast<std::atomic<int>*>(frames)->store(count, std::memory_order_relaxed);
          return SQLITE_OK;
        },
        &wal_frames_);
  }
  int walFrames() const { return wal_frames_.load(std::memory_order_relaxed); }
  // Copies what it can of the WAL back into the database file, waiting for nobody. (Through
  // the C call: the PRAGMA re-read the schema every time, 10 times a second.)
  void checkpointPassive() {
    if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) != SQLITE_OK) {
      throw storeError(db_, "checkpoint failed");
    }
  }
  // Copies the rest of the WAL back and waits, briefly, for the readers still reading it, so
  // that the next write starts it over. A long export makes it give up (busy) for now.
  void checkpointRestart() {
    sqlite3_busy_timeout(db_, kRestartWaitMs);
    int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) throw storeError(db_, "checkpoint failed");
  }
  // Makes what the checkpoints copied so far durable in the database file, through SQLite's
  // own file (closing another descriptor of it would drop SQLite's POSIX locks).
  void syncDatabaseFile() {
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file ||
        !file->pMethods || file->pMethods->xSync(file, SQLITE_SYNC_NORMAL) != SQLITE_OK) {
      throw storeError(db_, "sync failed");
    }
  }
  // True outside a transaction (SQLite rolls one back by itself on some I/O errors).
  bool autocommit() const { return sqlite3_get_autocommit(db_) != 0; }
  ~SqliteConnection() override {
    // Finalize our statements before Poco closes the handle.
    statements_.clear();
  }

  Backend backend() const override { return Backend::kSqlite; }

  Statement& prepare(const std::string& sql) override {
    auto found = statements_.find(sql);
    if (found != statements_.end()) return *found->second;
    auto statement = std::make_unique<SqliteStatement>(db_, sql);
    Statement& result = *statement;
    statements_.emplace(sql, std::move(statement));
    return result;
  }

  Statement& prepareInsert(const std::string& sql) override { return prepare(sql); }
  int64_t lastInsertId() override { return sqlite3_last_insert_rowid(db_); }
  // Rows changed (triggers' included) since BEGIN, even if a savepoint has undone them.
  bool hasPendingWrites() const override {
    return !autocommit() && sqlite3_total_changes64(db_) != changes_at_begin_;
  }

  void exec(const std::string& sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      throw Error(ErrorKind::kInternal, "internal", "SQL failed (" + text + "): " + sql);
    }
  }

 private:
  Poco::Data::Session session_;
  sqlite3* db_ = nullptr;
  std::atomic<int> wal_frames_{0};
  int64_t changes_at_begin_ = 0;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> statements_;
};

class SqliteDatabase::ReadLease : public Lease {
 public:
  ReadLease(SqliteDatabase& database, std::unique_ptr<SqliteConnection> connection)
      : database_(database), connection_(std::move(connection)) {
    connection_->step("BEGIN");
  }
  ~ReadLease() override { database_.giveBack(std::move(connection_)); }
  Connection& connection() override { return *connection_; }
  void commit() override { connection_->step("COMMIT"); }
  void rollback() noexcept override {
    try {
      connection_->step("ROLLBACK");
    } catch (...) {
    }
  }

 private:
  SqliteDatabase& database_;
  std::unique_ptr<SqliteConnection> connection_;
};

// A write of its own (an import batch, a trial): the writer alone, no savepoint, for as long
// as it takes. SQLite keeps a copy of every page a savepoint changes, in memory, and reads
// it back slowly (an import batch of 2,000 lines in one took minutes).
class SqliteDatabase::WriteLease : public Lease {
 public:
  explicit WriteLease(SqliteDatabase& database) : database_(database), lock_(database.write_mutex_) {
    database_.writer_->step("BEGIN IMMEDIATE");
  }
  Connection& connection() override { return *database_.writer_; }
  void commit() override {
    database_.writer_->step("COMMIT");
    database_.committed();
    lock_.unlock();
  }
  void rollback() noexcept override {
    if (!lock_.owns_lock()) return;  // already ended
    try {
      if (!database_.writer_->autocommit()) database_.writer_->step("ROLLBACK");
    } catch (...) {
    }
    lock_.unlock();
  }

 private:
  SqliteDatabase& database_;
  std::unique_lock<std::mutex> lock_;
};

// Group commit. A short write is queued; the thread that finds no round running runs the
// queued writes one after the other in one transaction and commits them together, so a
// burst of small writes (PATCHes) pays BEGIN, COMMIT and the WAL frames of shared pages
// (history, indexes) once, and no thread wakes up between two writes of a round: a write
// waits once, for its round's commit. The first write of a round runs at the top of the
// transaction (a failure rolls back only it, nothing else being in yet), the others each in
// a savepoint, undone alone when they fail. No write returns before its round committed.
struct SqliteDatabase::Pending {
  enum State : int { kQueued, kDone, kLead };  // kLead: this write's thread runs the next round
  const std::function<void(Connection&)>* body = nullptr;
  std::exception_ptr error;
  // Waited on without a mutex: a thread woken to take a mutex the waker still holds only
  // goes back to sleep (a condition variable here cost a tenth of the PATCH throughput).
  // Through the futex itself: std::atomic::wait first spins on sched_yield, and thirty
  // waiters yielding took a fifth of the server's CPU samples.
  std::atomic<int> state{kQueued};
  static_assert(sizeof(std::atomic<int>) == sizeof(int) && std::atomic<int>::is_always_lock_free);

  void set(State to) {
    state.store(to, std::memory_order_release);
    syscall(SYS_futex, reinterpret_cast<int*>(&state), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  }
  // Returns the state it left kQueued for.
  int wait() {
    int now;
    while ((now = state.load(std::memory_order_acquire)) == kQueued) {
      // Returns at once if the state already moved on, or on a spurious wake-up.
      syscall(SYS_futex, reinterpret_cast<int*>(&state), FUTEX_WAIT_PRIVATE, kQueued, nullptr, nullptr, 0);
    }
    return now;
  }
};

namespace {

Error lostRound() { return Error(ErrorKind::kInternal, "internal", "the write transaction could not be committed"); }

}  // namespace

void SqliteDatabase::runWrite(Access access, const std::function<void(Connection&)>& body) {
  if (access != Access::kWrite) return Database::runWrite(access, body);
  // Shared: the thread that ends a round may still be waking this one when it returns.
  auto me = std::make_shared<Pending>();
  me->body = &body;
  bool lead = false;
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(me);
    lead = !std::exchange(round_running_, true);
  }
  if (!lead) {
    lead = me->wait() == Pending::kLead;
  }
  if (lead) {
    std::vector<std::shared_ptr<Pending>> round;
    {
      std::lock_guard lock(queue_mutex_);
      size_t count = std::min(queue_.size(), static_cast<size_t>(kGroupSize));
      round.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
    }
    runRound(round);
    std::shared_ptr<Pending> next;
    {
      std::lock_guard lock(queue_mutex_);
      if (queue_.empty()) round_running_ = false;
      else next = queue_.front();
    }
    if (next) next->set(Pending::kLead);
    for (const std::shared_ptr<Pending>& pending : round) {
      if (pending != me) pending->set(Pending::kDone);
    }
  }
  if (me->error) std::rethrow_exception(me->error);
}

// Runs the writes of `round` in one transaction and commits it; each gets its error, if any.
void SqliteDatabase::runRound(const std::vector<std::shared_ptr<Pending>>& round) {
  std::lock_guard write_lock(write_mutex_);
  SqliteConnection& writer = *writer_;
  std::vector<Pending*> written;  // whose writes are in the open transaction
  size_t next = 0;
  try {
    writer.step("BEGIN IMMEDIATE");
    for (; next < round.size(); ++next) {
      Pending& pending = *round[next];
      bool top = written.empty();
      try {
        if (!top) writer.step("SAVEPOINT wt_write");
        (*pending.body)(writer);
        if (!top) writer.step("RELEASE wt_write");
        written.push_back(&pending);
      } catch (...) {
        pending.error = std::current_exception();
        try {
          if (!writer.autocommit()) {
            if (top) {
              writer.step("ROLLBACK");
            } else {
              writer.step("ROLLBACK TO wt_write");
              writer.step("RELEASE wt_write");
            }
          }
        } catch (...) {
        }
      }
      if (writer.autocommit()) {
        // Rolled back: by a failing first write, or by SQLite itself after an I/O error,
        // taking the writes before with it.
        for (Pending* lost : written) lost->error = std::make_exception_ptr(lostRound());
        written.clear();
        if (next + 1 < round.size()) writer.step("BEGIN IMMEDIATE");
      }
    }
    if (!writer.autocommit()) writer.step("COMMIT");
    committed();
  } catch (...) {
    // BEGIN or COMMIT failed: nothing of the round is stored.
    std::exception_ptr error = std::current_exception();
    try {
      if (!writer.autocommit()) writer.step("ROLLBACK");
    } catch (...) {
    }
    for (Pending* lost : written) lost->error = std::make_exception_ptr(lostRound());
    for (; next < round.size(); ++next) {
      if (!round[next]->error) round[next]->error = error;
    }
  }
}

void SqliteDatabase::committed() {
  ++commits_;
  // A WAL due to start over need not wait for the next pass (a bulk write may add hundreds
  // of megabytes in one); its thread is told once.
  if (writer_->walFrames() >= restart_at_frames_.load(std::memory_order_relaxed) && !wal_due_.exchange(true)) {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_wake_.notify_all();
  }
}

SqliteDatabase::SqliteDatabase(std::string path) : path_(std::move(path)) {
  restart_at_frames_ = kWalLimitFrames;
  configureSqlite();
  Poco::Data::SQLite::Connector::registerConnector();
  try {
    writer_ = std::make_unique<SqliteConnection>(path_, kWriterCacheKib);
    // A checkpoint in the committing thread holds the writer for as long as it copies and
    // syncs pages: the checkpointer thread does it instead.
    writer_->exec("PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=" + std::to_string(kWalLimitBytes));
    writer_->watchWal();
  } catch (const Poco::Exception& e) {
    throw Error(ErrorKind::kInternal, "internal", "Cannot open database " + path_ + ": " + e.displayText());
  }
  checkpointer_ = std::thread([this] { checkpointWhileOpen(); });
}

SqliteDatabase::~SqliteDatabase() {
  {
    std::lock_guard lock(checkpoint_mutex_);
    closing_ = true;
  }
  checkpoint_wake_.notify_all();
  checkpointer_.join();
}

// Every kCheckpointEvery with commits since the last pass, and when the WAL is due to start
// over, a PASSIVE checkpoint (it never blocks a writer or a reader) copies what it can back
// into the database file; a last one at close.
void SqliteDatabase::checkpointWhileOpen() {
  std::unique_ptr<SqliteConnection> connection;
  int64_t done = commits_;
  std::unique_lock lock(checkpoint_mutex_);
  while (true) {
    checkpoint_wake_.wait_for(lock, kCheckpointEvery, [&] { return closing_ || wal_due_.load(); });
    bool closing = closing_;
    if (commits_ != done || closing) {
      done = commits_;
      lock.unlock();
      try {
        if (!connection) connection = std::make_unique<SqliteConnection>(path_, kReaderCacheKib);
        connection->checkpointPassive();
        int frames = writer_->walFrames();
        if (frames < kWalLimitFrames) restart_at_frames_ = kWalLimitFrames;
        if (frames >= restart_at_frames_ && !closing) {
          restartWal(*connection, frames);
          // Next time if it did not start over; a quarter longer, not to hold the writer every pass.
          restart_at_frames_ = frames + kWalLimitFrames / 4;
        }
      } catch (const std::exception&) {
        // A busy or failing checkpoint is retried on the next pass; SQLite keeps the WAL meanwhile.
      }
      lock.lock();
    }
    wal_due_ = false;
    if (closing) return;
  }
}

// Passive checkpoints alone never let the WAL start over under steady load: SQLite starts
// it over at the first write after a checkpoint that copied everything, and the next round
// has always committed more by then. So it grew by the gigabyte, and every page read
// searched it. This holds the writer between two rounds for one last checkpoint (RESTART:
// it also waits for the readers of the old WAL), after catching up without it: copying,
// then syncing the database file, the slow part of a complete checkpoint. The next write
// starts the WAL over. Holding the writer costs about 10 ms (two syncs), once per
// WAL limit: at 64 MB, four times a second under PATCH load, the restarts took 15% of the
// writer's time when it did them itself; at 256 MB, once a second, about 1%.
void SqliteDatabase::restartWal(SqliteConnection& connection, int frames) {
  constexpr int kCaughtUpFrames = 256;  // written during a pass: close enough to hold the writer
  for (int pass = 0; pass < 4; ++pass) {
    int before = frames;
    connection.checkpointPassive();
    frames = writer_->walFrames();
    if (frames - before < kCaughtUpFrames) break;
  }
  connection.syncDatabaseFile();
  connection.checkpointPassive();
  std::lock_guard write_lock(write_mutex_);
  connection.checkpointRestart();
}

std::unique_ptr<Database::Lease> SqliteDatabase::begin(Access access) {
  if (access != Access::kRead) return std::make_unique<WriteLease>(*this);
  return std::make_unique<ReadLease>(*this, takeReader());
}

std::unique_ptr<SqliteConnection> SqliteDatabase::takeReader() {
  std::unique_lock lock(readers_mutex_);
  reader_free_.wait(lock, [&] { return !readers_.empty() || readers_open_ < kMaxReaders; });
  if (!readers_.empty()) {
    auto connection = std::move(readers_.back());
    readers_.pop_back();
    return connection;
  }
  ++readers_open_;
  lock.unlock();
  try {
    return std::make_unique<SqliteConnection>(path_, kReaderCacheKib);
  } catch (...) {
    lock.lock();
    --readers_open_;
    reader_free_.notify_one();
    throw;
  }
}

void SqliteDatabase::giveBack(std::unique_ptr<SqliteConnection> connection) {
  {
    std::lock_guard lock(readers_mutex_);
    readers_.push_back(std::move(connection));
  }
  reader_free_.notify_one();
}

}  // namespace worktable::sql
