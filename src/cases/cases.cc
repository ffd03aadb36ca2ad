// Opening cases and acting on them (cases.h states the invariants).
#include "cases/cases.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "engine/engine.h"
#include "registry/binding.h"
#include "registry/registry.h"

namespace mamori::cases {
namespace {

std::string Today() { return store::NowJst().substr(0, 10); }

std::string Pad(long n, int width) {
  std::string s = std::to_string(n);
  return std::string(s.size() < static_cast<std::size_t>(width) ? width - s.size() : 0, '0') + s;
}

// 年度 of an ISO date: April to March.
int FiscalYear(const std::string& date) {
  const int y = std::stoi(date.substr(0, 4)), m = std::stoi(date.substr(5, 2));
  return m >= 4 ? y : y - 1;
}

Json Parse(const std::string& text) { return Json::parse(text); }

std::string Field(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

[[noreturn]] void Fail(const char* code, const std::string& message) { throw store::Error(code, message); }

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

Json CitesJson(const policy::Cites& cs) {
  Json out = Json::array();
  for (const auto& c : cs) out.push_back(c.ref);
  return out;
}

// "2026-04-01T09:00:00+09:00" -> seconds since the epoch (JST as written).
long long Seconds(const std::string& at) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(at.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) < 3) return 0;
  // Days from civil (Howard Hinnant's algorithm).
  y -= mo <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long long days = era * 146097 + static_cast<long long>(doe) - 719468;
  return days * 86400 + h * 3600 + mi * 60 + s;
}

std::string Elapsed(const std::string& from, const std::string& to) {
  long long s = Seconds(to) - Seconds(from);
  if (s < 0) s = 0;
  const long long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
  return (d ? std::to_string(d) + "日" : "") + (d || h ? std::to_string(h) + "時間" : "") + std::to_string(m) + "分";
}

// 「000022 上川 智香（情報セキュリティ責任者・税務課）」, as every message names a person.
std::string WhoText(const Who& w) { return w.person + " " + w.name + "（" + w.post + (w.acting ? "・代理" : "") + "）"; }

const char* VerbName(Cases::Verb v) {
  switch (v) {
    case Cases::Verb::kApprove: return "approve";
    case Cases::Verb::kRecord: return "record";
    case Cases::Verb::kReject: return "reject";
    case Cases::Verb::kReturn: return "return";
    case Cases::Verb::kResubmit: return "resubmit";
    case Cases::Verb::kWithdraw: return "withdraw";
    case Cases::Verb::kConfirm: return "confirm";
    case Cases::Verb::kNote: return "note";
  }
  return "";
}

std::string EventName(const std::string& type) {
  static const std::map<std::string, std::string> names = {
      {"open", "開始"},   {"approve", "承認"},     {"record", "記録"},     {"confirm", "義務の確認"}, {"reject", "却下"},
      {"return", "差戻し"}, {"resubmit", "再申請"}, {"withdraw", "取下げ"}, {"note", "メモ"}};
  auto it = names.find(type);
  return it == names.end() ? type : it->second;
}

}  // namespace

struct Cases::Resolved {
  std::vector<Who> who;
  std::string why;  // when `who` is empty
  int quorum = -1;  // a committee's, as the decision of that day gives it (-1: not a committee)
};

Cases::Cases(store::Store& store, const policy::Pack& pack, const reiki::Regulation& regulation, std::string actor)
    : store_(store), pack_(pack), regulation_(regulation), actor_(std::move(actor)), pack_hash_(registry::HashPack(pack)) {}

// C<年度>-<number>: numbered per 年度 under the write lock. The counter is
// kept in the store's meta (counting the cases would read them all); an id
// that is somehow taken already is skipped, never reused.
std::string Cases::NextId(const std::string& day) {
  const std::string fy = std::to_string(FiscalYear(day)), key = "case_seq_" + fy;
  long n = 0;
  if (auto v = store_.GetMeta(key)) n = std::atol(v->c_str());
  std::string id;
  do id = "C" + fy + "-" + Pad(++n, 6);
  while (store_.Get("cases", id));
  store_.SetMeta(key, std::to_string(n));
  return id;
}

std::string Cases::EventRowId(const std::string& case_id, long n) { return case_id + "/" + Pad(n, 4); }

std::string Cases::At(const std::string& date) const {
  // A command dated by hand (--at) records 09:00 JST of that day, as imports do.
  return date.empty() ? store::NowJst() : date + "T09:00:00+09:00";
}

std::vector<Json> Cases::Events(const std::string& case_id) {
  std::vector<Json> out;
  for (const auto& r : store_.ListPrefix("case_events", case_id + "/")) out.push_back(Parse(r.data));
  return out;
}

State Cases::Get(const std::string& case_id) {
  auto events = Events(case_id);
  if (events.empty()) Fail("E-CASE-005", "案件「" + case_id + "」はありません。`mamori case list` で番号を確かめてください。");
  return Replay(events);
}

namespace {

// A person of the 職員 register, or E-CASE-004.
Json Person(store::Store& store, const std::string& id, const char* what) {
  if (id.empty()) Fail("E-CASE-004", std::string(what) + "の職員番号を --as で指定してください。");
  auto row = store.Get("people", id);
  if (!row) Fail("E-CASE-004", std::string(what) + "「" + id + "」は職員の台帳にありません。職員番号を確かめてください（先頭の 0 も番号の一部です）。");
  return Parse(*row);
}

// The name of the secretariat (庶務) of the committee a collective step is
// for, when `unit` (the acting person's 課 in the 職員 register) is it or
// lies within it; "" otherwise, and when the pack names none. The text names
// the secretariat as a unit's name (安田町 第16条第7項 「総務課」): exactly
// one unit of the register must bear it, or nobody is taken for it.
std::string Secretariat(store::Store& store, const policy::Pack& pack, const Json& step, const std::string& unit) {
  if (unit.empty()) return "";
  for (const auto& role : step.value("roles", std::vector<std::string>{}))
    for (const auto& r : pack.roles) {
      if (r.id != role || r.fill.kind != "committee" || r.fill.secretariat.empty()) continue;
      std::string office;
      int named = 0;
      std::map<std::string, std::string> parent;
      for (const auto& u : store.List("units")) {
        const Json j = Parse(u.data);
        parent[u.id] = Field(j, "parent");
        if (Field(j, "name") == r.fill.secretariat) office = u.id, ++named;
      }
      if (named != 1) continue;
      std::string at = unit;
      for (int guard = 0; !at.empty() && guard < 64; ++guard, at = parent[at])
        if (at == office) return r.fill.secretariat;
    }
  return "";
}

// The people a record names (花巻市 第9第3号イ 「複数の人間で」 確認): 職員番号
// split on 、，, or spaces, each in the 職員 register, at least `n` of them
// distinct. What is stored names each with their registered name, so the
// record reads as the register did that day; a name typed in is never taken.
std::string People(store::Store& store, const std::string& record, const std::string& value, int n) {
  std::vector<std::string> ids;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && std::find(ids.begin(), ids.end(), cur) == ids.end()) ids.push_back(cur);
    cur.clear();
  };
  for (std::size_t i = 0; i < value.size();) {
    if (value.compare(i, 3, "、") == 0 || value.compare(i, 3, "，") == 0 || value.compare(i, 3, "　") == 0) {
      flush(), i += 3;
    } else if (value[i] == ',' || value[i] == ' ') {
      flush(), ++i;
    } else {
      cur += value[i++];
    }
  }
  flush();
  std::vector<std::string> named;
  for (const auto& id : ids) {
    auto row = store.Get("people", id);
    if (!row)
      Fail("E-CASE-018", "記録「" + record + "」の「" + id + "」は職員の台帳にありません。職員番号を 、 か , で区切って指定してください（例: --record " +
                             record + "=000030,000022）。");
    named.push_back(id + " " + Field(Parse(*row), "name"));
  }
  if (static_cast<int>(ids.size()) < n)
    Fail("E-CASE-018", "記録「" + record + "」には異なる " + std::to_string(n) + " 人以上の職員番号が必要です（いま " + std::to_string(ids.size()) +
                           " 人）。本文は複数の人間で確認することを求めています。");
  return Join(named, "、");
}

