// The checks over the registers that a pack's [[checks]] name, each cited to
// the article of its own text. A check reads the registers as they are and
// says which rows offend and why; it never changes anything, and a check the
// pack does not list is not run (a text that says nothing about it is not
// enforced by invention).
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "cases/cases.h"
#include "compliance/compliance.h"
#include "compliance/row_text.h"

namespace mamori::compliance {
namespace {

using internal::Field;
using internal::RoleOf;

struct Context {
  store::Store& store;
  const policy::Pack& pack;
  registry::Registry reg;
  std::string date;
};

// A million assets: each row is read in place by simdjson's on-demand parser
// for the few members wanted (an nlohmann DOM per row was 3.4 s of the 5 s
// the issue allows for every check), and only an offending row is parsed whole.
void AssetsUnclassified(Context& c, std::vector<Finding>& out) {
  const auto& axes = c.pack.classification.axes;
  if (axes.empty()) return;
  simdjson::ondemand::parser parser;
  std::vector<bool> set(axes.size());
  for (auto& row : c.store.List("assets")) {
    std::fill(set.begin(), set.end(), false);
    row.data.reserve(row.data.size() + simdjson::SIMDJSON_PADDING);
    try {
      auto doc = parser.iterate(row.data.data(), row.data.size(), row.data.capacity());
      for (auto field : doc.get_object()) {
        const std::string_view key = field.unescaped_key();
        for (std::size_t i = 0; i < axes.size(); ++i) {
          if (key != axes[i].id) continue;
          std::string_view v;
          set[i] = !field.value().get_string().get(v) && !v.empty();
        }
      }
    } catch (const simdjson::simdjson_error&) {
      std::fill(set.begin(), set.end(), false);  // unreadable: parsed below, and ledger verify names it
    }
    if (std::all_of(set.begin(), set.end(), [](bool b) { return b; })) continue;
    const Json j = Json::parse(row.data, nullptr, false);
    std::vector<std::string> missing;
    for (const auto& axis : axes)
      if (j.is_discarded() || Field(j, axis.id).empty()) missing.push_back(axis.name);
    out.push_back({"assets", "情報資産", row.id,
                   "「" + (j.is_discarded() ? std::string() : Field(j, "name")) + "」の " + Join(missing, "・") +
                       " が未設定です。情報資産の台帳の列に分類の段階を記入してください。"});
  }
}

void SystemsWithoutZone(Context& c, std::vector<Finding>& out) {
  for (const auto& row : c.store.List("systems")) {
    const Json j = Json::parse(row.data);
    if (Field(j, "zone").empty())
      out.push_back({"systems", "情報システム", row.id,
                     "「" + Field(j, "name") + "」のネットワーク区分が未設定です。情報システムの台帳の「ネットワーク区分」を記入してください。"});
  }
}

// An account is enabled on the day unless its 無効化日 has come.
void AccountsOfLeavers(Context& c, std::vector<Finding>& out) {
  std::unordered_map<std::string, Json> people;
  for (const auto& row : c.store.List("people")) people.emplace(row.id, Json::parse(row.data));
  for (const auto& row : c.store.List("accounts")) {
    const Json j = Json::parse(row.data);
    const std::string person = Field(j, "person"), disabled = Field(j, "disabled");
    if (person.empty() || (!disabled.empty() && disabled <= c.date)) continue;
    auto p = people.find(person);
    if (p == people.end()) continue;  // a reference the importer refused; ledger verify names it
    const std::string end = Field(p->second, "end");
    if (end.empty() || end >= c.date) continue;
    out.push_back({"accounts", "アカウント", row.id,
                   "職員 " + person + " " + Field(p->second, "name") + " は " + end + " に終了（退職等）していますが、アカウントは" +
                       (disabled.empty() ? std::string("無効化されていません") : disabled + " まで有効です") +
                       "。利用者IDを抹消し、アカウントの台帳に無効化日を記録してください。"});
  }
}

void VacantApprovers(Context& c, std::vector<Finding>& out) {
  std::vector<std::string> roles;
  for (const auto& r : c.pack.rules)
    for (const auto& a : r.approvers)
      if (std::find(roles.begin(), roles.end(), a) == roles.end()) roles.push_back(a);
  for (const auto& id : roles) {
    const policy::Role* role = RoleOf(c.pack, id);
    if (!role || role->fill.kind == "external" || role->fill.kind == "unset") continue;  // pack check / unset_parameters say so
    std::string kind;
    for (const auto& s : RoleScopes(c.store, c.reg, *role, c.date, kind)) {
      if (!s.holders.empty()) continue;
      const std::string where = kind.empty() ? "" : s.name + "（" + s.id + "）の";
      out.push_back({kind == "system" ? "systems" : kind == "unit" ? "units" : "roles",
                     kind == "system" ? "情報システム" : kind == "unit" ? "組織" : "役割", kind.empty() ? role->id : s.id,
                     where + "「" + role->name + "」（承認する役割）に " + c.date + " に在任する者がいません（" + s.vacancy +
                         "）。その間、承認の段は進みません。職の在任の台帳に記録してください。"});
    }
  }
}

void UnsetParameters(Context& c, std::vector<Finding>& out) {
  std::map<std::string, std::string> owners;  // role id -> "名（在任者）"
  for (const auto& p : c.pack.parameters) {
    if (p.value) continue;
    auto it = owners.find(p.owner);
    if (it == owners.end()) {
      std::string text = p.owner;
      if (const policy::Role* role = RoleOf(c.pack, p.owner)) {
        text = role->name;
        std::string kind;
        std::vector<std::string> who;
        if (role->fill.kind != "external" && role->fill.kind != "unset") {
          auto scopes = RoleScopes(c.store, c.reg, *role, c.date, kind);
          if (kind.empty())
            for (const auto& h : scopes.front().holders) who.push_back(h.person_id + " " + h.person_name);
        }
        if (!who.empty()) text += "（" + Join(who, "、") + "）";
      }
      it = owners.emplace(p.owner, text).first;
    }
    std::vector<std::string> refs;
    for (const auto& x : p.cite) refs.push_back(x.ref);
    out.push_back({"parameters", "パラメータ", p.id,
                   "「" + p.name + "」（" + p.unit + "）は未設定です。定める者: " + it->second + "。根拠: " + Join(refs, "、") +
                       (p.source.empty() ? "" : "。定める先: " + p.source) + "。"});
  }
}

void ExceptionsPast(Context& c, std::vector<Finding>& out) {
  for (const auto& s : cases::ExceptionsPastPeriod(c.store, c.date)) {
    const Json fields = s.data.value("fields", Json::object());  // const []: a state without one must not abort
    out.push_back({"cases", "案件", s.id(),
                   "例外措置「" + Field(fields, "departs") + "」（" + s.data.value("applicant", "") + " " +
                       s.data.value("applicant_name", "") + "）の期間は " + Field(fields, "until") +
                       " までです。終了を確かめるか、更新の申請（--renews " + s.id() + "）をしてください。"});
  }
}

// A contract states an item when its 含む条項 cell lists it, by the item's
// number in the order the text lists them (安田町 第126条 (1)〜(13)) or by
// the item's words.
void ContractClauses(Context& c, const policy::RegisterCheck& check, std::vector<Finding>& out) {
  std::set<std::string> with_contract;
  for (const auto& row : c.store.List("contracts")) {
    const Json j = Json::parse(row.data);
    const std::string start = Field(j, "start"), end = Field(j, "end");
    if ((!start.empty() && start > c.date) || (!end.empty() && end < c.date)) continue;  // not in force that day
    with_contract.insert(Field(j, "contractor"));
    const auto stated = registry::io::SplitList(Field(j, "clauses"));
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < check.items.size(); ++i) {
      const std::string num = std::to_string(i + 1);
      bool has = false;
      for (const auto& x : stated)
        has |= x == check.items[i] || x == num || x == "(" + num + ")" || x == "（" + num + "）";
      if (!has) missing.push_back("(" + num + ") " + check.items[i]);
    }
    if (!missing.empty())
      out.push_back({"contracts", "契約", row.id,
                     "「" + Field(j, "subject") + "」に明記されていない項目: " + Join(missing, "、") +
                         "。契約に明記したら、契約の台帳の「含む条項」に番号か項目を記入してください。"});
  }
  for (const auto& row : c.store.List("contractors")) {
    if (with_contract.count(row.id)) continue;
    out.push_back({"contractors", "委託事業者", row.id,
                   "「" + Field(Json::parse(row.data), "name") + "」に " + c.date + " に効力のある契約が契約の台帳にありません。"});
  }
}

// 安田町 第128条: no information at or above the check's level on a service
// used under terms of service (約款). The levels are the assets' own, as
// the register lists what each service handles.
void TosServicesConfidential(Context& c, const policy::RegisterCheck& check, std::vector<Finding>& out) {
  const policy::Axis* axis = nullptr;
  const policy::Level* floor = nullptr;
  for (const auto& a : c.pack.classification.axes)
    for (const auto& l : a.levels)
      if (l.id == check.level || l.name == check.level) axis = &a, floor = &l;
  if (!axis) return;  // pack check refuses such a check (E-PACK-048)
  for (const auto& row : c.store.List("services")) {
    const Json j = Json::parse(row.data);
    // 約款による is the column's; a register that says so in 種別 alone (as
    // docs/registers.md suggests) says it too, and either marks the service.
    if (Field(j, "terms_of_service") != "true" && Field(j, "kind").find("約款") == std::string::npos) continue;
    std::vector<std::string> over;
    for (const auto& asset : registry::io::SplitList(Field(j, "assets"))) {
      const auto a = c.store.Get("assets", asset);
      if (!a) continue;  // a dangling reference is the importer's to refuse
      const std::string level = Field(Json::parse(*a), axis->id);
      for (const auto& l : axis->levels)
        if (l.id == level && l.rank >= floor->rank) over.push_back(asset + "（" + l.name + "）");
    }
    if (!over.empty())
      out.push_back({"services", "外部サービス", row.id,
                     "「" + Field(j, "name") + "」は約款による外部サービスですが、" + floor->name + "以上の情報資産 " + Join(over, "、") +
                         " を取り扱うとされています。その情報資産を取り扱わないようにし、外部サービスの台帳の「取り扱う情報資産」から外してください。"});
  }
}

// 安田町 第20条第1項: before a cloud service is used, its exit terms (the
// move of the assets and the deletion of every copy) are asked for in writing
// or read where published; the register names the document.
void CloudExitTerms(Context& c, const policy::RegisterCheck& check, std::vector<Finding>& out) {
  for (const auto& row : c.store.List("services")) {
    const Json j = Json::parse(row.data);
    const std::string kind = Field(j, "kind");
    if (std::find(check.service_kinds.begin(), check.service_kinds.end(), kind) == check.service_kinds.end()) continue;
    if (!registry::io::TrimCell(Field(j, "exit_terms")).empty()) continue;
    out.push_back({"services", "外部サービス", row.id,
                   "「" + Field(j, "name") + "」（" + kind + "）の利用終了の取決め（移行と全複製の削除）が記録されていません。" +
                       "提示を受けた文書か確かめた公開の内容を、外部サービスの台帳の「利用終了の取決め」に記入してください。"});
  }
}

}  // namespace

