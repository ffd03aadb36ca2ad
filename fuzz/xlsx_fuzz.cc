// libFuzzer target: any bytes as an .xlsx workbook. Bad input (not a zip, a
// broken part, a sheet too large) must end in a reiki::Error with an E-XLSX
// code; anything else is a crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "registry/io/table_io.h"
#include "reiki/reiki.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("mamori_fuzz_" + std::to_string(::getpid()) + ".xlsx")).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    auto t = mamori::registry::io::ReadXlsx(path);
    volatile std::size_t sink = t.rows.size();
    (void)sink;
  } catch (const mamori::reiki::Error&) {
  }
  return 0;
}
