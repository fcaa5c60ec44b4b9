// What a handler sees of one HTTP exchange: path parameters, query, the capped body, the
// caller's session, and ways to answer. Errors are thrown as worktable::Error and turned
// into API.md's error shape in one place (sendError). One Context per request.
#pragma once

#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <map>
#include <optional>
#include <string>

#include "worktable/accounts/accounts.h"
#include "worktable/tables/error.h"

namespace worktable::server {

struct Services;

inline constexpr size_t kMaxJsonBody = 1 << 20;         // 1 MiB
inline constexpr size_t kMaxCsvBody = size_t{1} << 30;  // 1 GiB, spooled to disk, never held
inline constexpr const char* kSessionCookie = "wt_session";

class Context {
 public:
  Context(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, Services& services);

  Poco::Net::HTTPServerRequest& request() { return request_; }
  Poco::Net::HTTPServerResponse& response() { return response_; }
  Services& services() { return services_; }
  const std::string& method() const { return request_.getMethod(); }
  const std::string& path() const { return path_; }

  void setParams(std::map<std::string, std::string> params) { params_ = std::move(params); }
  // A numeric path parameter; throws 404 when it is not a number.
  int64_t id(const std::string& name) const;
  // A query parameter, or `fallback`.
  std::string query(const std::string& name, const std::string& fallback = {}) const;
  bool hasQuery(const std::string& name) const;
  // An integer query parameter; throws 400 when it is not one.
  int64_t queryInt(const std::string& name, int64_t fallback) const;

  // The body, at most `limit` bytes; throws 413 beyond.
  std::string body(size_t limit);
  // The body as a JSON object; throws 400 when it is not one.
  Poco::JSON::Object::Ptr json();
  // `text` (a body read earlier) as a JSON object; throws 400 when it is not one.
  static Poco::JSON::Object::Ptr jsonObject(const std::string& text);
  // Feeds `text` to `handler` through Poco's parser and returns what the handler built;
  // throws 400 when the text is empty or not JSON.
  static Poco::Dynamic::Var parseJson(const std::string& text, const Poco::JSON::Handler::Ptr& handler);

  // The caller's session; throws 401 without one, 403 on a cookie call without its CSRF token.
  const accounts::Session& session();
  // The same, read in `tx`, the transaction the handler is about to write in: a write then
  // opens no read transaction of its own (nor takes a reader) to check the session.
  const accounts::Session& session(sql::Tx& tx);
  // Throws 401 when the request carries no token at all (no database call).
  void requireToken() const;
  std::optional<std::string> bearerOrCookieToken() const;
  bool viaCookie() const { return via_cookie_; }

  // Reads what is left of the body after an answer, so that the connection can serve the
  // next request; closes the connection when too much is left.
  void discardUnreadBody();

  void sendJson(int status, const Poco::Dynamic::Var& body);
  // Answers with JSON already written out.
  void sendJsonText(int status, const std::string& body);
  void sendNoContent();
  void sendText(int status, const std::string& content_type, const std::string& body);

 private:
  Poco::Net::HTTPServerRequest& request_;
  Poco::Net::HTTPServerResponse& response_;
  Services& services_;
  std::string path_;
  Poco::URI::QueryParameters query_;
  std::map<std::string, std::string> params_;
  const accounts::Session& checkedSession();
  std::optional<accounts::Session> session_;
  bool via_cookie_ = false;
  bool malformed_uri_ = false;

 public:
  bool malformedUri() const { return malformed_uri_; }
};

// The HTTP status of an error kind.
int statusOf(ErrorKind kind);
// Answers with API.md's error body; logs internal errors.
void sendError(Poco::Net::HTTPServerResponse& response, const Error& error);

// Reads a required string member; throws 400 naming it when absent or not a string.
std::string requireString(const Poco::JSON::Object& object, const std::string& key);
// Reads an optional string member; throws 400 when present and not a string.
std::optional<std::string> optionalString(const Poco::JSON::Object& object, const std::string& key);

}  // namespace worktable::server
