// The audit of the pack's [audit] (安田町 第131条〜第137条): a plan with its
// units and auditors, approved where the text says so; findings per unit and
// article; the CISO's instructions and the units' answers; closure; working
// papers as hashes; the report. Each step checks, on its own day, that the
// one acting holds the role the text gives that step.
#include <algorithm>
#include <cstdio>
#include <set>

#include "cases/cases.h"
#include "compliance/compliance.h"
#include "compliance/row_text.h"

namespace mamori::compliance {

using internal::Field;
using internal::RoleOf;

namespace {

[[noreturn]] void Fail(const std::string& code, const std::string& message) { throw store::Error(code, message); }

std::string Cited(const policy::Cites& c) { return c.empty() ? "" : "（" + Join(Refs(c), "・") + "）"; }

// A day as staff write it, never in the future: what was done is dated when it was done.
std::string Day(const std::string& date) {
  const std::string today = store::NowJst().substr(0, 10);
  if (date.empty()) return today;
  const auto d = registry::io::ParseDate(date);
  if (!d) Fail("E-COMP-005", "日付「" + date + "」を読めません（例: 2026-06-30、令和8年6月30日）。");
  if (*d > today) Fail("E-COMP-005", "日付 " + *d + " はまだ来ていません（今日は " + today + "）。行った日を --date で指定してください。");
  return *d;
}

std::string Numbered(std::size_t n, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*zu", width, n);
  return buf;
}

// The plan's approval is the case's own status, read each time.
std::string PlanStatusOf(store::Store& store, const Json& a) {
  const std::string c = Field(a, "case");
  if (c.empty()) return "drawn";
  const auto row = store.Get("cases", c);
  if (!row) return "pending";
  const std::string s = Field(Json::parse(*row), "status");
  if (s == "done") return "approved";
  if (s == "open") return "pending";
  return s;
}

AuditView ViewOf(store::Store& store, const std::string& id, const std::string& data) {
  AuditView v;
  v.audit = Json::parse(data);
  v.plan_status = PlanStatusOf(store, v.audit);
  for (const auto& r : store.ListPrefix("audit_findings", id + "/")) v.findings.push_back(Json::parse(r.data));
  for (const auto& r : store.ListPrefix("audit_papers", id + "/")) v.papers.push_back(Json::parse(r.data));
  return v;
}

}  // namespace

std::vector<AuditView> AuditsOf(store::Store& store, const FiscalYear& fy) {
  std::vector<AuditView> out;
  for (const auto& r : store.ListPrefix("audits", std::to_string(fy.year) + "-")) out.push_back(ViewOf(store, r.id, r.data));
  return out;
}

std::string PlanStatusName(const std::string& s) {
  if (s == "approved") return "承認済み";
  if (s == "pending") return "承認待ち";
  if (s == "rejected") return "不承認";
  if (s == "returned") return "差戻し";
  if (s == "withdrawn") return "取下げ";
  if (s == "drawn") return "策定済み";
  return s;
}

std::string FindingStatusName(const std::string& s) {
  if (s == "open") return "記録";
  if (s == "instructed") return "指示済み";
  if (s == "answered") return "回答済み";
  if (s == "closed") return "完了";
  return s;
}

struct Audits::Impl {
  store::Store& store;
  const policy::Pack& pack;
  const reiki::Regulation& regulation;
  std::string actor, at;
  registry::Registry reg;
  const policy::Audit& audit;

  Impl(store::Store& s, const policy::Pack& p, const reiki::Regulation& r, std::string a, std::string t)
      : store(s), pack(p), regulation(r), actor(std::move(a)), at(std::move(t)), reg(s, p), audit(p.audit) {
    if (!audit.present)
      Fail("E-COMP-030", "パック（" + pack.name + "）に監査の手続（[audit]）がありません。本文が監査を行う者と手順を定めていないためです（docs/compliance.md）。");
  }

  std::string Now() const { return at.empty() ? store::NowJst() : at; }

  Json Person(const std::string& id) {
    const auto row = store.Get("people", id);
    if (!row) Fail("E-COMP-031", "職員「" + id + "」は職員の台帳にありません。職員番号を確かめてください。");
    return Json::parse(*row);
  }

