// JSON in and out, and the Japanese explanation. nlohmann/json stays here,
// off the decision path.
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <cstdint>
#include <cstring>

#include "engine/snapshot.h"

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
// cost more than deciding twenty times over. This writes the same bytes that
// tree's dump() gave — keys in the same order, compact, UTF-8 kept, the same
// escapes — so what callers read did not change (tests/engine/engine_test.cc
// holds it to ToJsonValue and to nlohmann's own dump of it).
class Writer {
 public:
  // `check`: hold each string to UTF-8 (the slow way, for an answer that
  // turned out not to be); otherwise strings are copied as they are.
  Writer(std::string& out, bool check) : out_(out), check_(check) {}
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
  void Quoted(std::string_view s) {
    if (check_ && !simdjson::validate_utf8(s.data(), s.size())) {  // as nlohmann's error_handler_t::replace does: U+FFFD for each bad sequence
      out_ += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
    out_ += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      // Eight bytes at a time while none needs an escape (the article texts
      // are long and have none): a byte below 0x20, a quote or a backslash.
      while (i + 8 <= s.size()) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + i, 8);
        constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
        auto zero = [&](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
        const std::uint64_t below = (x - kOnes * 0x20) & ~x & kHigh;
        if (below | zero(x ^ (kOnes * '"')) | zero(x ^ (kOnes * '\\'))) break;
        i += 8;
      }
      if (i >= s.size()) break;
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          static const char* kHex = "0123456789abcdef";
          out_ += "\\u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 15];
        }
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }
  std::string& out_;
  bool check_;
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
  const std::size_t start = out.size();
  Writer fast(out, false);
  Write(fast, d);
  // One check of the whole answer: it is UTF-8 exactly when every string in
  // it is (the escapes are ASCII). Rarely not: then string by string.
  if (simdjson::validate_utf8(out.data() + start, out.size() - start)) return;
  out.resize(start);
  Writer checked(out, true);
  Write(checked, d);
}

namespace {

void Write(Writer& w, const Decision& d) {
  w.Open('{');
  w.Key("effect");
  w.String(EffectName(d.effect));
  w.Key("date");
  w.String(d.date);
  w.Key("date_defaulted");
  w.Bool(d.date_defaulted);
  if (!d.subject_name.empty()) {
    w.Key("subject_name");
    w.String(d.subject_name);
  }
  auto pair = [&](const char* key, std::string_view id, std::string_view name) {
    w.Key(key);
    w.Open('{');
    w.Key("id");
    w.String(id);
    w.Key("name");
    w.String(name);
    w.Close('}');
  };
  if (!d.resource_id.empty()) pair("resource", d.resource_id, d.resource_name);
  if (!d.owner_unit.empty()) pair("owner_unit", d.owner_unit, d.owner_unit_name);
  w.Key("approvals");
  w.Open('[');
  for (const auto& a : d.approvals) {
    w.Open('{');
    w.Key("order"), w.Int(a.order);
    w.Key("role"), w.String(a.role);
    w.Key("role_name"), w.String(a.role_name);
    w.Key("unit"), w.String(a.unit);
    w.Key("unit_name"), w.String(a.unit_name);
    w.Key("holders"), w.Strings(a.holders);
    w.Key("holder_names"), w.Strings(a.holder_names);
    w.Key("acting"), w.Strings(a.acting);
    w.Key("any_of"), w.Bool(a.any_of);
    w.Key("vacant"), w.Bool(a.vacant);
    w.Key("sod_override"), w.Bool(a.sod_override);
    w.Key("collective"), w.Bool(a.collective);
    w.Key("quorum"), w.Int(a.quorum);
    w.Close('}');
  }
  w.Close(']');
  auto entries = [&](const char* key, const auto& list, const char* first, const char* second) {
    w.Key(key);
    w.Open('[');
    for (const Entry* e : list) {
      w.Open('{');
      w.Key(first), w.String(e->first);
      w.Key(second), w.String(e->second);
      w.Close('}');
    }
    w.Close(']');
  };
  entries("obligations", d.obligations, "id", "text");
  entries("citations", d.citations, "ref", "text");
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
