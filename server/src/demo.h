// Demo data for a newcomer: on a store with no company yet, a demo company with an admin
// account (its password printed once on the console) and a workspace holding the sample
// table of `samples/` (projects.json describes it, projects.csv fills it).
#pragma once

#include <filesystem>
#include <iosfwd>

#include "services.h"

namespace worktable::server {

// Creates the demo when the store holds no company; writes the credentials to `console`.
void createDemoIfEmpty(Services& services, const std::filesystem::path& samples_dir, std::ostream& console);

}  // namespace worktable::server
