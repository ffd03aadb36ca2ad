// `mamori training unattended` and `mamori training report`: the 年度's
// attendance at training (研修受講) as the pack's text asks for it — who of
// the 職員等 has none (安田町 第51条第2項), new staff without their course
// (第3項), and the figures the CISO reports to the committee (第5項). Both
// only read; the exit status is 0 whatever the figures are (a list to act on,
// not a check that fails).
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/guard.h"
#include "cli/listing_output.h"
#include "compliance/compliance.h"
#include "output/output.h"
#include "registry/binding.h"
#include "registry/io/table_io.h"

namespace mamori::cli {
namespace {

using compliance::Join;
using compliance::Refs;

using Json = nlohmann::json;
namespace compliance = mamori::compliance;

std::string g_tdb = DefaultDb();

Json DutyJson(const policy::Duty* d) {
  if (!d) return nullptr;
  return {{"duty", d->id}, {"name", d->name}, {"cite", Refs(d->cite)}};
}

// "（第51条第2項: 職員等が毎年度最低1回は…）" or what the text lacks.
std::string Basis(const policy::Duty* d, const std::string& missing) {
  if (!d) return missing;
  return Join(Refs(d->cite), "、") + "「" + d->name + "」";
}

std::string UnitLabel(const std::string& id, const std::string& name) {
  return id.empty() ? "（所属なし）" : name + "（" + id + "）";
}

std::string RateText(const compliance::TrainingUnit& u) {
  const auto r = compliance::AttendanceRate(u);
  if (!r) return "—";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", *r);
  return buf;
}

Json RateJson(const compliance::TrainingUnit& u) {
  const auto r = compliance::AttendanceRate(u);
  return r ? Json(*r) : Json(nullptr);
}

Json UnitJson(const compliance::TrainingUnit& u, bool new_staff) {
  Json j = {{"id", u.id.empty() ? Json(nullptr) : Json(u.id)},
            {"name", u.name},
            {"in_scope", u.in_scope},
            {"attended", u.attended},
            {"not_attended", u.not_attended},
            {"rate_percent", RateJson(u)}};
  if (new_staff) j["new_staff"] = u.new_staff, j["new_staff_untrained"] = u.new_staff_untrained;
  return j;
}

Json PersonJson(const compliance::Trainee& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"unit", p.unit.empty() ? Json(nullptr) : Json(p.unit)},
          {"unit_name", p.unit_name},
          {"category", p.category},
          {"staff_category", p.staff_category},
          {"start", p.start.empty() ? Json(nullptr) : Json(p.start)},
          {"end", p.end.empty() ? Json(nullptr) : Json(p.end)},
          {"attended", p.attended},
          {"new_staff", p.new_staff},
          {"new_staff_training", p.new_staff_training}};
}

std::string PersonText(const compliance::Trainee& p) {
  std::string s = p.id + " " + p.name + "（" + (p.category.empty() ? p.staff_category : p.category);
  if (!p.start.empty() && p.new_staff) s += "、" + p.start + " 採用";
  if (!p.end.empty()) s += "、" + p.end + " まで";
  return s + "）";
}

// The 年度's heading line, the same for both subcommands.
std::string Heading(const policy::Pack& pack, const compliance::FiscalYear& fy) {
  return pack.name + " " + fy.Wareki() + "（" + fy.start + "〜" + fy.end + "）";
}

// New staff in scope: (all, untrained) for the unit ("" = every unit).
std::pair<std::vector<const compliance::Trainee*>, std::vector<const compliance::Trainee*>> NewStaff(
    const compliance::TrainingYear& y, const std::string& unit) {
  std::vector<const compliance::Trainee*> all, untrained;
  for (const auto& p : y.people) {
    if (!p.new_staff || (!unit.empty() && p.unit != unit)) continue;
    all.push_back(&p);
    if (p.new_staff_training.empty()) untrained.push_back(&p);
  }
  return {all, untrained};
}

Json NewStaffJson(const compliance::TrainingYear& y, const std::string& unit) {
  const auto [all, untrained] = NewStaff(y, unit);
  Json list = Json::array();
  for (const auto* p : untrained) list.push_back(PersonJson(*p));
  return {{"basis", DutyJson(y.new_staff_duty)},
          {"rule", std::string("開始日が年度内の職員等に、区分「") + compliance::kNewStaffCategory + "」の受講があるか"},
          {"new_staff", all.size()},
          {"trained", all.size() - untrained.size()},
          {"untrained", list}};
}

