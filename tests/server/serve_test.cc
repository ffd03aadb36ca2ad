// `mamori serve`, the process: it will not start while a value it enforces
// is unset (安田町 第59条第3号・第85条 leave them to the 実施手順), it answers
// /healthz in JSON, logs each request as a JSON line, answers what it does
// not have with a coded Japanese error, and stops on SIGTERM with status 0.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/town.h"
#include "server/running.h"
#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using mamori::test_util::CliResult;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Town : mamori::test_util::SampleTown {
  explicit Town(bool demo)
      : SampleTown("mamori_serve", "yasuda", demo ? std::vector<std::string>{"--demo-parameters"} : std::vector<std::string>{}) {}
};

using mamori::test_util::PortOf;
using mamori::test_util::Stopper;

TEST(Serve, RefusesToStartWhileAValueItEnforcesIsUnset) {
  Town t(false);
  auto r = t.Run({"serve", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-SRV-001")) << r.err;
  // Each by name, article and owner, as the text gives them.
  EXPECT_TRUE(Has(r.err, "login_attempt_limit、根拠 第85条")) << r.err;
  EXPECT_TRUE(Has(r.err, "access_timeout")) << r.err;
  EXPECT_TRUE(Has(r.err, "password_min_length、根拠 第59条第3号")) << r.err;
  EXPECT_TRUE(Has(r.err, "定める者 統括情報セキュリティ責任者（000002")) << r.err;
  EXPECT_TRUE(Has(r.err, "定める者 mamori の情報システム（S09）の情報システム管理者（000021")) << r.err;  // 情報政策室の長
  // One set is not enough: the others still stop it.
  ASSERT_EQ(t.Run({"param", "set", "login_attempt_limit", "5", "--as", "000021"}).status, 0);
  r = t.Run({"serve", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.status, 2);
  EXPECT_FALSE(Has(r.err, "login_attempt_limit")) << r.err;
  EXPECT_TRUE(Has(r.err, "access_timeout")) << r.err;
}

TEST(Serve, RefusesAListenAddressThatIsNotOne) {
  Town t(true);
  for (const char* bad : {"8080", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000", ":8080", "::1:80", "[::1:80", "127.0.0.1:-1"}) {
    auto r = t.Run({"serve", "--listen", bad});
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_TRUE(Has(r.err, "E-SRV-002")) << bad << ": " << r.err;
  }
}

TEST(Serve, AnswersHealthLogsEachRequestAndStopsOnSigterm) {
  Town t(true);
  const fs::path out = t.dir / "serve.out", err = t.dir / "serve.err";
  const pid_t pid = mamori::test_util::StartMamori({"serve", "--db", t.db, "--listen", "127.0.0.1:0"}, out, err);
  ASSERT_GT(pid, 0);
  Stopper stopper{pid};
  const int port = PortOf(out);
  ASSERT_GT(port, 0) << mamori::test_util::ReadFileBytes(err);
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(10, 0);
  auto health = c.Get("/healthz");
  ASSERT_TRUE(health) << "no answer";
  EXPECT_EQ(health->status, 200);
  EXPECT_TRUE(Has(health->get_header_value("Content-Type"), "application/json"));
  const Json h = Json::parse(health->body);
  EXPECT_EQ(h["status"], "ok");
  EXPECT_EQ(h["pack"], "yasuda");
  EXPECT_EQ(h["organisation"], "安田町");
  EXPECT_GT(h["ledger_size"].get<long long>(), 0);
  // A path that is not UTF-8 is answered, not a crash: the server still answers after it.
  auto odd = c.Get("/%FF%FE");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->status, 404);
  EXPECT_EQ(Json::parse(odd->body)["code"], "E-SRV-404");
  auto missing = c.Get("/api/v1/nothing-here");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Json::parse(missing->body)["code"], "E-SRV-404");

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  const CliResult r = mamori::test_util::WaitMamori(pid, out, err);
  stopper.pid = -1;
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "停止しました")) << r.out;
  // The access log: one JSON line per request, written as each ends (so
  // two requests on two workers may log in either order).
  std::map<std::string, Json> by_path;
  std::istringstream in(r.err);
  int lines = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] != '{') continue;
    const Json j = Json::parse(line);
    by_path[j.value("path", "")] = j;
    ++lines;
  }
  ASSERT_EQ(lines, 3) << r.err;
  const Json& ok = by_path["/healthz"];
  EXPECT_EQ(ok["status"], 200);
  EXPECT_EQ(ok["method"], "GET");
  EXPECT_EQ(ok["remote"], "127.0.0.1");
  EXPECT_TRUE(Has(ok.value("at", ""), "+09:00")) << ok.dump();  // JST
  EXPECT_EQ(by_path["/api/v1/nothing-here"]["status"], 404);
  EXPECT_TRUE(by_path["/api/v1/nothing-here"]["ms"].is_number());
}


// A SIGTERM sent while the server is still starting is not lost: it stops
// as soon as it listens (systemd would otherwise SIGKILL it after its time-out).
// One sent before main() has blocked the signals ends it by the signal itself.
TEST(Serve, ASigtermDuringStartUpStillStopsIt) {
  Town t(true);
  for (int i = 0; i < 3; ++i) {
    const fs::path out = t.dir / "early.out", err = t.dir / "early.err";
    const pid_t pid = mamori::test_util::StartMamori({"serve", "--db", t.db, "--listen", "127.0.0.1:0"}, out, err);
    ASSERT_GT(pid, 0);
    Stopper stopper{pid};
    std::this_thread::sleep_for(std::chrono::milliseconds(30 * i));
    ASSERT_EQ(kill(pid, SIGTERM), 0);
    // Bounded: if the signal were lost, the stopper kills it after 20 s and the status is not 0.
    for (int w = 0; w < 200 && waitpid(pid, nullptr, WNOHANG) == 0; ++w) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (w == 199) FAIL() << "still running 20 s after SIGTERM";
    }
    stopper.pid = -1;
  }
}

}  // namespace
