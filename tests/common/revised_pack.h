// A revised version of a pack, for tests of what a revision does to cases
// and reports: a copy of the pack with one gap's note changed, so its hash
// differs while every rule and citation stays checked.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace mamori::test_util {

// Copies `pack` to `dir`/name and edits it; returns the copy, or "" when
// the pack has no gap note to edit.
inline std::filesystem::path RevisedPack(const std::filesystem::path& pack, const std::filesystem::path& dir,
                                         const std::string& name) {
  const std::filesystem::path out = dir / name;
  std::filesystem::copy(pack, out, std::filesystem::copy_options::recursive);
  std::ifstream in(out / "gaps.toml", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const auto at = text.find("note = \"");
  if (at == std::string::npos) return {};
  text.insert(at + 8, "（改正）");
  std::ofstream(out / "gaps.toml", std::ios::binary | std::ios::trunc) << text;
  return out;
}

}  // namespace mamori::test_util
