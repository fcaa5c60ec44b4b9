// PostgreSQL through Poco::Data::PostgreSQL for opening the connection; statements go
// through libpq on Poco's handle, prepared once per connection and executed with text
// parameters, as the SQLite backend uses the C API on Poco's handle (a Poco Statement
// re-prepares its SQL every time, see STACK-NOTES.md). Results are read whole: callers may
// run other statements on the connection while they walk the rows.
#include "postgresql/postgresql_database.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/Session.h>
#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <unordered_map>

#include "postgresql/dialect.h"
#include "worktable/tables/error.h"

namespace worktable::sql {
namespace {

// Enough for every server thread that reads at once; PostgreSQL's default allows 100 for all
// servers together.
constexpr int kMaxConnections = 16;
constexpr int kConnectTimeoutSeconds = 5;
// A write transaction starts with the advisory lock that serialises writers (any fixed number;
// "wt" in ASCII), sent with BEGIN in one round trip.
constexpr const char* kBeginWrite = "BEGIN; SELECT pg_advisory_xact_lock(30580)";
constexpr unsigned kBoolOid = 16;

// Once per database, under the write lock (servers may start together): the collation and
// functions the shared schema and queries name. UNICASE: equality and uniqueness ignore case
// over all of Unicode (ICU level 2); nondeterministic collations refuse LIKE and strpos, so
// search folds with lower() under ICU and compares bytes.
constexpr const char* kSchemaHelpers =
    "CREATE COLLATION IF NOT EXISTS unicase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"
    "CREATE OR REPLACE FUNCTION wt_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE"
    " AS $$ SELECT lower(t COLLATE \"und-x-icu\") $$;"
    "CREATE OR REPLACE FUNCTION instr(haystack text, needle text) RETURNS integer LANGUAGE sql IMMUTABLE"
    " PARALLEL SAFE AS $$ SELECT strpos(haystack COLLATE \"C\", needle COLLATE \"C\") $$;";

Error storeError(const std::string& what, const std::string& detail) {
  return Error(ErrorKind::kInternal, "internal", what + ": " + detail);
}

std::string resultError(PGconn* conn, const PGresult* result) {
  const char* message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  return message && *message ? message : PQerrorMessage(conn);
}

// libpq takes URIs; Poco's session wants space-separated key=value pairs.
std::string conninfoFromUrl(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (!options) {
    std::string text = error ? error : "out of memory";
    PQfreemem(error);
    throw Error(ErrorKind::kBadRequest, "bad_database_url", "Cannot read the database URL: " + text);
  }
  std::string conninfo;
  for (PQconninfoOption* option = options; option->keyword; ++option) {
    if (!option->val || std::string_view(option->keyword) == "connect_timeout") continue;
    if (!conninfo.empty()) conninfo += ' ';
    conninfo += std::string(option->keyword) + "=" + option->val;
  }
  PQconninfoFree(options);
  return conninfo;
}

class PostgresqlStatement : public Statement {
 public:
  PostgresqlStatement(PGconn* conn, std::string name, const std::string& sql, bool* wrote)
      : conn_(conn), name_(std::move(name)), wrote_(wrote) {
    postgresql::Translated translated = postgresql::translate(sql);
    slots_ = std::move(translated.parameters);
    int count = 0;
    for (int slot : slots_) count = std::max(count, slot);
    values_.resize(static_cast<size_t>(count));
    null_.assign(static_cast<size_t>(count), true);
    PGresult* result = PQprepare(conn_, name_.c_str(), translated.sql.c_str(), 0, nullptr);
    bool ok = result && PQresultStatus(result) == PGRES_COMMAND_OK;
    std::string error = ok ? "" : resultError(conn_, result);
    PQclear(result);
    if (!ok) throw storeError("prepare failed for \"" + translated.sql + "\"", error);
  }
  ~PostgresqlStatement() override { PQclear(result_); }