std::string UnitName(store::Store& store, const std::string& unit) {
  if (unit.empty()) return "";
  auto row = store.Get("units", unit);
  return row ? Field(Parse(*row), "name") : unit;
}

// The system a request concerns: the resource itself when it is one, the
// registered asset's system, or what the request says of its resource.
std::string SystemOf(store::Store& store, const engine::Request& q) {
  if (!q.resource_id.empty()) {
    if (store.Get("systems", q.resource_id)) return q.resource_id;
    if (auto a = store.Get("assets", q.resource_id)) return Field(Parse(*a), "system");
  }
  return q.resource.count("system") ? q.resource.at("system") : "";
}

// The flattened steps of `wf`: a decision step becomes one step per order of
// the decision's approvals (alternatives of one order are one step that any
// of their holders may take), followed by the applicant's confirmation of
// the obligations when there are any; `next` becomes step indices (-1: end).
Json Flatten(const policy::Workflow& wf, const policy::Pack& pack, const engine::Decision* d) {
  Json steps = Json::array();
  std::map<std::string, int> first, last;
  for (const auto& ws : wf.steps) {
    first[ws.id] = static_cast<int>(steps.size());
    auto base = [&](Json s) {
      s["id"] = ws.id;
      s["cite"] = CitesJson(ws.cite);
      s["records"] = ws.records;
      if (!ws.people.empty()) s["people"] = {ws.people, ws.people_at_least};
      if (!ws.deadline.empty()) s["deadline"] = ws.deadline;
      if (!ws.act.empty()) s["act"] = ws.act;
      return s;
    };
    if (ws.by == "decision" && d) {
      std::map<int, Json> by_order;
      for (const auto& a : d->approvals) {
        Json& s = by_order[a.order];
        if (s.is_null()) s = {{"by", "decision"}, {"order", a.order}, {"roles", Json::array()}, {"role_names", Json::array()},
                              {"unit", std::string(a.unit)}, {"unit_name", std::string(a.unit_name)}, {"any_of", a.any_of},
                              {"collective", a.collective}, {"quorum", a.quorum}};
        s["roles"].push_back(std::string(a.role));
        s["role_names"].push_back(std::string(a.role_name));
      }
      for (auto& [order, s] : by_order) {
        // 「情報セキュリティ責任者の許可（税務課）」: the roles only when the
        // workflow's own name does not already say them.
        std::vector<std::string> names = s["role_names"];
        bool named = true;
        for (const auto& n : names) named &= ws.name.find(n) != std::string::npos;
        const std::string unit = s.value("unit_name", "");
        const std::string detail = named ? unit : Join(names, "又は") + (unit.empty() ? "" : "・" + unit);
        s["name"] = detail.empty() ? ws.name : ws.name + "（" + detail + "）";
        steps.push_back(base(s));
      }
      if (!d->obligations.empty()) {
        Json obligations = Json::array();
        for (const auto* o : d->obligations) obligations.push_back({o->first, o->second});
        steps.push_back(base({{"by", "applicant"}, {"name", "義務の確認（許可に付いた義務を守ること）"}, {"obligations", obligations}}));
        steps.back()["records"] = Json::array();
        steps.back()["confirm"] = true;
      }
    } else {
      std::string role_name = ws.by == "applicant" ? "申請者" : ws.by == "reporter" ? "報告者" : ws.by;
      for (const auto& r : pack.roles)
        if (r.id == ws.by) role_name = r.name;
      steps.push_back(base({{"by", ws.by}, {"name", ws.name}, {"role_names", {role_name}}}));
    }
    last[ws.id] = static_cast<int>(steps.size()) - 1;
  }
  // Inside a group each step leads to the next; the group's last step leads
  // where the workflow says.
  for (std::size_t k = 0; k < wf.steps.size(); ++k) {
    const auto& ws = wf.steps[k];
    for (int i = first[ws.id]; i < last[ws.id]; ++i) steps[static_cast<std::size_t>(i)]["next"] = {i + 1};
    if (last[ws.id] < first[ws.id]) continue;  // a decision step with no approvals (cannot happen: approval_required)
    Json next = Json::array();
    if (ws.next.empty()) {
      next.push_back(k + 1 < wf.steps.size() ? first[wf.steps[k + 1].id] : -1);
    } else {
      for (const auto& n : ws.next) next.push_back(n == "end" ? -1 : first[n]);
    }
    steps[static_cast<std::size_t>(last[ws.id])]["next"] = next;
  }
  return steps;
}

