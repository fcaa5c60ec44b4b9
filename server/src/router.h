// Sends each request to the handler of its method and path pattern ("/api/v1/tables/{tid}").
// Routes are added at start-up and read concurrently afterwards.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http.h"

namespace worktable::server {

class Router {
 public:
  using Handler = std::function<void(Context&)>;

  void add(const std::string& method, const std::string& pattern, Handler handler);
  // True when a route matched (and ran); throws 405 for a known path with another method.
  bool dispatch(Context& context) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace worktable::server
