// FileProblem: the one answer to "can this named file be read?" that every
// command gives before it opens one (reiki.h). std::ifstream opens a folder
// without complaint on Linux and reports its size as 2^63, which is how a
// folder used to be called "too large (9007199254740991 KiB)".
#include <unistd.h>

#include <filesystem>
#include <string>

#include "reiki/reiki.h"

namespace mamori::reiki {

std::string FileProblem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (path.empty()) return "（名前が空です）を指定してください";
  if (!fs::exists(st)) return "がありません。ファイル名と場所（今いるフォルダからの位置）を確かめてください";
  if (fs::is_directory(st)) return "はフォルダです。その中のファイルを指定してください";
  if (!fs::is_regular_file(st)) return "は通常のファイルではありません（装置やパイプ）。ファイルに保存してから指定してください";
  if (::access(path.c_str(), R_OK) != 0) return "を読む権限がありません。ファイルの権限を確かめてください";
  return "";
}

}  // namespace mamori::reiki
