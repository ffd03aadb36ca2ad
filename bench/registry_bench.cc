// Registers at scale: importing a million assets into a fresh SQLite store
// (target: under 20 s on the 2-core machine), and reading the register as of a
// past date. Figures are printed, never asserted.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "registry/binding.h"
#include "registry/registry.h"
#include "registry/sample.h"

namespace {

namespace fs = std::filesystem;
using namespace mamori;

const std::string kPack = std::string(MAMORI_PACKS_DIR) + "/yasuda";

// A store with the town's units and systems, ready for the assets.
registry::Bound Fresh(const fs::path& db, const std::vector<registry::SampleTable>& town) {
  for (const char* ext : {"", "-wal", "-shm", ".key"}) fs::remove(db.string() + ext);
  auto b = registry::Init(db.string(), kPack, "bench");
  registry::Registry reg(*b.store, b.pack);
  for (const auto& t : town)
    if (t.kind != "assets" && t.kind != "devices" && t.kind != "accounts")
      reg.Import(*registry::FindKind(reg.kinds(), t.kind), t.table, {});
  return b;
}

void BM_ImportAssets(benchmark::State& state) {
  const long n = state.range(0);
  fs::path db = fs::temp_directory_path() / "mamori_bench_import.db";
  policy::Pack pack = policy::LoadPack(kPack).pack;
  auto town = registry::SampleTown(pack, {300, n});
  const registry::Table* assets = nullptr;
  for (const auto& t : town)
    if (t.kind == "assets") assets = &t.table;
  for (auto _ : state) {
    state.PauseTiming();
    auto b = Fresh(db, town);
    registry::Registry reg(*b.store, b.pack);
    state.ResumeTiming();
    auto sum = reg.Import(*registry::FindKind(reg.kinds(), "assets"), *assets, {});
    if (sum.added != n) state.SkipWithError("import did not add every row");
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
  fs::remove(db);
}
BENCHMARK(BM_ImportAssets)->Arg(100000)->Arg(1000000)->Unit(benchmark::kSecond)->Iterations(1);

void BM_ExportAsOf(benchmark::State& state) {
  const long n = state.range(0);
  fs::path db = fs::temp_directory_path() / "mamori_bench_asof.db";
  policy::Pack pack = policy::LoadPack(kPack).pack;
  auto town = registry::SampleTown(pack, {300, n});
  auto b = Fresh(db, town);
  registry::Registry reg(*b.store, b.pack);
  registry::ImportOptions o;
  o.at = "2026-03-01T09:00:00+09:00";
  for (const auto& t : town)
    if (t.kind == "assets") reg.Import(*registry::FindKind(reg.kinds(), "assets"), t.table, o);
  for (auto _ : state) {
    auto t = reg.Export(*registry::FindKind(reg.kinds(), "assets"), registry::AsOf{std::nullopt, "2026-04-01"});
    benchmark::DoNotOptimize(t.rows.size());
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
  fs::remove(db);
}
BENCHMARK(BM_ExportAsOf)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_GetAsOf(benchmark::State& state) {
  fs::path db = fs::temp_directory_path() / "mamori_bench_get.db";
  policy::Pack pack = policy::LoadPack(kPack).pack;
  auto town = registry::SampleTown(pack, {300, 100000});
  auto b = Fresh(db, town);
  registry::Registry reg(*b.store, b.pack);
  for (const auto& t : town)
    if (t.kind == "assets") reg.Import(*registry::FindKind(reg.kinds(), "assets"), t.table, {});
  long i = 0;
  for (auto _ : state) {
    char id[16];
    std::snprintf(id, sizeof id, "A%07ld", 1 + (i++ * 7919) % 100000);
    benchmark::DoNotOptimize(b.store->Get("assets", id, std::string("2030-01-01")));
  }
  fs::remove(db);
}
BENCHMARK(BM_GetAsOf)->Unit(benchmark::kMicrosecond);

}  // namespace
