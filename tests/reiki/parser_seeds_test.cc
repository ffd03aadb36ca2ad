// The five seed policies, parsed and held to figures counted from their texts
// (see shared/reference: "Raw-text structure" and "Expected parse results").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include "reiki/reiki.h"
#include "seed_util.h"

namespace mamori::reiki {
namespace {

using namespace mamori::reiki::test_util;

// --- nothing lost ----------------------------------------------------------

// What "accounted for" means: the input's characters with whitespace, markdown
// bullets, stray bold markers, table rules and HTML tags removed — the markup a
// web-page or PDF conversion added, which the tree deliberately drops.
std::string Normalize(const std::string& text) {
  static const std::regex kTag("<[A-Za-z/][^<>\n]*>");
  std::string no_tags = std::regex_replace(text, kTag, "");
  std::istringstream in(no_tags);
  std::string line, out;
  while (std::getline(in, line)) {
    std::string_view v = line;
    auto trim = [&] {
      while (!v.empty() && (v[0] == ' ' || v[0] == '\t')) v.remove_prefix(1);
      while (v.substr(0, 3) == "\u3000") v.remove_prefix(3);
    };
    trim();
    if (!v.empty() && v.find_first_not_of("-\t |:") == std::string_view::npos) continue;
    for (int k = 0; k < 2 && (v.substr(0, 2) == "- " || v.substr(0, 2) == "* "); ++k) {
      v.remove_prefix(2);
      trim();
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] == ' ' || v[i] == '\t' || v[i] == '\r') continue;
      if (v[i] == '*' && i + 1 < v.size() && v[i + 1] == '*') { ++i; continue; }
      if (v.substr(i, 3) == "\u3000") { i += 2; continue; }
      out += v[i];
    }
  }
  return out;
}

class EverySeed : public ::testing::TestWithParam<std::string> {};

TEST_P(EverySeed, EveryCharacterIsAccountedForInOrder) {
  const Regulation& reg = Seed(GetParam());
  std::string input = Normalize(ReadAll(SeedPath(GetParam())));
  std::string rendered = Normalize(ToText(reg, /*faithful=*/true));
  ASSERT_FALSE(input.empty());
  if (input != rendered) {
    std::size_t at = 0;
    while (at < input.size() && at < rendered.size() && input[at] == rendered[at]) ++at;
    at = at > 30 ? at - 30 : 0;
    FAIL() << "first difference near\n input: " << input.substr(at, 150)
           << "\noutput: " << rendered.substr(at, 150);
  }
}

TEST_P(EverySeed, EveryNonBlankLineOwnedByExactlyOneNodeInOrder) {
  const Regulation& reg = Seed(GetParam());
  std::vector<int> owned;
  Walk(reg.root, [&](const Node& n) {
    owned.insert(owned.end(), n.raw_lines.begin(), n.raw_lines.end());
  });
  std::vector<int> expected;
  std::istringstream in(ReadAll(SeedPath(GetParam())));
  std::string line;
  for (int no = 1; std::getline(in, line); ++no) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) expected.push_back(no);
  }
  std::vector<int> sorted = owned;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, expected);
  EXPECT_EQ(std::set<int>(owned.begin(), owned.end()).size(), owned.size()) << "a line owned twice";
}

TEST_P(EverySeed, IdsAreUniqueAndLineRangesNest) {
  const Regulation& reg = Seed(GetParam());
  std::set<std::string> ids;
  Walk(reg.root, [&](const Node& n) {
    EXPECT_TRUE(ids.insert(n.id).second) << "duplicate id " << n.id;
    for (const Node& c : n.children) {
      EXPECT_LE(n.line_begin, c.line_begin) << c.id;
      EXPECT_GE(n.line_end, c.line_end) << c.id;
    }
  });
}

TEST_P(EverySeed, ParsingIsDeterministic) {
  Regulation again = ParseFile(SeedPath(GetParam()));
  EXPECT_EQ(ToJson(again), ToJson(Seed(GetParam())));
}

INSTANTIATE_TEST_SUITE_P(Seeds, EverySeed, ::testing::Values("000", "001", "002", "003", "004"));

// --- 000 安田町 --------------------------------------------------------------

