// JSON in and out, and the Japanese explanation. nlohmann/json stays here,
// off the decision path.
#include <nlohmann/json.hpp>

#include "engine/snapshot.h"

namespace mamori::engine {
namespace {

using Json = nlohmann::ordered_json;

template <typename V>
std::vector<std::string> Strings(const V& v) {
  return std::vector<std::string>(v.begin(), v.end());
}

}  // namespace

std::vector<std::string> Reasons(const Decision& d) {
  std::vector<std::string> out;
  for (const Entry* r : d.rules) out.push_back(r->second);
  out.insert(out.end(), d.reasons.begin(), d.reasons.end());
  return out;
}

namespace {

// Built twice over: in insertion order for what callers read (effect first),
// and as a plain json for the evidence ledger, which canonicalises it.
template <typename Json>
Json Build(const Decision& d) {
  Json j;
  j["effect"] = EffectName(d.effect);
  j["date"] = d.date;
  j["date_defaulted"] = d.date_defaulted;
  if (!d.subject_name.empty()) j["subject_name"] = std::string(d.subject_name);
  if (!d.resource_id.empty())
    j["resource"] = {{"id", std::string(d.resource_id)}, {"name", std::string(d.resource_name)}};
  if (!d.owner_unit.empty())
    j["owner_unit"] = {{"id", std::string(d.owner_unit)}, {"name", std::string(d.owner_unit_name)}};
  Json approvals = Json::array();
  for (const auto& a : d.approvals) {
    approvals.push_back({{"order", a.order}, {"role", std::string(a.role)}, {"role_name", std::string(a.role_name)},
                         {"unit", std::string(a.unit)}, {"unit_name", std::string(a.unit_name)},
                         {"holders", Strings(a.holders)}, {"holder_names", Strings(a.holder_names)},
                         {"acting", Strings(a.acting)}, {"any_of", a.any_of},
                         {"vacant", a.vacant},
                         {"sod_override", a.sod_override}, {"collective", a.collective}, {"quorum", a.quorum}});
  }
  j["approvals"] = std::move(approvals);
  Json obligations = Json::array();
  for (const Entry* o : d.obligations) obligations.push_back({{"id", o->first}, {"text", o->second}});
  j["obligations"] = std::move(obligations);
  Json citations = Json::array();
  for (const Entry* c : d.citations) citations.push_back({{"ref", c->first}, {"text", c->second}});
  j["citations"] = std::move(citations);
  Json rules = Json::array();
  for (const Entry* r : d.rules) rules.push_back(r->first);
  j["rules"] = std::move(rules);
  j["reasons"] = Reasons(d);
  Json gaps = Json::array();
  for (const Entry* g : d.gaps) gaps.push_back({{"id", g->first}, {"note", g->second}});
  j["gaps"] = std::move(gaps);
  return j;
}

}  // namespace

std::string ToJson(const Decision& d) {
  return Build<Json>(d).dump(-1, ' ', false, Json::error_handler_t::replace);
}

nlohmann::json ToJsonValue(const Decision& d) { return Build<nlohmann::json>(d); }

std::string Explain(const Snapshot& s, const Request& r, const Decision& d) {
  std::string out;
  std::string action = r.action;
  if (int a = s.ActionOf(r.action); a >= 0) action = s.actions[a].name;
  std::string who = r.subject;
  if (!d.subject_name.empty()) who += " " + std::string(d.subject_name);
  out += "【判断】" + who + " の「" + action + "」（" + d.date + (d.date_defaulted ? "、日付の指定がないため今日" : "") + "）: ";
  out += d.effect == Effect::kPermit ? "許可" : d.effect == Effect::kDeny ? "禁止" : "承認が必要";
  out += "\n";
  if (!d.resource_id.empty()) out += "【対象】" + std::string(d.resource_id) + " " + std::string(d.resource_name) + "\n";
  if (!d.owner_unit.empty()) out += "【所管】" + std::string(d.owner_unit_name) + "（" + std::string(d.owner_unit) + "）\n";
  for (const auto& a : d.approvals) {
    out += "【承認】" + std::to_string(a.order) + ". " + std::string(a.role_name) +
           (a.unit.empty() ? "" : "（" + std::string(a.unit_name) + " " + std::string(a.unit) + "）") + ": ";
    if (a.collective) out += "合議（" + (a.quorum ? "定足数 " + std::to_string(a.quorum) + " 人" : std::string("定足数は未設定")) + "）: ";
    if (a.vacant) out += "空席";
    else if (a.sod_override) out += "申請者本人（理由を記録して承認）";
    else if (a.holders.empty()) out += "承認できる者がいません";
    for (std::size_t i = 0; i < a.holders.size(); ++i) {
      std::string name = std::string(a.holders[i]) + " " + std::string(a.holder_names[i]);
      bool acting = std::find(a.acting.begin(), a.acting.end(), a.holders[i]) != a.acting.end();
      out += (i ? (a.any_of ? " 又は " : "、") : "") + name + (acting ? "（代理）" : "");
    }
    out += "\n";
  }
  for (const Entry* o : d.obligations) out += "【義務】" + o->second + "\n";
  for (const auto& reason : Reasons(d)) out += "【理由】" + reason + "\n";
  for (const Entry* g : d.gaps) out += "【本文の欠落】" + g->second + "\n";
  for (const Entry* c : d.citations) out += "【根拠】" + c->first + "\n" + c->second + "\n";
  return out;
}

}  // namespace mamori::engine
