// `mamori pack show`: the pack in Japanese, laid out so that a 情報政策課 reader
// can hold it against the regulation, article by article. Unset stays 未設定.
#include <algorithm>
#include <map>
#include <sstream>

#include "policy/policy.h"

namespace mamori::policy {
namespace {

std::string Refs(const Cites& cs) {
  if (cs.empty()) return "";
  std::string out = " [";
  for (std::size_t i = 0; i < cs.size(); ++i) out += (i ? "、" : "") + cs[i].ref;
  return out + "]";
}

std::string Or(const std::string& s, const char* unset = "未設定") { return s.empty() ? unset : s; }

class Writer {
 public:
  explicit Writer(const Pack& p) : p_(p) {
    for (const auto& r : p.roles) role_names_[r.id] = r.short_name.empty() ? r.name : r.short_name;
    for (const auto& a : p.actions) action_names_[a.id] = a.name;
    for (const auto& o : p.obligations) obligation_texts_[o.id] = o.text;
    for (const auto& z : p.zones) zone_names_[z.id] = z.name;
    for (const auto& f : p.facets) facet_names_[f.id] = f.name;
    for (const auto& c : p.person_categories) category_names_[c.id] = c.name;
  }

  std::string Run() {
    Header();
    Roles();
    People();
    Classification();
    Matrix();
    Approvals();
    Zones();
    Duties();
    Workflows();
    Parameters();
    Gaps();
    return s_.str();
  }

 private:
  std::string RoleName(const std::string& id) const {
    auto it = role_names_.find(id);
    return it == role_names_.end() ? id : it->second;
  }
  std::string Join(const std::vector<std::string>& ids, const std::map<std::string, std::string>& names,
                   const char* sep = "、") const {
    std::string out;
    for (const auto& id : ids) {
      auto it = names.find(id);
      out += (out.empty() ? "" : sep) + (it == names.end() ? id : it->second);
    }
    return out;
  }
  std::string Roles(const std::vector<std::string>& ids) const { return Join(ids, role_names_, " → "); }
  std::string Approvers(const Rule& r) const {
    return r.approval == "any" ? Join(r.approvers, role_names_, " 又は ") + "（いずれか）" : Roles(r.approvers);
  }

  std::string FillText(const RoleFill& f) const {
    if (f.kind == "post") return f.post + "をもって充てる";
    if (f.kind == "unit_head") return "各" + f.unit_kind + "の長";
    if (f.kind == "unit_post") {
      std::string titles;
      for (const auto& t : f.titles) titles += (titles.empty() ? "" : "・") + t;
      return "各" + f.unit_kind + "の" + titles + "（組織ごとの職）";
    }
    if (f.kind == "system_admin") return "各情報システムの管理者";
    if (f.kind == "designated") return RoleName(f.by) + "が指名する者";
    if (f.kind == "external") return "外部機関（" + f.body + "）";
    if (f.kind == "committee") {
      std::string out = "合議体";
      if (!f.chair.empty()) out += "。委員長: " + RoleName(f.chair);
      if (!f.vice_chair.empty()) out += "、副委員長: " + RoleName(f.vice_chair);
      std::vector<std::string> members;
      for (const auto& m : f.members) members.push_back(RoleName(m));
      members.insert(members.end(), f.member_posts.begin(), f.member_posts.end());
      out += "、定足数: " + std::string(f.quorum == "majority" ? "過半数" : f.quorum == "two_thirds" ? "3分の2" : "未設定");
      if (!f.secretariat.empty()) out += "、事務局: " + f.secretariat;
      // One member a line: a 別表 of 18 posts does not fit on one.
      for (const auto& m : members) out += "\n      委員: " + m;
      return out;
    }
    return "充て方は本文に定めなし（未設定）";
  }

  void Header() {
    const RegulationRef& r = p_.regulation;
    s_ << "■ " << p_.org_name << "（パック " << p_.id << "）\n";
    s_ << "  規程: " << r.title << "\n";
    std::string tiers;
    for (const auto& t : r.tiers) tiers += (tiers.empty() ? "" : "・") + t;
    s_ << "  区分: " << tiers << "  番号: " << Or(r.number) << "  施行日: " << Or(r.effective)
       << "  公開: " << (!r.is_public ? "本文に定めなし（未設定）" : *r.is_public ? "公開" : "非公開") << Refs(r.cite)
       << "\n";
    s_ << "  規定のない行為の扱い: " << EffectJapanese(p_.default_effect);
    if (!p_.default_note.empty()) s_ << "（" << p_.default_note << "）";
    s_ << "\n";
  }

