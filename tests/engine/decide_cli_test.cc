// `mamori decide` as a caller uses it: JSON Lines from a file and from stdin,
// a bad line answered in its place with its line number while the batch goes
// on, a single pretty-printed request file, and --record keeping what was
// asked beside what it was decided as.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "../reiki/cli_util.h"

namespace mamori::engine {
namespace {

namespace fs = std::filesystem;
using test_util::RunMamori;

struct CliTown {
  fs::path dir, db;
  CliTown() {
    dir = test_util::ScratchDir("mamori_decide_cli");
    db = dir / "t.db";
    EXPECT_EQ(RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/yasuda", "--db", db.string()}, dir).status, 0);
    EXPECT_EQ(RunMamori({"sample", "--db", db.string()}, dir).status, 0);
  }
  fs::path Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  }
};

std::vector<nlohmann::json> Lines(const std::string& out) {
  std::vector<nlohmann::json> v;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) v.push_back(nlohmann::json::parse(line));
  return v;
}

TEST(DecideCli, JsonLinesFileAnswersEveryLineInOrderAndNumbersTheBadOnes) {
  CliTown t;
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto file = t.Write("r.jsonl",
                      R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01"}})"
                      "\n"
                      R"({"subject":"000100","action":"transport","resource":{"confidentialty":"C1"}})"
                      "\n\n"
                      R"({"subject":"000100","action":"transport","context":)" + deep + "}\n" +
                      R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C1"},"context":{"date":"2026-04-01"}})"
                      "\n");
  for (bool record : {false, true}) {
    std::vector<std::string> args = {"decide", "--db", t.db.string(), file.string()};
    if (record) args.push_back("--record");
    auto r = RunMamori(args, t.dir);
    ASSERT_TRUE(r.exited) << "signal " << r.signal;
    EXPECT_EQ(r.status, 2);  // some lines were refused
    auto out = Lines(r.out);
    ASSERT_EQ(out.size(), 4u) << r.out;
    EXPECT_EQ(out[0]["effect"], "approval_required");  // 第27条第2項
    EXPECT_EQ(out[1]["error"]["code"], "E-DEC-005");
    EXPECT_EQ(out[1]["error"]["line"], 2);
    EXPECT_EQ(out[2]["error"]["code"], "E-DEC-009");
    EXPECT_EQ(out[2]["error"]["line"], 4);  // the blank line 3 is skipped but counted
    EXPECT_EQ(out[3]["effect"], "permit");  // 機密性1: 第27条 does not regulate it
  }
  // What was recorded: two decisions, each with the request as asked and as decided.
  auto exported = RunMamori({"ledger", "export", "--out", (t.dir / "ledger.txt").string(), "--db", t.db.string()}, t.dir);
  ASSERT_EQ(exported.status, 0) << exported.err;
  std::string text = test_util::ReadFileBytes(t.dir / "ledger.txt");
  EXPECT_NE(text.find("\"as_decided\""), std::string::npos);
  EXPECT_EQ(RunMamori({"ledger", "verify", "--db", t.db.string()}, t.dir).status, 0);
}

TEST(DecideCli, APrettyPrintedFileIsOneRequest) {
  CliTown t;
  auto file = t.Write("r.json", "{\n  \"subject\": \"000100\",\n  \"action\": \"持ち出し\",\n"
                                "  \"resource\": {\"confidentiality\": \"機密性2\", \"owner_unit\": \"税務課\"},\n"
                                "  \"context\": {\"date\": \"令和8年4月1日\"}\n}\n");
  auto r = RunMamori({"decide", "--db", t.db.string(), file.string()}, t.dir);
  ASSERT_EQ(r.status, 0) << r.err;
  auto out = Lines(r.out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["effect"], "approval_required");  // 第46条第4項
  EXPECT_EQ(out[0]["date"], "2026-04-01");
  EXPECT_EQ(out[0]["approvals"][0]["unit_name"], "税務課");
  // A refused single request is an error on stderr with exit 2.
  auto bad = t.Write("bad.json", "{\n  \"subject\": \"000100\",\n  \"action\": \"teleport\"\n}\n");
  auto e = RunMamori({"decide", "--db", t.db.string(), bad.string()}, t.dir);
  EXPECT_EQ(e.status, 2);
  EXPECT_NE(e.err.find("E-DEC-002"), std::string::npos) << e.err;
}

}  // namespace
}  // namespace mamori::engine
