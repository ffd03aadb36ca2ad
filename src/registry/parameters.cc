// The values a text leaves to their owners (安田町 第10条: the 実施手順), set
// by a holder of the parameter's owner role and kept as rows of
// "parameter_values" — so each setting is a ledger entry and its history the
// row's — and laid over the pack's parameters when a store is opened, so
// every reader (duties, checks, the server) sees the value in force.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "registry/registry.h"

namespace mamori::registry {
namespace {

using Json = nlohmann::json;

[[noreturn]] void Fail(const std::string& code, const std::string& message) { throw store::Error(code, message); }

std::string Field(const Json& j, const std::string& key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// A count of something (回, 分, 文字 …) is a whole number above zero; a
// period (期間, or a duty's interval) one that policy::PeriodOf reads; any
// other unit (規則, 項目) is the owner's words as written.
std::string ValueProblem(const policy::Pack& pack, const policy::Parameter& p, const std::string& value) {
  if (value.empty()) return "値が空です。";
  bool period = p.unit == "期間" || p.id == pack.evidence.retention;
  for (const auto& d : pack.duties) period |= d.interval == p.id;
  if (period) {
    policy::Parameter probe = p;
    probe.value = value;
    return policy::PeriodOf(probe) ? "" : "期間として読めません（例: 1年、6か月、90日）。";
  }
  static const char* kCounts[] = {"回", "分", "文字", "時間", "日", "GB", "MB"};
  if (std::none_of(std::begin(kCounts), std::end(kCounts), [&](const char* u) { return p.unit == u; })) return "";
  const bool digits = std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits || value.size() > 9 || std::stol(value) <= 0)
    return "「" + p.unit + "」の数として読めません。1 以上の整数を半角で書いてください（例: 5）。";
  return "";
}

}  // namespace

Json SetParameter(store::Store& store, const policy::Pack& pack, const ParameterSet& in) {
  const policy::Parameter* param = nullptr;
  for (const auto& p : pack.parameters)
    if (p.id == in.id) param = &p;
  if (!param) {
    // The id sharing the longest beginning with what was typed (a typo late in the word).
    std::string near;
    std::size_t best = 3;
    for (const auto& p : pack.parameters) {
      std::size_t n = 0;
      while (n < p.id.size() && n < in.id.size() && p.id[n] == in.id[n]) ++n;
      if (n > best) best = n, near = p.id;
    }
    Fail("E-PARAM-001", "パラメータ「" + in.id + "」はパックにありません。" + (near.empty() ? std::string() : "近いもの: " + near + "。") +
                            "`mamori param list` で id を確かめてください。");
  }
  // The pack's own value is the text's (or recorded in the pack by its owner): it changes with the pack.
  if (param->value && param->set_by.empty())
    Fail("E-PARAM-002", "パラメータ「" + param->name + "」の値「" + *param->value +
                            "」はパックに定められています。変えるにはパックを改め、`mamori pack apply` で切り替えてください。");
  const std::string today = store::NowJst().substr(0, 10);
  std::string on = today;
  if (!in.date.empty()) {
    auto d = io::ParseDate(in.date);
    if (!d) Fail("E-PARAM-005", "日付「" + in.date + "」を読めません（例: 2026-04-01、令和8年4月1日）。");
    if (*d > today) Fail("E-PARAM-005", "日付 " + *d + " はまだ来ていません（今日は " + today + "）。");
    on = *d;
  }
  const std::string value = io::TrimCell(io::FoldWidth(in.value));
  if (const std::string why = ValueProblem(pack, *param, value); !why.empty())
    Fail("E-PARAM-004", "パラメータ「" + param->name + "」（" + param->unit + "）の値「" + in.value + "」: " + why + "何も変えていません。");
  const policy::Role* owner = nullptr;
  for (const auto& r : pack.roles)
    if (r.id == param->owner) owner = &r;
  if (!owner) Fail("E-PARAM-003", "パラメータ「" + param->name + "」の定める者（" + param->owner + "）がパックの役割にありません。");
  const auto person = store.Get("people", in.as);
  if (!person) Fail("E-PARAM-003", "職員「" + in.as + "」は職員の台帳にありません。職員番号を確かめてください。");
  const Json who = Json::parse(*person);
  Registry reg(store, pack);
  // The value takes effect now, so its setter must hold the role today as
  // well as on the day given: a former owner cannot set one by back-dating.
  // Values the server enforces on itself, and the ledger's own retention,
  // are those of mamori's administrator (第85条, 第65条 are per system).
  const auto own = OwnerSystem(store, pack, *param);
  const std::string self = own.value_or("");
  if (own && self.empty())
    Fail("E-PARAM-006", "「" + param->name + "」は mamori 自身の情報システムの管理者が定めますが、mamori の情報システムが指定されていません。"
                        "情報システムの台帳に mamori を記入し、`mamori self システムコード` で指定してください。");
  auto holding = [&](const std::string& day) {
    Registry::HeldRole held;
    for (const auto& h : reg.RolesHeld(in.as, day))
      if (h.role == owner->id && (self.empty() || h.scope == self) && (held.role.empty() || held.acting)) held = h;
    return held;
  };
  Registry::HeldRole held = holding(on);
  if (!held.role.empty() && on != today && holding(today).role.empty())
    Fail("E-PARAM-003", in.as + " " + Field(who, "name") + " は " + on + " には「" + owner->name + "」でしたが、今日（" + today +
                            "）はそうではありません。値は今日から効くため、今日の在任者が定めます。何も変えていません。");
  if (held.role.empty() && !self.empty())
    Fail("E-PARAM-003", in.as + " " + Field(who, "name") + " は " + on + " に mamori の情報システム（" + self +
                            "）の「" + owner->name + "」ではないため、「" + param->name + "」を定められません。`mamori who " + owner->name +
                            " --system " + self + "` で在任者を確かめてください。何も変えていません。");
  if (held.role.empty())
    Fail("E-PARAM-003", in.as + " " + Field(who, "name") + " は " + on + " に「" + owner->name + "」ではないため、「" + param->name +
                            "」を定められません（定める者: " + owner->name + "）。`mamori who " + owner->name + " --as-of " + on +
                            "` で在任者を確かめてください。何も変えていません。");
  std::vector<std::string> cites;
  for (const auto& c : param->cite) cites.push_back(c.ref);
  Json row = {{"id", param->id},    {"name", param->name},         {"value", value},     {"unit", param->unit},
              {"by", in.as},        {"by_name", Field(who, "name")}, {"role", owner->id}, {"role_name", owner->name},
              {"scope", held.scope}, {"acting", held.acting},       {"on", on},           {"cite", cites}};
  if (!in.reason.empty()) row["reason"] = in.reason;
  if (in.demo) row["demo"] = true;  // a demonstration value, never the town's
  store::Transaction tx(store);
  const auto before = store.Get("parameter_values", param->id);
  if (before && Field(Json::parse(*before), "value") == value && !in.demo == !Json::parse(*before).value("demo", false)) {
    tx.Commit();
    return Json::parse(*before);  // the same value again: nothing to record
  }
  store.Apply({"parameter_values", param->id, before, row.dump()}, in.actor, in.at.empty() ? store::NowJst() : in.at,
              "param set");
  tx.Commit();
  return row;
}

Json SetSelfSystem(store::Store& store, const std::string& system, const std::string& actor, const std::string& reason) {
  const auto row = store.Get("systems", system);
  if (!row) Fail("E-PARAM-006", "情報システム「" + system + "」は情報システムの台帳にありません。システムコードを確かめてください。");
  Json j = {{"id", "self_system"}, {"system", system}, {"name", Field(Json::parse(*row), "name")}};
  if (!reason.empty()) j["reason"] = reason;
  store::Transaction tx(store);
  const auto before = store.Get("installation", "self_system");
  const std::string was = before ? Field(Json::parse(*before, nullptr, false), "system") : "";
  // Which system is mamori decides who sets the server's values: named once,
  // and changed only with a reason on record (the texts name nobody for it).
  if (!was.empty() && was != system && reason.empty())
    Fail("E-PARAM-007", "mamori の情報システムは既に " + was + " と指定されています。変えるには --reason \"理由\" を付けてください（証跡に残ります）。");
  if (was != system) store.Apply({"installation", "self_system", before, j.dump()}, actor, store::NowJst(), "self");
  tx.Commit();
  return j;
}

std::optional<std::string> OwnerSystem(store::Store& store, const policy::Pack& pack, const policy::Parameter& param) {
  const bool mamoris = !param.enforced.empty() || param.id == pack.evidence.retention;
  for (const auto& r : pack.roles)
    if (r.id == param.owner && r.fill.kind == "system_admin" && mamoris) return SelfSystem(store);
  return std::nullopt;
}

std::string SelfSystem(store::Store& store) {
  const auto row = store.Get("installation", "self_system");
  return row ? Field(Json::parse(*row, nullptr, false), "system") : "";
}

void ApplyParameterValues(store::Store& store, policy::Pack& pack) {
  for (const auto& row : store.List("parameter_values")) {
    const Json j = Json::parse(row.data, nullptr, false);
    if (!j.is_object()) continue;  // ledger verify names a row edited outside mamori
    for (auto& p : pack.parameters) {
      if (p.id != row.id || (p.value && p.set_by.empty())) continue;  // the pack's own value stands
      p.value = Field(j, "value");
      p.set_by = row.data;
    }
  }
}

}  // namespace mamori::registry