// Each step's queue keys ("role|scope"), fixed when the case opens: where
// each role that may take it applies for this case — the unit (the unit a
// decision's step resolved, else the case's), the system, or the whole body
// — and "applicant|<id>" for the applicant's or reporter's own steps.
void AddQueueKeys(Json& open, const policy::Pack& pack) {
  const std::string unit = open.value("unit", ""), system = open.value("system", ""), applicant = open.value("applicant", "");
  for (auto& step : open["steps"]) {
    Json keys = Json::array();
    const std::string by = step.value("by", "");
    if (by == "applicant" || by == "reporter") {
      keys.push_back("applicant|" + applicant);
    } else {
      std::vector<std::string> roles = by == "decision" ? step.value("roles", std::vector<std::string>{}) : std::vector<std::string>{by};
      for (const auto& role : roles) {
        std::string kind;
        for (const auto& r : pack.roles)
          if (r.id == role) kind = r.fill.kind;
        std::string scope;
        if (kind == "unit_head" || kind == "unit_post") scope = step.value("unit", "").empty() ? unit : step.value("unit", "");
        else if (kind == "system_admin") scope = system;
        keys.push_back(role + "|" + scope);
      }
    }
    step["queue"] = keys;
  }
}

const policy::Workflow* FindWorkflow(const policy::Pack& pack, const std::string& id) {
  for (const auto& w : pack.workflows)
    if (w.id == id) return &w;
  return nullptr;
}

Json CitationTexts(const engine::Decision* d, const policy::Workflow& wf, const reiki::Regulation& reg) {
  Json out = Json::array();
  std::set<std::string> seen;
  auto add = [&](const std::string& ref, const std::string& text) {
    if (seen.insert(ref).second) out.push_back({ref, text});
  };
  if (d)
    for (const auto* c : d->citations) add(c->first, c->second);
  auto cite = [&](const policy::Cites& cs) {
    for (const auto& c : cs) {
      try {
        add(c.ref, reiki::CiteText(reiki::Resolve(reg, reiki::ParseReference(c.ref))));
      } catch (const reiki::Error&) {
        add(c.ref, "");  // pack check resolves every citation; a text revised since shows empty
      }
    }
  };
  cite(wf.cite);
  for (const auto& s : wf.steps) cite(s.cite);
  return out;
}

}  // namespace

// The opening event, with who the first step waited for that day (after a
// 異動 the case shows both: who it waited for, and who acted).
Json Cases::OpenEvent(const Json& open, const std::string& as, const std::string& name, const std::string& day) {
  Json event = {{"type", "open"}, {"on", day}, {"by", as}, {"by_name", name}, {"open", open}};
  Json probe = {{"type", "open"}, {"case", ""}, {"n", 1}, {"at", ""}, {"open", open}};
  const State s = Replay({probe});
  std::string why;
  Json waiting = Json::array();
  for (const auto& w : Actors(s, day, &why)) waiting.push_back(WhoText(w));
  event["waiting"] = waiting;
  if (waiting.empty() && !why.empty()) event["waiting_why"] = why;
  return event;
}

std::vector<std::pair<std::string, Json>> Cases::QueueOf(const State& s) {
  std::vector<std::pair<std::string, Json>> out;
  const std::string status = s.status();
  if (status != "open" && status != "returned") return out;
  const std::string id = s.id(), applicant = s.data.value("applicant", "");
  Json item = {{"case", id},         {"name", s.data.value("name", "")}, {"kind", s.data.value("kind", "")},
               {"status", status},   {"applicant", applicant},         {"applicant_name", s.data.value("applicant_name", "")},
               {"opened_at", s.data.value("opened_at", "")}, {"step", s.current()}, {"step_name", ""}};
  if (status == "returned") {
    item["step_name"] = "差戻し（再申請を待っています）";
    out.emplace_back("applicant|" + applicant + "|" + s.data.value("opened_at", "") + "|" + id, item);
    return out;
  }
  const Json& step = s.data["steps"][static_cast<std::size_t>(s.current())];
  item["step_name"] = step.value("name", "");
  // The opening time in the key: a prefix of the queue reads oldest first.
  for (const auto& key : step.value("queue", std::vector<std::string>{}))
    out.emplace_back(key + "|" + s.data.value("opened_at", "") + "|" + id, item);
  return out;
}

State Cases::Write(const std::string& case_id, State* before, const std::string* before_text, Json event, const std::string& at) {
  event["case"] = case_id;
  event["n"] = before ? before->data.value("events", 0L) + 1 : 1L;
  event["at"] = at;
  // The queue rows the state stood in, before it moves on.
  std::map<std::string, std::string> was, is;
  if (before)
    for (auto& [k, v] : QueueOf(*before)) was[k] = v.dump();
  // What the events give, or E-CASE-101 before anything is written: the
  // state before, one event further (the same Step that Replay takes). The
  // state before is taken, not copied: its text as stored is the before of
  // the change.
  State after = before ? std::move(*before) : Opening(event);
  if (before) Step(after, event);
  const std::string command = event.value("type", "") == "open" ? "case open" : "case " + event.value("type", "");
  store_.Apply({"case_events", EventRowId(case_id, event["n"].get<long>()), std::nullopt, event.dump()}, actor_, at, command);
  store_.Apply({"cases", case_id, before_text ? std::optional<std::string>(*before_text) : std::nullopt, after.data.dump()},
               actor_, at, command);
  // The queue moves with the state: rows it no longer stands in go, new ones come.
  for (auto& [k, v] : QueueOf(after)) is[k] = v.dump();
  for (const auto& [k, v] : was)
    if (!is.count(k)) store_.Apply({"case_queue", k, v, std::nullopt}, actor_, at, command);
  for (const auto& [k, v] : is) {
    auto it = was.find(k);
    if (it == was.end() || it->second != v)
      store_.Apply({"case_queue", k, it == was.end() ? std::nullopt : std::optional<std::string>(it->second), v}, actor_, at, command);
  }
  return after;
}

