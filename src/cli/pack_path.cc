#include "cli/pack_path.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "store/store.h"

#ifndef MAMORI_PACKS_DIR_INSTALLED
#error "MAMORI_PACKS_DIR_INSTALLED must be defined by CMake (src/cli/CMakeLists.txt)"
#endif

namespace mamori::cli {

namespace fs = std::filesystem;

std::string InstalledPacksDir() {
  const char* env = std::getenv("MAMORI_PACKS");
  if (env && *env) return env;
  return MAMORI_PACKS_DIR_INSTALLED;
}

std::vector<std::string> PackNames(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (it->is_directory(e2) && fs::is_regular_file(it->path() / "pack.toml", e2))
      names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ResolvePackDir(const std::string& arg) {
  std::error_code ec;
  if (!arg.empty() && fs::exists(arg, ec)) return arg;
  const std::string packs = InstalledPacksDir();
  const bool from_env = std::getenv("MAMORI_PACKS") && *std::getenv("MAMORI_PACKS");
  // A name is one path component: "yasuda", not "packs/yasuda" or "..".
  const bool is_name = !arg.empty() && arg != "." && arg != ".." && arg.find('/') == std::string::npos;
  if (is_name) {
    const fs::path candidate = fs::path(packs) / arg;
    if (fs::is_directory(candidate, ec)) return candidate.string();
  }
  std::string looked = "「" + (fs::current_path(ec) / arg).lexically_normal().string() + "」";
  if (is_name) looked += "、「" + (fs::path(packs) / arg).string() + "」";
  const std::string where = from_env ? "MAMORI_PACKS=" + packs : packs;
  std::string names;
  for (const auto& n : PackNames(packs)) names += (names.empty() ? "" : "、") + n;
  throw store::Error("E-PACK-040", "パック「" + arg + "」が見つかりません（探した場所: " + looked + "）。" +
                                       (names.empty() ? where + " にパックがありません（`make install` で入ります）。パックのフォルダのパスを指定してください。"
                                                      : "使えるパック（" + where + "）: " + names +
                                                            "。パックの名前か、パックのフォルダのパスを指定してください。"));
}

}  // namespace mamori::cli