  const policy::Role& RoleNamed(const std::string& id) {
    const policy::Role* r = RoleOf(pack, id);
    if (!r) Fail("E-COMP-030", "[audit] の役割「" + id + "」がパックにありません。`mamori pack check` で確かめてください。");
    return *r;
  }

  // `as` must hold `role_id` on `day`; otherwise who does, by name.
  void MustHold(const std::string& as, const std::string& role_id, const std::string& day, const std::string& step,
                const policy::Cites& cite) {
    const policy::Role& role = RoleNamed(role_id);
    const Json person = Person(as);
    if (reg.HoldsRole(as, role, day)) return;
    const auto who = reg.Who(role.id, "", "", day);
    std::vector<std::string> names;
    for (const auto& h : who.holders)
      if (names.size() < 5) names.push_back(h.person_id + " " + h.person_name);
    Fail("E-COMP-032", as + " " + Field(person, "name") + " は " + day + " に「" + role.name + "」ではないため、" + step + "できません" +
                           Cited(cite) + "。" +
                           (names.empty() ? "その日に「" + role.name + "」の者がいません（" + who.note + "）。"
                                          : "できるのは " + Join(names, "、") + " です。") +
                           "何も変えていません。");
  }

  // The units a person belongs to on `day`: their 所属, and those of the posts they hold.
  std::set<std::string> UnitsOf(const std::string& person, const std::string& day) {
    std::set<std::string> out;
    if (auto p = store.Get("people", person)) out.insert(Field(Json::parse(*p), "unit"));
    for (const auto& row : store.List("post_holders")) {
      const Json h = Json::parse(row.data);
      if (Field(h, "person") != person) continue;
      const std::string from = Field(h, "from"), to = Field(h, "to");
      if (from > day || (!to.empty() && to < day)) continue;
      if (auto post = store.Get("posts", Field(h, "post"))) out.insert(Field(Json::parse(*post), "unit"));
    }
    out.erase("");
    return out;
  }

  std::string UnitName(const std::string& id) {
    const auto row = store.Get("units", id);
    return row ? Field(Json::parse(*row), "name") : id;
  }

  Json AuditRow(const std::string& id) {
    const auto row = store.Get("audits", id);
    if (!row) {
      std::vector<std::string> ids;
      for (const auto& r : store.List("audits")) ids.push_back(r.id);
      Fail("E-COMP-033", "監査「" + id + "」はありません。" +
                             (ids.empty() ? std::string("`mamori audit plan` で監査実施計画を記録してください。") : "記録されている監査: " + Join(ids, "、") + "。"));
    }
    return Json::parse(*row);
  }

  Json FindingRow(const std::string& id) {
    const auto row = store.Get("audit_findings", id);
    if (!row) Fail("E-COMP-033", "指摘事項「" + id + "」はありません。`mamori audit status` で番号（例: 2026-01/001）を確かめてください。");
    return Json::parse(*row);
  }

  std::string PlanStatus(const Json& a) { return PlanStatusOf(store, a); }

  void MustBeApproved(const Json& a) {
    const std::string s = PlanStatus(a);
    if (s == "approved" || s == "drawn") return;
    Fail("E-COMP-034", "監査「" + Field(a, "id") + "」の監査実施計画は" + PlanStatusName(s) + "です（案件 " + Field(a, "case") +
                           "）。計画の承認" + Cited(audit.plan_cite) + "の後に記録してください。何も変えていません。");
  }

  // Who may record in the audit on `day`: whoever holds the lead role that
  // day (not whoever planned it), or an auditor the plan names who still
  // holds the auditor role that day. E-COMP-032 otherwise, naming them.
  void MustActFor(const Json& a, const std::string& as, const std::string& day, const std::string& step,
                  const policy::Cites& cite) {
    if (reg.HoldsRole(as, RoleNamed(audit.lead), day)) return;
    bool named = false;
    std::vector<std::string> names;
    for (const auto& x : a["auditors"]) {
      named |= Field(x, "person") == as;
      names.push_back(Field(x, "person") + " " + Field(x, "name"));
    }
    const Json person = Person(as);
    if (!named)
      Fail("E-COMP-032", as + " " + Field(person, "name") + " は " + day + " に「" + RoleNamed(audit.lead).name + "」でも、監査「" +
                             Field(a, "id") + "」の監査を行う者でもないため、" + step + "できません" + Cited(cite) +
                             "。計画の監査を行う者: " + Join(names, "、") + "。何も変えていません。");
    MustHold(as, audit.auditor, day, step, cite);
  }

