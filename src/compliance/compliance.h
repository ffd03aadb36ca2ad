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

#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "registry/io/table_io.h"
#include "registry/registry.h"
#include "store/store.h"

namespace mamori::compliance {

using Json = nlohmann::json;

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
registry::io::Table DutyTable(const std::vector<DutyStatus>& duties, const FiscalYear& fy);

}  // namespace mamori::compliance
