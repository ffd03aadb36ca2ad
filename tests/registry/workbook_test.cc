// A town set up from Excel in one command: every register as a sheet of one
// workbook (or as CSV files named for their registers), imported all or
// nothing, references between sheets resolved (組織 → 長の職 → 職 → 組織),
// and a round trip of the sample town that changes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <fstream>
#include <sstream>
#include <string>

#include "registry/binding.h"
#include "registry/io/table_io.h"
#include "registry/registry.h"
#include "reiki/cli_util.h"
#include "office.h"

namespace mamori::registry {
namespace {

namespace fs = std::filesystem;
using test_util::RunMamori;

TEST(Workbook, TheSampleTownRoundTripsThroughOneWorkbookIntoAFreshStore) {
  Office o;
  const std::string town = o.Fresh("town.db");
  ASSERT_EQ(o.Run({"sample", "--db", town}).status, 0);
  const std::string book = (o.dir / "台帳.xlsx").string();
  auto ex = o.Run({"export", "--all", "--format", "xlsx", "--out", book, "--db", town});
  ASSERT_EQ(ex.status, 0) << ex.err;
  // One sheet per register, under its Japanese name.
  auto sheets = io::ReadXlsxSheets(book);
  auto b = Open(town);
  Registry reg(*b.store, b.pack);
  ASSERT_EQ(sheets.size(), reg.kinds().size());
  for (std::size_t i = 0; i < sheets.size(); ++i) EXPECT_EQ(sheets[i].name, reg.kinds()[i].ja);

  const std::string fresh = o.Fresh("fresh.db");
  auto im = o.Run({"import", book, "--db", fresh});
  ASSERT_EQ(im.status, 0) << im.err;
  EXPECT_EQ(o.Exports(fresh), o.Exports(town));
  EXPECT_EQ(o.Run({"ledger", "verify", "--db", fresh}).status, 0);
  // Again: nothing changes, nothing is recorded.
  const long long size = o.LogSize(fresh);
  ASSERT_EQ(o.Run({"import", book, "--db", fresh}).status, 0);
  EXPECT_EQ(o.LogSize(fresh), size);
}

// 組織 and 職 refer to each other: neither imports alone into a fresh store,
// both import together, in either order on the command line.
TEST(Workbook, CsvFilesNamedForTheirRegistersImportTogetherInOneCommand) {
  Office o;
  const std::string town = o.Fresh("town.db");
  ASSERT_EQ(o.Run({"sample", "--db", town}).status, 0);
  for (const char* k : {"組織", "職"}) {
    auto r = o.Run({"export", k, "--out", (o.dir / (std::string(k) + ".csv")).string(), "--db", town});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  const std::string units = (o.dir / "組織.csv").string(), posts = (o.dir / "職.csv").string();
  const std::string alone = o.Fresh("alone.db");
  auto a = o.Run({"import", units, "--db", alone});
  EXPECT_EQ(a.status, 2);
  EXPECT_NE(a.err.find("組織.csv"), std::string::npos) << a.err;
  const std::string fresh = o.Fresh("fresh.db");
  auto r = o.Run({"import", posts, units, "--db", fresh});
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = o.Exports(fresh), want = o.Exports(town);
  EXPECT_EQ(got["組織"], want["組織"]);
  EXPECT_EQ(got["職"], want["職"]);
}

// One bad cell anywhere: nothing from any sheet, and the message names the
// sheet, the row and the column.
TEST(Workbook, AnErrorInOneSheetImportsNothingAndNamesTheSheetRowAndColumn) {
  Office o;
  const std::string book = (o.dir / "町.xlsx").string();
  io::Table units{{"組織コード", "名称", "長の職"}, {{"U01", "総務課", "P01"}, {"U02", "税務課", "P02"}}, {2, 3}, 1, ""};
  io::Table posts{{"職コード", "職名", "組織"}, {{"P01", "総務課長", "U01"}, {"P02", "税務課長", "U09"}}, {2, 3}, 1, ""};
  io::Table notes{{"メモ"}, {{"これは台帳ではない"}}, {2}, 1, ""};
  io::WriteXlsxBook(book, {{"組織", units}, {"職", posts}, {"メモ", notes}});
  const std::string db = o.Fresh("t.db");
  const long long before = o.LogSize(db);
  auto r = o.Run({"import", book, "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("町.xlsx のシート「職」: 3行目「組織」"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("U09"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("シート「メモ」"), std::string::npos) << r.err;  // told it was not read
  EXPECT_EQ(o.LogSize(db), before);
  // Fixed, it imports in one go; a dry run before it changes nothing.
  posts.rows[1][2] = "U02";
  io::WriteXlsxBook(book, {{"組織", units}, {"職", posts}});
  auto dry = o.Run({"import", book, "--db", db, "--dry-run"});
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("組織: 追加 2"), std::string::npos) << dry.out;
  EXPECT_EQ(o.LogSize(db), before);
  auto ok = o.Run({"import", book, "--db", db});
  ASSERT_EQ(ok.status, 0) << ok.err;
  EXPECT_NE(ok.out.find("職: 追加 2"), std::string::npos) << ok.out;
}

TEST(Workbook, ARegisterGivenTwiceOrAFileNamingNoRegisterIsRefused) {
  Office o;
  const std::string db = o.Fresh("t.db");
  std::ofstream(o.dir / "組織.csv") << "組織コード,名称\nU01,総務課\n";
  std::ofstream(o.dir / "units.csv") << "組織コード,名称\nU02,税務課\n";
  std::ofstream(o.dir / "名簿.csv") << "組織コード,名称\nU03,住民課\n";
  auto twice = o.Run({"import", (o.dir / "組織.csv").string(), (o.dir / "units.csv").string(), "--db", db});
  EXPECT_EQ(twice.status, 2);
  EXPECT_NE(twice.err.find("2か所"), std::string::npos) << twice.err;
  auto unknown = o.Run({"import", (o.dir / "名簿.csv").string(), "--db", db});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("E-REG-023"), std::string::npos) << unknown.err;
  EXPECT_EQ(o.Run({"export", "--all", "--db", db}).status, 2);  // --all needs xlsx and --out
}

// --replace deletes only what it was shown to delete, never a whole register
// from a header-only file, and never a row another register still names.
TEST(Replace, ShowsWhatItWouldDeleteAndDeletesOnlyWithYes) {
  Office o;
  const std::string db = o.Fresh("t.db");
  ASSERT_EQ(o.Run({"sample", "--db", db, "--people", "120", "--assets", "10"}).status, 0);
  const std::string assets = (o.dir / "アカウント.csv").string();
  ASSERT_EQ(o.Run({"export", "アカウント", "--out", assets, "--db", db}).status, 0);
  // The file cut after five rows, as a truncated copy would be.
  std::string text = test_util::ReadFileBytes(assets), cut;
  std::size_t lines = 0;
  for (std::size_t i = 0; i < text.size() && lines < 6; ++i) {
    cut += text[i];
    if (text[i] == '\n') ++lines;
  }
  std::ofstream(assets, std::ios::trunc) << cut;
  const long long before = o.LogSize(db);
  const std::string gone = std::to_string(Open(db).store->Count("accounts") - 5);
  auto r = o.Run({"import", "アカウント", assets, "--replace", "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("E-REG-024"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("削除する行 " + gone + " 件"), std::string::npos) << r.err;
  EXPECT_EQ(o.LogSize(db), before);
  auto yes = o.Run({"import", "アカウント", assets, "--replace", "--yes", "--db", db});
  EXPECT_EQ(yes.status, 0) << yes.err;
  EXPECT_NE(yes.out.find("削除 " + gone), std::string::npos) << yes.out;
  EXPECT_EQ(Open(db).store->Count("accounts"), 5);
  // A header-only file never empties a register, even with --yes.
  std::ofstream(assets, std::ios::trunc) << cut.substr(0, cut.find('\n') + 1);
  auto empty = o.Run({"import", "アカウント", assets, "--replace", "--yes", "--db", db});
  EXPECT_EQ(empty.status, 2);
  EXPECT_NE(empty.err.find("E-REG-025"), std::string::npos) << empty.err;
}

TEST(Replace, ARowAnotherRegisterNamesIsNotDeleted) {
  Office o;
  const std::string db = o.Fresh("t.db");
  ASSERT_EQ(o.Run({"sample", "--db", db}).status, 0);
  // 職員 without 000022, who holds the 税務課長 post (職の在任 H00005).
  const std::string people = (o.dir / "職員.csv").string();
  ASSERT_EQ(o.Run({"export", "職員", "--out", people, "--db", db}).status, 0);
  std::string text = test_util::ReadFileBytes(people), kept;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.starts_with("000022,")) kept += line + "\n";
  std::ofstream(people, std::ios::trunc) << kept;
  const long long before = o.LogSize(db);
  auto r = o.Run({"import", "職員", people, "--replace", "--yes", "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("E-REG-026"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("H00005"), std::string::npos) << r.err;
  EXPECT_EQ(o.LogSize(db), before);
}

// The sample is fictional: it never goes into a store that holds a town.
TEST(Sample, RefusesAStoreThatAlreadyHoldsRegisters) {
  Office o;
  const std::string db = o.Fresh("t.db");
  std::ofstream(o.dir / "組織.csv") << "組織コード,名称\nU01,総務課\n";
  ASSERT_EQ(o.Run({"import", (o.dir / "組織.csv").string(), "--db", db}).status, 0);
  const long long before = o.LogSize(db);
  auto r = o.Run({"sample", "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("E-REG-027"), std::string::npos) << r.err;
  EXPECT_EQ(o.LogSize(db), before);
  // A store the sample made takes it again (nothing changes).
  const std::string s = o.Fresh("s.db");
  ASSERT_EQ(o.Run({"sample", "--db", s}).status, 0);
  EXPECT_EQ(o.Run({"sample", "--db", s}).status, 0);
}

// who: a question that cannot be answered is exit 2, not an empty answer.
TEST(Who, AMissingOrUnknownUnitIsAnError) {
  Office o;
  const std::string db = o.Fresh("t.db");
  ASSERT_EQ(o.Run({"sample", "--db", db}).status, 0);
  auto none = o.Run({"who", "情報セキュリティ責任者", "--db", db});
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("E-REG-015"), std::string::npos) << none.err;
  auto unknown = o.Run({"who", "情報セキュリティ責任者", "--unit", "宇宙課", "--db", db});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("E-REG-016"), std::string::npos) << unknown.err;
  auto ok = o.Run({"who", "情報セキュリティ責任者", "--unit", "税務課", "--as-of", "2026-04-01", "--db", db});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_NE(ok.out.find("000022"), std::string::npos) << ok.out;
}

// A CSV re-saved by Excel loses leading zeros (000001 -> 1): re-imported, it
// would add every person again. Refused, naming the row and the fix.
TEST(LeadingZeros, AnIdThatLostItsZerosIsRefused) {
  Office o;
  const std::string db = o.Fresh("t.db");
  ASSERT_EQ(o.Run({"sample", "--db", db, "--people", "120", "--assets", "10"}).status, 0);
  const std::string people = (o.dir / "職員.csv").string();
  ASSERT_EQ(o.Run({"export", "職員", "--out", people, "--db", db}).status, 0);
  std::string text = test_util::ReadFileBytes(people);
  for (std::size_t at = text.find("\n000"); at != std::string::npos; at = text.find("\n000", at)) {
    std::size_t end = at + 1;
    while (text[end] == '0') ++end;
    text.erase(at + 1, end - at - 1);  // as Excel saves it
  }
  std::ofstream(people, std::ios::trunc) << text;
  const long long before = o.LogSize(db);
  auto r = o.Run({"import", "職員", people, "--db", db});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("「1」は、登録済みの「000001」の先頭の 0 が落ちたもの"), std::string::npos) << r.err.substr(0, 600);
  EXPECT_NE(r.err.find("2行目"), std::string::npos) << r.err.substr(0, 600);
  EXPECT_EQ(o.LogSize(db), before);
}

// A dry run of one file writes nothing, so it needs neither the write lock
// nor the signing key: a copy of the store without its key can be asked.
TEST(Workbook, ADryRunOfOneFileNeedsNoKey) {
  Office o;
  const std::string db = o.Fresh("t.db");
  std::ofstream(o.dir / "組織.csv") << "組織コード,名称\nU01,総務課\n";
  fs::rename(db + ".key", db + ".key.away");
  auto r = o.Run({"import", "組織", (o.dir / "組織.csv").string(), "--dry-run", "--db", db});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("追加 1"), std::string::npos) << r.out;
  auto real = o.Run({"import", "組織", (o.dir / "組織.csv").string(), "--db", db});
  EXPECT_EQ(real.status, 2);  // writing does need the key
  fs::rename(db + ".key.away", db + ".key");
}

// The wall list: every unit and who holds the role for it that day.
TEST(Who, AllUnitsListsEveryUnitsHolderAsCsv) {
  Office o;
  const std::string db = o.Fresh("t.db");
  ASSERT_EQ(o.Run({"sample", "--db", db}).status, 0);
  auto r = o.Run({"who", "情報セキュリティ責任者", "--all-units", "--as-of", "2026-04-01", "--format", "csv", "--db", db});
  ASSERT_EQ(r.status, 0) << r.err;
  auto t = io::ReadCsv(r.out);
  EXPECT_EQ(t.header[0], "組織コード");
  auto b = Open(db);
  std::set<std::string> units;
  for (const auto& row : t.rows) units.insert(row[0]);
  EXPECT_EQ(static_cast<long long>(units.size()), b.store->Count("units"));  // no unit left out
  bool tax = false;
  for (const auto& row : t.rows) tax |= row[0] == "U03" && row[3] == "000022";
  EXPECT_TRUE(tax) << r.out;  // 税務課: its 課長 from 2026-04-01
  // As xlsx, into a file; the same rows.
  const std::string xlsx = (o.dir / "在任一覧.xlsx").string();
  ASSERT_EQ(o.Run({"who", "情報セキュリティ責任者", "--all-units", "--as-of", "2026-04-01", "--format", "xlsx", "--out", xlsx, "--db", db}).status, 0);
  EXPECT_EQ(io::ReadXlsx(xlsx).rows, t.rows);
  EXPECT_EQ(o.Run({"who", "情報セキュリティ責任者", "--all-units", "--unit", "税務課", "--db", db}).status, 2);
}

}  // namespace
}  // namespace mamori::registry
