// Internal helpers shared by the codec files. Not part of the public header:
// callers see only table_io.h. Kept here rather than reusing reiki/utf8.h so
// that this module depends on reiki's public API (Decode, Error) only.
#pragma once

#include <string>
#include <string_view>

namespace mamori::registry::io::text {

// Decodes the code point at s[i] and advances i; invalid bytes yield U+FFFD
// and advance by one, so a walk always terminates.
char32_t Next(std::string_view s, std::size_t& i);
void Append(std::string& out, char32_t cp);

// U+FF01..U+FF5E (！..～) -> ASCII, U+3000 -> ' '; everything else kept.
std::string FoldWidth(std::string_view s);

// Trims ASCII whitespace and U+3000 at both ends.
std::string_view Trim(std::string_view s);

// Columns a string takes in a fixed-width rendering: East Asian wide and
// full-width characters count 2, everything else 1. Used for column widths.
int DisplayWidth(std::string_view s);

}  // namespace mamori::registry::io::text
