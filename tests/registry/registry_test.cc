// Registers on the SQLite store: all-or-nothing imports, lossless round trips,
// history read as of a date, and a store that survives a kill mid-import.
#include <gtest/gtest.h>
#include <iconv.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "registry/binding.h"
#include "registry/registry.h"
#include "registry/sample.h"
#include "common/cp932.h"

namespace mamori::registry {
namespace {

namespace fs = std::filesystem;

const std::string kYasuda = std::string(MAMORI_PACKS_DIR) + "/yasuda";

fs::path Scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::temp_directory_path() /
                 ("mamori_registry_test_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A store bound to yasuda with the sample town loaded at a fixed date.
struct Town {
  fs::path dir = Scratch();
  Bound b = Init((dir / "t.db").string(), kYasuda, "test");
  Registry reg{*b.store, b.pack};

  explicit Town(SampleSize size = {60, 200}) {
    ImportOptions o;
    o.actor = "test";
    o.at = "2026-03-01T09:00:00+09:00";
    for (const auto& t : SampleTown(b.pack, size)) {
      auto sum = reg.Import(*FindKind(reg.kinds(), t.kind), t.table, o);
      EXPECT_TRUE(sum.errors.empty()) << t.kind << ": " << (sum.errors.empty() ? "" : sum.errors[0].reason);
    }
  }
  const Kind& K(const std::string& id) { return *FindKind(reg.kinds(), id); }
};

using mamori::test_util::ToCp932;

TEST(Store, ApplyKeepsHistoryAndReadsAsOf) {
  fs::path dir = Scratch();
  auto s = store::OpenSqlite((dir / "s.db").string(), true);
  {
    store::Transaction tx(*s);
    s->Apply({"people", "1", std::nullopt, R"({"name":"甲"})"}, "a", "2026-03-01T09:00:00+09:00", "t");
    tx.Commit();
  }
  {
    store::Transaction tx(*s);
    s->Apply({"people", "1", R"({"name":"甲"})", R"({"name":"乙"})"}, "b", "2026-04-02T09:00:00+09:00", "t");
    tx.Commit();
  }
  EXPECT_EQ(s->Get("people", "1"), R"({"name":"乙"})");
  EXPECT_EQ(s->Get("people", "1", "2026-04-01"), R"({"name":"甲"})");
  EXPECT_EQ(s->Get("people", "1", "2026-02-28"), std::nullopt);
  EXPECT_EQ(s->List("people", "2026-04-01").size(), 1u);
  auto h = s->History("people", "1");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].actor, "b");
  EXPECT_EQ(h[1].change.before, R"({"name":"甲"})");
}

// Has, Get and ListPrefix agree on what is there: a row, a row deleted, an
// id that only starts like one, and the queue kind (read through its own
// covering index) the same as any other.
TEST(Store, HasGetAndListPrefixAgreeOnWhatIsThere) {
  fs::path dir = Scratch();
  auto s = store::OpenSqlite((dir / "s.db").string(), true);
  {
    store::Transaction tx(*s);
    for (const char* kind : {"case_events", "case_queue"}) {
      s->Apply({kind, "C1/0001", std::nullopt, R"({"n":1})"}, "a", "2026-05-01T09:00:00+09:00", "t");
      s->Apply({kind, "C1/0002", std::nullopt, R"({"n":2})"}, "a", "2026-05-01T09:00:00+09:00", "t");
      s->Apply({kind, "C10/0001", std::nullopt, R"({"n":3})"}, "a", "2026-05-01T09:00:00+09:00", "t");
      s->Apply({kind, "C1/0002", R"({"n":2})", std::nullopt}, "a", "2026-05-01T09:00:00+09:00", "t");
    }
    tx.Commit();
  }
  for (const char* kind : {"case_events", "case_queue"}) {
    EXPECT_TRUE(s->Has(kind, "C1/0001")) << kind;
    EXPECT_FALSE(s->Has(kind, "C1/0002")) << kind;  // deleted
    EXPECT_FALSE(s->Has(kind, "C1/")) << kind;      // a prefix is no row
    EXPECT_FALSE(s->Has("people", "C1/0001")) << kind;
    EXPECT_EQ(s->Get(kind, "C1/0002"), std::nullopt) << kind;
    auto rows = s->ListPrefix(kind, "C1/");
    ASSERT_EQ(rows.size(), 1u) << kind;
    EXPECT_EQ(rows[0].id, "C1/0001");
    EXPECT_EQ(rows[0].data, R"({"n":1})");
    EXPECT_EQ(s->ListPrefix(kind, "C1").size(), 2u) << kind;  // C1/0001 and C10/0001
  }
}

TEST(Store, UncommittedTransactionLeavesNoTrace) {
  fs::path dir = Scratch();
  auto s = store::OpenSqlite((dir / "s.db").string(), true);
  int hooked = 0;
  s->OnChange([&](const store::Change&, const std::string&, const std::string&, const std::string&) { ++hooked; return -1LL; });
  try {
    store::Transaction tx(*s);
    s->Apply({"people", "1", std::nullopt, "{}"}, "a", store::NowJst(), "t");
    throw std::runtime_error("abort");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(hooked, 1);  // the evidence hook saw it inside the transaction
  EXPECT_EQ(s->Count("people"), 0);
  EXPECT_TRUE(s->History("people", "1").empty());
}

TEST(Store, RefusesMissingOrExistingFiles) {
  fs::path dir = Scratch();
  try {
    store::OpenSqlite((dir / "none.db").string(), false);
    FAIL();
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-STORE-001");
  }
  store::OpenSqlite((dir / "x.db").string(), true);
  try {
    store::OpenSqlite((dir / "x.db").string(), true);
    FAIL();
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-STORE-002");
  }
}

TEST(Registry, SampleTownLoadsAndReimportChangesNothing) {
  Town t;
  EXPECT_EQ(t.b.store->Count("units"), 21);
  EXPECT_EQ(t.b.store->Count("people"), 61);  // 60 staff and the 町長 (特別職, numbered after them)
  EXPECT_EQ(t.b.store->Count("assets"), 200);
  // Units come twice (before and after their head posts exist), so compare the
  // registers as a whole: re-importing the town leaves every one as it was.
  std::map<std::string, std::string> before;
  for (const Kind& k : t.reg.kinds()) before[k.id] = io::WriteCsv(t.reg.Export(k));
  int added = 0;
  for (const auto& s : SampleTown(t.b.pack, {60, 200})) added += t.reg.Import(t.K(s.kind), s.table, {}).added;
  EXPECT_EQ(added, 0);
  for (const Kind& k : t.reg.kinds()) EXPECT_EQ(io::WriteCsv(t.reg.Export(k)), before[k.id]) << k.id;
  // The last table of each register, imported again, is all unchanged.
  for (const auto& s : SampleTown(t.b.pack, {60, 200})) {
    if (s.kind == "units" && s.table.rows[1][4].empty()) continue;  // the first pass
    auto sum = t.reg.Import(t.K(s.kind), s.table, {});
    EXPECT_EQ(sum.added + sum.changed, 0) << s.kind;
    EXPECT_EQ(sum.unchanged, static_cast<int>(s.table.rows.size())) << s.kind;
  }
}

TEST(Registry, EveryRegisterRoundTripsThroughCsvAndXlsx) {
  Town t;
  for (const Kind& k : t.reg.kinds()) {
    Table exported = t.reg.Export(k);
    std::string csv = io::WriteCsv(exported);
    Table back = io::ReadCsv(csv);
    auto sum = t.reg.Import(k, back, {});
    EXPECT_TRUE(sum.errors.empty()) << k.id << ": " << (sum.errors.empty() ? "" : sum.errors[0].reason);
    EXPECT_EQ(sum.added + sum.changed, 0) << k.id;
    EXPECT_EQ(sum.unchanged, static_cast<int>(exported.rows.size())) << k.id;
    fs::path x = t.dir / (k.id + ".xlsx");
    io::WriteXlsx(x.string(), k.ja, exported);
    auto xsum = t.reg.Import(k, io::ReadTable(x.string()), {});
    EXPECT_TRUE(xsum.errors.empty()) << k.id;
    EXPECT_EQ(xsum.unchanged, static_cast<int>(exported.rows.size())) << k.id;
  }
}

TEST(Registry, Cp932FileWithThreeBrokenRowsChangesNothing) {
  Town t;
  std::string csv =
      "職員番号,氏名,所属,区分,開始日,終了日\r\n"
      "900001,試験 花子,U03,一般職,2026/4/1,\r\n"
      "900002,試験 太郎,U99,一般職,令和8年4月1日,\r\n"      // unknown unit
      "900003,試験 次郎,U03,一般職,R8.4.1,\r\n"
      "900004,,U03,一般職,2026-04-01,\r\n"                 // name missing
      "900005,試験 三郎,U03,一般職,2026年13月1日,\r\n";     // not a date
  fs::path f = t.dir / "people.csv";
  std::ofstream(f, std::ios::binary) << ToCp932(csv);
  long before = t.b.store->Count("people");
  auto sum = t.reg.Import(t.K("people"), io::ReadTable(f.string()), {});
  ASSERT_EQ(sum.errors.size(), 3u);
  EXPECT_EQ(sum.errors[0].row, 3);
  EXPECT_EQ(sum.errors[0].column, "所属");
  EXPECT_NE(sum.errors[0].reason.find("U99"), std::string::npos);
  EXPECT_EQ(sum.errors[1].row, 5);
  EXPECT_EQ(sum.errors[1].column, "氏名");
  EXPECT_EQ(sum.errors[2].row, 6);
  EXPECT_EQ(sum.errors[2].column, "開始日");
  EXPECT_EQ(t.b.store->Count("people"), before);
  EXPECT_FALSE(t.b.store->Get("people", "900001"));
}

TEST(Registry, ValuesTheNamesPackDoesNotDefineAreErrors) {
  Town t;
  Table a;
  a.header = {"資産番号", "名称", "所管組織", "機密性"};
  a.rows = {{"X1", "試験", "U01", "機密性4"}};
  auto sum = t.reg.Import(t.K("assets"), a, {});
  ASSERT_EQ(sum.errors.size(), 1u);
  EXPECT_EQ(sum.errors[0].column, "機密性");
  EXPECT_NE(sum.errors[0].reason.find("機密性3"), std::string::npos);  // names the allowed values
  Table s;
  s.header = {"システムコード", "名称", "ネットワーク区分"};
  s.rows = {{"S99", "試験", "宇宙系"}};
  EXPECT_EQ(t.reg.Import(t.K("systems"), s, {}).errors.size(), 1u);
  Table bad;
  bad.header = {"資産番号", "名前"};
  bad.rows = {{"X1", "x"}};
  auto unknown = t.reg.Import(t.K("assets"), bad, {});
  ASSERT_GE(unknown.errors.size(), 2u);  // 名前 is unknown; 名称 and 所管組織 are missing
  EXPECT_EQ(unknown.errors[0].row, 1);
}

TEST(Registry, MediumTakesTheHighestLevelOfItsContents) {
  Town t;
  // Two assets of different 機密性, on one USB stick (安田町 第24条第3項).
  Table a;
  a.header = {"資産番号", "名称", "所管組織", "機密性"};
  a.rows = {{"Z1", "公開資料", "U01", "機密性1"}, {"Z2", "課税資料", "U03", "機密性3"}};
  ASSERT_TRUE(t.reg.Import(t.K("assets"), a, {}).errors.empty());
  Table d;
  d.header = {"管理番号", "種別", "保存する情報資産", "機密性（保存内容の最高）"};
  d.rows = {{"DZ", "USBメモリ", "Z1、Z2", "機密性1"}};  // a wrong derived value is ignored
  ASSERT_TRUE(t.reg.Import(t.K("devices"), d, {}).errors.empty());
  Table out = t.reg.Export(t.K("devices"));
  std::size_t col = std::find(out.header.begin(), out.header.end(), "機密性（保存内容の最高）") - out.header.begin();
  ASSERT_LT(col, out.header.size());
  bool found = false;
  for (const auto& row : out.rows)
    if (row[0] == "DZ") {
      found = true;
      EXPECT_EQ(row[col], "機密性3");
    }
  EXPECT_TRUE(found);
}

TEST(Registry, DryRunAndReplace) {
  Town t;
  Table p = t.reg.Export(t.K("contractors"));
  ASSERT_EQ(p.rows.size(), 2u);
  p.rows.pop_back();
  ImportOptions dry;
  dry.dry_run = true;
  dry.replace = true;
  auto d = t.reg.Import(t.K("contractors"), p, dry);
  EXPECT_EQ(d.removed, 1);
  EXPECT_EQ(d.removed_ids, std::vector<std::string>{"C02"});
  EXPECT_EQ(t.b.store->Count("contractors"), 2);
  ImportOptions rep;
  rep.replace = true;
  auto r = t.reg.Import(t.K("contractors"), p, rep);
  EXPECT_EQ(r.removed, 1);
  EXPECT_EQ(t.b.store->Count("contractors"), 1);
}

TEST(Registry, WhoAnswersAcrossAPersonnelChange) {
  Town t;
  auto before = t.reg.Who("情報セキュリティ責任者", "税務課", "", "2026-03-31");
  auto after = t.reg.Who("情報セキュリティ責任者", "税務課", "", "2026-04-01");
  ASSERT_EQ(before.holders.size(), 1u);
  ASSERT_EQ(after.holders.size(), 1u);
  EXPECT_NE(before.holders[0].person_id, after.holders[0].person_id);
  EXPECT_EQ(before.holders[0].post_name, "税務課長");
  // CISO = 副町長 (第11条), with an acting holder for one week in May.
  auto ciso = t.reg.Who("CISO", "", "", "2026-05-08");
  ASSERT_EQ(ciso.holders.size(), 2u);
  EXPECT_TRUE(ciso.holders[0].acting || ciso.holders[1].acting);
  // 統括 = 総務課長 (第12条).
  auto general = t.reg.Who("統括情報セキュリティ責任者", "", "", "2026-04-01");
  ASSERT_EQ(general.holders.size(), 1u);
  EXPECT_EQ(general.holders[0].post_name, "総務課長");
  // A unit that does not exist, and a role the pack does not have.
  // An unknown unit is an error, not an empty answer (#13: a script would read it as 空席).
  try {
    t.reg.Who("情報セキュリティ責任者", "宇宙課", "", "2026-04-01");
    ADD_FAILURE() << "an unknown unit must be refused";
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-REG-016");
  }
  EXPECT_THROW(t.reg.Who("最高情報責任者", "", "", "2026-04-01"), store::Error);
}

// 指名 (安田町 第11条第3項・第18条第2項: the CISO sets up the CSIRT and
// appoints its staff). The sample's CISO post (副町長) is held by 000001, with
// 000002 acting 2026-05-07..13; 000050 holds no post.
TEST(Designations, WhoNamesTheDesignatedOnTheDayAndOnlyTheDesignatingRoleMayRecord) {
  Town t;
  Table d;
  d.header = {"指名ID", "役割", "職員", "指名者", "開始日", "終了日", "根拠条文"};
  d.rows = {{"D001", "CSIRT", "000030", "000001", "2026-04-01", "2027-03-31", "第18条第2項"},
            {"D002", "csirt", "000031", "000001", "令和8年4月1日", "", "第18条第2項"},
            {"D003", "CSIRT責任者", "000031", "000002", "2026-05-08", "", "第18条第2項"}};  // the acting CISO
  auto sum = t.reg.Import(t.K("designations"), d, {});
  ASSERT_TRUE(sum.errors.empty()) << sum.errors[0].reason;
  auto who = t.reg.Who("CSIRT", "", "", "2026-04-02");
  ASSERT_EQ(who.holders.size(), 2u);
  EXPECT_EQ(who.holders[0].person_id, "000030");
  EXPECT_EQ(who.holders[1].person_id, "000031");
  EXPECT_EQ(t.reg.Who("CSIRT", "", "", "2026-03-31").holders.size(), 0u);  // before the designation
  EXPECT_EQ(t.reg.Who("CSIRT", "", "", "2027-04-01").holders.size(), 1u);  // D001 has ended
  EXPECT_EQ(t.reg.Who("CSIRT責任者", "", "", "2026-06-01").holders.at(0).person_id, "000031");

  // Refused: made by someone who is not the CISO that day; the acting CISO
  // outside the acting week; a role the text does not fill by designation.
  Table bad = d;
  bad.rows = {{"D010", "CSIRT", "000040", "000050", "2026-04-01", "", ""},
              {"D011", "CSIRT", "000040", "000002", "2026-06-01", "", ""},
              {"D012", "情報セキュリティ責任者", "000040", "000001", "2026-04-01", "", ""}};
  bad.row_lines = {2, 3, 4};
  auto refused = t.reg.Import(t.K("designations"), bad, {});
  ASSERT_EQ(refused.errors.size(), 3u);
  EXPECT_EQ(refused.errors[0].row, 2);
  EXPECT_NE(refused.errors[0].reason.find("最高情報セキュリティ責任者ではありません"), std::string::npos);
  EXPECT_EQ(refused.errors[1].row, 3);
  EXPECT_EQ(refused.errors[2].column, "役割");
  EXPECT_EQ(t.reg.Who("CSIRT", "", "", "2026-06-02").holders.size(), 2u);  // nothing of the bad file landed
}

// 北海道 第2条第7号: the 外部記録媒体点検責任者 is a post of each unit — the
// 次長 of each 部等. A 課 has none; the 次長 of the 部 it belongs to answers.
TEST(UnitPosts, TheTitleOfTheNearestEnclosingUnitAnswers) {
  fs::path dir = Scratch();
  Bound b = Init((dir / "t.db").string(), std::string(MAMORI_PACKS_DIR) + "/hokkaido", "test");
  Registry reg(*b.store, b.pack);
  auto import = [&](const char* kind, std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
    Table t;
    t.header = std::move(header);
    t.rows = std::move(rows);
    auto sum = reg.Import(*FindKind(reg.kinds(), kind), t, {});
    ASSERT_TRUE(sum.errors.empty()) << kind << ": " << sum.errors[0].reason;
  };
  import("units", {"組織コード", "名称", "上位組織"}, {{"B01", "総務部", ""}, {"B02", "環境生活部", ""}, {"K01", "人事課", "B01"}, {"K02", "環境政策課", "B02"}});
  import("posts", {"職コード", "職名", "組織"}, {{"P1", "総務部次長", "B01"}, {"P2", "人事課長", "K01"}});
  import("people", {"職員番号", "氏名", "所属"}, {{"000001", "次長 一郎", "B01"}, {"000002", "課長 二郎", "K01"}});
  import("post_holders", {"在任ID", "職", "職員", "開始日"}, {{"H1", "P1", "000001", "2026-04-01"}, {"H2", "P2", "000002", "2026-04-01"}});
  auto who = reg.Who("外部記録媒体点検責任者", "人事課", "", "2026-05-01");
  ASSERT_EQ(who.holders.size(), 1u) << who.note;
  EXPECT_EQ(who.holders[0].person_id, "000001");
  EXPECT_EQ(reg.Who("外部記録媒体点検責任者", "総務部", "", "2026-05-01").holders.at(0).person_id, "000001");
  // 環境生活部 has no 次長 in the register: nobody, with a reason, never the 総務部's.
  auto none = reg.Who("外部記録媒体点検責任者", "環境政策課", "", "2026-05-01");
  EXPECT_TRUE(none.holders.empty());
  EXPECT_NE(none.note.find("次長"), std::string::npos);
  EXPECT_TRUE(reg.Who("外部記録媒体点検責任者", "人事課", "", "2026-03-31").holders.empty());  // before the holding
}

TEST(Registry, RegistersReadAsRecordedByAPastDate) {
  Town t;  // loaded on 2026-03-01
  Table p = t.reg.Export(t.K("people"));
  p.rows[0][1] = "改名 後子";
  ImportOptions later;
  later.at = "2026-05-01T09:00:00+09:00";
  ASSERT_EQ(t.reg.Import(t.K("people"), p, later).changed, 1);
  Table then = t.reg.Export(t.K("people"), AsOf{std::nullopt, "2026-04-01"});
  Table now = t.reg.Export(t.K("people"));
  EXPECT_NE(then.rows[0][1], "改名 後子");
  EXPECT_EQ(now.rows[0][1], "改名 後子");
  EXPECT_TRUE(t.reg.Export(t.K("people"), AsOf{std::nullopt, "2026-02-01"}).rows.empty());
}

TEST(Registry, PackChangeNeedsAnExplicitApply) {
  fs::path dir = Scratch();
  fs::copy(kYasuda, dir / "pack", fs::copy_options::recursive);
  std::string db = (dir / "t.db").string();
  Init(db, (dir / "pack").string(), "test");
  // A comment is not a new version of the rules: reading commands go on.
  std::ofstream(dir / "pack" / "gaps.toml", std::ios::app) << "\n# 追記\n";
  EXPECT_NO_THROW(Open(db));
  // A changed value is.
  {
    std::ifstream in(dir / "pack" / "gaps.toml", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_NE(text.find("note = \""), std::string::npos);
    text.replace(text.find("note = \""), 8, "note = \"（改）");
    std::ofstream(dir / "pack" / "gaps.toml", std::ios::binary) << text;
  }
  try {
    Open(db);
    FAIL();
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-REG-003");
  }
  EXPECT_FALSE(ApplyPack(db, (dir / "pack").string(), "test").empty());
  Bound b = Open(db);
  EXPECT_EQ(b.store->Count("pack_versions"), 2);
}

// Another organisation's pack decides by another text: refused unless forced
// with a reason, and the reason is recorded with the switch.
TEST(Registry, AnotherOrganisationsPackNeedsAForcedRecordedApply) {
  fs::path dir = Scratch();
  std::string db = (dir / "t.db").string();
  Init(db, kYasuda, "test");
  const std::string hokkaido = std::string(MAMORI_PACKS_DIR) + "/hokkaido";
  try {
    ApplyPack(db, hokkaido, "test");
    FAIL();
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-REG-006");
  }
  EXPECT_EQ(Open(db).pack.id, "yasuda");  // nothing switched
  EXPECT_FALSE(ApplyPack(db, hokkaido, "test", "広域連携の試験").empty());
  Bound b = Open(db);
  EXPECT_EQ(b.pack.id, "hokkaido");
  auto versions = b.store->List("pack_versions");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_NE(versions.back().data.find("広域連携の試験"), std::string::npos);
}

// The acceptance test for all-or-nothing: SIGKILL in the middle of a large
// import leaves the store exactly as before, and intact.
TEST(Registry, KilledImportLeavesTheStoreAsBefore) {
  Town t({60, 10});
  std::string db = (t.dir / "t.db").string();
  std::string before = io::WriteCsv(t.reg.Export(t.K("assets")));
  auto big = SampleTown(t.b.pack, {60, 20000});
  Table assets;
  for (auto& s : big)
    if (s.kind == "assets") assets = s.table;
  fs::path csv = t.dir / "assets.csv";
  std::ofstream(csv, std::ios::binary) << io::WriteCsv(assets);
  fs::path marker = t.dir / "stalled";
  t.b.store.reset();  // close, as another process will write

  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("MAMORI_TEST_STALL_AFTER", "10000", 1);
    setenv("MAMORI_TEST_STALL_FILE", marker.c_str(), 1);
    execl(MAMORI_BINARY, MAMORI_BINARY, "import", "assets", csv.c_str(), "--db", db.c_str(), nullptr);
    _exit(127);
  }
  // Wait until the child is inside its transaction with 10,000 rows written.
  for (int i = 0; i < 600 && !fs::exists(marker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(fs::exists(marker)) << "the import never reached the stall point";
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));

  Bound after = Open(db);
  Registry reg(*after.store, after.pack);
  EXPECT_EQ(io::WriteCsv(reg.Export(*FindKind(reg.kinds(), "assets"))), before);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ok");
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

// Limits on what an import takes: an id of a million characters used to be
// stored (and then refused by the xlsx export of its register).
TEST(Registry, OverlongIdsAndCellsAreRefusedWithTheirRowAndNothingIsImported) {
  Town t;
  const long long before = t.b.store->LogSize();
  Table people;
  people.header = {"職員番号", "氏名", "所属"};
  people.rows = {{std::string(65, '1'), "長い 番号", "U01"},
                 {"777777", std::string(32768, 'x'), "U01"},
                 {"777778", "ちょうど", "U01"}};
  people.row_lines = {2, 3, 4};
  auto sum = t.reg.Import(t.K("people"), people, {});
  ASSERT_EQ(sum.errors.size(), 2u);
  EXPECT_EQ(sum.errors[0].row, 2);
  EXPECT_NE(sum.errors[0].reason.find("上限 64 文字"), std::string::npos) << sum.errors[0].reason;
  EXPECT_EQ(sum.errors[1].row, 3);
  EXPECT_NE(sum.errors[1].reason.find("上限 32767 文字"), std::string::npos) << sum.errors[1].reason;
  EXPECT_EQ(sum.added, 0);
  EXPECT_EQ(t.b.store->LogSize(), before);
  // At the limits, counted in characters (Japanese ones too), it is taken.
  people.rows = {{std::string(64, '1'), std::string(10922, 'x') + "職" , "U01"}};
  people.row_lines = {2};
  auto ok = t.reg.Import(t.K("people"), people, {});
  EXPECT_TRUE(ok.errors.empty()) << (ok.errors.empty() ? "" : ok.errors[0].reason);
}

}  // namespace
}  // namespace mamori::registry

