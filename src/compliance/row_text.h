// Reading register rows and typed cells, shared by the files of this module
// (not part of its public header): a member read as text, and a cell trimmed
// as staff type it.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace mamori::compliance::internal {

// A string member of a row, or "" when it is absent or not a string.
inline std::string Field(const nlohmann::json& j, const std::string& key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Spaces, tabs and line ends around a cell, and a leading full-width space
// (U+3000), which Japanese input leaves.
inline std::string Trim(std::string s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && space(s[i])) ++i;
  if (s.compare(i, 3, "\u3000") == 0) i += 3;
  return s.substr(i);
}

}  // namespace mamori::compliance::internal
