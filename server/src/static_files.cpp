#include "static_files.h"

#include <Poco/File.h>

#include <fstream>
#include <sstream>

#include "services.h"

namespace worktable::server {
namespace {

std::string contentType(const std::filesystem::path& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".ico", "image/x-icon"}, {".csv", "text/csv; charset=utf-8"}, {".woff2", "font/woff2"},
  };
  auto found = kTypes.find(path.extension().string());
  return found == kTypes.end() ? "application/octet-stream" : found->second;
}

}  // namespace

bool serveStatic(Context& ctx) {
  if (ctx.method() != "GET" && ctx.method() != "HEAD") return false;
  if (ctx.services().web_dir.empty()) return false;
  std::string relative = ctx.path();
  if (relative.empty() || relative.back() == '/') relative += "index.html";
  std::filesystem::path root = std::filesystem::weakly_canonical(ctx.services().web_dir);
  std::filesystem::path file = std::filesystem::weakly_canonical(root / relative.substr(1));
  auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (root_end != root.end() || !std::filesystem::is_regular_file(file)) return false;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  Poco::Net::HTTPServerResponse& response = ctx.response();
  response.set("Cache-Control", "no-cache");
  ctx.sendText(200, contentType(file), content.str());
  return true;
}

}  // namespace worktable::server
