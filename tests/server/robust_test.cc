// The server against requests that are wrong (#16 part 8): too large,
// malformed, deeply nested, not UTF-8, too long a line, and slow (a
// slowloris client): each is refused with a 4xx and a code, nothing is
// written, and the server goes on answering others.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "server/running.h"

namespace {

using Json = nlohmann::json;
using mamori::test_util::Browser;
using mamori::test_util::Running;

struct Town : mamori::test_util::SampleTown {
  Town() : SampleTown("mamori_robust", "yasuda", {"--demo-parameters"}) {}
  std::string Token() {
    auto r = Run({"token", "issue", "--name", "試験", "--scope", "decide", "--as", "000021"});
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }
  long long LogSize() { return Json::parse(Run({"ledger", "head", "--json"}).out)["size"].get<long long>(); }
};

std::string CodeOf(const httplib::Result& r) {
  if (!r) return "(no answer)";
  const Json j = Json::parse(r->body, nullptr, false);
  return j.is_object() ? j.value("code", "(no code)") : "(not JSON: " + r->body.substr(0, 80) + ")";
}

TEST(Robust, WrongRequestsAreRefusedWithACodeAndChangeNothing) {
  Town t;
  const std::string token = t.Token();
  Running s(t);
  const long long before = t.LogSize();
  Browser b(s.port);
  b.token = token;

  // Too large: refused from its Content-Length, before it is read.
  auto r = b.Post("/api/v1/decide", std::string(17 * 1024 * 1024, ' '));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(CodeOf(r), "E-API-413");
  // Not JSON, not an object, not UTF-8.
  for (const std::string bad : {"{", "[1,2]", "\"text\"", "{\"subject\":\"000023\",\"action\":\"take_out\",\"resource\":\"A\xff\"}"}) {
    r = b.Post("/api/v1/decide", bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(CodeOf(r).rfind("E-DEC-", 0), 0u) << bad << " " << r->body;
  }
  // Nested a thousand deep: refused by the contract's depth bound, not by the stack.
  std::string deep = "{\"subject\":\"000023\",\"action\":\"take_out\",\"context\":";
  for (int i = 0; i < 1000; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 1001; ++i) deep += "}";
  r = b.Post("/api/v1/decide", deep);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(CodeOf(r), "E-DEC-009") << r->body;
  // A login that is not JSON; a login of the wrong types.
  Browser anon(s.port);
  r = anon.c.Post("/api/v1/login", "not json", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(CodeOf(r), "E-API-400");
  r = anon.c.Post("/api/v1/login", R"({"person":1,"password":["x"]})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(CodeOf(r), "E-AUTH-002");
  // A batch: each bad line answered in its place, the good ones decided.
  r = b.Post("/api/v1/decide/batch", "{\"subject\":\"000023\",\"action\":\"take_out\",\"resource\":\"A0000022\"}\n{\n\n[]\n",
             "application/x-ndjson");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  std::istringstream lines(r->body);
  std::vector<Json> answers;
  for (std::string l; std::getline(lines, l);) answers.push_back(Json::parse(l));
  ASSERT_EQ(answers.size(), 3u) << r->body;
  EXPECT_EQ(answers[0]["effect"], "approval_required");
  EXPECT_EQ(answers[1]["error"]["line"], 2);
  EXPECT_EQ(answers[2]["error"]["line"], 4);
  // A path too long, a method a route does not take.
  r = anon.c.Get(("/api/v1/registers/" + std::string(20000, 'a')).c_str());
  ASSERT_TRUE(r);
  EXPECT_GE(r->status, 400);
  EXPECT_LT(r->status, 500);
  EXPECT_EQ(CodeOf(r).rfind("E-SRV-", 0), 0u) << r->body;
  r = anon.c.Get("/api/v1/login");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(CodeOf(r), "E-SRV-404");
  EXPECT_EQ(t.LogSize(), before) << "a refused request wrote evidence";
}

// A batch large enough to be decided in two halves at once: every line is
// answered in its place, as /decide answers it alone, and a bad line in
// either half is numbered by its place in the whole body.
TEST(Robust, ALargeBatchIsAnsweredLineForLineInOrderAcrossItsHalves) {
  Town t;
  const std::string token = t.Token();
  Running s(t);
  Browser b(s.port);
  b.token = token;
  const std::vector<std::string> kinds = {
      R"({"subject":"000023","action":"take_out","resource":"A0000022"})",
      R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01"}})",
      R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C3","owner_unit":"U03"},"context":{"date":"2026-03-31"}})",
      R"({"subject":"000050","action":"dispose","resource":"A0000022"})"};
  std::vector<std::string> single;
  for (const auto& k : kinds) {
    auto r = b.Post("/api/v1/decide", k);
    ASSERT_TRUE(r);
    single.push_back(r->body);
  }
  std::string body;
  std::vector<int> kind_of;  // per line: which request, -1 a bad line, -2 a blank one
  for (int i = 1; i <= 3000; ++i) {
    if (i == 700 || i == 2900) {
      body += "{\"subject\":\n";
      kind_of.push_back(-1);
    } else if (i == 2000) {
      body += "   \n";
      kind_of.push_back(-2);
    } else {
      body += kinds[i % kinds.size()] + "\n";
      kind_of.push_back(static_cast<int>(i % kinds.size()));
    }
  }
  ASSERT_GE(body.size(), 256u * 1024) << "too small to be split";
  auto r = b.Post("/api/v1/decide/batch", body, "application/x-ndjson");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  std::istringstream lines(r->body);
  std::size_t at = 0;
  for (std::string l; std::getline(lines, l); ++at) {
    while (at < kind_of.size() && kind_of[at] == -2) ++at;  // a blank line has no answer
    ASSERT_LT(at, kind_of.size());
    if (kind_of[at] == -1) {
      const Json j = Json::parse(l);
      EXPECT_EQ(j["error"]["line"], static_cast<long>(at + 1)) << l;
      EXPECT_EQ(j["error"]["code"].get<std::string>().rfind("E-DEC-", 0), 0u) << l;
    } else {
      EXPECT_EQ(l, single[static_cast<std::size_t>(kind_of[at])]) << "line " << at + 1;
    }
  }
  EXPECT_EQ(at, kind_of.size());
}

// A client that sends half a request and waits keeps one worker for the read
// time-out only: others are answered meanwhile, and it is then cut off.
TEST(Robust, ASlowClientIsCutOffAndOthersAreAnsweredMeanwhile) {
  Town t;
  Running s(t);
  std::vector<int> slow;
  for (int i = 0; i < 8; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(s.port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    const std::string half = "POST /api/v1/decide HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n";
    ASSERT_EQ(send(fd, half.data(), half.size(), 0), static_cast<ssize_t>(half.size()));
    slow.push_back(fd);
  }
  Browser other(s.port);
  auto r = other.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // Each slow connection is closed by the server (read returns 0 or an
  // error) within the read time-out; the test waits at most 30 s.
  for (int fd : slow) {
    timeval tv{30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
    }
    EXPECT_LE(n, 0);
    close(fd);
  }
  r = other.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
