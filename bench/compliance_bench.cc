// The year's work at scale (issue #15): every check of the pack over a town
// of 100,000 people and 1,000,000 assets (target ≤ 5 s), and the committee's
// annual report for it (target ≤ 10 s). Figures are printed, never asserted.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "compliance/compliance.h"
#include "ledger/ledger.h"
#include "registry/binding.h"
#include "registry/registry.h"
#include "registry/sample.h"
#include "report/report.h"

namespace {

namespace fs = std::filesystem;
using namespace mamori;

const std::string kPack = std::string(MAMORI_PACKS_DIR) + "/yasuda";
// MAMORI_BENCH_PEOPLE / MAMORI_BENCH_ASSETS set a smaller town for
// profiling; the figures quoted are for the defaults.
long Env(const char* name, long fallback) { return std::getenv(name) ? std::atol(std::getenv(name)) : fallback; }
const long kPeople = Env("MAMORI_BENCH_PEOPLE", 100000), kAssets = Env("MAMORI_BENCH_ASSETS", 1000000);

struct BigTown {
  fs::path db = fs::temp_directory_path() / "mamori_bench_compliance.db";
  registry::Bound b;
  BigTown() : b(Make(db)) {}
  ~BigTown() {
    b.ledger.reset();
    b.store.reset();
    for (const char* ext : {"", "-wal", "-shm", ".key"}) fs::remove(db.string() + ext);
  }
  static registry::Bound Make(const fs::path& db) {
    for (const char* ext : {"", "-wal", "-shm", ".key"}) fs::remove(db.string() + ext);
    auto b = registry::Init(db.string(), kPack, "bench");
    registry::Registry reg(*b.store, b.pack);
    store::Transaction tx(*b.store);
    registry::ImportOptions o;
    o.own_transaction = false;
    for (const auto& t : registry::SampleTown(b.pack, {kPeople, kAssets}))
      reg.Import(*registry::FindKind(reg.kinds(), t.kind), t.table, o);
    tx.Commit();
    return b;
  }
};

BigTown& Town() {
  static BigTown t;
  return t;
}

void BM_ChecksAll(benchmark::State& state) {
  auto& t = Town();
  std::size_t findings = 0;
  for (auto _ : state) {
    findings = 0;
    for (const auto& r : compliance::RunChecks(*t.b.store, t.b.pack, "2026-12-01")) findings += r.findings.size();
  }
  state.counters["people"] = static_cast<double>(kPeople);
  state.counters["assets"] = static_cast<double>(kAssets);
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_ChecksAll)->Unit(benchmark::kSecond)->Iterations(1);

// Each check alone, to see which one the total is made of.
void BM_Check(benchmark::State& state) {
  auto& t = Town();
  policy::Pack one = t.b.pack;
  const auto& check = t.b.pack.checks[static_cast<std::size_t>(state.range(0))];
  one.checks = {check};
  state.SetLabel(check.kind);
  for (auto _ : state) benchmark::DoNotOptimize(compliance::RunChecks(*t.b.store, one, "2026-12-01"));
}
BENCHMARK(BM_Check)->DenseRange(0, 6)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_AnnualReport(benchmark::State& state) {
  auto& t = Town();
  const fs::path out = fs::temp_directory_path() / "mamori_bench_report.pdf";
  for (auto _ : state) {
    report::Options o;
    o.fy = 2026;
    o.as_of = o.now = "2026-12-01";
    auto doc = report::AnnualReport(*t.b.store, *t.b.ledger, t.b.pack, o);
    report::WritePdf(doc, out.string());
  }
  state.counters["people"] = static_cast<double>(kPeople);
  fs::remove(out);
}
BENCHMARK(BM_AnnualReport)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
