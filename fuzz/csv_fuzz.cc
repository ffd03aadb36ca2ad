// libFuzzer target: any bytes as a register's CSV file (UTF-8 or CP932, as
// Excel saves it), read and written back. Bad input must end in a
// reiki::Error with an E-CSV code; anything else is a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "registry/io/table_io.h"
#include "reiki/reiki.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto t = mamori::registry::io::ReadCsv(std::string_view(reinterpret_cast<const char*>(data), size));
    // What was read must write back and read again as the same cells.
    auto again = mamori::registry::io::ReadCsv(mamori::registry::io::WriteCsv(t));
    if (again.header != t.header) __builtin_trap();
  } catch (const mamori::reiki::Error&) {
  }
  return 0;
}