Cases::Resolved Cases::Resolve(const State& s, int index, const std::string& date) {
  Resolved r;
  const Json& step = s.data["steps"][static_cast<std::size_t>(index)];
  const std::string by = step.value("by", "");
  if (by == "applicant" || by == "reporter") {
    const std::string who = s.data.value("applicant", "");
    r.who.push_back({who, s.data.value("applicant_name", ""), by == "applicant" ? "申請者" : "報告者", false});
    return r;
  }
  if (by == "decision") {
    // The request decided again for that day: the registers of that day
    // say who holds the post (a 異動 moves the step to the new holder).
    Json req = s.data["request"];
    req["context"]["date"] = date;
    if (!snapshot_) snapshot_ = engine::Compile(pack_, regulation_, store_);
    engine::Request q;
    try {
      q = engine::ParseRequest(*snapshot_, req.dump());
    } catch (const store::Error& e) {
      r.why = "この日の台帳では申請の内容を判定できません（" + std::string(e.what()) + "）。";
      return r;
    }
    const engine::Decision d = engine::Decide(*snapshot_, q);
    if (d.effect != engine::Effect::kApprovalRequired) {
      r.why = std::string("この日の判定では") + (d.effect == engine::Effect::kDeny ? "禁止" : "承認が要りません") +
              "（規程または台帳が変わりました）: " + Join(engine::Reasons(d), " ");
      return r;
    }
    const int order = step.value("order", 0);
    std::vector<std::string> roles = step["roles"];
    bool found = false;
    std::vector<std::string> vacant;
    for (const auto& a : d.approvals) {
      if (a.order != order || std::find(roles.begin(), roles.end(), std::string(a.role)) == roles.end()) continue;
      found = true;
      if (a.collective) r.quorum = a.quorum;  // of the members that day, not of the day it opened
      if (a.holders.empty()) vacant.push_back(std::string(a.role_name) + (a.unit_name.empty() ? "" : "（" + std::string(a.unit_name) + "）"));
      for (std::size_t i = 0; i < a.holders.size(); ++i) {
        const std::string p(a.holders[i]);
        const bool acting = std::find(a.acting.begin(), a.acting.end(), a.holders[i]) != a.acting.end();
        r.who.push_back({p, std::string(a.holder_names[i]),
                         std::string(a.role_name) + (a.unit_name.empty() ? "" : "・" + std::string(a.unit_name)), acting});
      }
    }
    if (!found) r.why = "この日の判定にはこの段（" + Join(step.value("role_names", std::vector<std::string>{}), "又は") + "）がありません（規程または台帳が変わりました）。";
    else if (r.who.empty())
      r.why = "空席: " + Join(vacant, "、") + " に " + date + " に在任する者がいません（申請者本人は除きます）。在任の台帳に記録されるまで、この段は待ちます。";
    return r;
  }
  // A role of the pack, resolved that day for the case's unit.
  registry::Registry reg(store_, pack_);
  const auto answer = reg.Who(by, s.data.value("unit", ""), s.data.value("system", ""), date);
  for (const auto& h : answer.holders) r.who.push_back({h.person_id, h.person_name, h.post_name, h.acting});
  if (r.who.empty())
    r.why = answer.role_name + "に " + date + " に当たる者がいません" + (answer.note.empty() ? "" : "（" + answer.note + "）") +
            "。台帳に記録されるまで、この段は待ちます。";
  return r;
}

std::vector<Who> Cases::Actors(const State& s, const std::string& date, std::string* why) {
  if (s.status() != "open" || s.current() < 0) {
    if (why) *why = s.status() == "returned" ? "差戻し中: 申請者の再申請を待っています。" : "";
    if (s.status() == "returned")
      return {{s.data.value("applicant", ""), s.data.value("applicant_name", ""), "申請者", false}};
    return {};
  }
  auto r = Resolve(s, s.current(), date);
  if (why) *why = r.why;
  return r.who;
}

// Who may open `wf` (安田町 第119条: only the 情報セキュリティ責任者 and
// 情報システム管理者 may ask for an exception), or E-CASE-002 citing it.
void Cases::CheckApplicants(const policy::Workflow& wf, const std::string& as, const std::string& name, const std::string& day) {
  if (wf.applicants.empty()) return;
  registry::Registry reg(store_, pack_);
  bool may = false;
  std::vector<std::string> names;
  for (const auto& r : pack_.roles)
    if (std::find(wf.applicants.begin(), wf.applicants.end(), r.id) != wf.applicants.end()) {
      names.push_back(r.name);
      may |= reg.HoldsRole(as, r, day);
    }
  if (may) return;
  std::vector<std::string> refs;
  for (const auto& c : wf.cite) refs.push_back(c.ref);
  Fail("E-CASE-002", wf.name + "を申請できるのは " + Join(names, "・") + " です（" + Join(refs, "、") + "）。" + as + " " + name +
                         " は " + day + " にそのどれでもありません。");
}

// Writes the opening of a case and says what it waits for.
Outcome Cases::Opened(const Json& open, const policy::Workflow& wf, const std::string& as, const std::string& name,
                      const std::string& day, const std::string& date) {
  std::optional<store::Transaction> tx;
  if (!batch_) tx.emplace(store_);
  const std::string id = NextId(day);
  State opened = Write(id, nullptr, nullptr, OpenEvent(open, as, name, day), At(date));
  if (tx) tx->Commit();
  Outcome out;
  out.case_id = id;
  out.state = std::move(opened);
  std::string why;
  std::vector<std::string> names;
  for (const auto& w : Actors(out.state, day, &why)) names.push_back(WhoText(w));
  out.message = "案件 " + id + "（" + wf.name + "）を開きました。待っている段: " + out.state.data["steps"][0].value("name", "") +
                " — " + (names.empty() ? why : Join(names, "、"));
  return out;
}

Outcome Cases::Apply(const std::string& request_json, const std::string& as, const std::string& date, const Json& fields) {
  const Json person = Person(store_, as, "申請する人");
  const std::string day = date.empty() ? Today() : date;
  Json req;
  try {
    req = Json::parse(request_json);
  } catch (const Json::exception&) {
    req = nullptr;
  }
  if (!snapshot_) snapshot_ = engine::Compile(pack_, regulation_, store_);
  if (!req.is_object()) engine::ParseRequest(*snapshot_, request_json);  // throws the contract's own message
  if (!req.contains("subject")) req["subject"] = as;
  if (!req["subject"].is_string() || req["subject"].get<std::string>() != as)
    Fail("E-CASE-004", "要求の subject（" + req["subject"].dump() + "）と申請する人（--as " + as + "）が違います。本人の申請として出してください。");
  if (!req.contains("context")) req["context"] = Json::object();
  if (req["context"].is_object() && !req["context"].contains("date")) req["context"]["date"] = day;
  const engine::Request q = engine::ParseRequest(*snapshot_, req.dump());
  const engine::Decision d = engine::Decide(*snapshot_, q);
  std::string cites;
  for (const auto* c : d.citations) cites += (cites.empty() ? "" : "、") + c->first;
  if (d.effect == engine::Effect::kDeny)
    Fail("E-CASE-001", "禁止されています（" + cites + "）。案件は作りません: " + Join(engine::Reasons(d), " "));
  if (d.effect == engine::Effect::kPermit) {
    Outcome permitted;
    permitted.message = "許可されています（" + (cites.empty() ? std::string("規制なし") : cites) + "）。申請は要りません: " + Join(engine::Reasons(d), " ");
    permitted.permit = {{"request", req}, {"as_decided", engine::ToJsonValue(q, d)}, {"decision", engine::ToJsonValue(d)}};
    return permitted;
  }
  const policy::Workflow* wf = nullptr;
  for (const auto& w : pack_.workflows)
    if (w.kind == "application" && std::find(w.actions.begin(), w.actions.end(), q.action) != w.actions.end()) wf = &w;
  if (!wf)
    Fail("E-CASE-003", "行為「" + q.action + "」の申請の手順がパックにありません（承認は要りますが、本文の手順を [[workflows]] に書くまで案件にできません）。");
  CheckApplicants(*wf, as, Field(person, "name"), day);
  const std::string unit = d.owner_unit.empty() ? Field(person, "unit") : std::string(d.owner_unit);
  Json open = {{"workflow", wf->id},
               {"kind", wf->kind},
               {"name", wf->name},
               {"applicant", as},
               {"applicant_name", Field(person, "name")},
               {"unit", unit},
               {"unit_name", UnitName(store_, unit)},
               {"system", SystemOf(store_, q)},
               {"resource", q.resource_id},
               {"resource_name", std::string(d.resource_name)},
               {"action", q.action},
               {"pack_hash", pack_hash_},
               {"opened_on", day},
               {"request", req},
               {"decision", engine::ToJsonValue(d)},
               {"citations", CitationTexts(&d, *wf, regulation_)},
               {"fields", fields},
               {"steps", Flatten(*wf, pack_, &d)}};
  AddQueueKeys(open, pack_);
  Outcome out = Opened(open, *wf, as, Field(person, "name"), day, date);
  return out;
}

