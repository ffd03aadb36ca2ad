// How towns really keep their 台帳 in Excel, read as they meant it: a title
// and notes above the header, their own 備考 column, several sheets in one
// book, dates as date cells. And the two questions about a date asked the
// same way everywhere: in effect on that day (--as-of), or as recorded by
// then (--recorded-as-of).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "office.h"
#include "registry/io/table_io.h"

namespace mamori::registry {
namespace {

namespace fs = std::filesystem;

// The sheet XML of an .xlsx, as Excel stores it (unzip is in Debian's base
// tools; reading the bytes ourselves would test the reader, not the writer).
std::string SheetXml(const std::string& book, int n) {
  const std::string cmd = "unzip -p '" + book + "' xl/worksheets/sheet" + std::to_string(n) + ".xml";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t k = fread(buf.data(), 1, buf.size(), p.get())) out.append(buf.data(), k);
  return out;
}

TEST(TitleRows, ATitleAndNotesAboveTheHeaderAreReadPastAndSaid) {
  Office o;
  const std::string db = o.Fresh("t.db");
  std::ofstream(o.dir / "組織.csv") << "安田町 組織一覧,,\n令和8年4月1日現在,,\n\n組織コード,名称,備考\nU01,総務課,庁舎2階\nU02,税務課,\n";
  auto r = o.Run({"import", (o.dir / "組織.csv").string(), "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("組織: 追加 2"), std::string::npos) << r.out;
  // The header is on line 4 (line 3 is empty); lines 1–3 were read past.
  EXPECT_NE(r.err.find("4 行目を見出しとして読みました（1〜3 行目は表題・注記として読み飛ばしました）"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("列「備考」は組織の台帳にない列のため、読み飛ばしました"), std::string::npos) << r.err;
  // An error below a title still names the row as the file numbers it.
  std::ofstream(o.dir / "職.csv") << "職の一覧\n職コード,職名,組織\nP01,総務課長,U09\n";
  auto bad = o.Run({"import", (o.dir / "職.csv").string(), "--db", db});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("3行目「組織」"), std::string::npos) << bad.err;
}

TEST(TitleRows, ASheetWithATitleRowImportsFromAWorkbook) {
  Office o;
  const std::string db = o.Fresh("t.db");
  const std::string book = (o.dir / "台帳.xlsx").string();
  // Written as rows 1–3 of the sheet: the title, the header, one row.
  io::Table units{{"組織の台帳（令和8年度）"}, {{"組織コード", "名称", "担当メモ"}, {"U01", "総務課", "x"}}, {2, 3}, 1, "", {}};
  io::WriteXlsxBook(book, {{"組織", units}});
  auto r = o.Run({"import", book, "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("シート「組織」: 2 行目を見出しとして読みました（1 行目は表題・注記として読み飛ばしました）"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("列「担当メモ」"), std::string::npos) << r.err;
  EXPECT_EQ(Open(db).store->Count("units"), 1);
}

TEST(TitleRows, NoHeaderAnywhereIsAnErrorNotAGuess) {
  Office o;
  const std::string db = o.Fresh("t.db");
  std::ofstream(o.dir / "職員.csv") << "番号,なまえ\n000001,山田 太郎\n";
  const long long before = o.LogSize(db);
  auto r = o.Run({"import", (o.dir / "職員.csv").string(), "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("見出しの行が見つかりません"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("職員番号、氏名"), std::string::npos) << r.err;  // the columns it wants
  EXPECT_EQ(o.LogSize(db), before);
  // A required column missing beside a known one is still refused.
  std::ofstream(o.dir / "職員.csv", std::ios::trunc) << "職員番号,なまえ\n000001,山田 太郎\n";
  auto r2 = o.Run({"import", (o.dir / "職員.csv").string(), "--db", db});
  EXPECT_EQ(r2.status, 2);
  EXPECT_NE(r2.err.find("「氏名」: 必須の列がありません"), std::string::npos) << r2.err;
}

TEST(Sheets, AWorkbookOfSeveralSheetsNeedsTheSheetNamedAndEveryMessageNamesIt) {
  Office o;
  const std::string db = o.Fresh("t.db");
  const std::string book = (o.dir / "名簿.xlsx").string();
  io::Table staff{{"組織コード", "名称"}, {{"U01", "総務課"}, {"U02", "税務課"}}, {2, 3}, 1, "", {}};
  io::Table old{{"組織コード", "名称"}, {{"U09", "旧課"}}, {2}, 1, "", {}};
  io::Table memo{{"メモ"}, {{"令和8年度の組織改正"}}, {2}, 1, "", {}};
  io::WriteXlsxBook(book, {{"令和7年度", old}, {"令和8年度", staff}, {"メモ", memo}});
  // Named for one register, but which sheet? Not silently the first.
  auto which = o.Run({"import", "組織", book, "--db", db});
  EXPECT_EQ(which.status, 2);
  EXPECT_NE(which.err.find("E-REG-028"), std::string::npos) << which.err;
  EXPECT_NE(which.err.find("「令和7年度」「令和8年度」「メモ」"), std::string::npos) << which.err;
  EXPECT_EQ(Open(db).store->Count("units"), 0);
  auto r = o.Run({"import", "組織", book, "--sheet", "令和8年度", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  auto b = Open(db);
  EXPECT_EQ(b.store->Count("units"), 2);
  EXPECT_FALSE(b.store->Get("units", "U09"));
  // A sheet that is not there, and an error inside a chosen sheet: named.
  auto missing = o.Run({"import", "組織", book, "--sheet", "令和9年度", "--db", db});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("シート「令和9年度」はありません"), std::string::npos) << missing.err;
  io::Table broken{{"組織コード", "名称", "上位組織"}, {{"U03", "住民課", "U99"}}, {2}, 1, "", {}};
  io::WriteXlsxBook(book, {{"令和8年度", broken}});
  auto err = o.Run({"import", "組織", book, "--sheet", "令和8年度", "--db", db});
  EXPECT_EQ(err.status, 2);
  EXPECT_NE(err.err.find("名簿.xlsx のシート「令和8年度」: 2行目「上位組織」"), std::string::npos) << err.err;
  // --sheet on a whole book reads only the sheets it names.
  const std::string whole = (o.dir / "台帳.xlsx").string();
  io::Table posts{{"職コード", "職名"}, {{"P01", "総務課長"}}, {2}, 1, "", {}};
  io::WriteXlsxBook(whole, {{"組織", old}, {"職", posts}});
  auto only = o.Run({"import", whole, "--sheet", "職", "--db", db});
  ASSERT_EQ(only.status, 0) << only.err;
  EXPECT_FALSE(Open(db).store->Get("units", "U09"));
  EXPECT_TRUE(Open(db).store->Get("posts", "P01"));
  // --sheet means nothing to a CSV.
  std::ofstream(o.dir / "組織.csv") << "組織コード,名称\nU05,課\n";
  EXPECT_EQ(o.Run({"import", (o.dir / "組織.csv").string(), "--sheet", "x", "--db", db}).status, 2);
}

TEST(DateCells, AnXlsxExportWritesDatesAsDateCellsAndReadsThemBackExactly) {
  Office o;
  const std::string db = o.Fresh("t.db");
  ASSERT_EQ(o.Run({"sample", "--db", db, "--people", "30", "--assets", "5"}).status, 0);
  const std::string book = (o.dir / "職員.xlsx").string();
  ASSERT_EQ(o.Run({"export", "職員", "--format", "xlsx", "--out", book, "--db", db}).status, 0);
  const std::string xml = SheetXml(book, 1);
  // 2015-04-01 is Excel's day 42095: a number with a style, not a string.
  const std::size_t at = xml.find("<v>42095</v>");
  ASSERT_NE(at, std::string::npos) << xml.substr(0, 2000);
  const std::size_t cell = xml.rfind("<c ", at);
  EXPECT_EQ(xml.substr(cell, at - cell).find("t=\"s\""), std::string::npos) << xml.substr(cell, at - cell);
  EXPECT_EQ(xml.find("2015-04-01"), std::string::npos);
  // The ids stay strings with their zeros.
  EXPECT_NE(xml.find("t=\"s\""), std::string::npos);
  auto back = io::ReadXlsx(book);
  ASSERT_FALSE(back.rows.empty());
  EXPECT_EQ(back.rows[0][0], "000001");
  EXPECT_EQ(back.rows[0][4], "2015-04-01");
  // Imported back into the same store: nothing changes.
  auto r = o.Run({"import", "職員", book, "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("変更 0"), std::string::npos) << r.out;
}

struct Dated : Office {
  std::string db = Fresh("t.db");
  Dated() {
    std::ofstream(dir / "組織.csv") << "組織コード,名称\nU01,総務課\n";
    std::ofstream(dir / "職員.csv") << "職員番号,氏名,所属,開始日,終了日\n"
                                     << "000001,長く 勤め,U01,2015-04-01,\n"
                                     << "000002,退職 済子,U01,2010-04-01,2025-03-31\n"
                                     << "000003,新人 来男,U01,2026-10-01,\n";
    EXPECT_EQ(Run({"import", (dir / "組織.csv").string(), (dir / "職員.csv").string(), "--db", db, "--at", "2026-06-01"}).status, 0);
  }
  std::set<std::string> Ids(const std::vector<std::string>& when) {
    std::vector<std::string> args = {"export", "職員", "--db", db};
    args.insert(args.end(), when.begin(), when.end());
    auto r = Run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    std::set<std::string> ids;
    for (const auto& row : io::ReadCsv(r.out).rows) ids.insert(row[0]);
    return ids;
  }
};

TEST(AsOf, MeansTheRowsInEffectThatDayInEveryCommand) {
  Dated d;
  using S = std::set<std::string>;
  EXPECT_EQ(d.Ids({"--as-of", "2026-04-01"}), (S{"000001"}));
  EXPECT_EQ(d.Ids({"--as-of", "2026/4/1"}), (S{"000001"}));        // the case: not just the header
  EXPECT_EQ(d.Ids({"--as-of", "令和7年3月31日"}), (S{"000001", "000002"}));  // the last day counts
  EXPECT_EQ(d.Ids({"--as-of", "R8.10.1"}), (S{"000001", "000003"}));
  EXPECT_EQ(d.Ids({}), (S{"000001", "000002", "000003"}));
  // show: the person who started in 2015 exists on 2026-04-01.
  auto show = d.Run({"show", "職員", "000001", "--as-of", "2026-04-01", "--db", d.db});
  ASSERT_EQ(show.status, 0) << show.err;
  EXPECT_NE(show.out.find("氏名: 長く 勤め"), std::string::npos) << show.out;
  auto gone = d.Run({"show", "職員", "000002", "--as-of", "2026-04-01", "--db", d.db});
  EXPECT_EQ(gone.status, 2);
  EXPECT_NE(gone.err.find("2026-04-01 に効力のあった行"), std::string::npos) << gone.err;
}

TEST(AsOf, RecordedAsOfMeansWhatWasRecordedByThen) {
  Dated d;
  using S = std::set<std::string>;
  // Imported (dated) 2026-06-01: nothing was recorded by the end of May.
  EXPECT_EQ(d.Ids({"--recorded-as-of", "2026-05-31"}), S{});
  EXPECT_EQ(d.Ids({"--recorded-as-of", "2026-06-01"}), (S{"000001", "000002", "000003"}));
  // Both: recorded by then, in effect that day.
  EXPECT_EQ(d.Ids({"--recorded-as-of", "2026-06-01", "--as-of", "2026-04-01"}), (S{"000001"}));
  auto show = d.Run({"show", "職員", "000001", "--recorded-as-of", "2026-05-31", "--db", d.db});
  EXPECT_EQ(show.status, 2);
  EXPECT_NE(show.err.find("2026-05-31 までの記録"), std::string::npos) << show.err;
}

TEST(AsOf, WhoAnswersByTheRegistersAsRecordedThen) {
  Office o;
  const std::string db = o.Fresh("t.db");
  std::ofstream(o.dir / "組織.csv") << "組織コード,名称,長の職\nU03,税務課,P-U03\n";
  std::ofstream(o.dir / "職.csv") << "職コード,職名,組織\nP-U03,税務課長,U03\n";
  std::ofstream(o.dir / "職員.csv") << "職員番号,氏名,所属\n000004,前任 一郎,U03\n000030,後任 二郎,U03\n";
  std::ofstream(o.dir / "職の在任.csv") << "在任ID,職,職員,開始日\nH1,P-U03,000004,2026-04-01\n";
  ASSERT_EQ(o.Run({"import", (o.dir / "組織.csv").string(), (o.dir / "職.csv").string(), (o.dir / "職員.csv").string(),
                   (o.dir / "職の在任.csv").string(), "--at", "2026-04-01", "--db", db}).status, 0);
  // On 2026-09-01 the post from 2026-04-01 is re-recorded as 000030's.
  std::ofstream(o.dir / "職の在任.csv", std::ios::trunc) << "在任ID,職,職員,開始日\nH1,P-U03,000030,2026-04-01\n";
  ASSERT_EQ(o.Run({"import", (o.dir / "職の在任.csv").string(), "--at", "2026-09-01", "--db", db}).status, 0);
  const std::vector<std::string> ask = {"who", "情報セキュリティ責任者", "--unit", "税務課", "--as-of", "2026-06-01", "--db", db};
  auto now = o.Run(ask);
  ASSERT_EQ(now.status, 0) << now.err;
  EXPECT_NE(now.out.find("000030"), std::string::npos) << now.out;
  auto args = ask;
  args.insert(args.end(), {"--recorded-as-of", "2026-08-31"});
  auto then = o.Run(args);
  ASSERT_EQ(then.status, 0) << then.err;
  EXPECT_NE(then.out.find("000004 前任 一郎"), std::string::npos) << then.out;
  EXPECT_EQ(then.out.find("000030"), std::string::npos) << then.out;
  EXPECT_NE(then.out.find("2026-08-31 までの記録"), std::string::npos) << then.out;
}

TEST(AsOf, ADateThatCannotBeReadIsAnErrorOnEveryCommand) {
  Dated d;
  for (const char* opt : {"--as-of", "--recorded-as-of"}) {
    for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
             {"export", "職員"}, {"show", "職員"}, {"show", "職員", "000001"}, {"who", "情報セキュリティ責任者", "--unit", "総務課"}}) {
      std::vector<std::string> args = cmd;
      args.insert(args.end(), {opt, "2026-02-30", "--db", d.db});
      auto r = d.Run(args);
      EXPECT_EQ(r.status, 2) << cmd[0] << " " << opt;
      EXPECT_NE(r.err.find(std::string("E-REG-012: ") + opt + " の日付「2026-02-30」を読めません"), std::string::npos) << r.err;
    }
  }
}

// The sample town a new user first meets must look like a town hall: each
// 課長 belongs to their own 課, and the 役場 has a 町長 above the 副町長.
TEST(SampleTown, EachHeadBelongsToTheUnitTheyHeadAndThereIsAMayor) {
  Office o;
  const std::string db = o.Fresh("t.db");
  ASSERT_EQ(o.Run({"sample", "--db", db}).status, 0);
  auto b = Open(db);
  std::map<std::string, nlohmann::json> posts, people;
  for (const auto& r : b.store->List("posts")) posts[r.id] = nlohmann::json::parse(r.data);
  for (const auto& r : b.store->List("people")) people[r.id] = nlohmann::json::parse(r.data);
  int heads = 0;
  bool mayor = false;
  for (const auto& r : b.store->List("units")) {
    auto u = nlohmann::json::parse(r.data);
    if (!u.contains("head_post")) continue;
    const std::string post = u["head_post"];
    for (const auto& h : b.store->List("post_holders")) {
      auto j = nlohmann::json::parse(h.data);
      if (j["post"] != post || j.value("acting", "") == "true") continue;
      ++heads;
      EXPECT_EQ(people.at(j["person"]).value("unit", ""), r.id)
          << posts[post]["name"] << " " << j["person"] << " belongs elsewhere";
      mayor |= posts[post]["name"] == "町長";
    }
  }
  EXPECT_GE(heads, 21);  // 20 課 (税務課 twice, before and after 2026-04-01) and the 役場
  EXPECT_TRUE(mayor);
  auto who = o.Run({"show", "職", "--db", db});
  EXPECT_NE(who.out.find("町長"), std::string::npos);
}

}  // namespace
}  // namespace mamori::registry
