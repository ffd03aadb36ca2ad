// Three writers at once on one store — two imports and a `decide --record`
// stream, each its own process — must all land: a second writer waits for
// the write lock and then appends after what the first committed, instead of
// failing at commit on a stale log size (UNIQUE constraint failed: ledger.seq).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <chrono>
#include <cstdio>
#include <thread>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "../reiki/cli_util.h"
#include "registry/binding.h"

namespace mamori {
namespace {

namespace fs = std::filesystem;
using test_util::RunMamori;

// One writer process, its output in files named after `tag`.
struct Writer {
  fs::path out, err;
  pid_t pid;
  Writer(const std::vector<std::string>& args, const fs::path& dir, const std::string& tag, const std::string& in = "")
      : out(dir / (tag + ".out")), err(dir / (tag + ".err")), pid(test_util::StartMamori(args, out, err, in)) {}
  test_util::CliResult Wait() { return test_util::WaitMamori(pid, out, err); }
};

long Lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(ConcurrentWriters, TwoImportsAndARecordingStreamAllLandAndVerify) {
  const fs::path dir = test_util::ScratchDir("mamori_concurrent");
  const std::string db = (dir / "town.db").string();
  ASSERT_EQ(RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/yasuda", "--db", db}, dir).status, 0);
  ASSERT_EQ(RunMamori({"sample", "--db", db}, dir).status, 0);
  {
    std::ofstream people(dir / "people.csv");
    people << "職員番号,氏名,所属,区分,開始日\n";
    for (int i = 0; i < 3000; ++i) people << 500000 + i << ",追加 " << i << ",U03,一般職,2026-04-01\n";
    std::ofstream assets(dir / "assets.csv");
    assets << "資産番号,名称,所管組織,機密性\n";
    for (int i = 0; i < 3000; ++i) assets << "N" << 700000 + i << ",追加資産 " << i << ",U05,機密性2\n";
    std::ofstream req(dir / "requests.jsonl");
    for (int i = 0; i < 2000; ++i)
      req << R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01"}})"
          << "\n";
  }
  // Entries before: what the sample wrote.
  long long before = 0;
  {
    auto b = registry::Open(db);
    before = b.store->LogSize();
  }
  Writer rec({"decide", "--db", db, "--record", "-"}, dir, "record", (dir / "requests.jsonl").string());
  Writer p1({"import", "職員", (dir / "people.csv").string(), "--db", db}, dir, "people");
  Writer p2({"import", "情報資産", (dir / "assets.csv").string(), "--db", db}, dir, "assets");
  auto r1 = p1.Wait(), r2 = p2.Wait(), rr = rec.Wait();
  EXPECT_EQ(r1.status, 0) << r1.err;
  EXPECT_EQ(r2.status, 0) << r2.err;
  EXPECT_EQ(rr.status, 0) << rr.err;
  // Every answer was given, none is an error.
  const std::string& answers = rr.out;
  EXPECT_EQ(Lines(answers), 2000);
  EXPECT_EQ(answers.find("\"error\""), std::string::npos) << answers.substr(0, 400);
  {
    auto b = registry::Open(db);
    EXPECT_EQ(b.store->LogSize(), before + 3000 + 3000 + 2000);
    EXPECT_TRUE(b.store->Get("people", "500000").has_value());
    EXPECT_TRUE(b.store->Get("people", "502999").has_value());
    EXPECT_TRUE(b.store->Get("assets", "N702999").has_value());
  }
  auto v = RunMamori({"ledger", "verify", "--db", db}, dir);
  EXPECT_EQ(v.status, 0) << v.out << v.err;
}

// Where waiting cannot help (the other writer never finishes in time), the
// message says so in Japanese and nothing is changed.
TEST(ConcurrentWriters, AWriterThatWaitsTooLongChangesNothingAndSaysSo) {
  const fs::path dir = test_util::ScratchDir("mamori_concurrent");
  const std::string db = (dir / "town.db").string();
  ASSERT_EQ(RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/yasuda", "--db", db}, dir).status, 0);
  std::ofstream(dir / "units.csv") << "組織コード,名称\nX01,待機課\n";
  auto holder = registry::Open(db);
  const long long before = holder.store->LogSize();
  {
    store::Transaction hold(*holder.store);  // the write lock, kept past the other's patience
    ::setenv("MAMORI_WRITE_WAIT_SECONDS", "1", 1);
    auto r = RunMamori({"import", "組織", (dir / "units.csv").string(), "--db", db}, dir);
    ::unsetenv("MAMORI_WRITE_WAIT_SECONDS");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("E-STORE-007"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("何も変更していません"), std::string::npos);
  }
  EXPECT_EQ(holder.store->LogSize(), before);
  EXPECT_FALSE(holder.store->Get("units", "X01").has_value());
}

// A recording stream that runs while someone imports: the decisions after the
// import rest on the new facts. Here the 税務課長's post changes hands between
// two identical requests fed through a pipe; the second answer names the new
// holder, and both decisions are in a log that verifies.
TEST(ConcurrentWriters, ALongRunningStreamDecidesOnRegistersImportedMeanwhile) {
  const fs::path dir = test_util::ScratchDir("mamori_stream");
  const std::string db = (dir / "town.db").string();
  ASSERT_EQ(RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/yasuda", "--db", db}, dir).status, 0);
  ASSERT_EQ(RunMamori({"sample", "--db", db}, dir).status, 0);
  const fs::path fifo = dir / "requests.fifo", out = dir / "stream.out", err = dir / "stream.err";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Opened read-write first, which does not block on Linux: posix_spawn
  // suspends this process until the child execs, and the child's open of the
  // FIFO would otherwise wait for a writer that cannot come.
  const int fd = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);  // not inherited: the child must see EOF
  ASSERT_GE(fd, 0);
  const pid_t pid = test_util::StartMamori({"decide", "--db", db, "--record", "-"}, out, err, fifo.string());
  ASSERT_GT(pid, 0);
  std::FILE* in = ::fdopen(fd, "w");
  ASSERT_NE(in, nullptr);
  const char* request =
      R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01"}})";
  auto answers = [&](std::size_t n) {
    std::vector<std::string> lines;
    for (int i = 0; i < 600 && lines.size() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      lines.clear();
      std::istringstream s(test_util::ReadFileBytes(out));
      for (std::string l; std::getline(s, l);) lines.push_back(l);
    }
    return lines;
  };
  std::fprintf(in, "%s\n", request);
  std::fflush(in);
  auto first = answers(1);
  ASSERT_EQ(first.size(), 1u) << test_util::ReadFileBytes(err);
  EXPECT_NE(first[0].find("000022"), std::string::npos) << first[0];
  // Another process: the post H00005 (税務課長 from 2026-04-01) goes to 000030.
  std::ofstream(dir / "holders.csv") << "在任ID,職,職員,開始日\nH00005,P-U03,000030,2026-04-01\n";
  auto imp = RunMamori({"import", "職の在任", (dir / "holders.csv").string(), "--db", db}, dir);
  ASSERT_EQ(imp.status, 0) << imp.err;
  std::fprintf(in, "%s\n", request);
  std::fclose(in);
  auto r = test_util::WaitMamori(pid, out, err);
  EXPECT_EQ(r.status, 0) << r.err;
  auto both = answers(2);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_NE(both[1].find("000030"), std::string::npos) << both[1];
  EXPECT_EQ(both[1].find("000022"), std::string::npos) << both[1];
  auto v = RunMamori({"ledger", "verify", "--db", db}, dir);
  EXPECT_EQ(v.status, 0) << v.out;
}

}  // namespace
}  // namespace mamori
