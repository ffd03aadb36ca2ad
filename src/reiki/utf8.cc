#include "reiki/utf8.h"

namespace mamori::reiki::utf8 {

char32_t Next(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) { ++i; return b0; }
  int len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; }
  else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; }
  else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; }
  else { ++i; return 0xFFFD; }
  if (i + len > s.size()) { ++i; return 0xFFFD; }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) { ++i; return 0xFFFD; }
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms and surrogates are invalid: treat like any bad byte.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    ++i;
    return 0xFFFD;
  }
  i += len;
  return cp;
}

char32_t Prev(std::string_view s, std::size_t& i) {
  std::size_t start = i - 1;
  while (start > 0 && i - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  std::size_t j = start;
  char32_t cp = Next(s, j);
  if (j != i) { i -= 1; return 0xFFFD; }
  i = start;
  return cp;
}

void Append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsValid(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) { ++i; continue; }
    std::size_t before = i;
    char32_t cp = Next(s, i);
    if (cp == 0xFFFD && !(i - before == 3 && s.substr(before, 3) == "\xEF\xBF\xBD")) return false;
  }
  return true;
}

std::size_t Length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) { Next(s, i); ++n; }
  return n;
}

char32_t FoldWidth(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;
  return cp;
}

std::string FoldWidth(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) Append(out, FoldWidth(Next(s, i)));
  return out;
}

bool IsWide(char32_t c) {
  return (c >= 0x3000 && c <= 0x30FF) ||   // CJK punctuation, hiragana, katakana
         (c >= 0x3400 && c <= 0x9FFF) ||   // CJK ideographs
         (c >= 0xF900 && c <= 0xFAFF) ||   // compatibility ideographs
         (c >= 0xFF00 && c <= 0xFF60);     // full-width forms
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty()) {
    if (s[0] == ' ' || s[0] == '\t') s.remove_prefix(1);
    else if (s.substr(0, 3) == "\u3000") s.remove_prefix(3);
    else break;
  }
  while (!s.empty()) {
    if (s.back() == ' ' || s.back() == '\t') s.remove_suffix(1);
    else if (s.size() >= 3 && s.substr(s.size() - 3) == "\u3000") s.remove_suffix(3);
    else break;
  }
  return s;
}

}  // namespace mamori::reiki::utf8
