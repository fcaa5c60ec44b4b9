// Descriptions of what the engine stores: field types and values, fields, tables,
// workspaces, records. Plain values, freely copyable; the specs (`TableSpec`, `FieldSpec`)
// describe what to create, the others what exists.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace worktable::tables {

using Id = int64_t;

enum class FieldType { kText, kNumber, kCheckbox, kSelect, kEmail, kDate };

// The name API.md uses for a type ("text", "number", ...).
const char* typeName(FieldType type);
// The type of an API name; nullopt for an unknown one.
std::optional<FieldType> typeFromName(const std::string& name);

// A cell: null, a checkbox, a number, or text (text, select, email and date are text).
using Value = std::variant<std::monostate, bool, double, std::string>;
// Field names ordered by length first, then bytes: a look-up by name then compares bytes
// about once (the validators look a staff line's values up by name some forty times; with
// the plain order each step of the descent called memcmp).
struct NameOrder {
  bool operator()(const std::string& a, const std::string& b) const {
    if (a.size() != b.size()) return a.size() < b.size();
    return std::memcmp(a.data(), b.data(), a.size()) < 0;
  }
};
// Values of a record keyed by field name. Iterate a table's fields for a meaningful order.
using Values = std::map<std::string, Value, NameOrder>;

inline bool isNull(const Value& value) { return std::holds_alternative<std::monostate>(value); }

// Appends `value` as JSON (null, true, 12.5, "text") to `out`: the history and the API's
// record answers are written out directly, without building a JSON tree first.
void appendJson(std::string& out, const Value& value);
// Appends `text` as a JSON string literal, quotes included.
void appendJsonString(std::string& out, std::string_view text);

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kText;
  std::vector<std::string> options;  // the choices of a select
  bool read_only = false;            // people may not write it; validators may
};

struct TableSpec {
  std::string name;
  std::vector<FieldSpec> fields;
  std::string kind;  // names the validators attached to the table ("" for none)
};

struct Field {
  Id id = 0;
  std::string name;
  FieldType type = FieldType::kText;
  std::vector<std::string> options;
  bool read_only = false;
  bool indexed = false;  // its column has an index (made on first sort, or as an import key)
};

// A table's fields, in display order. Copies of a table share them: a request takes its
// copy of the table from the engine's cache, and copying the fields was 5% of a PATCH. A
// change makes them the table's own first (edit).
class Fields {
 public:
  using const_iterator = std::vector<Field>::const_iterator;

  Fields() = default;
  // Both conversions implicit: a table's fields are used wherever a list of them is.
  Fields(std::vector<Field> list) : list_(std::make_shared<std::vector<Field>>(std::move(list))) {}

  const std::vector<Field>& list() const { return list_ ? *list_ : none(); }
  operator const std::vector<Field>&() const { return list(); }
  const_iterator begin() const { return list().begin(); }
  const_iterator end() const { return list().end(); }
  size_t size() const { return list().size(); }
  bool empty() const { return list().empty(); }
  const Field& operator[](size_t i) const { return list()[i]; }
  const Field& at(size_t i) const { return list().at(i); }
  const Field& back() const { return list().back(); }

  // The list, this table's alone (copied first if another table shares it).
  std::vector<Field>& edit();
  void push_back(Field field) { edit().push_back(std::move(field)); }

 private:
  static const std::vector<Field>& none();
  std::shared_ptr<std::vector<Field>> list_;  // null when there are none
};

struct Table {
  Id id = 0;
  Id workspace_id = 0;
  Id company_id = 0;
  std::string name;
  std::string kind;
  Fields fields;

  // The field called `name`, or nullptr.
  const Field* field(const std::string& name) const;
};

struct Workspace {
  Id id = 0;
  Id company_id = 0;
  std::string name;
  std::string created_by;  // the actor who created it
};

struct Company {
  Id id = 0;
  std::string name;
};

struct Record {
  Id id = 0;
  int64_t version = 0;
  Values values;  // every field of the table, null included
  std::string note;  // the validators' note on the write that returned it (not stored)
};

struct RecordQuery {
  int64_t offset = 0;
  int64_t limit = 100;
  std::string sort;  // a field name, or empty for insertion order
  bool desc = false;
  std::string search;  // matched, ignoring case, inside text-like and number fields
};

struct RecordPage {
  int64_t total = 0;
  std::vector<Record> records;
};

struct HistoryEntry {
  std::string at;     // ISO 8601 UTC
  std::string actor;
  std::map<std::string, std::pair<Value, Value>> changes;  // field -> (before, after)
};

}  // namespace worktable::tables
