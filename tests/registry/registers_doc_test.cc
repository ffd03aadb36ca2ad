// docs/registers.md is what staff read to fill their workbooks: every
// register and every column it lists must be the real one (name, key,
// required), and none may be missing. Read from the document itself.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "policy/policy.h"
#include "registry/registry.h"

namespace mamori::registry {
namespace {

struct DocColumn {
  std::string ja;
  bool required = false;
};

// "### 組織（units）" then "| 列 | キー | 必須 | 形式 | 説明 |" rows.
std::map<std::string, std::map<std::string, DocColumn>> ReadDoc() {
  std::ifstream in(std::string(MAMORI_SOURCE_DIR) + "/docs/registers.md");
  std::map<std::string, std::map<std::string, DocColumn>> out;
  std::string line, kind;
  const std::regex heading("^### .+（([a-z_]+)）$");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, heading)) {
      kind = m[1];
      out[kind];
      continue;
    }
    if (line.starts_with("## ")) kind.clear();
    if (kind.empty() || !line.starts_with("| ") || line.starts_with("| 列 ") || line.starts_with("|---")) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string c; std::getline(ss, c, '|');) {
      while (!c.empty() && c.front() == ' ') c.erase(c.begin());
      while (!c.empty() && c.back() == ' ') c.pop_back();
      cells.push_back(c);
    }
    if (cells.size() < 3 || cells[0].starts_with("（")) continue;  // columns that depend on the pack
    out[kind][cells[1]] = {cells[0], cells[2] == "○"};
  }
  return out;
}

TEST(RegistersDoc, ListsEveryRegisterAndColumnAsTheyAre) {
  auto loaded = policy::LoadPack(std::string(MAMORI_PACKS_DIR) + "/yasuda");
  ASSERT_TRUE(loaded.errors.empty());
  const auto doc = ReadDoc();
  const auto kinds = Kinds(loaded.pack);
  EXPECT_EQ(doc.size(), kinds.size());
  for (const auto& k : kinds) {
    ASSERT_TRUE(doc.count(k.id)) << "docs/registers.md has no section for " << k.ja << "（" << k.id << "）";
    const auto& cols = doc.at(k.id);
    std::size_t listed = 0;
    for (const auto& c : k.columns) {
      if (c.type == ColType::kLevel) continue;  // one per axis of the pack: described, not listed
      ++listed;
      ASSERT_TRUE(cols.count(c.key)) << k.ja << ": column " << c.ja << " (" << c.key << ") is not documented";
      EXPECT_EQ(cols.at(c.key).ja, c.ja) << k.ja << "." << c.key;
      EXPECT_EQ(cols.at(c.key).required, c.required) << k.ja << "." << c.key;
    }
    // 情報の性質 is there only when the pack has facets; the document lists it for all.
    const bool facets_absent = k.id == "assets" && loaded.pack.facets.empty();
    EXPECT_EQ(cols.size() - (facets_absent && cols.count("facets") ? 1 : 0), listed)
        << k.ja << ": the document lists a column the register does not have";
  }
}

}  // namespace
}  // namespace mamori::registry
