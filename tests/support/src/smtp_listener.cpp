#include "worktable/testing/smtp_listener.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>

#include <cctype>
#include <optional>

namespace worktable::testing {
namespace {

constexpr int kBacklog = 16;
const Poco::Timespan kAcceptPoll(0, 100 * 1000);
const Poco::Timespan kClientTimeout(10, 0);

// Reads CRLF-terminated lines from a socket, keeping what arrives after a line for the next.
class LineReader {
 public:
  explicit LineReader(Poco::Net::StreamSocket& socket) : socket_(socket) {}

  // The next line without its CRLF; nullopt when the client closed or went silent.
  std::optional<std::string> next() {
    for (;;) {
      auto end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return line;
      }
      char chunk[4096];
      int n = 0;
      try {
        n = socket_.receiveBytes(chunk, sizeof chunk);
      } catch (const Poco::Exception&) {
        return std::nullopt;
      }
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  Poco::Net::StreamSocket& socket_;
  std::string buffer_;
};

void reply(Poco::Net::StreamSocket& socket, const std::string& line) {
  std::string text = line + "\r\n";
  socket.sendBytes(text.data(), static_cast<int>(text.size()));
}

bool startsWith(const std::string& line, const std::string& command) {
  if (line.size() < command.size()) return false;
  for (size_t i = 0; i < command.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(line[i])) != command[i]) return false;
  }
  return true;
}

std::string argument(const std::string& line) {
  auto colon = line.find(':');
  std::string value = colon == std::string::npos ? std::string() : line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(' '));
  return value;
}

}  // namespace

SmtpListener::SmtpListener(uint16_t port, bool listen_now) {
  socket_.bind(Poco::Net::SocketAddress("127.0.0.1", port), true);
  port_ = socket_.address().port();
  if (listen_now) listen();
}

void SmtpListener::listen() {
  if (listening_) return;
  listening_ = true;
  socket_.listen(kBacklog);
  thread_ = std::thread([this] { serve(); });
}

SmtpListener::~SmtpListener() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
  socket_.close();
}

std::vector<SmtpMessage> SmtpListener::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::vector<SmtpMessage> SmtpListener::waitForMessages(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
  return messages_;
}

void SmtpListener::serve() {
  while (running_) {
    try {
      if (!socket_.poll(kAcceptPoll, Poco::Net::Socket::SELECT_READ)) continue;
      Poco::Net::StreamSocket client = socket_.acceptConnection();
      client.setReceiveTimeout(kClientTimeout);
      converse(client);
      client.close();
    } catch (const Poco::Exception&) {
      // A client that vanished mid-conversation: wait for the next one.
    }
  }
}

void SmtpListener::converse(Poco::Net::StreamSocket& client) {
  LineReader lines(client);
  reply(client, "220 localhost test SMTP listener");
  SmtpMessage message;
  while (running_) {
    std::optional<std::string> line = lines.next();
    if (!line) return;
    if (startsWith(*line, "QUIT")) {
      reply(client, "221 bye");
      return;
    }
    if (startsWith(*line, "MAIL FROM")) {
      message = SmtpMessage{argument(*line), {}, {}};
      reply(client, "250 sender ok");
    } else if (startsWith(*line, "RCPT TO")) {
      message.recipients.push_back(argument(*line));
      reply(client, "250 recipient ok");
    } else if (startsWith(*line, "DATA")) {
      reply(client, "354 end data with <CR><LF>.<CR><LF>");
      std::string data;
      for (;;) {
        std::optional<std::string> body_line = lines.next();
        if (!body_line) return;  // cut off before the end: the message is not accepted
        if (*body_line == ".") break;
        if (!body_line->empty() && (*body_line)[0] == '.') body_line->erase(0, 1);
        data += *body_line + "\r\n";
      }
      message.data = std::move(data);
      {
        std::lock_guard lock(mutex_);
        messages_.push_back(message);
      }
      arrived_.notify_all();
      reply(client, "250 queued");
    } else {
      reply(client, "250 ok");  // EHLO, HELO, RSET, NOOP ...
    }
  }
}

}  // namespace worktable::testing