std::string CheckKindName(const std::string& kind) {
  if (kind == "assets_unclassified") return "分類の定められていない情報資産";
  if (kind == "systems_without_zone") return "ネットワーク区分のない情報システム";
  if (kind == "accounts_of_leavers") return "終了した職員のアカウント";
  if (kind == "vacant_approvers") return "在任者のいない承認の役割";
  if (kind == "unset_parameters") return "未設定のパラメータ（実施手順に委ねられた値）";
  if (kind == "exceptions_past_period") return "期間を過ぎた例外措置";
  if (kind == "contract_clauses") return "本文の求める項目を欠く委託契約";
  if (kind == "tos_services_confidential") return "取り扱えない段階の情報資産を取り扱う約款による外部サービス";
  if (kind == "cloud_exit_terms") return "利用終了の取決めのないクラウドサービス";
  return kind;
}

std::vector<CheckResult> RunChecks(store::Store& store, const policy::Pack& pack, const std::string& date) {
  Context c{store, pack, registry::Registry(store, pack), date};
  std::vector<CheckResult> out;
  // One read transaction: every check sees the same registers.
  store.Read([&] {
    for (const auto& check : pack.checks) {
      CheckResult r;
      r.check = &check;
      r.name = CheckKindName(check.kind);
      if (check.kind == "assets_unclassified") AssetsUnclassified(c, r.findings);
      else if (check.kind == "systems_without_zone") SystemsWithoutZone(c, r.findings);
      else if (check.kind == "accounts_of_leavers") AccountsOfLeavers(c, r.findings);
      else if (check.kind == "vacant_approvers") VacantApprovers(c, r.findings);
      else if (check.kind == "unset_parameters") UnsetParameters(c, r.findings);
      else if (check.kind == "exceptions_past_period") ExceptionsPast(c, r.findings);
      else if (check.kind == "contract_clauses") ContractClauses(c, check, r.findings);
      else if (check.kind == "tos_services_confidential") TosServicesConfidential(c, check, r.findings);
      else if (check.kind == "cloud_exit_terms") CloudExitTerms(c, check, r.findings);
      out.push_back(std::move(r));
    }
  });
  return out;
}

registry::io::Table CheckTable(const std::vector<CheckResult>& results) {
  registry::io::Table t;
  t.header = {"点検", "内容", "根拠条文", "台帳", "行", "指摘"};
  for (const auto& r : results) {
    std::vector<std::string> refs;
    for (const auto& x : r.check->cite) refs.push_back(x.ref);
    if (r.findings.empty()) t.rows.push_back({r.check->id, r.name, Join(refs, "、"), "", "", "指摘なし"});
    for (const auto& f : r.findings) t.rows.push_back({r.check->id, r.name, Join(refs, "、"), f.kind_name, f.row, f.detail});
  }
  return t;
}

}  // namespace mamori::compliance
