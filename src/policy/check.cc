// Holding a pack to its regulation: citations resolve, references between
// entries name things that exist, rules do not contradict each other, every
// action × level is decided, and every article is accounted for.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "policy/cites.h"
#include "policy/policy.h"

namespace mamori::policy {
namespace {

std::string Place(const Source& s) {
  return s.file + ":" + std::to_string(s.line) + ":" + std::to_string(s.col);
}

// Main-provision articles in order, and for every node the article it lies in.
struct ArticleIndex {
  std::vector<const reiki::Node*> articles;
  std::unordered_map<const reiki::Node*, const reiki::Node*> article_of;

  explicit ArticleIndex(const reiki::Regulation& reg) { Walk(reg.root, nullptr); }

  void Walk(const reiki::Node& n, const reiki::Node* article) {
    if (n.kind == reiki::NodeKind::kToc || n.kind == reiki::NodeKind::kSupplProvision) return;
    if (n.kind == reiki::NodeKind::kArticle) {
      article = &n;
      articles.push_back(&n);
    }
    if (article) article_of[&n] = article;
    for (const reiki::Node& c : n.children) Walk(c, article);
  }
};

class Checker {
 public:
  Checker(const Pack& p, const reiki::Regulation& reg, CheckReport& out) : p_(p), reg_(reg), out_(out) {
    for (const auto& r : p.roles) roles_.insert(r.id);
    for (const auto& a : p.actions) actions_.insert(a.id);
    for (const auto& o : p.obligations) obligations_.insert(o.id);
    for (const auto& z : p.zones) zones_.insert(z.id);
    for (const auto& f : p.facets) facets_.insert(f.id);
    for (const auto& c : p.person_categories) categories_.insert(c.id);
    for (const auto& r : p.rules) rules_.insert(r.id);
    for (const auto& x : p.parameters) parameters_.insert(x.id);
    for (const auto& a : p.classification.axes) {
      auto& levels = levels_[a.id];
      for (const auto& l : a.levels) levels.insert(l.id);
    }
  }

  void Run() {
    Citations();
    for (auto& d : CheckReviews(p_, reg_)) out_.errors.push_back(std::move(d));
    References();
    Conflicts();
    Completeness();
  }

 private:
  void Error(const std::string& code, const Source& at, const std::string& message) {
    out_.errors.push_back({code, at, message});
  }

  void Known(const std::set<std::string>& known, const std::string& id, const std::string& code,
             const std::string& what, const Source& at, const std::string& where_to_define) {
    if (id.empty() || known.count(id)) return;
    Error(code, at, what + "「" + id + "」は定義されていません。" + where_to_define + " に定義するか、綴りを確認してください。");
  }
  void Role(const std::string& id, const Source& at, const std::string& field) {
    Known(roles_, id, "E-PACK-011", field + " の役割", at, "[[roles]]");
  }

  void Citations() {
    ArticleIndex index(reg_);
    std::set<const reiki::Node*> bound, declaratory;
    ForEachCite(p_, [&](const Citation& c, bool is_declaratory, const std::string&) {
      try {
        const reiki::Node& n = reiki::Resolve(reg_, reiki::ParseReference(c.ref));
        auto it = index.article_of.find(&n);
        if (it == index.article_of.end()) return;  // 附則 or a heading: binds no article
        (is_declaratory ? declaratory : bound).insert(it->second);
      } catch (const reiki::Error& e) {
        Error("E-PACK-010", c.where, "引用「" + c.ref + "」が規程の本文で見つかりません: " + e.what());
      }
    });
    Coverage& cov = out_.coverage;
    cov.articles = static_cast<int>(index.articles.size());
    for (const reiki::Node* a : index.articles) {
      if (bound.count(a)) {
        ++cov.bound;
      } else if (declaratory.count(a)) {
        ++cov.declaratory;
      } else {
        cov.missing.push_back(reiki::CitationOf(reg_, *a));
        Error("E-PACK-030", p_.regulation.where,
              reiki::CitationOf(reg_, *a) + "（" + a->caption + "）がどの規定にも結び付いておらず、宣言的（declaratory）ともされていません。");
      }
    }
  }

