// SmtpListener is a minimal SMTP server for the mail tests: it listens on 127.0.0.1, talks to
// one client at a time, accepts every command (220, 250, 354, 221) and records each message
// it receives. Public methods may be called from any thread.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace worktable::testing {

struct SmtpMessage {
  std::string from;                     // the MAIL FROM argument
  std::vector<std::string> recipients;  // the RCPT TO arguments
  std::string data;                     // what came after DATA, dot-stuffing undone, without the final "."
};

class SmtpListener {
 public:
  // Takes 127.0.0.1:`port` (0: a port the kernel picks) and, with `listen_now`, listens on
  // it; throws Poco::Exception when it cannot. Until it listens, connections are refused.
  explicit SmtpListener(uint16_t port = 0, bool listen_now = true);
  // Stops listening and joins the serving thread.
  ~SmtpListener();
  SmtpListener(const SmtpListener&) = delete;
  SmtpListener& operator=(const SmtpListener&) = delete;

  // Starts listening (once); for a listener made with `listen_now` false.
  void listen();
  uint16_t port() const { return port_; }
  // The messages received so far, in order.
  std::vector<SmtpMessage> messages() const;
  // Waits until at least `count` messages arrived or `timeout` passed; returns what arrived.
  std::vector<SmtpMessage> waitForMessages(size_t count, std::chrono::milliseconds timeout) const;

 private:
  void serve();
  void converse(Poco::Net::StreamSocket& client);

  Poco::Net::ServerSocket socket_;
  uint16_t port_ = 0;
  std::atomic<bool> running_{true};
  bool listening_ = false;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<SmtpMessage> messages_;
  std::thread thread_;
};

}  // namespace worktable::testing
