// A `mamori serve` the test starts on the sample town (127.0.0.1, a free
// port) and stops when it ends, even one that fails half-way; and a client
// that keeps a session (cookie and CSRF token) like a browser would.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <sstream>
#include <regex>
#include <string>
#include <thread>

#include "common/town.h"
#include "reiki/cli_util.h"

namespace mamori::test_util {

// The port the server printed it listens on, waiting at most 20 s for it.
inline int PortOf(const std::filesystem::path& out) {
  for (int i = 0; i < 200; ++i) {
    std::smatch m;
    const std::string text = ReadFileBytes(out);
    if (std::regex_search(text, m, std::regex("127\\.0\\.0\\.1:([0-9]+)"))) return std::stoi(m[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return -1;
}

struct Stopper {
  pid_t pid;
  ~Stopper() {
    if (pid > 0 && kill(pid, 0) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

struct Running {
  pid_t pid = -1;
  int port = -1;
  Stopper stopper{-1};
  explicit Running(SampleTown& t) {
    pid = StartMamori({"serve", "--db", t.db, "--listen", "127.0.0.1:0"}, t.dir / "serve.out", t.dir / "serve.err");
    stopper.pid = pid;
    port = PortOf(t.dir / "serve.out");
    EXPECT_GT(port, 0) << ReadFileBytes(t.dir / "serve.err");
  }
};

// One person's (or one system's) side of the conversation.
struct Browser {
  httplib::Client c;
  std::string cookie, csrf, token;
  explicit Browser(int port) : c("127.0.0.1", port) { c.set_read_timeout(20, 0); }
  httplib::Headers Headers(bool writes) const {
    httplib::Headers h;
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    if (writes && !csrf.empty()) h.emplace("X-CSRF-Token", csrf);
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return h;
  }
  httplib::Result Get(const std::string& path) { return c.Get(path.c_str(), Headers(false)); }
  httplib::Result Post(const std::string& path, const std::string& body, const char* type = "application/json") {
    return c.Post(path.c_str(), Headers(true), body, type);
  }
  // Logs in; returns the status. Keeps the cookie and the CSRF token.
  int Login(const std::string& person, const std::string& password) {
    auto r = c.Post("/api/v1/login", nlohmann::json{{"person", person}, {"password", password}}.dump(), "application/json");
    if (!r) return -1;
    if (r->status == 200) {
      const std::string set = r->get_header_value("Set-Cookie");
      cookie = set.substr(0, set.find(';'));
      csrf = nlohmann::json::parse(r->body)["csrf"];
    }
    return r->status;
  }
};

// The sample town (安田町, demo parameters) with accounts: Issue() gives
// people accounts as mamori's administrator (S09's 000021) and keeps their
// first passwords; Settle() logs one in and changes it to kOwnPassword.
inline constexpr const char* kOwnPassword = "correct horse battery";  // 21 characters; the demo length is 12
struct AccountsTown : SampleTown {
  std::map<std::string, std::string> first;  // 職員番号 -> first (temporary) password
  explicit AccountsTown(const std::string& scratch) : SampleTown(scratch, "yasuda", {"--demo-parameters"}) {}
  void Issue(const std::vector<std::string>& people) {
    std::vector<std::string> args = {"account", "issue"};
    args.insert(args.end(), people.begin(), people.end());
    args.insert(args.end(), {"--as", "000021"});
    auto r = Run(args);
    ASSERT_EQ(r.status, 0) << r.err;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      const auto tab = line.find('\t'), tab2 = line.find('\t', tab + 1);
      first[line.substr(0, tab)] = line.substr(tab + 1, tab2 - tab - 1);
    }
  }
};

inline void Settle(Browser& b, AccountsTown& t, const std::string& person) {
  ASSERT_EQ(b.Login(person, t.first[person]), 200);
  auto r = b.Post("/api/v1/password", nlohmann::json{{"current", t.first[person]}, {"new", kOwnPassword}}.dump());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
}

}  // namespace mamori::test_util
