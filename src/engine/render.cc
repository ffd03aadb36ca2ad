// JSON in and out, and the Japanese explanation. nlohmann/json stays here,
// off the decision path.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "engine/snapshot.h"
#include "ledger/canonical.h"

namespace mamori::engine {
namespace {

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

// The answer as a JSON value, for the evidence ledger, which canonicalises
// it (what callers read is written by hand below, in the same shape).
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

namespace {

// Why by hand: ToJson is on every decision's way out (the CLI's batch, the
// API), and building an ordered_json tree of every key only to print it once
// cost more than deciding twenty times over. Strings go through the
// ledger's RFC 8785 writer (one pass: UTF-8 checked, escapes, eight plain
// bytes at a time). This writes the same bytes that
// tree's dump() gave — keys in the same order, compact, UTF-8 kept, the same
// escapes — so what callers read did not change (tests/engine/engine_test.cc
// holds it to ToJsonValue and to nlohmann's own dump of it).
class Writer {
 public:
  // `strict`: for the evidence ledger, where text that is not UTF-8 is
  // refused (std::invalid_argument), never replaced.
  explicit Writer(std::string& out, bool strict = false) : out_(out), strict_(strict) {}
  // A value already written (the canonical raw request).
  void Raw(std::string_view json) {
    Sep();
    out_ += json;
  }
  void Key(std::string_view k) {
    Sep();
    Quoted(k);
    out_ += ':';
    first_ = true;  // the value follows without a comma
  }
  void String(std::string_view s) {
    Sep();
    Quoted(s);
  }
  void Bool(bool b) {
    Sep();
    out_ += b ? "true" : "false";
  }
  void Int(long long n) {
    Sep();
    out_ += std::to_string(n);
  }
  void Open(char c) {
    Sep();
    out_ += c;
    first_ = true;
  }
  void Close(char c) {
    out_ += c;
    first_ = false;
  }
  // A member: its key and its value.
  template <typename V>
  void Field(std::string_view key, const V& value) {
    Key(key);
    if constexpr (std::is_same_v<V, bool>) Bool(value);
    else if constexpr (std::is_integral_v<V>) Int(value);
    else if constexpr (std::is_convertible_v<V, std::string_view>) String(value);
    else Strings(value);
  }
  template <typename Range>
  void Strings(const Range& r) {
    Open('[');
    for (const auto& x : r) String(x);
    Close(']');
  }

