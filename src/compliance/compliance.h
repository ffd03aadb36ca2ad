// compliance: the 年度's duties (年度の務め) — what the text requires every
// year, periodically, as needed or when something happens — who holds each on
// a day, when it is due, and whether it was done, with its evidence.
//
// Invariants:
//  * A due date is one the text gives (毎年度: the end of the 年度) or one
//    its owner set (定期的に: the interval parameter the pack names). An
//    interval nobody set is shown as 未設定 with the one who sets it; no
//    due date is ever computed from a guess, and such a duty is never
//    "overdue".
//  * A completion is a row of "duty_records" written through the store's one
//    path (so it is a ledger entry), by a person who holds the duty's role on
//    the day it was done, in the unit or system they hold it for; the record
//    names them, the post they acted through (代理 marked), and its evidence.
//    Nothing else writes those rows.
//  * Bad input (a 年度 or date that cannot be read, an unknown duty, evidence
//    that does not exist) is an error with a stable code E-COMP-0xx and
//    changes nothing.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "registry/io/table_io.h"
#include "registry/registry.h"
#include "reiki/reiki.h"
#include "store/store.h"

namespace mamori::compliance {

using Json = nlohmann::json;

// The articles a binding cites, as written (第51条第2項), and a list joined
// for a cell or a sentence: what every listing of this module prints.
std::vector<std::string> Refs(const policy::Cites& cites);
std::string Join(const std::vector<std::string>& parts, const std::string& sep);

// 年度: April 1 to March 31 of the next year, named for the year it starts.
struct FiscalYear {
  int year = 0;             // 2026
  std::string start, end;   // "2026-04-01", "2027-03-31"
  std::string Wareki() const;  // 令和8年度
  bool Contains(const std::string& date) const { return start <= date && date <= end; }
};
// "2026", "2026年度", "令和8年度", "令和8", "R8", "令和元年度", "平成31年度"
// (full- or half-width) -> the 年度; E-COMP-001 naming the forms otherwise.
FiscalYear ParseFiscalYear(const std::string& text);
// The 年度 an ISO date falls in.
FiscalYear FiscalYearOf(const std::string& date);

// Japanese names of the cycles as the text says them: 毎年度, 定期的に,
// 必要に応じ, 事象発生時, 常時.
std::string CycleName(const std::string& cycle);

// One unit or system a scoped role is held for (or the whole body, id ""),
// with its holders on the day and the duty's completions there in the 年度.
struct Scope {
  std::string id, name;
  std::vector<registry::Holder> holders;
  std::string vacancy;      // why nobody holds it, when nobody does
  std::vector<Json> done;   // "duty_records" rows of this scope, oldest first
};

// Where `role` is held on `date` and by whom: one Scope per unit (a role
// filled per 課: unit_head, unit_post; kind "unit"), per system
// (system_admin; kind "system"), or one for the whole body (kind "").
std::vector<Scope> RoleScopes(store::Store& store, registry::Registry& reg, const policy::Role& role,
                              const std::string& date, std::string& kind);

struct DutyStatus {
  const policy::Duty* duty = nullptr;
  std::string role_name, how;  // 最高情報セキュリティ責任者, 副町長をもって充てる
  std::string scope_kind;      // "" (the whole body), "unit" (各課), "system"
  std::vector<Scope> scopes;   // one with id "" for the whole body
  // The interval of a 定期的に duty: its parameter (nullptr for other
  // cycles), and its value when the owner has set one.
  const policy::Parameter* interval = nullptr;
  std::string interval_owner;  // the owner role's name, and who holds it
  std::string due;             // ISO, or "" when the text and the owner give none
  // done: every scope has done it in the 年度 (a cycle with a due date) or
  // it was recorded at all (no due date); open; overdue: past `due` with a
  // scope that has not; none: no record, and nothing is due.
  std::string status;
  std::string StatusName() const;  // 実施済み / 未実施 / 期限超過 / 記録なし
};

// What to record with a completion: at least one of them.
struct Evidence {
  std::string type;   // note | file | sha256 | case
  std::string value;  // the text, the file's SHA-256 (hex), the case id
  std::string name;   // file: its name as given
  long long size = -1;  // file: its size in bytes
};
// "note:TEXT", "file:PATH" (hashed now), "sha256:HEX", "case:ID" ->
// Evidence; E-COMP-004 with the forms otherwise (a path without "file:" is
// named as such, not guessed).
Evidence ParseEvidence(const std::string& text);
// Evidence as recorded in a row ([{type, value, name?, size?}]); a case
// that is not in the store is E-COMP-004.
Json EvidenceJson(store::Store& store, const std::vector<Evidence>& evidence);

class Duties {
 public:
  Duties(store::Store& store, const policy::Pack& pack);

