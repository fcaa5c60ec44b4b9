// JSON for the API tests: a read-only view over a parsed document that never throws (a
// missing member reads as null, a wrong type records a gtest failure and reads as a default),
// and small builders for request bodies. Values; not thread-safe to share while parsing.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace worktable::testing {

class Json {
 public:
  Json() = default;
  explicit Json(Poco::Dynamic::Var value) : value_(std::move(value)) {}

  // Parses `text`; a text that is not JSON gives a Json whose valid() is false.
  static Json parse(const std::string& text);

  bool valid() const { return valid_; }
  bool isNull() const { return value_.isEmpty(); }
  bool isObject() const;
  bool isArray() const;
  bool isString() const;
  bool isNumber() const;
  bool isInteger() const;
  bool isBool() const;

  // A member of an object; null when absent or when this is not an object.
  Json operator[](const std::string& key) const;
  Json operator[](const char* key) const { return (*this)[std::string(key)]; }
  // An element of an array; null when out of range or when this is not an array.
  Json operator[](size_t index) const;
  Json operator[](int index) const { return (*this)[static_cast<size_t>(index)]; }
  bool has(const std::string& key) const;
  // Elements of an array or members of an object; 0 otherwise.
  size_t size() const;
  // Member names of an object, sorted.
  std::vector<std::string> keys() const;
  std::vector<Json> elements() const;

  // The value as the type named; records a test failure (and gives a default) otherwise.
  std::string str() const;
  int64_t integer() const;
  double number() const;
  bool boolean() const;

  // Compact JSON text, for messages.
  std::string dump() const;
  const Poco::Dynamic::Var& var() const { return value_; }

 private:
  Poco::Dynamic::Var value_;
  bool valid_ = true;
};

std::ostream& operator<<(std::ostream& out, const Json& json);

using Member = std::pair<std::string, Poco::Dynamic::Var>;

// {"a": 1, ...} in the order given. A default Var() is null.
Poco::Dynamic::Var object(std::initializer_list<Member> members);
Poco::Dynamic::Var object(const std::vector<Member>& members);
// [a, b, ...]
Poco::Dynamic::Var array(std::initializer_list<Poco::Dynamic::Var> items);
Poco::Dynamic::Var array(const std::vector<Poco::Dynamic::Var>& items);
// Compact JSON text of a value built above.
std::string stringify(const Poco::Dynamic::Var& value);
// The JSON null.
inline Poco::Dynamic::Var null() { return Poco::Dynamic::Var(); }

}  // namespace worktable::testing
