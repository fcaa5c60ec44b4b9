#include "router.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <map>

namespace worktable::server {
namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> segments;
  Poco::StringTokenizer tokens(path, "/", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
  for (const std::string& token : tokens) segments.push_back(token);
  return segments;
}

}  // namespace

void Router::add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back(Route{method, split(pattern), std::move(handler)});
}

bool Router::dispatch(Context& context) const {
  std::vector<std::string> segments = split(context.path());
  bool path_known = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& expected = route.segments[i];
      if (expected.size() > 2 && expected.front() == '{' && expected.back() == '}') {
        params[expected.substr(1, expected.size() - 2)] = segments[i];
      } else {
        match = expected == segments[i];
      }
    }
    if (!match) continue;
    path_known = true;
    if (route.method != context.method()) continue;
    context.setParams(std::move(params));
    route.handler(context);
    return true;
  }
  if (path_known) {
    throw Error(ErrorKind::kMethodNotAllowed, "method_not_allowed",
                context.method() + " is not allowed on " + context.path() + ".");
  }
  return false;
}

}  // namespace worktable::server
