// The catalog half of the engine: companies, workspaces, tables and fields.
#include "worktable/tables/engine.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

#include "table_sql.h"
#include "worktable/tables/clock.h"
#include "worktable/tables/error.h"
#include "worktable/tables/migrations.h"
#include "worktable/tables/text.h"

namespace worktable::tables {
namespace {

const std::vector<sql::Step> kMigrations = {
    "CREATE TABLE companies (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,"
    " created_at TEXT NOT NULL);"
    "CREATE TABLE workspaces (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " company_id INTEGER NOT NULL REFERENCES companies(id), name TEXT NOT NULL,"
    " created_by TEXT NOT NULL, created_at TEXT NOT NULL);"
    "CREATE INDEX workspaces_company ON workspaces(company_id);"
    "CREATE TABLE tables (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " workspace_id INTEGER NOT NULL REFERENCES workspaces(id), name TEXT NOT NULL COLLATE UNICASE,"
    " kind TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, UNIQUE (workspace_id, name));"
    "CREATE TABLE fields (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " table_id INTEGER NOT NULL REFERENCES tables(id), name TEXT NOT NULL COLLATE UNICASE,"
    " type TEXT NOT NULL, options TEXT NOT NULL DEFAULT '[]', read_only INTEGER NOT NULL DEFAULT 0,"
    " position INTEGER NOT NULL, UNIQUE (table_id, name));"
    "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, table_id INTEGER NOT NULL,"
    " record_id INTEGER NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, changes TEXT NOT NULL);"
    "CREATE INDEX history_record ON history(table_id, record_id, id);",
    // Changes whenever a table's fields do, so that a cached copy of them can be checked.
    "ALTER TABLE tables ADD COLUMN fields_stamp INTEGER NOT NULL DEFAULT 0",
    // History rows are never deleted, so a plain INTEGER PRIMARY KEY never reuses an id
    // either. AUTOINCREMENT made SQLite scan sqlite_sequence, a row for every table that has
    // it (each user table too), then write it back, at every change: a fifth of a history
    // insert, 5% of an import's instructions with outbox (callgrind). PostgreSQL has no
    // sqlite_sequence.
    sql::sqliteRebuild("history",
                       "id INTEGER PRIMARY KEY, table_id INTEGER NOT NULL, record_id INTEGER NOT NULL,"
                       " at TEXT NOT NULL, actor TEXT NOT NULL, changes TEXT NOT NULL",
                       "CREATE INDEX history_record ON history(table_id, record_id, id);"),
    // A field's column gets its index when first sorted on or used as an import's key
    // (Engine::index), not when made: every index is paid at every write of the field, and
    // most fields are never sorted on. Fields made before this step had one made with them.
    "ALTER TABLE fields ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1",
};

constexpr size_t kMaxNameBytes = 200;

std::string checkedName(const std::string& name, const std::string& what) {
  auto begin = name.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    throw invalidValue("invalid_name", "Give the " + what + " a name.", "name");
  }
  auto end = name.find_last_not_of(" \t\r\n");
  std::string trimmed = name.substr(begin, end - begin + 1);
  if (trimmed.size() > kMaxNameBytes) {
    throw invalidValue("invalid_name", "A " + what + " name has at most 200 bytes; shorten \"" +
                                           trimmed.substr(0, 40) + "...\".", "name");
  }
  return trimmed;
}

std::string optionsJson(const std::vector<std::string>& options) {
  Poco::JSON::Array array;
  for (const std::string& option : options) array.add(option);
  std::ostringstream out;
  array.stringify(out);
  return out.str();
}

std::vector<std::string> parseOptions(const std::string& json) {
  std::vector<std::string> options;
  if (json == "[]") return options;
  Poco::JSON::Array::Ptr array = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
  for (size_t i = 0; i < array->size(); ++i) options.push_back(array->getElement<std::string>(i));
  return options;
}

FieldSpec checkedField(const FieldSpec& spec) {
  FieldSpec field = spec;
  field.name = checkedName(spec.name, "field");
  if (field.type == FieldType::kSelect) {
    std::set<std::string> seen;
    for (const std::string& option : field.options) {
      if (option.empty()) {
        throw invalidValue("invalid_options", "Field \"" + field.name + "\" has an empty option; remove it.",
                           field.name);
      }
      if (!seen.insert(option).second) {
        throw invalidValue("invalid_options",
                           "Field \"" + field.name + "\" lists \"" + option + "\" twice; keep one.", field.name);
      }
    }
  } else if (!field.options.empty()) {
    throw invalidValue("invalid_options",
                       "Only select fields have options; remove them from \"" + field.name + "\".", field.name);
  }
  return field;
}

Field insertField(Tx& tx, Id table_id, const FieldSpec& spec, int position) {
  {
    sql::Query clash = tx.query("SELECT name FROM fields WHERE table_id = ?1 AND name = ?2", table_id, spec.name);
    if (clash.next()) {
      throw conflict("duplicate_name", "This table already has a field \"" + clash.getText(0) +
                                           "\"; choose another name.", "name");
    }
  }
  Id id = tx.insert(
      "INSERT INTO fields (table_id, name, type, options, read_only, position, indexed)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
      table_id, spec.name, typeName(spec.type), optionsJson(spec.options), spec.read_only, position);
  Field field{id, spec.name, spec.type, spec.options, spec.read_only, false};
  return field;
}

// A random stamp rather than a counter: a schema change rolled back must not leave its stamp
// to a later, different one, or a copy cached inside that transaction would pass for current.
int64_t newStamp() {
  static std::mutex mutex;
  static std::mt19937_64 generator{std::random_device{}()};
  std::lock_guard lock(mutex);
  return static_cast<int64_t>(generator() >> 2);
}

void addColumn(Tx& tx, Id table_id, const Field& field) {
  tx.exec("ALTER TABLE " + tableName(table_id) + " ADD COLUMN " + columnName(field.id) + " " +
          columnType(field.type));
  tx.run("UPDATE tables SET fields_stamp = ?1 WHERE id = ?2", newStamp(), table_id);
}

}  // namespace