  void Roles() {
    s_ << "\n■ 役割と充て職\n";
    for (const auto& r : p_.roles) {
      std::string fill = FillText(r.fill);
      std::size_t nl = fill.find('\n');
      s_ << "  " << r.name << (r.short_name.empty() ? "" : "（" + r.short_name + "）") << ": " << fill.substr(0, nl)
         << Refs(r.cite) << (nl == std::string::npos ? "" : fill.substr(nl)) << "\n";
    }
  }

  void People() {
    if (p_.person_categories.empty()) return;
    s_ << "\n■ 人の区分\n";
    for (const auto& c : p_.person_categories) {
      s_ << "  " << c.name << ": " << (c.staff ? "職員等に含む" : "職員等に含まない") << "、"
         << (c.bound ? "ポリシーに拘束される" : "拘束の定めなし");
      if (!c.includes.empty()) {
        s_ << "（";
        for (std::size_t i = 0; i < c.includes.size(); ++i) s_ << (i ? "、" : "") << c.includes[i];
        s_ << "を含む）";
      }
      s_ << Refs(c.cite) << "\n";
    }
  }

  void Classification() {
    const auto& c = p_.classification;
    s_ << "\n■ 情報資産の分類" << Refs(c.cite) << "\n";
    if (c.axes.empty()) s_ << "  分類の段階なし: " << c.none_reason << "\n";
    for (const auto& a : c.axes) {
      for (const auto& l : a.levels) {
        s_ << "  " << l.name << ": " << l.definition << Refs(l.cite) << "\n";
        if (l.restrictions.empty()) s_ << "      取扱制限: （本文に記載なし）\n";
        for (const auto& r : l.restrictions) s_ << "      取扱制限: " << r << "\n";
      }
    }
    if (c.media_highest) s_ << "  記録媒体は、含む情報資産のうち最も高い分類で扱う" << Refs(c.media_highest_cite) << "\n";
    for (const auto& f : p_.facets) s_ << "  情報の性質: " << f.name << Refs(f.cite) << "\n";
  }

  std::string Cell(const std::string& action, const std::string& axis, const std::string& level) const {
    auto d = DecideForLevel(p_, action, axis, level);
    if (!d) return "—";
    if (d->effect != Effect::kApproval) return std::string(EffectJapanese(d->effect));
    std::string who;
    std::vector<std::string> seen;  // several rules may name the same approvers
    for (const Rule* r : d->rules) {
      std::string a = Approvers(*r);
      if (std::find(seen.begin(), seen.end(), a) != seen.end()) continue;
      seen.push_back(a);
      who += (who.empty() ? "" : "／") + a;
    }
    return "承認: " + who;
  }

  void Matrix() {
    const auto& axes = p_.classification.axes;
    if (axes.empty()) return;
    s_ << "\n■ 取扱いの判定（行為 × 分類。規則のない組合せは default、— は未決定）\n";
    for (const auto& a : p_.actions) {
      bool has_rule = false;
      for (const auto& r : p_.rules) has_rule |= r.action == a.id;
      if (!has_rule) continue;
      s_ << "  " << a.name << ":";
      for (const auto& axis : axes)
        for (const auto& l : axis.levels) s_ << " " << l.name << "=" << Cell(a.id, axis.id, l.id) << ";";
      s_ << "\n";
    }
  }

