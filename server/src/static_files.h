// Serves the web UI's files from one folder, never outside it.
#pragma once

#include "http.h"

namespace worktable::server {

// Answers GET/HEAD of a file under `services.web_dir`; false when there is none.
bool serveStatic(Context& ctx);

}  // namespace worktable::server
