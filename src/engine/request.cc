// The request contract (docs/decide.md): JSON text -> a Request whose every
// value is an id the snapshot knows.
//
// Parse, then validate, as Cedar splits them: the text is first held to its
// shape (size, depth, string length) before a tree is built, because a tree
// of any depth is walked recursively later (the repeated-key check, the
// ledger's canonical form); then no key may be repeated in one object, and
// every key and value is checked against the pack's vocabulary and the
// registers. Nothing unknown becomes a default: a typo would otherwise match
// no rule and get the most permissive answer.
//
// simdjson's DOM, not nlohmann's tree, holds the parsed request: this is on
// every decision's way in (the CLI's batch, the API), and nlohmann's tree of
// small maps cost several times the decision itself; the raw copy the
// evidence ledger keeps (`raw`) is written from the same DOM.
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <optional>

#include "engine/small_vec.h"
#include "engine/snapshot.h"
#include "ledger/canonical.h"
#include "registry/io/table_io.h"

namespace mamori::engine {
namespace {

using Json = nlohmann::json;

[[noreturn]] void Fail(const char* code, const std::string& message) { throw store::Error(code, message); }

// Byte-level edit distance: enough to suggest "confidentiality" for
// "confidentialty"; for Japanese names the nearest by bytes is still useful.
std::size_t Distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string Joined(const std::vector<std::string>& v, std::size_t most = 40) {
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < most; ++i) out += (i ? "、" : "") + v[i];
  if (v.size() > most) out += " ほか" + std::to_string(v.size() - most) + "件";
  return out;
}

// "「x」のことですか？" for the nearest candidate, when it is near enough.
std::string Suggest(std::string_view x, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_d = 0;
  for (const auto& c : candidates) {
    std::size_t d = Distance(x, c);
    if (!best || d < best_d) best = &c, best_d = d;
  }
  if (!best || best_d > std::max<std::size_t>(2, x.size() / 3)) return "";
  return "「" + *best + "」のことですか？";
}

// Folded for comparison: full-width ASCII to ASCII, ASCII letters to lower
// case, surrounding spaces dropped. "Ｃ３", "c3" and " C3 " all become "c3".
std::string Key(std::string_view s) {
  std::string t = registry::io::FoldWidth(s);
  std::size_t b = t.find_first_not_of(' '), e = t.find_last_not_of(' ');
  t = b == std::string::npos ? "" : t.substr(b, e - b + 1);
  for (auto& c : t)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return t;
}

// The shape check, before any tree is built. JSON's structure is visible at
// the byte level (brackets outside strings), so one pass bounds depth and
// string length; the parser then sees only bounded input.
void CheckShape(std::string_view text) {
  if (text.size() > kMaxRequestBytes)
    Fail("E-DEC-009", "要求が大きすぎます（" + std::to_string(text.size()) + " バイト、上限 " +
                          std::to_string(kMaxRequestBytes) + " バイト）。1件の要求は1行の JSON にしてください。");
  int depth = 0;
  bool in_string = false, escape = false;
  std::size_t string_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') {
        in_string = false;
        if (i - string_start > kMaxStringBytes)
          Fail("E-DEC-009", "要求の文字列が長すぎます（" + std::to_string(i - string_start) + " バイト、上限 " +
                                std::to_string(kMaxStringBytes) + " バイト）。理由（justification）は要点を書いてください。");
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      string_start = i + 1;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxRequestDepth)
        Fail("E-DEC-009", "要求の入れ子が深すぎます（上限 " + std::to_string(kMaxRequestDepth) +
                              " 段）。docs/decide.md の形式で書いてください。");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
}

using Element = simdjson::dom::element;
using Type = simdjson::dom::element_type;

// An element already known to be an object (array) as one; get() rather
// than value_unsafe(), which GCC 12 reads as a use of an unset member.
simdjson::dom::object ObjectOf(Element e) {
  simdjson::dom::object o;
  if (e.get(o) != simdjson::SUCCESS) Fail("E-DEC-006", "オブジェクトのはずの値がオブジェクトではありません。");
  return o;
}
simdjson::dom::array ArrayOf(Element e) {
  simdjson::dom::array a;
  if (e.get(a) != simdjson::SUCCESS) Fail("E-DEC-006", "配列のはずの値が配列ではありません。");
  return a;
}