TEST(Yasuda, CountsOfUnits) {
  Counts c = Count(Seed("000"));
  EXPECT_EQ(c.chapters, 2);
  EXPECT_EQ(c.sections, 9);
  EXPECT_EQ(c.subsections, 31);
  EXPECT_EQ(c.articles, 151);
  EXPECT_EQ(c.branch_articles, 9);
  EXPECT_EQ(c.captions, 151);
  EXPECT_EQ(c.inherited_captions, 0);
  EXPECT_EQ(c.suppl_provisions, 3);
}

TEST(Yasuda, BranchArticlesAreTheNineOfTheText) {
  std::vector<std::string> branches;
  Walk(Seed("000").root, [&](const Node& n) {
    if (n.kind == NodeKind::kArticle && n.num.size() == 2) branches.push_back(n.num_text);
  });
  EXPECT_EQ(branches, (std::vector<std::string>{"第31条の2", "第31条の3", "第32条の2", "第33条の2",
                                                "第46条の2", "第46条の3", "第79条の2", "第79条の3",
                                                "第130条の2"}));
}

TEST(Yasuda, TocRangesEqualTheBody) {
  const Regulation& reg = Seed("000");
  ASSERT_FALSE(reg.toc_checks.empty());
  for (const auto& t : reg.toc_checks) EXPECT_TRUE(t.ok) << t.unit << " " << t.toc_range << " vs " << t.body_range;
  // 第1章 and the 31 款 and the 節 that have no 款 (1, 2) carry ranges.
  EXPECT_EQ(reg.toc_checks.size(), 34u);
  // The 目次 is not part of the body: no article lives under it.
  int tocs = 0;
  for (const Node& c : reg.root.children) {
    if (c.kind != NodeKind::kToc) continue;
    ++tocs;
    EXPECT_EQ(CountKind(c, NodeKind::kArticle), 0);
    EXPECT_EQ(CountKind(c, NodeKind::kTocEntry), 43);  // 2 章 + 9 節 + 31 款 + 付則
  }
  EXPECT_EQ(tocs, 1);
}

TEST(Yasuda, ClassificationTableOfArticle19) {
  const Node& a19 = Get(Seed("000"), "a19");
  std::vector<std::string> levels;
  Walk(a19, [&](const Node& n) {
    if (n.kind != NodeKind::kTable) return;
    ASSERT_TRUE(n.table->has_header);
    EXPECT_EQ(n.table->rows[0][0].text, "分類");
    for (std::size_t r = 1; r < n.table->rows.size(); ++r) levels.push_back(n.table->rows[r][0].text);
  });
  EXPECT_EQ(levels, (std::vector<std::string>{"機密性 3", "機密性 2", "機密性 1", "完全性 2", "完全性 1",
                                              "可用性 2", "可用性 1"}));
  const auto& a2 = Get(Seed("000"), "a19.p1.i3.t1").table->rows[1];
  EXPECT_EQ(a2[1].text,
            "行政事務で取り扱う情報資産のうち、滅失、紛失又は当該情報資産が利用不可能であることにより、"
            "住民の権利が侵害される又は行政事務の安定的な遂行に支障（軽微なものを除く。）を及ぼすおそれが"
            "ある情報資産");
  // The HTML list of handling restrictions becomes one bullet per line.
  const auto& c3 = Get(Seed("000"), "a19.p1.i1.t1").table->rows[1][2].text;
  EXPECT_EQ(c3.find('<'), std::string::npos);
  EXPECT_EQ(c3.rfind("・支給以外の端末での作業の原則禁止（機密性3の情報資産に対して）", 0), 0u);
  // 機密性2's 取扱制限 is empty in the text; it stays empty (a gap, not a guess).
  EXPECT_EQ(Get(Seed("000"), "a19.p1.i1.t1").table->rows[2][2].text, "");
}