void NewStaffText(std::ostream& out, const compliance::TrainingYear& y, const std::string& unit) {
  const auto [all, untrained] = NewStaff(y, unit);
  out << "\n■ 新規採用の職員等（" << Basis(y.new_staff_duty, "") << "）: 年度内の採用 " << all.size() << " 人、区分「"
      << compliance::kNewStaffCategory << "」の研修の受講 " << all.size() - untrained.size() << "、受講なし " << untrained.size() << "\n";
  for (const auto* p : untrained) out << "    " << UnitLabel(p->unit, p->unit_name) << " " << PersonText(*p) << "\n";
}

// Writes `text` or the workbook where --out says, or `text` to stdout.
void Emit(const std::string& format, const std::string& out, bool force, const std::string& db, const std::string& text,
          const std::vector<registry::io::Sheet>& book, const std::string& what) {
  if (out.empty()) {
    std::cout << text;
    return;
  }
  output::AtomicFile file(out, output::Options{force, output::StoreFiles(db)});
  if (format == "xlsx") registry::io::WriteXlsxBook(file.temp_path(), book);
  else file.stream() << text;
  file.Commit();
  std::cerr << what << "を " << out << " に書き出しました。\n";
}

}  // namespace

void AddTrainingCommands(CLI::App& app) {
  std::string& db = g_tdb;
  auto* training = app.add_subcommand("training", "研修: 年度内に受講のない職員等、新規採用の職員等の研修、委員会への実施状況の報告");
  training->require_subcommand(1);
  {
    auto* cmd = training->add_subcommand("unattended", "年度内に研修を受講していない職員等（課ごと）と、新規採用の職員等の研修");
    static std::string fy_text, unit;
    static ListingOutput o;
    cmd->add_option("--fy", fy_text, "年度（2026、令和8年度、R8）")->required();
    cmd->add_option("--unit", unit, "組織で絞る（組織コード U03 か名称 税務課）");
    o.Add(cmd);
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        const compliance::FiscalYear fy = compliance::ParseFiscalYear(fy_text);
        o.RequireFileForXlsx("未受講.xlsx");
        auto b = registry::Open(db);
        const std::string unit_id = unit.empty() ? "" : compliance::FindUnit(*b.store, unit);
        const std::string unit_name = unit_id.empty() ? "" : Json::parse(*b.store->Get("units", unit_id)).value("name", "");
        const auto y = compliance::Training(*b.store, b.pack, fy);
        const bool new_staff = y.new_staff_duty != nullptr;
        std::vector<const compliance::TrainingUnit*> units;
        for (const auto& u : y.units)
          if (unit_id.empty() || u.id == unit_id) units.push_back(&u);
        compliance::TrainingUnit total;
        for (const auto* u : units) {
          total.in_scope += u->in_scope, total.attended += u->attended, total.not_attended += u->not_attended;
          total.new_staff += u->new_staff, total.new_staff_untrained += u->new_staff_untrained;
        }
        std::vector<const compliance::Trainee*> missing;
        for (const auto& p : y.people)
          if (p.attended.empty() && (unit_id.empty() || p.unit == unit_id)) missing.push_back(&p);
        std::ostringstream text;
        if (o.format == "json") {
          Json us = Json::array(), list = Json::array();
          for (const auto* u : units) us.push_back(UnitJson(*u, new_staff));
          for (const auto* p : missing) list.push_back(PersonJson(*p));
          Json j = {{"fy", fy.year},
                    {"fy_name", fy.Wareki()},
                    {"start", fy.start},
                    {"end", fy.end},
                    {"basis", DutyJson(y.yearly)},
                    {"unit", unit_id.empty() ? Json(nullptr) : Json(unit_id)},
                    {"total", UnitJson(total, new_staff)},
                    {"units", us},
                    {"unattended", list}};
          // Only where the text requires it (安田町 第51条第3項): a pack without
          // the duty gets no new-staff figures at all.
          if (new_staff) j["new_staff"] = NewStaffJson(y, unit_id);
          text << j.dump(2) << "\n";
        } else if (o.format == "text") {
          text << Heading(b.pack, fy) << "に研修を受講していない職員等"
               << (unit_id.empty() ? "" : "（" + UnitLabel(unit_id, unit_name) + "）") << ": "
               << total.not_attended << " 人（職員等 " << total.in_scope << " 人のうち受講 " << total.attended << "）\n";
          text << "    根拠: "
               << Basis(y.yearly, "本文は毎年度の受講を定めていません（パックに務め " + std::string(compliance::kTrainingYearlyDuty) +
                                      " がない）。年度内に受講の記録がない人の一覧です")
               << "\n";
          text << "\n■ 組織ごと（対象・受講・未受講）\n";
          for (const auto* u : units)
            text << "    " << UnitLabel(u->id, u->name) << ": 対象 " << u->in_scope << "、受講 " << u->attended << "、未受講 " << u->not_attended
                 << "\n";
          text << "\n■ 受講のない職員等 " << missing.size() << " 人\n";
          for (const auto* p : missing) text << "    " << UnitLabel(p->unit, p->unit_name) << " " << PersonText(*p) << "\n";
          if (new_staff) NewStaffText(text, y, unit_id);
        }
        Emit(o.format, o.out, o.force, db, text.str(), o.format == "xlsx" ? compliance::UnattendedBook(y, unit_id) : std::vector<registry::io::Sheet>{},
             "受講のない職員等 " + std::to_string(missing.size()) + " 人");
      });
    });
  }
  {
    auto* cmd = training->add_subcommand("report", "研修の実施状況（委員会への報告のため）: 研修ごとの日付と受講者数、組織ごとの受講率、未受講者数");
    static std::string fy_text;
    static ListingOutput o;
    cmd->add_option("--fy", fy_text, "年度（2026、令和8年度、R8）")->required();
    o.Add(cmd);
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        const compliance::FiscalYear fy = compliance::ParseFiscalYear(fy_text);
        o.RequireFileForXlsx("研修の実施状況.xlsx");
        auto b = registry::Open(db);
        const auto y = compliance::Training(*b.store, b.pack, fy);
        const bool new_staff = y.new_staff_duty != nullptr;
        std::ostringstream text;
        if (o.format == "json") {
          Json courses = Json::array(), units = Json::array();
          for (const auto& c : y.courses) {
            Json sessions = Json::array();
            for (const auto& [date, n] : c.sessions) sessions.push_back({{"date", date}, {"attendees", n}});
            courses.push_back({{"name", c.name}, {"sessions", sessions}, {"attendees", c.attendees}});
          }
          for (const auto& u : y.units) units.push_back(UnitJson(u, new_staff));
          Json j = {{"fy", fy.year},
                    {"fy_name", fy.Wareki()},
                    {"start", fy.start},
                    {"end", fy.end},
                    {"basis", DutyJson(y.report)},
                    {"yearly", DutyJson(y.yearly)},
                    {"courses", courses},
                    {"units", units},
                    {"total", UnitJson(y.total, new_staff)},
                    {"others", y.others}};
          if (new_staff) j["new_staff"] = NewStaffJson(y, "");
          text << j.dump(2) << "\n";
        } else if (o.format == "text") {
          text << Heading(b.pack, fy) << "の研修の実施状況\n";
          text << "    根拠: " << Basis(y.report, "本文は委員会への報告を定めていません（パックに務め " + std::string(compliance::kTrainingReportDuty) + " がない）")
               << "\n";
          text << "    職員等 " << y.total.in_scope << " 人: 受講 " << y.total.attended << "（" << RateText(y.total) << "）、未受講 "
               << y.total.not_attended << "\n";
          if (y.others > 0) text << "    職員等でない人・この年度に在職していない人の受講 " << y.others << " 件は数えていません\n";
          text << "\n■ 研修ごと（日付と受講者数）: " << y.courses.size() << " 件\n";
          for (const auto& c : y.courses) {
            std::vector<std::string> days;
            for (const auto& [date, n] : c.sessions) days.push_back(date + "（" + std::to_string(n) + " 人）");
            text << "    " << c.name << ": " << Join(days, "、") << " — 受講者 " << c.attendees << " 人\n";
          }
          text << "\n■ 組織ごと（対象・受講・未受講・受講率）\n";
          for (const auto& u : y.units)
            text << "    " << UnitLabel(u.id, u.name) << ": 対象 " << u.in_scope << "、受講 " << u.attended << "、未受講 " << u.not_attended
                 << "、受講率 " << RateText(u) << "\n";
          if (new_staff) NewStaffText(text, y, "");
        }
        Emit(o.format, o.out, o.force, db, text.str(), o.format == "xlsx" ? compliance::TrainingReportBook(y) : std::vector<registry::io::Sheet>{},
             "研修の実施状況（職員等 " + std::to_string(y.total.in_scope) + " 人）");
      });
    });
  }
}

}  // namespace mamori::cli
