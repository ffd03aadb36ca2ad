// libFuzzer target: any bytes as one `mamori decide` request, parsed against
// 安田町's pack and the sample town, then decided and rendered.
//
// The contract (docs/decide.md) is that bad input ends in a store::Error with
// an E-DEC code, never in a crash or another exception; so only store::Error
// is caught, and anything else reaches std::terminate as a crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "ledger/canonical.h"
#include "registry/binding.h"
#include "registry/registry.h"
#include "registry/sample.h"

namespace {

namespace engine = mamori::engine;
namespace fs = std::filesystem;

std::shared_ptr<const engine::Snapshot> Town() {
  static std::shared_ptr<const engine::Snapshot> snap = [] {
    fs::path dir = fs::temp_directory_path() / ("mamori_fuzz_decide_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto b = mamori::registry::Init((dir / "t.db").string(), std::string(MAMORI_PACKS_DIR) + "/yasuda", "fuzz");
    mamori::registry::Registry r(*b.store, b.pack);
    for (const auto& t : mamori::registry::SampleTown(b.pack, {300, 200}))
      r.Import(*mamori::registry::FindKind(r.kinds(), t.kind), t.table, {});
    auto reg = mamori::reiki::ParseFile((fs::path(b.pack.dir) / b.pack.regulation.file).string());
    auto s = engine::Compile(b.pack, reg, *b.store);
    fs::remove_all(dir);
    return s;
  }();
  return snap;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto snap = Town();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    std::string raw;
    engine::Request r = engine::ParseRequest(*snap, text, &raw);
    engine::Decision d = engine::Decide(*snap, r);
    // The ledger's copy written from simdjson's DOM is what ledger::Canonical
    // makes of nlohmann's reading of the same text, and so is the evidence
    // written without a tree: a difference would be two forms of one entry.
    const nlohmann::json tree = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!tree.is_discarded() && mamori::ledger::Canonical(tree) != raw) __builtin_trap();
    std::string evidence;
    engine::AppendEvidence(evidence, *snap, r, d, raw);
    if (!tree.is_discarded() &&
        evidence != mamori::ledger::Canonical(
                        {{"request", tree}, {"as_decided", engine::ToJsonValue(r, d)}, {"decision", engine::EvidenceValue(*snap, d)}}))
      __builtin_trap();
    volatile std::size_t sink = engine::ToJson(d).size() + engine::Explain(*snap, r, d).size() + evidence.size();
    (void)sink;
  } catch (const mamori::store::Error&) {
    // Expected: the request is refused with a code.
  }
  return 0;
}
