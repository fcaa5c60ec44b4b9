// A thin SQL layer that every store of the project speaks: a Database hands out
// connections inside transactions; a Connection prepares statements once and keeps them.
// SQL text uses `?1`, `?2` placeholders; user-chosen names never appear in it (tables and
// columns are named from ids). A Connection is used by one thread at a time; a Database
// is thread-safe. Backend errors surface as worktable::Error of kind kInternal.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace worktable::sql {

enum class Backend { kSqlite, kPostgresql };

// A prepared statement. Bind parameters (1-based), then step through rows with next().
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void reset() = 0;
  virtual void bindNull(int index) = 0;
  virtual void bind(int index, int64_t value) = 0;
  virtual void bind(int index, double value) = 0;
  virtual void bind(int index, std::string_view value) = 0;
  // The same, the text read where it is, not copied: it must stay as it is until the
  // statement is reset (SQLite copied every text bound, a malloc and a free each).
  virtual void bindBorrowed(int index, std::string_view value) { bind(index, value); }
  // Steps to the next row; false when there is none (a write statement runs to completion).
  virtual bool next() = 0;
  virtual bool isNull(int column) const = 0;
  virtual int64_t getInt(int column) const = 0;
  virtual double getDouble(int column) const = 0;
  virtual std::string getText(int column) const = 0;
  // Rows changed by the last write statement.
  virtual int64_t changes() const = 0;

  void bind(int index, int value) { bind(index, static_cast<int64_t>(value)); }
  void bind(int index, bool value) { bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  void bind(int index, const std::string& value) { bind(index, std::string_view(value)); }
  void bind(int index, const char* value) { bind(index, std::string_view(value)); }
  void bind(int index, std::nullptr_t) { bindNull(index); }
  template <class T>
  void bind(int index, const std::optional<T>& value) {
    if (value) bind(index, *value); else bindNull(index);
  }
};

class Connection;

// A statement in use: binds the arguments, resets the statement when it goes out of scope.
class Query {
 public:
  Query(Statement& statement) : statement_(&statement) {}
  Query(Query&& other) noexcept : statement_(std::exchange(other.statement_, nullptr)) {}
  Query(const Query&) = delete;
  ~Query() { if (statement_) statement_->reset(); }

  bool next() { return statement_->next(); }
  bool isNull(int column) const { return statement_->isNull(column); }
  int64_t getInt(int column) const { return statement_->getInt(column); }
  double getDouble(int column) const { return statement_->getDouble(column); }
  std::string getText(int column) const { return statement_->getText(column); }
  std::optional<std::string> getOptionalText(int column) const {
    if (isNull(column)) return std::nullopt;
    return getText(column);
  }
  int64_t changes() const { return statement_->changes(); }
  Statement& statement() { return *statement_; }

 private:
  Statement* statement_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;
  // Prepares `sql` on first use and returns the cached statement afterwards.
  virtual Statement& prepare(const std::string& sql) = 0;
  // Runs one or more statements without results (DDL, pragmas).
  virtual void exec(const std::string& sql) = 0;
  // The statement of insert(sql): one that returns the new row's id, or leaves it to
  // lastInsertId().
  virtual Statement& prepareInsert(const std::string& sql) = 0;
  // The id of the row the last insert of this connection made.
  virtual int64_t lastInsertId() = 0;
  // True when the open transaction has written rows not committed yet (its own, or, where
  // a store commits several writes together, those of the writes before it). What is read
  // then may vanish with a rollback: caches learn only from what is committed.
  virtual bool hasPendingWrites() const = 0;

  // Prepares, binds `args` in order and returns the query ready to step.
  template <class... Args>
  Query query(const std::string& sql, const Args&... args) {
    return bound<false>(prepare(sql), args...);
  }
  // Runs a write statement and returns the number of rows it changed.
  template <class... Args>
  int64_t run(const std::string& sql, const Args&... args) {
    Query q = bound<true>(prepare(sql), args...);
    q.next();
    return q.changes();
  }
  // Runs an INSERT of one row, written without RETURNING, and returns the row's id, or 0
  // when it inserted nothing (ON CONFLICT DO NOTHING). SQLite gives the id without
  // RETURNING, which made it journal every page the insert touched to be able to undo the
  // statement alone: twice the cost of the insert. PostgreSQL's text gets `RETURNING id`.
  template <class... Args>
  int64_t insert(const std::string& sql, const Args&... args) {
    Query q = bound<true>(prepareInsert(sql), args...);
    return insertedId(q);
  }
  // Runs `q`, a bound statement of prepareInsert(), and returns the id insert() would.
  int64_t insertedId(Query& q) {
    if (q.next()) return q.getInt(0);
    return q.changes() > 0 ? lastInsertId() : 0;
  }
  // Runs `fn` inside a savepoint: its writes are undone alone when it throws, and so is
  // what was registered with onRollback() meanwhile.
  template <class F>
  auto savepoint(F&& fn) -> decltype(fn()) {
    run("SAVEPOINT sp");
    Savepoint open(*this);
    try {
      if constexpr (std::is_void_v<decltype(fn())>) {
        fn();
        run("RELEASE sp");
      } else {
        auto result = fn();
        run("RELEASE sp");
        return result;
      }
    } catch (...) {
      open.rolledBack();
      run("ROLLBACK TO sp");
      run("RELEASE sp");
      throw;
    }
  }
  // Keeps state held in memory in step with the writes (a dry run's stand-in for rows it
  // does not write): `undo` runs if a savepoint open now rolls back. Outside savepoint()
  // it is dropped: what lives past the transaction is its owner's to discard.
  void onRollback(std::function<void()> undo) {
    if (savepoints_ > 0) undo_.push_back(std::move(undo));
  }

