// Small UTF-8 helpers the reader needs on its hot path.
// Hand-written rather than ICU: the parser only walks code points and compares
// a few fixed characters, and ICU's per-call setup would cost more than the parse.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mamori::reiki::utf8 {

// Decodes the code point at s[i] and advances i. Invalid bytes yield U+FFFD
// and advance by one, so a walk always terminates.
char32_t Next(std::string_view s, std::size_t& i);
// The code point just before position i (i > 0), and moves i back over it.
char32_t Prev(std::string_view s, std::size_t& i);
void Append(std::string& out, char32_t cp);
bool IsValid(std::string_view s);
std::size_t Length(std::string_view s);  // in code points

inline char32_t First(std::string_view s) {
  std::size_t i = 0;
  return s.empty() ? 0 : Next(s, i);
}
inline char32_t Last(std::string_view s) {
  std::size_t i = s.size();
  return s.empty() ? 0 : Prev(s, i);
}

// Fullwidth ASCII variants (０-９, Ａ-Ｚ, （）) folded to ASCII; everything else kept.
char32_t FoldWidth(char32_t cp);
std::string FoldWidth(std::string_view s);

inline bool IsSpace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\u3000'; }
inline bool IsAsciiUpper(char32_t c) { return c >= U'A' && c <= U'Z'; }
inline bool IsDigit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'); }
// CJK ideographs, kana and full-width punctuation: where an ASCII space between
// two of them is a PDF artefact, never a word break.
bool IsWide(char32_t c);

std::string_view TrimSpaces(std::string_view s);  // ASCII spaces, tabs, U+3000

}  // namespace mamori::reiki::utf8