  // Steps happen in order: none is dated before the one it follows (a
  // finding before its plan was approved, an answer before its instruction).
  static void NotBefore(const std::string& day, const std::string& earliest, const std::string& what) {
    if (!earliest.empty() && day < earliest)
      Fail("E-COMP-042", "日付 " + day + " は" + what + "（" + earliest + "）より前です。行った日を --date で確かめてください。何も変えていません。");
  }

  // The day the plan could first be acted on: its approval (the case's end) or, without one, its own day.
  std::string ApprovedOn(const Json& a) {
    const std::string c = Field(a, "case");
    if (c.empty()) return Field(a, "on");
    const auto row = store.Get("cases", c);
    const std::string closed = row ? Field(Json::parse(*row), "closed_at") : "";
    return closed.size() >= 10 ? std::max(closed.substr(0, 10), Field(a, "on")) : Field(a, "on");
  }

  // Who holds the owner role for `unit` on `day`, as text ("" when vacant).
  std::string OwnerOf(const std::string& unit, const std::string& day, std::string* vacancy = nullptr) {
    const policy::Role& role = RoleNamed(audit.owner);
    std::string kind;
    for (const auto& s : RoleScopes(store, reg, role, day, kind)) {
      if (s.id != unit) continue;
      std::vector<std::string> names;
      for (const auto& h : s.holders) names.push_back(h.person_id + " " + h.person_name + (h.acting ? "（代理）" : ""));
      if (names.empty() && vacancy) *vacancy = s.vacancy;
      return Join(names, "、");
    }
    return "";
  }

