#include "worktable/testing/http_client.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <csignal>
#include <sstream>
#include <stdexcept>

namespace worktable::testing {
namespace {

constexpr int kTimeoutSeconds = 30;

}  // namespace

std::string Response::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (Poco::icompare(key, name) == 0) return value;
  }
  return {};
}

std::vector<std::string> Response::all(const std::string& name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (Poco::icompare(key, name) == 0) values.push_back(value);
  }
  return values;
}

std::string describe(const Response& response) {
  std::string body = response.body.size() > 2000 ? response.body.substr(0, 2000) + "..." : response.body;
  return "status " + std::to_string(response.status) + ", body " + body;
}

HttpClient::HttpClient(const std::string& host, uint16_t port)
    : session_(std::make_unique<Poco::Net::HTTPClientSession>(host, port)) {
  // A server that closes early must not kill the test process with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  session_->setKeepAlive(true);
  session_->setTimeout(Poco::Timespan(kTimeoutSeconds, 0));
}

Response HttpClient::request(const std::string& method, const std::string& path, const std::string& body,
                             const Headers& headers) {
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  if (!bearer_.empty()) request.set("Authorization", "Bearer " + bearer_);
  for (const auto& [name, value] : headers) request.set(name, value);
  bool has_body = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (has_body) request.setContentLength64(static_cast<Poco::Int64>(body.size()));

  // The server may answer early and close (413 before reading a large body). Poco then
  // refuses to read the answer it did send, so it is read from the socket directly.
  bool sent = true;
  try {
    std::ostream& out = session_->sendRequest(request);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    out.flush();
    sent = out.good() && session_->networkException() == nullptr;
  } catch (const Poco::Exception&) {
    sent = false;
  }
  if (!sent) return readAfterFailedSend();

  Poco::Net::HTTPResponse answer;
  Response response;
  try {
    std::istream& in = session_->receiveResponse(answer);
    std::ostringstream content;
    Poco::StreamCopier::copyStream(in, content);
    response.body = content.str();
  } catch (const Poco::Exception&) {
    if (session_->networkException() != nullptr) return readAfterFailedSend();
    session_->reset();
    throw;
  }
  response.status = static_cast<int>(answer.getStatus());
  for (const auto& [name, value] : answer) response.headers.emplace_back(name, value);
  if (!answer.getKeepAlive()) session_->reset();
  return response;
}

Response HttpClient::readAfterFailedSend() {
  std::string data;
  try {
    Poco::Net::StreamSocket& socket = session_->socket();
    socket.setReceiveTimeout(Poco::Timespan(kTimeoutSeconds, 0));
    char buffer[65536];
    for (int n; (n = socket.receiveBytes(buffer, sizeof buffer)) > 0;) data.append(buffer, static_cast<size_t>(n));
  } catch (const Poco::Exception&) {
    // A reset after the answer: keep what arrived.
  }
  session_->reset();
  std::istringstream in(data);
  Poco::Net::HTTPResponse answer;
  try {
    answer.read(in);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("the server closed the connection without an answer (" + e.displayText() + ")");
  }
  Response response;
  response.status = static_cast<int>(answer.getStatus());
  for (const auto& [name, value] : answer) response.headers.emplace_back(name, value);
  std::ostringstream rest;
  rest << in.rdbuf();
  response.body = rest.str();
  if (answer.hasContentLength() && response.body.size() > static_cast<size_t>(answer.getContentLength64())) {
    response.body.resize(static_cast<size_t>(answer.getContentLength64()));
  }
  return response;
}

Response HttpClient::get(const std::string& path, const Headers& headers) { return request("GET", path, {}, headers); }

Response HttpClient::del(const std::string& path, const Headers& headers) {
  return request("DELETE", path, {}, headers);
}

namespace {

Headers withJson(const Headers& headers) {
  Headers all = {{"Content-Type", "application/json; charset=utf-8"}};
  all.insert(all.end(), headers.begin(), headers.end());
  return all;
}

}  // namespace

Response HttpClient::post(const std::string& path, const Poco::Dynamic::Var& json, const Headers& headers) {
  return request("POST", path, stringify(json), withJson(headers));
}

Response HttpClient::put(const std::string& path, const Poco::Dynamic::Var& json, const Headers& headers) {
  return request("PUT", path, stringify(json), withJson(headers));
}

Response HttpClient::patch(const std::string& path, const Poco::Dynamic::Var& json, const Headers& headers) {
  return request("PATCH", path, stringify(json), withJson(headers));
}

Response HttpClient::postCsv(const std::string& path, const std::string& csv, const Headers& headers) {
  Headers all = {{"Content-Type", "text/csv; charset=utf-8"}};
  all.insert(all.end(), headers.begin(), headers.end());
  return request("POST", path, csv, all);
}

}  // namespace worktable::testing
