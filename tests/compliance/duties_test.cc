// The 年度's duties as 安田町's text sets them, on the sample town. Expected
// people come from the sample's registers (副町長 000001 = CISO, 第11条第1項,
// with 000002 acting 2026-05-07..13; 総務課長 000002 = 統括情報セキュリティ
// 責任者; 000021 情報政策室の長 administers グループウェア and インターネット
// メール); expected duties and articles from the text (第51条第2項, 第131条,
// 第139条, 第142条).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "compliance/compliance.h"
#include "registry/io/table_io.h"
#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using mamori::test_util::CliResult;
using Json = nlohmann::json;
using mamori::compliance::FiscalYearOf;
using mamori::compliance::ParseFiscalYear;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Town {
  fs::path dir;
  std::string db;
  explicit Town(const std::string& pack = std::string(MAMORI_PACKS_DIR) + "/yasuda")
      : dir(mamori::test_util::ScratchDir("mamori_duties")), db((dir / "t.db").string()) {
    auto init = Run({"init", "--pack", pack, "--db", db});
    EXPECT_EQ(init.status, 0) << init.err;
    EXPECT_EQ(Run({"sample"}).status, 0);
  }
  CliResult Run(std::vector<std::string> args) {
    if (!args.empty() && args[0] != "init") args.insert(args.end(), {"--db", db});
    return mamori::test_util::RunMamori(args, dir);
  }
  Json Duties(const std::string& fy, const std::string& as_of = "") {
    std::vector<std::string> args = {"duties", "--fy", fy, "--format", "json"};
    if (!as_of.empty()) args.insert(args.end(), {"--as-of", as_of});
    auto r = Run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? Json::parse(r.out) : Json::object();
  }
  static Json Duty(const Json& list, const std::string& id) {
    for (const auto& d : list["duties"])
      if (d["id"] == id) return d;
    ADD_FAILURE() << "no duty " << id;
    return Json::object();
  }
  long long LogSize() {
    auto r = Run({"ledger", "head", "--json"});
    return r.status == 0 ? Json::parse(r.out).value("size", -1LL) : -1;
  }
};

// --- 年度 as staff write them.

TEST(FiscalYear, ReadsTheFormsStaffWriteAndNamesItInWareki) {
  for (const char* text : {"2026", "2026年度", "令和8年度", "令和8", "R8", "r8年度", "２０２６年度", "Ｒ８", " 令和8年度 "}) {
    auto fy = ParseFiscalYear(text);
    EXPECT_EQ(fy.year, 2026) << text;
    EXPECT_EQ(fy.start, "2026-04-01") << text;
    EXPECT_EQ(fy.end, "2027-03-31") << text;
  }
  EXPECT_EQ(ParseFiscalYear("令和8年度").Wareki(), "令和8年度");
  EXPECT_EQ(ParseFiscalYear("令和元年度").year, 2019);
  EXPECT_EQ(ParseFiscalYear("令和元年度").Wareki(), "令和元年度");
  EXPECT_EQ(ParseFiscalYear("平成31年度").year, 2019);  // the 年度 that began under 平成
  EXPECT_EQ(ParseFiscalYear("H30").year, 2018);
  EXPECT_EQ(ParseFiscalYear("2018").Wareki(), "平成30年度");
}

