// 研修 as 安田町's text sets it: every 職員等 at least once a 年度 (第51条第2項),
// new staff their own course (第3項), the CISO's report to the committee
// (第5項). Each test builds its own small town and derives what it expects
// from the rows it imported (kPeople, kAttendance below), not from the code:
// who is in force during the 年度 by 開始日〜終了日, who is staff by the
// pack's categories (外部委託事業者 is not, 安田町 roles.toml), and who has an
// attendance dated in the 年度.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
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
namespace io = mamori::registry::io;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Unit {
  std::string id, name;
};
const std::vector<Unit> kUnits = {{"U01", "総務課"}, {"U02", "税務課"}, {"U03", "住民課"}};

struct Person {
  std::string id, name, unit, category, start, end;
};
// The comments say what each row is there to show in 令和8年度.
const std::vector<Person> kPeople = {
    {"100001", "総務 一郎", "U01", "一般職", "2010-04-01", ""},              // attended
    {"100002", "総務 二郎", "U01", "一般職", "2010-04-01", ""},              // attended in 令和7年度 only
    {"100003", "税務 三子", "U02", "会計年度任用職員", "2020-04-01", ""},    // never attended
    {"100004", "税務 四郎", "U02", "一般職", "2000-04-01", "2026-03-31"},    // left before the 年度
    {"100005", "税務 五月", "U02", "一般職", "2026-04-01", ""},              // new, took the 新規採用 course
    {"100006", "住民 六太", "U03", "一般職", "2026-10-01", ""},              // new, only the general course
    {"100007", "委託 七海", "U03", "外部委託事業者", "2020-04-01", ""},      // not 職員等: out of scope
    {"100008", "住民 八重", "U03", "一般職", "2000-04-01", "2026-04-30"},    // left during the 年度, no attendance
    {"100009", "総務 九", "U01", "一般職", "2027-04-01", ""},                // starts after the 年度
    {"100010", "住民 十和", "U03", "一般職", "2010-04-01", ""},              // attended in 令和9年度 only
};

struct Attendance {
  std::string id, course, date, person, category;
};
const std::vector<Attendance> kAttendance = {
    {"T01", "情報セキュリティ研修", "2025-06-16", "100002", ""},
    {"T02", "情報セキュリティ研修", "2025-06-16", "100004", ""},
    {"T03", "新規採用職員研修", "2026-04-02", "100005", "新規採用"},
    {"T04", "情報セキュリティ研修", "2026-06-15", "100001", ""},
    {"T05", "情報セキュリティ研修", "2026-06-15", "100007", ""},
    {"T06", "情報セキュリティ研修", "2026-11-10", "100006", ""},
    {"T07", "情報セキュリティ研修", "2027-04-15", "100010", ""},
};

const std::string kFyStart = "2026-04-01", kFyEnd = "2027-03-31";

// What the test expects, from its own rows: the pack's only non-staff
// 区分 among them is 外部委託事業者 (安田町 roles.toml, staff = false).
bool InScope(const Person& p) {
  const bool in_force = p.start <= kFyEnd && (p.end.empty() || p.end >= kFyStart);
  return in_force && p.category != "外部委託事業者";
}
bool AttendedInYear(const Person& p) {
  return std::any_of(kAttendance.begin(), kAttendance.end(),
                     [&](const Attendance& a) { return a.person == p.id && kFyStart <= a.date && a.date <= kFyEnd; });
}
std::set<std::string> ExpectedUnattended(const std::string& unit = "") {
  std::set<std::string> out;
  for (const auto& p : kPeople)
    if (InScope(p) && !AttendedInYear(p) && (unit.empty() || p.unit == unit)) out.insert(p.id);
  return out;
}

std::string Csv(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + r[i];
    out += "\n";
  }
  return out;
}