  void reset() override {
    PQclear(result_);
    result_ = nullptr;
    executed_ = false;
    row_ = -1;
    null_.assign(null_.size(), true);
  }
  void bindNull(int index) override {
    if (int slot = slotOf(index)) null_[static_cast<size_t>(slot - 1)] = true;
  }
  void bind(int index, int64_t value) override { set(index, std::to_string(value)); }
  void bind(int index, double value) override {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest exact form
    set(index, std::string(buffer, static_cast<size_t>(end - buffer)));
  }
  void bind(int index, std::string_view value) override { set(index, std::string(value)); }

  bool next() override {
    if (!executed_) execute();
    return ++row_ < PQntuples(result_);
  }
  bool isNull(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
  int64_t getInt(int column) const override {
    const char* text = PQgetvalue(result_, row_, column);
    if (PQftype(result_, column) == kBoolOid) return text[0] == 't' ? 1 : 0;
    return std::strtoll(text, nullptr, 10);
  }
  double getDouble(int column) const override { return std::strtod(PQgetvalue(result_, row_, column), nullptr); }
  std::string getText(int column) const override {
    return std::string(PQgetvalue(result_, row_, column), static_cast<size_t>(PQgetlength(result_, row_, column)));
  }
  int64_t changes() const override { return changes_; }

 private:
  int slotOf(int index) const {
    return index >= 1 && index <= static_cast<int>(slots_.size()) ? slots_[static_cast<size_t>(index - 1)] : 0;
  }
  void set(int index, std::string value) {
    if (int slot = slotOf(index)) {
      values_[static_cast<size_t>(slot - 1)] = std::move(value);
      null_[static_cast<size_t>(slot - 1)] = false;
    }
  }
  void execute() {
    std::vector<const char*> params(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) params[i] = null_[i] ? nullptr : values_[i].c_str();
    PQclear(result_);
    result_ = PQexecPrepared(conn_, name_.c_str(), static_cast<int>(params.size()), params.data(), nullptr, nullptr, 0);
    executed_ = true;
    ExecStatusType status = result_ ? PQresultStatus(result_) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      std::string error = resultError(conn_, result_);
      PQclear(result_);
      result_ = nullptr;
      executed_ = false;
      throw storeError("statement failed", error);
    }
    const char* tuples = PQcmdTuples(result_);
    changes_ = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
    std::string_view command = PQcmdStatus(result_);
    if (changes_ > 0 && (command.starts_with("INSERT") || command.starts_with("UPDATE") ||
                         command.starts_with("DELETE"))) {
      *wrote_ = true;
    }
  }

