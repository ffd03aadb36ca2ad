// libFuzzer target: any bytes as a pack's pack.toml, beside the rest of
// 安田町's pack (so that includes, roles and rules resolve and the loader's
// deeper checks run). The contract (docs/pack-format.md) is that LoadPack
// reports every problem as an E-PACK error with a place and never throws or
// crashes, so nothing is caught here.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "policy/policy.h"

namespace {
namespace fs = std::filesystem;

const fs::path& Dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("mamori_fuzz_pack_" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::copy(fs::path(MAMORI_PACKS_DIR) / "yasuda", d, fs::copy_options::recursive);
    return d;
  }();
  return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(Dir() / "pack.toml", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto r = mamori::policy::LoadPack(Dir().string());
  volatile std::size_t sink = r.errors.size() + r.pack.rules.size();
  (void)sink;
  return 0;
}