// The first key written twice in one object, in document order ("" when
// none): a request that says confidentiality twice is refused instead of
// decided on one of them. Depth is bounded by CheckShape.
std::string_view FirstRepeated(Element e) {
  if (e.type() == Type::ARRAY) {
    for (Element x : ArrayOf(e))
      if (auto r = FirstRepeated(x); !r.empty()) return r;
  } else if (e.type() == Type::OBJECT) {
    SmallVec<std::string_view, 8> seen;
    for (auto field : ObjectOf(e)) {
      if (std::find(seen.begin(), seen.end(), field.key) != seen.end()) return field.key;
      seen.push_back(field.key);
      if (auto r = FirstRepeated(field.value); !r.empty()) return r;
    }
  }
  return {};
}

// One parser a thread, reused: its buffers grow to the largest request seen
// (at most kMaxRequestBytes) and are not allocated again.
Element ParseJson(std::string_view text) {
  // A file saved by Windows' Notepad or Excel starts with a BOM; JSON
  // parsers commonly skip it (nlohmann did), and so does this one.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  CheckShape(text);
  thread_local simdjson::dom::parser parser;
  Element j;
  if (parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(j) != simdjson::SUCCESS)
    Fail("E-DEC-001", "要求を JSON として読めません（UTF-8 の JSON オブジェクト1つを1行に）。docs/decide.md の形式"
                      "（{\"subject\": …, \"action\": …}）で書いてください。");
  if (j.type() != Type::OBJECT) Fail("E-DEC-001", "要求は JSON オブジェクト（{ … }）で書いてください。");
  if (const auto repeated = FirstRepeated(j); !repeated.empty())
    Fail("E-DEC-005", "キー「" + std::string(repeated) + "」が同じ場所に2回あります。1回だけ書いてください。");
  return j;
}

// The request in the evidence ledger's canonical form (RFC 8785), straight
// from the parsed DOM: printing it through a second parser's tree cost more
// than deciding it. Numbers are read as nlohmann reads them (an integer in
// int64, else uint64, else a double), so the bytes are those of
// ledger::Canonical over nlohmann's parse (tests/engine/evidence_test.cc and
// fuzz/decide_request_fuzz.cc hold them so). Depth is bounded by CheckShape.
void AppendCanonical(std::string& out, Element v) {
  switch (v.type()) {
    case Type::OBJECT: {
      SmallVec<std::pair<std::string_view, Element>, 8> members;
      for (auto field : ObjectOf(v)) members.push_back({field.key, field.value});
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return ledger::CanonicalNameLess(a.first, b.first); });
      out += '{';
      bool first = true;
      for (const auto& [name, value] : members) {
        if (!first) out += ',';
        first = false;
        ledger::AppendCanonicalString(out, name);
        out += ':';
        AppendCanonical(out, value);
      }
      out += '}';
      return;
    }
    case Type::ARRAY: {
      out += '[';
      bool first = true;
      for (Element x : ArrayOf(v)) {
        if (!first) out += ',';
        first = false;
        AppendCanonical(out, x);
      }
      out += ']';
      return;
    }
    case Type::STRING: ledger::AppendCanonicalString(out, v.get_string().value_unsafe()); return;
    case Type::INT64: out += std::to_string(v.get_int64().value_unsafe()); return;
    case Type::UINT64: out += std::to_string(v.get_uint64().value_unsafe()); return;
    case Type::DOUBLE: ledger::AppendCanonicalNumber(out, v.get_double().value_unsafe()); return;
    case Type::BOOL: out += v.get_bool().value_unsafe() ? "true" : "false"; return;
    case Type::NULL_VALUE: out += "null"; return;
  }
}

std::string TypeName(Element v) {
  switch (v.type()) {
    case Type::STRING: return "文字列";
    case Type::BOOL: return "真偽値";
    case Type::INT64:
    case Type::UINT64:
    case Type::DOUBLE: return "数値";
    case Type::ARRAY: return "配列";
    case Type::OBJECT: return "オブジェクト";
    case Type::NULL_VALUE: return "null";
  }
  return "値";
}

// A value as written, for a message: as nlohmann prints it (the messages
// said `123`, `true`, `null`, `[1]` before simdjson read the requests).
std::string Dump(Element v) { return nlohmann::json::parse(simdjson::minify(v), nullptr, false).dump(); }

// Where a value stands in the request ("context.date"), joined only when a
// message needs it: most requests are right, and building the name of every
// key cost more than checking its value.
struct Where {
  std::string_view head, key;
  Where(const char* h) : head(h) {}  // NOLINT: a literal names a top-level key
  Where(std::string_view h, std::string_view k) : head(h), key(k) {}
  std::string str() const { return std::string(head) + std::string(key); }
};
std::string operator+(const Where& w, std::string_view s) { return w.str() + std::string(s); }