Outcome Cases::Open(const std::string& workflow_id, const std::string& as, const Json& fields, const std::string& unit_arg,
                    const std::string& date) {
  const policy::Workflow* wf = FindWorkflow(pack_, workflow_id);
  if (!wf) {
    std::vector<std::string> ids;
    for (const auto& w : pack_.workflows)
      if (w.kind != "application") ids.push_back(w.id + "（" + w.name + "）");
    Fail("E-CASE-003", "手順「" + workflow_id + "」はパックにありません（" + (ids.empty() ? std::string("例外措置・インシデントの手順なし") : Join(ids, "、")) + "）。");
  }
  if (wf->kind == "application") Fail("E-CASE-003", "「" + wf->name + "」は申請の手順です。`mamori apply` で申請してください。");
  const Json person = Person(store_, as, wf->kind == "incident" ? "報告する人" : "申請する人");
  const std::string day = date.empty() ? Today() : date;
  CheckApplicants(*wf, as, Field(person, "name"), day);
  Json citations = CitationTexts(nullptr, *wf, regulation_);
  if (wf->kind == "exception") {
    // 第119条: the requirement departed from must be an article of the text,
    // with the alternative measure and the rational reason.
    for (const char* need : {"departs", "measure", "reason"})
      if (Field(fields, need).empty())
        Fail("E-CASE-006", std::string("例外措置には ") + (std::string(need) == "departs" ? "--departs（遵守しない条項）" : std::string(need) == "measure" ? "--measure（代わりに講じる措置）" : "--reason（合理的な理由）") + " が必要です。");
    const std::string ref = Field(fields, "departs");
    try {
      const auto& node = reiki::Resolve(regulation_, reiki::ParseReference(ref));
      citations.push_back({ref, reiki::CiteText(node)});
    } catch (const reiki::Error& e) {
      Fail("E-CASE-006", "--departs「" + ref + "」は規程の条項として見つかりません: " + e.what());
    }
  }
  if (const std::string r = Field(fields, "renews"); !r.empty()) {
    auto events = Events(r);
    if (events.empty() || Replay(events).data.value("kind", "") != "exception")
      Fail("E-CASE-006", "--renews「" + r + "」は例外措置の案件ではありません。`mamori exception review` で番号を確かめてください。");
  }
  if (wf->kind == "incident" && Field(fields, "what").empty())
    Fail("E-CASE-006", "インシデントの報告には --what（何が起きたか）が必要です。");
  const std::string unit = unit_arg.empty() ? Field(person, "unit") : unit_arg;
  if (!unit.empty() && !store_.Get("units", unit))
    Fail("E-CASE-004", "組織「" + unit + "」は組織の台帳にありません。");
  Json open = {{"workflow", wf->id}, {"kind", wf->kind}, {"name", wf->name}, {"applicant", as},
               {"applicant_name", Field(person, "name")}, {"unit", unit}, {"unit_name", UnitName(store_, unit)},
               {"system", Field(fields, "system")}, {"pack_hash", pack_hash_}, {"opened_on", day},
               {"request", nullptr}, {"citations", citations}, {"fields", fields}, {"steps", Flatten(*wf, pack_, nullptr)}};
  AddQueueKeys(open, pack_);
  Outcome out = Opened(open, *wf, as, Field(person, "name"), day, date);
  return out;
}

