// libFuzzer target: any bytes through the whole 例規 reader.
//
// The reader's contract is that bad input ends in a reiki::Error with a code
// (E-REIKI-…), never in a crash, a hang, or another exception. So only
// reiki::Error is caught here; any other exception escapes, reaches
// std::terminate, and libFuzzer records the input as a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reiki/reiki.h"

namespace reiki = mamori::reiki;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    reiki::Decoded decoded = reiki::Decode(bytes);
    reiki::Regulation reg = reiki::Parse(decoded.text, "fuzz");
    // Every renderer walks the whole tree, so each may meet shapes the parser
    // never produced from the seeds.
    volatile std::size_t sink = 0;
    sink += reiki::ToJson(reg).size();
    sink += reiki::ToText(reg).size();
    sink += reiki::ToText(reg, /*faithful=*/true).size();
    sink += reiki::Outline(reg).size();
    sink += reiki::ToXml(reg).size();
    (void)sink;
  } catch (const reiki::Error&) {
    // Expected for bad input: empty, binary, undecodable, no article, too large.
  }
  return 0;
}