std::string_view String(Element v, const Where& where, const char* hint = "") {
  if (v.type() != Type::STRING)
    Fail("E-DEC-006", where + " は文字列で書いてください（" + TypeName(v) + " " + Dump(v) + " が書かれています）。" + hint);
  return v.get_string().value_unsafe();
}

// A value that must name one of `ids` (or one of `names`, same order).
struct Vocabulary {
  std::vector<std::string> ids, names;
  // Returns the index, or -1.
  int Find(std::string_view value) const {
    const std::string k = Key(value);
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (Key(ids[i]) == k || (i < names.size() && Key(names[i]) == k)) return static_cast<int>(i);
    return -1;
  }
  std::string Listing() const {
    std::vector<std::string> shown;
    for (std::size_t i = 0; i < ids.size(); ++i)
      shown.push_back(i < names.size() && !names[i].empty() && names[i] != ids[i] ? ids[i] + "（" + names[i] + "）" : ids[i]);
    return Joined(shown);
  }
  // `what` names where the valid values live: "パックのゾーン", "管理区域の台帳".
  std::string Resolve(const std::string& value, const Where& where, const std::string& what) const {
    int i = Find(value);
    if (i >= 0) return ids[i];
    std::vector<std::string> all = ids;
    all.insert(all.end(), names.begin(), names.end());
    Fail("E-DEC-007", where + " の「" + value + "」は" + what + "にありません。" + Suggest(value, all) +
                          "書けるのは " + Listing() + " です。");
  }
};

// The value as written when it is already one of `ids` (the common case: a
// caller that sends ids pays for no folding and no listing); otherwise what
// `slow()` resolves it to, with its error.
template <typename Slow>
std::string Exact(const std::vector<std::string>& ids, const std::string& value, Slow slow) {
  for (const auto& id : ids)
    if (id == value) return value;
  return slow();
}

Vocabulary Levels(const policy::Axis& axis) {
  Vocabulary v;
  for (const auto& l : axis.levels) {
    v.ids.push_back(l.id);
    v.names.push_back(l.name);
  }
  return v;
}

template <typename T>
Vocabulary Named(const std::vector<T>& items) {
  Vocabulary v;
  for (const auto& x : items) {
    v.ids.push_back(x.id);
    v.names.push_back(x.name);
  }
  return v;
}

[[noreturn]] void UnknownKey(const std::string& key, const std::string& where, const std::vector<std::string>& valid) {
  Fail("E-DEC-005", where + " に未知のキー「" + key + "」があります。" + Suggest(key, valid) + "書けるキーは " +
                        Joined(valid) + " です（docs/decide.md）。");
}

// A level of axis `ax` as the pack's id, given as id, label or full-width form.
std::string Level(const Snapshot& s, std::size_t ax, Element v, const Where& where) {
  const std::string given(String(v, where));
  const auto& axis = s.pack.classification.axes[ax];
  return Exact(s.level_ids[ax], given, [&] { return Levels(axis).Resolve(given, where, "パックの" + axis.name + "の段階"); });
}

std::string Zone(const Snapshot& s, Element v, const Where& where) {
  const std::string given(String(v, where));
  return Exact(s.zone_ids, given, [&] { return Named(s.pack.zones).Resolve(given, where, "パックのゾーン"); });
}

// The keys besides the axes and flags, one list each for dispatch's error message.
const std::vector<std::string> kResourceKeys = {"id", "facets", "owner_unit", "zone", "system"};
const std::vector<std::string> kContextKeys = {"date", "from_zone", "to_zone", "justification", "purpose", "with", "area"};

std::vector<std::string> ValidKeys(const Snapshot& s, const std::vector<std::string>& own, bool flags) {
  std::vector<std::string> v = own;
  if (flags) v.insert(v.end(), std::begin(kFlags), std::end(kFlags));
  v.insert(v.end(), s.axis_ids.begin(), s.axis_ids.end());
  return v;
}

std::string Unit(const Snapshot& s, const std::string& value, const Where& where) {
  if (s.UnitOf(value) >= 0) return value;
  const std::string folded = registry::io::FoldWidth(value);
  if (s.UnitOf(folded) >= 0) return folded;
  if (auto it = s.unit_by_name.find(value); it != s.unit_by_name.end()) {
    if (it->second < 0)
      Fail("E-DEC-007", where + " の「" + value + "」という名称の組織が2つ以上あります。組織コードで書いてください。");
    return s.unit_ids[it->second];
  }
  std::vector<std::string> all = s.unit_ids;
  all.insert(all.end(), s.unit_names.begin(), s.unit_names.end());
  Fail("E-DEC-007", where + " の「" + value + "」は組織の台帳にありません。" + Suggest(value, all) +
                        "組織コードか名称で書いてください（mamori export 組織 で一覧を出せます）。");
}