  void Write(const std::string& kind, const std::string& id, const std::optional<std::string>& before, const Json& row,
             const std::string& what) {
    store.Apply({kind, id, before, row.dump()}, actor, Now(), what);
  }
};

Audits::Audits(store::Store& store, const policy::Pack& pack, const reiki::Regulation& regulation, std::string actor,
               std::string at)
    : impl_(std::make_shared<Impl>(store, pack, regulation, std::move(actor), std::move(at))) {}

Json Audits::OpenPlan(const Plan& p) {
  Impl& m = *impl_;
  const std::string day = Day(p.date);
  m.MustHold(p.as, m.audit.lead, day, "監査実施計画を立案", m.audit.plan_action.empty() ? m.audit.cite : m.audit.plan_cite);
  if (p.units.empty()) Fail("E-COMP-035", "監査の対象の課等を --unit で1つ以上指定してください。");
  if (p.auditors.empty()) Fail("E-COMP-035", "監査を行う者を --auditor で1人以上指定してください" + Cited(m.audit.independence_cite) + "。");
  Json units = Json::array();
  std::set<std::string> audited;
  for (const auto& u : p.units) {
    const std::string id = FindUnit(m.store, u);
    if (!audited.insert(id).second) continue;
    units.push_back({{"id", id}, {"name", m.UnitName(id)}});
  }
  const policy::Role& auditor_role = m.RoleNamed(m.audit.auditor);
  Json auditors = Json::array();
  std::set<std::string> seen;
  for (const auto& a : p.auditors) {
    if (!seen.insert(a).second) continue;
    const Json person = m.Person(a);
    m.MustHold(a, m.audit.auditor, day, "監査を行う者として計画に入ることが", auditor_role.cite);
    // 第132条第1項: independent of the audited units, by the registers of the day.
    for (const std::string& u : m.UnitsOf(a, day))
      if (audited.count(u))
        Fail("E-COMP-036", a + " " + Field(person, "name") + " は " + day + " に " + m.UnitName(u) + "（" + u +
                               "）に属しているため、その課等の監査を行えません（被監査部門からの独立: " + Join(Refs(m.audit.independence_cite), "・") +
                               "）。別の監査を行う者を指名するか、" + m.UnitName(u) + " を対象から外してください。何も変えていません。");
    auditors.push_back({{"person", a}, {"name", Field(person, "name")}, {"unit", Field(person, "unit")},
                        {"unit_name", m.UnitName(Field(person, "unit"))}});
  }
  const Json lead = m.Person(p.as);
  const FiscalYear fy = FiscalYearOf(day);
  Json row = {{"fy", fy.year},
              {"title", p.title.empty() ? fy.Wareki() + " 情報セキュリティ監査" : p.title},
              {"lead", p.as},
              {"lead_name", Field(lead, "name")},
              {"on", day},
              {"units", units},
              {"auditors", auditors},
              {"evidence", EvidenceJson(m.store, p.evidence)},
              {"cite", Refs(m.audit.cite)}};
  store::Transaction tx(m.store);
  const std::string prefix = std::to_string(fy.year) + "-";
  const std::string id = prefix + Numbered(m.store.ListPrefix("audits", prefix).size() + 1, 2);
  row["id"] = id;
  if (!m.audit.plan_action.empty()) {
    // The committee approves the plan as a case of its own workflow (第133条第1項),
    // opened in this transaction: a plan and its request stand or fall together.
    cases::Cases c(m.store, m.pack, m.regulation, m.actor);
    c.SetBatch(true);
    Json fields = {{"audit", id}, {"title", row["title"]}, {"units", units}, {"auditors", auditors}};
    const Json req = {{"action", m.audit.plan_action}};
    cases::Outcome out = c.Apply(req.dump(), p.as, day, fields);
    if (out.case_id.empty())
      Fail("E-COMP-035", "監査実施計画の承認の案件を開けませんでした: " + out.message);
    row["case"] = out.case_id;
  }
  m.Write("audits", id, std::nullopt, row, "audit plan");
  tx.Commit();
  return row;
}

Json Audits::AddFinding(const FindingIn& f) {
  Impl& m = *impl_;
  const std::string day = Day(f.date);
  Json a = m.AuditRow(f.audit);
  m.MustBeApproved(a);
  const Json person = m.Person(f.as);
  m.MustActFor(a, f.as, day, "指摘事項を記録", m.audit.independence_cite);
  Impl::NotBefore(day, m.ApprovedOn(a), m.audit.plan_action.empty() ? "監査実施計画の日" : "監査実施計画の承認の日");
  const std::string unit = FindUnit(m.store, f.unit);
  bool planned = false;
  for (const auto& u : a["units"]) planned |= Field(u, "id") == unit;
  if (!planned) {
    std::vector<std::string> n;
    for (const auto& u : a["units"]) n.push_back(Field(u, "name"));
    Fail("E-COMP-035", m.UnitName(unit) + " は監査「" + f.audit + "」の対象ではありません（対象: " + Join(n, "、") + "）。");
  }
  // 第132条第1項 on the day of the finding too: a 異動 into the unit since the plan ends independence.
  if (m.UnitsOf(f.as, day).count(unit))
    Fail("E-COMP-036", f.as + " " + Field(person, "name") + " は " + day + " に " + m.UnitName(unit) +
                           " に属しているため、その課等の指摘事項を記録できません（被監査部門からの独立: " +
                           Join(Refs(m.audit.independence_cite), "・") + "）。何も変えていません。");
  std::string article;
  try {
    const reiki::Node& node = reiki::Resolve(m.regulation, reiki::ParseReference(f.article));
    article = reiki::CitationOf(m.regulation, node);
  } catch (const reiki::Error& e) {
    Fail("E-COMP-037", "--article「" + f.article + "」は規程の条項として見つかりません（例: 第46条第4項）: " + e.what());
  }
  if (std::none_of(std::begin(kSeverities), std::end(kSeverities), [&](const char* s) { return f.severity == s; }))
    Fail("E-COMP-038", "重要度「" + f.severity + "」は使えません。重大・中・軽微 のいずれかで指定してください。");
  if (registry::io::TrimCell(f.text).empty()) Fail("E-COMP-038", "指摘の内容を --text で書いてください。");
  Json row = {{"audit", f.audit},   {"unit", unit},         {"unit_name", m.UnitName(unit)}, {"article", article},
              {"severity", f.severity}, {"text", f.text},   {"by", f.as},                    {"by_name", Field(person, "name")},
              {"on", day},          {"evidence", EvidenceJson(m.store, f.evidence)}, {"status", "open"},
              {"instructions", Json::array()}, {"responses", Json::array()}};
  store::Transaction tx(m.store);
  const std::string prefix = f.audit + "/";
  const std::string id = prefix + Numbered(m.store.ListPrefix("audit_findings", prefix).size() + 1, 3);
  row["id"] = id;
  m.Write("audit_findings", id, std::nullopt, row, "audit finding");
  tx.Commit();
  return row;
}

Json Audits::Instruct(const Instruction& in) {
  Impl& m = *impl_;
  if (m.audit.instructs.empty())
    Fail("E-COMP-039", "この規程（" + m.pack.name + "）には指摘事項への対処を指示する定めがありません。監査統括責任者が `mamori audit close` でフォローアップを記録してください。");
  const std::string day = Day(in.date);
  m.MustHold(in.as, m.audit.instructs, day, "指摘事項への対処を指示", m.audit.instruct_cite);
  if (registry::io::TrimCell(in.text).empty()) Fail("E-COMP-038", "指示の内容を --text で書いてください" + Cited(m.audit.instruct_cite) + "。");
  const Json person = m.Person(in.as);
  store::Transaction tx(m.store);
  Json f = m.FindingRow(in.finding);
  const std::string before = f.dump();
  if (Field(f, "status") == "closed") Fail("E-COMP-040", "指摘事項「" + in.finding + "」は完了しています。何も変えていません。");
  Impl::NotBefore(day, Field(f, "on"), "指摘事項を記録した日");
  std::set<std::string> already;
  for (const auto& i : f["instructions"]) already.insert(Field(i, "unit"));
  auto instruct = [&](const std::string& unit, const std::string& kind) {
    if (already.count(unit)) return;
    already.insert(unit);
    std::string vacancy;
    const std::string holders = m.OwnerOf(unit, day, &vacancy);
    f["instructions"].push_back({{"unit", unit},   {"unit_name", m.UnitName(unit)}, {"kind", kind},
                                 {"to", holders},  {"vacancy", vacancy},            {"by", in.as},
                                 {"by_name", Field(person, "name")}, {"on", day},  {"text", in.text}});
  };
  instruct(Field(f, "unit"), "対処");
  for (const auto& u : in.also) {
    const std::string id = FindUnit(m.store, u);
    if (id == Field(f, "unit")) continue;
    instruct(id, "確認");
  }
  if (f["instructions"].dump() == Json::parse(before)["instructions"].dump())
    Fail("E-COMP-040", "指摘事項「" + in.finding + "」のその課等への指示は記録済みです。何も変えていません。");
  f["status"] = "instructed";
  m.Write("audit_findings", in.finding, before, f, "audit instruct");
  tx.Commit();
  return f;
}

Json Audits::Respond(const Response& r) {
  Impl& m = *impl_;
  if (m.audit.owner.empty())
    Fail("E-COMP-039", "この規程（" + m.pack.name + "）には指摘事項への指示と回答の定めがありません。");
  const std::string day = Day(r.date);
  if (registry::io::TrimCell(r.text).empty()) Fail("E-COMP-038", "回答（講じた対処、又は同種の課題の有無）を --text で書いてください。");
  const Json person = m.Person(r.as);
  store::Transaction tx(m.store);
  Json f = m.FindingRow(r.finding);
  const std::string before = f.dump();
  std::set<std::string> answered;
  for (const auto& x : f["responses"]) answered.insert(Field(x, "unit"));
  // The units instructed for which `as` holds the owner role today and which have not answered.
  const policy::Role& owner = m.RoleNamed(m.audit.owner);
  std::string kind;
  std::set<std::string> mine;
  for (const auto& s : RoleScopes(m.store, m.reg, owner, day, kind))
    for (const auto& h : s.holders)
      if (h.person_id == r.as) mine.insert(s.id);
  std::vector<const Json*> open;
  for (const auto& i : f["instructions"])
    if (!answered.count(Field(i, "unit"))) open.push_back(&i);
  if (f["instructions"].empty())
    Fail("E-COMP-041", "指摘事項「" + r.finding + "」にはまだ指示がありません" + Cited(m.audit.instruct_cite) + "。");
  const std::string wanted = r.unit.empty() ? "" : FindUnit(m.store, r.unit);
  const Json* target = nullptr;
  std::vector<std::string> names, theirs;
  for (const Json* i : open) {
    names.push_back(Field(*i, "unit_name"));
    if (!mine.count(Field(*i, "unit"))) continue;
    theirs.push_back(Field(*i, "unit_name"));
    if (!wanted.empty() && wanted != Field(*i, "unit")) continue;
    if (target)
      Fail("E-COMP-041", r.as + " は指示を受けた複数の課等の「" + owner.name + "」です。どの課等の回答か --unit で指定してください。");
    target = i;
  }
  if (!target && !theirs.empty())
    Fail("E-COMP-041", r.as + " " + Field(person, "name") + " が " + day + " に回答できるのは " + Join(theirs, "、") + " です。「" + r.unit +
                           "」の「" + owner.name + "」ではありません。何も変えていません。");
  if (!target)
    Fail("E-COMP-041", r.as + " " + Field(person, "name") + " は " + day + " に、回答を待つ課等（" +
                           (names.empty() ? std::string("なし: すべて回答済み") : Join(names, "、")) + "）の「" + owner.name +
                           "」ではありません。何も変えていません。");
  const Json& i = *target;
  Impl::NotBefore(day, Field(i, "on"), Field(i, "unit_name") + "への指示の日");
  f["responses"].push_back({{"unit", i["unit"]}, {"unit_name", i["unit_name"]}, {"kind", i["kind"]}, {"by", r.as},
                            {"by_name", Field(person, "name")}, {"on", day}, {"text", r.text},
                            {"evidence", EvidenceJson(m.store, r.evidence)}});
  if (f["responses"].size() == f["instructions"].size()) f["status"] = "answered";
  m.Write("audit_findings", r.finding, before, f, "audit respond");
  tx.Commit();
  return f;
}

Json Audits::Close(const std::string& finding, const std::string& as, const std::string& date, const std::string& text) {
  Impl& m = *impl_;
  const std::string day = Day(date);
  m.MustHold(as, m.audit.lead, day, "指摘事項のフォローアップを完了", m.audit.cite);
  if (registry::io::TrimCell(text).empty()) Fail("E-COMP-038", "フォローアップで確かめたことを --text で書いてください。");
  const Json person = m.Person(as);
  store::Transaction tx(m.store);
  Json f = m.FindingRow(finding);
  const std::string before = f.dump();
  const std::string status = Field(f, "status");
  if (status == "closed") Fail("E-COMP-040", "指摘事項「" + finding + "」は完了しています。何も変えていません。");
  if (!m.audit.instructs.empty()) {
    std::set<std::string> answered;
    for (const auto& x : f["responses"]) answered.insert(Field(x, "unit"));
    std::vector<std::string> waiting;
    for (const auto& i : f["instructions"])
      if (!answered.count(Field(i, "unit"))) waiting.push_back(Field(i, "unit_name"));
    if (f["instructions"].empty())
      Fail("E-COMP-041", "指摘事項「" + finding + "」への対処の指示" + Cited(m.audit.instruct_cite) + "がまだありません。完了できません。");
    if (!waiting.empty())
      Fail("E-COMP-041", "指摘事項「" + finding + "」は " + Join(waiting, "、") + " の回答を待っています。回答の後に完了してください。");
  }
  std::string last = Field(f, "on");
  for (const auto& x : f["responses"]) last = std::max(last, Field(x, "on"));
  Impl::NotBefore(day, last, f["responses"].empty() ? "指摘事項を記録した日" : "最後の回答の日");
  f["status"] = "closed";
  f["closed"] = {{"by", as}, {"by_name", Field(person, "name")}, {"on", day}, {"text", text}};
  m.Write("audit_findings", finding, before, f, "audit close");
  tx.Commit();
  return f;
}

Json Audits::AddPaper(const std::string& audit_id, const std::string& as, const std::string& date,
                      const std::vector<Evidence>& evidence) {
  Impl& m = *impl_;
  const std::string day = Day(date);
  const Json a = m.AuditRow(audit_id);
  const Json person = m.Person(as);
  m.MustActFor(a, as, day, "監査調書を記録", m.audit.keep_cite);
  Impl::NotBefore(day, Field(a, "on"), "監査実施計画の日");
  if (evidence.empty() || std::any_of(evidence.begin(), evidence.end(), [](const Evidence& e) { return e.type != "file" && e.type != "sha256"; }))
    Fail("E-COMP-004", "監査証拠・監査調書は file:パス か sha256:16進数 で指定してください（ハッシュを台帳に残し、中身は保存しません）" + Cited(m.audit.keep_cite) + "。");
  store::Transaction tx(m.store);
  const std::string prefix = audit_id + "/P";
  const std::string id = prefix + Numbered(m.store.ListPrefix("audit_papers", prefix).size() + 1, 3);
  Json row = {{"id", id},   {"audit", audit_id}, {"by", as}, {"by_name", Field(person, "name")},
              {"on", day}, {"evidence", EvidenceJson(m.store, evidence)}, {"cite", Refs(m.audit.keep_cite)}};
  m.Write("audit_papers", id, std::nullopt, row, "audit paper");
  tx.Commit();
  return row;
}

Json Audits::Report(const std::string& audit_id, const std::string& as, const std::string& date, const std::string& text) {
  Impl& m = *impl_;
  const std::string day = Day(date);
  m.MustHold(as, m.audit.lead, day, "監査結果を報告", m.audit.report_cite);
  const Json person = m.Person(as);
  store::Transaction tx(m.store);
  Json a = m.AuditRow(audit_id);
  m.MustBeApproved(a);
  Impl::NotBefore(day, m.ApprovedOn(a), m.audit.plan_action.empty() ? "監査実施計画の日" : "監査実施計画の承認の日");
  if (a.contains("reported"))
    Fail("E-COMP-040", "監査「" + audit_id + "」の結果は " + Field(a["reported"], "on") + " に報告済みです。何も変えていません。");
  const std::string before = a.dump();
  std::size_t findings = m.store.ListPrefix("audit_findings", audit_id + "/").size();
  a["reported"] = {{"by", as},   {"by_name", Field(person, "name")}, {"on", day}, {"to", m.audit.report_to},
                   {"to_name", m.RoleNamed(m.audit.report_to).name}, {"findings", findings}, {"text", text},
                   {"cite", Refs(m.audit.report_cite)}};
  m.Write("audits", audit_id, before, a, "audit report");
  tx.Commit();
  return a;
}

AuditView Audits::Get(const std::string& id) {
  Impl& m = *impl_;
  return ViewOf(m.store, id, m.AuditRow(id).dump());
}

std::vector<AuditView> Audits::List(const FiscalYear& fy) { return AuditsOf(impl_->store, fy); }

registry::io::Table FindingsTable(const std::vector<AuditView>& audits, const std::string& unit) {
  registry::io::Table t;
  t.header = {"監査", "指摘番号", "課等", "条項", "重要度", "指摘", "状態", "指示", "回答", "完了"};
  for (const auto& v : audits)
    for (const auto& f : v.findings) {
      if (!unit.empty() && Field(f, "unit") != unit &&
          std::none_of(f["instructions"].begin(), f["instructions"].end(), [&](const Json& i) { return Field(i, "unit") == unit; }))
        continue;
      std::vector<std::string> ins, res;
      for (const auto& i : f["instructions"]) ins.push_back(Field(i, "unit_name") + "（" + Field(i, "kind") + "、" + Field(i, "on") + "）");
      for (const auto& x : f["responses"]) res.push_back(Field(x, "unit_name") + ": " + Field(x, "text") + "（" + Field(x, "on") + "）");
      const std::string closed = f.contains("closed") ? Field(f["closed"], "on") + " " + Field(f["closed"], "text") : "";
      t.rows.push_back({Field(v.audit, "id"), Field(f, "id"), Field(f, "unit_name"), Field(f, "article"), Field(f, "severity"),
                        Field(f, "text"), FindingStatusName(Field(f, "status")), Join(ins, "、"), Join(res, "；"), closed});
    }
  return t;
}

}  // namespace mamori::compliance
