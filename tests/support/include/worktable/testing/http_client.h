// HttpClient talks HTTP/1.1 to a test server over one keep-alive connection (reopened when
// the server closes it). It may carry a bearer token and extra headers sent with every call.
// One client per test; not thread-safe.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "worktable/testing/json.h"

namespace worktable::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 0;
  Headers headers;
  std::string body;

  // The first header of that name (ignoring case), or "".
  std::string header(const std::string& name) const;
  // Every header of that name (ignoring case), in order.
  std::vector<std::string> all(const std::string& name) const;
  // The body parsed as JSON (invalid when it is not).
  Json json() const { return Json::parse(body); }
};

// "status 404, body {...}": for assertion messages.
std::string describe(const Response& response);

class HttpClient {
 public:
  HttpClient(const std::string& host, uint16_t port);

  // Sends one request and reads the whole answer. Throws Poco::Exception when the server
  // cannot be reached.
  Response request(const std::string& method, const std::string& path, const std::string& body = {},
                   const Headers& headers = {});

  Response get(const std::string& path, const Headers& headers = {});
  Response del(const std::string& path, const Headers& headers = {});
  // These send `json` stringified, as application/json.
  Response post(const std::string& path, const Poco::Dynamic::Var& json, const Headers& headers = {});
  Response put(const std::string& path, const Poco::Dynamic::Var& json, const Headers& headers = {});
  Response patch(const std::string& path, const Poco::Dynamic::Var& json, const Headers& headers = {});
  // Sends `csv` as text/csv.
  Response postCsv(const std::string& path, const std::string& csv, const Headers& headers = {});

  // Sends "Authorization: Bearer <token>" from now on (empty: stop sending it).
  void setBearer(std::string token) { bearer_ = std::move(token); }
  const std::string& bearer() const { return bearer_; }

 private:
  // The answer of a server that closed while the request was being sent.
  Response readAfterFailedSend();

  std::unique_ptr<Poco::Net::HTTPClientSession> session_;  // unique_ptr: keeps the client movable
  std::string bearer_;
};

}  // namespace worktable::testing