  void References() {
    for (const auto& r : p_.roles) {
      // A workflow step's `by` reads these words before role ids: a role so
      // named could never be the one who acts.
      if (r.id == "decision" || r.id == "applicant" || r.id == "reporter")
        Error("E-PACK-044", r.where, "roles の id「" + r.id + "」は手順の段の by で別の意味（" +
                                         (r.id == "decision" ? "判定の承認者" : r.id == "applicant" ? "申請者" : "報告者") +
                                         "）に使う語です。別の id にしてください。");
      const RoleFill& f = r.fill;
      Role(f.by, r.where, "roles「" + r.id + "」の fill.by");
      Role(f.chair, r.where, "roles「" + r.id + "」の fill.chair");
      Role(f.vice_chair, r.where, "roles「" + r.id + "」の fill.vice_chair");
      for (const auto& m : f.members) Role(m, r.where, "roles「" + r.id + "」の fill.members");
    }
    for (const auto& a : p_.actions)
      if (a.applicants)
        for (const auto& r : a.applicants->roles) Role(r, a.applicants->where, "actions「" + a.id + "」の applicants");
    for (const auto& rule : p_.rules) {
      const std::string what = "rules「" + rule.id + "」";
      Known(actions_, rule.action, "E-PACK-012", what + " の行為", rule.where, "[[actions]]");
      for (const auto& a : rule.approvers) Role(a, rule.where, what + " の approvers");
      for (const auto& o : rule.obligations)
        Known(obligations_, o, "E-PACK-013", what + " の義務", rule.where, "[[obligations]]");
      for (const auto& o : rule.overrides)
        Known(rules_, o, "E-PACK-016", what + " の overrides の規則", rule.where, "[[rules]]");
      if (rule.escape)
        for (const auto& by : rule.escape->by) Role(by, rule.escape->where, what + " の escape.by");
      const Matcher& m = rule.when;
      for (const auto& z : m.from_zone) Known(zones_, z, "E-PACK-014", what + " の from_zone のゾーン", m.where, "[[zones]]");
      for (const auto& z : m.to_zone) Known(zones_, z, "E-PACK-014", what + " の to_zone のゾーン", m.where, "[[zones]]");
      for (const auto& f : m.facets) Known(facets_, f, "E-PACK-015", what + " の facets", m.where, "[[facets]]");
      for (const auto& s : m.subject)
        Known(categories_, s, "E-PACK-015", what + " の subject の区分", m.where, "[[person_categories]]");
      for (const auto& [axis, levels] : m.levels) {
        auto it = levels_.find(axis);
        if (it == levels_.end()) {
          Error("E-PACK-015", m.where, what + " の when にある「" + axis + "」は分類軸でも既知の条件でもありません。");
          continue;
        }
        for (const auto& l : levels)
          Known(it->second, l, "E-PACK-015", what + " の分類「" + axis + "」の段階", m.where, "[[classification.axes.levels]]");
      }
      for (const auto& z : m.with_zone) Known(zones_, z, "E-PACK-014", what + " の with_zone のゾーン", m.where, "[[zones]]");
      for (const auto& [axis, levels] : m.area_levels) {
        auto it = levels_.find(axis);
        if (it == levels_.end()) {
          Error("E-PACK-015", m.where, what + " の when にある「area_" + axis + "」の「" + axis + "」は分類軸ではありません。");
          continue;
        }
        for (const auto& l : levels)
          Known(it->second, l, "E-PACK-015", what + " の area_" + axis + " の段階", m.where, "[[classification.axes.levels]]");
      }
      static const std::set<std::string> kPurposeSet(std::begin(kPurposes), std::end(kPurposes));
      for (const auto& x : m.purpose) Known(kPurposeSet, x, "E-PACK-017", what + " の purpose の値", m.where, "business / non_business");
    }
    for (const auto& f : p_.flows) {
      Known(zones_, f.from, "E-PACK-014", "flows の from のゾーン", f.where, "[[zones]]");
      Known(zones_, f.to, "E-PACK-014", "flows の to のゾーン", f.where, "[[zones]]");
      for (const auto& o : f.requires_what) Known(obligations_, o, "E-PACK-013", "flows の requires の義務", f.where, "[[obligations]]");
    }
    if (p_.sod.present) Role(p_.sod.fallback_by, p_.sod.where, "[separation_of_duties] の fallback_by");
    for (const auto& d : p_.duties) {
      Role(d.role, d.where, "duties「" + d.id + "」の role");
      Interval(d);
    }
    for (const auto& c : p_.checklist) Role(c.role, c.where, "checklist「" + c.id + "」の role");
    for (const auto& c : p_.checks) RegisterCheck(c);
    for (const auto& w : p_.workflows) Workflow(w);
    std::map<std::string, std::string> enforced;  // what the server enforces -> the parameter
    for (const auto& x : p_.parameters) {
      Role(x.owner, x.where, "parameters「" + x.id + "」の owner");
      if (x.enforced.empty()) continue;
      auto [it, fresh] = enforced.emplace(x.enforced, x.id);
      if (!fresh)
        Error("E-PACK-050", x.where, "parameters「" + x.id + "」と「" + it->second + "」の両方が enforced = \"" + x.enforced +
                                         "\" です。mamori serve が守らせる値は1つにしてください。");
    }
    if (p_.evidence.present) Retention();
    if (p_.audit.present) AuditSteps();
    AccessGrants();
  }

