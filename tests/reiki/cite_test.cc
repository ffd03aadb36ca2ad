// Citations against the seed regulations: the expected sentences are copied from
// the seed texts themselves, so a test failure means the reader no longer finds
// what a person reading the file would find.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "reiki/reiki.h"
#include "cli_util.h"
#include "seed_util.h"

namespace mamori::reiki {
namespace {

using namespace mamori::reiki::test_util;

const Node& Cite(const Regulation& reg, const std::string& ref) { return Resolve(reg, ParseReference(ref)); }

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Runs `fn` and returns the Error's code and message; fails if nothing is thrown.
std::pair<std::string, std::string> ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  ADD_FAILURE() << "no Error thrown";
  return {};
}

void ForEachNode(const Node& n, const std::function<void(const Node&, const Node*)>& fn,
                 const Node* parent = nullptr) {
  fn(n, parent);
  for (const Node& c : n.children) ForEachNode(c, fn, &n);
}

// --- ParseReference --------------------------------------------------------

TEST(CiteParseReference, ReadsConventionalForms) {
  Reference r = ParseReference("第31条の2第2項");
  EXPECT_EQ(r.article, (std::vector<int>{31, 2}));
  EXPECT_EQ(r.paragraph, 2);
  EXPECT_EQ(r.item, 0);
  EXPECT_FALSE(r.suppl);

  r = ParseReference("第2条第3号");
  EXPECT_EQ(r.article, (std::vector<int>{2}));
  EXPECT_EQ(r.paragraph, 0);
  EXPECT_EQ(r.item, 3);

  r = ParseReference("第9第1号イa");
  EXPECT_EQ(r.article, (std::vector<int>{9}));
  EXPECT_EQ(r.item, 1);
  EXPECT_EQ(r.subitems, (std::vector<int>{2, 1}));

  r = ParseReference("第百三十条の二第六項");
  EXPECT_EQ(r.article, (std::vector<int>{130, 2}));
  EXPECT_EQ(r.paragraph, 6);

  r = ParseReference("第２７条第２項");
  EXPECT_EQ(r.article, (std::vector<int>{27}));
  EXPECT_EQ(r.paragraph, 2);

  r = ParseReference("附則第2条");
  EXPECT_TRUE(r.suppl);
  EXPECT_EQ(r.article, (std::vector<int>{2}));

  r = ParseReference("第1条第2項第3号ア（イ）");
  EXPECT_EQ(r.subitems.size(), 2u);
}

TEST(CiteParseReference, MalformedIsECite001) {
  for (const char* bad : {"abc", "", "第", "第27条第2条", "第3項", "第27条イ", "第27条第2項第3号(ア", "27条"}) {
    auto [code, message] = ErrorOf([&] { ParseReference(bad); });
    EXPECT_EQ(code, "E-CITE-001") << bad;
    // The message says what a reference looks like.
    EXPECT_NE(message.find("例: 第27条第2項"), std::string::npos) << message;
  }
}

// --- Resolve and CiteText against the seeds ----------------------------------

TEST(CiteSeeds, Yasuda27_2Text) {
  const auto& reg = Seed("000");
  const Node& n = Cite(reg, "第27条第2項");
  EXPECT_EQ(n.kind, NodeKind::kParagraph);
  // Seed line: "2 機密性2以上の情報資産を運搬する者は、…"
  EXPECT_EQ(CiteText(n), "機密性2以上の情報資産を運搬する者は、情報セキュリティ責任者に許可を得なければならない。");
  EXPECT_EQ(CitationOf(reg, n), "第27条第2項");
}

TEST(CiteSeeds, Yasuda130_2_6WithItems) {
  const auto& reg = Seed("000");
  const Node& n = Cite(reg, "第130条の2第6項");
  std::string text = CiteText(n);
  EXPECT_TRUE(StartsWith(text,
                         "情報セキュリティ責任者は、クラウドサービスを導入することによる、業務に係る影響等を十分に"
                         "検討すること。また、クラウドサービスを利用する基準には以下の規定を含むこと。\n"))
      << text;
  EXPECT_NE(text.find("\n(1) クラウドサービスを利用して情報システムを導入・構築する際のセキュリティ対策の基本方針\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("\n(2) クラウドサービスを利用して情報システムを運用・保守する際のセキュリティ対策の基本方針\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("\n(3) 以下を全て含むクラウドサービスの利用を終了する際のセキュリティ対策の基本方針\n"),
            std::string::npos) << text;
  // Sub-items sit one level in, under their item.
  EXPECT_NE(text.find("\n  ウ クラウドサービス利用のために作成したアカウントの廃棄"), std::string::npos) << text;
  EXPECT_EQ(CitationOf(reg, n), "第130条の2第6項");
}

TEST(CiteSeeds, Hokkaido26_3JoinsWrappedLine) {
  const auto& reg = Seed("003");
  const Node& n = Cite(reg, "第26条第3項");
  // The seed wraps this sentence over two lines (…による添付 / ファイルの送付…).
  EXPECT_EQ(CiteText(n), "前２項の規定は、電子メールによる文書施行を行う場合以外の電子メールによる添付ファイルの送付に準用する。");
}

TEST(CiteSeeds, Hanamaki9_3_I) {
  const auto& reg = Seed("004");
  const Node& n = Cite(reg, "第9第3号イ");
  EXPECT_EQ(n.kind, NodeKind::kSubitem);
  EXPECT_EQ(CiteText(n),
            "やむを得ず情報資産を外部に持ち出す場合は、事前に情報セキュリティ管理者の許可を得るとともに、"
            "内容が外部に漏洩しないよう対策を行い、事後、複数の人間で漏洩のないことを確認すること。");
  // 花巻市 writes 第9 without 条; the citation keeps that style.
  EXPECT_EQ(CitationOf(reg, n), "第9第3号イ");
}

TEST(CiteSeeds, HanamakiDeeperSubitem) {
  const auto& reg = Seed("004");
  const Node& n = Cite(reg, "第9第1号イa");
  EXPECT_EQ(CiteText(n), "コンピュータウイルスその他の不正プログラムに対する対策を行うこと。");
  EXPECT_EQ(CitationOf(reg, n), "第9第1号イa");
  // An item's text carries its sub-items, labelled and indented.
  std::string item = CiteText(Cite(reg, "第9第3号"));
  EXPECT_TRUE(StartsWith(item, "情報資産の管理\n  ア 情報資産は、第三者の目に触れ又は外部に持ち出されないよう対策を行うこと。\n  イ "))
      << item;
}

TEST(CiteSeeds, KanjiAndFullWidthNameTheSameNode) {
  const auto& reg = Seed("000");
  const Node& arabic = Cite(reg, "第130条の2第6項");
  EXPECT_EQ(&Cite(reg, "第百三十条の二第六項"), &arabic);
  EXPECT_EQ(&Cite(reg, "第１３０条の２第６項"), &arabic);
  EXPECT_EQ(&Cite(reg, "第二十七条第二項"), &Cite(reg, "第27条第2項"));
  EXPECT_EQ(&Cite(reg, "第２７条第２項"), &Cite(reg, "第27条第2項"));
  EXPECT_EQ(&Cite(Seed("004"), "第９第３号イ"), &Cite(Seed("004"), "第9第3号イ"));
}

TEST(CiteSeeds, ItemOfSingleParagraphArticle) {
  const auto& reg = Seed("000");
  const Node& n = Cite(reg, "第2条第3号");
  EXPECT_EQ(n.kind, NodeKind::kItem);
  EXPECT_EQ(n.id, "a2.p1.i3");
  // Seed line: "- （3） 情報セキュリティ 情報資産の機密性、…"
  EXPECT_EQ(CiteText(n), "情報セキュリティ 情報資産の機密性、完全性及び可用性を維持することをいう。");
  EXPECT_EQ(CitationOf(reg, n), "第2条第3号");
  // Naming paragraph 1 explicitly reaches the same item.
  EXPECT_EQ(&Cite(reg, "第2条第1項第3号"), &n);
}

TEST(CiteSeeds, BareArticleWithCaption) {
  const auto& reg = Seed("000");
  const Node& n = Cite(reg, "第27条");
  EXPECT_EQ(n.kind, NodeKind::kArticle);
  EXPECT_EQ(CiteText(n),
            "（情報資産の運搬）\n"
            "第27条 車両等により機密性2以上の情報資産を運搬する者は、必要に応じ鍵付きのケース等に格納し、"
            "暗号化又はパスワードの設定を行う等、情報資産の不正利用を防止するための措置を講じなければならない。\n"
            "2 機密性2以上の情報資産を運搬する者は、情報セキュリティ責任者に許可を得なければならない。");
  EXPECT_EQ(CitationOf(reg, Cite(reg, "第130条の2")), "第130条の2");
}

TEST(CiteSeeds, TableRenderedTabSeparated) {
  const auto& reg = Seed("004");
  const Node* table = nullptr;
  ForEachNode(reg.root, [&](const Node& n, const Node*) {
    if (!table && n.kind == NodeKind::kTable) table = &n;
  });
  ASSERT_NE(table, nullptr);
  std::string text = CiteText(*table);
  EXPECT_TRUE(StartsWith(text, "部等\t課\t職\n政策推進部\t企画調整課\t課長\n")) << text;
}

// Every article / paragraph / item / sub-item, cited and read back, is itself.
// The one allowed difference: the sole paragraph of an article is cited as the
// article (第1条, never 第1条第1項), so it reads back as its article.
TEST(CiteSeeds, CitationOfRoundTripsEveryClause) {
  for (const char* seed : {"000", "001", "002", "003", "004"}) {
    const auto& reg = Seed(seed);
    int checked = 0;
    ForEachNode(reg.root, [&](const Node& n, const Node* parent) {
      if (n.kind != NodeKind::kArticle && n.kind != NodeKind::kParagraph && n.kind != NodeKind::kItem &&
          n.kind != NodeKind::kSubitem)
        return;
      std::string citation = CitationOf(reg, n);
      SCOPED_TRACE(std::string(seed) + " " + n.id + " -> " + citation);
      try {
        const Node& back = Cite(reg, citation);
        bool sole_paragraph = n.kind == NodeKind::kParagraph && parent && parent->kind == NodeKind::kArticle &&
                              std::count_if(parent->children.begin(), parent->children.end(), [](const Node& c) {
                                return c.kind == NodeKind::kParagraph;
                              }) == 1;
        if (sole_paragraph) {
          EXPECT_EQ(&back, parent);
        } else {
          EXPECT_EQ(&back, &n) << "resolved to " << back.id;
        }
      } catch (const Error& e) {
        ADD_FAILURE() << e.code() << ": " << e.what();
      }
      ++checked;
    });
    if (std::string(seed) == "000") {
      EXPECT_GT(checked, 500);  // 151 articles, 333 paragraphs, 112 items
    }
  }
}

// --- errors --------------------------------------------------------------------

TEST(CiteErrors, MissingArticleNamesNearest) {
  const auto& reg = Seed("000");
  auto [code, message] = ErrorOf([&] { Cite(reg, "第999条"); });
  EXPECT_EQ(code, "E-CITE-002");
  EXPECT_NE(message.find("第142条"), std::string::npos) << message;  // the last article of 000
  EXPECT_NE(message.find("最も近い条項: 第142条"), std::string::npos) << message;
}

TEST(CiteErrors, MissingParagraphNamesRealOnes) {
  const auto& reg = Seed("000");
  auto [code, message] = ErrorOf([&] { Cite(reg, "第27条第9項"); });
  EXPECT_EQ(code, "E-CITE-002");
  EXPECT_NE(message.find("第27条 は第1項から第2項まで"), std::string::npos) << message;
  EXPECT_NE(message.find("最も近い条項: 第27条第2項"), std::string::npos) << message;
}

TEST(CiteErrors, MissingItemAndSubitem) {
  const auto& reg = Seed("000");
  auto [code, message] = ErrorOf([&] { Cite(reg, "第2条第13号"); });
  EXPECT_EQ(code, "E-CITE-002");
  EXPECT_NE(message.find("第1号から第12号まで"), std::string::npos) << message;
  auto [code2, message2] = ErrorOf([&] { Cite(Seed("004"), "第9第1号イe"); });
  EXPECT_EQ(code2, "E-CITE-002");
  EXPECT_NE(message2.find("第9第1号イd"), std::string::npos) << message2;
  // A missing branch article points at its neighbour.
  auto [code3, message3] = ErrorOf([&] { Cite(reg, "第130条の3"); });
  EXPECT_EQ(code3, "E-CITE-002");
  EXPECT_NE(message3.find("最も近い条項: 第130条の2"), std::string::npos) << message3;
}

TEST(CiteErrors, MalformedIsNotMissing) {
  const auto& reg = Seed("000");
  EXPECT_EQ(ErrorOf([&] { Cite(reg, "abc"); }).first, "E-CITE-001");
  EXPECT_EQ(ErrorOf([&] { Cite(reg, ""); }).first, "E-CITE-001");
}

// --- イロハ order and 附則 articles (not in the seeds) -----------------------------

constexpr const char* kSynthetic =
    "テスト規程\n\n"
    "（目的）\n"
    "第1条 この規程は、次に掲げる事項を定める。\n"
    "一 第一の事項\n"
    "イ いの細目\n"
    "ロ ろの細目\n"
    "ハ はの細目\n"
    "二 第二の事項\n\n"
    "附 則\n"
    "（施行期日）\n"
    "第1条 この規程は、令和8年4月1日から施行する。\n"
    "（経過措置）\n"
    "第2条 経過措置を定める。\n"
    "2 第2項の経過措置。\n";

TEST(CiteSynthetic, IrohaOrderResolvesByLabel) {
  Regulation reg = Parse(kSynthetic, "synthetic.txt");
  EXPECT_EQ(CiteText(Cite(reg, "第1条第1号ロ")), "ろの細目");
  EXPECT_EQ(CiteText(Cite(reg, "第一条第一号イ")), "いの細目");
  const Node& ha = Cite(reg, "第1条第1号ハ");
  EXPECT_EQ(CitationOf(reg, ha), "第1条第1号ハ");
  EXPECT_EQ(ErrorOf([&] { Cite(reg, "第1条第1号ニ"); }).first, "E-CITE-002");
}

TEST(CiteSynthetic, SupplementaryArticles) {
  Regulation reg = Parse(kSynthetic, "synthetic.txt");
  const Node& n = Cite(reg, "附則第2条第2項");
  EXPECT_EQ(CiteText(n), "第2項の経過措置。");
  EXPECT_EQ(CitationOf(reg, n), "附則第2条第2項");
  // The main body's 第2条 does not exist: 附則's must not be found in its place.
  EXPECT_EQ(ErrorOf([&] { Cite(reg, "第2条"); }).first, "E-CITE-002");
  auto [code, message] = ErrorOf([&] { Cite(reg, "附則第3条"); });
  EXPECT_EQ(code, "E-CITE-002");
  EXPECT_NE(message.find("附則第2条"), std::string::npos) << message;
}

// --- the CLI, end to end -----------------------------------------------------------

mamori::test_util::CliResult RunCite(const std::string& file, const std::string& ref) {
  return mamori::test_util::RunMamori({"reiki", "cite", file, ref}, mamori::test_util::ScratchDir("mamori_cite_test"));
}

TEST(CiteCli, PrintsClauseText) {
  auto r = RunCite(SeedPath("000"), "第27条第2項");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("第27条第2項"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("機密性2以上の情報資産を運搬する者は、情報セキュリティ責任者に許可を得なければならない。"),
            std::string::npos)
      << r.out;
}

TEST(CiteCli, UnknownReferenceExits2) {
  auto r = RunCite(SeedPath("000"), "第999条");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("E-CITE-002"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("第142条"), std::string::npos) << r.err;
  auto bad = RunCite(SeedPath("000"), "abc");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("E-CITE-001"), std::string::npos) << bad.err;
}

TEST(CiteSeeds, AppendixOfHanamaki) {
  const Regulation& reg = Seed("004");
  const Node& a = Cite(reg, "別表");
  EXPECT_EQ(a.kind, NodeKind::kAppendix);
  EXPECT_EQ(CitationOf(reg, a), "別表");
  auto [code, message] = ErrorOf([&] { Cite(reg, "別表第2"); });
  EXPECT_EQ(code, "E-CITE-002");
  EXPECT_NE(message.find("この例規の別表は 別表 です"), std::string::npos) << message;
  auto [code2, message2] = ErrorOf([&] { Cite(Seed("000"), "別表"); });
  EXPECT_EQ(code2, "E-CITE-002");
  EXPECT_NE(message2.find("別表がありません"), std::string::npos) << message2;
}

}  // namespace
}  // namespace mamori::reiki
