// Tests for the 改正 diff: a realistic amendment of a seed text must be reported
// as exactly the clauses that were touched, at the finest level, with
// conventional citations.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_util.h"
#include "reiki/reiki.h"

namespace mamori::reiki {
namespace {

std::string ReadSeed(const std::string& name) {
  std::ifstream in(std::string(MAMORI_SEEDS_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return Decode(ss.str()).text;
}

// Replaces exactly one occurrence; an edit that misses would make the test
// silently compare two identical texts.
void ReplaceOnce(std::string& text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  ASSERT_NE(pos, std::string::npos) << from;
  ASSERT_EQ(text.find(from, pos + 1), std::string::npos) << "ambiguous: " << from;
  text.replace(pos, from.size(), to);
}

const char kSeed000[] = "000_a8706ca1f599c390.txt";  // 安田町
const char kSeed004[] = "004_4446990c548b3efd.txt";  // 花巻市 (第N without 条)

// A 改正 of 安田町's policy touching four clauses.
std::string Amend000(const std::string& old_text) {
  std::string s = old_text;
  // 1. One sentence of 第27条第2項.
  ReplaceOnce(s, "2 機密性2以上の情報資産を運搬する者は、情報セキュリティ責任者に許可を",
              "2 機密性2以上の情報資産を運搬する者は、情報セキュリティ責任者の許可を");
  // 2. 第46条の3 goes: its caption line and its article line.
  {
    const std::string caption = "(生成AI利用時等の遵守事項)\n\n";
    auto begin = s.find(caption);
    EXPECT_NE(begin, std::string::npos);
    auto article = s.find("第46条の3 ", begin);
    EXPECT_EQ(article, begin + caption.size());
    auto end = s.find("\n\n", article);
    s.erase(begin, end + 2 - begin);
  }
  // 3. A new 第31条の4 with a caption after 第31条の3.
  {
    auto pos = s.find("\n第31条の3 ");
    EXPECT_NE(pos, std::string::npos);
    auto eol = s.find('\n', pos + 1);
    s.insert(eol + 1,
             "\n（ガバメントクラウド利用時の承認）\n\n"
             "第31条の4 ガバメントクラウドを利用する場合は、CIOの承認を得なければならない。\n");
  }
  // 4. A 13th item in 第2条.
  {
    auto pos = s.find("- （12） 無害化通信");
    EXPECT_NE(pos, std::string::npos);
    auto eol = s.find('\n', pos);
    s.insert(eol + 1,
             "- （13） 生成AI 人工的な方法により学習、推論、判断等の知的機能を備えた"
             "プログラムをいう。\n");
  }
  return s;
}

TEST(DiffTest, SeedAmendmentReportsExactlyTheFourChanges) {
  std::string old_text = ReadSeed(kSeed000);
  auto old_reg = Parse(old_text, "old.txt");
  auto new_reg = Parse(Amend000(old_text), "new.txt");
  auto changes = Diff(old_reg, new_reg);
  ASSERT_EQ(changes.size(), 4u) << DiffToText(changes);

  // Document order of the new version; the removed article in the old order.
  EXPECT_EQ(changes[0].kind, ChangeKind::kAdded);
  EXPECT_EQ(changes[0].node_kind, NodeKind::kItem);
  EXPECT_EQ(changes[0].citation, "第2条第13号");
  EXPECT_NE(changes[0].new_text.find("生成AI"), std::string::npos);
  EXPECT_TRUE(changes[0].old_text.empty());

  EXPECT_EQ(changes[1].kind, ChangeKind::kChanged);
  EXPECT_EQ(changes[1].node_kind, NodeKind::kParagraph);
  EXPECT_EQ(changes[1].citation, "第27条第2項");
  EXPECT_NE(changes[1].old_text.find("責任者に許可"), std::string::npos);
  EXPECT_NE(changes[1].new_text.find("責任者の許可"), std::string::npos);

  EXPECT_EQ(changes[2].kind, ChangeKind::kAdded);
  EXPECT_EQ(changes[2].node_kind, NodeKind::kArticle);
  EXPECT_EQ(changes[2].citation, "第31条の4");
  EXPECT_NE(changes[2].new_text.find("ガバメントクラウド利用時の承認"), std::string::npos);
  EXPECT_NE(changes[2].new_text.find("CIOの承認"), std::string::npos);

  EXPECT_EQ(changes[3].kind, ChangeKind::kRemoved);
  EXPECT_EQ(changes[3].node_kind, NodeKind::kArticle);
  EXPECT_EQ(changes[3].citation, "第46条の3");
  EXPECT_NE(changes[3].old_text.find("生成AI利用時等の遵守事項"), std::string::npos);
  EXPECT_TRUE(changes[3].new_text.empty());
}

TEST(DiffTest, UnchangedCopyHasNoChanges) {
  std::string text = ReadSeed(kSeed000);
  auto changes = Diff(Parse(text, "a.txt"), Parse(text, "b.txt"));
  EXPECT_TRUE(changes.empty()) << DiffToText(changes);
  EXPECT_EQ(DiffToText(changes), "差分はありません。\n");
  EXPECT_TRUE(nlohmann::json::parse(DiffToJson(changes)).empty());
}

TEST(DiffTest, HanamakiSubitemIsCitedWithoutJo) {
  std::string old_text = ReadSeed(kSeed004);
  std::string new_text = old_text;
  ReplaceOnce(new_text, "事前に情報セキュリティ管理者の許可を得るとともに",
              "事前に情報セキュリティ責任者の許可を得るとともに");
  auto changes = Diff(Parse(old_text, "old.txt"), Parse(new_text, "new.txt"));
  ASSERT_EQ(changes.size(), 1u) << DiffToText(changes);
  EXPECT_EQ(changes[0].kind, ChangeKind::kChanged);
  EXPECT_EQ(changes[0].node_kind, NodeKind::kSubitem);
  EXPECT_EQ(changes[0].citation, "第9第3号イ");
}

TEST(DiffTest, CaptionChangeIsReportedOnTheArticleOnly) {
  std::string old_text = ReadSeed(kSeed000);
  std::string new_text = old_text;
  ReplaceOnce(new_text, "(情報資産の運搬)", "(情報資産の運搬等)");
  auto changes = Diff(Parse(old_text, "old.txt"), Parse(new_text, "new.txt"));
  ASSERT_EQ(changes.size(), 1u) << DiffToText(changes);
  EXPECT_EQ(changes[0].kind, ChangeKind::kChanged);
  EXPECT_EQ(changes[0].node_kind, NodeKind::kArticle);
  EXPECT_EQ(changes[0].citation, "第27条");
  EXPECT_NE(changes[0].old_text.find("情報資産の運搬"), std::string::npos);
  EXPECT_NE(changes[0].new_text.find("情報資産の運搬等"), std::string::npos);
}

TEST(DiffTest, RemovedParagraphKeepsItsOldCitation) {
  std::string old_text = ReadSeed(kSeed000);
  std::string new_text = old_text;
  ReplaceOnce(new_text,
              "2 機密性2以上の情報資産を運搬する者は、情報セキュリティ責任者に許可を得なければ"
              "ならない。\n",
              "");
  auto changes = Diff(Parse(old_text, "old.txt"), Parse(new_text, "new.txt"));
  ASSERT_EQ(changes.size(), 1u) << DiffToText(changes);
  EXPECT_EQ(changes[0].kind, ChangeKind::kRemoved);
  EXPECT_EQ(changes[0].node_kind, NodeKind::kParagraph);
  EXPECT_EQ(changes[0].citation, "第27条第2項");
}

TEST(DiffTest, TextAndJsonRendering) {
  std::string old_text = ReadSeed(kSeed000);
  auto changes = Diff(Parse(old_text, "old.txt"), Parse(Amend000(old_text), "new.txt"));
  std::string text = DiffToText(changes);
  EXPECT_NE(text.find("変更 第27条第2項\n  - 旧: "), std::string::npos) << text;
  EXPECT_NE(text.find("  + 新: 機密性2以上の情報資産を運搬する者は、情報セキュリティ責任者の許可"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("追加 第31条の4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("削除 第46条の3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("追加 2 件、削除 1 件、変更 1 件\n"), std::string::npos) << text;

  auto json = nlohmann::json::parse(DiffToJson(changes));
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 4u);
  EXPECT_EQ(json[1]["kind"], "changed");
  EXPECT_EQ(json[1]["node_kind"], "paragraph");
  EXPECT_EQ(json[1]["citation"], "第27条第2項");
  EXPECT_EQ(json[3]["kind"], "removed");
  EXPECT_EQ(json[3]["new_text"], "");
}

TEST(DiffCliTest, DiffCommandPrintsTextAndJson) {
  namespace fs = std::filesystem;
  fs::path dir = mamori::test_util::ScratchDir("mamori_diff_test");
  std::string old_text = ReadSeed(kSeed000);
  {
    std::ofstream(dir / "old.txt", std::ios::binary) << old_text;
    std::ofstream(dir / "new.txt", std::ios::binary) << Amend000(old_text);
  }
  std::vector<std::string> args{"reiki", "diff", (dir / "old.txt").string(), (dir / "new.txt").string()};

  auto text = mamori::test_util::RunMamori(args, dir);
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("変更 第27条第2項"), std::string::npos) << text.out;

  args.insert(args.end(), {"--format", "json"});
  auto json_run = mamori::test_util::RunMamori(args, dir);
  EXPECT_EQ(json_run.status, 0) << json_run.err;
  auto json = nlohmann::json::parse(json_run.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(json.is_array()) << json_run.out;
  EXPECT_EQ(json.size(), 4u);

  fs::remove_all(dir);
}

}  // namespace
}  // namespace mamori::reiki
