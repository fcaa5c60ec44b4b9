// The record half of the engine: the one change path, reads, and history.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <charconv>
#include <sstream>

#include "table_sql.h"
#include "worktable/tables/clock.h"
#include "worktable/tables/engine.h"
#include "worktable/tables/error.h"
#include "worktable/tables/text.h"

namespace worktable::tables {
namespace {

Value fromVar(const Poco::Dynamic::Var& var) {
  if (var.isEmpty()) return Value();
  if (var.type() == typeid(bool)) return var.extract<bool>();
  if (var.isString()) return var.extract<std::string>();
  if (var.isNumeric()) return var.convert<double>();
  return var.convert<std::string>();
}

// {"field": [before, after], ...} for the fields at `changed` (indexes in the table's
// fields, whose values after the change are `values`), written out by hand: building Poco
// JSON objects for it took a tenth of an import's time.
std::string historyJson(const Change& change, const std::vector<size_t>& changed,
                        const std::vector<const Value*>& values) {
  std::string out = "{";
  for (size_t i : changed) {
    const std::string& field = change.table->fields[i].name;
    if (out.size() > 1) out += ',';
    appendJsonString(out, field);
    out += ":[";
    appendJson(out, change.old(field));
    out += ',';
    appendJson(out, *values[i]);
    out += ']';
  }
  return out + "}";
}

Values nullValues(const Table& table) {
  Values values;
  for (const Field& field : table.fields) values[field.name] = Value();
  return values;
}

// The SQL of a table's row inserts, reads, updates and key lookups, made once per table
// shape and thread: building the text per line (or PATCH) cost allocations, and the
// statement cache then hashed it.
struct TableSql {
  Id table_id = 0;
  sql::Backend backend = sql::Backend::kSqlite;
  std::vector<Id> field_ids;
  std::string insert;
  Id find_field = 0;
  std::string find;
  std::string record;  // one record by id
  // By the positions (in the table's fields) of the columns an update sets; a few at most.
  std::vector<std::pair<std::vector<size_t>, std::string>> updates;
};

constexpr size_t kMaxUpdateShapes = 16;

TableSql& tableSql(const Table& table, sql::Backend backend) {
  thread_local TableSql last;
  bool same = last.table_id == table.id && last.backend == backend && last.field_ids.size() == table.fields.size() &&
              std::equal(table.fields.begin(), table.fields.end(), last.field_ids.begin(),
                         [](const Field& field, Id id) { return field.id == id; });
  if (same) return last;
  TableSql made{table.id, backend, {}, {}, 0, {}, {}, {}};
  std::string columns = "version", params = "1";
  for (size_t i = 0; i < table.fields.size(); ++i) {
    made.field_ids.push_back(table.fields[i].id);
    columns += ", " + columnName(table.fields[i].id);
    params += ", ?" + std::to_string(i + 1);
  }
  if (backend == sql::Backend::kSqlite) {
    // The engine gives record ids (see Engine::createTable): one above every id the table
    // ever gave, as a deleted record's id lives on in its history. Inside the INSERT, not
    // a statement before it: one statement less a record (1.5% of an import line).
    columns = "id, " + columns;
    params = "max(coalesce((SELECT max(id) FROM " + tableName(table.id) +
             "), 0), coalesce((SELECT max(record_id) FROM history WHERE table_id = " + std::to_string(table.id) +
             "), 0)) + 1, " + params;
  }
  made.insert = "INSERT INTO " + tableName(table.id) + " (" + columns + ") VALUES (" + params + ")";
  last = std::move(made);
  return last;
}

const std::string& findSql(const Table& table, const Field& field, sql::Backend backend) {
  TableSql& sql = tableSql(table, backend);
  if (sql.find_field != field.id || sql.find.empty()) {
    sql.find_field = field.id;
    sql.find = "SELECT " + recordColumns(table) + " FROM " + tableName(table.id) + " WHERE " + columnName(field.id) +
               " = ?1 ORDER BY id";
  }
  return sql.find;
}

const std::string& recordSql(const Table& table, sql::Backend backend) {
  TableSql& sql = tableSql(table, backend);
  if (sql.record.empty()) {
    sql.record = "SELECT " + recordColumns(table) + " FROM " + tableName(table.id) + " WHERE id = ?1";
  }
  return sql.record;
}

// Sets only the columns at `columns`: SQLite rewrites the index entry of every column named
// in SET, changed or not.
const std::string& updateSql(const Table& table, sql::Backend backend, const std::vector<size_t>& columns) {
  TableSql& sql = tableSql(table, backend);
  for (const auto& [shape, text] : sql.updates) {
    if (shape == columns) return text;
  }
  std::string sets = "version = version + 1";
  for (size_t i = 0; i < columns.size(); ++i) {
    sets += ", " + columnName(table.fields[columns[i]].id) + " = ?" + std::to_string(i + 1);
  }
  if (sql.updates.size() >= kMaxUpdateShapes) sql.updates.clear();
  sql.updates.emplace_back(columns, "UPDATE " + tableName(table.id) + " SET " + sets + " WHERE id = ?" +
                                        std::to_string(columns.size() + 1));
  return sql.updates.back().second;
}

Change makeChange(ChangeKind kind, const Table& table, const std::string& actor) {
  Change change;
  change.kind = kind;
  change.table = &table;
  change.actor = actor;
  return change;
}

}  // namespace

std::string columnType(FieldType type) {
  switch (type) {
    case FieldType::kNumber: return "REAL";
    case FieldType::kCheckbox: return "INTEGER";
    default: return "TEXT COLLATE UNICASE";
  }
}

// Text is borrowed: every caller steps the statement to its end while `value` lives.
void bindValue(sql::Statement& statement, int index, const Value& value) {
  if (const bool* flag = std::get_if<bool>(&value)) statement.bind(index, *flag);
  else if (const double* number = std::get_if<double>(&value)) statement.bind(index, *number);
  else if (const std::string* text = std::get_if<std::string>(&value)) statement.bindBorrowed(index, *text);
  else statement.bindNull(index);
}

Value readValue(const sql::Query& query, int column, FieldType type) {
  if (query.isNull(column)) return Value();
  switch (type) {
    case FieldType::kNumber: return query.getDouble(column);
    case FieldType::kCheckbox: return query.getInt(column) != 0;
    default: return query.getText(column);
  }
}

std::string recordColumns(const Table& table) {
  std::string columns = "id, version";
  for (const Field& field : table.fields) columns += ", " + columnName(field.id);
  return columns;
}

Record readRecord(const sql::Query& query, const Table& table) {
  Record record{query.getInt(0), query.getInt(1), {}, {}};
  int column = 2;
  for (const Field& field : table.fields) record.values[field.name] = readValue(query, column++, field.type);
  return record;
}

Record Engine::insert(Tx& tx, const Table& table, const Values& values, const std::string& actor, Trial* trial) {
  return insertChange(tx, table, values, actor, false, trial);
}

Record Engine::insertAsSystem(Tx& tx, const Table& table, const Values& values, const std::string& actor) {
  return insertChange(tx, table, values, actor, true, nullptr);
}

Record Engine::insertChange(Tx& tx, const Table& table, const Values& values, const std::string& actor,
                            bool system, Trial* trial) {
  Change change = makeChange(ChangeKind::kInsert, table, actor);
  change.after = nullValues(table);
  change.system = system;
  change.trial = trial;
  for (const auto& [name, value] : values) {
    change.after[name] = value;
    change.written.push_back(name);
  }
  return apply(tx, change);
}

Record Engine::update(Tx& tx, const Table& table, Id record_id, const Values& values,
                      std::optional<int64_t> version, const std::string& actor, Trial* trial) {
  std::optional<Record> stored = record(tx, table, record_id);
  if (!stored) throw notFound("Record " + std::to_string(record_id));
  if (version && *version != stored->version) {
    throw conflict("stale_version", "Record " + std::to_string(record_id) +
                                        " was changed meanwhile (it is at version " + std::to_string(stored->version) +
                                        ", you sent " + std::to_string(*version) +
                                        "). Reload it and apply your change again.");
  }
  Change change = makeChange(ChangeKind::kUpdate, table, actor);
  change.record_id = record_id;
  change.version = stored->version;
  change.trial = trial;
  change.before = stored->values;
  change.after = stored->values;
  for (const auto& [name, value] : values) {
    change.after[name] = value;
    change.written.push_back(name);
  }
  return apply(tx, change);
}

void Engine::remove(Tx& tx, const Table& table, Id record_id, const std::string& actor) {
  removeChange(tx, table, record_id, actor, false);
}

void Engine::removeAsSystem(Tx& tx, const Table& table, Id record_id, const std::string& actor) {
  removeChange(tx, table, record_id, actor, true);
}

void Engine::removeChange(Tx& tx, const Table& table, Id record_id, const std::string& actor, bool system) {
  std::optional<Record> stored = record(tx, table, record_id);
  if (!stored) throw notFound("Record " + std::to_string(record_id));
  Change change = makeChange(ChangeKind::kDelete, table, actor);
  change.record_id = record_id;
  change.version = stored->version;
  change.before = stored->values;
  change.after = nullValues(table);
  change.system = system;
  apply(tx, change);
}

Record Engine::apply(Tx& tx, Change& change) {
  const Table& table = *change.table;
  for (const std::string& name : change.written) {
    const Field* field = table.field(name);
    if (!field) {
      throw invalidValue("unknown_field", "Table \"" + table.name + "\" has no field \"" + name +
                                              "\"; check the spelling or add the field first.", name);
    }
    const Value& value = change.get(name);
    checkType(*field, value);
    try {
      checkShape(*field, value);
    } catch (const Error& problem) {
      change.problems.emplace(name, problem);
    }
    if (field->read_only && !change.system && change.changes(name)) {
      throw conflict("immutable_field", "\"" + name + "\" is read-only; it is filled in for you.", name);
    }
  }
  std::vector<std::string> flagged;
  for (const auto& entry : change.problems) flagged.push_back(entry.first);
  if (!change.system) {
    for (const auto& validator : validatorsOf(table.kind)) validator->check(tx, *this, change);
  }
  if (!change.problems.empty()) throw change.problems.begin()->second;
  // Each field's value, looked up once now that the validators are done with them (by name
  // in a map, a look-up cost an import line as much as its row's insert), and the fields
  // that change, in the table's order.
  const std::vector<Field>& fields = table.fields;
  std::vector<const Value*> values;
  std::vector<size_t> changed;
  values.reserve(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    values.push_back(&change.get(fields[i].name));
    if (*values[i] != change.old(fields[i].name)) changed.push_back(i);
  }
  for (size_t i : changed) {
    bool taken_in_charge = std::find(flagged.begin(), flagged.end(), fields[i].name) != flagged.end();
    if (taken_in_charge) checkType(fields[i], *values[i]);
    else checkValue(fields[i], *values[i]);
  }

  // The values go into the result at the end (moved: a copy of them was 1% of an import
  // line).
  Record result{change.record_id, change.version, {}, change.note};
  if (change.kind == ChangeKind::kDelete) {
    tx.run("DELETE FROM " + tableName(table.id) + " WHERE id = ?1", change.record_id);
  } else if (change.kind == ChangeKind::kInsert) {
    const TableSql& sql = tableSql(table, tx.backend());
    sql::Statement& statement = tx.prepareInsert(sql.insert);
    statement.reset();
    for (size_t i = 0; i < fields.size(); ++i) bindValue(statement, static_cast<int>(i + 1), *values[i]);
    sql::Query q(statement);
    result.id = change.record_id = tx.insertedId(q);
    result.version = 1;
  } else if (!changed.empty()) {
    // Only the columns that change (two of five indexes, and their pages in the WAL, were
    // rewritten for nothing).
    size_t id_index = changed.size() + 1;
    sql::Statement& statement = tx.prepare(updateSql(table, tx.backend(), changed));
    statement.reset();
    for (size_t i = 0; i < changed.size(); ++i) bindValue(statement, static_cast<int>(i + 1), *values[changed[i]]);
    statement.bind(static_cast<int>(id_index), change.record_id);
    sql::Query q(statement);
    q.next();
    result.version = change.version + 1;
  }
  for (const auto& work : change.after_store) work(tx, result.id);
  if ((!changed.empty() || change.kind == ChangeKind::kDelete) && !change.trial) {
    tx.run("INSERT INTO history (table_id, record_id, at, actor, changes) VALUES (?1, ?2, ?3, ?4, ?5)",
           table.id, change.record_id, nowIso(), change.actor, historyJson(change, changed, values));
  }
  result.values = std::move(change.after);
  return result;
}

std::optional<Record> Engine::record(Tx& tx, const Table& table, Id record_id) const {
  sql::Query q = tx.query(recordSql(table, tx.backend()), record_id);
  if (!q.next()) return std::nullopt;
  return readRecord(q, table);
}

void Engine::checkQuery(const Table& table, const RecordQuery& query) {
  if (query.limit < 1 || query.limit > 1000) throw badRequest("limit must be between 1 and 1000.");
  if (query.offset < 0) throw badRequest("offset must be 0 or more.");
  if (!query.sort.empty() && !table.field(query.sort)) {
    throw badRequest("Cannot sort by \"" + query.sort + "\": the table has no such field.");
  }
}

RecordPage Engine::records(Tx& tx, const Table& table, const RecordQuery& query) const {
  checkQuery(table, query);
  std::string where;
  std::string needle;
  if (!query.search.empty()) {
    needle = foldCase(query.search);
    for (const Field& field : table.fields) {
      if (field.type == FieldType::kCheckbox) continue;
      std::string column = field.type == FieldType::kNumber ? "CAST(" + columnName(field.id) + " AS TEXT)"
                                                              : columnName(field.id);
      where += (where.empty() ? " WHERE " : " OR ") + std::string("instr(wt_fold(") + column + "), ?3) > 0";
    }
    if (where.empty()) {
      where = " WHERE 1 = 0";
      needle.clear();
    }
  }
  std::string order = " ORDER BY ";
  if (!query.sort.empty()) {
    const Field* field = table.field(query.sort);
    order += tableName(table.id) + "." + columnName(field->id) + (query.desc ? " DESC, " : ", ");
  }
  order += tableName(table.id) + (query.desc ? ".id DESC" : ".id");

  RecordPage page;
  {
    sql::Statement& count = tx.prepare("SELECT count(*) FROM " + tableName(table.id) +
                                       where);
    count.reset();
    if (!needle.empty()) count.bind(3, needle);
    sql::Query q(count);
    q.next();
    page.total = q.getInt(0);
  }
  // Paging walks only the sort column's index (ids in sort order), then reads the page's
  // rows by id: skipping 90,000 rows stays in the small index, not in the wide table.
  std::string name = tableName(table.id);
  sql::Statement& select = tx.prepare("SELECT " + recordColumns(table) + " FROM (SELECT " + name + ".id AS pid FROM " +
                                      name + where + order + " LIMIT ?1 OFFSET ?2) page JOIN " + name + " ON " + name +
                                      ".id = page.pid" + order);
  select.reset();
  select.bind(1, query.limit);
  select.bind(2, query.offset);
  if (!needle.empty()) select.bind(3, needle);
  sql::Query q(select);
  while (q.next()) page.records.push_back(readRecord(q, table));
  return page;
}

std::vector<Record> Engine::find(Tx& tx, const Table& table, const std::string& name, const Value& value) const {
  const Field* field = table.field(name);
  if (!field) throw notFound("Field \"" + name + "\"");
  std::vector<Record> result;
  sql::Statement& statement = tx.prepare(findSql(table, *field, tx.backend()));
  statement.reset();
  bindValue(statement, 1, value);
  sql::Query q(statement);
  while (q.next()) result.push_back(readRecord(q, table));
  return result;
}

int64_t Engine::count(Tx& tx, const Table& table, const Values& equal) const {
  std::string where;
  int placeholder = 0;
  for (const auto& entry : equal) {
    const Field* field = table.field(entry.first);
    if (!field) throw notFound("Field \"" + entry.first + "\"");
    where += (where.empty() ? " WHERE " : " AND ") + columnName(field->id) + " = ?" + std::to_string(++placeholder);
  }
  sql::Statement& statement = tx.prepare("SELECT count(*) FROM " + tableName(table.id) + where);
  statement.reset();
  int index = 1;
  for (const auto& entry : equal) bindValue(statement, index++, entry.second);
  sql::Query q(statement);
  q.next();
  return q.getInt(0);
}

void Engine::forEach(Tx& tx, const Table& table, const std::function<void(const Record&)>& visit) const {
  sql::Query q = tx.query("SELECT " + recordColumns(table) + " FROM " + tableName(table.id) + " ORDER BY id");
  while (q.next()) visit(readRecord(q, table));
}

std::vector<HistoryEntry> Engine::history(Tx& tx, const Table& table, Id record_id) const {
  std::vector<HistoryEntry> entries;
  sql::Query q = tx.query(
      "SELECT at, actor, changes FROM history WHERE table_id = ?1 AND record_id = ?2 ORDER BY id", table.id,
      record_id);
  while (q.next()) {
    HistoryEntry entry{q.getText(0), q.getText(1), {}};
    Poco::JSON::Object::Ptr changes =
        Poco::JSON::Parser().parse(q.getText(2)).extract<Poco::JSON::Object::Ptr>();
    for (const auto& [field, pair] : *changes) {
      Poco::JSON::Array::Ptr values = pair.extract<Poco::JSON::Array::Ptr>();
      entry.changes[field] = {fromVar(values->get(0)), fromVar(values->get(1))};
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace worktable::tables