 private:
  void Sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  // RFC 8785 escapes a string exactly as nlohmann prints it (the same
  // short escapes, \u00xx below 0x20), so the ledger's writer, which
  // validates UTF-8 in the same pass, serves here too. Not UTF-8: U+FFFD for
  // each bad sequence, as nlohmann's replace handler gives.
  void Quoted(std::string_view s) {
    try {
      ledger::AppendCanonicalString(out_, s);
    } catch (const std::invalid_argument&) {
      if (strict_) throw;
      out_ += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  std::string& out_;
  bool strict_;
  bool first_ = true;
};

void Write(Writer& w, const Decision& d);

}  // namespace

std::string ToJson(const Decision& d) {
  std::string out;
  out.reserve(2048);
  AppendJson(out, d);
  return out;
}

void AppendJson(std::string& out, const Decision& d) {
  Writer w(out);
  Write(w, d);
}

namespace {

void Write(Writer& w, const Decision& d) {
  w.Open('{');
  w.Field("effect", EffectName(d.effect));
  w.Field("date", d.date);
  w.Field("date_defaulted", d.date_defaulted);
  if (!d.subject_name.empty()) w.Field("subject_name", d.subject_name);
  auto pair = [&](const char* key, std::string_view id, std::string_view name) {
    w.Key(key);
    w.Open('{');
    w.Field("id", id);
    w.Field("name", name);
    w.Close('}');
  };
  if (!d.resource_id.empty()) pair("resource", d.resource_id, d.resource_name);
  if (!d.owner_unit.empty()) pair("owner_unit", d.owner_unit, d.owner_unit_name);
  w.Key("approvals");
  w.Open('[');
  for (const auto& a : d.approvals) {
    w.Open('{');
    w.Field("order", a.order);
    w.Field("role", a.role);
    w.Field("role_name", a.role_name);
    w.Field("unit", a.unit);
    w.Field("unit_name", a.unit_name);
    w.Field("holders", a.holders);
    w.Field("holder_names", a.holder_names);
    w.Field("acting", a.acting);
    w.Field("any_of", a.any_of);
    w.Field("vacant", a.vacant);
    w.Field("sod_override", a.sod_override);
    w.Field("collective", a.collective);
    w.Field("quorum", a.quorum);
    w.Close('}');
  }
  w.Close(']');
  auto entries = [&](const char* key, const auto& list, const char* first, const char* second) {
    w.Key(key);
    w.Open('[');
    for (const Entry* e : list) {
      w.Open('{');
      w.Field(first, e->first);
      w.Field(second, e->second);
      w.Close('}');
    }
    w.Close(']');
  };
  entries("obligations", d.obligations, "id", "text");
  w.Key("citations");
  w.Open('[');
  for (const Entry* c : d.citations) {
    w.Open('{');
    w.Field("ref", c->first);
    w.Key("text");
    const Snapshot* s = d.from;
    if (s && c >= s->citations.data() && c < s->citations.data() + s->citations.size())
      w.Raw(s->citation_json[static_cast<std::size_t>(c - s->citations.data())]);
    else
      w.String(c->second);
    w.Close('}');
  }
  w.Close(']');
  w.Key("rules");
  w.Open('[');
  for (const Entry* r : d.rules) w.String(r->first);
  w.Close(']');
  w.Key("reasons");
  w.Open('[');
  for (const Entry* r : d.rules) w.String(r->second);
  for (const auto& r : d.reasons) w.String(r);
  w.Close(']');
  entries("gaps", d.gaps, "id", "note");
  w.Close('}');
}

}  // namespace

nlohmann::json ToJsonValue(const Decision& d) { return Build<nlohmann::json>(d); }

nlohmann::json EvidenceValue(const Snapshot& s, const Decision& d) {
  nlohmann::json j = ToJsonValue(d);
  nlohmann::json citations = nlohmann::json::array();
  for (const Entry* c : d.citations)
    citations.push_back({{"ref", c->first}, {"sha256", s.citation_sha256[static_cast<std::size_t>(c - s.citations.data())]}});
  j["citations"] = std::move(citations);
  return j;
}

namespace {

// The members of ToJsonValue(d) and ToJsonValue(r, d) in RFC 8785 order,
// written in that order by hand (every name is ASCII, so byte order is the
// canonical order); the maps' names come from the pack and are sorted.
void WriteCanonical(Writer& w, const Snapshot& s, const Decision& d) {
  w.Open('{');
  w.Key("approvals");
  w.Open('[');
  for (const auto& a : d.approvals) {
    w.Open('{');
    w.Field("acting", a.acting);
    w.Field("any_of", a.any_of);
    w.Field("collective", a.collective);
    w.Field("holder_names", a.holder_names);
    w.Field("holders", a.holders);
    w.Field("order", a.order);
    w.Field("quorum", a.quorum);
    w.Field("role", a.role);
    w.Field("role_name", a.role_name);
    w.Field("sod_override", a.sod_override);
    w.Field("unit", a.unit);
    w.Field("unit_name", a.unit_name);
    w.Field("vacant", a.vacant);
    w.Close('}');
  }
  w.Close(']');
  auto entries = [&](const char* key, const auto& list, const char* first, const char* second) {
    w.Key(key);
    w.Open('[');
    for (const Entry* e : list) {
      w.Open('{');
      w.Field(first, e->first);
      w.Field(second, e->second);
      w.Close('}');
    }
    w.Close(']');
  };
  auto pair = [&](const char* key, std::string_view id, std::string_view name) {
    w.Key(key);
    w.Open('{');
    w.Field("id", id);
    w.Field("name", name);
    w.Close('}');
  };
  w.Key("citations");
  w.Open('[');
  for (const Entry* c : d.citations) {
    w.Open('{');
    w.Field("ref", c->first);
    w.Field("sha256", s.citation_sha256[static_cast<std::size_t>(c - s.citations.data())]);
    w.Close('}');
  }
  w.Close(']');
  w.Field("date", d.date);
  w.Field("date_defaulted", d.date_defaulted);
  w.Field("effect", EffectName(d.effect));
  entries("gaps", d.gaps, "id", "note");
  entries("obligations", d.obligations, "id", "text");
  if (!d.owner_unit.empty()) pair("owner_unit", d.owner_unit, d.owner_unit_name);
  w.Key("reasons");
  w.Open('[');
  for (const Entry* r : d.rules) w.String(r->second);
  for (const auto& r : d.reasons) w.String(r);
  w.Close(']');
  if (!d.resource_id.empty()) pair("resource", d.resource_id, d.resource_name);
  w.Key("rules");
  w.Open('[');
  for (const Entry* r : d.rules) w.String(r->first);
  w.Close(']');
  if (!d.subject_name.empty()) w.Field("subject_name", d.subject_name);
  w.Close('}');
}

// A map's members in canonical order (std::map's byte order differs from it
// only for names with supplementary characters, which a pack may hold).
template <typename Map>
void WriteMap(Writer& w, std::string_view key, const Map& m) {
  if (m.empty()) return;
  SmallVec<typename Map::const_pointer, 8> members;
  for (const auto& kv : m) members.push_back(&kv);
  std::sort(members.begin(), members.end(),
            [](auto a, auto b) { return ledger::CanonicalNameLess(a->first, b->first); });
  w.Key(key);
  w.Open('{');
  for (auto kv : members) w.Field(kv->first, kv->second);
  w.Close('}');
}

void WriteCanonical(Writer& w, const Request& r, const Decision& d) {
  auto optional = [&](std::string_view key, const std::string& v) {
    if (!v.empty()) w.Field(key, v);
  };
  w.Open('{');
  w.Field("action", r.action);
  optional("area", r.area);
  w.Field("date", d.date);
  w.Field("date_defaulted", d.date_defaulted);
  if (!r.resource_facets.empty()) w.Field("facets", r.resource_facets);
  WriteMap(w, "flags", r.flags);
  optional("from_zone", r.from_zone);
  optional("justification", r.justification);
  WriteMap(w, "levels", r.levels);
  optional("purpose", r.purpose);
  WriteMap(w, "resource", r.resource);
  optional("resource_id", r.resource_id);
  w.Field("subject", r.subject);
  optional("to_zone", r.to_zone);
  optional("with", r.with);
  w.Close('}');
}

}  // namespace

void AppendEvidence(std::string& out, const Snapshot& s, const Request& r, const Decision& d, std::string_view raw) {
  Writer w(out, /*strict=*/true);
  w.Open('{');
  w.Key("as_decided");
  WriteCanonical(w, r, d);
  w.Key("decision");
  WriteCanonical(w, s, d);
  w.Key("request");
  w.Raw(raw);
  w.Close('}');
}

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