  // [[access]] must name a role that exists, only what the server shows, and
  // "unit" only for a role held per unit (else it has no unit to see).
  void AccessGrants() {
    static const std::set<std::string> kWhat = {"cases", "incidents", "exceptions", "registers", "assets"};
    for (const auto& a : p_.access) {
      Role(a.role, a.where, "[[access]] の role");
      for (const auto& w : a.what)
        if (!kWhat.count(w))
          Error("E-PACK-051", a.where, "[[access]] の what「" + w + "」は mamori にありません（cases、incidents、exceptions、registers、assets）。");
      if (a.what.empty()) Error("E-PACK-051", a.where, "[[access]]「" + a.role + "」の what が空です。見せるものを書いてください。");
      for (const auto& r : p_.roles)
        if (r.id == a.role && a.sees == "unit" && r.fill.kind != "unit_head" && r.fill.kind != "unit_post")
          Error("E-PACK-051", a.where, "[[access]]「" + a.role + "」は sees = \"unit\" ですが、課等ごとに充てられる役割（unit_head / unit_post）ではありません。");
    }
  }

  // [audit] must name roles that exist, a plan approval that a workflow can
  // take, and, where the CISO instructs, an owner that is held per unit (the
  // instruction goes to "the 責任者 of the unit of the finding").
  void AuditSteps() {
    const policy::Audit& a = p_.audit;
    Role(a.lead, a.where, "[audit] の lead");
    Role(a.auditor, a.where, "[audit] の auditor");
    Role(a.report_to, a.where, "[audit] の report_to");
    Role(a.instructs, a.where, "[audit] の instructs");
    Role(a.owner, a.where, "[audit] の owner");
    if (!a.plan_action.empty()) {
      Known(actions_, a.plan_action, "E-PACK-012", "[audit] の plan_action の行為", a.where, "[[actions]]");
      if (actions_.count(a.plan_action) &&
          std::none_of(p_.workflows.begin(), p_.workflows.end(), [&](const policy::Workflow& w) {
            return std::find(w.actions.begin(), w.actions.end(), a.plan_action) != w.actions.end();
          }))
        Error("E-PACK-049", a.where, "[audit] の plan_action「" + a.plan_action + "」を承認する手順（[[workflows]] の actions）がありません。");
    }
    if (a.instructs.empty() != a.owner.empty())
      Error("E-PACK-049", a.where, "[audit] の instructs（指示する者）と owner（指示を受けて対処する者）は両方書くか、両方書かないでください。");
    for (const auto& r : p_.roles)
      if (r.id == a.owner && r.fill.kind != "unit_head" && r.fill.kind != "unit_post")
        Error("E-PACK-049", a.where, "[audit] の owner「" + a.owner + "」は課等ごとに充てられる役割（unit_head / unit_post）でなければなりません。指摘事項の課等の者に指示が届きません。");
  }

