// The evidence ledger at scale, on the 2-core machine. Targets: appends in
// group commits >= 100,000 entries/s; a full verification >= 500,000 entries/s;
// an inclusion proof < 50 us. Every throughput is printed beside the rate at
// which the ledger's own SHA-256 (OpenSSL, with the CPU's SHA extensions)
// alone hashes buffers of the entries' size: each
// entry must be hashed at least once, so that rate is the physical ceiling,
// and "sha256/ledger" says how many times slower than it the ledger runs.
// Figures are printed, never asserted.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <span>

#include <sys/wait.h>
#include <unistd.h>

#include "ledger/canonical.h"
#include "ledger/ledger.h"
#include "registry/binding.h"

namespace {

namespace fs = std::filesystem;
using namespace mamori;
using Clock = std::chrono::steady_clock;

const std::string kPack = std::string(MAMORI_PACKS_DIR) + "/yasuda";

double Seconds(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

registry::Bound Fresh(const fs::path& db) {
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
  fs::remove(ledger::KeyPathFor(db.string()));
  // The import benchmarks before this one leave a gigabyte to write back; an
  // append benchmark should not wait on their disk traffic.
  ::sync();
  return registry::Init(db.string(), kPack, "bench");
}

// A decision as the engine would record it, Japanese text and all, so that the
// entries have the size and the escaping work of real ones.
nlohmann::json Decision(long i) {
  static const char* actions[] = {"take_out", "external_provision", "dispose", "transport", "copy"};
  static const char* units[] = {"総務課", "企画財政課", "税務課", "住民課", "福祉課", "建設課", "教育委員会事務局"};
  static const char* levels[] = {"機密性2", "機密性3"};
  char subject[16], asset[16], holder1[16], holder2[16], date[16];
  std::snprintf(subject, sizeof subject, "%06ld", 1 + (i * 7919) % 100000);
  std::snprintf(asset, sizeof asset, "A%07ld", 1 + (i * 104729) % 1000000);
  std::snprintf(holder1, sizeof holder1, "%06ld", 1 + (i * 31) % 100000);
  std::snprintf(holder2, sizeof holder2, "%06ld", 1 + (i * 37) % 100000);
  std::snprintf(date, sizeof date, "2026-%02ld-%02ld", 1 + i % 12, 1 + i % 28);
  const char* unit = units[i % std::size(units)];
  return {
      {"request",
       {{"subject", subject},
        {"action", actions[i % std::size(actions)]},
        {"resource", {{"id", asset}, {"confidentiality", levels[i % 2]}, {"owner_unit", unit}}},
        {"context", {{"date", date}}}}},
      {"decision",
       {{"effect", "permit_with_approval"},
        {"approvals",
         {{{"role", "security_manager"},
           {"role_name", "情報セキュリティ管理者"},
           {"unit", unit},
           {"holders", {holder1, holder2}}}}},
        {"obligations",
         {{{"id", "encrypt_and_log"},
           {"text", "持ち出す情報は暗号化し、持出し簿に記録したうえで、帰庁後速やかに返却を報告すること。"}}}},
        {"citations",
         {{{"ref", "第27条第2項"},
           {"text", "機密性2以上の情報資産を庁外に持ち出す場合は、情報セキュリティ管理者の許可を得なければならない。"
                    "この場合において、持ち出す情報は暗号化その他の措置により保護しなければならない。"}}}},
        {"reasons", {std::string(levels[i % 2]) + "の情報資産の庁外持出しには、所管課の情報セキュリティ管理者の承認が必要です。"}}}}};
}

// Building the JSON is the engine's cost, not the ledger's: a pool, cycled.
const std::vector<nlohmann::json>& Decisions() {
  static const std::vector<nlohmann::json> pool = [] {
    std::vector<nlohmann::json> p;
    for (long i = 0; i < 1000; ++i) p.push_back(Decision(i));
    return p;
  }();
  return pool;
}

// RFC 8785 alone, on the same decisions: the part of an append that is
// neither hashing nor SQLite.
void BM_LedgerCanonical(benchmark::State& state) {
  const auto& pool = Decisions();
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    auto text = ledger::Canonical(pool[i++ % pool.size()]);
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LedgerCanonical);

// Appends `n` decisions in transactions of `batch`: each commit signs one
// head. Returns the seconds spent appending and committing. Each decision is
// first copied out of the pool, untimed, because `decide --record` hands the
// ledger a tree the engine has only just built, still in cache; appending
// straight from a pool of a thousand trees would time cache misses that the
// real path does not have.
// With `every` > 0, every `every`-th entry is a register change instead
// (people rows, 50,000 ids, so that later changes update earlier rows):
// verification then holds the history and the live rows to the log as well.
double FillWithRegisters(registry::Bound& b, long n, long batch, long every) {
  const auto& pool = Decisions();
  std::vector<std::optional<std::string>> rows(50000);
  Clock::duration copying{};
  const auto t0 = Clock::now();
  long changes = 0;
  for (long done = 0; done < n;) {
    store::Transaction tx(*b.store);
    for (long k = 0; k < batch && done < n; ++k, ++done) {
      if (every > 0 && done % every == every - 1) {
        const long i = changes++ % static_cast<long>(rows.size());
        char id[16];
        std::snprintf(id, sizeof id, "%06ld", i + 1);
        std::string after = "{\"category\":\"一般職\",\"id\":\"" + std::string(id) + "\",\"name\":\"職員 " +
                            std::to_string(changes) + "\",\"start\":\"2015-04-01\",\"unit\":\"U01\"}";
        b.store->Apply({"people", id, rows[static_cast<std::size_t>(i)], after}, "mamori", "2026-04-01T09:00:00+09:00",
                       "import");
        rows[static_cast<std::size_t>(i)] = std::move(after);
        continue;
      }
      const auto c0 = Clock::now();
      const nlohmann::json d = pool[static_cast<std::size_t>(done) % pool.size()];
      copying += Clock::now() - c0;
      b.ledger->Append("decision", d, "mamori", "2026-04-01T09:00:00+09:00");
    }
    tx.Commit();
  }
  return std::chrono::duration<double>(Clock::now() - t0 - copying).count();
}

// Decisions only.
double Fill(registry::Bound& b, long n, long batch) { return FillWithRegisters(b, n, batch, 0); }

// Average canonical entry size of seqs [from, end), as stored.
double BytesPerEntry(store::Store& s, long long from) {
  double bytes = 0, n = 0;
  s.LogScan(from, [&](const store::LogRow& r) {
    if (r.entry) bytes += static_cast<double>(r.entry->size()), ++n;
    return true;
  });
  return n ? bytes / n : 0;
}

// The ledger's SHA-256 (ledger::Sha256) over buffers of `bytes`, in entries/s. SHA-256 is bound
// by compute, not memory, so a pool that stays in cache gives the ceiling.
double Sha256Rate(std::size_t bytes) {
  std::vector<std::vector<unsigned char>> bufs(256, std::vector<unsigned char>(bytes));
  std::mt19937 rng(1);
  for (auto& b : bufs)
    for (auto& c : b) c = static_cast<unsigned char>(rng());
  long n = 0;
  auto t0 = Clock::now();
  double s = 0;
  do {
    for (const auto& b : bufs) {
      auto out = ledger::Sha256({reinterpret_cast<const char*>(b.data()), b.size()});
      benchmark::DoNotOptimize(out);
    }
    n += static_cast<long>(bufs.size());
  } while ((s = Seconds(t0)) < 0.3);
  return static_cast<double>(n) / s;
}

void Report(benchmark::State& state, double entries_per_s, double bytes_per_entry) {
  const double sha = Sha256Rate(static_cast<std::size_t>(bytes_per_entry + 0.5));
  state.counters["entries/s"] = entries_per_s;
  state.counters["bytes/entry"] = bytes_per_entry;
  state.counters["sha256 entries/s"] = sha;
  state.counters["sha256/ledger"] = sha / entries_per_s;
}

void BM_LedgerAppend(benchmark::State& state) {
  const long batch = state.range(0), n = state.range(1);
  fs::path db = fs::temp_directory_path() / "mamori_bench_ledger_append.db";
  double rate = 0, bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto b = Fresh(db);
    const long long first = static_cast<long long>(b.ledger->size());  // Init records the pack
    state.ResumeTiming();
    rate = static_cast<double>(n) / Fill(b, n, batch);
    state.PauseTiming();
    bytes = BytesPerEntry(*b.store, first);
    state.ResumeTiming();
  }
  Report(state, rate, bytes);
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
  fs::remove(ledger::KeyPathFor(db.string()));
}
// Batch 1 is the cost of a commit (and a signature) per decision, for contrast.
BENCHMARK(BM_LedgerAppend)
    ->ArgNames({"batch", "entries"})
    ->Args({1000, 200000})
    ->Args({1, 5000})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

// Three writers at once, as separate processes on one store (two imports and
// a recording stream, say): each waits its turn for the write lock (BEGIN
// IMMEDIATE) and appends after what the others committed. Printed: their
// combined entries/s, against one writer's in the same run. Every entry must
// land and the log must verify afterwards, or the benchmark fails.
void BM_LedgerConcurrentWriters(benchmark::State& state) {
  const long per_writer = state.range(0), batch = 1000;
  const int writers = 3;
  fs::path db = fs::temp_directory_path() / "mamori_bench_ledger_writers.db";
  double together = 0, alone = 0;
  for (auto _ : state) {
    long long first = 0;
    {
      auto b = Fresh(db);
      first = b.store->LogSize();
      // One writer alone, on the same store, for the ratio.
      alone = static_cast<double>(per_writer) / Fill(b, per_writer, batch);
    }
    Decisions();  // built before fork, so each child copies it rather than building its own
    const auto t0 = Clock::now();
    std::vector<pid_t> kids;
    for (int w = 0; w < writers; ++w) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        int code = 0;
        try {
          auto b = registry::Open(db.string());
          Fill(b, per_writer, batch);
        } catch (...) {
          code = 1;
        }
        ::_exit(code);
      }
      kids.push_back(pid);
    }
    bool failed = false;
    for (pid_t k : kids) {
      int status = 0;
      ::waitpid(k, &status, 0);
      failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    together = static_cast<double>(writers * per_writer) / Seconds(t0);
    auto b = registry::Open(db.string());
    auto report = b.ledger->Verify(ledger::PublicKeyOf(ledger::KeyPathFor(db.string())));
    if (failed || !report.ok() || report.entries != first + (writers + 1) * per_writer) {
      state.SkipWithError("a writer failed, or not every entry landed and verified");
      return;
    }
  }
  state.counters["writers"] = writers;
  state.counters["combined entries/s"] = together;
  state.counters["one writer entries/s"] = alone;
  state.counters["combined/one"] = together / alone;
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
  fs::remove(ledger::KeyPathFor(db.string()));
}
BENCHMARK(BM_LedgerConcurrentWriters)->ArgNames({"entries_per_writer"})->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

