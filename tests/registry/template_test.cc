// A town starts from `mamori template` or from the worked example: both must
// import in one command, with what the pack allows shown to whoever fills
// them in, and nothing in them that the importer would refuse.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>

#include "office.h"
#include "registry/io/table_io.h"

namespace mamori::registry {
namespace {

namespace fs = std::filesystem;

std::string Unzip(const std::string& args) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(("unzip " + args).c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t k = fread(buf.data(), 1, buf.size(), p.get())) out.append(buf.data(), k);
  return out;
}

io::Sheet* SheetNamed(std::vector<io::Sheet>& book, const std::string& name) {
  for (auto& s : book)
    if (s.name == name) return &s;
  return nullptr;
}

TEST(Template, HasAGuideAndASheetPerRegisterWithTheColumnsAndThePacksValues) {
  Office o;
  const std::string out = (o.dir / "台帳テンプレート.xlsx").string();
  auto r = o.Run({"template", "--pack", kYasuda, "--out", out});
  ASSERT_EQ(r.status, 0) << r.err;
  auto book = io::ReadXlsxSheets(out);
  ASSERT_GE(book.size(), 2u);
  EXPECT_EQ(book[0].name, "はじめに");
  EXPECT_EQ(book[1].name, "記入方法");
  // Every register of docs/registers.md, each with its importable columns.
  for (const char* name : {"組織", "職員", "職", "職の在任", "委員会", "委員", "情報資産", "情報システム", "機器・媒体",
                           "アカウント", "委託事業者", "契約", "外部サービス", "指名", "管理区域", "研修受講"}) {
    auto* s = SheetNamed(book, name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_TRUE(s->table.rows.empty()) << name;  // nothing fictional to import by mistake
  }
  EXPECT_EQ(SheetNamed(book, "職員")->table.header,
            (std::vector<std::string>{"職員番号", "氏名", "所属", "区分", "開始日", "終了日"}));
  // A medium's highest level is computed, never typed: not in the template.
  for (const auto& h : SheetNamed(book, "機器・媒体")->table.header) EXPECT_EQ(h.find("保存内容の最高"), std::string::npos);
  // The guide: 安田町's levels (対策基準 第24条: 機密性3・2・1) and zones, required marks.
  const auto& guide = book[1].table;
  ASSERT_EQ(guide.header, (std::vector<std::string>{"台帳", "列", "必須", "書き方", "選べる値", "記入例"}));
  bool conf = false, zone = false, id = false, zero = false;
  for (const auto& row : guide.rows) {
    if (row[0] == "情報資産" && row[1] == "機密性") conf = row[4] == "機密性3、機密性2、機密性1";
    if (row[0] == "情報システム" && row[1] == "ネットワーク区分") zone = row[4].find("LGWAN接続系") != std::string::npos;
    if (row[0] == "職員" && row[1] == "職員番号") id = row[2] == "必須", zero = row[3].find("先頭の 0") != std::string::npos;
    if (row[0] == "職員" && row[1] == "区分") EXPECT_EQ(row[2], "") << "区分 is not required";
  }
  EXPECT_TRUE(conf);
  EXPECT_TRUE(zone);
  EXPECT_TRUE(id);
  EXPECT_TRUE(zero);
  // Each header cell carries its note (an Excel comment), and yes/no columns a dropdown.
  const std::string comments = Unzip("-p '" + out + "' 'xl/comments*.xml'");
  EXPECT_NE(comments.find("【必須】"), std::string::npos);
  EXPECT_NE(comments.find("選べる値: 機密性3、機密性2、機密性1"), std::string::npos);
  const std::string sheets = Unzip("-p '" + out + "' 'xl/worksheets/sheet*.xml'");
  EXPECT_NE(sheets.find("<dataValidation"), std::string::npos);
  EXPECT_NE(sheets.find("はい,いいえ"), std::string::npos);
  // Refuses to overwrite, and needs a pack from somewhere.
  EXPECT_EQ(o.Run({"template", "--pack", kYasuda, "--out", out}).status, 2);
  auto nowhere = o.Run({"template", "--out", (o.dir / "x.xlsx").string(), "--db", (o.dir / "none.db").string()});
  EXPECT_EQ(nowhere.status, 2);
  EXPECT_NE(nowhere.err.find("--pack"), std::string::npos) << nowhere.err;
}

// The acceptance case: a clerk fills the template in by hand (rows typed
// under each header, the guide sheets left where they are) and imports it.
TEST(Template, FilledInByHandItImportsInOneCommand) {
  Office o;
  const std::string out = (o.dir / "台帳テンプレート.xlsx").string();
  ASSERT_EQ(o.Run({"template", "--pack", kYasuda, "--out", out}).status, 0);
  auto book = io::ReadXlsxSheets(out);
  auto fill = [&](const std::string& sheet, std::vector<std::vector<std::string>> rows) {
    auto* s = SheetNamed(book, sheet);
    ASSERT_NE(s, nullptr);
    // Typed under the header in the header's order, as a clerk does.
    for (auto& r : rows) {
      r.resize(s->table.header.size());
      s->table.rows.push_back(r);
    }
  };
  fill("組織", {{"U00", "役場", "本庁", "", "P-1"}, {"U01", "総務課", "課", "U00", "P-2"}});
  fill("職", {{"P-1", "副町長", "U00"}, {"P-2", "総務課長", "U01"}});
  fill("職員", {{"000001", "副 町長", "U00", "特別職", "2024/4/1"}, {"000002", "総務 課長", "U01", "一般職", "令和6年4月1日"}});
  fill("職の在任", {{"H1", "P-1", "000001", "2024-04-01", "", "いいえ"}, {"H2", "P-2", "000002", "R6.4.1", "", "いいえ"}});
  fill("情報システム", {{"S01", "住民記録システム", "マイナンバー利用事務系（個人番号利用事務系）", "U01", "P-2"}});
  fill("情報資産", {{"A1", "住民基本台帳", "U01", "機密性3", "完全性2", "可用性2", "個人情報", "S01", "サーバ室", "サーバ"}});
  fill("指名", {{"N1", "CSIRT責任者", "000002", "000001", "2026-04-01", "", "第18条第2項"}});
  io::WriteXlsxBook(out, book);
  const std::string db = o.Fresh("t.db");
  auto r = o.Run({"import", out, "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("「はじめに」「記入方法」"), std::string::npos) << r.err;  // told they were not read
  auto b = Open(db);
  EXPECT_EQ(b.store->Count("units"), 2);
  EXPECT_EQ(b.store->Count("people"), 2);
  EXPECT_EQ(b.store->Count("designations"), 1);
  auto who = o.Run({"who", "CISO", "--as-of", "2026-04-01", "--db", db});
  EXPECT_NE(who.out.find("000001"), std::string::npos) << who.out;  // 第11条第1項: 副町長
  auto csirt = o.Run({"who", "CSIRT責任者", "--as-of", "2026-04-01", "--db", db});
  EXPECT_NE(csirt.out.find("000002"), std::string::npos) << csirt.out;
}

const fs::path kExample = fs::path(MAMORI_SOURCE_DIR) / "examples" / "small-town";

TEST(Example, TheSmallTownImportsInOneCommandAndAnswersAsItsFilesSay) {
  Office o;
  const std::string db = o.Fresh("t.db");
  std::vector<std::string> args = {"import"};
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(kExample))
    if (e.path().extension() == ".csv") args.push_back(e.path().string()), ++files;
  EXPECT_EQ(files, 16u);  // every register has its file
  args.insert(args.end(), {"--db", db});
  auto r = o.Run(args);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("列「備考」"), std::string::npos) << r.err;
  // Counts from the files themselves (data rows, not the header).
  auto b = Open(db);
  Registry reg(*b.store, b.pack);
  for (const auto& k : reg.kinds()) {
    auto t = io::ReadTable((kExample / (k.ja + ".csv")).string());
    EXPECT_EQ(b.store->Count(k.id), static_cast<long long>(t.rows.size())) << k.ja;
  }
  // The 税務課長 of 職の在任.csv, and the 退職 of 職員.csv on 2026-03-31.
  auto tax = o.Run({"who", "情報セキュリティ責任者", "--unit", "税務課", "--as-of", "2026-04-01", "--db", db});
  EXPECT_NE(tax.out.find("000005 田中 三枝"), std::string::npos) << tax.out;
  auto staff = o.Run({"export", "職員", "--as-of", "2026-04-01", "--db", db});
  EXPECT_EQ(staff.out.find("000012"), std::string::npos);
  EXPECT_EQ(o.Run({"ledger", "verify", "--db", db}).status, 0);
  // Through one workbook into a fresh store: the same registers.
  const std::string book = (o.dir / "みどり町の台帳.xlsx").string();
  ASSERT_EQ(o.Run({"export", "--all", "--format", "xlsx", "--out", book, "--db", db}).status, 0);
  const std::string fresh = o.Fresh("fresh.db");
  ASSERT_EQ(o.Run({"import", book, "--db", fresh}).status, 0);
  EXPECT_EQ(o.Exports(fresh), o.Exports(db));
}

}  // namespace
}  // namespace mamori::registry
