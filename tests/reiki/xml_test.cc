// ToXml: every seed must validate against e-Gov's stdLaw.xsd, and the XML
// must carry the structure the texts really have (counts taken from the seeds).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "reiki/reiki.h"
#include "seed_util.h"

namespace fs = std::filesystem;
namespace reiki = mamori::reiki;

namespace {

using mamori::reiki::test_util::SeedPath;

std::string SeedXml(const std::string& prefix) {
  std::string path = SeedPath(prefix);
  EXPECT_FALSE(path.empty()) << "seed " << prefix << " not found in " << MAMORI_SEEDS_DIR;
  if (path.empty()) return {};
  return reiki::ToXml(reiki::ParseFile(path));
}

bool HaveXmllint() { return std::system("xmllint --version >/dev/null 2>&1") == 0; }

// Runs xmllint against the schema; on failure returns its messages.
::testing::AssertionResult ValidAgainstSchema(const std::string& xml, const std::string& tag) {
  fs::path dir = fs::path(::testing::TempDir()) / "mamori_xml_test";
  fs::create_directories(dir);
  fs::path file = dir / (tag + ".xml");
  fs::path log = dir / (tag + ".log");
  {
    std::ofstream out(file, std::ios::binary);
    out << xml;
  }
  std::string cmd = "xmllint --noout --schema '" + std::string(MAMORI_REFERENCE_DIR) +
                    "/stdLaw.xsd' '" + file.string() + "' >'" + log.string() + "' 2>&1";
  int rc = std::system(cmd.c_str());
  if (rc == 0) return ::testing::AssertionSuccess();
  std::ifstream in(log);
  std::stringstream msg;
  msg << in.rdbuf();
  std::string text = msg.str();
  if (text.size() > 4000) text.resize(4000);
  return ::testing::AssertionFailure() << "xmllint exit " << rc << " for " << file << ":\n" << text;
}

std::size_t Count(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

std::string_view Between(std::string_view s, std::string_view open, std::string_view close) {
  std::size_t a = s.find(open);
  if (a == std::string_view::npos) return {};
  std::size_t b = s.find(close, a);
  if (b == std::string_view::npos) return {};
  return s.substr(a, b - a);
}

class XmlSeedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(XmlSeedTest, ValidatesAgainstStdLawXsd) {
  if (!HaveXmllint()) GTEST_SKIP() << "xmllint not installed (apt-get install libxml2-utils)";
  std::string xml = SeedXml(GetParam());
  ASSERT_FALSE(xml.empty());
  EXPECT_TRUE(ValidAgainstSchema(xml, "seed" + GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Seeds, XmlSeedTest, ::testing::Values("000", "001", "002", "003", "004"),
                         [](const auto& info) { return "seed" + info.param; });

TEST(XmlTest, Seed000ArticlesAndBranchNumbers) {
  std::string xml = SeedXml("000");
  std::string_view main = Between(xml, "<MainProvision", "</MainProvision>");
  ASSERT_FALSE(main.empty());
  EXPECT_EQ(Count(main, "<Article "), 151u);
  EXPECT_EQ(Count(main, "Hide=\"true\""), 0u) << "000 needs no synthetic wrappers";
  EXPECT_NE(main.find("<Article Num=\"31_2\">"), std::string_view::npos);
  EXPECT_NE(main.find("<ArticleTitle>第31条の2</ArticleTitle>"), std::string_view::npos);
  EXPECT_NE(main.find("<Chapter Num=\"2\">"), std::string_view::npos);
  EXPECT_NE(main.find("<ChapterTitle>第2章\u3000情報セキュリティ対策基準</ChapterTitle>"),
            std::string_view::npos);
  // 付則 three times, two of them naming the amending 訓令.
  EXPECT_EQ(Count(xml, "</SupplProvision>"), 3u);
  EXPECT_NE(xml.find("AmendLawNum=\"令和2年3月31日訓令第3号\""), std::string::npos);
  // The 目次 keeps its ranges.
  std::string_view toc = Between(xml, "<TOC>", "</TOC>");
  EXPECT_NE(toc.find("<ArticleRange>（第1条—第10条）</ArticleRange>"), std::string_view::npos);
  EXPECT_NE(toc.find("<TOCSupplProvision>"), std::string_view::npos);
}

TEST(XmlTest, Seed003HasFourParts) {
  std::string xml = SeedXml("003");
  EXPECT_EQ(Count(xml, "<Part "), 4u);
  EXPECT_EQ(Count(xml, "</SupplProvision>"), 9u);
  // 北海道 puts 款 directly under 章; the schema needs a 節 in between, which
  // we add hidden rather than renaming the 款.
  EXPECT_NE(xml.find("<SubsectionTitle>第１款\u3000サーバー等の管理</SubsectionTitle>"), std::string::npos);
  EXPECT_NE(xml.find("<Section Num=\"0\" Hide=\"true\">"), std::string::npos);
  // 決定 date: 平成14年12月27日.
  EXPECT_NE(xml.find("Era=\"Heisei\" Year=\"14\""), std::string::npos);
  EXPECT_NE(xml.find("PromulgateMonth=\"12\" PromulgateDay=\"27\""), std::string::npos);
}

TEST(XmlTest, Seed004AppendixTableHas19Rows) {
  std::string xml = SeedXml("004");
  std::string_view appdx = Between(xml, "<AppdxTable", "</AppdxTable>");
  ASSERT_FALSE(appdx.empty());
  EXPECT_EQ(Count(appdx, "<TableStruct>"), 1u);
  EXPECT_EQ(Count(appdx, "<TableRow>"), 19u);
  EXPECT_NE(appdx.find("<RelatedArticleNum>（第6関係）</RelatedArticleNum>"), std::string_view::npos);
  // 花巻市 numbers articles 第N without 条.
  EXPECT_NE(xml.find("<ArticleTitle>第12</ArticleTitle>"), std::string::npos);
}

TEST(XmlTest, Seed002LawNumAndPreambleTable) {
  std::string xml = SeedXml("002");
  EXPECT_NE(xml.find("Era=\"Reiwa\" Year=\"8\" Num=\"1\" LawType=\"Misc\" Lang=\"ja\""), std::string::npos);
  EXPECT_NE(xml.find("<LawNum>令和8年訓令第1号</LawNum>"), std::string::npos);
  std::string_view pre = Between(xml, "<Preamble>", "</Preamble>");
  ASSERT_FALSE(pre.empty());
  EXPECT_EQ(Count(pre, "<TableStruct>"), 1u);
  // The title and 法令番号 are front matter, not 前文.
  EXPECT_EQ(pre.find("令和8年訓令第1号"), std::string_view::npos);
}

TEST(XmlTest, DefinitionItemsBecomeColumns) {
  std::string xml = SeedXml("001");
  EXPECT_NE(xml.find("<Sentence Num=\"1\">機密性</Sentence>"), std::string::npos);
}

TEST(XmlTest, EscapesSpecialCharacters) {
  const std::string text =
      "テスト規程\n\n(目的)\n第1条 A&B、z>w、x<yは\"引用\"と'単引用'を含む。\n";
  reiki::Regulation reg = reiki::Parse(text, "inline.txt");
  std::string xml = reiki::ToXml(reg);
  EXPECT_NE(xml.find("A&amp;B、z&gt;w、x&lt;yは&quot;引用&quot;と&apos;単引用&apos;を含む。"), std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("A&B"), std::string::npos);
  if (HaveXmllint()) {
    EXPECT_TRUE(ValidAgainstSchema(xml, "escape"));
  }
}

TEST(XmlTest, ControlCharactersAreDropped) {
  const std::string text = "テスト規程\n\n第1条 ベル\x07を含む。\n";
  std::string xml = reiki::ToXml(reiki::Parse(text, "inline.txt"));
  EXPECT_EQ(xml.find('\x07'), std::string::npos);
  if (HaveXmllint()) {
    EXPECT_TRUE(ValidAgainstSchema(xml, "control"));
  }
}

// Shapes the schema forbids but 例規 have: an article before the first 章, a
// 款 straight under a 章, a 章 that is only 削除, a 目 straight under a 節.
TEST(XmlTest, OddShapesStayValidThroughHiddenWrappers) {
  const std::string text =
      "変則規程\n令和元年4月1日規則第12号\n\n"
      "第1条 最初の条。\n\n第1章 総則\n\n第1款 款だけ\n\n第2条 本文。\n\n"
      "第2章 削除\n\n第3章 目の章\n\n第1節 節\n\n第1目 目\n\n第3条 目の条。\n2 第2項。\n\n"
      "附 則（令和3年規則第2号）\n1 この規則は、公布の日から施行する。\n2 経過措置。\n";
  std::string xml = reiki::ToXml(reiki::Parse(text, "odd.txt"));
  EXPECT_NE(xml.find("Era=\"Reiwa\" Year=\"1\" Num=\"12\""), std::string::npos);
  EXPECT_NE(xml.find("LawType=\"Rule\""), std::string::npos);
  EXPECT_NE(xml.find("<Chapter Num=\"0\" Hide=\"true\">"), std::string::npos);
  EXPECT_NE(xml.find("<Section Num=\"0\" Hide=\"true\">"), std::string::npos);
  EXPECT_NE(xml.find("<DivisionTitle>第1目\u3000目</DivisionTitle>"), std::string::npos);
  EXPECT_NE(xml.find("<SupplProvision AmendLawNum=\"令和3年規則第2号\">"), std::string::npos);
  EXPECT_NE(xml.find("<SupplProvisionLabel>附 則</SupplProvisionLabel>"), std::string::npos);
  if (HaveXmllint()) {
    EXPECT_TRUE(ValidAgainstSchema(xml, "odd"));
  }
}

}  // namespace