  // Every duty of the pack for the 年度, in the pack's order: holders as of
  // `date` (ISO, within the 年度), status as of `now` (ISO; a 年度 that has
  // ended is judged today, its holders as it ended).
  std::vector<DutyStatus> List(const FiscalYear& fy, const std::string& date, const std::string& now);

  // The one duty of that id (E-COMP-002 with the nearest ids otherwise).
  const policy::Duty& Find(const std::string& id) const;

  struct Done {
    std::string duty, as, date;          // date: the day it was done ("" = today)
    std::string scope;                   // the unit or system, when `as` holds the role for more than one
    std::vector<Evidence> evidence;
    std::string actor, at;               // the operator; the JST timestamp ("" = now)
  };
  // Records a completion (the row written, as stored). E-COMP-003 when `as`
  // does not hold the duty's role that day (naming who does), E-COMP-004 for
  // evidence that is missing or does not exist, E-COMP-005 for a day that is
  // not a day or is still to come.
  Json Record(const Done& d);

 private:
  store::Store& store_;
  const policy::Pack& pack_;
  registry::Registry reg_;
};

// --- Checks over the registers (`mamori check`): the pack's [[checks]],
// each run over the registers as they are on a day.

// One offending row: which register, which row, what is wrong there.
struct Finding {
  std::string kind, kind_name;  // "assets", 情報資産 (or "parameters", "cases")
  std::string row;              // the row's id
  std::string detail;           // Japanese: what is wrong, and what would mend it
};
struct CheckResult {
  const policy::RegisterCheck* check = nullptr;
  std::string name;  // Japanese name of its kind
  std::vector<Finding> findings;
};
// The Japanese name of a check kind (情報資産の分類の未設定 …).
std::string CheckKindName(const std::string& kind);
// Every check of the pack, in its order, over the registers on `date`.
std::vector<CheckResult> RunChecks(store::Store& store, const policy::Pack& pack, const std::string& date);
// The findings as a table for Excel: one row per finding, a check without
// findings as one row that says so.
registry::io::Table CheckTable(const std::vector<CheckResult>& results);

// A scope's own status within a duty: 実施済み, 空席, 未実施, 期限超過, 記録なし.
std::string ScopeStatusName(const DutyStatus& d, const Scope& s);

// The list as a table for Excel (one row per duty and scope).
registry::io::Table DutyTable(const std::vector<DutyStatus>& duties);

// ===========================================================================
// 研修 (`mamori training`, training.cc): the 年度's attendance at training,
// from the register 研修受講 ("training_attendance"), against what the pack's
// text requires of it. Nothing here writes anything.
//
// Invariants:
//  * Who is in scope is read from the pack, never from a list of words: a
//    row of 職員 in force on some day of the 年度 (開始日〜終了日, either
//    open) whose 区分 puts them in one of the pack's staff categories
//    (PersonCategory::staff), read as the decision engine reads 区分
//    (engine/compile.cc): a 区分 naming a category (its id, its name or one
//    of its `includes`) puts the person in it; a 区分 naming none (一般職,
//    特別職, empty) puts a person of the 職員 register in the staff
//    categories not tied to a unit, unless it names a category that is not
//    staff (外部委託事業者); a category tied to a unit (湖北 総務課職員)
//    takes that unit's people.
//  * What the text requires comes from the pack's duties, by id (the
//    constants below): without kTrainingNewStaffDuty nothing about new staff
//    is reported; without kTrainingYearlyDuty the list is of who has no
//    attendance in the 年度, with no article behind it (a text that says
//    定期的に does not make every 年度 a deadline).
//  * New staff: in scope, with 開始日 within the 年度. Trained: an attendance
//    of theirs whose 区分 is kNewStaffCategory, on any day (a course held
//    before the first day counts; the text names the audience, not the day).
//  * A 課 is the person's 所属 as the 職員 register now has it.
//  * A pack with no staff category cannot say who is in scope: E-COMP-011,
//    rather than an empty list that would read as "everyone attended".

// The duties (by id) that say what a pack's text requires of training: 安田町
// 第51条第2項 (every 職員等 at least once a 年度), 第3項 (training for new
// staff), 第5項 (the CISO's report to the committee each 年度).
inline constexpr const char* kTrainingYearlyDuty = "training-yearly";
inline constexpr const char* kTrainingNewStaffDuty = "training-new-hire";
inline constexpr const char* kTrainingReportDuty = "training-report";
// The 区分 of an attendance that marks it as training for new staff.
inline constexpr const char* kNewStaffCategory = "新規採用";

// One person in scope for the 年度.
struct Trainee {
  std::string id, name, unit, unit_name;  // unit "" when the register gives none
  std::string category;        // 区分 as the 職員 register has it ("" when empty)
  std::string staff_category;  // the pack's staff category that puts them in scope (職員等)
  std::string start, end;
  std::vector<std::string> attended;    // their attendance ids in the 年度, by date
  bool new_staff = false;               // 開始日 within the 年度
  std::vector<std::string> new_staff_training;  // their attendance ids of 区分 新規採用, any day
};

// Per 課: how many are in scope, attended in the 年度, did not.
struct TrainingUnit {
  std::string id, name;
  int in_scope = 0, attended = 0, not_attended = 0;
  int new_staff = 0, new_staff_untrained = 0;
};

// A course (研修名) held in the 年度: each day it was held, and whom it reached.
struct TrainingCourse {
  std::string name;
  std::vector<std::pair<std::string, int>> sessions;  // date, attendees in scope that day
  int attendees = 0;  // distinct people in scope over its sessions
};

struct TrainingYear {
  FiscalYear fy;
  // The pack's duties behind each part, or nullptr when the text has none.
  const policy::Duty* yearly = nullptr;
  const policy::Duty* new_staff_duty = nullptr;
  const policy::Duty* report = nullptr;
  std::vector<Trainee> people;         // in scope, by unit (register order) then 職員番号
  std::vector<TrainingUnit> units;     // units with someone in scope, register order; no 所属 last
  std::vector<TrainingCourse> courses; // by the first day held, then name
  TrainingUnit total;                  // the whole body (id "")
  // Attendances in the 年度 of people not in scope (not 職員等, not in force
  // that 年度): not counted anywhere above, said so the figures add up.
  int others = 0;
};

// The 年度's training over the registers as they are.
TrainingYear Training(store::Store& store, const policy::Pack& pack, const FiscalYear& fy);

// A unit by code (U03) or name (税務課) -> its code; E-COMP-010 naming the
// units otherwise.
std::string FindUnit(store::Store& store, const std::string& text);

// Percent attended, one decimal (96.3); nullopt when nobody is in scope.
std::optional<double> AttendanceRate(const TrainingUnit& u);

// For Excel. The unattended book: 未受講 (one row per person, the first
// sheet), 組織ごと (the counts), and 新規採用 when the pack requires it;
// `unit` ("" = all) limits the people and the counts.
std::vector<registry::io::Sheet> UnattendedBook(const TrainingYear& y, const std::string& unit);
// The report's book: 研修ごと (course, day, attendees), 組織ごと (counts and
// rate), 未受講, and 新規採用 when the pack requires it.
std::vector<registry::io::Sheet> TrainingReportBook(const TrainingYear& y);

// --- Self-inspection (自己点検, inspection.cc): the pack's checklist put to
// each respondent — each role of the checklist where it is held, per unit or
// system (安田町 第139条) — as Excel forms, and the answers read back.

struct Respondent {
  const policy::Role* role = nullptr;
  std::string scope_kind;  // "" (the whole body), "unit", "system"
  Scope scope;             // the unit or system answered for, with its holders on the day
  std::vector<const policy::ChecklistItem*> items;
};
std::vector<Respondent> Respondents(store::Store& store, const policy::Pack& pack, const std::string& date);

// One form per respondent: 自己点検_令和8年度_<役割>_<組織>.xlsx, one row per
// item with its article, the answer a dropdown of はい・いいえ・該当なし.
struct InspectionForm {
  Respondent respondent;
  std::string file_name;
  registry::io::Sheet sheet;
};
std::vector<InspectionForm> InspectionForms(store::Store& store, const policy::Pack& pack, const FiscalYear& fy,
                                            const std::string& date);

// A filled form -> "inspection_answers" rows, all or none: every row is
// checked first (the 年度, a respondent of `date`, an item of theirs, an
// answer of the three, an improvement measure for every いいえ); with errors
// or `dry_run` nothing is written. An answer left blank is not an answer.
// `by`, when given, is the person who sends the form (over the API): each
// row must then be an answer of a respondent they are that day (a holder of
// the role for that unit or system, acting included); a row of another's is
// an error and `not_theirs` says so — nobody answers for someone else.
struct InspectionImport {
  int answered = 0, unchanged = 0;
  std::vector<registry::RowError> errors;
  bool not_theirs = false;
};
InspectionImport ImportInspection(store::Store& store, const policy::Pack& pack, const registry::io::Table& table,
                                  const std::string& source, const std::string& actor, const std::string& at,
                                  const std::string& date, bool dry_run, const std::string& by = "");

// Per respondent: how many items are answered, how, and the measures of
// each いいえ (第140条: reported to the committee with the results).
struct InspectionMeasure {
  const policy::ChecklistItem* item = nullptr;
  std::string note, measure;
};
struct InspectionProgress {
  Respondent respondent;
  int answered = 0, total = 0, yes = 0, no = 0, na = 0;
  std::vector<InspectionMeasure> measures;
};
std::vector<InspectionProgress> Progress(store::Store& store, const policy::Pack& pack, const FiscalYear& fy,
                                         const std::string& date);
registry::io::Table ProgressTable(const std::vector<InspectionProgress>& progress);
registry::io::Table MeasuresTable(const std::vector<InspectionProgress>& progress);

// --- Audit (監査, `mamori audit`): the pack's [audit], step by step as the
// text sets them (安田町 第131条〜第137条).
//
// Invariants:
//  * An audit is a row of "audits" (its plan), its findings rows of
//    "audit_findings", its working papers rows of "audit_papers" (hashes
//    only, 第136条), all written through the store's one path, so each
//    change is a ledger entry and a finding's history is its row's history.
//  * Where the text has the plan approved (plan_action), the approval is the
//    committee case's own status, read each time and never copied; no
//    finding is recorded under a plan not approved.
//  * An auditor who belongs to an audited unit on the day of the plan (their
//    所属, or a post they hold there) is refused (第132条第1項), as is
//    anyone acting who does not hold the role the step needs that day.
//  * A finding closes only when every unit instructed has answered.
//  * Bad input is E-COMP-030〜042 and changes nothing.

// A finding's severity. The texts give no scale; this is mamori's, the
// auditor's judgement recorded as given (docs/compliance.md).
inline constexpr const char* kSeverities[] = {"重大", "中", "軽微"};

// An audit as read back: its plan row, the plan's status, its findings and papers.
struct AuditView {
  Json audit;
  std::string plan_status;  // approved | pending | rejected | returned | withdrawn | drawn (no approval needed)
  std::vector<Json> findings, papers;
};
// The audits of a 年度, read only (the report reads them without a text).
std::vector<AuditView> AuditsOf(store::Store& store, const FiscalYear& fy);

class Audits {
 public:
  // `at`: the JST timestamp to record ("" = now); `actor` the operator.
  Audits(store::Store& store, const policy::Pack& pack, const reiki::Regulation& regulation, std::string actor,
         std::string at = "");

