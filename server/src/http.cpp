#include "http.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>

#include <charconv>
#include <iostream>
#include <sstream>

#include "services.h"
#include "worktable/accounts/secrets.h"

namespace worktable::server {
namespace {

bool changesState(const std::string& method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

Error unauthenticated() {
  return Error(ErrorKind::kUnauthenticated, "unauthenticated", "Log in first: the session is missing or has ended.");
}

}  // namespace

Context::Context(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, Services& services)
    : request_(request), response_(response), services_(services) {
  try {
    Poco::URI uri(request.getURI());
    path_ = uri.getPath();
    query_ = uri.getQueryParameters();
  } catch (const Poco::Exception&) {
    malformed_uri_ = true;
  }
}

int64_t Context::id(const std::string& name) const {
  auto found = params_.find(name);
  int64_t value = 0;
  if (found != params_.end()) {
    const std::string& text = found->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && value > 0) return value;
  }
  throw notFound("The resource");
}

std::string Context::query(const std::string& name, const std::string& fallback) const {
  for (const auto& [key, value] : query_) {
    if (key == name) return value;
  }
  return fallback;
}

bool Context::hasQuery(const std::string& name) const {
  for (const auto& entry : query_) {
    if (entry.first == name) return true;
  }
  return false;
}

int64_t Context::queryInt(const std::string& name, int64_t fallback) const {
  if (!hasQuery(name)) return fallback;
  std::string text = query(name);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw badRequest("Query parameter " + name + " must be a whole number, not \"" + text + "\".");
  }
  return value;
}

std::string Context::body(size_t limit) {
  auto too_large = [&] {
    response_.setKeepAlive(false);
    return Error(ErrorKind::kTooLarge, "too_large",
                 "The request body is over " + std::to_string(limit >> 20) + " MiB; send less at once.");
  };
  if (request_.hasContentLength() && request_.getContentLength64() > static_cast<int64_t>(limit)) throw too_large();
  std::string body;
  std::istream& in = request_.stream();
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    body.append(buffer, static_cast<size_t>(in.gcount()));
    if (body.size() > limit) throw too_large();
  }
  return body;
}

Poco::JSON::Object::Ptr Context::json() { return jsonObject(body(kMaxJsonBody)); }

Poco::JSON::Object::Ptr Context::jsonObject(const std::string& text) {
  Poco::Dynamic::Var parsed = parseJson(text, new Poco::JSON::ParseHandler);
  if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) return parsed.extract<Poco::JSON::Object::Ptr>();
  throw badRequest("The body must be a JSON object.");
}

Poco::Dynamic::Var Context::parseJson(const std::string& text, const Poco::JSON::Handler::Ptr& handler) {
  if (text.empty()) throw badRequest("The request needs a JSON object body.");
  try {
    return Poco::JSON::Parser(handler).parse(text);
  } catch (const Poco::Exception& e) {
    throw badRequest("The body is not valid JSON (" + e.message() + "); send a JSON object.");
  }
}

std::optional<std::string> Context::bearerOrCookieToken() const {
  const std::string& authorization = request_.get("Authorization", "");
  if (authorization.rfind("Bearer ", 0) == 0) return authorization.substr(7);
  Poco::Net::NameValueCollection cookies;
  request_.getCookies(cookies);
  if (cookies.has(kSessionCookie)) return cookies.get(kSessionCookie);
  return std::nullopt;
}

const accounts::Session& Context::session() {
  if (session_) return *session_;
  std::optional<std::string> token = bearerOrCookieToken();
  if (token && !token->empty()) {
    session_ = services_.db->read([&](sql::Tx& tx) { return services_.accounts->authenticate(tx, *token); });
  }
  return checkedSession();
}

const accounts::Session& Context::session(sql::Tx& tx) {
  if (session_) return *session_;
  std::optional<std::string> token = bearerOrCookieToken();
  if (token && !token->empty()) session_ = services_.accounts->authenticate(tx, *token);
  return checkedSession();
}

void Context::requireToken() const {
  std::optional<std::string> token = bearerOrCookieToken();
  if (!token || token->empty()) throw unauthenticated();
}

const accounts::Session& Context::checkedSession() {
  via_cookie_ = request_.get("Authorization", "").rfind("Bearer ", 0) != 0;
  if (!session_) throw unauthenticated();
  if (via_cookie_ && changesState(method()) &&
      !accounts::sameSecret(request_.get("X-CSRF-Token", ""), session_->csrf_token)) {
    throw forbidden("csrf_failed", "Send the X-CSRF-Token header that login returned with every change.");
  }
  return *session_;
}

void Context::discardUnreadBody() {
  if (!request_.hasContentLength() && !request_.getChunkedTransferEncoding()) return;
  std::istream& in = request_.stream();
  char buffer[16384];
  size_t discarded = 0;
  while (discarded <= kMaxJsonBody && (in.read(buffer, sizeof buffer) || in.gcount() > 0)) {
    discarded += static_cast<size_t>(in.gcount());
  }
  // What was not read would be taken for the next request: close instead.
  if (!in.eof()) response_.setKeepAlive(false);
}

void Context::sendJson(int status, const Poco::Dynamic::Var& body) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(body, out);
  sendJsonText(status, out.str());
}

void Context::sendJsonText(int status, const std::string& body) {
  sendText(status, "application/json; charset=utf-8", body);
}

void Context::sendNoContent() {
  response_.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
  response_.setContentLength(0);
  response_.send();
}

void Context::sendText(int status, const std::string& content_type, const std::string& body) {
  response_.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response_.setContentType(content_type);
  response_.sendBuffer(body.data(), body.size());
}

int statusOf(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadRequest: return 400;
    case ErrorKind::kUnauthenticated: return 401;
    case ErrorKind::kForbidden: return 403;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kMethodNotAllowed: return 405;
    case ErrorKind::kConflict: return 409;
    case ErrorKind::kTooLarge: return 413;
    case ErrorKind::kInvalidValue: return 422;
    case ErrorKind::kInternal: return 500;
  }
  return 500;
}

void sendError(Poco::Net::HTTPServerResponse& response, const Error& error) {
  Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
  if (error.kind() == ErrorKind::kInternal) {
    std::cerr << "internal error: " << error.what() << std::endl;
    detail.set("code", "internal");
    detail.set("message", "Something went wrong on the server; try again, and tell us if it persists.");
  } else {
    detail.set("code", error.code());
    detail.set("message", std::string(error.what()));
    if (!error.field().empty()) detail.set("field", error.field());
  }
  Poco::JSON::Object body;
  body.set("error", detail);
  std::ostringstream out;
  body.stringify(out);
  std::string text = out.str();
  if (response.sent()) return;
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(statusOf(error.kind())));
  response.setContentType("application/json; charset=utf-8");
  response.sendBuffer(text.data(), text.size());
}

std::string requireString(const Poco::JSON::Object& object, const std::string& key) {
  std::optional<std::string> value = optionalString(object, key);
  if (!value) throw Error(ErrorKind::kBadRequest, "bad_request", "The body needs \"" + key + "\" (text).", key);
  return *value;
}

std::optional<std::string> optionalString(const Poco::JSON::Object& object, const std::string& key) {
  if (!object.has(key) || object.isNull(key)) return std::nullopt;
  Poco::Dynamic::Var value = object.get(key);
  if (!value.isString()) throw Error(ErrorKind::kBadRequest, "bad_request", "\"" + key + "\" must be text.", key);
  return value.extract<std::string>();
}

}  // namespace worktable::server