TEST(FiscalYear, RefusesWhatIsNotA年度) {
  for (const char* text : {"", "26", "平成32年度", "令和0年度", "令和八年度", "2026-04", "R", "年度", "2026年度末", "99999"}) {
    try {
      ParseFiscalYear(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const mamori::store::Error& e) {
      EXPECT_EQ(e.code(), "E-COMP-001") << text;
      EXPECT_TRUE(Has(e.what(), "令和8年度")) << e.what();  // the message shows a form that works
    }
  }
}

TEST(FiscalYear, ADayBelongsToThe年度ThatBeganOnTheLastFirstOfApril) {
  EXPECT_EQ(FiscalYearOf("2026-04-01").year, 2026);
  EXPECT_EQ(FiscalYearOf("2027-03-31").year, 2026);
  EXPECT_EQ(FiscalYearOf("2026-03-31").year, 2025);
}

// --- The acceptance: the year's duties with their holders.

TEST(Duties, TheYearsDutiesNameTheirArticlesAndTodaysHolders) {
  Town t;
  const Json list = t.Duties("令和8年度", "2026-06-01");
  EXPECT_EQ(list["fy"], 2026);
  EXPECT_EQ(list["fy_name"], "令和8年度");
  // 第131条: the CISO has the audit done, every 年度, due at its end.
  const Json audit = Town::Duty(list, "audit");
  EXPECT_EQ(audit["cite"], Json::array({"第131条"}));
  EXPECT_EQ(audit["cycle_name"], "毎年度");
  EXPECT_EQ(audit["due"], "2027-03-31");
  EXPECT_EQ(audit["status"], "open");
  ASSERT_EQ(audit["scopes"].size(), 1u);
  ASSERT_EQ(audit["scopes"][0]["holders"].size(), 1u);
  EXPECT_EQ(audit["scopes"][0]["holders"][0]["person"], "000001");
  // 第51条第2項: training every 年度; 第142条: the committee's evaluation.
  EXPECT_EQ(Town::Duty(list, "training-yearly")["cite"], Json::array({"第51条第2項"}));
  const Json evaluation = Town::Duty(list, "policy-evaluation");
  EXPECT_EQ(evaluation["role"], "committee");
  EXPECT_GE(evaluation["scopes"][0]["holders"].size(), 11u);  // the committee's members
  // 第139条第2項: every 情報セキュリティ責任者 inspects their own 課 — one scope per unit.
  const Json unit = Town::Duty(list, "self-inspection-unit");
  EXPECT_EQ(unit["scope_kind"], "unit");
  bool tax = false;
  for (const auto& s : unit["scopes"])
    if (s["name"] == "税務課") tax = s["holders"].size() == 1 && s["holders"][0]["person"] == "000022";
  EXPECT_TRUE(tax) << unit.dump();
  // On a day of 2025年度 the 税務課長 was 000004 (the 異動 of 2026-04-01).
  const Json before = Town::Duty(t.Duties("2025", "2026-03-31"), "self-inspection-unit");
  for (const auto& s : before["scopes"])
    if (s["name"] == "税務課") EXPECT_EQ(s["holders"][0]["person"], "000004");
}

TEST(Duties, A定期的にDutyShowsItsUnsetIntervalAndWhoSetsItNeverADueDate) {
  Town t;
  const Json list = t.Duties("2026", "2026-12-01");
  int periodic = 0;
  for (const auto& d : list["duties"]) {
    if (d["cycle"] != "periodic") continue;
    ++periodic;
    ASSERT_TRUE(d.contains("interval")) << d["id"];
    EXPECT_TRUE(d["interval"]["value"].is_null()) << d["id"];  // the text gives none
    EXPECT_FALSE(d["interval"]["owner_name"].get<std::string>().empty()) << d["id"];
    EXPECT_TRUE(d["due"].is_null()) << d["id"];
    EXPECT_NE(d["status"], "overdue") << d["id"];
  }
  EXPECT_GE(periodic, 10);
  auto text = t.Run({"duties", "--fy", "2026", "--cycle", "periodic", "--as-of", "2026-12-01"});
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_TRUE(Has(text.out, "間隔: 未設定（")) << text.out;
  EXPECT_TRUE(Has(text.out, "定める者: ")) << text.out;
  EXPECT_FALSE(Has(text.out, "状態: 期限超過")) << text.out;
}

TEST(Duties, APast年度WithNothingRecordedIsOverdue) {
  Town t;
  const Json list = t.Duties("令和7年度");  // ended 2026-03-31; today is later
  EXPECT_EQ(Town::Duty(list, "audit")["status"], "overdue");
  EXPECT_EQ(Town::Duty(list, "audit")["due"], "2026-03-31");
  EXPECT_EQ(list["as_of"], "2026-03-31");  // holders as the 年度 ended
  auto text = t.Run({"duties", "--fy", "令和7年度", "--cycle", "fiscal_year"});
  EXPECT_TRUE(Has(text.out, "状態: 期限超過")) << text.out;
}

// --- Completions: only a holder, with evidence, as a ledger entry.

TEST(DutyDone, OnlyAHolderOfTheRoleRecordsItAndTheRecordIsEvidence) {
  Town t;
  std::ofstream(t.dir / "研修報告.txt", std::ios::binary) << "hello\n";
  const long long before = t.LogSize();
  // 000002 is not the CISO on 2026-06-30: refused, naming who is; nothing written.
  auto refused = t.Run({"duty", "done", "training-yearly", "--as", "000002", "--date", "2026-06-30", "--evidence", "note:研修"});
  EXPECT_EQ(refused.status, 2);
  EXPECT_TRUE(Has(refused.err, "E-COMP-003")) << refused.err;
  EXPECT_TRUE(Has(refused.err, "000001")) << refused.err;
  EXPECT_EQ(t.LogSize(), before);
  auto done = t.Run({"duty", "done", "training-yearly", "--as", "000001", "--date", "令和8年6月30日", "--evidence",
                     "file:" + (t.dir / "研修報告.txt").string(), "--evidence", "note:全職員向け研修", "--format", "json"});
  ASSERT_EQ(done.status, 0) << done.err;
  const Json row = Json::parse(done.out);
  EXPECT_EQ(row["id"], "2026/training-yearly/0001");
  EXPECT_EQ(row["on"], "2026-06-30");
  EXPECT_EQ(row["by"], "000001");
  EXPECT_EQ(row["acting"], false);
  ASSERT_EQ(row["evidence"].size(), 2u);
  EXPECT_EQ(row["evidence"][0]["type"], "file");
  EXPECT_EQ(row["evidence"][0]["name"], "研修報告.txt");
  EXPECT_EQ(row["evidence"][0]["value"], "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");  // sha256("hello\n")
  EXPECT_EQ(row["evidence"][0]["size"], 6);
  EXPECT_EQ(t.LogSize(), before + 1);
  // The list shows it done, with the record; the ledger holds it.
  const Json yearly = Town::Duty(t.Duties("2026", "2026-07-01"), "training-yearly");
  EXPECT_EQ(yearly["status"], "done");
  EXPECT_EQ(yearly["scopes"][0]["done"][0]["id"], "2026/training-yearly/0001");
  auto verify = t.Run({"ledger", "verify"});
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  // A second record of the same duty is numbered after it.
  auto again = t.Run({"duty", "done", "training-yearly", "--as", "000001", "--date", "2026-09-01", "--evidence", "note:追加研修", "--format", "json"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(Json::parse(again.out)["id"], "2026/training-yearly/0002");
}

// Two people recording the same duty at the same moment: the second waits
// for the first's write lock, and they get 0001 and 0002, both in the ledger.
TEST(DutyDone, TwoRecordingAtOnceEachGetTheirOwnNumber) {
  Town t;
  const long long before = t.LogSize();
  std::vector<pid_t> pids;
  for (int i = 0; i < 2; ++i)
    pids.push_back(mamori::test_util::StartMamori({"duty", "done", "audit", "--as", "000001", "--date", "2026-07-01", "--evidence",
                                                   "note:同時 " + std::to_string(i), "--format", "json", "--db", t.db},
                                                  t.dir / ("out" + std::to_string(i)), t.dir / ("err" + std::to_string(i))));
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    auto r = mamori::test_util::WaitMamori(pids[static_cast<std::size_t>(i)], t.dir / ("out" + std::to_string(i)), t.dir / ("err" + std::to_string(i)));
    ASSERT_EQ(r.status, 0) << r.err;
    ids.push_back(Json::parse(r.out)["id"]);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"2026/audit/0001", "2026/audit/0002"}));
  EXPECT_EQ(t.LogSize(), before + 2);
}

