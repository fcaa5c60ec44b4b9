// NginxProxy runs Debian's nginx as a child process balancing loopback servers round robin,
// as samples/deploy/nginx.conf does in production: a free port, its own prefix folder
// (removed afterwards), no daemon. Not thread-safe; one owner.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace worktable::testing {

class NginxProxy {
 public:
  // Starts nginx in front of the servers on `ports` and waits (up to 10 s) until it accepts
  // connections; throws std::runtime_error with its error log when it does not.
  explicit NginxProxy(const std::vector<uint16_t>& ports);
  ~NginxProxy();
  NginxProxy(const NginxProxy&) = delete;
  NginxProxy& operator=(const NginxProxy&) = delete;

  uint16_t port() const { return port_; }

 private:
  std::filesystem::path dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace worktable::testing
