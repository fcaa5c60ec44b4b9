// Passwords and tokens, through libsodium: Argon2id password hashes (memory-hard), tokens of
// 256 random bits, and the hashes under which tokens are stored. Thread-safe.
#pragma once

#include <string>

namespace worktable::accounts {

// Throws Error(kInvalidValue, "weak_password") when `password` is shorter than 10 characters.
void checkPasswordStrength(const std::string& password);
// An Argon2id hash in libsodium's self-describing string form.
std::string hashPassword(const std::string& password);
// True when `password` matches `hash`; false for an empty hash.
bool verifyPassword(const std::string& hash, const std::string& password);
// 256 random bits, base64url without padding.
std::string newToken();
// The hex SHA-256 of a token, the only form in which tokens are stored.
std::string hashToken(const std::string& token);
// Whether two secrets are equal, in a time that does not tell where they differ.
bool sameSecret(const std::string& a, const std::string& b);

}  // namespace worktable::accounts