  // A workflow must run: who acts at each step exists, what follows exists,
  // every step can be reached from the first and every step can reach the
  // end. An application takes its approvers from the decision, so exactly one
  // of its steps is by = "decision", and its actions must be the pack's.
  void Workflow(const policy::Workflow& w) {
    const std::string what = "workflows「" + w.id + "」";
    for (const auto& a : w.actions) Known(actions_, a, "E-PACK-012", what + "の actions の行為", w.where, "[[actions]]");
    for (const auto& r : w.applicants) Role(r, w.where, what + "の applicants");
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < w.steps.size(); ++i) index.emplace(w.steps[i].id, i);
    int decision_steps = 0;
    for (const auto& s : w.steps) {
      const std::string where = what + "の steps「" + s.id + "」";
      if (s.by == "decision") ++decision_steps;
      else if (s.by != "applicant" && s.by != "reporter") Role(s.by, s.where, where + "の by");
      for (const auto& n : s.next)
        if (n != "end" && !index.count(n))
          Error("E-PACK-041", s.where, where + "の next「" + n + "」はこの手順の段ではありません（段: " + StepList(w) + "、または end）。");
      // The people a step names are one of its records, and their count is
      // the text's (「複数」: 2), so both or neither.
      if (!s.people.empty() && std::find(s.records.begin(), s.records.end(), s.people) == s.records.end())
        Error("E-PACK-045", s.where, where + "の people「" + s.people + "」は records にありません。人を記録する項目を records に入れてください。");
      if (s.people.empty() != (s.people_at_least < 1))
        Error("E-PACK-045", s.where, where + "の people と people_at_least（1以上）は組で指定してください。");
      if (!s.deadline.empty() && !parameters_.count(s.deadline))
        Error("E-PACK-031", s.where, where + "の deadline「" + s.deadline + "」は parameters に定義されていません。");
    }
    if (w.kind == "application" && decision_steps != 1)
      Error("E-PACK-043", w.where, what + " は申請の手順です。判定の承認者が承認する段（by = \"decision\"）をちょうど1つ置いてください（いま " +
                                        std::to_string(decision_steps) + " 個）。");
    if (w.kind != "application" && decision_steps != 0)
      Error("E-PACK-043", w.where, what + " は申請ではないため、by = \"decision\" の段は置けません。段ごとに役割を書いてください。");
    if (w.steps.empty()) return;
    // Successors: next, or the following step, or the end after the last.
    const std::size_t end = w.steps.size();
    auto successors = [&](std::size_t i) {
      std::vector<std::size_t> out;
      if (w.steps[i].next.empty()) out.push_back(i + 1);
      for (const auto& n : w.steps[i].next) {
        if (n == "end") out.push_back(end);
        else if (auto it = index.find(n); it != index.end()) out.push_back(it->second);
      }
      return out;
    };
    std::vector<bool> reached(end + 1, false);
    std::vector<std::size_t> todo = {0};
    reached[0] = true;
    while (!todo.empty()) {
      const std::size_t i = todo.back();
      todo.pop_back();
      if (i == end) continue;
      for (std::size_t j : successors(i))
        if (!reached[j]) reached[j] = true, todo.push_back(j);
    }
    for (std::size_t i = 0; i < end; ++i)
      if (!reached[i]) Error("E-PACK-041", w.steps[i].where, what + "の steps「" + w.steps[i].id + "」には、最初の段からたどり着けません。前の段の next を確かめてください。");
    // Which steps reach the end: a fixed point over the successors.
    std::vector<bool> ends(end + 1, false);
    ends[end] = true;
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t i = 0; i < end; ++i) {
        if (ends[i]) continue;
        for (std::size_t j : successors(i))
          if (ends[j]) { ends[i] = changed = true; break; }
      }
    }
    for (std::size_t i = 0; i < end; ++i)
      if (reached[i] && !ends[i])
        Error("E-PACK-042", w.steps[i].where, what + "の steps「" + w.steps[i].id + "」から手順の終わりにたどり着けません（next が輪になっていないか確かめてください）。");
  }
  static std::string StepList(const policy::Workflow& w) {
    std::string out;
    for (const auto& s : w.steps) out += (out.empty() ? "" : "、") + s.id;
    return out;
  }

  // A 定期的に duty names the parameter that holds its interval, so that
  // `mamori duties` can show it as 未設定 with the one who sets it, rather
  // than a due date nobody wrote; a value there must read as a period.
  void Interval(const Duty& d) {
    const std::string what = "duties「" + d.id + "」";
    if (d.interval.empty()) {
      if (d.cycle == "periodic")
        Error("E-PACK-046", d.where,
              what + " は定期的に（periodic）ですが、間隔の parameters がありません。interval = \"…\" で [[parameters]] の id を指定してください"
                     "（本文に間隔がなければ value を書かず未設定のままにします）。");
      return;
    }
    if (d.cycle != "periodic") {
      Error("E-PACK-046", d.where, what + " の interval は定期的に（cycle = \"periodic\"）の務めにだけ書けます。");
      return;
    }
    for (const auto& x : p_.parameters) {
      if (x.id != d.interval) continue;
      if (x.value && !PeriodOf(x))
        Error("E-PACK-047", x.where, "parameters「" + x.id + "」の値「" + *x.value + "」は " + what + " の間隔として読めません（例: 1年、6か月、90日）。");
      return;
    }
    Error("E-PACK-046", d.where, what + " の interval「" + d.interval + "」は parameters に定義されていません。[[parameters]] に定義するか、綴りを確認してください。");
  }

  // A check must be one mamori can run on this pack's registers: a
  // contract's items are the text's, a zone needs zones, an exception's
  // period an exception workflow.
  void RegisterCheck(const policy::RegisterCheck& c) {
    const std::string what = "checks「" + c.id + "」";
    if (c.kind == "contract_clauses" && c.items.empty())
      Error("E-PACK-048", c.where, what + " は契約に明記する項目を items = [\"…\"] で本文のとおりに書いてください。");
    if (c.kind != "contract_clauses" && !c.items.empty())
      Error("E-PACK-048", c.where, what + " の items は contract_clauses の点検にだけ書けます。");
    if ((c.kind == "tos_services_confidential") != !c.level.empty())
      Error("E-PACK-048", c.where, c.level.empty() ? what + " は取り扱えない最も低い段階を level = \"…\" で本文のとおりに書いてください（例: 機密性2）。"
                                                   : what + " の level は tos_services_confidential の点検にだけ書けます。");
    if (!c.level.empty()) {
      bool known = false;
      for (const auto& axis : p_.classification.axes)
        for (const auto& l : axis.levels) known |= l.id == c.level || l.name == c.level;
      if (!known) Error("E-PACK-048", c.where, what + " の level「" + c.level + "」は分類の段階（[[classification.axes.levels]]）にありません。");
    }
    if ((c.kind == "cloud_exit_terms") != !c.service_kinds.empty())
      Error("E-PACK-048", c.where, c.service_kinds.empty() ? what + " は取決めを求める外部サービスの種別を service_kinds = [\"…\"] で書いてください（例: クラウドサービス）。"
                                                            : what + " の service_kinds は cloud_exit_terms の点検にだけ書けます。");
    if (c.kind == "systems_without_zone" && p_.zones.empty())
      Error("E-PACK-048", c.where, what + " はネットワークの区分を点検しますが、パックに [[zones]] がありません。");
    if (c.kind == "exceptions_past_period" &&
        std::none_of(p_.workflows.begin(), p_.workflows.end(), [](const policy::Workflow& w) { return w.kind == "exception"; }))
      Error("E-PACK-048", c.where, what + " は例外措置の期間を点検しますが、パックに例外措置の手順（kind = \"exception\"）がありません。");
  }

  void Retention() {
    const Evidence& ev = p_.evidence;
    for (const auto& x : p_.parameters) {
      if (x.id != ev.retention) continue;
      if (x.value && !PeriodOf(x)) {
        Error("E-PACK-032", x.where,
              "parameters「" + x.id + "」の値「" + *x.value + "」は [evidence] の保存期間として読めません（例: 5年、6か月、90日）。");
      }
      return;
    }
    Error("E-PACK-031", ev.where,
          "[evidence] の retention「" + ev.retention + "」は parameters に定義されていません。[[parameters]] に定義するか、綴りを確認してください。");
  }

  // Whether two matchers can both hold for one case: every key both constrain
  // must allow a common value.
  static bool Overlap(const Matcher& a, const Matcher& b) {
    auto lists = [](const std::vector<std::string>& x, const std::vector<std::string>& y) {
      if (x.empty() || y.empty()) return true;
      for (const auto& v : x)
        if (std::find(y.begin(), y.end(), v) != y.end()) return true;
      return false;
    };
    for (const auto& [axis, levels] : a.levels) {
      auto it = b.levels.find(axis);
      if (it != b.levels.end() && !lists(levels, it->second)) return false;
    }
    for (const auto& [flag, value] : a.flags) {
      auto it = b.flags.find(flag);
      if (it != b.flags.end() && it->second != value) return false;
    }
    for (const auto& [axis, levels] : a.area_levels) {
      auto it = b.area_levels.find(axis);
      if (it != b.area_levels.end() && !lists(levels, it->second)) return false;
    }
    // Facets are a conjunction: any two facet sets can hold together.
    return lists(a.subject, b.subject) && lists(a.from_zone, b.from_zone) && lists(a.to_zone, b.to_zone) &&
           lists(a.purpose, b.purpose) && lists(a.with_zone, b.with_zone);
  }

  void Conflicts() {
    const auto& rules = p_.rules;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      for (std::size_t j = i + 1; j < rules.size(); ++j) {
        const Rule& a = rules[i];
        const Rule& b = rules[j];
        if (a.action != b.action || a.effect == b.effect || !Overlap(a.when, b.when)) continue;
        auto lists = [](const Rule& r, const std::string& id) {
          return std::find(r.overrides.begin(), r.overrides.end(), id) != r.overrides.end();
        };
        if (lists(a, b.id) || lists(b, a.id)) continue;
        Error("E-PACK-020", b.where,
              "rules「" + b.id + "」（" + std::string(EffectJapanese(b.effect)) + "）と「" + a.id + "」（" +
                  std::string(EffectJapanese(a.effect)) + "、" + Place(a.where) +
                  "）が同じ場合に当てはまり、効果が異なります。条件を分けるか、優先する側に overrides を書いてください。");
      }
    }
  }

  void Completeness() {
    std::set<std::string> with_rules;
    for (const auto& r : p_.rules) with_rules.insert(r.action);
    for (const auto& a : p_.actions) {
      if (!with_rules.count(a.id)) {
        out_.unregulated_actions.push_back(a.id);
        continue;
      }
      if (a.default_effect) continue;
      if (p_.classification.axes.empty()) {
        bool all = std::any_of(p_.rules.begin(), p_.rules.end(),
                               [&](const Rule& r) { return r.action == a.id && r.when.Empty(); });
        if (!all) {
          Error("E-PACK-021", a.where,
                "actions「" + a.id + "」（" + a.name + "）は規則が一部の場合しか決めていません。default を書くか、条件のない規則を加えてください。");
        }
        continue;
      }
      for (const auto& axis : p_.classification.axes) {
        for (const auto& level : axis.levels) {
          if (DecideForLevel(p_, a.id, axis.id, level.id)) continue;
          Error("E-PACK-021", a.where,
                "actions「" + a.id + "」（" + a.name + "）の " + level.name + " の扱いを決める規則も default もありません。");
        }
      }
    }
  }

  const Pack& p_;
  const reiki::Regulation& reg_;
  CheckReport& out_;
  std::set<std::string> roles_, actions_, obligations_, zones_, facets_, categories_, rules_, parameters_;
  std::map<std::string, std::set<std::string>> levels_;
};

}  // namespace

