// Text compared ignoring case orders every index of text: the comparison that skips the
// common prefix must order exactly as a comparison character by character, malformed UTF-8
// included (a different order would break indexes already on disk).
#include <gtest/gtest.h>

#include <Poco/UTF8Encoding.h>
#include <Poco/Unicode.h>

#include <random>
#include <string>
#include <vector>

#include "worktable/tables/text.h"

namespace worktable::tables {
namespace {

int sign(int value) { return (value > 0) - (value < 0); }

// Up to `most` pieces drawn at random, end to end.
std::string randomText(std::mt19937& random, const std::vector<std::string>& pieces, size_t most) {
  std::string text;
  size_t length = random() % (most + 1);
  for (size_t i = 0; i < length; ++i) text += pieces[random() % pieces.size()];
  return text;
}

// The comparison as it was first written: one character at a time from the start.
int characterByCharacter(std::string_view a, std::string_view b) {
  static Poco::UTF8Encoding utf8;
  auto next = [](std::string_view text, size_t& pos) {
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
    pos += length;
    return utf8.convert(bytes);
  };
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    int cx = next(a, i), cy = next(b, j);
    int lx = cx < 0 ? cx : Poco::Unicode::toLower(cx), ly = cy < 0 ? cy : Poco::Unicode::toLower(cy);
    if (lx != ly) return lx < ly ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

TEST(CompareFolded, OrdersLikeACharacterByCharacterComparison) {
  // Pieces that share bytes: ASCII in both cases, accented and wide characters, and bytes
  // that are no valid UTF-8 (a lone continuation byte, a cut sequence).
  const std::vector<std::string> pieces = {"a", "A", "z", "Z", "@", ".", "0", "é", "É", "è", "ß", "中", "文",
                                           "\x80", "\xC3", "\xE4\xB8", "ÿ", "Ÿ", "staff.example.com"};
  std::mt19937 random(20261202);
  auto make = [&] { return randomText(random, pieces, 11); };
  for (int round = 0; round < 200000; ++round) {
    std::string a = make();
    // Half of the pairs share a long prefix, as index keys do.
    std::string b = round % 2 ? a.substr(0, random() % (a.size() + 1)) + make() : make();
    ASSERT_EQ(sign(compareFolded(a, b)), characterByCharacter(a, b)) << "\"" << a << "\" vs \"" << b << "\"";
    ASSERT_EQ(sign(compareFolded(b, a)), characterByCharacter(b, a)) << "\"" << b << "\" vs \"" << a << "\"";
  }
}

TEST(CompareFolded, IgnoresCaseOverUnicode) {
  EXPECT_EQ(compareFolded("ADA.Lovelace@Example.COM", "ada.lovelace@example.com"), 0);
  EXPECT_EQ(compareFolded("ÉLODIE", "élodie"), 0);
  EXPECT_LT(compareFolded("employee-0000001", "EMPLOYEE-0000002"), 0);
  EXPECT_GT(compareFolded("zoé", "ZOE"), 0);
}

TEST(FoldCase, FoldsAlikeExactlyTheTextsTheComparisonFindsEqual) {
  // A dry run keeps the identifiers it would have stored by their folded form, in place of
  // an index that compares them with compareFolded: both must agree on valid UTF-8.
  const std::vector<std::string> pieces = {"a", "A", "z", "Z", "@", "0", "é", "É", "ß", "ẞ", "中", "ÿ", "Ÿ", "K", "k",
                                           "\u212A", "İ", "i", "I"};
  std::mt19937 random(20261203);
  auto make = [&] { return randomText(random, pieces, 3); };
  for (int round = 0; round < 100000; ++round) {
    std::string a = make(), b = make();
    ASSERT_EQ(foldCase(a) == foldCase(b), compareFolded(a, b) == 0) << "\"" << a << "\" vs \"" << b << "\"";
  }
  EXPECT_EQ(foldCase("Ada.LOVELACE@Example.com"), "ada.lovelace@example.com");
  EXPECT_EQ(foldCase("ÉLODIE Zoé"), "élodie zoé");
}

}  // namespace
}  // namespace worktable::tables