TEST(DutyDone, AnActingHolderRecordsAsSuch) {
  Town t;
  auto r = t.Run({"duty", "done", "audit", "--as", "000002", "--date", "2026-05-08", "--evidence", "note:監査計画の決定", "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["acting"], true);
  // The day after the acting period, 000002 is not the CISO.
  auto after = t.Run({"duty", "done", "audit", "--as", "000002", "--date", "2026-05-14", "--evidence", "note:x"});
  EXPECT_EQ(after.status, 2);
  EXPECT_TRUE(Has(after.err, "E-COMP-003")) << after.err;
}

TEST(DutyDone, APersonHoldingTheRoleForSeveralSystemsSaysWhichAndEachCountsApart) {
  Town t;
  auto ambiguous = t.Run({"duty", "done", "self-inspection-systems-sa", "--as", "000021", "--evidence", "note:点検", "--date", "2026-10-01"});
  EXPECT_EQ(ambiguous.status, 2);
  EXPECT_TRUE(Has(ambiguous.err, "E-COMP-006")) << ambiguous.err;
  EXPECT_TRUE(Has(ambiguous.err, "グループウェア")) << ambiguous.err;
  EXPECT_TRUE(Has(ambiguous.err, "インターネットメール")) << ambiguous.err;
  auto wrong = t.Run({"duty", "done", "self-inspection-systems-sa", "--as", "000021", "--scope", "税務システム", "--evidence", "note:点検", "--date", "2026-10-01"});
  EXPECT_TRUE(Has(wrong.err, "E-COMP-006")) << wrong.err;
  auto one = t.Run({"duty", "done", "self-inspection-systems-sa", "--as", "000021", "--scope", "グループウェア", "--evidence", "note:点検", "--date", "2026-10-01"});
  ASSERT_EQ(one.status, 0) << one.err;
  const Json d = Town::Duty(t.Duties("2026", "2026-10-02"), "self-inspection-systems-sa");
  EXPECT_EQ(d["status"], "open");  // the other systems have not
  int done = 0;
  for (const auto& s : d["scopes"]) done += !s["done"].empty();
  EXPECT_EQ(done, 1);
}

TEST(DutyDone, BadInputIsRefusedWithItsCodeAndChangesNothing) {
  Town t;
  std::ofstream(t.dir / "report.pdf", std::ios::binary) << "%PDF";
  const long long before = t.LogSize();
  struct Case {
    std::vector<std::string> args;
    std::string code, says;
  };
  const std::vector<Case> cases = {
      {{"duty", "done", "traning-yearly", "--as", "000001", "--evidence", "note:x"}, "E-COMP-002", "training-yearly"},
      {{"duty", "done", "audit", "--as", "000001"}, "E-COMP-004", "--evidence"},
      {{"duty", "done", "audit", "--as", "000001", "--evidence", (t.dir / "report.pdf").string()}, "E-COMP-004", "file:"},
      {{"duty", "done", "audit", "--as", "000001", "--evidence", "file:" + (t.dir / "none.pdf").string()}, "E-COMP-004", "none.pdf"},
      {{"duty", "done", "audit", "--as", "000001", "--evidence", "sha256:abc"}, "E-COMP-004", "SHA-256"},
      {{"duty", "done", "audit", "--as", "000001", "--evidence", "case:C2026-999999"}, "E-COMP-004", "C2026-999999"},
      {{"duty", "done", "audit", "--as", "000001", "--evidence", "note:"}, "E-COMP-004", "note:"},
      {{"duty", "done", "audit", "--as", "000001", "--evidence", "note:x", "--date", "2099-04-01"}, "E-COMP-005", "まだ来ていません"},
      {{"duty", "done", "audit", "--as", "000001", "--evidence", "note:x", "--date", "2026-02-30"}, "E-COMP-005", "2026-02-30"},
      {{"duty", "done", "audit", "--as", "999999", "--evidence", "note:x"}, "E-COMP-003", "999999"},
      {{"duties", "--fy", "26"}, "E-COMP-001", "令和8年度"},
      {{"duties", "--fy", "2026", "--format", "xlsx"}, "E-COMP-007", "--out"},
  };
  for (const auto& c : cases) {
    auto r = t.Run(c.args);
    EXPECT_EQ(r.status, 2) << c.args[2];
    EXPECT_TRUE(Has(r.err, c.code)) << c.code << ": " << r.err;
    EXPECT_TRUE(Has(r.err, c.says)) << c.says << ": " << r.err;
  }
  EXPECT_EQ(t.LogSize(), before);
}

TEST(Duties, TheListGoesToExcelAndReadsBack) {
  Town t;
  ASSERT_EQ(t.Run({"duty", "done", "audit", "--as", "000001", "--date", "2026-07-01", "--evidence", "note:監査"}).status, 0);
  auto w = t.Run({"duties", "--fy", "2026", "--format", "xlsx", "--out", (t.dir / "務め.xlsx").string(), "--as-of", "2026-08-01"});
  ASSERT_EQ(w.status, 0) << w.err;
  // The workbook reads back through the importer's reader: one row per duty and scope.
  const auto table = mamori::registry::io::ReadXlsx((t.dir / "務め.xlsx").string());
  ASSERT_GE(table.header.size(), 11u);
  EXPECT_EQ(table.header[0], "務め");
  EXPECT_EQ(table.header[7], "状態");
  bool audit = false, unit_rows = false;
  int units = 0;
  for (const auto& row : table.rows) {
    if (row[0] == "audit") audit = row[7] == "実施済み" && row[8] == "2026-07-01" && row[10] == "第131条";
    if (row[0] == "self-inspection-unit") ++units, unit_rows |= row[4] == "税務課" && row[7] == "未実施";
  }
  EXPECT_TRUE(audit);
  EXPECT_TRUE(unit_rows);
  EXPECT_EQ(units, 21);  // every unit of the sample town, one row each
  auto again = t.Run({"duties", "--fy", "2026", "--format", "xlsx", "--out", (t.dir / "務め.xlsx").string()});
  EXPECT_EQ(again.status, 2);  // an existing file is not overwritten without --force
  EXPECT_TRUE(Has(again.err, "--force")) << again.err;
}

// --- An interval its owner set: the duty falls due and can be late.

TEST(Duties, AnIntervalItsOwnerSetGivesADueDateFromTheLastRecord) {
  // A copy of the pack with one interval set, as its owner would in the 実施手順.
  const fs::path src = fs::path(MAMORI_PACKS_DIR) / "yasuda";
  const fs::path pack = mamori::test_util::ScratchDir("mamori_duties_pack") / "yasuda";
  fs::create_directories(pack);
  for (const auto& e : fs::directory_iterator(src)) fs::copy_file(e.path(), pack / e.path().filename());
  const std::string duties = Slurp(pack / "duties.toml");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(duties, m, std::regex("id = \"training\"\\n[^\\[]*?interval = \"([a-z0-9_]+)\""))) << "training has no interval";
  const std::string param = m[1];
  std::string params = Slurp(pack / "parameters.toml");
  const std::string key = "id = \"" + param + "\"\n";
  const auto at = params.find(key);
  ASSERT_NE(at, std::string::npos) << param;
  params.insert(at + key.size(), "value = \"6か月\"\n");
  std::ofstream(pack / "parameters.toml", std::ios::binary) << params;

  Town t(pack.string());
  // Nothing recorded: due six months after the 年度 began, and late after that.
  Json d = Town::Duty(t.Duties("2026", "2026-09-30"), "training");
  EXPECT_EQ(d["due"], "2026-10-01");
  EXPECT_EQ(d["status"], "open");
  EXPECT_EQ(Town::Duty(t.Duties("2026", "2026-10-02"), "training")["status"], "overdue");
  // Done on 2026-08-01: due again six months later.
  ASSERT_EQ(t.Run({"duty", "done", "training", "--as", "000001", "--date", "2026-08-01", "--evidence", "note:研修"}).status, 0);
  d = Town::Duty(t.Duties("2026", "2026-10-02"), "training");
  EXPECT_EQ(d["due"], "2027-02-01");
  EXPECT_EQ(d["status"], "done");
  EXPECT_EQ(d["interval"]["value"], "6か月");
}

}  // namespace