std::optional<Decided> DecideForLevel(const Pack& pack, const std::string& action, const std::string& axis,
                                      const std::string& level) {
  Decided d{Effect::kPermit, {}, false, false};
  bool any = false;
  for (const Rule& r : pack.rules) {
    if (r.action != action) continue;
    // Only rules that turn on this axis alone (or on nothing) decide a level outright.
    const Matcher& m = r.when;
    bool only_axis = m.facets.empty() && m.subject.empty() && m.from_zone.empty() && m.to_zone.empty() &&
                     m.flags.empty() && m.purpose.empty() && m.with_zone.empty() && m.area_levels.empty() &&
                     (m.levels.empty() || (m.levels.size() == 1 && m.levels.count(axis)));
    if (!only_axis) continue;
    if (!m.levels.empty()) {
      const auto& lv = m.levels.at(axis);
      if (std::find(lv.begin(), lv.end(), level) == lv.end()) continue;
    }
    if (!any || r.effect > d.effect) d.effect = r.effect;  // the most restrictive wins
    any = true;
    d.rules.push_back(&r);
  }
  if (any) {
    // Keep only the rules that give the winning effect.
    d.rules.erase(std::remove_if(d.rules.begin(), d.rules.end(), [&](const Rule* r) { return r->effect != d.effect; }),
                  d.rules.end());
    return d;
  }
  for (const Action& a : pack.actions) {
    if (a.id == action && a.default_effect) {
      d.effect = *a.default_effect;
      d.by_default = true;
      return d;
    }
  }
  return std::nullopt;
}

