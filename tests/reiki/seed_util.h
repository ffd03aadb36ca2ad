// Helpers shared by the reiki tests: locating and parsing the seed texts, and
// finding nodes in a tree.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "reiki/reiki.h"

namespace mamori::reiki::test_util {

// "000" -> the path of shared/seeds/000_*.txt.
inline std::string SeedPath(const std::string& prefix) {
  for (const auto& e : std::filesystem::directory_iterator(MAMORI_SEEDS_DIR)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix + "_", 0) == 0 && e.path().extension() == ".txt") return e.path().string();
  }
  ADD_FAILURE() << "seed " << prefix << " not found in " << MAMORI_SEEDS_DIR;
  return "";
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parsed once per seed and test binary: most tests read the same few texts.
inline const Regulation& Seed(const std::string& prefix) {
  static std::map<std::string, Regulation> cache;
  auto it = cache.find(prefix);
  if (it == cache.end()) it = cache.emplace(prefix, ParseFile(SeedPath(prefix))).first;
  return it->second;
}

inline const Node* FindId(const Node& n, const std::string& id) {
  if (n.id == id) return &n;
  for (const Node& c : n.children)
    if (const Node* f = FindId(c, id)) return f;
  return nullptr;
}

inline bool Has(const Regulation& reg, const std::string& id) { return FindId(reg.root, id) != nullptr; }

inline const Node& Get(const Regulation& reg, const std::string& id) {
  const Node* n = FindId(reg.root, id);
  if (!n) throw std::runtime_error("no node " + id);
  return *n;
}

inline int CountKind(const Node& n, NodeKind kind) {
  int c = n.kind == kind;
  for (const Node& ch : n.children) c += CountKind(ch, kind);
  return c;
}

inline void Walk(const Node& n, const std::function<void(const Node&)>& f) {
  f(n);
  for (const Node& c : n.children) Walk(c, f);
}

}  // namespace mamori::reiki::test_util
