// libFuzzer target: the ledger's shortcut that embeds a row as is when it is
// already canonical (ledger/canonical.h). Whatever it calls canonical must
// parse and print back to the very same bytes, or an entry's hash would
// depend on which path wrote it; anything else is a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ledger/canonical.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!mamori::ledger::IsCanonicalJson(text)) return 0;
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || mamori::ledger::Canonical(j) != text) __builtin_trap();
  return 0;
}
