#include "worktable/accounts/secrets.h"

#include <sodium.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "worktable/tables/error.h"

namespace worktable::accounts {
namespace {

constexpr size_t kMinPasswordChars = 10;
// Each hash takes 64 MiB; at most this many run at once so a burst of logins cannot
// exhaust memory.
constexpr int kConcurrentHashes = 2;

class HashSlots {
 public:
  void acquire() {
    std::unique_lock lock(mutex_);
    free_.wait(lock, [&] { return in_use_ < kConcurrentHashes; });
    ++in_use_;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      --in_use_;
    }
    free_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable free_;
  int in_use_ = 0;
};

HashSlots& slots() {
  static HashSlots instance;
  return instance;
}

struct SlotGuard {
  SlotGuard() { slots().acquire(); }
  ~SlotGuard() { slots().release(); }
};

void ensureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

// randombytes_buf asks the kernel for every call, and an import issues a token per line:
// the bytes come from a per-thread pool the kernel refills 64 tokens at a time instead.
void randomBytes(unsigned char* out, size_t size) {
  struct Pool {
    unsigned char bytes[64 * 32];
    size_t used = sizeof bytes;
    ~Pool() { sodium_memzero(bytes, sizeof bytes); }
  };
  thread_local Pool pool;
  if (size > sizeof pool.bytes) return randombytes_buf(out, size);
  if (pool.used + size > sizeof pool.bytes) {
    randombytes_buf(pool.bytes, sizeof pool.bytes);
    pool.used = 0;
  }
  std::memcpy(out, pool.bytes + pool.used, size);
  sodium_memzero(pool.bytes + pool.used, size);  // handed out once
  pool.used += size;
}

size_t utf8Length(const std::string& text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

}  // namespace

void checkPasswordStrength(const std::string& password) {
  if (utf8Length(password) < kMinPasswordChars) {
    throw invalidValue("weak_password", "The password needs at least 10 characters; choose a longer one.",
                       "password");
  }
}

std::string hashPassword(const std::string& password) {
  ensureSodium();
  char hash[crypto_pwhash_STRBYTES];
  SlotGuard guard;
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw Error(ErrorKind::kInternal, "internal", "Out of memory while hashing a password.");
  }
  return hash;
}

bool verifyPassword(const std::string& hash, const std::string& password) {
  ensureSodium();
  if (hash.empty()) return false;
  SlotGuard guard;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string newToken() {
  ensureSodium();
  unsigned char bytes[32];
  randomBytes(bytes, sizeof bytes);
  char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text;
}

std::string hashToken(const std::string& token) {
  ensureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool sameSecret(const std::string& a, const std::string& b) {
  ensureSodium();
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace worktable::accounts
