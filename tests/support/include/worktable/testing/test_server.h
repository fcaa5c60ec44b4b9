// TestServer runs the real worktable binary as a child process for one test suite: a free
// loopback port, a fresh data folder (removed afterwards unless WORKTABLE_KEEP_TEST_DATA is
// set), stdout and stderr captured in <data>/server.log. On PostgreSQL (test_database.h) the
// server also gets a database of its own, dropped with the folder. Not thread-safe; one owner.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace worktable::testing {

struct TestServerOptions {
  bool demo = false;                    // let the server create its demo company
  std::vector<std::string> extra_args;  // appended to the command line
  std::filesystem::path data_dir;       // use this folder, kept afterwards (default: a fresh one, removed)
  std::filesystem::path database_of;    // share the database of the server on this data folder
};

class TestServer {
 public:
  // Starts the server and waits (up to 10 s) for GET /healthz to answer 200; throws
  // std::runtime_error with the server's output when it does not.
  explicit TestServer(TestServerOptions options = {});
  // Stops the server (SIGTERM, then SIGKILL after 5 s) and removes the data folder.
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }
  const std::filesystem::path& dataDir() const { return data_dir_; }
  // The --db URL the server runs on; empty for the default SQLite file in the data folder
  // (unless TestServerOptions::database_of names another server's).
  const std::string& databaseUrl() const { return db_url_; }
  // Runs one write statement on the server's database behind its back (`$1` bound to
  // `param`; SQL that both stores read); returns the rows changed. Throws std::runtime_error.
  int64_t execute(const std::string& sql, const std::string& param = "") const;
  // Everything the server wrote to stdout and stderr so far.
  std::string output() const;
  // True while the child process runs.
  bool running();
  // Stops the server as an operator would (SIGTERM, then SIGKILL after 5 s); the data stays.
  void stop();
  // Ends the server at once (SIGKILL), as a crash or a power cut would; the data stays.
  void kill();

 private:
  bool launch(const TestServerOptions& options);
  void dropDatabase() noexcept;

  std::string host_ = "127.0.0.1";
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::filesystem::path data_dir_;
  std::filesystem::path log_path_;
  std::string db_url_;
  bool owns_data_dir_ = true;  // false when the caller named the folder
};

// A loopback port that was free a moment ago (bind port 0, read what the kernel chose).
uint16_t freePort();

// The path of the worktable binary the tests run (compiled in).
const char* worktableBinary();

}  // namespace worktable::testing