Engine::Engine(sql::Database& db) : db_(db) {
  db_.write([](Tx& tx) { sql::migrate(tx, "tables", kMigrations); });
}

void Engine::addValidator(const std::string& kind, std::shared_ptr<const Validator> validator) {
  std::unique_lock lock(validators_mutex_);
  validators_[kind].push_back(std::move(validator));
}

std::vector<std::shared_ptr<const Validator>> Engine::validatorsOf(const std::string& kind) const {
  std::shared_lock lock(validators_mutex_);
  auto found = validators_.find(kind);
  return found == validators_.end() ? std::vector<std::shared_ptr<const Validator>>{} : found->second;
}

Company Engine::createCompany(Tx& tx, const std::string& name) {
  std::string checked = checkedName(name, "company");
  return Company{tx.insert("INSERT INTO companies (name, created_at) VALUES (?1, ?2)", checked, nowIso()), checked};
}

std::optional<Company> Engine::company(Tx& tx, Id id) const {
  sql::Query q = tx.query("SELECT name FROM companies WHERE id = ?1", id);
  if (!q.next()) return std::nullopt;
  return Company{id, q.getText(0)};
}

Workspace Engine::createWorkspace(Tx& tx, Id company_id, const std::string& name, const std::string& actor) {
  std::string checked = checkedName(name, "workspace");
  Id id = tx.insert("INSERT INTO workspaces (company_id, name, created_by, created_at) VALUES (?1, ?2, ?3, ?4)",
                    company_id, checked, actor, nowIso());
  return Workspace{id, company_id, checked, actor};
}

std::optional<Workspace> Engine::workspace(Tx& tx, Id id) const {
  sql::Query q = tx.query("SELECT company_id, name, created_by FROM workspaces WHERE id = ?1", id);
  if (!q.next()) return std::nullopt;
  return Workspace{id, q.getInt(0), q.getText(1), q.getText(2)};
}

std::vector<Workspace> Engine::workspaces(Tx& tx, Id company_id) const {
  std::vector<Workspace> result;
  sql::Query q = tx.query("SELECT id, name, created_by FROM workspaces WHERE company_id = ?1 ORDER BY id", company_id);
  while (q.next()) result.push_back(Workspace{q.getInt(0), company_id, q.getText(1), q.getText(2)});
  return result;
}

