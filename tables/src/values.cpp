// Field types: what each accepts from JSON (checkValue) and from CSV text (parseValue).
#include <algorithm>
#include <charconv>
#include <cmath>

#include <Poco/UTF8String.h>

#include "worktable/tables/engine.h"
#include "worktable/tables/error.h"
#include "worktable/tables/text.h"

namespace worktable::tables {
namespace {

constexpr size_t kMaxTextBytes = 100'000;

Error wrongType(const Field& field, const std::string& expected) {
  return invalidValue("invalid_value",
                      "Field \"" + field.name + "\" expects " + expected + ".", field.name);
}

// name@domain.tld: a local part and two or more dot-separated labels, none empty, without
// spaces or a second @. (Written out: std::regex took 2% of an import.)
bool isEmail(const std::string& text) {
  if (text.empty() || text.size() > 254) return false;
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  size_t at = text.find('@');
  if (at == 0 || at == std::string::npos) return false;
  for (size_t i = 0; i < at; ++i) {
    if (space(text[i])) return false;
  }
  size_t labels = 0, length = 0;
  for (size_t i = at + 1; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : '.';
    if (c == '.') {
      if (length == 0) return false;
      ++labels;
      length = 0;
    } else if (c == '@' || space(c)) {
      return false;
    } else {
      ++length;
    }
  }
  return labels >= 2;
}

bool isDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int year = 0, month = 0, day = 0;
  auto digits = [&](int from, int count, int& out) {
    for (int i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    std::from_chars(text.data() + from, text.data() + from + count, out);
    return true;
  };
  if (!digits(0, 4, year) || !digits(5, 2, month) || !digits(8, 2, day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

void Engine::checkValue(const Field& field, const Value& value) {
  checkType(field, value);
  checkShape(field, value);
}

void Engine::checkType(const Field& field, const Value& value) {
  if (isNull(value)) return;
  switch (field.type) {
    case FieldType::kNumber: {
      const double* number = std::get_if<double>(&value);
      if (!number || !std::isfinite(*number)) throw wrongType(field, "a number");
      return;
    }
    case FieldType::kCheckbox:
      if (!std::holds_alternative<bool>(value)) throw wrongType(field, "true or false");
      return;
    default:
      break;
  }
  const std::string* text = std::get_if<std::string>(&value);
  if (!text) throw wrongType(field, "text");
  if (!isUtf8(*text)) {
    throw invalidValue("invalid_text", "Field \"" + field.name +
                                           "\" holds bytes that are not UTF-8 text; save the file or value as UTF-8.",
                       field.name);
  }
  if (text->size() > kMaxTextBytes) {
    throw Error(ErrorKind::kTooLarge, "value_too_large",
                "Field \"" + field.name + "\" holds at most 100,000 bytes; shorten the value.", field.name);
  }
}

void Engine::checkShape(const Field& field, const Value& value) {
  const std::string* text = std::get_if<std::string>(&value);
  if (!text) return;
  switch (field.type) {
    case FieldType::kSelect:
      if (std::find(field.options.begin(), field.options.end(), *text) == field.options.end()) {
        std::string choices;
        for (const std::string& option : field.options) choices += (choices.empty() ? "" : ", ") + option;
        throw invalidValue("invalid_option", "\"" + *text + "\" is not an option of \"" + field.name +
                                                 "\"; choose one of: " + choices + ".",
                           field.name);
      }
      return;
    case FieldType::kEmail:
      if (!isEmail(*text)) {
        throw invalidValue("invalid_email", "\"" + *text + "\" is not a valid email address for \"" +
                                                field.name + "\"; write it as name@example.com.",
                           field.name);
      }
      return;
    case FieldType::kDate:
      if (!isDate(*text)) {
        throw invalidValue("invalid_date", "\"" + *text + "\" is not a date for \"" + field.name +
                                               "\"; write it as YYYY-MM-DD.",
                           field.name);
      }
      return;
    default:
      return;
  }
}

Value Engine::parseValue(const Field& field, const std::string& text) {
  if (field.type == FieldType::kText) {
    if (text.empty()) return Value();
    Value value = text;
    checkType(field, value);
    return value;
  }
  std::string cell = trim(text);
  if (cell.empty()) return Value();
  Value value;
  switch (field.type) {
    case FieldType::kNumber: {
      if (cell.find('.') == std::string::npos) std::replace(cell.begin(), cell.end(), ',', '.');
      double number = 0;
      auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), number);
      if (ec != std::errc() || end != cell.data() + cell.size()) throw wrongType(field, "a number");
      value = number;
      break;
    }
    case FieldType::kCheckbox: {
      std::string word = lower(cell);
      if (word == "true" || word == "1" || word == "yes" || word == "x" || word == "oui") value = true;
      else if (word == "false" || word == "0" || word == "no" || word == "non") value = false;
      else throw wrongType(field, "true or false");
      break;
    }
    default:
      value = cell;
  }
  checkType(field, value);
  return value;
}

std::string Engine::formatValue(const Value& value) {
  if (const bool* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  if (const double* number = std::get_if<double>(&value)) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *number);
    return std::string(buffer, end);
  }
  if (const std::string* text = std::get_if<std::string>(&value)) return *text;
  return {};
}

void appendJsonString(std::string& out, std::string_view text) {
  // Poco::UTF8::escape builds a new string for every text; most are plain printable ASCII
  // that it would copy unchanged (it escapes '"', '\\', '/', controls and non-ASCII).
  bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/';
  });
  out += '"';
  if (plain) out += text;
  else out += Poco::UTF8::escape(std::string(text), true);
  out += '"';
}

void appendJson(std::string& out, const Value& value) {
  if (const bool* flag = std::get_if<bool>(&value)) {
    out += *flag ? "true" : "false";
  } else if (const double* number = std::get_if<double>(&value)) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *number);
    out.append(buffer, ec == std::errc() ? end : buffer);
  } else if (const std::string* text = std::get_if<std::string>(&value)) {
    appendJsonString(out, *text);
  } else {
    out += "null";
  }
}

}  // namespace worktable::tables
