// Which store the API tests run on. With WORKTABLE_TEST_STORE=postgresql, each test server
// gets a database of its own on the cluster WORKTABLE_TEST_PG_URL names (an administrator's
// URL, e.g. postgresql://postgres@127.0.0.1:5433/postgres; scripts/with_postgresql.sh
// starts such a cluster); otherwise the server's default SQLite file in its data folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace worktable::testing {

// True when the tests run on PostgreSQL; throws std::runtime_error when asked to without
// WORKTABLE_TEST_PG_URL.
bool testsOnPostgresql();

// The --db URL of the database that belongs to `data_dir`: created on first use (its name
// kept in <data_dir>/pg-database, so a server restarted on the folder finds its data).
std::string postgresqlDatabaseFor(const std::filesystem::path& data_dir);
// Drops the database of `data_dir`, if it has one (servers on it must have stopped).
void dropPostgresqlDatabaseOf(const std::filesystem::path& data_dir);

// Runs one write statement on `db_url` (a --db URL, or "" for <data_dir>/worktable.db),
// `$1` bound to `param`; returns the number of rows changed. Throws std::runtime_error.
int64_t executeSql(const std::string& db_url, const std::filesystem::path& data_dir, const std::string& sql,
                   const std::string& param);

}  // namespace worktable::testing