TEST(Yasuda, ItemAndParagraphCounts) {
  const Regulation& reg = Seed("000");
  EXPECT_EQ(CountKind(Get(reg, "a2"), NodeKind::kItem), 12);
  EXPECT_EQ(CountKind(Get(reg, "a126"), NodeKind::kItem), 13);
  EXPECT_EQ(CountKind(Get(reg, "a45"), NodeKind::kParagraph), 6);
  EXPECT_EQ(CountKind(Get(reg, "a130_2"), NodeKind::kParagraph), 6);
  EXPECT_EQ(CountKind(Get(reg, "a130_2.p4"), NodeKind::kItem), 4);
  EXPECT_EQ(CountKind(Get(reg, "a130_2.p6"), NodeKind::kItem), 3);
  EXPECT_EQ(CountKind(Get(reg, "a130_2.p6.i3"), NodeKind::kSubitem), 3);
  EXPECT_EQ(CountKind(Get(reg, "a6.p1.i3"), NodeKind::kSubitem), 3);
  // Items follow the latest paragraph: 第130条 (1)(2) belong to ¶1, then ¶2.
  EXPECT_EQ(CountKind(Get(reg, "a130.p1"), NodeKind::kItem), 2);
  EXPECT_NE(FindId(reg.root, "a130.p2"), nullptr);
}

TEST(Yasuda, TextRepairKeepsTheRaw) {
  const Regulation& reg = Seed("000");
  // 第45条 starts "- 第45条** …" and its ¶3–6 are " - N": labels still found.
  EXPECT_EQ(Get(reg, "a45").num_text, "第45条");
  EXPECT_EQ(Get(reg, "a45.p3").raw.rfind(" - 3 ", 0), 0u);
  // "C I S O" is closed up in text, kept in raw.
  const Node& p = Get(reg, "a11.p1");
  EXPECT_NE(p.text.find("CISO"), std::string::npos);
  EXPECT_EQ(p.text.find("C I"), std::string::npos);
  // 第54条第3項 was split across a page break as "C I" + "SO".
  const Node& p543 = Get(reg, "a54.p3");
  EXPECT_NE(p543.text.find("CISOに報告しなければならない。"), std::string::npos) << p543.text;
  EXPECT_EQ(p543.raw_lines.size(), 2u);
  // A page break in 第3条第1号 is joined without a space.
  EXPECT_NE(Get(reg, "a3.p1.i1").text.find("部外者の侵入等の意図的な要因"), std::string::npos);
  // "L GWAN" in 第99条第5号.
  EXPECT_NE(Get(reg, "a99.p1.i5").text.find("LGWAN"), std::string::npos);
  EXPECT_NE(Get(reg, "a99.p1.i5").raw.find("L GWAN"), std::string::npos);
}

TEST(Yasuda, FrontMatterAndSupplementaryProvisions) {
  const Regulation& reg = Seed("000");
  EXPECT_EQ(reg.title, "安田町情報セキュリティポリシー");
  EXPECT_EQ(reg.amendments, (std::vector<std::string>{"令和2年3月31日訓令第3号", "令和8年4月1日訓令第1号"}));
  ASSERT_EQ(reg.effective_dates.size(), 3u);
  EXPECT_EQ(reg.effective_dates[0].iso, "2019-04-01");
  EXPECT_EQ(reg.effective_dates[2].iso, "2026-04-01");
  EXPECT_EQ(Get(reg, "suppl2").title, "令和2年3月31日訓令第3号");
}

// --- 003 北海道 --------------------------------------------------------------

TEST(Hokkaido, CountsOfUnits) {
  Counts c = Count(Seed("003"));
  EXPECT_EQ(c.parts, 4);
  EXPECT_EQ(c.chapters, 17);
  EXPECT_EQ(c.sections, 0);
  EXPECT_EQ(c.subsections, 22);
  EXPECT_EQ(c.articles, 148);
  EXPECT_EQ(c.paragraphs, 279);
  EXPECT_EQ(c.items, 95);
  EXPECT_EQ(c.subitems, 5);
  EXPECT_EQ(c.suppl_provisions, 9);
  EXPECT_EQ(c.captions, 148);            // 145 written + 3 inherited
  EXPECT_EQ(c.inherited_captions, 3);
}

