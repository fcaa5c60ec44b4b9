// Conversions between the engine's values and API.md's JSON shapes.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "worktable/accounts/accounts.h"
#include "worktable/tables/schema.h"

namespace worktable::server {

Poco::Dynamic::Var toJson(const tables::Value& value);
// A record write's body, {values, version?}.
struct RecordBody {
  tables::Values values;
  std::optional<int64_t> version;
};
// Reads it from the parser's events: building Poco's objects for it was two thirds of the
// JSON work of a PATCH. Throws 400 for a body that is not a JSON object, lacks "values" or
// has a "version" that is not a whole number, and 422 for a field given a list or an object.
RecordBody recordBodyFromJson(const std::string& text);

// `text` as a JSON string literal, quotes included (for answers written out by hand).
std::string jsonString(const std::string& text);

Poco::JSON::Object::Ptr fieldJson(const tables::Field& field);
Poco::JSON::Object::Ptr tableJson(const tables::Table& table);
// A record as API.md shows it, {id, version, values}, written out directly: building Poco
// JSON objects and stringifying them was a third of a PATCH's instructions.
std::string recordJson(const tables::Table& table, const tables::Record& record);
void appendRecordJson(std::string& out, const tables::Table& table, const tables::Record& record);
Poco::JSON::Object::Ptr accountJson(const accounts::Account& account);
// A field spec from {name, type, options?}; throws 400/422.
tables::FieldSpec fieldSpecFromJson(const Poco::Dynamic::Var& value);

}  // namespace worktable::server