  std::string Condition(const Matcher& m) const {
    std::vector<std::string> parts;
    for (const auto& [axis, levels] : m.levels) {
      std::string names;
      for (const auto& ax : p_.classification.axes) {
        if (ax.id != axis) continue;
        for (const auto& l : ax.levels)
          for (const auto& id : levels)
            if (l.id == id) names += (names.empty() ? "" : "・") + l.name;
      }
      parts.push_back(names.empty() ? axis : names);
    }
    if (!m.facets.empty()) parts.push_back("性質: " + Join(m.facets, facet_names_));
    if (!m.subject.empty()) parts.push_back("対象者: " + Join(m.subject, category_names_));
    if (!m.from_zone.empty()) parts.push_back("移送元: " + Join(m.from_zone, zone_names_));
    if (!m.to_zone.empty()) parts.push_back("移送先: " + Join(m.to_zone, zone_names_));
    static const std::map<std::string, std::pair<const char*, const char*>> kFlags = {
        {"device_issued", {"支給端末", "支給以外の端末"}}, {"encrypted", {"暗号化あり", "暗号化なし"}},
        {"sanitized", {"無害化済み", "無害化なし"}},       {"emergency", {"緊急時", "平常時"}},
        {"email_attachment", {"メール添付", "メール添付以外"}}, {"official_dispatch", {"文書施行", "文書施行以外"}},
        {"outside_office", {"庁外", "庁内"}}, {"unauthorized_copy", {"不正にコピーしたソフトウェア", "正規のソフトウェア"}},
        {"support_ended", {"サポート終了", "サポート中"}}};
    if (!m.purpose.empty()) {
      std::vector<std::string> p;
      for (const auto& x : m.purpose) p.push_back(x == "non_business" ? "業務以外の目的" : x == "business" ? "業務の目的" : x);
      std::string joined;
      for (const auto& x : p) joined += (joined.empty() ? "" : "・") + x;
      parts.push_back(joined);
    }
    if (!m.with_zone.empty()) parts.push_back("使用先のシステム: " + Join(m.with_zone, zone_names_));
    for (const auto& [axis, levels] : m.area_levels) {
      std::string joined;
      for (const auto& l : levels) joined += (joined.empty() ? "" : "・") + l;
      parts.push_back("管理区域が扱う" + axis + ": " + joined);
    }
    for (const auto& [flag, value] : m.flags) {
      auto it = kFlags.find(flag);
      parts.push_back(it == kFlags.end() ? flag : (value ? it->second.first : it->second.second));
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "、") + p;
    return out.empty() ? "すべての場合" : out;
  }

  void Approvals() {
    s_ << "\n■ 規則（承認・禁止・許可）\n";
    for (const auto& r : p_.rules) {
      s_ << "  " << action_names_[r.action] << "（" << Condition(r.when) << "）→ " << EffectJapanese(r.effect);
      if (!r.approvers.empty()) s_ << "：" << Approvers(r);
      s_ << Refs(r.cite) << "\n";
      for (const auto& o : r.obligations) s_ << "      義務: " << Or(obligation_texts_[o], o.c_str()) << "\n";
      if (r.escape) {
        s_ << "      やむを得ない場合: " << (r.escape->requires_what == "report" ? "事後報告" : "理由の記録")
           << "のうえ可" << (r.escape->by.empty() ? "" : "（" + Join(r.escape->by, role_names_, " 又は ") + "）")
           << Refs(r.escape->cite)
           << "\n";
      }
    }
    if (p_.sod.present) {
      s_ << "\n■ 職務の分離" << Refs(p_.sod.cite) << "\n";
      if (p_.sod.applicant_not_approver) s_ << "  申請者と承認者は同一人であってはならない\n";
      if (p_.sod.auditor_not_auditee) s_ << "  監査を受ける者と監査する者は同一人であってはならない\n";
      static const std::map<std::string, std::string> kFallback = {
          {"override_with_justification", "やむを得ない場合は理由を記録して可"},
          {"next_approver", "次順位の承認者に回す"},
          {"deny", "承認できない"},
          {"unset", "本文に定めなし（未設定）"}};
      auto it = kFallback.find(p_.sod.fallback);
      s_ << "  申請者が承認者に当たる場合: " << (it == kFallback.end() ? p_.sod.fallback : it->second);
      if (!p_.sod.fallback_by.empty()) s_ << "（" << RoleName(p_.sod.fallback_by) << "）";
      s_ << "\n";
    }
  }

  void Zones() {
    if (p_.zones.empty()) return;
    s_ << "\n■ ネットワークの区分と通信\n";
    for (const auto& z : p_.zones) s_ << "  " << z.name << Refs(z.cite) << "\n";
    for (const auto& f : p_.flows) {
      s_ << "  " << zone_names_[f.from] << " → " << zone_names_[f.to] << ": " << EffectJapanese(f.effect);
      if (!f.requires_what.empty()) s_ << "（条件: " << Join(f.requires_what, obligation_texts_) << "）";
      s_ << Refs(f.cite) << "\n";
    }
  }

