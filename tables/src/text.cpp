#include "worktable/tables/text.h"

#include <Poco/UTF8Encoding.h>
#include <Poco/Unicode.h>

#include <bit>
#include <cstdint>
#include <cstring>

namespace worktable::tables {
namespace {

// Decodes the code point at `pos` and advances it; -1 for a malformed sequence (one byte
// is then skipped, so callers always progress).
int next(std::string_view text, size_t& pos) {
  static Poco::UTF8Encoding utf8;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data()) + pos;
  int size = utf8.characterMap()[*bytes];
  int length = size < -1 ? -size : 1;
  if (size >= 0) {
    ++pos;
    return size;
  }
  if (size == -1 || pos + length > text.size() || !Poco::UTF8Encoding::isLegal(bytes, length)) {
    ++pos;
    return -1;
  }
  int code = utf8.convert(bytes);
  pos += length;
  return code;
}

}  // namespace

bool isUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    if (next(text, pos) < 0) return false;
  }
  return true;
}

std::string foldCase(std::string_view text) {
  static Poco::UTF8Encoding utf8;
  std::string folded;
  folded.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    // ASCII fast path, as in compareFolded: most text folded is plain (identifiers, emails).
    unsigned char byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
      folded.push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte));
      ++pos;
      continue;
    }
    size_t start = pos;
    int code = next(text, pos);
    if (code < 0) {
      folded.append(text.substr(start, pos - start));
      continue;
    }
    unsigned char buffer[8];
    int length = utf8.convert(Poco::Unicode::toLower(code), buffer, sizeof buffer);
    folded.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(length));
  }
  return folded;
}

namespace {

// Compares folded character by character from `start`, a character boundary of both.
int compareFoldedFrom(std::string_view a, std::string_view b, size_t start) {
  size_t i = start, j = start;
  while (i < a.size() && j < b.size()) {
    // ASCII fast path: most text compared is plain.
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[j]);
    if (x < 0x80 && y < 0x80) {
      int lx = (x >= 'A' && x <= 'Z') ? x + 32 : x, ly = (y >= 'A' && y <= 'Z') ? y + 32 : y;
      if (lx != ly) return lx < ly ? -1 : 1;
      ++i;
      ++j;
      continue;
    }
    int cx = next(a, i), cy = next(b, j);
    int lx = cx < 0 ? cx : Poco::Unicode::toLower(cx), ly = cy < 0 ? cy : Poco::Unicode::toLower(cy);
    if (lx != ly) return lx < ly ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

}  // namespace

int compareFolded(std::string_view a, std::string_view b) {
  // Identical bytes fold alike: skip the common prefix eight bytes at a time (the indexes
  // compare keys that mostly share one, e-mail domains, user ids), then fold from the start
  // of the character where the two part. Every byte that is not a UTF-8 continuation byte
  // starts a character, so the order is exactly the character-by-character one.
  size_t n = std::min(a.size(), b.size()), same = 0;
  while (same + 8 <= n) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + same, 8);
    std::memcpy(&y, b.data() + same, 8);
    if (x != y) {
      same += static_cast<size_t>(std::countr_zero(x ^ y)) / 8;
      break;
    }
    same += 8;
  }
  while (same < n && a[same] == b[same]) ++same;
  auto continues = [](std::string_view text, size_t pos) {
    return pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80;
  };
  while (same > 0 && (continues(a, same) || continues(b, same))) --same;
  return compareFoldedFrom(a, b, same);
}

}  // namespace worktable::tables
