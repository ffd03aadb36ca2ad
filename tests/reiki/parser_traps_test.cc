// The parser on texts written for the traps the seeds and national laws set:
// kanji numbering, branch units, deep sub-items, labels that are really wrapped
// text, tables, and inputs that are not regulations at all.
#include <gtest/gtest.h>

#include <functional>

#include "reiki/reiki.h"
#include "seed_util.h"

namespace mamori::reiki {
namespace {

using namespace mamori::reiki::test_util;

// A national law as e-Gov prints it: kanji numerals, U+3000 separators, イロハ.
constexpr const char* kNationalLaw =
    "サンプル情報保護法\n"
    "平成十五年法律第五十七号\n"
    "目次\n"
    "第一章　総則（第一条―第三条）\n"
    "第四章の二　雑則（第百三十条の二）\n"
    "附則\n"
    "第一章　総則\n"
    "（目的）\n"
    "第一条　この法律は、個人の権利利益を保護することを目的とする。\n"
    "（定義）\n"
    "第二条　この法律において「個人情報」とは、次の各号のいずれかに該当するものをいう。\n"
    "一　当該情報に含まれる氏名、生年月日その他の記述等\n"
    "二　個人識別符号が含まれるもの\n"
    "イ　身体の一部の特徴\n"
    "ロ　旅券の番号\n"
    "（１）　旅券法に規定する旅券の番号\n"
    "（２）　その他の番号\n"
    "ハ　その他のもの\n"
    "十　例外のもの\n"
    "２　この法律において「個人識別符号」とは、次に掲げるものをいう。\n"
    "一　特定の個人の身体の一部の特徴\n"
    "第三条　前条第二項の規定は、適用しない。\n"
    "第四章の二　雑則\n"
    "第百三十条の二　この章の規定は、第百三十条の規定に\n"
    "かかわらず適用する。\n"
    "附　則　抄\n"
    "（施行期日）\n"
    "第一条　この法律は、令和元年5月1日から施行する。\n";

TEST(NationalLaw, KanjiNumberingAndBranchUnits) {
  Regulation reg = Parse(kNationalLaw, "law.txt");
  EXPECT_EQ(reg.title, "サンプル情報保護法");
  EXPECT_EQ(reg.law_num, "平成十五年法律第五十七号");
  EXPECT_EQ(Get(reg, "a1").num_text, "第一条");
  EXPECT_EQ(Get(reg, "a1").caption, "目的");
  // Article ids do not depend on the chapter: the same 条 keeps its id if moved.
  EXPECT_EQ(Get(reg, "chap4_2").children.at(0).id, "a130_2");
  EXPECT_EQ(Get(reg, "chap4_2").title, "雑則");
  const Node& a130 = Get(reg, "a130_2");
  EXPECT_EQ((a130.num), (std::vector<int>{130, 2}));
  // A hard wrap mid-sentence joins without a space.
  EXPECT_EQ(Get(reg, "a130_2.p1").text, "この章の規定は、第百三十条の規定にかかわらず適用する。");
  // 目次 entries with ― and a branch chapter agree with the body.
  ASSERT_EQ(reg.toc_checks.size(), 2u);
  EXPECT_TRUE(reg.toc_checks[0].ok) << reg.toc_checks[0].body_range;
  EXPECT_TRUE(reg.toc_checks[1].ok) << reg.toc_checks[1].body_range;
}

TEST(NationalLaw, ItemsIrohaAndParenthesisedDigitsNest) {
  Regulation reg = Parse(kNationalLaw);
  const Node& i2 = Get(reg, "a2.p1.i2");
  ASSERT_EQ(i2.children.size(), 3u);  // イ ロ ハ
  EXPECT_EQ(i2.children[1].num_text, "ロ");
  EXPECT_EQ(i2.children[1].num, std::vector<int>{2});  // ロ is second in イロハ order
  EXPECT_EQ(i2.children[1].children.size(), 2u);       // （１）（２） under ロ
  EXPECT_EQ(i2.children[1].children[0].depth, 2);
  // 十 does not follow 二: it is wrapped text of ハ, not a 10th item.
  EXPECT_FALSE(Has(reg, "a2.p1.i10"));
  EXPECT_NE(Get(reg, "a2.p1.i2.s3").text.find("十　例外のもの"), std::string::npos);
  // Paragraph ２ (full-width) closes the items of ¶1; its own 一 restarts at 1.
  EXPECT_EQ(Get(reg, "a2.p2.i1").text, "特定の個人の身体の一部の特徴");
}

TEST(NationalLaw, SupplementaryProvisionArticles) {
  Regulation reg = Parse(kNationalLaw);
  const Node& s = Get(reg, "suppl1");
  EXPECT_EQ(s.title, "抄");
  const Node& a1 = Get(reg, "suppl1.a1");
  EXPECT_EQ(a1.caption, "施行期日");
  ASSERT_EQ(reg.effective_dates.size(), 1u);
  EXPECT_EQ(reg.effective_dates[0].iso, "2019-05-01");  // 令和元年
}

TEST(Labels, SubitemsAtAnyDepth) {
  Regulation reg = Parse(
      "第1条 次のとおりとする。\n"
      "(1) 第一の号\n"
      "ア 第一の細目\n"
      "(ア) 更に細かい\n"
      "a 英字の細目\n"
      "① 丸数字の細目\n"
      "② 二つ目\n"
      "b 英字の二つ目\n"
      "(イ) 括弧カナの二つ目\n"
      "イ 第二の細目\n"
      "(2) 第二の号\n");
  EXPECT_EQ(Get(reg, "a1.p1.i1.s1.s1.s1.s2").text, "二つ目");
  EXPECT_EQ(Get(reg, "a1.p1.i1.s1.s1.s1.s2").depth, 4);
  EXPECT_EQ(Get(reg, "a1.p1.i1.s1.s1.s2").text, "英字の二つ目");
  EXPECT_EQ(Get(reg, "a1.p1.i1.s1.s2").text, "括弧カナの二つ目");
  EXPECT_EQ(Get(reg, "a1.p1.i1.s2").text, "第二の細目");
  EXPECT_EQ(Get(reg, "a1.p1.i2").text, "第二の号");
}

TEST(Labels, OutOfSequenceLabelsAreText) {
  Regulation reg = Parse(
      "第1条 次のとおりとする。\n"
      "(1) 一つ目\n"
      "(3) 飛んだ番号は本文の続き\n"
      "3 段落番号の飛びも本文\n"
      "ウ カナの途中から始まるのも本文\n"
      "2 二つ目の項\n");
  EXPECT_FALSE(Has(reg, "a1.p1.i3"));
  EXPECT_FALSE(Has(reg, "a1.p3"));
  const std::string& t = Get(reg, "a1.p1.i1").text;
  EXPECT_NE(t.find("(3) 飛んだ番号は本文の続き"), std::string::npos) << t;
  EXPECT_NE(t.find("ウ カナの途中から"), std::string::npos) << t;
  EXPECT_EQ(Get(reg, "a1.p2").text, "二つ目の項");
}

TEST(Labels, CrossReferenceAtLineStartIsNotAnArticle) {
  Regulation reg = Parse(
      "第4条 職員等は、\n"
      "第5条の規定に従わなければならない。\n"
      "第5条 次の条。\n");
  EXPECT_EQ(Get(reg, "a4.p1").text, "職員等は、第5条の規定に従わなければならない。");
  EXPECT_EQ(Get(reg, "a5.p1").text, "次の条。");
}

TEST(Labels, ArticlesWithoutJoOnlyWhenTheTextNeverUsesJo) {
  Regulation no_jo = Parse("第1 目的を定める。\n\n第2 対象を定める。\n");
  EXPECT_EQ(Get(no_jo, "a2").num_text, "第2");
  // In a text that writes 第N条, "第2 …" at a line start is just text.
  Regulation jo = Parse("第1条 本文は、\n第2 号の規定による。\n");
  EXPECT_FALSE(Has(jo, "a2"));
}

TEST(Captions, InheritedOnlyWhenMissingAndFusedCaptionsSplit) {
  Regulation reg = Parse(
      "(目的)\n第1条 目的。\n第2条 見出しのない条。\n"
      "(定義)\n第3条 定義は次のとおり。\n(1) 用語の定義（対象）\n第4条 対象。\n"
      "（孤立した括弧書き）\n本文の続き。\n");
  EXPECT_EQ(Get(reg, "a2").caption, "目的");
  EXPECT_TRUE(Get(reg, "a2").caption_inherited);
  EXPECT_EQ(Get(reg, "a4").caption, "対象");
  EXPECT_FALSE(Get(reg, "a4").caption_inherited);
  EXPECT_EQ(Get(reg, "a3.p1.i1").text, "用語の定義");
  // A caption-shaped line that no article follows stays as text.
  EXPECT_NE(Get(reg, "a4.p1").text.find("（孤立した括弧書き）"), std::string::npos);
}

TEST(Repair, SpacedLettersBulletsAndLabelAlone) {
  Regulation reg = Parse(
      "第1条 C I S O 及び L GWAN と A I の Windows Update。\n"
      "- 2 **箇条書きの項**\n"
      " - (1) 字下げされた号\n"
      "(2) ラベルだけの行\n"
      "\n"
      "次の行に本文がある。\n");
  EXPECT_EQ(Get(reg, "a1.p1").text, "CISO 及び LGWAN と AI の Windows Update。");
  EXPECT_EQ(Get(reg, "a1.p2").text, "箇条書きの項");
  EXPECT_EQ(Get(reg, "a1.p2.i1").text, "字下げされた号");
  EXPECT_EQ(Get(reg, "a1.p2.i2").text, "ラベルだけの行\n次の行に本文がある。");
  EXPECT_EQ(Get(reg, "a1.p1").raw, "第1条 C I S O 及び L GWAN と A I の Windows Update。");
}

TEST(Tables, DittoMergedCellsHtmlAndSplitRows) {
  Regulation reg = Parse(
      "第1条 次の表による。\n"
      "区分\t内容\t備考\n"
      "----\t----\t----\n"
      "\n"
      "甲\t<ul style=\"x\"> ・一つ目 ・二つ目\t\n"
      "乙\t〃\t注\n"
      "\t合 併\t\n"
      "丙\t途中で\t\n"
      "\n"
      "\t切れた行\t\n");
  const Node& t = Get(reg, "a1.p1.t1");
  ASSERT_EQ(t.table->rows.size(), 5u);
  EXPECT_TRUE(t.table->has_header);
  EXPECT_EQ(t.table->rows[1][1].text, "・一つ目\n・二つ目");
  EXPECT_TRUE(t.table->rows[2][1].ditto);
  EXPECT_EQ(t.table->rows[2][1].text, t.table->rows[1][1].text);
  EXPECT_EQ(t.table->rows[3][0].text, "");       // merged from above: kept empty
  EXPECT_EQ(t.table->rows[3][1].text, "合併");   // PDF space between wide characters removed
  EXPECT_EQ(t.table->rows[4][1].text, "途中で切れた行");  // page break after a blank line
}

TEST(Appendices, TablesFormsAndHtmlLookalikes) {
  Regulation reg = Parse(
      "第1条 別表に掲げる者及びx<yの場合並びに<C>を含む。\n"
      "別表（第1条関係） 委員\n"
      "職\t人数\n"
      "課長\t1\n"
      "様式第1号（第1条関係）\n"
      "申請書\n");
  // Prose that starts like a heading, and angle brackets that are not HTML.
  EXPECT_EQ(Get(reg, "a1.p1").text, "別表に掲げる者及びx<yの場合並びに<C>を含む。");
  EXPECT_EQ(Get(reg, "appdx1").title, "（第1条関係） 委員");
  EXPECT_EQ(Get(reg, "appdx1.t1").table->rows.size(), 2u);
  EXPECT_EQ(Get(reg, "form1").num_text, "様式第1号");
  EXPECT_EQ(Get(reg, "form1").text, "申請書");
}

TEST(Robustness, DuplicateArticleKeepsBothWithDistinctIds) {
  Regulation reg = Parse("第1条 一つ目。\n第1条 二つ目。\n");
  EXPECT_TRUE(Has(reg, "a1"));
  EXPECT_TRUE(Has(reg, "a1~2"));
  bool warned = false;
  for (const auto& n : reg.notices) warned |= n.code == "W-REIKI-201";
  EXPECT_TRUE(warned);
}

// Inputs the fuzzer found. An appendix followed by an article once made the
// builder read a node that vector growth had moved (heap-use-after-free under ASan).
TEST(Robustness, FuzzerFindingsParseCleanly) {
  Regulation reg = Parse("(0n)\n第1\n別表\n第７\n");
  EXPECT_EQ(Get(reg, "a7").num_text, "第７");
  EXPECT_EQ(Get(reg, "appdx1").kind, NodeKind::kAppendix);
  for (const auto& e : std::filesystem::directory_iterator(MAMORI_TESTDATA_DIR "/fuzz-crashes")) {
    try {
      (void)ToJson(ParseFile(e.path().string()));
    } catch (const Error& err) {
      EXPECT_EQ(err.code().rfind("E-REIKI-", 0), 0u) << e.path();
    }
  }
}

TEST(Robustness, EraDatesWithRunawayDigitsAreNotDates) {
  // The fuzzer's 平成 followed by ten digits overflowed int (UBSan).
  Regulation reg = Parse("平成4444444444年4月1日\n第1条 本文。\n附則\nこの規程は、令和元年5月1日から施行する。\n");
  EXPECT_FALSE(reg.promulgated);
  ASSERT_EQ(reg.effective_dates.size(), 1u);
  EXPECT_EQ(reg.effective_dates[0].iso, "2019-05-01");
}

TEST(Robustness, NoArticleIsAnError) {
  try {
    Parse("これは例規ではありません。\nただの文章です。\n");
    FAIL() << "expected E-REIKI-004";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "E-REIKI-004");
    EXPECT_NE(std::string(e.what()).find("条文が見つかりません"), std::string::npos);
  }
}

TEST(Robustness, HostileShapesDoNotCrash) {
  // Each of these once looked like a label or heading to some rule.
  for (const char* text : {"第", "第1条", "第1条の", "第1条の2", "(", "（）", "()\n第1条 x", "\t\t\t\n第1条 a",
                           "附則\n第1条 a", "別表\n\t\n第1条 b", "第1条 a\n\n\n\t", "第99999999999条 a",
                           "第1条 a\n2 b\n2 c\n3 d\n(1) e\n一 f\nア g\n① h\na i\n(ア) j\n別表第一\nx\ty",
                           "目次\n第1章 x\n第1章 x\n第1条 y"}) {
    try {
      Regulation reg = Parse(text);
      (void)ToJson(reg);
      (void)ToText(reg);
      (void)Outline(reg);
    } catch (const Error& e) {
      EXPECT_EQ(e.code().rfind("E-REIKI-", 0), 0u) << text;
    }
  }
}

}  // namespace
}  // namespace mamori::reiki
