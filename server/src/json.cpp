#include "json.h"

#include "http.h"

namespace worktable::server {

std::string jsonString(const std::string& text) {
  std::string out;
  tables::appendJsonString(out, text);
  return out;
}

Poco::Dynamic::Var toJson(const tables::Value& value) {
  if (const bool* flag = std::get_if<bool>(&value)) return *flag;
  if (const double* number = std::get_if<double>(&value)) return *number;
  if (const std::string* text = std::get_if<std::string>(&value)) return *text;
  return Poco::Dynamic::Var();
}

tables::Value fromJson(const Poco::Dynamic::Var& value, const std::string& field) {
  if (value.isEmpty()) return tables::Value();
  if (value.type() == typeid(bool)) return value.extract<bool>();
  if (value.isString()) return value.extract<std::string>();
  if (value.isNumeric()) return value.convert<double>();
  throw invalidValue("invalid_value", "Field \"" + field + "\" takes a single value, not a list or an object.", field);
}

tables::Values valuesFromJson(const Poco::JSON::Object& body) {
  if (!body.has("values") || body.getObject("values").isNull()) {
    throw Error(ErrorKind::kBadRequest, "bad_request", "The body needs \"values\": an object keyed by field name.",
                "values");
  }
  tables::Values values;
  for (const auto& [name, value] : *body.getObject("values")) values[name] = fromJson(value, name);
  return values;
}

Poco::JSON::Object::Ptr fieldJson(const tables::Field& field) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("id", field.id);
  json->set("name", field.name);
  json->set("type", tables::typeName(field.type));
  Poco::JSON::Array::Ptr options = new Poco::JSON::Array;
  for (const std::string& option : field.options) options->add(option);
  json->set("options", options);
  json->set("readOnly", field.read_only);
  return json;
}

Poco::JSON::Object::Ptr tableJson(const tables::Table& table) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("id", table.id);
  json->set("name", table.name);
  Poco::JSON::Array::Ptr fields = new Poco::JSON::Array;
  for (const tables::Field& field : table.fields) fields->add(fieldJson(field));
  json->set("fields", fields);
  return json;
}

void appendRecordJson(std::string& out, const tables::Table& table, const tables::Record& record) {
  out += "{\"id\":";
  out += std::to_string(record.id);
  out += ",\"version\":";
  out += std::to_string(record.version);
  out += ",\"values\":{";
  bool first = true;
  for (const tables::Field& field : table.fields) {
    if (!first) out += ',';
    first = false;
    tables::appendJsonString(out, field.name);
    out += ':';
    auto found = record.values.find(field.name);
    tables::appendJson(out, found == record.values.end() ? tables::Value() : found->second);
  }
  out += "}}";
}

std::string recordJson(const tables::Table& table, const tables::Record& record) {
  std::string out;
  appendRecordJson(out, table, record);
  return out;
}

Poco::JSON::Object::Ptr accountJson(const accounts::Account& account) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("id", account.id);
  json->set("email", account.email);
  json->set("firstName", account.first_name);
  json->set("lastName", account.last_name);
  return json;
}

tables::FieldSpec fieldSpecFromJson(const Poco::Dynamic::Var& value) {
  if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
    throw badRequest("Each field is an object {name, type, options?}.");
  }
  const Poco::JSON::Object& object = *value.extract<Poco::JSON::Object::Ptr>();
  tables::FieldSpec spec;
  spec.name = requireString(object, "name");
  std::string type = requireString(object, "type");
  std::optional<tables::FieldType> parsed = tables::typeFromName(type);
  if (!parsed) {
    throw invalidValue("invalid_type", "\"" + type +
                                           "\" is not a field type; use text, number, checkbox, select, email or date.",
                       "type");
  }
  spec.type = *parsed;
  if (object.has("options") && !object.isNull("options")) {
    Poco::JSON::Array::Ptr options = object.getArray("options");
    if (!options) throw badRequest("\"options\" must be a list of texts.");
    for (size_t i = 0; i < options->size(); ++i) {
      Poco::Dynamic::Var option = options->get(static_cast<unsigned>(i));
      if (!option.isString()) throw badRequest("\"options\" must be a list of texts.");
      spec.options.push_back(option.extract<std::string>());
    }
  }
  return spec;
}

}  // namespace worktable::server