TEST(Hokkaido, ChapterNumberingRestartsInEachPart) {
  const Regulation& reg = Seed("003");
  EXPECT_EQ(Get(reg, "part2.chap1").title, "物理的セキュリティ対策");
  EXPECT_EQ(Get(reg, "part3.chap2.subsec1").title, "緊急時対応計画の策定");
  EXPECT_EQ(CountKind(Get(reg, "part4"), NodeKind::kArticle), 9);  // 第140条–第148条
}

TEST(Hokkaido, CaptionsInheritedFromTheArticleBefore) {
  const Regulation& reg = Seed("003");
  for (auto [id, caption] : std::vector<std::pair<std::string, std::string>>{
           {"a84", "不正プログラム対策ソフトウェア"}, {"a134", "緊急時対応訓練"}, {"a144", "自己点検の実施"}}) {
    const Node& a = Get(reg, id);
    EXPECT_EQ(a.caption, caption) << id;
    EXPECT_TRUE(a.caption_inherited) << id;
  }
  EXPECT_FALSE(Get(reg, "a83").caption_inherited);
}

TEST(Hokkaido, CircledSubitemsOfArticle2Item2) {
  const Node& i2 = Get(Seed("003"), "a2.p1.i2");
  ASSERT_EQ(i2.children.size(), 5u);
  EXPECT_EQ(i2.children[0].num_text, "①");
  EXPECT_EQ(i2.children[4].num_text, "⑤");
  EXPECT_EQ(CountKind(Get(Seed("003"), "a2"), NodeKind::kItem), 23);
}

TEST(Hokkaido, PageBreakTrapsAreContinuations) {
  const Regulation& reg = Seed("003");
  // Line 619 is " 第5条の規定に従わなければならない。": part of 第33条第2項.
  const Node& p = Get(reg, "a33.p2");
  EXPECT_NE(p.text.find("第5条の規定に従わなければならない。"), std::string::npos) << p.text;
  // Full-width digits without a space continue the sentence: 第１条 "…第" + "５条に基づき".
  EXPECT_NE(Get(reg, "a1.p1").text.find("第５条に基づき"), std::string::npos);
  // The term of a definition stands alone on the item line.
  EXPECT_EQ(Get(reg, "a2.p1.i1").text.rfind("職員等\n", 0), 0u);
  // 第１条 is numbered 1 though written with a full-width digit.
  EXPECT_EQ(Get(reg, "a1").num_text, "第１条");
}

TEST(Hokkaido, FrontMatter) {
  const Regulation& reg = Seed("003");
  EXPECT_EQ(reg.title, "北海道情報セキュリティ対策基準");
  ASSERT_TRUE(reg.promulgated);
  EXPECT_EQ(reg.promulgated->iso, "2002-12-27");
  ASSERT_EQ(reg.effective_dates.size(), 9u);
  EXPECT_EQ(reg.effective_dates.back().iso, "2019-04-01");
}

// --- 001 湖北, 002 置賜, 004 花巻市 ------------------------------------------

TEST(Kohoku, ArticlesItemsAndTheFusedCaption) {
  const Regulation& reg = Seed("001");
  EXPECT_EQ(Count(reg).articles, 9);
  EXPECT_EQ(CountKind(Get(reg, "a2"), NodeKind::kItem), 12);
  EXPECT_EQ(CountKind(Get(reg, "a3"), NodeKind::kItem), 5);
  EXPECT_EQ(CountKind(Get(reg, "a4.p2"), NodeKind::kItem), 3);
  EXPECT_EQ(CountKind(Get(reg, "a6"), NodeKind::kItem), 9);
  EXPECT_EQ(CountKind(Get(reg, "a6.p1.i3"), NodeKind::kSubitem), 2);
  // "(3) …のシステム（職員等の遵守義務）" then 第5条: the caption belongs to 第5条.
  EXPECT_EQ(Get(reg, "a5").caption, "職員等の遵守義務");
  EXPECT_EQ(Get(reg, "a4.p2.i3").text, "情報システムの仕様書及びネットワーク図等のシステム");
  // The label alone on its line keeps its body as a separate block.
  EXPECT_EQ(Get(reg, "a6.p1.i8").text.rfind("業務委託と外部サービスの利用\n業務委託を行う場合には", 0), 0u);
  EXPECT_EQ(reg.title, "湖北広域行政事務センター情報セキュリティ基本方針に関する規程");
  EXPECT_TRUE(reg.law_num.empty());
}