Table Engine::createTable(Tx& tx, Id workspace_id, const TableSpec& spec) {
  std::optional<Workspace> owner = workspace(tx, workspace_id);
  if (!owner) throw notFound("Workspace " + std::to_string(workspace_id));
  std::string name = checkedName(spec.name, "table");
  std::vector<FieldSpec> fields;
  std::set<std::string> seen;
  for (const FieldSpec& field : spec.fields) {
    fields.push_back(checkedField(field));
    std::string key = foldCase(fields.back().name);
    if (!seen.insert(key).second) {
      throw conflict("duplicate_name", "Two fields are called \"" + fields.back().name + "\"; rename one.", "fields");
    }
  }
  {
    sql::Query clash = tx.query("SELECT name FROM tables WHERE workspace_id = ?1 AND name = ?2", workspace_id, name);
    if (clash.next()) {
      throw conflict("duplicate_name", "This workspace already has a table \"" + clash.getText(0) +
                                           "\"; choose another name.", "name");
    }
  }
  Id id = tx.insert("INSERT INTO tables (workspace_id, name, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
                    workspace_id, name, spec.kind, nowIso());
  Table table{id, workspace_id, owner->company_id, name, spec.kind, {}};
  // On SQLite the engine gives record ids (Engine::apply): AUTOINCREMENT made every insert
  // scan sqlite_sequence, a row per table that has it, up to the table's own row, so a table
  // made after a thousand others paid about 50 us an insert. PostgreSQL has identity columns.
  tx.exec("CREATE TABLE " + tableName(table.id) + " (id INTEGER PRIMARY KEY" +
          (tx.backend() == sql::Backend::kSqlite ? "" : " AUTOINCREMENT") + ", version INTEGER NOT NULL)");
  for (const FieldSpec& field : fields) {
    table.fields.push_back(insertField(tx, table.id, field, static_cast<int>(table.fields.size())));
    addColumn(tx, table.id, table.fields.back());
  }
  return table;
}

std::optional<Table> Engine::table(Tx& tx, Id id) const {
  int64_t stamp = 0;
  {
    sql::Query q = tx.query("SELECT fields_stamp FROM tables WHERE id = ?1", id);
    if (!q.next()) return std::nullopt;
    stamp = q.getInt(0);
  }
  // A table's name, kind and workspace never change, its fields change the stamp.
  if (std::optional<Table> cached = tables_cache_.find(id, stamp)) return cached;
  std::optional<Table> table;
  {
    sql::Query q = tx.query(
        "SELECT t.workspace_id, w.company_id, t.name, t.kind FROM tables t"
        " JOIN workspaces w ON w.id = t.workspace_id WHERE t.id = ?1", id);
    if (!q.next()) return std::nullopt;
    table = Table{id, q.getInt(0), q.getInt(1), q.getText(2), q.getText(3), {}};
  }
  sql::Query q = tx.query(
      "SELECT id, name, type, options, read_only, indexed FROM fields WHERE table_id = ?1 ORDER BY position", id);
  std::vector<Field> fields;
  while (q.next()) {
    fields.push_back(Field{q.getInt(0), q.getText(1), typeFromName(q.getText(2)).value_or(FieldType::kText),
                           parseOptions(q.getText(3)), q.getInt(4) != 0, q.getInt(5) != 0});
  }
  table->fields = std::move(fields);
  tables_cache_.put(id, stamp, *table);
  return table;
}

std::vector<Table> Engine::tables(Tx& tx, Id workspace_id) const {
  std::vector<Id> ids;
  {
    sql::Query q = tx.query("SELECT id FROM tables WHERE workspace_id = ?1 ORDER BY id", workspace_id);
    while (q.next()) ids.push_back(q.getInt(0));
  }
  std::vector<Table> result;
  for (Id id : ids) result.push_back(*table(tx, id));
  return result;
}

Field Engine::addField(Tx& tx, Id table_id, const FieldSpec& spec) {
  std::optional<Table> existing = table(tx, table_id);
  if (!existing) throw notFound("Table " + std::to_string(table_id));
  Field field = insertField(tx, table_id, checkedField(spec), static_cast<int>(existing->fields.size()));
  addColumn(tx, table_id, field);
  return field;
}

bool Engine::index(Tx& tx, const Table& table, const std::string& name) const {
  const Field* field = table.field(name);
  if (!field) throw notFound("Field \"" + name + "\"");
  if (field->indexed) return false;
  {
    // `table` may be a copy older than the index.
    sql::Query q = tx.query("SELECT indexed FROM fields WHERE id = ?1", field->id);
    if (!q.next() || q.getInt(0) != 0) return false;
  }
  // Claiming the flag first: a second server doing the same waits on the row, then finds
  // it claimed, instead of racing to make the same index.
  if (tx.run("UPDATE fields SET indexed = 1 WHERE id = ?1 AND indexed = 0", field->id) == 0) return false;
  tx.exec("CREATE INDEX \"t" + std::to_string(table.id) + "_f" + std::to_string(field->id) + "\" ON " +
          tableName(table.id) + " (" + columnName(field->id) + ")");
  tx.run("UPDATE tables SET fields_stamp = ?1 WHERE id = ?2", newStamp(), table.id);
  return true;
}

bool Engine::needsIndex(const Table& table, const RecordQuery& query) {
  checkQuery(table, query);
  const Field* field = query.sort.empty() ? nullptr : table.field(query.sort);
  return field && !field->indexed;
}

}  // namespace worktable::tables