  PGconn* conn_;
  std::string name_;
  std::vector<int> slots_;  // ?N -> $M, see Translated
  std::vector<std::string> values_;
  std::vector<bool> null_;
  PGresult* result_ = nullptr;
  bool executed_ = false;
  int row_ = -1;
  int64_t changes_ = 0;
  bool* wrote_;  // the connection's: see hasPendingWrites()
};

}  // namespace

class PostgresqlConnection : public Connection {
 public:
  explicit PostgresqlConnection(const std::string& conninfo)
      : session_("PostgreSQL", conninfo, kConnectTimeoutSeconds) {
    auto* impl = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(session_.impl());
    if (!impl) throw storeError("connect", "not a PostgreSQL session");
    conn_ = impl->handle();
    // Notices ("relation already exists, skipping") are expected, not news for the log.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  }
  ~PostgresqlConnection() override { statements_.clear(); }

  Backend backend() const override { return Backend::kPostgresql; }

  Statement& prepare(const std::string& sql) override {
    auto found = statements_.find(sql);
    if (found != statements_.end()) return *found->second;
    auto statement = std::make_unique<PostgresqlStatement>(conn_, "s" + std::to_string(statements_.size()), sql, &wrote_);
    Statement& result = *statement;
    statements_.emplace(sql, std::move(statement));
    return result;
  }

  Statement& prepareInsert(const std::string& sql) override { return prepare(sql + " RETURNING id"); }
  int64_t lastInsertId() override {
    throw Error(ErrorKind::kInternal, "internal", "PostgreSQL inserts return their id (RETURNING id).");
  }
  bool hasPendingWrites() const override { return wrote_; }
  // Called after BEGIN.
  void forgetWrites() { wrote_ = false; }

  void exec(const std::string& sql) override {
    std::string translated = postgresql::translate(sql).sql;
    PGresult* result = PQexec(conn_, translated.c_str());
    ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    std::string error = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? "" : resultError(conn_, result);
    PQclear(result);
    if (!error.empty()) throw Error(ErrorKind::kInternal, "internal", "SQL failed (" + error + "): " + translated);
  }

  // True when the connection can go back to the pool: open and outside any transaction.
  bool reusable() const { return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE; }
  // True when a statement of the open transaction failed: PostgreSQL then refuses the rest,
  // and COMMIT would quietly roll back.
  bool failed() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

 private:
  Poco::Data::Session session_;
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<PostgresqlStatement>> statements_;
  bool wrote_ = false;
};

class PostgresqlDatabase::PooledLease : public Lease {
 public:
  PooledLease(PostgresqlDatabase& database, bool write) : database_(database) {
    if (write) lock_ = std::unique_lock(database.write_mutex_);
    connection_ = database.take();
    try {
      connection_->exec(write ? kBeginWrite : "BEGIN ISOLATION LEVEL REPEATABLE READ");
      connection_->forgetWrites();
    } catch (...) {
      rollback();
      database_.giveBack(std::move(connection_));
      throw;
    }
  }
  ~PooledLease() override { database_.giveBack(std::move(connection_)); }
  Connection& connection() override { return *connection_; }
  void commit() override {
    if (connection_->failed()) throw storeError("commit", "a statement of the transaction failed");
    connection_->exec("COMMIT");
  }
  void rollback() noexcept override {
    try {
      connection_->exec("ROLLBACK");
    } catch (...) {
    }
  }

 private:
  PostgresqlDatabase& database_;
  std::unique_lock<std::mutex> lock_;
  std::unique_ptr<PostgresqlConnection> connection_;
};

PostgresqlDatabase::PostgresqlDatabase(const std::string& url) : conninfo_(conninfoFromUrl(url)) {
  Poco::Data::PostgreSQL::Connector::registerConnector();
  write([](Tx& tx) { tx.exec(kSchemaHelpers); });
}

PostgresqlDatabase::~PostgresqlDatabase() = default;

std::unique_ptr<Database::Lease> PostgresqlDatabase::begin(Access access) {
  bool write = access != Access::kRead;
  return std::make_unique<PooledLease>(*this, write);
}

std::unique_ptr<PostgresqlConnection> PostgresqlDatabase::take() {
  std::unique_lock lock(pool_mutex_);
  connection_free_.wait(lock, [&] { return !idle_.empty() || open_ < kMaxConnections; });
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }
  ++open_;
  lock.unlock();
  try {
    return std::make_unique<PostgresqlConnection>(conninfo_);
  } catch (const Poco::Exception& e) {
    lock.lock();
    --open_;
    connection_free_.notify_one();
    throw Error(ErrorKind::kInternal, "internal", "Cannot connect to PostgreSQL: " + e.displayText());
  } catch (...) {
    lock.lock();
    --open_;
    connection_free_.notify_one();
    throw;
  }
}

void PostgresqlDatabase::giveBack(std::unique_ptr<PostgresqlConnection> connection) {
  if (!connection) return;
  {
    std::lock_guard lock(pool_mutex_);
    // A broken connection (server restarted, rollback failed) is closed, not reused.
    if (connection->reusable()) idle_.push_back(std::move(connection));
    else --open_;
  }
  connection.reset();
  connection_free_.notify_one();
}

}  // namespace worktable::sql
