#include "worktable/testing/json.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace worktable::testing {
namespace {

Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value) {
  if (value.type() == typeid(Poco::JSON::Object::Ptr)) return value.extract<Poco::JSON::Object::Ptr>();
  return nullptr;
}

Poco::JSON::Array::Ptr asArray(const Poco::Dynamic::Var& value) {
  if (value.type() == typeid(Poco::JSON::Array::Ptr)) return value.extract<Poco::JSON::Array::Ptr>();
  return nullptr;
}

}  // namespace

Json Json::parse(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    return Json(parser.parse(text));
  } catch (const Poco::Exception&) {
    Json invalid;
    invalid.valid_ = false;
    return invalid;
  }
}

bool Json::isObject() const { return asObject(value_) != nullptr; }
bool Json::isArray() const { return asArray(value_) != nullptr; }
bool Json::isString() const { return !value_.isEmpty() && value_.isString(); }
bool Json::isBool() const { return !value_.isEmpty() && value_.type() == typeid(bool); }
bool Json::isNumber() const { return !value_.isEmpty() && !isBool() && value_.isNumeric(); }
bool Json::isInteger() const { return !value_.isEmpty() && !isBool() && value_.isInteger(); }

Json Json::operator[](const std::string& key) const {
  Poco::JSON::Object::Ptr object = asObject(value_);
  if (!object || !object->has(key)) return Json();
  return Json(object->get(key));
}

Json Json::operator[](size_t index) const {
  Poco::JSON::Array::Ptr array = asArray(value_);
  if (!array || index >= array->size()) return Json();
  return Json(array->get(static_cast<unsigned>(index)));
}

bool Json::has(const std::string& key) const {
  Poco::JSON::Object::Ptr object = asObject(value_);
  return object && object->has(key);
}

size_t Json::size() const {
  if (Poco::JSON::Array::Ptr array = asArray(value_)) return array->size();
  if (Poco::JSON::Object::Ptr object = asObject(value_)) return object->size();
  return 0;
}

std::vector<std::string> Json::keys() const {
  std::vector<std::string> names;
  if (Poco::JSON::Object::Ptr object = asObject(value_)) object->getNames(names);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<Json> Json::elements() const {
  std::vector<Json> items;
  for (size_t i = 0; i < size() && isArray(); ++i) items.push_back((*this)[i]);
  return items;
}

std::string Json::str() const {
  if (isString()) return value_.extract<std::string>();
  ADD_FAILURE() << "expected a JSON string, got " << dump();
  return {};
}

int64_t Json::integer() const {
  if (isInteger()) return value_.convert<int64_t>();
  ADD_FAILURE() << "expected a JSON integer, got " << dump();
  return 0;
}

double Json::number() const {
  if (isNumber()) return value_.convert<double>();
  ADD_FAILURE() << "expected a JSON number, got " << dump();
  return 0;
}

bool Json::boolean() const {
  if (isBool()) return value_.extract<bool>();
  ADD_FAILURE() << "expected a JSON boolean, got " << dump();
  return false;
}

std::string Json::dump() const {
  if (!valid_) return "<not JSON>";
  return stringify(value_);
}

std::ostream& operator<<(std::ostream& out, const Json& json) { return out << json.dump(); }

Poco::Dynamic::Var object(std::initializer_list<Member> members) { return object(std::vector<Member>(members)); }

Poco::Dynamic::Var object(const std::vector<Member>& members) {
  Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [name, value] : members) result->set(name, value);
  return result;
}

Poco::Dynamic::Var array(std::initializer_list<Poco::Dynamic::Var> items) {
  return array(std::vector<Poco::Dynamic::Var>(items));
}

Poco::Dynamic::Var array(const std::vector<Poco::Dynamic::Var>& items) {
  Poco::JSON::Array::Ptr result = new Poco::JSON::Array;
  for (const Poco::Dynamic::Var& item : items) result->add(item);
  return result;
}

std::string stringify(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  return out.str();
}

}  // namespace worktable::testing