TEST(Okitama, ArticlesSupplementAndTierTable) {
  const Regulation& reg = Seed("002");
  Counts c = Count(reg);
  EXPECT_EQ(c.articles, 10);
  EXPECT_EQ(c.suppl_provisions, 1);
  EXPECT_EQ(reg.title, "置賜広域行政事務組合情報セキュリティ基本方針");
  EXPECT_EQ(reg.law_num, "令和8年訓令第1号");
  ASSERT_EQ(reg.effective_dates.size(), 1u);
  EXPECT_EQ(reg.effective_dates[0].iso, "2026-04-01");
  EXPECT_EQ(CountKind(Get(reg, "a2"), NodeKind::kItem), 15);
  EXPECT_EQ(CountKind(Get(reg, "a4"), NodeKind::kParagraph), 3);
  EXPECT_EQ(CountKind(Get(reg, "a5"), NodeKind::kItem), 3);  // (2),(3) indented, still siblings
  EXPECT_EQ(CountKind(Get(reg, "a6.p1.i6"), NodeKind::kSubitem), 3);
  EXPECT_NE(Get(reg, "a6.p1.i3").text.find("破壊、盗難等並びに"), std::string::npos);
  // The tier table of the front matter: header + 3 rows, PDF spaces removed,
  // merged cells kept empty.
  const Node& t = Get(reg, "preamble.t1");
  ASSERT_EQ(t.table->rows.size(), 4u);
  EXPECT_EQ(t.table->rows[0][0].text, "名称");
  EXPECT_EQ(t.table->rows[1][0].text, "置賜広域行政事務組合情報セキュリティポリシー");
  EXPECT_EQ(t.table->rows[2][0].text, "");
  EXPECT_EQ(t.table->rows[2][1].text, "情報セキュリティ対策基準");
  EXPECT_EQ(t.table->rows[3][1].text, "");
  EXPECT_EQ(Get(reg, "a6").caption, "情報セキュリティ対策");  // written as a bullet
}

TEST(Hanamaki, ArticlesWithoutJoAndTheAppendix) {
  const Regulation& reg = Seed("004");
  EXPECT_EQ(Count(reg).articles, 12);
  EXPECT_EQ(Get(reg, "a1").num_text, "第1");
  EXPECT_EQ(Get(reg, "a12").caption, "事故発生");
  EXPECT_EQ(CountKind(Get(reg, "a6"), NodeKind::kParagraph), 6);
  EXPECT_EQ(CountKind(Get(reg, "a6.p2"), NodeKind::kItem), 3);
  EXPECT_EQ(CountKind(Get(reg, "a9"), NodeKind::kItem), 4);
  EXPECT_EQ(CountKind(Get(reg, "a9"), NodeKind::kSubitem), 11);  // 7 katakana + a–d
  EXPECT_EQ(Get(reg, "a9.p1.i1.s2.s4").num_text, "d");
  EXPECT_EQ(Get(reg, "a9.p1.i3.s2").text.rfind("やむを得ず情報資産を外部に持ち出す場合は", 0), 0u);
  EXPECT_NE(Get(reg, "a11.p1").text.find("\nなお、"), std::string::npos);
  EXPECT_EQ(CountKind(Get(reg, "a11"), NodeKind::kParagraph), 1);
  const Node& appendix = Get(reg, "appdx1");
  EXPECT_NE(appendix.title.find("情報セキュリティ委員会の組織"), std::string::npos);
  const Node& t = Get(reg, "appdx1.t1");
  ASSERT_EQ(t.table->rows.size(), 19u);  // header + 18
  int dittos = 0;
  for (const auto& row : t.table->rows)
    for (const auto& cell : row) {
      dittos += cell.ditto;
      EXPECT_NE(cell.text, "〃");
    }
  EXPECT_EQ(dittos, 13);
  EXPECT_EQ(t.table->rows[3][2].text, "課長補佐又は課長補佐相当職で課長の指名する者");  // まちづくり部
  EXPECT_EQ(t.table->rows[3][2].raw, "〃");
}

}  // namespace
}  // namespace mamori::reiki
