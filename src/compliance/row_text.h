// Reading register rows, shared by the files of this module (not part of its
// public header): a member read as text. Cells are trimmed and split by
// registry::io (TrimCell, SplitList), as the importer reads them.
#pragma once

#include <nlohmann/json.hpp>

#include "policy/policy.h"

#include <string>

namespace mamori::compliance::internal {

// A string member of a row, or "" when it is absent or not a string.
inline std::string Field(const nlohmann::json& j, const std::string& key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// The pack's role with this id, or nullptr.
inline const policy::Role* RoleOf(const policy::Pack& pack, const std::string& id) {
  for (const auto& r : pack.roles)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace mamori::compliance::internal