struct World {
  fs::path db;
  registry::Bound b;
  ledger::PublicKey key{};
  double build_rate = 0;  // the append rate at this scale, for free
};

// Built once for Verify and the proofs: a million entries take a while to
// append. One in ten is a register change (100,000 changes to 50,000 rows).
World& TheLedger() {
  static World w = [] {
    World w;
    w.db = fs::temp_directory_path() / "mamori_bench_ledger.db";
    w.b = Fresh(w.db);
    w.build_rate = 1e6 / FillWithRegisters(w.b, 1000000, 1000, 10);
    w.key = ledger::PublicKeyOf(ledger::KeyPathFor(w.db.string()));
    // Registered before the World is constructed, so it runs after the store closes.
    std::atexit([] {
      const std::string db = (fs::temp_directory_path() / "mamori_bench_ledger.db").string();
      for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db + ext);
      fs::remove(ledger::KeyPathFor(db));
    });
    return w;
  }();
  return w;
}

void BM_LedgerVerify(benchmark::State& state) {
  World& w = TheLedger();
  double rate = 0;
  long long entries = 0;
  for (auto _ : state) {
    auto t0 = Clock::now();
    auto report = w.b.ledger->Verify(w.key);
    rate = static_cast<double>(report.entries) / Seconds(t0);
    entries = report.entries;
    if (!report.ok()) {
      state.SkipWithError(report.problems.empty() ? "no signed head" : report.problems[0].code.c_str());
      return;
    }
  }
  Report(state, rate, BytesPerEntry(*w.b.store, 0));
  state.counters["entries"] = static_cast<double>(entries);
  state.counters["append entries/s at 1M"] = w.build_rate;
}
BENCHMARK(BM_LedgerVerify)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

std::vector<std::uint64_t> RandomIn(std::uint64_t lo, std::uint64_t hi) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::uint64_t> d(lo, hi - 1);
  std::vector<std::uint64_t> v(4096);
  for (auto& x : v) x = d(rng);
  return v;
}

void BM_LedgerProve(benchmark::State& state) {
  World& w = TheLedger();
  const auto head = w.b.ledger->Head();
  const auto seqs = RandomIn(0, head->size);
  // A fast wrong proof is worth nothing: check one against the signed root.
  {
    auto p = w.b.ledger->ProveInclusion(seqs[0]);
    if (!p.entry || p.leaf != ledger::LeafHash(*p.entry) || p.root != head->root ||
        !ledger::VerifyInclusion(p.seq, p.size, p.leaf, p.path, p.root)) {
      state.SkipWithError("inclusion proof does not verify");
      return;
    }
  }
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(w.b.ledger->ProveInclusion(seqs[i++ % seqs.size()]));
  state.counters["tree size"] = static_cast<double>(head->size);
}
BENCHMARK(BM_LedgerProve)->Unit(benchmark::kMicrosecond);

void BM_LedgerConsistency(benchmark::State& state) {
  World& w = TheLedger();
  const auto head = w.b.ledger->Head();
  const auto froms = RandomIn(1, head->size + 1);
  {
    auto c = w.b.ledger->ProveConsistency(froms[0]);
    if (c.to_root != head->root || !ledger::VerifyConsistency(c.from, c.to, c.from_root, c.to_root, c.proof)) {
      state.SkipWithError("consistency proof does not verify");
      return;
    }
  }
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(w.b.ledger->ProveConsistency(froms[i++ % froms.size()]));
  state.counters["tree size"] = static_cast<double>(head->size);
}
BENCHMARK(BM_LedgerConsistency)->Unit(benchmark::kMicrosecond);

}  // namespace
