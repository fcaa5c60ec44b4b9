#include "worktable/testing/test_server.h"

#include "worktable/testing/test_database.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace worktable::testing {

uint16_t freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::string error = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("cannot find a free port: " + error);
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(5);
constexpr int kLaunchAttempts = 3;

std::filesystem::path makeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "worktable-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  }
  return pattern;
}

bool healthy(const std::string& host, uint16_t port) {
  try {
    Poco::Net::HTTPClientSession session(host, port);
    session.setTimeout(Poco::Timespan(1, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::ostringstream ignored;
    Poco::StreamCopier::copyStream(in, ignored);
    return response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK;
  } catch (const Poco::Exception&) {
    return false;
  }
}

}  // namespace

const char* worktableBinary() { return WORKTABLE_BINARY; }

TestServer::TestServer(TestServerOptions options) {
  owns_data_dir_ = options.data_dir.empty();
  data_dir_ = owns_data_dir_ ? makeTempDir() : options.data_dir;
  log_path_ = data_dir_ / "server.log";
  if (testsOnPostgresql()) {
    db_url_ = postgresqlDatabaseFor(options.database_of.empty() ? data_dir_ : options.database_of);
  } else if (!options.database_of.empty()) {
    db_url_ = "sqlite:" + (options.database_of / "worktable.db").string();
  }
  for (int attempt = 0; attempt < kLaunchAttempts; ++attempt) {
    if (launch(options)) return;
  }
  std::string log = output();
  stop();
  std::error_code ignored;
  if (owns_data_dir_) {
    dropDatabase();
    std::filesystem::remove_all(data_dir_, ignored);
  }
  throw std::runtime_error(std::string("worktable did not become ready: ") + worktableBinary() + "\n" + log);
}

TestServer::~TestServer() {
  stop();
  if (owns_data_dir_ && std::getenv("WORKTABLE_KEEP_TEST_DATA") == nullptr) {
    dropDatabase();
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }
}

// One try on one port; false when the server did not answer in time (or exited, e.g.
// because another process took the port meanwhile).
bool TestServer::launch(const TestServerOptions& options) {
  port_ = freePort();
  std::vector<std::string> args = {worktableBinary(), "--port",          std::to_string(port_), "--host", host_,
                                   "--data",          data_dir_.string()};
  if (!db_url_.empty()) {
    args.push_back("--db");
    args.push_back(db_url_);
  }
  if (!options.demo) args.push_back("--no-demo");
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  int failed = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) {
    pid_ = -1;
    throw std::runtime_error(std::string("cannot start ") + argv[0] + ": " + std::strerror(failed));
  }

  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return false;
    if (healthy(host_, port_)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  return false;
}

bool TestServer::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_ || done < 0) {
    pid_ = -1;
    return false;
  }
  return true;
}

void TestServer::stop() {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int64_t TestServer::execute(const std::string& sql, const std::string& param) const {
  return executeSql(db_url_, data_dir_, sql, param);
}

void TestServer::dropDatabase() noexcept {
  // Only the database this server's folder created (a shared one belongs to its first server).
  if (db_url_.rfind("postgresql://", 0) != 0) return;
  try {
    dropPostgresqlDatabaseOf(data_dir_);
  } catch (const std::exception&) {
    // The throwaway cluster goes away with the test run anyway.
  }
}

void TestServer::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string TestServer::output() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace worktable::testing
