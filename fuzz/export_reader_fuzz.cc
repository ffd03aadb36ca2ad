// libFuzzer target: any bytes as a ledger export (or archive) given to an
// auditor's `ledger verify --export`, and as a kept head (`--trusted-head`).
// The reader reports every deviation from the format as a problem naming the
// line and never throws; ReadKeptHeads refuses with E-LEDGER-030 only.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "ledger/ledger.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  mamori::ledger::PublicKey key{};
  key[0] = 1;
  std::istringstream in(text);
  auto r = mamori::ledger::VerifyExport(in, key);
  volatile std::size_t sink = r.problems.size();
  (void)sink;
  try {
    auto kept = mamori::ledger::ReadKeptHeads(text, "fuzz");
    std::istringstream again(text);
    sink = mamori::ledger::VerifyExport(again, key, kept).problems.size();
  } catch (const mamori::store::Error& e) {
    if (e.code() != "E-LEDGER-030") __builtin_trap();
  }
  return 0;
}
