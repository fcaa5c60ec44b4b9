// The one family of typed errors that every layer throws and the server maps to HTTP.
// Each kind has an exact meaning (as abseil's status codes do); `code` is the stable
// machine code of API.md, `message` is written for a person, `field` names the field at
// fault when there is exactly one. Errors are values: copyable, thread-safe.
#pragma once

#include <stdexcept>
#include <string>

namespace worktable {

enum class ErrorKind {
  kBadRequest,       // malformed request (400)
  kUnauthenticated,  // no valid session (401)
  kForbidden,        // may see, may not do (403)
  kNotFound,         // unknown, or not visible to the caller (404)
  kMethodNotAllowed, // a known path with another method (405)
  kConflict,         // stale version, duplicate, immutable field, state or limit rule (409)
  kTooLarge,         // body or value over a size limit (413)
  kInvalidValue,     // a value of the wrong type or shape (422)
  kInternal,         // a bug or a failing store (500)
};

// The enumerator's name, for logs and test messages.
inline const char* kindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadRequest: return "kBadRequest";
    case ErrorKind::kUnauthenticated: return "kUnauthenticated";
    case ErrorKind::kForbidden: return "kForbidden";
    case ErrorKind::kNotFound: return "kNotFound";
    case ErrorKind::kMethodNotAllowed: return "kMethodNotAllowed";
    case ErrorKind::kConflict: return "kConflict";
    case ErrorKind::kTooLarge: return "kTooLarge";
    case ErrorKind::kInvalidValue: return "kInvalidValue";
    case ErrorKind::kInternal: return "kInternal";
  }
  return "?";
}

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string code, const std::string& message, std::string field = {})
      : std::runtime_error(message), kind_(kind), code_(std::move(code)), field_(std::move(field)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }

 private:
  ErrorKind kind_;
  std::string code_;
  std::string field_;
};

inline Error badRequest(const std::string& message) {
  return Error(ErrorKind::kBadRequest, "bad_request", message);
}
inline Error notFound(const std::string& what) {
  return Error(ErrorKind::kNotFound, "not_found", what + " was not found.");
}
inline Error forbidden(const std::string& code, const std::string& message) {
  return Error(ErrorKind::kForbidden, code, message);
}
inline Error conflict(const std::string& code, const std::string& message, std::string field = {}) {
  return Error(ErrorKind::kConflict, code, message, std::move(field));
}
inline Error invalidValue(const std::string& code, const std::string& message,
                          std::string field = {}) {
  return Error(ErrorKind::kInvalidValue, code, message, std::move(field));
}

}  // namespace worktable
