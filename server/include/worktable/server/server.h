// The Worktable HTTP server: opens the store, wires engine, accounts and validators, and
// serves API v1 and the web UI. start() returns once the server accepts connections;
// stop() waits for requests in flight. Not copyable; one per process is the norm.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace worktable::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::filesystem::path data_dir = "data";
  std::string db_url;               // empty: sqlite:<data_dir>/worktable.db
  std::string smtp;                 // HOST:PORT, or empty to write mails under <data_dir>/outbox/
  std::string public_url;           // start of links in mails; empty: http://<host>:<port>
  std::filesystem::path web_dir;    // static files served at /
  std::filesystem::path samples_dir;  // demo data loaded into an empty store
  bool demo = true;                 // create the demo company when the store is empty
  int max_threads = 256;            // one per keep-alive connection (Poco's model)
};

class Server {
 public:
  // Opens and migrates the store; throws worktable::Error when it cannot.
  explicit Server(ServerOptions options);
  ~Server();

  void start();
  void stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace worktable::server
