// The API's routes, one function per area of API.md. Handlers parse, ask Access, call the
// engine or a store, and render: no SQL and no business rule here.
#pragma once

#include "router.h"

namespace worktable::server {

void addAccountRoutes(Router& router);
void addWorkspaceRoutes(Router& router);
void addRecordRoutes(Router& router);
void addCsvRoutes(Router& router);
void addAdminRoutes(Router& router);
void addSharingRoutes(Router& router);

}  // namespace worktable::server
