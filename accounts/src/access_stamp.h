// The access stamp: one stored number, changed to a random one by every write that may narrow
// what a session opens (an update or delete of sessions, accounts, memberships; any change of
// workspace members). Sessions and roles once checked are cached under it
// (worktable/tables/stamped_cache.h), so a request reads one row instead of four. Triggers
// change it, so no write path can forget to. Inserts of sessions, accounts and memberships
// leave it: they only grant, and the caches learn only from committed state
// (Connection::hasPendingWrites), so a grant rolled back is never cached. A trigger on them
// would also cost every insert a statement journal (SQLite), a third of an imported line.
#pragma once

#include <initializer_list>
#include <string>

namespace worktable::accounts {

// The function the PostgreSQL triggers call; made with the stamp.
inline constexpr const char* kPostgresqlAccessFunction =
    "CREATE FUNCTION access_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " UPDATE access_stamp SET value = (random() * 9007199254740991)::bigint; RETURN NULL; END $$;";

// SQLite triggers changing the stamp after each of `events` (INSERT, UPDATE, DELETE) on `table`.
std::string sqliteAccessTriggers(const std::string& table, std::initializer_list<const char*> events);
// The PostgreSQL trigger doing the same after `events` ("UPDATE OR DELETE"), per row: a
// statement that changes no row changes no access.
std::string postgresqlAccessTrigger(const std::string& table, const std::string& events);

}  // namespace worktable::accounts