struct Town {
  fs::path dir;
  std::string db;
  explicit Town(const std::string& pack = "yasuda", bool attendance = true)
      : dir(mamori::test_util::ScratchDir("mamori_training")), db((dir / "t.db").string()) {
    auto init = Run({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/" + pack, "--db", db});
    EXPECT_EQ(init.status, 0) << init.err;
    std::vector<std::vector<std::string>> units = {{"組織コード", "名称"}}, people = {{"職員番号", "氏名", "所属", "区分", "開始日", "終了日"}};
    for (const auto& u : kUnits) units.push_back({u.id, u.name});
    for (const auto& p : kPeople) people.push_back({p.id, p.name, p.unit, p.category, p.start, p.end});
    Write("組織.csv", Csv(units));
    Write("職員.csv", Csv(people));
    auto r = Run({"import", (dir / "組織.csv").string(), (dir / "職員.csv").string()});
    EXPECT_EQ(r.status, 0) << r.err;
    if (attendance) {
      std::vector<std::vector<std::string>> rows = {{"受講ID", "研修名", "日付", "職員", "区分"}};
      for (const auto& a : kAttendance) rows.push_back({a.id, a.course, a.date, a.person, a.category});
      Write("研修受講.csv", Csv(rows));
      auto t = Run({"import", "研修受講", (dir / "研修受講.csv").string()});
      EXPECT_EQ(t.status, 0) << t.err;
    }
  }
  void Write(const std::string& name, const std::string& bytes) { std::ofstream(dir / name, std::ios::binary) << bytes; }
  CliResult Run(std::vector<std::string> args) {
    if (!args.empty() && args[0] != "init") args.insert(args.end(), {"--db", db});
    return mamori::test_util::RunMamori(args, dir);
  }
  Json JsonOf(std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json"});
    auto r = Run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? Json::parse(r.out) : Json::object();
  }
  long long Count(const std::string& kind) {
    auto r = Run({"export", kind});
    long long lines = std::count(r.out.begin(), r.out.end(), '\n');
    return lines - 1;  // the header
  }
};

std::set<std::string> Ids(const Json& people) {
  std::set<std::string> out;
  for (const auto& p : people) out.insert(p["id"].get<std::string>());
  return out;
}

Json UnitOf(const Json& units, const std::string& id) {
  for (const auto& u : units)
    if (u["id"] == id) return u;
  ADD_FAILURE() << "no unit " << id << " in " << units.dump();
  return Json::object();
}

// --- The register: imported like every register, all or nothing.

TEST(TrainingRegister, ImportsFromXlsxAndCsvAndRefusesBadRowsWithRowAndColumn) {
  Town t("yasuda", false);
  // Bad rows: nothing is imported, each error names its row and column.
  t.Write("bad.csv", Csv({{"受講ID", "研修名", "日付", "職員", "区分"},
                          {"B1", "情報セキュリティ研修", "2026-06-15", "100001", ""},
                          {"B2", "", "2026-06-15", "100002", ""},
                          {"B3", "情報セキュリティ研修", "2026-02-30", "100003", ""},
                          {"B4", "情報セキュリティ研修", "2026-06-15", "999999", ""}}));
  auto bad = t.Run({"import", "研修受講", (t.dir / "bad.csv").string()});
  EXPECT_EQ(bad.status, 2);
  EXPECT_TRUE(Has(bad.err, "3行目「研修名」")) << bad.err;
  EXPECT_TRUE(Has(bad.err, "4行目「日付」")) << bad.err;
  EXPECT_TRUE(Has(bad.err, "5行目「職員」")) << bad.err;
  EXPECT_TRUE(Has(bad.err, "999999")) << bad.err;
  EXPECT_TRUE(Has(bad.err, "E-REG-021")) << bad.err;
  EXPECT_EQ(t.Count("研修受講"), 0);

  // A workbook as a town keeps it, dates typed the way staff type them.
  io::Table book;
  book.header = {"受講ID", "研修名", "日付", "職員", "区分"};
  book.rows = {{"X1", "新規採用職員研修", "令和8年4月2日", "100005", "新規採用"}, {"X2", "情報セキュリティ研修", "2026/6/15", "100001", ""}};
  io::WriteXlsx((t.dir / "研修受講.xlsx").string(), "研修受講", book);
  auto x = t.Run({"import", "研修受講", (t.dir / "研修受講.xlsx").string()});
  ASSERT_EQ(x.status, 0) << x.err;
  EXPECT_EQ(t.Count("研修受講"), 2);
  auto shown = t.Run({"show", "研修受講", "X1"});
  EXPECT_TRUE(Has(shown.out, "2026-04-02")) << shown.out;
  // And back out: the export reads in again unchanged.
  ASSERT_EQ(t.Run({"export", "研修受講", "--out", (t.dir / "out.csv").string()}).status, 0);
  auto again = t.Run({"import", "研修受講", (t.dir / "out.csv").string()});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_TRUE(Has(again.out + again.err, "変更なし 2")) << again.out << again.err;
}

TEST(TrainingRegister, IsInTheTemplate) {
  Town t("yasuda", false);
  const std::string out = (t.dir / "台帳テンプレート.xlsx").string();
  ASSERT_EQ(t.Run({"template", "--out", out}).status, 0);
  bool found = false;
  for (const auto& s : io::ReadXlsxSheets(out))
    if (s.name == "研修受講") found = s.table.header == std::vector<std::string>{"受講ID", "研修名", "日付", "職員", "区分"};
  EXPECT_TRUE(found);
}

// --- Who has not attended in the 年度.

TEST(TrainingUnattended, NamesExactlyTheStaffInForceWithoutAttendanceInThe年度) {
  Town t;
  const Json j = t.JsonOf({"training", "unattended", "--fy", "令和8年度"});
  EXPECT_EQ(j["fy"], 2026);
  EXPECT_EQ(j["basis"]["cite"], Json::array({"第51条第2項"}));
  EXPECT_EQ(Ids(j["unattended"]), ExpectedUnattended());
  const auto listed = Ids(j["unattended"]);
  EXPECT_TRUE(listed.count("100002")) << "attended in the previous 年度 only: listed";
  EXPECT_TRUE(listed.count("100010")) << "attended in the next 年度 only: listed";
  EXPECT_TRUE(listed.count("100008")) << "in force for a month of the 年度: listed";
  EXPECT_FALSE(listed.count("100004")) << "left before the 年度: not listed";
  EXPECT_FALSE(listed.count("100009")) << "starts after the 年度: not listed";
  EXPECT_FALSE(listed.count("100007")) << "外部委託事業者 is not one of the 職員等";
  for (const auto& p : j["unattended"]) {
    EXPECT_EQ(p["staff_category"], "職員等") << p.dump();  // 安田町 第5条
    if (p["id"] == "100003") EXPECT_EQ(p["category"], "会計年度任用職員");
    if (p["id"] == "100003") EXPECT_EQ(p["unit_name"], "税務課");
  }
  // The text says the same people, each under their 課.
  auto text = t.Run({"training", "unattended", "--fy", "2026"});
  ASSERT_EQ(text.status, 0) << text.err;
  for (const auto& id : ExpectedUnattended()) EXPECT_TRUE(Has(text.out, id)) << id << "\n" << text.out;
  EXPECT_TRUE(Has(text.out, "税務課（U02） 100003 税務 三子（会計年度任用職員）")) << text.out;
  EXPECT_FALSE(Has(text.out, "100004")) << text.out;
  // The previous 年度: 100002 and 100004 attended then; 100005 was not yet there.
  const Json before = t.JsonOf({"training", "unattended", "--fy", "2025"});
  EXPECT_FALSE(Ids(before["unattended"]).count("100002"));
  EXPECT_FALSE(Ids(before["unattended"]).count("100005"));
  EXPECT_TRUE(Ids(before["unattended"]).count("100001"));
}

TEST(TrainingUnattended, CountsPerUnitAddUpFromTheRowsImported) {
  Town t;
  const Json j = t.JsonOf({"training", "unattended", "--fy", "2026"});
  int in_total = 0, attended_total = 0;
  for (const auto& u : kUnits) {
    int in = 0, attended = 0;
    for (const auto& p : kPeople)
      if (p.unit == u.id && InScope(p)) ++in, attended += AttendedInYear(p);
    const Json got = UnitOf(j["units"], u.id);
    EXPECT_EQ(got["name"], u.name);
    EXPECT_EQ(got["in_scope"], in) << u.id;
    EXPECT_EQ(got["attended"], attended) << u.id;
    EXPECT_EQ(got["not_attended"], in - attended) << u.id;
    in_total += in, attended_total += attended;
  }
  EXPECT_EQ(j["total"]["in_scope"], in_total);
  EXPECT_EQ(j["total"]["attended"], attended_total);
  EXPECT_EQ(j["total"]["not_attended"], in_total - attended_total);
  // Written out: U01 2 in scope (100009 starts later), U02 2 (100004 left), U03 3 (100007 is a contractor).
  EXPECT_EQ(UnitOf(j["units"], "U01")["in_scope"], 2);
  EXPECT_EQ(UnitOf(j["units"], "U02")["in_scope"], 2);
  EXPECT_EQ(UnitOf(j["units"], "U03")["in_scope"], 3);
}

TEST(TrainingUnattended, TheUnitFilterTakesACodeOrANameAndRefusesAnUnknownUnit) {
  Town t;
  const Json by_name = t.JsonOf({"training", "unattended", "--fy", "2026", "--unit", "住民課"});
  const Json by_code = t.JsonOf({"training", "unattended", "--fy", "2026", "--unit", "U03"});
  EXPECT_EQ(Ids(by_name["unattended"]), ExpectedUnattended("U03"));
  EXPECT_EQ(by_name, by_code);
  EXPECT_EQ(by_name["unit"], "U03");
  ASSERT_EQ(by_name["units"].size(), 1u);
  EXPECT_EQ(by_name["total"]["in_scope"], by_name["units"][0]["in_scope"]);
  auto text = t.Run({"training", "unattended", "--fy", "2026", "--unit", "税務課"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_TRUE(Has(text.out, "100003")) << text.out;
  EXPECT_FALSE(Has(text.out, "100002")) << text.out;  // 総務課
  auto unknown = t.Run({"training", "unattended", "--fy", "2026", "--unit", "税務"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_TRUE(Has(unknown.err, "E-COMP-010")) << unknown.err;
  EXPECT_TRUE(Has(unknown.err, "近いもの: 税務課（U02）")) << unknown.err;
  for (const auto& u : kUnits) EXPECT_TRUE(Has(unknown.err, u.name + "（" + u.id + "）")) << unknown.err;
}

// --- New staff (第51条第3項): only where the pack's text requires it.

TEST(TrainingNewStaff, NewStaffWithoutA新規採用AttendanceAreNamed) {
  Town t;
  const Json j = t.JsonOf({"training", "unattended", "--fy", "2026"});
  ASSERT_TRUE(j.contains("new_staff")) << j.dump();
  const Json& n = j["new_staff"];
  EXPECT_EQ(n["basis"]["duty"], "training-new-hire");
  EXPECT_EQ(n["basis"]["cite"], Json::array({"第51条第3項"}));
  // From the rows: in scope and started in the 年度; trained when one of
  // their attendances has 区分 新規採用.
  std::set<std::string> fresh, untrained;
  for (const auto& p : kPeople) {
    if (!InScope(p) || p.start < kFyStart || p.start > kFyEnd) continue;
    fresh.insert(p.id);
    if (std::none_of(kAttendance.begin(), kAttendance.end(),
                     [&](const Attendance& a) { return a.person == p.id && a.category == "新規採用"; }))
      untrained.insert(p.id);
  }
  EXPECT_EQ(fresh, (std::set<std::string>{"100005", "100006"}));
  EXPECT_EQ(n["new_staff"], fresh.size());
  EXPECT_EQ(n["trained"], fresh.size() - untrained.size());
  EXPECT_EQ(Ids(n["untrained"]), untrained);
  EXPECT_EQ(untrained, std::set<std::string>{"100006"});  // attended, but not the new-staff course
  EXPECT_FALSE(Ids(j["unattended"]).count("100006"));    // which still counts for 第2項
  EXPECT_EQ(UnitOf(j["units"], "U03")["new_staff_untrained"], 1);
  auto text = t.Run({"training", "unattended", "--fy", "2026"});
  EXPECT_TRUE(Has(text.out, "第51条第3項")) << text.out;
  EXPECT_TRUE(Has(text.out, "住民課（U03） 100006 住民 六太（一般職、2026-10-01 採用）")) << text.out;
}

TEST(TrainingNewStaff, APackWhoseTextHasNoSuchDutyReportsNothingAboutNewStaff) {
  // 北海道's text requires training 定期的に (第130条), neither every 年度 nor for new staff.
  Town t("hokkaido");
  const Json j = t.JsonOf({"training", "unattended", "--fy", "2026"});
  EXPECT_FALSE(j.contains("new_staff")) << j.dump();
  EXPECT_TRUE(j["basis"].is_null());
  for (const auto& u : j["units"]) EXPECT_FALSE(u.contains("new_staff")) << u.dump();
  auto text = t.Run({"training", "unattended", "--fy", "2026"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_FALSE(Has(text.out, "新規採用")) << text.out;
  EXPECT_TRUE(Has(text.out, "本文は毎年度の受講を定めていません")) << text.out;
  const Json r = t.JsonOf({"training", "report", "--fy", "2026"});
  EXPECT_FALSE(r.contains("new_staff"));
  EXPECT_TRUE(r["basis"].is_null());
}

// --- The CISO's report to the committee (第51条第5項).

TEST(TrainingReport, GivesEachCoursesDaysAndAttendeesAndEachUnitsRate) {
  Town t;
  const Json j = t.JsonOf({"training", "report", "--fy", "2026"});
  EXPECT_EQ(j["basis"]["cite"], Json::array({"第51条第5項"}));
  // Per course and day, from the rows: attendances in the 年度 by people in scope.
  std::map<std::string, std::map<std::string, std::set<std::string>>> want;
  int others = 0;
  for (const auto& a : kAttendance) {
    if (a.date < kFyStart || a.date > kFyEnd) continue;
    const auto p = std::find_if(kPeople.begin(), kPeople.end(), [&](const Person& x) { return x.id == a.person; });
    if (!InScope(*p)) {
      ++others;
      continue;
    }
    want[a.course][a.date].insert(a.person);
  }
  ASSERT_EQ(j["courses"].size(), want.size());
  for (const auto& c : j["courses"]) {
    const auto& days = want[c["name"].get<std::string>()];
    std::set<std::string> everyone;
    ASSERT_EQ(c["sessions"].size(), days.size()) << c.dump();
    for (const auto& s : c["sessions"]) {
      EXPECT_EQ(s["attendees"], days.at(s["date"].get<std::string>()).size()) << c.dump();
      const auto& who = days.at(s["date"].get<std::string>());
      everyone.insert(who.begin(), who.end());
    }
    EXPECT_EQ(c["attendees"], everyone.size()) << c.dump();
  }
  EXPECT_EQ(j["courses"][0]["name"], "新規採用職員研修");  // held first, on 2026-04-02
  EXPECT_EQ(j["others"], others);
  EXPECT_EQ(others, 1);  // the contractor's attendance on 2026-06-15
  // Rates: attended / in scope, one decimal.
  EXPECT_EQ(UnitOf(j["units"], "U01")["rate_percent"], 50.0);
  EXPECT_EQ(UnitOf(j["units"], "U03")["rate_percent"], 33.3);
  EXPECT_EQ(j["total"]["in_scope"], 7);
  EXPECT_EQ(j["total"]["not_attended"], static_cast<int>(ExpectedUnattended().size()));
  EXPECT_EQ(j["total"]["rate_percent"], 42.9);  // 3 of 7
  auto text = t.Run({"training", "report", "--fy", "2026"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_TRUE(Has(text.out, "情報セキュリティ研修: 2026-06-15（1 人）、2026-11-10（1 人） — 受講者 2 人")) << text.out;
  EXPECT_TRUE(Has(text.out, "住民課（U03）: 対象 3、受講 1、未受講 2、受講率 33.3%")) << text.out;
  EXPECT_TRUE(Has(text.out, "職員等 7 人: 受講 3（42.9%）、未受講 4")) << text.out;
}

// --- Excel.

TEST(TrainingXlsx, TheListAndTheReportReadBack) {
  Town t;
  const std::string list = (t.dir / "未受講.xlsx").string();
  auto w = t.Run({"training", "unattended", "--fy", "2026", "--format", "xlsx", "--out", list});
  ASSERT_EQ(w.status, 0) << w.err;
  const io::Table first = io::ReadXlsx(list);  // the first sheet: the people
  ASSERT_GE(first.header.size(), 4u);
  EXPECT_EQ(first.header[2], "職員番号");
  std::set<std::string> ids;
  for (const auto& r : first.rows) ids.insert(r[2]);
  EXPECT_EQ(ids, ExpectedUnattended());
  const auto sheets = io::ReadXlsxSheets(list);
  ASSERT_EQ(sheets.size(), 3u);  // 未受講, 組織ごと, 新規採用
  EXPECT_EQ(sheets[1].name, "組織ごと");
  EXPECT_EQ(sheets[2].name, "新規採用");
  bool u03 = false;
  for (const auto& r : sheets[1].table.rows)
    if (r[0] == "U03") u03 = r[2] == "3" && r[3] == "1" && r[4] == "2" && r[5] == "33.3%";
  EXPECT_TRUE(u03);
  ASSERT_EQ(sheets[2].table.rows.size(), 1u);
  EXPECT_EQ(sheets[2].table.rows[0][2], "100006");
  // Not overwritten without --force; the report goes to its own book.
  EXPECT_EQ(t.Run({"training", "unattended", "--fy", "2026", "--format", "xlsx", "--out", list}).status, 2);
  EXPECT_EQ(t.Run({"training", "unattended", "--fy", "2026", "--format", "xlsx", "--out", list, "--force"}).status, 0);
  const std::string report = (t.dir / "研修の実施状況.xlsx").string();
  ASSERT_EQ(t.Run({"training", "report", "--fy", "2026", "--format", "xlsx", "--out", report}).status, 0);
  const io::Table courses = io::ReadXlsx(report);
  EXPECT_EQ(courses.header, (std::vector<std::string>{"研修名", "日付", "受講者数"}));
  bool june = false;
  for (const auto& r : courses.rows) june |= r[0] == "情報セキュリティ研修" && r[1] == "2026-06-15" && r[2] == "1";
  EXPECT_TRUE(june);
}

// --- Bad input: refused with its code, nothing written.

TEST(Training, BadInputIsRefusedWithItsCode) {
  Town t;
  struct Case {
    std::vector<std::string> args;
    std::string code, says;
  };
  const std::vector<Case> cases = {
      {{"training", "unattended", "--fy", "26"}, "E-COMP-001", "令和8年度"},
      {{"training", "report", "--fy", "令和八年度"}, "E-COMP-001", "令和8年度"},
      {{"training", "unattended", "--fy", "2026", "--unit", "U99"}, "E-COMP-010", "総務課（U01）"},
      {{"training", "unattended", "--fy", "2026", "--format", "xlsx"}, "E-COMP-007", "--out"},
      {{"training", "report", "--fy", "2026", "--format", "xlsx"}, "E-COMP-007", "--out"},
      {{"training", "unattended"}, "E-CLI-001", "--fy"},
  };
  for (const auto& c : cases) {
    auto r = t.Run(c.args);
    EXPECT_EQ(r.status, 2) << c.args[1];
    EXPECT_TRUE(Has(r.err, c.code)) << c.code << ": " << r.err;
    EXPECT_TRUE(Has(r.err, c.says)) << c.says << ": " << r.err;
  }
}

TEST(Training, APackWithoutStaffCategoriesCannotSayWhoIsInScope) {
  // A copy of 安田町's pack whose categories are all marked not staff.
  const fs::path src = fs::path(MAMORI_PACKS_DIR) / "yasuda";
  const fs::path pack = mamori::test_util::ScratchDir("mamori_training_pack") / "yasuda";
  fs::create_directories(pack);
  for (const auto& e : fs::directory_iterator(src)) fs::copy_file(e.path(), pack / e.path().filename());
  std::string roles = mamori::test_util::ReadFileBytes(pack / "roles.toml");
  for (std::size_t at; (at = roles.find("staff = true")) != std::string::npos;) roles.replace(at, 12, "staff = false");
  std::ofstream(pack / "roles.toml", std::ios::binary) << roles;
  const fs::path dir = mamori::test_util::ScratchDir("mamori_training_nostaff");
  const std::string db = (dir / "t.db").string();
  ASSERT_EQ(mamori::test_util::RunMamori({"init", "--pack", pack.string(), "--db", db}, dir).status, 0);
  auto r = mamori::test_util::RunMamori({"training", "unattended", "--fy", "2026", "--db", db}, dir);
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-COMP-011")) << r.err;
  EXPECT_TRUE(Has(r.err, "staff = true")) << r.err;
}

// --- The sample town: a list to show, consistent with its own register.

TEST(Training, TheSampleTownHasSomeButNotAllStaffUnattended) {
  const fs::path dir = mamori::test_util::ScratchDir("mamori_training_sample");
  const std::string db = (dir / "t.db").string();
  ASSERT_EQ(mamori::test_util::RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/yasuda", "--db", db}, dir).status, 0);
  ASSERT_EQ(mamori::test_util::RunMamori({"sample", "--db", db}, dir).status, 0);
  auto r = mamori::test_util::RunMamori({"training", "unattended", "--fy", "2026", "--format", "json", "--db", db}, dir);
  ASSERT_EQ(r.status, 0) << r.err;
  const Json j = Json::parse(r.out);
  const int missing = j["total"]["not_attended"];
  EXPECT_GT(missing, 0);
  EXPECT_LT(missing, j["total"]["in_scope"].get<int>() / 10);
  // Nobody listed has a row of 研修受講 in the 年度, by the register's own export.
  auto e = mamori::test_util::RunMamori({"export", "研修受講", "--db", db}, dir);
  const io::Table rows = io::ReadCsv(e.out);
  std::set<std::string> attended;
  for (const auto& row : rows.rows)
    if (row[2] >= kFyStart && row[2] <= kFyEnd) attended.insert(row[3]);
  for (const auto& p : j["unattended"]) EXPECT_FALSE(attended.count(p["id"].get<std::string>())) << p.dump();
  EXPECT_EQ(static_cast<int>(attended.size()) + missing, j["total"]["in_scope"].get<int>());
}

}  // namespace