Outcome Cases::Do(const std::string& case_id, const Act& act) {
  const Json person = Person(store_, act.as, "進める人");
  const std::string day = act.date.empty() ? Today() : act.date;
  // Under the write lock from here: what is read is what the change applies to.
  std::optional<store::Transaction> tx;
  if (!batch_) tx.emplace(store_);
  // The state as stored, read under the lock, one event behind the next:
  // its count of events must be the events there are (two point reads, so
  // an approval does not parse the whole case again; ledger verify replays).
  const auto row = store_.Get("cases", case_id);
  if (!row) Fail("E-CASE-005", "案件「" + case_id + "」はありません。`mamori case list` で番号を確かめてください。");
  State s{Parse(*row)};
  const long n = s.data.value("events", 0L);
  if (n < 1 || !store_.Has("case_events", EventRowId(case_id, n)) || store_.Has("case_events", EventRowId(case_id, n + 1)))
    Fail("E-CASE-101", "案件「" + case_id + "」の状態と出来事の数が合いません。何も変えていません。`mamori ledger verify` で確かめてください。");
  const std::string status = s.status();
  Json event = {{"type", VerbName(act.verb)}, {"on", day}, {"by", act.as}, {"by_name", Field(person, "name")}};
  const bool applicant = act.as == s.data.value("applicant", "");
  std::string done;
  switch (act.verb) {
    case Verb::kApprove:
    case Verb::kRecord:
    case Verb::kConfirm:
    case Verb::kReject:
    case Verb::kReturn: {
      if (status != "open")
        Fail("E-CASE-007", "案件「" + case_id + "」は" + StatusName(status) + "です。" + (status == "returned" ? "申請者の再申請（case resubmit）を待っています。" : "進める段はありません。"));
      if (!act.expect.empty() && s.data.value("kind", "") != "incident")
        Fail("E-CASE-012", "案件「" + case_id + "」はインシデントではありません（" + s.data.value("name", "") + "）。`mamori case` の approve / record などを使ってください。");
      const int cur = s.current();
      const Json& step = s.data["steps"][static_cast<std::size_t>(cur)];
      auto r = Resolve(s, cur, day);
      auto it = std::find_if(r.who.begin(), r.who.end(), [&](const Who& w) { return w.person == act.as; });
      // A committee's decision is recorded by a member or by its secretariat
      // (安田町 第16条第7項: 庶務は総務課), who is not a member.
      if (it == r.who.end() && step.value("collective", false) && !r.who.empty() && act.as != s.data.value("applicant", "")) {
        const std::string secretariat = Secretariat(store_, pack_, step, Field(person, "unit"));
        if (!secretariat.empty()) it = r.who.insert(r.who.end(), Who{act.as, Field(person, "name"), "庶務・" + secretariat, false});
      }
      if (it == r.who.end()) {
        if (r.who.empty()) Fail("E-CASE-011", "案件「" + case_id + "」の段「" + step.value("name", "") + "」は進められません: " + r.why);
        std::vector<std::string> names;
        for (const auto& w : r.who) names.push_back(WhoText(w));
        Fail("E-CASE-010", act.as + " " + Field(person, "name") + " は " + day + " に、案件「" + case_id + "」の段「" +
                               step.value("name", "") + "」を進められません。進められるのは " + Join(names, "、") + " です。何も変えていません。");
      }
      event["post"] = it->post;
      event["acting"] = it->acting;
      event["step"] = cur;
      // A committee decides together, refusals and returns too: who sat,
      // against the text's quorum of the members that day.
      if (step.value("collective", false)) {
        if (act.present.empty()) Fail("E-CASE-015", "委員会の段です。出席した委員を --present 000001,000002 … で指定してください。");
        for (std::size_t i = 0; i < act.present.size(); ++i)
          if (std::find(act.present.begin(), act.present.begin() + static_cast<long>(i), act.present[i]) != act.present.begin() + static_cast<long>(i))
            Fail("E-CASE-015", "出席した委員「" + act.present[i] + "」が二度書かれています（定足数は人で数えます）。");
        for (const auto& p : act.present)
          if (std::none_of(r.who.begin(), r.who.end(), [&](const Who& w) { return w.person == p && w.post.rfind("庶務・", 0) != 0; }))
            Fail("E-CASE-015", "「" + p + "」は " + day + " にこの委員会の委員ではありません。");
        const int quorum = r.quorum >= 0 ? r.quorum : step.value("quorum", 0);
        if (quorum > 0 && static_cast<int>(act.present.size()) < quorum)
          Fail("E-CASE-015", "出席 " + std::to_string(act.present.size()) + " 人は定足数 " + std::to_string(quorum) + " 人に足りません。");
        event["present"] = act.present;
      }
      if (act.verb == Verb::kReject || act.verb == Verb::kReturn) {
        if (act.reason.empty()) Fail("E-CASE-016", std::string(act.verb == Verb::kReject ? "却下" : "差戻し") + "には --reason で理由が必要です（申請者に示します）。");
        event["reason"] = act.reason;
        done = act.verb == Verb::kReject ? "却下しました" : "差し戻しました";
        break;
      }
      const bool is_confirm = step.value("confirm", false);
      const bool is_approval = step.value("by", "") == "decision";
      if (is_confirm != (act.verb == Verb::kConfirm))
        Fail("E-CASE-012", "段「" + step.value("name", "") + "」は" + (is_confirm ? "義務の確認の段です。`mamori case confirm` を使ってください。" : "義務の確認の段ではありません。"));
      // approve is for a decision's approvers and for a role's step (the
      // CISO's 許可 with its 審査結果); what the applicant or reporter does is
      // recorded, not approved.
      const std::string by = step.value("by", "");
      if (act.verb == Verb::kApprove && (by == "applicant" || by == "reporter"))
        Fail("E-CASE-012", "段「" + step.value("name", "") + "」は承認ではなく記録の段です。`mamori case record " + case_id +
                               " --record 項目=値 …` で記録してください" +
                               (step["records"].empty() ? std::string("。") : "（項目: " + Join(step["records"].get<std::vector<std::string>>(), "、") + "）。"));
      if (act.verb == Verb::kRecord && is_approval)
        Fail("E-CASE-012", "段「" + step.value("name", "") + "」は承認の段です。`mamori case approve` か reject / return を使ってください。");
      if (act.expect == "assess" || act.expect == "instruct") {
        if (step.value("act", "") != act.expect) {
          const char* what = act.expect == "assess" ? "評価" : "指示";
          std::vector<std::string> named;
          for (const auto& st : s.data["steps"])
            if (st.value("act", "") == act.expect) named.push_back("「" + st.value("name", "") + "」");
          Fail("E-CASE-012", "待っている段「" + step.value("name", "") + "」は" + what + "の段ではありません。" +
                                 (named.empty() ? std::string("この手順に") + what + "の段はありません。"
                                                : "この手順の" + std::string(what) + "の段: " + Join(named, "、") + "。") +
                                 "待っている段は `mamori incident step " + case_id + "` で記録してください。");
        }
      }
      // The records the step requires, each given, and nothing it does not know.
      const std::vector<std::string> need = step["records"];
      std::vector<std::string> missing, unknown;
      for (const auto& n : need)
        if (!act.records.contains(n) || !act.records[n].is_string() || act.records[n].get<std::string>().empty()) missing.push_back(n);
      for (auto& [k, v] : act.records.items())
        if (std::find(need.begin(), need.end(), k) == need.end() && k != "メモ") unknown.push_back(k);
      if (!unknown.empty())
        Fail("E-CASE-012", "段「" + step.value("name", "") + "」に項目「" + Join(unknown, "」「") + "」はありません（記録する項目: " +
                               (need.empty() ? std::string("なし") : Join(need, "、")) + "、ほかに メモ）。");
      if (!missing.empty())
        Fail("E-CASE-012", "段「" + step.value("name", "") + "」の記録「" + Join(missing, "」「") + "」がありません。--record " + missing[0] + "=値 のように指定してください。");
      event["records"] = act.records;
      if (step.contains("people")) {
        const std::string record = step["people"][0];
        event["records"][record] = People(store_, record, act.records[record].get<std::string>(), step["people"][1].get<int>());
      }
      if (is_confirm) {
        Json confirmed = Json::array();
        for (const auto& o : step["obligations"]) confirmed.push_back(o[0]);
        event["records"]["確認した義務"] = confirmed;
      }
      // Where it goes next: the only way, or the one chosen among several;
      // incident close is the end, and only from a step that may end.
      const std::vector<int> next = step["next"];
      if (act.expect == "close") {
        if (!next.empty() && std::find(next.begin(), next.end(), -1) == next.end()) {
          std::vector<std::string> ways;
          for (int n : next) ways.push_back("「" + s.data["steps"][static_cast<std::size_t>(n)].value("name", "") + "」");
          Fail("E-CASE-014", "待っている段「" + step.value("name", "") + "」からは終われません（次: " + Join(ways, "、") +
                                 "）。`mamori incident step " + case_id + "` で記録してください。");
        }
        if (!act.next.empty() && act.next != "end")
          Fail("E-CASE-014", "incident close は終わりへ進みます。--next " + act.next + " を指定するなら `mamori incident step` を使ってください。");
      }
      const std::string want = act.expect == "close" ? std::string("end") : act.next;
      int to = next.empty() ? -1 : next[0];
      if (next.size() > 1) {
        std::vector<std::string> choices;
        bool chosen = false;
        for (int n : next) {
          const std::string id = n < 0 ? "end" : s.data["steps"][static_cast<std::size_t>(n)].value("id", "");
          choices.push_back(id + (n < 0 ? "（終わり）" : "（" + s.data["steps"][static_cast<std::size_t>(n)].value("name", "") + "）"));
          if (!want.empty() && want == id) to = n, chosen = true;
        }
        if (!chosen)
          Fail("E-CASE-014", "段「" + step.value("name", "") + "」の次は選べます。--next で指定してください: " + Join(choices, "、") + "。");
      } else if (!want.empty()) {
        const std::string id = to < 0 ? "end" : s.data["steps"][static_cast<std::size_t>(to)].value("id", "");
        if (want != id) Fail("E-CASE-014", "段「" + step.value("name", "") + "」の次は「" + id + "」だけです。");
      }
      event["to"] = to;
      done = act.verb == Verb::kApprove ? "承認しました" : act.verb == Verb::kConfirm ? "義務を確認しました" : "記録しました";
      if (it->acting) done += "（代理として。在任者は後で確かめられます）";
      break;
    }
    case Verb::kResubmit:
    case Verb::kWithdraw: {
      if (!applicant) Fail("E-CASE-010", std::string(act.verb == Verb::kResubmit ? "再申請" : "取下げ") + "ができるのは申請者（" + s.data.value("applicant", "") + "）だけです。");
      if (act.verb == Verb::kResubmit && status != "returned") Fail("E-CASE-007", "案件「" + case_id + "」は" + StatusName(status) + "です。再申請は差戻しのときだけです。");
      if (act.verb == Verb::kWithdraw && status != "open" && status != "returned")
        Fail("E-CASE-007", "案件「" + case_id + "」は" + StatusName(status) + "です。取り下げられません。");
      if (!act.reason.empty()) event["reason"] = act.reason;
      done = act.verb == Verb::kResubmit ? "再申請しました" : "取り下げました";
      break;
    }
    case Verb::kNote: {
      if (act.reason.empty()) Fail("E-CASE-016", "メモには --text で内容が必要です。");
      event["reason"] = act.reason;
      done = "メモを残しました";
      break;
    }
  }
  State after = Write(case_id, &s, &*row, event, At(act.date));  // s is spent
  if (tx) tx->Commit();
  Outcome out;
  out.case_id = case_id;
  out.state = std::move(after);
  std::string why;
  auto who = Actors(out.state, day, &why);
  std::vector<std::string> names;
  for (const auto& w : who) names.push_back(WhoText(w));
  out.message = "案件 " + case_id + ": " + done + "。状態: " + StatusName(out.state.status());
  if (out.state.status() == "open")
    out.message += "。次の段: " + out.state.data["steps"][static_cast<std::size_t>(out.state.current())].value("name", "") + " — " +
                   (names.empty() ? why : Join(names, "、"));
  return out;
}

