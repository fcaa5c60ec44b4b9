#include "json.h"

#include <Poco/JSON/Handler.h>

#include <cmath>
#include <limits>
#include <set>

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

namespace {

// Follows the parser's events through a record write's body and keeps only what it asks
// for. Each member keeps the last value its key was given, as Poco's objects do.
class RecordBodyHandler : public Poco::JSON::Handler {
 public:
  RecordBody take() {
    if (!object_) throw badRequest("The body must be a JSON object.");
    if (!values_) {
      throw Error(ErrorKind::kBadRequest, "bad_request", "The body needs \"values\": an object keyed by field name.",
                  "values");
    }
    if (!not_single_.empty()) {
      const std::string& field = *not_single_.begin();
      throw invalidValue("invalid_value", "Field \"" + field + "\" takes a single value, not a list or an object.",
                         field);
    }
    if (version_bad_) throw badRequest("\"version\" must be a whole number.");
    return RecordBody{std::move(*values_), version_};
  }

  void reset() override {}
  void startObject() override { open(true); }
  void startArray() override { open(false); }
  void endObject() override { close(); }
  void endArray() override { close(); }
  void key(const std::string& key) override {
    if (depth_ == 1) member_ = key;
    if (depth_ == 2 && in_values_) field_ = key;
  }
  void null() override { scalar(tables::Value(), std::nullopt); }
  void value(int v) override { scalar(static_cast<double>(v), v); }
  void value(unsigned v) override { scalar(static_cast<double>(v), v); }
  void value(Poco::Int64 v) override { scalar(static_cast<double>(v), v); }
  void value(Poco::UInt64 v) override {
    scalar(static_cast<double>(v),
           v <= static_cast<Poco::UInt64>(std::numeric_limits<int64_t>::max()) ? std::optional<int64_t>(v) : std::nullopt);
  }
  void value(double v) override {
    // A whole number written with a fraction or an exponent (2.0, 1e3) is still one, if
    // it fits in 64 bits.
    bool whole = std::isfinite(v) && v == std::trunc(v) && v >= -0x1p63 && v < 0x1p63;
    scalar(v, whole ? std::optional<int64_t>(static_cast<int64_t>(v)) : std::nullopt);
  }
  void value(const std::string& v) override { scalar(v, std::nullopt); }
  void value(bool v) override { scalar(v, std::nullopt); }

 private:
  // A member's value that is not a number makes "version" bad, except null (no version).
  void setVersion(std::optional<int64_t> number, bool is_null) {
    version_ = number;
    version_bad_ = !number && !is_null;
  }
  void open(bool object) {
    if (depth_ == 0) object_ = object;
    if (depth_ == 1 && member_ == "values") {
      in_values_ = object;
      if (object) values_.emplace();
      else values_.reset();
      not_single_.clear();
    }
    if (depth_ == 1 && member_ == "version") setVersion(std::nullopt, false);
    if (depth_ == 2 && in_values_) {
      values_->erase(field_);
      not_single_.insert(field_);
    }
    ++depth_;
  }
  void close() {
    if (--depth_ == 1) in_values_ = false;
  }
  void scalar(tables::Value value, std::optional<int64_t> number) {
    if (depth_ == 0) object_ = false;
    if (depth_ == 1 && member_ == "values") {
      values_.reset();
      not_single_.clear();
    }
    if (depth_ == 1 && member_ == "version") setVersion(number, std::holds_alternative<std::monostate>(value));
    if (depth_ == 2 && in_values_) {
      (*values_)[field_] = std::move(value);
      not_single_.erase(field_);
    }
  }

  int depth_ = 0;       // containers open around the next event
  bool object_ = false; // the body is an object
  std::string member_;  // the body's member being read
  std::string field_;   // the member of "values" being read
  bool in_values_ = false;
  std::optional<tables::Values> values_;
  std::set<std::string> not_single_;  // fields given a list or an object, reported in name order
  std::optional<int64_t> version_;
  bool version_bad_ = false;
};

}  // namespace

RecordBody recordBodyFromJson(const std::string& text) {
  Poco::SharedPtr<RecordBodyHandler> handler = new RecordBodyHandler;
  Context::parseJson(text, handler);
  return handler->take();
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
