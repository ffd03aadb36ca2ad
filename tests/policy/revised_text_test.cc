// A revised regulation under a pack: the review record (review.toml) keeps the
// text every cited clause had when its bindings were confirmed, so a one-word
// change in a cited clause fails `pack check`, naming the bindings that cite it,
// until someone re-confirms it. Comment-only edits change nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "policy/policy.h"

namespace mamori::policy {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Replace(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = Read(file);
  auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  std::ofstream(file, std::ios::binary) << text;
}

struct Copy {
  fs::path dir;
  explicit Copy(const std::string& org) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir = fs::temp_directory_path() / ("mamori_revised_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir);
    fs::copy(std::string(MAMORI_PACKS_DIR) + "/" + org, dir, fs::copy_options::recursive);
  }
  ~Copy() { fs::remove_all(dir); }
};

std::vector<Diagnostic> Errors(const PackCheck& c, const std::string& code) {
  std::vector<Diagnostic> out;
  for (const auto* list : {&c.load.errors, &c.report.errors})
    for (const auto& d : *list)
      if (d.code == code) out.push_back(d);
  return out;
}

TEST(RevisedText, EveryPackRecordsTheTextOfEveryClauseItCites) {
  for (const char* org : {"yasuda", "kohoku", "okitama", "hokkaido", "hanamaki"}) {
    auto c = LoadAndCheck(std::string(MAMORI_PACKS_DIR) + "/" + org);
    EXPECT_TRUE(c.ok()) << org << "\n" << FormatDiagnostics(c.report.errors);
    EXPECT_FALSE(c.load.pack.review_file.empty()) << org;
  }
}

// 安田町 第29条第3項 gains an approver: the rules citing it must be looked at again.
TEST(RevisedText, AOneWordChangeInACitedClauseNamesTheBindingsThatCiteIt) {
  Copy p("yasuda");
  Replace(p.dir / "regulation.txt", "3 情報資産の廃棄を行う者は、情報セキュリティ責任者の許可",
          "3 情報資産の廃棄を行う者は、統括情報セキュリティ責任者の許可");
  auto c = LoadAndCheck(p.dir.string());
  EXPECT_FALSE(c.ok());
  auto changed = Errors(c, "E-PACK-034");
  const Diagnostic* clause = nullptr;
  for (const auto& d : changed)
    if (d.message.rfind("第29条第3項 ", 0) == 0) clause = &d;
  ASSERT_NE(clause, nullptr) << FormatDiagnostics(c.report.errors);
  EXPECT_NE(clause->message.find("rules「dispose-c2plus」"), std::string::npos) << clause->message;
  EXPECT_NE(clause->message.find("審査時: 情報資産の廃棄を行う者は、情報セキュリティ責任者の許可"), std::string::npos);
  EXPECT_NE(clause->message.find("現在:   情報資産の廃棄を行う者は、統括情報セキュリティ責任者の許可"), std::string::npos);
  EXPECT_EQ(clause->where.file, (p.dir / "review.toml").string());
  // 第29条 as a whole is cited too (the action), and has changed with it.
  EXPECT_EQ(changed.size(), 2u);
  // Unrelated clauses are not reported.
  for (const auto& d : changed) EXPECT_EQ(d.message.find("第27条"), std::string::npos);

  // Re-confirming one clause leaves the other failing; re-confirming both passes.
  auto confirmed = ReviewClauses(p.dir.string(), {"第29条第3項"}, "総務課 情報係", "2026-12-02T10:00:00+09:00", "承認者の追加を確認");
  ASSERT_EQ(confirmed.size(), 1u);
  EXPECT_EQ(confirmed[0].ref, "第29条第3項");
  EXPECT_FALSE(confirmed[0].old_text.empty());
  EXPECT_EQ(Errors(LoadAndCheck(p.dir.string()), "E-PACK-034").size(), 1u);
  ReviewClauses(p.dir.string(), {"第29条"}, "総務課 情報係", "2026-12-02T10:00:00+09:00", "");
  auto after = LoadAndCheck(p.dir.string());
  EXPECT_TRUE(after.ok()) << FormatDiagnostics(after.report.errors);
  // The record says who confirmed it.
  EXPECT_NE(Read(p.dir / "review.toml").find("総務課 情報係"), std::string::npos);
}

TEST(RevisedText, ANewCitationMustBeReviewedAndAMissingRecordFails) {
  Copy p("yasuda");
  // A rule that now also cites 第16条 as a whole, which no binding cited before.
  auto bindings = BindingsByClause(LoadAndCheck(p.dir.string()).load.pack);
  bool cited_before = false;
  for (const auto& b : bindings) cited_before = cited_before || b.first == "第16条";
  ASSERT_FALSE(cited_before);
  Replace(p.dir / "rules.toml", "cite = \"第16条第1項\"", "cite = [\"第16条第1項\", \"第16条\"]");
  auto c = LoadAndCheck(p.dir.string());
  auto missing = Errors(c, "E-PACK-033");
  ASSERT_EQ(missing.size(), 1u) << FormatDiagnostics(c.report.errors);
  EXPECT_EQ(missing[0].message.rfind("第16条 ", 0), 0u) << missing[0].message;
  EXPECT_NE(missing[0].message.find("rules「policy-decision」"), std::string::npos);
  fs::remove(p.dir / "review.toml");
  EXPECT_EQ(Errors(LoadAndCheck(p.dir.string()), "E-PACK-033").size(), 1u);  // one line, not one per clause
  EXPECT_THROW(ReviewClauses(p.dir.string(), {"第999条"}, "x", "t", ""), reiki::Error);
}

TEST(RevisedText, CommentsAndLayoutDoNotChangeThePacksContent) {
  Copy p("yasuda");
  const std::string before = CanonicalContent(LoadPack(p.dir.string()).pack);
  std::ofstream(p.dir / "rules.toml", std::ios::app) << "\n# 令和8年度の見直しで確認済み\n";
  Replace(p.dir / "rules.toml", "id = \"policy-decision\"", "id   =   \"policy-decision\"   # 第16条");
  EXPECT_EQ(CanonicalContent(LoadPack(p.dir.string()).pack), before);
  Replace(p.dir / "rules.toml", "id   =   \"policy-decision\"", "id = \"policy-decision-2\"");
  EXPECT_NE(CanonicalContent(LoadPack(p.dir.string()).pack), before);
}

}  // namespace
}  // namespace mamori::policy
