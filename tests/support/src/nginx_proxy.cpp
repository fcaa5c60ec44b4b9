#include "worktable/testing/nginx_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "worktable/testing/test_server.h"

namespace worktable::testing {
namespace {

bool accepts(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

NginxProxy::NginxProxy(const std::vector<uint16_t>& ports) {
  std::string pattern = (std::filesystem::temp_directory_path() / "worktable-nginx-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  port_ = freePort();
  std::ofstream conf(dir_ / "nginx.conf");
  // `user root` keeps the workers able to use the prefix folder when the tests run as root
  // (nginx ignores it, with a notice, otherwise).
  conf << "user root;\nworker_processes 1;\ndaemon off;\npid " << (dir_ / "nginx.pid").string() << ";\n"
       << "error_log " << (dir_ / "error.log").string() << ";\nevents { worker_connections 512; }\n"
       << "http {\n  access_log off;\n"
       << "  client_body_temp_path " << (dir_ / "body").string() << ";\n"
       << "  proxy_temp_path " << (dir_ / "proxy").string() << ";\n"
       << "  fastcgi_temp_path " << (dir_ / "fastcgi").string() << ";\n"
       << "  uwsgi_temp_path " << (dir_ / "uwsgi").string() << ";\n"
       << "  scgi_temp_path " << (dir_ / "scgi").string() << ";\n"
       << "  upstream worktable {\n";
  for (uint16_t port : ports) conf << "    server 127.0.0.1:" << port << ";\n";
  conf << "    keepalive 16;\n  }\n"
       << "  server {\n    listen 127.0.0.1:" << port_ << ";\n    client_max_body_size 0;\n"
       << "    location / {\n      proxy_pass http://worktable;\n      proxy_http_version 1.1;\n"
       << "      proxy_set_header Connection \"\";\n      proxy_set_header Host $host;\n    }\n  }\n}\n";
  conf.close();
  pid_ = ::fork();
  if (pid_ == 0) {
    std::string prefix = dir_.string() + "/", file = (dir_ / "nginx.conf").string();
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl("/usr/sbin/nginx", "nginx", "-p", prefix.c_str(), "-c", file.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!accepts(port_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_ || std::chrono::steady_clock::now() > deadline) {
      pid_ = -1;
      std::string log = readFile(dir_ / "error.log");
      throw std::runtime_error("nginx did not start (is Debian's nginx installed?): " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

NginxProxy::~NginxProxy() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace worktable::testing
