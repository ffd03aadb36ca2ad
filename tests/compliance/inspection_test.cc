// Self-inspection (安田町 第139条・第140条) on the sample town: one form per
// respondent the checklist names (each 情報セキュリティ責任者 for their 課, each
// 情報システム管理者 for their system, the 統括 …), filled in Excel and read
// back checked; every いいえ comes with its improvement measure; the progress
// and the measures are what the committee reads.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "registry/io/table_io.h"
#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using mamori::test_util::CliResult;
using Json = nlohmann::json;
namespace io = mamori::registry::io;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Town {
  fs::path dir = mamori::test_util::ScratchDir("mamori_inspect");
  std::string db = (dir / "t.db").string();
  Town() {
    EXPECT_EQ(Run({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/yasuda", "--db", db}).status, 0);
    EXPECT_EQ(Run({"sample"}).status, 0);
  }
  CliResult Run(std::vector<std::string> args) {
    if (!args.empty() && args[0] != "init") args.insert(args.end(), {"--db", db});
    return mamori::test_util::RunMamori(args, dir);
  }
  long long LogSize() {
    auto r = Run({"ledger", "head", "--json"});
    return r.status == 0 ? Json::parse(r.out).value("size", -1LL) : -1;
  }
  fs::path Export() {
    const fs::path out = dir / "forms";
    auto r = Run({"inspect", "export", "--fy", "令和8年度", "--out", out.string(), "--as-of", "2026-12-01"});
    EXPECT_EQ(r.status, 0) << r.err;
    return out;
  }
  // The 税務課長's form with every answer given: はい, except the first, いいえ with `measure`.
  fs::path Fill(const fs::path& forms, const std::string& measure, const std::string& first = "いいえ") {
    const fs::path form = forms / "自己点検_令和8年度_情報セキュリティ責任者_税務課.xlsx";
    EXPECT_TRUE(fs::exists(form));
    io::Table t = io::ReadXlsx(form.string());
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      t.rows[i][7] = i == 0 ? first : "はい";
      if (i == 0) t.rows[i][9] = measure;
    }
    const fs::path filled = dir / "税務課_記入済み.xlsx";
    fs::remove(filled);
    io::WriteXlsx(filled.string(), "自己点検", t);
    return filled;
  }
  Json Status() {
    auto r = Run({"inspect", "status", "--fy", "2026", "--format", "json", "--as-of", "2026-12-01"});
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? Json::parse(r.out) : Json::object();
  }
  static Json Of(const Json& status, const std::string& role, const std::string& scope_name) {
    for (const auto& r : status["respondents"])
      if (r["role"] == role && r["scope_name"] == scope_name) return r;
    return Json::object();
  }
};

TEST(Inspect, OneFormPerRespondentTheChecklistNames) {
  Town t;
  const fs::path forms = t.Export();
  int unit_forms = 0, system_forms = 0, files = 0;
  for (const auto& e : fs::directory_iterator(forms)) {
    ++files;
    const std::string name = e.path().filename().string();
    unit_forms += Has(name, "_情報セキュリティ責任者_");
    system_forms += Has(name, "_情報システム管理者_");
  }
  EXPECT_EQ(unit_forms, 21);   // every 課等 of the sample town (第139条第2項)
  EXPECT_EQ(system_forms, 9);  // every system (第139条第1項), mamori itself (S09) among them
  EXPECT_TRUE(fs::exists(forms / "自己点検_令和8年度_統括情報セキュリティ責任者.xlsx"));
  // The 課's form: the 情報セキュリティ責任者's items of the checklist, each with its article.
  const io::Table t2 = io::ReadXlsx((forms / "自己点検_令和8年度_情報セキュリティ責任者_税務課.xlsx").string());
  ASSERT_EQ(t2.header.size(), 10u);
  EXPECT_EQ(t2.header[7], "回答");
  EXPECT_EQ(t2.rows.size(), 49u);  // the pack's 49 items for 情報セキュリティ責任者
  EXPECT_EQ(t2.rows[0][0], "2026");
  EXPECT_EQ(t2.rows[0][2], "U03");
  EXPECT_EQ(t2.rows[0][4], "unneeded-info");
  EXPECT_EQ(t2.rows[0][6], "第22条第1項");
  // Nothing answered yet: the progress says 0 of 49.
  const Json s = Town::Of(t.Status(), "security_officer", "税務課");
  EXPECT_EQ(s["answered"], 0);
  EXPECT_EQ(s["total"], 49);
  // Written again only with --force.
  auto again = t.Run({"inspect", "export", "--fy", "2026", "--out", forms.string()});
  EXPECT_EQ(again.status, 2);
  EXPECT_TRUE(Has(again.err, "--force")) << again.err;
}

TEST(Inspect, AFilledFormComesBackWithItsMeasuresAndIsEvidence) {
  Town t;
  const fs::path filled = t.Fill(t.Export(), "不要な情報の作成をやめるよう課内で周知する");
  const long long before = t.LogSize();
  auto r = t.Run({"inspect", "import", filled.string(), "--as-of", "2026-12-01"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "回答 49 件")) << r.out;
  EXPECT_EQ(t.LogSize(), before + 49);  // every answer a ledger entry
  const Json s = Town::Of(t.Status(), "security_officer", "税務課");
  EXPECT_EQ(s["answered"], 49);
  EXPECT_EQ(s["yes"], 48);
  EXPECT_EQ(s["no"], 1);
  ASSERT_EQ(s["measures"].size(), 1u);
  EXPECT_EQ(s["measures"][0]["item"], "unneeded-info");
  EXPECT_EQ(s["measures"][0]["measure"], "不要な情報の作成をやめるよう課内で周知する");
  // The same form again changes nothing; a changed answer is one more entry.
  ASSERT_EQ(t.Run({"inspect", "import", filled.string(), "--as-of", "2026-12-01"}).status, 0);
  EXPECT_EQ(t.LogSize(), before + 49);
  const fs::path changed = t.Fill(t.dir / "forms", "", "はい");
  ASSERT_EQ(t.Run({"inspect", "import", changed.string(), "--as-of", "2026-12-01"}).status, 0);
  EXPECT_EQ(t.LogSize(), before + 50);
  EXPECT_EQ(Town::Of(t.Status(), "security_officer", "税務課")["no"], 0);
  auto verify = t.Run({"ledger", "verify"});
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  // The committee's view: text and xlsx.
  auto text = t.Run({"inspect", "status", "--fy", "R8", "--as-of", "2026-12-01"});
  EXPECT_TRUE(Has(text.out, "税務課")) << text.out;
  const std::string book = (t.dir / "自己点検.xlsx").string();
  ASSERT_EQ(t.Run({"inspect", "status", "--fy", "2026", "--format", "xlsx", "--out", book, "--as-of", "2026-12-01"}).status, 0);
  const auto sheets = io::ReadXlsxSheets(book);
  ASSERT_EQ(sheets.size(), 2u);
  EXPECT_EQ(sheets[0].name, "進み具合");
  EXPECT_EQ(sheets[1].name, "改善策");
}

TEST(Inspect, AWrongFormIsRefusedWholeWithEachPlaceNamed) {
  Town t;
  const fs::path forms = t.Export();
  const long long before = t.LogSize();
  // いいえ without a measure (第140条: the measures go to the committee).
  const fs::path no_measure = t.Fill(forms, "");
  auto r = t.Run({"inspect", "import", no_measure.string(), "--as-of", "2026-12-01"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-COMP-021")) << r.err;
  EXPECT_TRUE(Has(r.err, "改善策")) << r.err;
  EXPECT_TRUE(Has(r.err, "2行目")) << r.err;
  EXPECT_TRUE(Has(r.err, "E-COMP-022")) << r.err;
  // An answer that is not one of the three, an item id changed, a unit changed.
  io::Table bad = io::ReadXlsx((forms / "自己点検_令和8年度_情報セキュリティ責任者_税務課.xlsx").string());
  bad.rows[0][7] = "たぶん";
  bad.rows[1][7] = "はい";
  bad.rows[1][4] = "no-such-item";
  bad.rows[2][7] = "はい";
  bad.rows[2][2] = "U99";
  const fs::path wrong = t.dir / "wrong.xlsx";
  io::WriteXlsx(wrong.string(), "自己点検", bad);
  // Two files in one command: the good one is not imported either.
  const fs::path good = t.Fill(forms, "周知する");
  auto both = t.Run({"inspect", "import", good.string(), wrong.string(), "--as-of", "2026-12-01"});
  EXPECT_EQ(both.status, 2);
  EXPECT_TRUE(Has(both.err, "たぶん")) << both.err;
  EXPECT_TRUE(Has(both.err, "no-such-item")) << both.err;
  EXPECT_TRUE(Has(both.err, "U99")) << both.err;
  EXPECT_EQ(t.LogSize(), before);
  auto dry = t.Run({"inspect", "import", good.string(), "--dry-run", "--as-of", "2026-12-01"});
  EXPECT_EQ(dry.status, 0) << dry.err;
  EXPECT_EQ(t.LogSize(), before);
  auto bad_fy = t.Run({"inspect", "export", "--fy", "26", "--out", (t.dir / "x").string()});
  EXPECT_TRUE(Has(bad_fy.err, "E-COMP-001")) << bad_fy.err;
}

}  // namespace
