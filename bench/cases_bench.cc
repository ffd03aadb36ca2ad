// Cases at scale (issue #14): a store with 100,000 open cases, a 課長's inbox
// (target ≤ 10 ms), and approvals with their ledger entries (target ≥ 5,000/s,
// one transaction and one signed head per batch of 1,000, as decide --record
// commits). Figures are printed, never asserted.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "cases/cases.h"
#include "registry/binding.h"
#include "registry/registry.h"
#include "registry/sample.h"

namespace {

namespace fs = std::filesystem;
using namespace mamori;

const std::string kPack = std::string(MAMORI_PACKS_DIR) + "/yasuda";
// MAMORI_BENCH_CASES sets a smaller store for profiling; the figures quoted
// are for the default.
const long kCases = std::getenv("MAMORI_BENCH_CASES") ? std::atol(std::getenv("MAMORI_BENCH_CASES")) : 100000;

// One store for every benchmark here: the sample town (1,200 assets over 20
// 課) and kCases take-out applications of its assets, all waiting for their
// 課長, opened in batches of 1,000.
struct CaseTown {
  fs::path db = fs::temp_directory_path() / "mamori_bench_cases.db";
  registry::Bound b;
  reiki::Regulation reg;
  std::unique_ptr<cases::Cases> cases;
  double open_per_s = 0;
  CaseTown() : b(Make(db)), reg(reiki::ParseFile((fs::path(b.pack.dir) / b.pack.regulation.file).string())) {
    cases = std::make_unique<cases::Cases>(*b.store, b.pack, reg, "bench");
    cases->SetBatch(true);
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < kCases;) {
      store::Transaction tx(*b.store);
      for (long k = 0; k < 1000 && i < kCases; ++k, ++i) {
        char asset[16];
        // Assets 8j+3 .. 8j+7: the sample puts 8j..8j+2 in the マイナンバー利用事務系,
        // from which a take-out is denied (第31条第2項).
        std::snprintf(asset, sizeof asset, "A%07ld", 8 * (i % 149) + 3 + (i / 149) % 5);
        char subject[16];
        std::snprintf(subject, sizeof subject, "%06ld", 30 + i % 270);
        cases->Apply(std::string(R"({"action":"take_out","resource":")") + asset + "\"}", subject, "2026-05-01");
      }
      tx.Commit();
    }
    open_per_s = kCases / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  ~CaseTown() {
    cases.reset();
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
    for (const auto& t : registry::SampleTown(b.pack, {300, 1200})) reg.Import(*registry::FindKind(reg.kinds(), t.kind), t.table, o);
    tx.Commit();
    return b;
  }
};

CaseTown& Town() {
  static CaseTown t;  // built on first use, once per run
  return t;
}

void BM_CaseOpen(benchmark::State& state) {
  auto& t = Town();
  for (auto _ : state) benchmark::DoNotOptimize(t.open_per_s);
  state.counters["cases"] = static_cast<double>(kCases);
  state.counters["opened/s"] = t.open_per_s;
}
BENCHMARK(BM_CaseOpen)->Iterations(1);

// The 税務課長's inbox on a day of the 100,000: every case waiting for them.
void BM_CaseInbox(benchmark::State& state) {
  auto& t = Town();
  std::size_t n = 0;
  for (auto _ : state) {
    auto inbox = t.cases->Inbox("000022", "2026-05-01");
    n = inbox.size();
    benchmark::DoNotOptimize(inbox.data());
  }
  state.counters["open_cases"] = static_cast<double>(kCases);
  state.counters["in_inbox"] = static_cast<double>(n);
}
BENCHMARK(BM_CaseInbox)->Unit(benchmark::kMillisecond);

// Approvals by the 課長 of the day, each resolved for that day, each an event,
// a state and its queue rows in the ledger: a batch of 1,000 per transaction
// (an iteration past the end of the inbox approves nothing and counts none).
void BM_CaseApprove(benchmark::State& state) {
  auto& t = Town();
  auto inbox = t.cases->Inbox("000022", "2026-05-01");
  std::size_t next = 0;
  long done = 0;
  for (auto _ : state) {
    store::Transaction tx(*t.b.store);
    for (int k = 0; k < 1000 && next < inbox.size(); ++k, ++next, ++done) {
      cases::Cases::Act act;
      act.as = "000022";
      act.date = "2026-05-01";
      t.cases->Do(inbox[next].case_id, act);
    }
    tx.Commit();
  }
  state.counters["approvals/s"] = benchmark::Counter(static_cast<double>(done), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CaseApprove)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace
