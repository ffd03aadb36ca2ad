// Benchmarks of the 例規 reader over the five seed policies.
//
// Target: Parse at 50 MB/s or more on one core, so that even a whole 例規集
// (thousands of regulations) is read in seconds. Bytes are counted as UTF-8
// input bytes, so MB/s figures compare across seeds of different sizes.
#include <benchmark/benchmark.h>
#include <iconv.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "reiki/reiki.h"

namespace reiki = mamori::reiki;

namespace {

struct Seed {
  std::string name;  // "000", "001", ...
  std::string text;  // UTF-8 as stored in shared/seeds
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Loaded once: the seeds are the corpus the target figure is stated for.
const std::vector<Seed>& Seeds() {
  static const std::vector<Seed> seeds = [] {
    std::vector<Seed> out;
    std::vector<std::filesystem::path> paths;
    for (const auto& e : std::filesystem::directory_iterator(MAMORI_SEEDS_DIR)) {
      if (e.path().extension() == ".txt") paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) out.push_back({p.filename().string().substr(0, 3), ReadFile(p)});
    if (out.empty()) {
      std::fprintf(stderr, "E-BENCH-001: 例規のテキストが見つかりません: %s\n", MAMORI_SEEDS_DIR);
      std::exit(2);
    }
    return out;
  }();
  return seeds;
}

// Made in-process with iconv(3) so that the benchmark needs no prepared files;
// CP932 is what Excel and older Windows tools hand to municipal staff.
std::string ToCp932(const std::string& utf8) {
  iconv_t cd = iconv_open("CP932", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    std::perror("iconv_open");
    std::exit(2);
  }
  std::string out(utf8.size() + 16, '\0');  // CP932 is never longer than UTF-8 here
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* dst = out.data();
  std::size_t out_left = out.size();
  if (iconv(cd, &in, &in_left, &dst, &out_left) == static_cast<std::size_t>(-1)) {
    std::perror("iconv");
    std::exit(2);
  }
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

void BM_Parse(benchmark::State& state, std::size_t index) {
  const Seed& seed = Seeds().at(index);
  for (auto _ : state) {
    auto reg = reiki::Parse(seed.text, seed.name);
    benchmark::DoNotOptimize(reg);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(seed.text.size()));
}

void BM_ParseAll(benchmark::State& state) {
  std::int64_t bytes = 0;
  for (const auto& s : Seeds()) bytes += static_cast<std::int64_t>(s.text.size());
  for (auto _ : state) {
    for (const auto& s : Seeds()) {
      auto reg = reiki::Parse(s.text, s.name);
      benchmark::DoNotOptimize(reg);
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}

// Decode + Parse of UTF-8 bytes: what ParseFile does after reading the file.
void BM_DecodeParseAll(benchmark::State& state) {
  std::int64_t bytes = 0;
  for (const auto& s : Seeds()) bytes += static_cast<std::int64_t>(s.text.size());
  for (auto _ : state) {
    for (const auto& s : Seeds()) {
      auto d = reiki::Decode(s.text);
      auto reg = reiki::Parse(d.text, s.name);
      benchmark::DoNotOptimize(reg);
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}

// CP932 decode of all five seeds: the UTF-8 check fails, then iconv runs.
// Bytes counted are the CP932 input bytes.
void BM_DecodeCp932All(benchmark::State& state) {
  static const std::vector<std::string> cp932 = [] {
    std::vector<std::string> out;
    for (const auto& s : Seeds()) out.push_back(ToCp932(s.text));
    return out;
  }();
  std::int64_t bytes = 0;
  for (const auto& c : cp932) bytes += static_cast<std::int64_t>(c.size());
  for (auto _ : state) {
    for (const auto& c : cp932) {
      auto d = reiki::Decode(c);
      benchmark::DoNotOptimize(d);
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}

// UTF-8 decode only (BOM strip, validation, newline folding), for comparison.
void BM_DecodeUtf8All(benchmark::State& state) {
  std::int64_t bytes = 0;
  for (const auto& s : Seeds()) bytes += static_cast<std::int64_t>(s.text.size());
  for (auto _ : state) {
    for (const auto& s : Seeds()) {
      auto d = reiki::Decode(s.text);
      benchmark::DoNotOptimize(d);
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}

// JSON rendering of all five parsed seeds; bytes counted are the input bytes,
// so the figure reads as "input MB rendered per second".
void BM_ToJsonAll(benchmark::State& state) {
  std::vector<reiki::Regulation> regs;
  std::int64_t bytes = 0;
  for (const auto& s : Seeds()) {
    regs.push_back(reiki::Parse(s.text, s.name));
    bytes += static_cast<std::int64_t>(s.text.size());
  }
  std::int64_t out_bytes = 0;
  for (auto _ : state) {
    for (const auto& r : regs) {
      auto json = reiki::ToJson(r);
      out_bytes += static_cast<std::int64_t>(json.size());
      benchmark::DoNotOptimize(json);
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["json_bytes_per_iter"] =
      state.iterations() ? static_cast<double>(out_bytes) / static_cast<double>(state.iterations()) : 0;
}

// Registered at start-up so that there is one benchmark per seed file found,
// named after it (BM_Parse/000 ...).
int RegisterAll() {
  const auto& seeds = Seeds();
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    benchmark::RegisterBenchmark(("BM_Parse/" + seeds[i].name).c_str(), BM_Parse, i)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("BM_ParseAll", BM_ParseAll)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_DecodeParseAll", BM_DecodeParseAll)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_DecodeUtf8All", BM_DecodeUtf8All)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_DecodeCp932All", BM_DecodeCp932All)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_ToJsonAll", BM_ToJsonAll)->Unit(benchmark::kMillisecond);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
