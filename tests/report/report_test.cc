// mamori report on 安田町's sample town: the committee's annual report as a
// PDF whose text (pdftotext) carries 令和8年度, the Japanese headings and the
// ledger's root hash as `ledger head` gives it, whose first page renders with
// text on it (pdftoppm), whose tables continue across pages with their
// header; and as an Excel book that reads back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compliance/compliance.h"
#include "registry/io/table_io.h"
#include "common/revised_pack.h"
#include "common/town.h"
#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using mamori::test_util::CliResult;
using Json = nlohmann::json;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A poppler tool's output (pdftotext, pdfinfo, pdffonts).
std::string Tool(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    pclose(p);
  }
  return out;
}

std::string NoSpace(std::string s) {
  std::erase_if(s, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\f'; });
  return s;
}

struct Town : mamori::test_util::SampleTown {
  Town() : SampleTown("mamori_report") {}
  std::string Root() {
    auto r = Run({"ledger", "head", "--json"});
    return r.status == 0 ? Json::parse(r.out).value("root", "") : "";
  }
};

TEST(Report, ThePdfCarriesThe年度TheHeadingsAndTheLedgersRoot) {
  Town t;
  ASSERT_EQ(t.Run({"duty", "done", "audit", "--as", "000001", "--date", "2026-07-01", "--evidence", "note:監査"}).status, 0);
  const std::string root = t.Root();
  ASSERT_EQ(root.size(), 64u);
  const std::string pdf = (t.dir / "報告.pdf").string();
  auto r = t.Run({"report", "--fy", "令和8年度", "--format", "pdf", "--out", pdf, "--as-of", "2026-12-01"});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string text = Tool("pdftotext -layout '" + pdf + "' -");
  EXPECT_TRUE(Has(text, "令和8年度 情報セキュリティ年次報告")) << text.substr(0, 2000);
  EXPECT_TRUE(Has(text, "安田町"));
  for (const char* heading : {"1. 年度の務め", "2. 研修", "3. 自己点検", "4. 監査", "5. 情報セキュリティインシデント", "6. 例外措置", "7. 台帳の点検"})
    EXPECT_TRUE(Has(text, heading)) << heading;
  EXPECT_TRUE(Has(NoSpace(text), root)) << "root " << root;  // the paper copy witnesses the log
  EXPECT_TRUE(Has(text, "第131条"));  // the audit's article, and its record
  EXPECT_TRUE(Has(text, "2026-07-01"));
  EXPECT_TRUE(Has(NoSpace(text), "研修の対象となる職員等"));  // 第51条: counted from the attendance register
  EXPECT_TRUE(Has(NoSpace(text), "改善策（「いいえ」の項目）"));
  // A4, with page numbers out of the total.
  const std::string info = Tool("pdfinfo '" + pdf + "'");
  EXPECT_TRUE(Has(info, "595.28 x 841.89")) << info;
  int pages = 0;
  std::sscanf(info.substr(info.find("Pages:") + 6).c_str(), "%d", &pages);
  ASSERT_GE(pages, 3);
  EXPECT_TRUE(Has(text, "1 / " + std::to_string(pages)));
  EXPECT_TRUE(Has(text, std::to_string(pages) + " / " + std::to_string(pages)));
  // The Japanese is in a CJK font embedded in the file, not left to the reader's machine.
  EXPECT_TRUE(Has(Tool("pdffonts '" + pdf + "'"), "IPAexGothic"));
}

TEST(Report, TheDutiesTableContinuesOntoItsNextPageWithItsHeader) {
  Town t;
  const std::string pdf = (t.dir / "報告.pdf").string();
  ASSERT_EQ(t.Run({"report", "--fy", "2026", "--out", pdf, "--as-of", "2026-12-01"}).status, 0);
  // The 83 duties of 安田町 do not fit on one page: page 3 goes on with them, header first.
  const std::string page3 = Tool("pdftotext -f 3 -l 3 -layout '" + pdf + "' -");
  EXPECT_FALSE(Has(page3, "1. 年度の務め")) << page3.substr(0, 800);  // not a new section
  EXPECT_TRUE(Has(page3, "周期")) << page3.substr(0, 800);
  EXPECT_TRUE(Has(page3, "根拠")) << page3.substr(0, 800);
}

TEST(Report, TheFirstPageRendersWithTextOnIt) {
  Town t;
  const std::string pdf = (t.dir / "報告.pdf").string();
  ASSERT_EQ(t.Run({"report", "--fy", "2026", "--out", pdf}).status, 0);
  const std::string png = (t.dir / "page").string();
  ASSERT_EQ(std::system(("pdftoppm -gray -r 50 -f 1 -l 1 '" + pdf + "' '" + png + "'").c_str()), 0);
  fs::path page;
  for (const auto& e : fs::directory_iterator(t.dir))
    if (e.path().filename().string().rfind("page", 0) == 0) page = e.path();
  ASSERT_FALSE(page.empty());
  // A PGM: count the dark pixels — a blank or unrendered page has none.
  std::ifstream in(page, std::ios::binary);
  std::string magic;
  int w = 0, h = 0, max = 0;
  in >> magic >> w >> h >> max;
  in.get();
  ASSERT_EQ(magic, "P5");
  std::vector<unsigned char> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  in.read(reinterpret_cast<char*>(px.data()), static_cast<std::streamsize>(px.size()));
  std::size_t dark = 0;
  for (unsigned char p : px) dark += p < 100;
  EXPECT_GT(dark, 500u);                  // the title and the cover table
  EXPECT_LT(dark, px.size() / 4);         // and not a black page
}

TEST(Report, TheExcelBookReadsBackSectionBySection) {
  Town t;
  const std::string root = t.Root();
  const std::string book = (t.dir / "報告.xlsx").string();
  auto r = t.Run({"report", "--fy", "R8", "--format", "xlsx", "--out", book, "--as-of", "2026-12-01"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto sheets = mamori::registry::io::ReadXlsxSheets(book);
  ASSERT_GE(sheets.size(), 8u);
  EXPECT_EQ(sheets[0].name, "表紙");
  bool has_root = false;
  for (const auto& row : sheets[0].table.rows) has_root |= row.size() > 1 && row[1] == root;
  EXPECT_TRUE(has_root);
  EXPECT_EQ(sheets[1].name, "1. 年度の務め");
  EXPECT_EQ(sheets[1].table.rows.size(), 83u);  // every duty of the pack, one row each
  auto sheet = [&](const std::string& name) -> const mamori::registry::io::Sheet* {
    for (const auto& x : sheets)
      if (x.name == name) return &x;
    ADD_FAILURE() << "no sheet " << name;
    return nullptr;
  };
  const auto* checks = sheet("7. 台帳の点検");
  ASSERT_NE(checks, nullptr);
  bool contract = false;
  for (const auto& row : checks->table.rows) contract |= row.size() > 2 && Has(row[1], "第126条") && Has(row[2], "K2026-001");
  EXPECT_TRUE(contract);
  // The self-inspection's progress per respondent, and its measures on a sheet of their own.
  const auto* inspection = sheet("3. 自己点検");
  ASSERT_NE(inspection, nullptr);
  EXPECT_EQ(inspection->table.header[0], "役割");
  EXPECT_NE(sheet("改善策（「いいえ」の項目）"), nullptr);
  const auto* training = sheet("2. 研修");
  ASSERT_NE(training, nullptr);
  EXPECT_EQ(training->table.header, (std::vector<std::string>{"組織", "対象", "受講", "未受講", "受講率"}));
}

TEST(Report, OneUnitsReportAndBadInputChangeNothing) {
  Town t;
  const std::string pdf = (t.dir / "税務課.pdf").string();
  auto unit = t.Run({"report", "--fy", "2026", "--unit", "税務課", "--out", pdf, "--as-of", "2026-12-01"});
  ASSERT_EQ(unit.status, 0) << unit.err;
  const std::string text = Tool("pdftotext '" + pdf + "' -");
  EXPECT_TRUE(Has(text, "（税務課）")) << text.substr(0, 600);
  // The 課's own duties (第139条第2項: its 課長's self-inspection), not the body's contracts.
  EXPECT_TRUE(Has(NoSpace(text), "所管する課等の情報セキュリティ対策状況の自己点検")) << text.substr(0, 2000);
  EXPECT_FALSE(Has(text, "K2026-001")) << text;
  const std::string root = t.Root();
  auto bad_unit = t.Run({"report", "--fy", "2026", "--unit", "税務科", "--out", (t.dir / "x.pdf").string()});
  EXPECT_EQ(bad_unit.status, 2);
  EXPECT_TRUE(Has(bad_unit.err, "E-REP-001")) << bad_unit.err;
  EXPECT_FALSE(fs::exists(t.dir / "x.pdf"));
  auto again = t.Run({"report", "--fy", "2026", "--out", pdf});
  EXPECT_EQ(again.status, 2);  // an existing file needs --force
  EXPECT_TRUE(Has(again.err, "--force")) << again.err;
  const auto size = fs::file_size(t.db);
  auto onto_db = t.Run({"report", "--fy", "2026", "--out", t.db, "--force"});
  EXPECT_EQ(onto_db.status, 2);
  EXPECT_TRUE(Has(onto_db.err, "E-OUT-001")) << onto_db.err;
  EXPECT_EQ(fs::file_size(t.db), size);
  auto bad_fy = t.Run({"report", "--fy", "令和八年度", "--out", (t.dir / "y.pdf").string()});
  EXPECT_EQ(bad_fy.status, 2);
  EXPECT_TRUE(Has(bad_fy.err, "E-COMP-001")) << bad_fy.err;
  EXPECT_EQ(t.Root(), root);  // a report reads only
}

// 第142条: the committee evaluates the policy with the year's results and,
// when the text changed, what the change touches: the pack switches of the
// 年度 and the cases still open under the earlier text.
TEST(Report, ThePolicyEvaluationListsTheYearsPackSwitchAndCasesUnderTheOldText) {
  Town t;
  std::ofstream(t.dir / "r.json") << R"({"action":"take_out","resource":"A0000022"})";
  auto applied = t.Run({"apply", (t.dir / "r.json").string(), "--as", "000023", "--format", "json"});
  ASSERT_EQ(applied.status, 0) << applied.err;
  const std::string id = Json::parse(applied.out)["case"];
  const fs::path pack = mamori::test_util::RevisedPack(fs::path(MAMORI_PACKS_DIR) / "yasuda", t.dir, "yasuda-revised");
  ASSERT_FALSE(pack.empty());
  ASSERT_EQ(t.Run({"pack", "apply", pack.string(), "--reason", "令和8年の改正"}).status, 0);
  // The switch was recorded today: the report of today's 年度 lists it.
  const std::string fy = std::to_string(mamori::compliance::FiscalYearOf(mamori::store::NowJst().substr(0, 10)).year);
  const std::string book = (t.dir / "評価.xlsx").string();
  auto r = t.Run({"report", "--fy", fy, "--format", "xlsx", "--out", book});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto sheets = mamori::registry::io::ReadXlsxSheets(book);
  const mamori::registry::io::Sheet *switches = nullptr, *open = nullptr;
  for (const auto& x : sheets) {
    if (x.name == "8. 情報セキュリティポリシーの評価の資料") switches = &x;
    if (x.name == "前の版のもとで開かれ、まだ終わっていない案件") open = &x;
  }
  ASSERT_NE(switches, nullptr);
  ASSERT_NE(open, nullptr);
  bool reason = false;
  for (const auto& row : switches->table.rows) reason |= row.size() > 4 && row[4] == "令和8年の改正";
  EXPECT_TRUE(reason);
  ASSERT_EQ(open->table.rows.size(), 1u);
  EXPECT_EQ(open->table.rows[0][0], id);
}


// 第142条's impact list: the text of 第46条第4項 is amended. Until the pack's
// review records the new text, the pack does not check and cannot be
// applied; once it does, the switch records which bindings cite a changed
// clause (those of 第46条第4項; any citing the whole of 第46条 would be too)
// and the open case opened under the old text, and the report lists them.
TEST(Report, AnAmendedClauseIsListedWithTheBindingsThatCiteIt) {
  Town t;
  std::ofstream(t.dir / "r.json") << R"({"action":"take_out","resource":"A0000022"})";
  auto applied = t.Run({"apply", (t.dir / "r.json").string(), "--as", "000023", "--format", "json"});
  ASSERT_EQ(applied.status, 0) << applied.err;
  const std::string id = Json::parse(applied.out)["case"];
  const fs::path pack = t.dir / "yasuda-amended";
  fs::copy(fs::path(MAMORI_PACKS_DIR) / "yasuda", pack, fs::copy_options::recursive);
  std::string text = mamori::test_util::ReadFileBytes(pack / "regulation.txt");
  const std::string from = "ソフトウェアを外部に持ち出す場合には、情報セキュリティ責任者の許可を得なければならない。";
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "ソフトウェアを外部に持ち出す場合には、情報セキュリティ責任者の許可を書面により得なければならない。");
  std::ofstream(pack / "regulation.txt", std::ios::binary | std::ios::trunc) << text;

  auto refused = t.Run({"pack", "apply", pack.string(), "--reason", "第46条第4項の改正"});
  EXPECT_EQ(refused.status, 2);
  EXPECT_TRUE(Has(refused.err, "E-REG-001")) << refused.err;  // not yet reviewed against the new text
  auto review = mamori::test_util::RunMamori({"pack", "review", pack.string(), "--as", "情報政策課"}, t.dir);  // the pack, not the store
  ASSERT_EQ(review.status, 0) << review.err;
  auto r = t.Run({"pack", "apply", pack.string(), "--reason", "第46条第4項の改正"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "第46条第4項: ")) << r.out;
  EXPECT_TRUE(Has(r.out, id)) << r.out;

  const std::string fy = std::to_string(mamori::compliance::FiscalYearOf(mamori::store::NowJst().substr(0, 10)).year);
  const std::string book = (t.dir / "改正.xlsx").string();
  ASSERT_EQ(t.Run({"report", "--fy", fy, "--format", "xlsx", "--out", book}).status, 0);
  const mamori::registry::io::Sheet* impact = nullptr;
  const auto sheets = mamori::registry::io::ReadXlsxSheets(book);
  for (const auto& x : sheets)
    if (x.name.rfind("改正で本文が変わった条項", 0) == 0) impact = &x;
  ASSERT_NE(impact, nullptr);
  bool take_out = false;
  for (const auto& row : impact->table.rows) {
    ASSERT_GE(row.size(), 4u);
    EXPECT_EQ(row[1].rfind("第46条", 0), 0u) << row[1];  // no other article changed
    EXPECT_NE(row[1], "第46条第5項");
    if (row[1] == "第46条第4項") take_out = Has(row[3], "workflows「take_out」");
  }
  EXPECT_TRUE(take_out);
}

}  // namespace
