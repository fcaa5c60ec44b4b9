#include <algorithm>

#include "worktable/tables/change.h"
#include "worktable/tables/schema.h"

namespace worktable::tables {
namespace {

constexpr std::pair<FieldType, const char*> kTypeNames[] = {
    {FieldType::kText, "text"},     {FieldType::kNumber, "number"}, {FieldType::kCheckbox, "checkbox"},
    {FieldType::kSelect, "select"}, {FieldType::kEmail, "email"},   {FieldType::kDate, "date"},
};

const Value kNull;

const Value& lookup(const Values& values, const std::string& field) {
  auto found = values.find(field);
  return found == values.end() ? kNull : found->second;
}

}  // namespace

const char* typeName(FieldType type) {
  for (const auto& [candidate, name] : kTypeNames) {
    if (candidate == type) return name;
  }
  return "text";
}

std::optional<FieldType> typeFromName(const std::string& name) {
  for (const auto& [type, candidate] : kTypeNames) {
    if (name == candidate) return type;
  }
  return std::nullopt;
}

std::vector<Field>& Fields::edit() {
  // Only this table holds a list whose count is 1: no other thread can be copying it.
  if (!list_) list_ = std::make_shared<std::vector<Field>>();
  else if (list_.use_count() > 1) list_ = std::make_shared<std::vector<Field>>(*list_);
  return *list_;
}

const std::vector<Field>& Fields::none() {
  static const std::vector<Field> empty;
  return empty;
}

const Field* Table::field(const std::string& name) const {
  auto found = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == name; });
  return found == fields.end() ? nullptr : &*found;
}

const Value& Change::get(const std::string& field) const { return lookup(after, field); }

const Value& Change::old(const std::string& field) const { return lookup(before, field); }

bool Change::changes(const std::string& field) const { return get(field) != old(field); }

bool Change::writes(const std::string& field) const {
  return std::find(written.begin(), written.end(), field) != written.end();
}

std::vector<std::string> Change::changedFields() const {
  std::vector<std::string> result;
  for (const Field& field : table->fields) {
    if (changes(field.name)) result.push_back(field.name);
  }
  return result;
}

}  // namespace worktable::tables
