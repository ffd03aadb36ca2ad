// A million decide requests at full load (#16 part 8): wrk on 64 keep-alive
// connections, as the USB-control product of an SIer would call, against
// `mamori serve` on the sample town. Every answer is 200, and the server's
// memory after the million is what it was after the first hundred thousand
// (a leak of even 32 bytes a request would show as 28 MB here).
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <regex>

#include "server/running.h"

namespace {

using mamori::test_util::Running;

// Under AddressSanitizer (make test-asan builds the server the same way) freed
// memory is held in quarantine and RSS climbs by design, and each request
// costs several times more: there the run is 200,000 requests, all answered,
// and leaks are LeakSanitizer's to report. The million and the flat memory
// are the plain build's.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

long RssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Runs wrk until `n` answers have come and returns its summary line:
// (an answer is awaited 60 s, not wrk's 2 s: the test shares the machine
// with the others and with a sanitizer, and a slow answer is not a lost one)
// "LOAD requests=… non200=… socket_errors=…". wrk only runs for a duration:
// each of its 2 threads stops at n/2 answers and says so in a file, and
// SIGINT then ends wrk, which prints its summary (done()) as it stops.
std::string Load(const mamori::test_util::SampleTown& t, int port, const std::string& token, long n) {
  const auto script = t.dir / "load.lua", done = t.dir / "load.done", out = t.dir / "load.out";
  std::filesystem::remove(done);
  std::ofstream(script) << R"(local token = os.getenv("LOAD_TOKEN")
local limit = tonumber(os.getenv("LOAD_PER_THREAD"))
local body = '{"subject":"000023","action":"take_out","resource":"A0000022","context":{"date":"2026-12-01"}}'
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
local n = 0
request = function() return wrk.format("POST", "/api/v1/decide", headers, body) end
response = function(status)
  n = n + 1
  if n == limit then
    local f = io.open(os.getenv("LOAD_DONE"), "a")
    f:write("done\n")
    f:close()
    wrk.thread:stop()
  end
end
done = function(summary)
  local e = summary.errors
  io.write(string.format("LOAD requests=%d non200=%d socket_errors=%d (connect %d, read %d, write %d, timeout %d)\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout))
end
)";
  const std::string cmd = "LOAD_TOKEN=" + token + " LOAD_PER_THREAD=" + std::to_string(n / 2) + " LOAD_DONE=" + done.string() +
                          " wrk -t2 -c64 -d900s --timeout 60s -s " + script.string() + " http://127.0.0.1:" + std::to_string(port) +
                          " >" + out.string() + " 2>&1 & echo $!";
  long wrk = -1;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    if (fscanf(p, "%ld", &wrk) != 1) wrk = -1;
    pclose(p);
  }
  if (wrk <= 0) return "wrk did not start";
  auto lines = [&] {
    std::ifstream in(done);
    int k = 0;
    for (std::string l; std::getline(in, l);) ++k;
    return k;
  };
  // At most 15 minutes (wrk's own -d): far more than a million needs even under a sanitizer.
  for (int i = 0; i < 9000 && lines() < 2 && kill(static_cast<pid_t>(wrk), 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  kill(static_cast<pid_t>(wrk), SIGINT);
  std::smatch m;
  for (int i = 0; i < 300; ++i) {
    const std::string text = mamori::test_util::ReadFileBytes(out);
    if (std::regex_search(text, m, std::regex("LOAD [^\n]*"))) return m.str();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "wrk gave no summary: " + mamori::test_util::ReadFileBytes(out);
}

TEST(Load, AMillionDecisionsAreAllAnsweredAndMemoryStaysFlat) {
  if (std::system("command -v wrk >/dev/null 2>&1") != 0) GTEST_SKIP() << "wrk is not installed (make deps installs it)";
  mamori::test_util::AccountsTown t("mamori_load");
  auto issued = t.Run({"token", "issue", "--name", "USB制御", "--scope", "decide", "--as", "000021"});
  ASSERT_EQ(issued.status, 0) << issued.err;
  const std::string token = issued.out.substr(0, issued.out.find('\n'));
  Running s(t);

  const std::string warm = Load(t, s.port, token, 100000);
  ASSERT_TRUE(std::regex_search(warm, std::regex("non200=0 socket_errors=0"))) << warm;
  const long after_warm = RssKiB(s.pid);
  ASSERT_GT(after_warm, 0);

  const long total = kSanitized ? 200000 : 1000000;
  const std::string rest = Load(t, s.port, token, total - 100000);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(rest, m, std::regex("requests=([0-9]+) non200=0 socket_errors=0"))) << rest;
  EXPECT_GE(std::stol(m[1]) + 100000, total) << rest;
  const long after_all = RssKiB(s.pid);
  std::cout << "VmRSS after 100,000: " << after_warm << " KiB; after " << total << ": " << after_all << " KiB\n";
  if (!kSanitized)
    EXPECT_LT(after_all - after_warm, 28 * 1024) << "VmRSS grew from " << after_warm << " KiB to " << after_all << " KiB";
}

}  // namespace
