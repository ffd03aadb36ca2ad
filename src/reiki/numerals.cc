// Numerals as Japanese regulations write them: ASCII, full-width, or kanji.
#include <string>

#include "reiki/reiki.h"
#include "reiki/utf8.h"

namespace mamori::reiki {
namespace {

int KanjiDigit(char32_t c) {
  switch (c) {
    case U'〇': case U'零': return 0;
    case U'一': return 1; case U'二': return 2; case U'三': return 3;
    case U'四': return 4; case U'五': return 5; case U'六': return 6;
    case U'七': return 7; case U'八': return 8; case U'九': return 9;
    default: return -1;
  }
}

int KanjiUnit(char32_t c) {
  switch (c) {
    case U'十': return 10; case U'百': return 100; case U'千': return 1000;
    default: return 0;
  }
}

}  // namespace

std::optional<int> ParseNumeral(std::string_view s) {
  if (s.empty() || s.size() > 40) return std::nullopt;
  std::size_t i = 0;
  char32_t first = utf8::FoldWidth(utf8::First(s));
  if (first >= U'0' && first <= U'9') {
    long v = 0;
    while (i < s.size()) {
      char32_t c = utf8::FoldWidth(utf8::Next(s, i));
      if (c < U'0' || c > U'9') return std::nullopt;
      v = v * 10 + (c - U'0');
      if (v > 1000000) return std::nullopt;
    }
    return static_cast<int>(v);
  }
  // Kanji: either positional (一〇一) or with units (百三十). Both occur in 例規.
  long total = 0, digit = -1;
  bool any = false, positional = true;
  std::size_t probe = 0;
  while (probe < s.size()) {
    if (KanjiUnit(utf8::Next(s, probe))) positional = false;
  }
  while (i < s.size()) {
    char32_t c = utf8::Next(s, i);
    int d = KanjiDigit(c);
    int unit = KanjiUnit(c);
    if (d >= 0) {
      if (positional) {
        total = total * 10 + d;
      } else {
        if (digit >= 0) return std::nullopt;  // two digits in a row: 二三十
        digit = d;
      }
      any = true;
    } else if (unit) {
      total += (digit < 0 ? 1 : digit) * unit;
      digit = -1;
      any = true;
    } else {
      return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  if (!positional && digit >= 0) total += digit;
  return static_cast<int>(total);
}

std::string ToKanjiNumeral(int n) {
  static const char* kDigits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  if (n <= 0) return kDigits[0];
  std::string out;
  const struct { int value; const char* name; } kUnits[] = {{1000, "千"}, {100, "百"}, {10, "十"}};
  for (const auto& u : kUnits) {
    int q = n / u.value;
    if (q) {
      if (q > 1) out += kDigits[q];
      out += u.name;
      n %= u.value;
    }
  }
  if (n) out += kDigits[n];
  return out;
}

}  // namespace mamori::reiki
