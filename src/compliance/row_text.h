// Reading register rows, shared by the files of this module (not part of its
// public header): a member read as text. Cells are trimmed and split by
// registry::io (TrimCell, SplitList), as the importer reads them.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace mamori::compliance::internal {

// A string member of a row, or "" when it is absent or not a string.
inline std::string Field(const nlohmann::json& j, const std::string& key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace mamori::compliance::internal