std::vector<State> Cases::List(const Filter& f) {
  std::vector<State> out;
  for (const auto& r : store_.List("cases")) {
    State s{Parse(r.data)};
    if (!f.kind.empty() && s.data.value("kind", "") != f.kind && s.data.value("workflow", "") != f.kind) continue;
    if (!f.status.empty() && s.status() != f.status && StatusName(s.status()) != f.status) continue;
    if (!f.applicant.empty() && s.data.value("applicant", "") != f.applicant) continue;
    if (!f.unit.empty() && s.data.value("unit", "") != f.unit && s.data.value("unit_name", "") != f.unit) continue;
    const std::string on = s.data.value("opened_on", "");
    if (!f.from.empty() && on < f.from) continue;
    if (!f.to.empty() && on > f.to) continue;
    out.push_back(std::move(s));
  }
  return out;
}

registry::io::Table Cases::ExceptionRegister(const std::string& date) {
  registry::io::Table t;
  t.header = {"案件番号", "手順", "申請者", "氏名", "組織", "遵守しない条項", "代わりに講じる措置", "理由", "期間の終わり",
              "申請日", "状態", "審査結果", "審査した者", "審査日", "経過日数", "期間", "更新する案件", "更新した案件"};
  t.date_columns = {false, false, false, false, false, false, false, false, true, true, false, false, false, true, false, false, false, false};
  std::map<std::string, std::string> renewed_by;
  auto all = List({"exception", "", "", "", "", ""});
  for (const auto& s : all) {
    const std::string r = Field(s.data["fields"], "renews");
    if (!r.empty()) renewed_by[r] = s.id();
  }
  for (const auto& s : all) {
    const Json& f = s.data["fields"];
    std::string result, by, on;
    for (const auto& st : s.data["steps"]) {
      if (!st.contains("done") || st.value("by", "") == "applicant") continue;
      const Json& x = st["done"];
      for (auto& [k, v] : x["records"].items())
        if (v.is_string()) result += (result.empty() ? "" : "、") + k + ": " + v.get<std::string>();
      by = x.value("by", "") + " " + x.value("by_name", "") + (x.value("acting", false) ? "（代理）" : "");
      on = x.value("on", "");
    }
    if (s.status() == "rejected") {
      result = "却下: " + s.data["rejected"].value("reason", "");
      by = s.data["rejected"].value("by", "");
    }
    const std::string opened = s.data.value("opened_on", ""), until = Field(f, "until");
    const long long days = (Seconds(date + "T00:00:00") - Seconds(opened + "T00:00:00")) / 86400;
    const std::string period = ExceptionPeriod(s, date, renewed_by.count(s.id()) > 0);
    t.rows.push_back({s.id(), s.data.value("name", ""), s.data.value("applicant", ""), s.data.value("applicant_name", ""),
                      s.data.value("unit_name", ""), Field(f, "departs"), Field(f, "measure"), Field(f, "reason"), until, opened,
                      StatusName(s.status()), result, by, on, std::to_string(days < 0 ? 0 : days), period, Field(f, "renews"),
                      renewed_by.count(s.id()) ? renewed_by[s.id()] : ""});
  }
  return t;
}