  void Duties() {
    static const std::map<std::string, std::string> kCycle = {{"fiscal_year", "毎年度"},
                                                              {"periodic", "定期的に（間隔は本文に定めなし）"},
                                                              {"as_needed", "必要に応じて"},
                                                              {"on_event", "事象の発生時"},
                                                              {"continuous", "常時"}};
    if (!p_.duties.empty()) {
      s_ << "\n■ 定期的な義務\n";
      for (const auto& d : p_.duties) {
        auto it = kCycle.find(d.cycle);
        s_ << "  " << d.name << "（" << RoleName(d.role) << "、" << (it == kCycle.end() ? d.cycle : it->second)
           << (d.event.empty() ? "" : ": " + d.event) << "）" << Refs(d.cite) << "\n";
      }
    }
    if (!p_.checklist.empty()) s_ << "\n■ 自己点検の項目: " << p_.checklist.size() << " 件（pack の checklist を参照）\n";
  }

  // The procedures, step by step, as `mamori apply` and `mamori case` run them.
  void Workflows() {
    if (p_.workflows.empty()) return;
    static const std::map<std::string, std::string> kKind = {
        {"application", "申請"}, {"exception", "例外措置"}, {"incident", "インシデント"}};
    s_ << "\n■ 手順（申請・例外措置・インシデント）\n";
    for (const auto& w : p_.workflows) {
      auto it = kKind.find(w.kind);
      s_ << "  " << w.name << "（" << (it == kKind.end() ? w.kind : it->second) << (w.emergency ? "・緊急時" : "");
      if (!w.applicants.empty()) {
        std::vector<std::string> names;
        for (const auto& r : w.applicants) names.push_back(RoleName(r));
        s_ << "、申請できる者: ";
        for (std::size_t i = 0; i < names.size(); ++i) s_ << (i ? "・" : "") << names[i];
      }
      s_ << "）" << Refs(w.cite) << "\n";
      for (std::size_t i = 0; i < w.steps.size(); ++i) {
        const auto& st = w.steps[i];
        const std::string who = st.by == "decision" ? "判定が示す承認者" : st.by == "applicant" ? "申請者" : st.by == "reporter" ? "報告者" : RoleName(st.by);
        s_ << "    " << i + 1 << ". " << st.name << "（" << who << "）";
        if (!st.records.empty()) {
          s_ << " 記録: ";
          for (std::size_t k = 0; k < st.records.size(); ++k) s_ << (k ? "・" : "") << st.records[k];
        }
        if (!st.next.empty()) {
          s_ << " 次: ";
          for (std::size_t k = 0; k < st.next.size(); ++k) s_ << (k ? " / " : "") << (st.next[k] == "end" ? "終わり" : st.next[k]);
        }
        s_ << Refs(st.cite) << "\n";
      }
    }
  }

  void Parameters() {
    if (p_.parameters.empty()) return;
    s_ << "\n■ 数値などのパラメータ（本文に値がないものは未設定）\n";
    for (const auto& x : p_.parameters) {
      s_ << "  " << x.name << ": " << (x.value ? *x.value + x.unit : std::string("未設定")) << "（定める者: "
         << RoleName(x.owner) << "、出典: " << x.source << "）" << Refs(x.cite) << "\n";
    }
    if (p_.evidence.present) {
      std::string name = p_.evidence.retention;
      for (const auto& x : p_.parameters)
        if (x.id == p_.evidence.retention) name = x.name;
      s_ << "  証跡の保存期間: 「" << name << "」による"
         << (EvidenceRetention(p_) ? "" : "（未設定のため、証跡はすべて保存する）") << Refs(p_.evidence.cite) << "\n";
    }
  }

  void Gaps() {
    if (p_.gaps.empty()) return;
    s_ << "\n■ 本文の欠落・不整合（ギャップ）\n";
    for (const auto& g : p_.gaps) s_ << "  " << g.note << Refs(g.cite) << "\n";
  }

  const Pack& p_;
  std::ostringstream s_;
  std::map<std::string, std::string> role_names_, action_names_, obligation_texts_, zone_names_, facet_names_,
      category_names_;
};

}  // namespace

std::string Summary(const Pack& pack) { return Writer(pack).Run(); }

}  // namespace mamori::policy
