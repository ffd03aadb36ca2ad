// The server killed (SIGKILL, no chance to clean up) while people are writing
// (#16 part 8). What it answered 201 for was committed, so it must be there
// afterwards; what it had not answered may or may not be, but never half of
// it: the ledger verifies from its first entry, every case's state is what
// its events give (ledger verify replays them), and the server starts again
// on the same store and takes new work.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "server/running.h"

namespace {

using Json = nlohmann::json;
using mamori::test_util::Browser;
using mamori::test_util::Running;
using mamori::test_util::Settle;

TEST(Crash, ASigkillDuringWritesLosesNothingAnsweredAndLeavesNothingHalfDone) {
  mamori::test_util::AccountsTown t("mamori_crash");
  t.Issue({"000023"});
  std::set<std::string> answered;
  {
    Running s(t);
    Browser first(s.port);
    Settle(first, t, "000023");

    // Four writers at once, each applying for a take-out (a case opened: its
    // event, its state, its queue rows and their ledger entries in one
    // transaction) until the server is gone.
    std::mutex mu;
    std::atomic<int> count{0};
    std::vector<std::thread> writers;
    for (int i = 0; i < 4; ++i)
      writers.emplace_back([&] {
        Browser b(s.port);
        b.cookie = first.cookie;
        b.csrf = first.csrf;
        b.c.set_read_timeout(5, 0);
        for (;;) {
          auto r = b.Post("/api/v1/cases", R"({"action":"take_out","resource":"A0000022"})");
          if (!r) return;  // the server is gone
          if (r->status != 201) {
            ADD_FAILURE() << r->status << " " << r->body;
            return;
          }
          std::lock_guard<std::mutex> lock(mu);
          answered.insert(Json::parse(r->body)["case"]["id"].get<std::string>());
          ++count;
        }
      });
    for (int i = 0; i < 600 && count < 40; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_GE(count.load(), 40) << "the writers did not get going";
    ASSERT_EQ(kill(s.pid, SIGKILL), 0);
    ASSERT_EQ(waitpid(s.pid, nullptr, 0), s.pid);
    for (auto& w : writers) w.join();
  }
  ASSERT_GE(answered.size(), 40u);

  // Nothing half-done: the whole log verifies, cases replayed from their events.
  auto v = t.Run({"ledger", "verify"});
  EXPECT_EQ(v.status, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("検証: OK"), std::string::npos) << v.out;
  // Nothing answered is lost.
  auto list = t.Run({"case", "list", "--format", "json"});
  ASSERT_EQ(list.status, 0) << list.err;
  std::set<std::string> stored;
  for (const auto& c : Json::parse(list.out)) stored.insert(c.value("id", ""));
  for (const auto& id : answered) EXPECT_TRUE(stored.count(id)) << id << " was answered 201 and is not in the store";

  // And the server takes up again on the same store.
  Running again(t);
  Browser b(again.port);
  ASSERT_EQ(b.Login("000023", mamori::test_util::kOwnPassword), 200);  // sessions died with the process; the password stands
  auto r = b.Post("/api/v1/cases", R"({"action":"take_out","resource":"A0000022"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
}

}  // namespace