 private:
  // One savepoint() open: marks where its undo work starts.
  class Savepoint {
   public:
    explicit Savepoint(Connection& connection) : connection_(connection), mark_(connection.undo_.size()) {
      ++connection_.savepoints_;
    }
    Savepoint(const Savepoint&) = delete;
    ~Savepoint() {
      // Released, its undo work passes to the savepoint around it; none left, it is done.
      if (--connection_.savepoints_ == 0) connection_.undo_.clear();
    }
    void rolledBack() {
      std::vector<std::function<void()>>& undo = connection_.undo_;
      while (undo.size() > mark_) {
        std::function<void()> step = std::move(undo.back());
        undo.pop_back();
        step();
      }
    }

   private:
    Connection& connection_;
    size_t mark_;
  };

  // `statement` reset, with `args` bound in order. `kBorrow`: texts are borrowed, not
  // copied (Statement::bindBorrowed), for a statement run to its end while `args` live.
  template <bool kBorrow, class... Args>
  static Query bound(Statement& statement, const Args&... args) {
    statement.reset();
    int index = 1;
    (bindArg<kBorrow>(statement, index++, args), ...);
    return Query(statement);
  }
  template <bool kBorrow, class T>
  static void bindArg(Statement& statement, int index, const T& value) {
    if constexpr (kBorrow && std::is_convertible_v<const T&, std::string_view>) {
      statement.bindBorrowed(index, std::string_view(value));
    } else {
      statement.bind(index, value);
    }
  }

  std::vector<std::function<void()>> undo_;
  int savepoints_ = 0;
};

// The connection of a transaction: stores take it to compose their writes into one commit.
using Tx = Connection;

class Database {
 public:
  virtual ~Database() = default;
  // Opens `sqlite:PATH` (or a plain path) or `postgresql://user@host:port/dbname`. Throws
  // Error on a bad URL, an unopenable file or an unreachable server.
  static std::unique_ptr<Database> open(const std::string& url);

  virtual Backend backend() const = 0;

  // Runs fn(tx) in a write transaction, one writer at a time; commits when fn returns,
  // rolls back and rethrows when it throws. A store may commit several short writes
  // together (SQLite does); the call returns once its writes are committed.
  template <class F>
  auto write(F&& fn) -> decltype(fn(std::declval<Tx&>())) {
    return run(Access::kWrite, std::forward<F>(fn));
  }
  // The same, for a long write (an import batch): in a transaction of its own, never
  // grouped with others.
  template <class F>
  auto writeAlone(F&& fn) -> decltype(fn(std::declval<Tx&>())) {
    return run(Access::kWriteAlone, std::forward<F>(fn));
  }
  // Runs fn(tx) in a write transaction of its own and always rolls it back: a dry run.
  template <class F>
  auto trial(F&& fn) -> decltype(fn(std::declval<Tx&>())) {
    return run(Access::kTrial, std::forward<F>(fn));
  }
  // Runs fn(tx) in a read transaction on a consistent snapshot.
  template <class F>
  auto read(F&& fn) -> decltype(fn(std::declval<Tx&>())) {
    return run(Access::kRead, std::forward<F>(fn));
  }

 protected:
  enum class Access { kRead, kWrite, kWriteAlone, kTrial };
  // A borrowed connection inside an open transaction; finish() commits or rolls back.
  class Lease {
   public:
    virtual ~Lease() = default;
    virtual Connection& connection() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
  };
  virtual std::unique_ptr<Lease> begin(Access access) = 0;
  // Runs body(tx) in a write transaction of `access` and commits it (rolls back a trial);
  // rethrows what body throws. By default through begin(); a store may run the body on
  // another thread (SQLite runs queued writes one after the other on one thread).
  virtual void runWrite(Access access, const std::function<void(Tx&)>& body);

 private:
  template <class F>
  auto run(Access access, F&& fn) -> decltype(fn(std::declval<Tx&>())) {
    using Result = decltype(fn(std::declval<Tx&>()));
    if (access != Access::kRead) {
      if constexpr (std::is_void_v<Result>) {
        runWrite(access, [&](Tx& tx) { fn(tx); });
        return;
      } else {
        std::optional<Result> result;
        runWrite(access, [&](Tx& tx) { result.emplace(fn(tx)); });
        return std::move(*result);
      }
    }
    std::unique_ptr<Lease> lease = begin(access);
    try {
      if constexpr (std::is_void_v<Result>) {
        fn(lease->connection());
        lease->commit();
      } else {
        auto result = fn(lease->connection());
        lease->commit();
        return result;
      }
    } catch (...) {
      lease->rollback();
      throw;
    }
  }
};

}  // namespace worktable::sql