std::string ExceptionPeriod(const State& s, const std::string& date, bool renewed) {
  const std::string until = Field(s.data.value("fields", Json::object()), "until");
  std::string period;
  if (s.status() == "done") period = until.empty() ? "期間の定めなし" : until < date ? "期間切れ" : "期間内";
  else period = StatusName(s.status());
  return renewed ? period + "（更新済み）" : period;
}

std::vector<State> ExceptionsPastPeriod(store::Store& store, const std::string& date) {
  std::vector<State> all, out;
  std::set<std::string> renewed;
  for (const auto& r : store.List("cases")) {
    State s{Parse(r.data)};
    if (s.data.value("kind", "") != "exception") continue;
    if (const std::string by = Field(s.data.value("fields", Json::object()), "renews"); !by.empty()) renewed.insert(by);
    all.push_back(std::move(s));
  }
  for (auto& s : all)
    if (ExceptionPeriod(s, date, renewed.count(s.id()) > 0) == "期間切れ") out.push_back(std::move(s));
  return out;
}

std::string Cases::Show(const State& s, const std::string& date) {
  std::ostringstream o;
  const Json& d = s.data;
  o << "案件 " << s.id() << " " << d.value("name", "") << ": " << StatusName(s.status()) << "\n";
  o << "  " << (d.value("kind", "") == "incident" ? "報告者" : "申請者") << ": " << d.value("applicant", "") << " "
    << d.value("applicant_name", "") << "（" << d.value("unit_name", "") << "）、開始 " << d.value("opened_at", "") << "\n";
  if (!d.value("resource", "").empty())
    o << "  対象: " << d.value("resource", "") << " " << d.value("resource_name", "") << "\n";
  for (auto& [k, v] : d["fields"].items()) o << "  " << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
  if (d.value("pack_hash", "") != pack_hash_)
    o << "  注意: この案件は開始時のパック（" << d.value("pack_hash", "").substr(0, 12)
      << "…）のもとで開かれました。下の条文は開始時の本文です。その後に進める段の承認者は、現在のパックと台帳でその日に解決します。\n";
  o << "  段:\n";
  const auto& steps = d["steps"];
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Json& st = steps[i];
    o << "    " << i + 1 << ". " << st.value("name", "");
    if (st.contains("done")) {
      const Json& x = st["done"];
      o << " — 済: " << x.value("by", "") << " " << x.value("by_name", "") << "（" << x.value("post", "")
        << (x.value("acting", false) ? "・代理（代決）" : "") << "） " << x.value("at", "");
      for (auto& [k, v] : x["records"].items())
        o << "\n         " << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump());
    } else if (static_cast<int>(i) == s.current()) {
      std::string why;
      auto who = Actors(s, date, &why);
      std::vector<std::string> names;
      for (const auto& w : who) names.push_back(WhoText(w));
      o << " — 待ち（" << date << " に進められる人: " << (names.empty() ? why : Join(names, "、")) << "）";
      const std::string since = d.value("last_at", d.value("opened_at", ""));
      o << "\n         経過: " << Elapsed(since, store::NowJst()) << "（" << since << " から）";
      if (st.contains("deadline")) {
        const std::string p = st["deadline"];
        for (const auto& x : pack_.parameters)
          if (x.id == p)
            o << "、期限: " << (x.value ? *x.value + x.unit : "未設定（" + x.name + "。定める者: " + x.owner + "）");
      }
      if (!st["records"].empty()) o << "\n         記録する項目: " << Join(st["records"].get<std::vector<std::string>>(), "、");
      if (st.contains("obligations"))
        for (const auto& ob : st["obligations"]) o << "\n         義務: " << ob[1].get<std::string>();
    }
    std::vector<std::string> cite = st.value("cite", std::vector<std::string>{});
    if (!cite.empty()) o << "（" << Join(cite, "、") << "）";
    o << "\n";
  }
  if (s.status() == "rejected") o << "  却下の理由: " << d["rejected"].value("reason", "") << "\n";
  o << "  出来事:\n";
  std::string prev = d.value("opened_at", "");
  const auto events = Events(s.id());
  for (const auto& e : events) {
    o << "    #" << e.value("n", 0) << " " << e.value("at", "") << " " << EventName(e.value("type", "")) << " "
      << e.value("by", "") << " " << e.value("by_name", "");
    if (!e.value("post", "").empty()) o << "（" << e.value("post", "") << (e.value("acting", false) ? "・代理" : "") << "）";
    if (!e.value("reason", "").empty()) o << " 理由: " << e.value("reason", "");
    if (e.contains("waiting"))
      o << "（その日に待った人: " << (e["waiting"].empty() ? e.value("waiting_why", std::string("なし")) : Join(e["waiting"].get<std::vector<std::string>>(), "、")) << "）";
    if (e.value("n", 0) > 1) o << "（前の出来事から " << Elapsed(prev, e.value("at", "")) << "）";
    prev = e.value("at", "");
    o << "\n";
  }
  o << "  根拠条文（開始時の本文）:\n";
  if (!events.empty())
    for (const auto& c : events[0]["open"].value("citations", Json::array()))
      o << "    " << c[0].get<std::string>() << " " << c[1].get<std::string>() << "\n";
  return o.str();
}

std::string ChooseWorkflow(const policy::Pack& pack, const std::string& kind, bool emergency, const std::string& given) {
  if (!given.empty()) return given;  // Open() refuses one the pack has not
  std::string id;
  int n = 0;
  for (const auto& w : pack.workflows)
    if (w.kind == kind && (kind != "exception" || w.emergency == emergency)) id = w.id, ++n;
  const std::string what = kind == "incident" ? "インシデント" : std::string(emergency ? "緊急時の" : "") + "例外措置";
  if (n == 0) throw store::Error("E-CASE-003", "パックに" + what + "の手順がありません。");
  if (n > 1) throw store::Error("E-CASE-003", "パックに" + what + "の手順が複数あります。手順の id（--workflow、workflow）で指定してください。");
  return id;
}

}  // namespace mamori::cases