std::string Date(Element v, const Where& where) {
  const std::string text(String(v, where));
  auto iso = registry::io::ParseDate(text);
  if (!iso)
    Fail("E-DEC-004", where + " の「" + text + "」は日付として読めません（存在しない日付を含む）。2026-04-01、2026/4/1、"
                      "令和8年4月1日、R8.4.1 のように書いてください。");
  return *iso;
}

}  // namespace

Request ParseRequest(const Snapshot& s, std::string_view text, std::string* raw) {
  const Element j = ParseJson(text);
  static const std::vector<std::string> kTop = {"subject", "action", "resource", "context"};
  std::optional<Element> subject, action, resource, context;
  for (auto field : ObjectOf(j)) {
    const std::string_view k = field.key;
    if (k == "subject") subject = field.value;
    else if (k == "action") action = field.value;
    else if (k == "resource") resource = field.value;
    else if (k == "context") context = field.value;
    else UnknownKey(std::string(k), "要求", kTop);
  }
  Request r;
  if (!subject) Fail("E-DEC-001", "要求に subject（申請者の職員番号）がありません。");
  if (!action) Fail("E-DEC-001", "要求に action（行為）がありません。");
  r.subject = String(*subject, "subject", "職員番号は先頭の 0 を失わないよう \"000123\" のように引用符で囲んでください。");
  {
    const std::string a(String(*action, "action"));
    if (s.ActionOf(a) >= 0) {
      r.action = a;
    } else {
      Vocabulary actions = Named(s.pack.actions);
      int i = actions.Find(a);
      if (i < 0)
        Fail("E-DEC-002", "行為「" + a + "」はパックにありません。" + Suggest(a, [&] {
                            auto all = actions.ids;
                            all.insert(all.end(), actions.names.begin(), actions.names.end());
                            return all;
                          }()) + "行為は id か名称で書いてください（mamori pack show で一覧を確認できます）。");
      r.action = actions.ids[i];
    }
  }

  const std::vector<std::string>& axis_keys = s.axis_ids;
  if (resource) {
    const Element res = *resource;
    if (res.type() == Type::STRING) {
      r.resource_id = res.get_string().value_unsafe();
    } else if (res.type() == Type::OBJECT) {
      for (auto field : ObjectOf(res)) {
        const std::string k(field.key);
        const Element v = field.value;
        const Where where("resource.", k);
        if (k == "id") {
          r.resource_id = String(v, where);
        } else if (k == "facets") {
          if (v.type() != Type::ARRAY) Fail("E-DEC-006", where + " は配列（[\"my_number\"] など）で書いてください。");
          const Vocabulary facets = Named(s.pack.facets);  // a few entries; only read when a name is given
          for (Element x : ArrayOf(v)) {
            const std::string given(String(x, where));
            std::string f = Exact(s.facet_ids, given, [&] { return facets.Resolve(given, where, "パックの情報の性質"); });
            if (std::find(r.resource_facets.begin(), r.resource_facets.end(), f) == r.resource_facets.end())
              r.resource_facets.push_back(std::move(f));
          }
        } else if (k == "owner_unit") {
          r.resource["owner_unit"] = Unit(s, std::string(String(v, where)), where);
        } else if (k == "zone") {
          r.resource["zone"] = Zone(s, v, where);
        } else if (k == "system") {
          const std::string sys(String(v, where));
          if (s.SystemOf(sys) < 0)
            Fail("E-DEC-007", where + " の「" + sys + "」は情報システムの台帳にありません。" + Suggest(sys, s.system_ids) +
                                  "システムコードで書いてください。");
          r.resource["system"] = sys;
        } else if (auto ax = std::find(axis_keys.begin(), axis_keys.end(), k); ax != axis_keys.end()) {
          r.resource[k] = Level(s, static_cast<std::size_t>(ax - axis_keys.begin()), v, where);
        } else {
          UnknownKey(k, "resource", ValidKeys(s, kResourceKeys, false));
        }
      }
    } else {
      Fail("E-DEC-006", "resource は台帳の番号（文字列）か属性のオブジェクトで書いてください（" + TypeName(res) + " が書かれています）。");
    }
    if (!r.resource_id.empty() && s.AssetOf(r.resource_id) < 0 && s.DeviceOf(r.resource_id) < 0 &&
        s.SystemOf(r.resource_id) < 0) {
      const std::string folded = registry::io::FoldWidth(r.resource_id);
      if (s.AssetOf(folded) >= 0 || s.DeviceOf(folded) >= 0 || s.SystemOf(folded) >= 0) r.resource_id = folded;
    }
  }

  if (context) {
    const Element ctx = *context;
    if (ctx.type() != Type::OBJECT) Fail("E-DEC-006", "context はオブジェクト（{ … }）で書いてください。");
    for (auto field : ObjectOf(ctx)) {
      const std::string k(field.key);
      const Element v = field.value;
      const Where where("context.", k);
      if (k == "date") {
        r.date = Date(v, where);
      } else if (k == "from_zone" || k == "to_zone") {
        (k == "from_zone" ? r.from_zone : r.to_zone) = Zone(s, v, where);
      } else if (k == "purpose") {
        // 業務 / 業務外: what 安田町 第24条第1項, 第79条 and 北海道's 業務外 rules turn on.
        const std::string given(String(v, where));
        const std::string p = Key(given);
        if (p == "business" || p == "業務") r.purpose = "business";
        else if (p == "non_business" || p == "業務外" || p == "業務以外") r.purpose = "non_business";
        else Fail("E-DEC-007", where + " の「" + given + "」は目的として読めません。business（業務）か non_business（業務外）で書いてください。");
      } else if (k == "with") {
        const std::string id(String(v, where));
        if (s.SystemOf(id) < 0 && s.AssetOf(id) < 0)
          Fail("E-DEC-007", where + " の「" + id + "」は情報システム・情報資産の台帳にありません。" + Suggest(id, s.system_ids) +
                                "媒体を使うシステムなど、行為に関わる2つ目の対象を台帳の番号で書いてください。");
        r.with = id;
      } else if (k == "area") {
        const std::string a(String(v, where));
        Vocabulary areas{s.area_ids, s.area_names};
        if (areas.ids.empty()) Fail("E-DEC-007", where + ": 管理区域の台帳が空です。mamori import 管理区域 で登録してください。");
        r.area = areas.Resolve(a, where, "管理区域の台帳");
      } else if (k == "justification") {
        r.justification = String(v, where);
        if (r.justification.find_first_not_of(" \t\r\n") == std::string::npos)
          Fail("E-DEC-006", where + " が空です。やむを得ない理由を書くか、キーごと除いてください。");
      } else if (std::find(kFlags, kFlags + kFlagCount, k) != kFlags + kFlagCount) {
        if (v.type() != Type::BOOL)
          Fail("E-DEC-006", where + " は true か false で書いてください（" + TypeName(v) + " " + Dump(v) + " が書かれています）。");
        r.flags[k] = v.get_bool().value_unsafe();
      } else if (auto ax = std::find(axis_keys.begin(), axis_keys.end(), k); ax != axis_keys.end()) {
        r.levels[k] = Level(s, static_cast<std::size_t>(ax - axis_keys.begin()), v, where);
      } else {
        UnknownKey(k, "context", ValidKeys(s, kContextKeys, true));
      }
    }
  }
  // The ledger's copy, as written (already known to be valid and unrepeated).
  if (raw) {
    raw->clear();
    AppendCanonical(*raw, j);
  }
  return r;
}

Json ToJsonValue(const Request& r, const Decision& d) {
  Json j = {{"subject", r.subject}, {"action", r.action}, {"date", d.date}, {"date_defaulted", d.date_defaulted}};
  if (!r.resource_id.empty()) j["resource_id"] = r.resource_id;
  if (!r.resource.empty()) j["resource"] = r.resource;
  if (!r.resource_facets.empty()) j["facets"] = r.resource_facets;
  if (!r.levels.empty()) j["levels"] = r.levels;
  if (!r.from_zone.empty()) j["from_zone"] = r.from_zone;
  if (!r.to_zone.empty()) j["to_zone"] = r.to_zone;
  if (!r.flags.empty()) j["flags"] = r.flags;
  if (!r.justification.empty()) j["justification"] = r.justification;
  if (!r.purpose.empty()) j["purpose"] = r.purpose;
  if (!r.with.empty()) j["with"] = r.with;
  if (!r.area.empty()) j["area"] = r.area;
  return j;
}

}  // namespace mamori::engine
