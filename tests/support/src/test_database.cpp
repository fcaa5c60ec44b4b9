#include "worktable/testing/test_database.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

namespace worktable::testing {
namespace {

constexpr const char* kNameFile = "pg-database";

std::string adminUrl() {
  const char* url = std::getenv("WORKTABLE_TEST_PG_URL");
  if (!url || !*url) {
    throw std::runtime_error(
        "WORKTABLE_TEST_STORE=postgresql needs WORKTABLE_TEST_PG_URL (scripts/with_postgresql.sh sets both)");
  }
  return url;
}

// The admin URL with its database name replaced.
std::string urlOf(const std::string& admin, const std::string& name) {
  size_t scheme = admin.find("://");
  size_t slash = admin.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  size_t query = admin.find('?');
  std::string base = slash == std::string::npos ? admin.substr(0, query) : admin.substr(0, slash);
  std::string rest = query == std::string::npos ? "" : admin.substr(query);
  return base + "/" + name + rest;
}

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

Connection connect(const std::string& url) {
  Connection conn(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + url + ": " + PQerrorMessage(conn.get()));
  }
  return conn;
}

int64_t run(PGconn* conn, const std::string& sql, const char* param) {
  const char* params[] = {param};
  PGresult* result = PQexecParams(conn, sql.c_str(), param ? 1 : 0, nullptr, params, nullptr, nullptr, 0);
  ExecStatusType status = PQresultStatus(result);
  std::string error = PQresultErrorMessage(result);
  int64_t changed = std::atoll(PQcmdTuples(result));
  PQclear(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(sql + ": " + error);
  return changed;
}

std::string readName(const std::filesystem::path& data_dir) {
  std::ifstream in(data_dir / kNameFile);
  std::string name;
  std::getline(in, name);
  return name;
}

}  // namespace

bool testsOnPostgresql() {
  const char* store = std::getenv("WORKTABLE_TEST_STORE");
  if (!store || std::string(store) != "postgresql") return false;
  adminUrl();
  return true;
}

std::string postgresqlDatabaseFor(const std::filesystem::path& data_dir) {
  std::string admin = adminUrl();
  std::string name = readName(data_dir);
  if (name.empty()) {
    std::random_device random;
    name = "wt_" + std::to_string(random()) + std::to_string(random());
    run(connect(admin).get(), "CREATE DATABASE " + name, nullptr);
    std::ofstream(data_dir / kNameFile) << name << "\n";
  }
  return urlOf(admin, name);
}

void dropPostgresqlDatabaseOf(const std::filesystem::path& data_dir) {
  std::string name = readName(data_dir);
  if (name.empty()) return;
  run(connect(adminUrl()).get(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", nullptr);
}

int64_t executeSql(const std::string& db_url, const std::filesystem::path& data_dir, const std::string& sql,
                   const std::string& param) {
  if (db_url.rfind("sqlite:", 0) == 0) {
    return executeSql("", std::filesystem::path(db_url.substr(7)).parent_path(), sql, param);
  }
  if (db_url.rfind("postgresql://", 0) == 0) {
    return run(connect(db_url).get(), sql, sql.find("$1") == std::string::npos ? nullptr : param.c_str());
  }
  sqlite3* db = nullptr;
  std::string path = (data_dir / "worktable.db").string();
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string error = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path + ": " + error);
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
  if (rc == SQLITE_OK) {
    if (sqlite3_bind_parameter_count(statement) > 0) {
      sqlite3_bind_text(statement, 1, param.c_str(), -1, SQLITE_TRANSIENT);
    }
    rc = sqlite3_step(statement);
  }
  std::string error = sqlite3_errmsg(db);
  int64_t changed = sqlite3_changes(db);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  if (rc != SQLITE_DONE) throw std::runtime_error(sql + ": " + error);
  return changed;
}

}  // namespace worktable::testing