CheckReport CheckPack(const Pack& pack, const reiki::Regulation& reg) {
  CheckReport report;
  Checker(pack, reg, report).Run();
  return report;
}

PackCheck LoadAndCheck(const std::string& dir) {
  PackCheck out;
  out.load = LoadPack(dir);
  const Pack& p = out.load.pack;
  if (p.regulation.file.empty()) return out;
  const std::string path = (std::filesystem::path(dir) / p.regulation.file).string();
  try {
    out.regulation = reiki::ParseFile(path);
  } catch (const reiki::Error& e) {
    out.load.errors.push_back({"E-PACK-005", p.regulation.where,
                               "規程のテキスト「" + path + "」を読めません: " + e.code() + " " + e.what()});
    return out;
  }
  out.report = CheckPack(p, *out.regulation);
  return out;
}

std::string FormatDiagnostics(std::vector<Diagnostic> diags) {
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.col) < std::tie(b.where.file, b.where.line, b.where.col);
  });
  std::string out;
  for (const Diagnostic& d : diags) out += Place(d.where) + ": " + d.code + ": " + d.message + "\n";
  return out;
}

std::string FormatCoverage(const Coverage& c) {
  auto pct = [&](int n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f%%", c.articles ? 100.0 * n / c.articles : 0.0);
    return std::string(buf);
  };
  std::ostringstream s;
  s << "条文の網羅: 本則 " << c.articles << " 条のうち、規定に結び付け " << c.bound << " 条（" << pct(c.bound)
    << "）、宣言的 " << c.declaratory << " 条（" << pct(c.declaratory) << "）、未対応 " << c.missing.size() << " 条\n";
  if (!c.missing.empty()) {
    s << "  未対応の条:";
    for (const auto& m : c.missing) s << " " << m;
    s << "\n";
  }
  return s.str();
}

}  // namespace mamori::policy