  struct Plan {
    std::string as, date, title;
    std::vector<std::string> units, auditors;  // unit ids or names; 職員番号
    std::vector<Evidence> evidence;            // the plan document
  };
  // The "audits" row, as stored, with "case" when the plan goes to its
  // approval (a case of the plan_action's workflow, opened in the same
  // transaction).
  Json OpenPlan(const Plan& p);

  struct FindingIn {
    std::string audit, as, date, unit, article, severity, text;
    std::vector<Evidence> evidence;
  };
  Json AddFinding(const FindingIn& f);

  // 第137条: to the owner of the finding's unit, and to those of `also` to
  // see whether they have the same problem.
  struct Instruction {
    std::string finding, as, date, text;
    std::vector<std::string> also;
  };
  Json Instruct(const Instruction& i);

  // The answer of a unit instructed: its measure (the finding's unit) or
  // whether it has the same problem (the others).
  struct Response {
    std::string finding, as, date, unit, text;
    std::vector<Evidence> evidence;
  };
  Json Respond(const Response& r);

  // The lead confirms the follow-up and closes the finding.
  Json Close(const std::string& finding, const std::string& as, const std::string& date, const std::string& text);

  // 第136条: a working paper or piece of audit evidence, kept as its hash.
  Json AddPaper(const std::string& audit, const std::string& as, const std::string& date,
                const std::vector<Evidence>& evidence);

  // 第135条: the results reported to report_to, once.
  Json Report(const std::string& audit, const std::string& as, const std::string& date, const std::string& text);

  std::vector<AuditView> List(const FiscalYear& fy);
  AuditView Get(const std::string& id);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// 承認済み / 承認待ち / 不承認 / 差戻し / 取下げ / 策定済み
std::string PlanStatusName(const std::string& status);
// 記録 / 指示済み / 回答済み / 完了
std::string FindingStatusName(const std::string& status);
// One row per finding: 監査, 課等, 条項, 重要度, 指摘, 状態, 指示, 回答.
// `unit` (an id, "" = all) keeps the findings of that unit or instructed to it.
registry::io::Table FindingsTable(const std::vector<AuditView>& audits, const std::string& unit = "");

}  // namespace mamori::compliance
