// `make demo` ends by serving the sample town (#16 part 9): scripts/demo.sh,
// run as the Makefile runs it, prints the demo accounts with their first
// passwords and a waiting take-out case, serves until SIGINT (Ctrl-C), and
// then ends with status 0. A printed password logs in, and is temporary.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <regex>
#include <thread>

#include "reiki/cli_util.h"
#include "server/running.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

TEST(Demo, EndsByServingTheSampleTownUntilCtrlC) {
  const fs::path dir = mamori::test_util::ScratchDir("mamori_demo");
  const fs::path out = dir / "demo.out", err = dir / "demo.err";
  const std::string source = MAMORI_SOURCE_DIR;
  std::vector<std::string> env_s = {"DEMO_SERVE=1", "DEMO_PORT=0", "DEMO_DB=" + (dir / "demo.db").string(),
                                    "DEMO_SERVE_DB=" + (dir / "serve.db").string(), "PATH=/usr/bin:/bin"};
  std::vector<std::string> argv_s = {"/bin/bash", source + "/scripts/demo.sh", MAMORI_BINARY, source + "/../shared/seeds",
                                     source + "/packs"};
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, "/bin/bash", &actions, nullptr, argv.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);
  mamori::test_util::Stopper stopper{pid};

  // The script execs the server, so its pid is the server's: wait for it to listen.
  int port = -1;
  std::string text;
  for (int i = 0; i < 1200 && port < 0; ++i) {  // the demo reads five texts first: up to 2 minutes
    text = mamori::test_util::ReadFileBytes(out);
    std::smatch m;
    if (std::regex_search(text, m, std::regex("mamori serve: http://127\\.0\\.0\\.1:([0-9]+) で待ち受けています"))) port = std::stoi(m[1]);
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (kill(pid, 0) != 0) break;
  }
  ASSERT_GT(port, 0) << text << mamori::test_util::ReadFileBytes(err);
  EXPECT_NE(text.find("検証: OK"), std::string::npos) << "the demo before the server ran whole";
  EXPECT_NE(text.find("C2026-000001"), std::string::npos) << text;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("000022\\t([A-Za-z0-9_-]+)\\t"))) << text;
  const std::string first = m[1];

  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(20, 0);
  auto r = c.Post("/api/v1/login", nlohmann::json{{"person", "000022"}, {"password", first}}.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(nlohmann::json::parse(r->body)["temporary"].get<bool>());

  ASSERT_EQ(kill(pid, SIGINT), 0);  // Ctrl-C
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  stopper.pid = -1;
  EXPECT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
  EXPECT_NE(mamori::test_util::ReadFileBytes(out).find("停止しました"), std::string::npos);
}

}  // namespace
