// The long-lived parts a request handler uses, built once at start-up.
#pragma once

#include <filesystem>
#include <memory>

#include "worktable/accounts/accounts.h"
#include "worktable/accounts/outbox.h"
#include "worktable/accounts/sharing.h"
#include "worktable/tables/engine.h"
#include "worktable/validators/administration.h"
#include "worktable/validators/lifecycle.h"
#include "worktable/validators/users_validators.h"
#include "worktable/validators/workspace_sharing.h"

namespace worktable::server {

class Access;
class ImportJobs;

struct Services {
  std::unique_ptr<sql::Database> db;
  std::unique_ptr<tables::Engine> engine;
  std::unique_ptr<accounts::Accounts> accounts;
  std::unique_ptr<accounts::Outbox> outbox;
  std::unique_ptr<validators::Administration> administration;
  std::unique_ptr<validators::UsersContext> users;
  std::unique_ptr<validators::Lifecycle> lifecycle;
  std::unique_ptr<accounts::Sharing> sharing;
  std::unique_ptr<validators::WorkspaceSharing> workspace_sharing;
  std::unique_ptr<Access> access;
  std::unique_ptr<ImportJobs> imports;
  std::filesystem::path data_dir;
  std::filesystem::path web_dir;
};

}  // namespace worktable::server
