// Notification hooks (#16 part 6): case events reach a command or a webhook
// an SIer connects; a delivery that fails is logged and retried, and no
// event is lost or given twice, across runs and a server's restart.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "server/running.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Town : mamori::test_util::SampleTown {
  Town() : SampleTown("mamori_hooks", "yasuda", {"--demo-parameters"}) {}
  std::string Apply() {
    std::ofstream(dir / "req.json") << R"({"action":"take_out","resource":"A0000022"})";
    auto r = Run({"apply", (dir / "req.json").string(), "--as", "000023"});
    EXPECT_EQ(r.status, 0) << r.err;
    std::smatch m;
    return std::regex_search(r.out, m, std::regex("C[0-9]{4}-[0-9]{6}")) ? m.str() : "";
  }
};

std::vector<Json> Lines(const fs::path& file) {
  std::vector<Json> out;
  std::istringstream in(mamori::test_util::ReadFileBytes(file));
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(Json::parse(l));
  return out;
}

TEST(Hooks, AFailedDeliveryLosesNothingAndNothingIsGivenTwice) {
  Town t;
  const fs::path got = t.dir / "got.jsonl", ok = t.dir / "ok";
  // The mail command is down until the file "ok" exists.
  const std::string command = "test -f '" + ok.string() + "' || exit 1; cat >> '" + got.string() + "'; echo >> '" + got.string() + "'";
  ASSERT_EQ(t.Run({"hook", "add", "--event", "case.*", "--command", command, "--as", "000021"}).status, 0);
  const std::string id = t.Apply();
  ASSERT_EQ(t.Run({"case", "approve", id, "--as", "000022"}).status, 0);
  auto r = t.Run({"hook", "deliver"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "0 件")) << r.out;
  EXPECT_TRUE(Has(r.err, "W-HOOK-001")) << r.err;  // logged
  EXPECT_FALSE(fs::exists(got));
  std::ofstream(ok) << "";
  r = t.Run({"hook", "deliver"});
  EXPECT_TRUE(Has(r.out, "2 件")) << r.out << r.err;
  r = t.Run({"hook", "deliver"});
  EXPECT_TRUE(Has(r.out, "0 件")) << r.out;
  const auto events = Lines(got);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["event"], "case.open");
  EXPECT_EQ(events[1]["event"], "case.approve");
  EXPECT_EQ(events[1]["case"], id);
  EXPECT_EQ(events[1]["by"], "000022");
  EXPECT_LT(events[0]["entry"].get<long long>(), events[1]["entry"].get<long long>());
  // Each entry is in the ledger: an SIer can ask for its proof.
  auto proof = t.Run({"ledger", "prove", "--entry", std::to_string(events[1]["entry"].get<long long>()), "--json"});
  ASSERT_EQ(proof.status, 0) << proof.err;
  EXPECT_TRUE(Json::parse(proof.out)["verified"].get<bool>());
}

TEST(Hooks, AHookGetsOnlyItsKindAndOnlyWhatHappensAfterItIsAdded) {
  Town t;
  const std::string before = t.Apply();  // before the hook: not told
  const fs::path got = t.dir / "got.jsonl";
  ASSERT_EQ(t.Run({"hook", "add", "--event", "case.approve", "--command", "cat >> '" + got.string() + "'; echo >> '" + got.string() + "'",
                   "--as", "000021"}).status, 0);
  const std::string id = t.Apply();
  ASSERT_EQ(t.Run({"case", "approve", id, "--as", "000022"}).status, 0);
  ASSERT_EQ(t.Run({"hook", "deliver"}).status, 0);
  const auto events = Lines(got);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["event"], "case.approve");
  EXPECT_EQ(events[0]["case"], id);
}

TEST(Hooks, OnlyMamorisAdministratorAddsAHookAndAWrongOneIsRefused) {
  Town t;
  auto r = t.Run({"hook", "add", "--event", "case.*", "--command", "true", "--as", "000022"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-AUTH-010")) << r.err;
  r = t.Run({"hook", "add", "--event", "case.opened", "--command", "true", "--as", "000021"});
  EXPECT_TRUE(Has(r.err, "E-HOOK-001")) << r.err;
  EXPECT_TRUE(Has(r.err, "case.open")) << r.err;
  r = t.Run({"hook", "add", "--event", "case.*", "--as", "000021"});
  EXPECT_TRUE(Has(r.err, "E-HOOK-002")) << r.err;
  r = t.Run({"hook", "add", "--event", "case.*", "--command", "true", "--url", "http://127.0.0.1:1/", "--as", "000021"});
  EXPECT_TRUE(Has(r.err, "E-HOOK-002")) << r.err;
  r = t.Run({"hook", "add", "--event", "case.*", "--url", "ftp://example.jp/", "--as", "000021"});
  EXPECT_TRUE(Has(r.err, "E-HOOK-002")) << r.err;
  r = t.Run({"hook", "remove", "H009", "--as", "000021"});
  EXPECT_TRUE(Has(r.err, "E-HOOK-003")) << r.err;
  EXPECT_TRUE(t.Run({"hook", "list"}).out.empty());
}

// The server delivers by itself: a webhook that first fails (HTTP 500) is
// retried, and gets the approval once.
TEST(Hooks, TheServerPostsEachEventToAWebhookAndRetriesAFailure) {
  Town t;
  httplib::Server chat;
  std::mutex mu;
  std::vector<Json> posts;
  std::atomic<int> calls{0};
  chat.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    if (calls++ == 0) {
      res.status = 500;  // down the first time
      return;
    }
    std::lock_guard<std::mutex> lock(mu);
    posts.push_back(Json::parse(req.body));
    res.status = 204;
  });
  const int chat_port = chat.bind_to_any_port("127.0.0.1");
  std::thread chat_thread([&] { chat.listen_after_bind(); });
  ASSERT_EQ(t.Run({"hook", "add", "--event", "case.approve", "--url", "http://127.0.0.1:" + std::to_string(chat_port) + "/hook",
                   "--as", "000021"}).status, 0);
  const std::string id = t.Apply();
  {
    mamori::test_util::Running s(t);
    ASSERT_EQ(t.Run({"case", "approve", id, "--as", "000022"}).status, 0);
    for (int i = 0; i < 300; ++i) {  // at most 30 s (the retry waits 2 s)
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!posts.empty()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a second delivery, were there one, would come by now
  }
  chat.stop();
  chat_thread.join();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0]["event"], "case.approve");
  EXPECT_EQ(posts[0]["case"], id);
  EXPECT_GE(calls.load(), 2);
  EXPECT_TRUE(Has(mamori::test_util::ReadFileBytes(t.dir / "serve.err"), "W-HOOK-001"));
}

}  // namespace
