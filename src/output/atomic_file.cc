// Why not std::ofstream(path): it truncates whatever the path names (the
// database, the key, a device) before a byte is written, and reports nothing
// when the write fails later. Here every target is checked first and the file
// only appears once it is whole.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "output/output.h"
#include "store/store.h"

namespace mamori::output {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Fail(const char* code, const std::string& message) { throw store::Error(code, message); }

bool Same(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

void Check(const std::string& path, const Options& o) {
  if (path.empty()) Fail("E-OUT-004", "書き出し先のファイル名が空です。--out にファイル名を書いてください。");
  const fs::path p(path);
  for (const auto& x : o.protect)
    if (Same(p, x))
      Fail("E-OUT-001", "書き出し先「" + path + "」はデータベースかその署名鍵です（" + x +
                            "）。上書きすると台帳と証跡が失われるため、書き出しません。別のファイル名を指定してください。");
  std::error_code ec;
  const auto st = fs::status(p, ec);
  if (fs::exists(st)) {
    if (!fs::is_regular_file(st))
      Fail("E-OUT-003", "書き出し先「" + path + "」は通常のファイルではありません（フォルダや装置）。ファイル名を指定してください。");
    if (!o.force)
      Fail("E-OUT-002", "書き出し先「" + path + "」は既にあります。置き換えるなら --force を付けてください（何も変更していません）。");
  }
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec))
    Fail("E-OUT-004", "書き出し先のフォルダ「" + dir.string() + "」がありません。フォルダを作るか、別の場所を指定してください。");
}

std::string TempFor(const std::string& path) {
  const fs::path p(path);
  std::random_device rd;
  const std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000);
  return (p.has_parent_path() ? p.parent_path() / name : fs::path(name)).string();
}

}  // namespace

std::vector<std::string> StoreFiles(const std::string& db) {
  return {db, db + "-wal", db + "-shm", db + ".key"};
}

AtomicFile::AtomicFile(std::string path, const Options& options) : path_(std::move(path)) {
  Check(path_, options);
  temp_ = TempFor(path_);
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (out_.is_open()) out_.close();
  std::error_code ec;
  fs::remove(temp_, ec);
}

std::ostream& AtomicFile::stream() {
  if (!out_.is_open()) {
    out_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!out_) Fail("E-OUT-004", "書き出し先「" + path_ + "」のフォルダに書き込めません（権限を確かめてください）。");
  }
  return out_;
}

void AtomicFile::Commit() {
  if (out_.is_open()) {
    out_.flush();
    const bool ok = static_cast<bool>(out_);
    out_.close();
    if (!ok) Fail("E-OUT-005", "「" + path_ + "」を書き終えられませんでした（ディスクの空きを確かめてください）。何も書き出していません。");
  }
  // On disk before the name points at it: a crash leaves the old file or the whole new one.
  int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd < 0) Fail("E-OUT-005", "「" + path_ + "」を書き出せませんでした（" + std::strerror(errno) + "）。何も書き出していません。");
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) Fail("E-OUT-005", "「" + path_ + "」を書き終えられませんでした（" + std::strerror(errno) + "）。何も書き出していません。");
  std::error_code ec;
  fs::rename(temp_, path_, ec);
  if (ec) Fail("E-OUT-005", "「" + path_ + "」を置けませんでした（" + ec.message() + "）。何も書き出していません。");
  committed_ = true;
}

void WriteFile(const std::string& path, std::string_view bytes, const Options& options) {
  AtomicFile f(path, options);
  f.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.Commit();
}

}  // namespace mamori::output
