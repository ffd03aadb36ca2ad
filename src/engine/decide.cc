// Decide(): the request's facts, the matching rules, the most restrictive
// effect, and the approvers on the day with separation of duties applied.
#include <algorithm>
#include <array>
#include <span>

#include "engine/snapshot.h"

namespace mamori::engine {
namespace {

struct Facts {
  std::array<int, kMaxAxes> levels;  // per axis, -1 unknown
  uint64_t facets = 0;
  uint64_t categories = 0;
  int from_zone = -1, to_zone = -1;
  uint32_t flag_known = 0, flag_value = 0;
  int owner_unit = -1, system = -1, subject = -1;
  int purpose = -1;    // index into policy::kPurposes
  int with_zone = -1;  // the second resource's zone
  std::array<int8_t, kMaxAxes> area_levels;  // the place's, per axis; -1 unknown
};

int IndexOf(const std::vector<std::string>& v, const std::string& x) {
  auto it = std::find(v.begin(), v.end(), x);
  return it == v.end() ? -1 : static_cast<int>(it - v.begin());
}

[[noreturn]] void Fail(const char* code, const std::string& message) { throw store::Error(code, message); }

std::string LevelName(const Snapshot& s, std::size_t ax, int level) {
  const auto& l = s.pack.classification.axes[ax].levels[level];
  return l.name.empty() || l.name == l.id ? l.id : l.name + "（" + l.id + "）";
}

std::string UnitName(const Snapshot& s, int u) {
  return s.unit_names[u].empty() ? s.unit_ids[u] : s.unit_names[u] + "（" + s.unit_ids[u] + "）";
}

// A value the request gives for what the register already says must say the
// same: registered facts beat claims (DESIGN.md, Trust). Refused, not
// ignored, so that the caller learns the register disagrees with them.
[[noreturn]] void Contradiction(const std::string& what, const std::string& registered, const std::string& claimed,
                                const std::string& key) {
  Fail("E-DEC-008", what + "は台帳では「" + registered + "」ですが、要求では「" + claimed + "」とされています。台帳の値が優先されます。" +
                        key + " を要求から除くか、台帳が誤っているなら台帳を直してください。");
}

// Days in a month of the proleptic Gregorian calendar.
bool IsIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  const int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  const int m = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || day < 1 || day > kDays[m - 1]) return false;
  return !(m == 2 && day == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

Facts Gather(const Snapshot& s, const Request& r, Decision& d) {
  Facts f;
  f.levels.fill(-1);
  if (int p = s.PersonOf(r.subject); p >= 0) {
    f.subject = p;
    f.categories = s.people[p].categories;
  }
  // What the register fixed: an axis bit per level, and the others.
  uint32_t registered_levels = 0;
  bool registered_owner = false, registered_zone = false, registered_system = false, registered_facets = false;
  const Asset* asset = nullptr;
  if (!r.resource_id.empty()) {
    if (int a = s.AssetOf(r.resource_id); a >= 0) {
      asset = &s.assets[a];
      d.resource_id = asset->id;  // the snapshot's string: a Decision outlives its Request
      d.resource_name = s.asset_names[a];
    } else if (int dv = s.DeviceOf(r.resource_id); dv >= 0) {
      asset = &s.devices[dv];
      d.resource_id = asset->id;
      if (asset->issued >= 0) {
        static_assert(std::string_view(policy::kFlagNames[0]) == "device_issued");
        f.flag_known |= 1u << 0;
        if (asset->issued) f.flag_value |= 1u << 0;
      }
    } else if (int sy = s.SystemOf(r.resource_id); sy >= 0) {
      f.system = sy;
      f.from_zone = s.system_zone[sy];
      f.owner_unit = s.system_unit[sy];  // the unit that owns the system
      d.resource_id = s.system_ids[sy];
      d.resource_name = s.system_names[sy];
      registered_system = true;
      registered_zone = f.from_zone >= 0;
      registered_owner = f.owner_unit >= 0;
    } else {
      Fail("E-DEC-007", "対象「" + r.resource_id + "」は台帳（情報資産・機器・媒体・情報システム）にありません。番号を確かめてください"
                        "（mamori show 情報資産 " + r.resource_id + "）。台帳にない情報は resource に属性（confidentiality など）で書けます。");
    }
  }
  if (asset) {
    std::copy(asset->levels.begin(), asset->levels.end(), f.levels.begin());
    for (std::size_t ax = 0; ax < s.axis_ids.size(); ++ax)
      if (f.levels[ax] >= 0) registered_levels |= 1u << ax;
    f.facets = asset->facets;
    registered_facets = true;
    f.owner_unit = asset->owner_unit;
    registered_owner = f.owner_unit >= 0;
    f.system = asset->system;
    registered_system = f.system >= 0;
    if (f.system >= 0 && f.from_zone < 0) f.from_zone = s.system_zone[f.system];
    registered_zone = f.from_zone >= 0;
  }
  // Inline attributes and context supply what the register leaves unset; a
  // value for what it does set must agree with it.
  for (std::size_t ax = 0; ax < s.axis_ids.size(); ++ax) {
    for (const auto* m : {&r.resource, &r.levels}) {
      auto it = m->find(s.axis_ids[ax]);
      if (it == m->end()) continue;
      const int level = IndexOf(s.level_ids[ax], it->second);
      const std::string key = (m == &r.levels ? "context." : "resource.") + s.axis_ids[ax];
      if (level < 0) Fail("E-DEC-007", key + " の「" + it->second + "」はパックの段階にありません。");
      if (f.levels[ax] >= 0 && f.levels[ax] != level) {
        if (registered_levels >> ax & 1)
          Contradiction(s.pack.classification.axes[ax].name, LevelName(s, ax, f.levels[ax]), LevelName(s, ax, level), key);
        Fail("E-DEC-008", "resource と context で" + s.pack.classification.axes[ax].name + "が食い違っています（" +
                              LevelName(s, ax, f.levels[ax]) + " と " + LevelName(s, ax, level) + "）。どちらか一方にしてください。");
      }
      f.levels[ax] = level;
    }
  }
  for (const auto& facet : r.resource_facets) {
    const int i = IndexOf(s.facet_ids, facet);
    if (i < 0) Fail("E-DEC-007", "resource.facets の「" + facet + "」はパックの情報の性質にありません。");
    if (registered_facets && !(f.facets >> i & 1))
      Contradiction("情報の性質", "「" + s.pack.facets[i].name + "」を含まない", s.pack.facets[i].name, "resource.facets");
    f.facets |= uint64_t{1} << i;
  }
  if (auto it = r.resource.find("owner_unit"); it != r.resource.end()) {
    const int u = s.UnitOf(it->second);
    if (u < 0) Fail("E-DEC-007", "resource.owner_unit の「" + it->second + "」は組織の台帳にありません。");
    if (registered_owner && u != f.owner_unit) Contradiction("所管組織", UnitName(s, f.owner_unit), UnitName(s, u), "resource.owner_unit");
    f.owner_unit = u;
  }
  if (auto it = r.resource.find("system"); it != r.resource.end()) {
    const int sy = s.SystemOf(it->second);
    if (sy < 0) Fail("E-DEC-007", "resource.system の「" + it->second + "」は情報システムの台帳にありません。");
    if (registered_system && sy != f.system)
      Contradiction("情報システム", f.system >= 0 ? s.system_ids[f.system] : "なし", it->second, "resource.system");
    f.system = sy;
    if (f.from_zone < 0 && s.system_zone[sy] >= 0) {
      f.from_zone = s.system_zone[sy];
      registered_zone = true;  // the system's zone is the register's
    }
  }
  auto zone = [&](const std::string& id, const char* key) {
    const int z = IndexOf(s.zone_ids, id);
    if (z < 0) Fail("E-DEC-007", std::string(key) + " の「" + id + "」はパックのゾーンにありません。");
    return z;
  };
  auto set_from = [&](const std::string& id, const char* key) {
    const int z = zone(id, key);
    if (f.from_zone >= 0 && z != f.from_zone) {
      if (registered_zone) Contradiction("ゾーン", s.pack.zones[f.from_zone].name, s.pack.zones[z].name, key);
      Fail("E-DEC-008", "resource.zone と context.from_zone が食い違っています。どちらか一方にしてください。");
    }
    f.from_zone = z;
  };
  if (auto it = r.resource.find("zone"); it != r.resource.end()) set_from(it->second, "resource.zone");
  if (!r.from_zone.empty()) set_from(r.from_zone, "context.from_zone");
  if (!r.to_zone.empty()) f.to_zone = zone(r.to_zone, "context.to_zone");
  for (const auto& [k, v] : r.resource)
    if (k != "owner_unit" && k != "zone" && k != "system" && IndexOf(s.axis_ids, k) < 0)
      Fail("E-DEC-005", "resource に未知のキー「" + k + "」があります。");
  // Walk the request's few flags, not the seven names: looking each name up
  // built a temporary string per flag on every decision.
  for (const auto& [name, value] : r.flags) {
    int k = 0;
    while (k < kFlagCount && name != kFlags[k]) ++k;
    if (k == kFlagCount) Fail("E-DEC-005", "context に未知のキー「" + name + "」があります。");
    if ((f.flag_known >> k & 1) && ((f.flag_value >> k & 1) != static_cast<uint32_t>(value)))
      Contradiction("支給の別", f.flag_value >> k & 1 ? "支給" : "支給以外", value ? "支給" : "支給以外", "context." + name);
    f.flag_known |= 1u << k;
    if (value) f.flag_value |= 1u << k;
  }
  if (!r.purpose.empty()) {
    for (std::size_t k = 0; k < std::size(policy::kPurposes); ++k)
      if (r.purpose == policy::kPurposes[k]) f.purpose = static_cast<int>(k);
    if (f.purpose < 0) Fail("E-DEC-007", "context.purpose の「" + r.purpose + "」は business か non_business で書いてください。");
  }
  if (!r.with.empty()) {
    // The second resource is a registered one: its zone is the register's.
    if (int sy = s.SystemOf(r.with); sy >= 0) f.with_zone = s.system_zone[sy];
    else if (int a = s.AssetOf(r.with); a >= 0) f.with_zone = s.assets[a].system >= 0 ? s.system_zone[s.assets[a].system] : -1;
    else Fail("E-DEC-007", "context.with の「" + r.with + "」は情報システム・情報資産の台帳にありません。");
  }
  f.area_levels.fill(-1);
  if (!r.area.empty()) {
    auto it = std::find(s.area_ids.begin(), s.area_ids.end(), r.area);
    if (it == s.area_ids.end()) Fail("E-DEC-007", "context.area の「" + r.area + "」は管理区域の台帳にありません。");
    f.area_levels = s.area_levels[it - s.area_ids.begin()];
  }
  if (f.owner_unit >= 0) {
    d.owner_unit = s.unit_ids[f.owner_unit];
    d.owner_unit_name = s.unit_names[f.owner_unit];
  }
  return f;
}

// The post of `unit`, or of the nearest unit above it, whose name ends with
// one of the role's titles (北海道 第2条第7号: 各部等の次長): the 税務課 has no
// 次長, its 部 does.
int UnitPost(const Snapshot& s, const policy::RoleFill& fill, int unit) {
  for (int u = unit, hops = 0; u >= 0 && hops < 16; u = s.unit_parent[u], ++hops)
    for (std::size_t p = 0; p < s.post_unit.size(); ++p)
      if (s.post_unit[p] == u && fill.HasTitle(s.post_names[p])) return static_cast<int>(p);
  return -1;
}

bool HeldOn(const std::vector<Holding>& pool, int person, const std::string& date) {
  for (const Holding& h : pool)
    if (h.person == person && store::InForce(h.from, h.to, date)) return true;
  return false;
}

// Whether `person` holds pack role `role` on `date`, in any unit or system.
bool HoldsRole(const Snapshot& s, int role, int person, const std::string& date) {
  const policy::RoleFill& f = s.pack.roles[role].fill;
  if (f.kind == "post") {
    for (std::size_t p = 0; p < s.post_names.size(); ++p)
      if (s.post_names[p] == f.post && HeldOn(s.holders[p], person, date)) return true;
  } else if (f.kind == "unit_head") {
    for (int post : s.unit_head_post)
      if (post >= 0 && HeldOn(s.holders[post], person, date)) return true;
  } else if (f.kind == "unit_post") {
    for (std::size_t u = 0; u < s.unit_ids.size(); ++u)
      if (int post = UnitPost(s, f, static_cast<int>(u)); post >= 0 && HeldOn(s.holders[post], person, date)) return true;
  } else if (f.kind == "system_admin") {
    for (int post : s.system_admin_post)
      if (post >= 0 && HeldOn(s.holders[post], person, date)) return true;
  } else if (f.kind == "designated" || f.kind == "committee") {
    return HeldOn(s.role_members[role], person, date);
  }
  return false;
}

std::string SodRefs(const Snapshot& s) {
  std::string refs;
  for (const auto& ci : s.pack.sod.cite) refs += (refs.empty() ? "" : "、") + ci.ref;
  return refs.empty() ? std::string("（職務の分離）") : "（" + refs + "）";
}

bool Matches(const CRule& c, const Facts& f) {
  for (std::size_t ax = 0; ax < c.level_mask.size(); ++ax) {
    if (!c.level_mask[ax]) continue;
    if (f.levels[ax] < 0 || !(c.level_mask[ax] >> f.levels[ax] & 1)) return false;
  }
  if ((c.facets & f.facets) != c.facets) return false;
  if (c.purposes && (f.purpose < 0 || !(c.purposes >> f.purpose & 1))) return false;
  if (c.with_zones && (f.with_zone < 0 || !(c.with_zones >> f.with_zone & 1))) return false;
  for (std::size_t ax = 0; c.any_area && ax < c.area_level_mask.size(); ++ax) {
    if (!c.area_level_mask[ax]) continue;
    if (f.area_levels[ax] < 0 || !(c.area_level_mask[ax] >> f.area_levels[ax] & 1)) return false;
  }
  if (c.subjects && !(c.subjects & f.categories)) return false;
  if (c.from_zones && (f.from_zone < 0 || !(c.from_zones >> f.from_zone & 1))) return false;
  if (c.to_zones && (f.to_zone < 0 || !(c.to_zones >> f.to_zone & 1))) return false;
  // A flag the rule tests must be known and equal.
  if ((c.flag_care & f.flag_known) != c.flag_care) return false;
  return ((f.flag_value ^ c.flag_value) & c.flag_care) == 0;
}

void AddUnique(SmallVec<const Entry*, 8>& v, const Entry* x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

std::string Refs(const Snapshot& s, const std::vector<int>& cites) {
  std::string out;
  for (int c : cites) out += (out.empty() ? "" : "、") + s.citations[c].first;
  return out;
}

}  // namespace

std::string_view EffectName(Effect e) {
  switch (e) {
    case Effect::kPermit: return "permit";
    case Effect::kApprovalRequired: return "approval_required";
    case Effect::kDeny: return "deny";
  }
  return "";
}

Decision Decide(const Snapshot& s, const Request& r) {
  Decision d;
  d.from = &s;
  const int act = s.ActionOf(r.action);
  if (act < 0)
    throw store::Error("E-DEC-002", "行為「" + r.action + "」はパックにありません。`mamori pack show` で行為の一覧を確認してください。");
  const CAction& a = s.actions[act];
  if (r.date.empty()) {
    d.date = store::NowJst().substr(0, 10);
    d.date_defaulted = true;
  } else if (IsIsoDate(r.date)) {
    d.date = r.date;
  } else {
    Fail("E-DEC-004", "日付「" + r.date + "」は YYYY-MM-DD の実在する日付ではありません。");
  }
  const std::string& date = d.date;
  Facts f = Gather(s, r, d);
  if (f.subject < 0) {
    d.effect = Effect::kDeny;
    d.reasons.push_back("申請者「" + r.subject + "」は職員の台帳にありません。台帳に登録された職員だけが申請できます。");
    return d;
  }
  const Person& subject = s.people[f.subject];
  d.subject_name = subject.name;
  // Only 職員等 on the day may act under the policy: before their 開始日 or
  // after their 終了日 they are not, whatever posts the register still shows.
  if ((!subject.start.empty() && date < subject.start) || (!subject.end.empty() && date > subject.end)) {
    d.effect = Effect::kDeny;
    d.reasons.push_back("申請者「" + subject.id + " " + subject.name + "」は " + date + " に職員等ではありません（" +
                        (!subject.start.empty() && date < subject.start ? "開始日 " + subject.start
                                                                       : "終了日 " + subject.end) +
                        "）。その日の職員等だけが申請できます。");
    return d;
  }
  // Where the text names who may ask, anyone else is refused (安田町 第119条).
  if (!a.applicant_roles.empty()) {
    bool eligible = false;
    for (int role : a.applicant_roles) eligible = eligible || HoldsRole(s, role, f.subject, date);
    if (!eligible) {
      d.effect = Effect::kDeny;
      std::string roles;
      for (int role : a.applicant_roles) roles += (roles.empty() ? "" : "、") + s.pack.roles[role].name;
      for (int c : a.applicant_citations) AddUnique(d.citations, &s.citations[c]);
      d.reasons.push_back(a.name + "を申請できるのは" + roles + "です（" + Refs(s, a.applicant_citations) + "）。申請者「" +
                          subject.id + " " + subject.name + "」は " + date + " にそのいずれにも当たりません。");
      return d;
    }
  }

  // 1. Rules that apply, less those another applying rule overrides.
  std::array<int, kMaxRulesPerAction> hit_buf, applied_buf;
  std::size_t hits = 0, n_applied = 0;
  for (std::size_t k = 0; k < a.rules.size(); ++k)
    if (Matches(a.rules[k], f)) hit_buf[hits++] = static_cast<int>(k);
  const auto hit = std::span(hit_buf.data(), hits);
  for (int k : hit) {
    bool overridden = false;
    for (int other : hit)
      if (other != k && std::count(a.rules[other].overrides.begin(), a.rules[other].overrides.end(), k)) overridden = true;
    if (!overridden) applied_buf[n_applied++] = k;
  }
  const auto applied = std::span(applied_buf.data(), n_applied);

  // 2. Flows between zones join the decision for transfers.
  std::vector<const CFlow*> flows;
  if (f.from_zone >= 0 && f.to_zone >= 0)
    for (const auto& fl : s.flows)
      if (fl.from == f.from_zone && fl.to == f.to_zone && (fl.flag_care & f.flag_known) == fl.flag_care &&
          ((f.flag_value ^ fl.flag_value) & fl.flag_care) == 0)
        flows.push_back(&fl);

  if (applied.empty() && flows.empty()) {
    d.effect = a.default_effect >= 0 ? static_cast<Effect>(a.default_effect) : s.pack_default;
    if (const uint64_t bound = f.categories & s.bound_outsiders) {
      // No article speaks of this case, but the general one that binds this
      // category does: say so rather than "nothing regulates it".
      for (std::size_t c = 0; c < s.category_citations.size(); ++c) {
        if (!(bound >> c & 1)) continue;
        std::vector<int> cites = s.category_citations[c];
        for (int ci : cites) AddUnique(d.citations, &s.citations[ci]);
        d.reasons.push_back(s.pack.person_categories[c].name + "は職員等ではありませんが、本ポリシーを遵守する義務を負います（" +
                            Refs(s, cites) + "）。" + a.name + "について個別に定める条文はないため、" +
                            (a.default_effect >= 0 ? "この行為の既定" : "パックの既定") + "により" +
                            (d.effect == Effect::kPermit ? "許可" : d.effect == Effect::kDeny ? "禁止" : "承認が必要") +
                            "とし、遵守の義務を示します。");
      }
      return d;
    }
    d.reasons.push_back(a.name + "について、この場合を規制する条文はありません（" +
                        (a.default_effect >= 0 ? "この行為の既定" : "パックの既定") + "により" +
                        (d.effect == Effect::kPermit ? "許可" : d.effect == Effect::kDeny ? "禁止" : "承認が必要") + "）。");
    return d;
  }

  // 3. The most restrictive effect wins; obligations and citations merge. A rule
  // with the text's やむを得ない場合 clause gives way when a justification is
  // recorded: to approval by the roles the clause names, or to permit (with the
  // record, or with a report afterwards).
  auto escaped = [&](const CRule& c) { return c.escape != 0 && !r.justification.empty(); };
  auto effective = [&](const CRule& c) {
    if (!escaped(c)) return c.effect;
    if (c.escape == 1 && !c.escape_by.empty()) return std::min(c.effect, Effect::kApprovalRequired);
    return Effect::kPermit;
  };
  for (int k : applied) d.effect = std::max(d.effect, effective(a.rules[k]));
  for (const CFlow* fl : flows) d.effect = std::max(d.effect, fl->effect);
  std::vector<int> gaps;  // rarely non-empty: no allocation in the common case
  for (int k : applied) {
    const CRule& c = a.rules[k];
    d.rules.push_back(&c.reason);
    for (int o : c.obligations) AddUnique(d.obligations, &s.obligations[o]);
    for (int ci : c.citations) AddUnique(d.citations, &s.citations[ci]);
    gaps.insert(gaps.end(), c.gaps.begin(), c.gaps.end());
    if (escaped(c)) {
      for (int ci : c.escape_citations) AddUnique(d.citations, &s.citations[ci]);
      d.reasons.push_back("やむを得ない理由「" + r.justification + "」が記録されたため、" +
                          (c.escape == 2 ? "実施し事後に報告する扱いとします"
                                         : c.escape_by.empty() ? "理由の記録のうえ許可します" : "定められた者の許可によります") +
                          "（" + Refs(s, c.escape_citations) + "）。");
    }
  }
  for (const CFlow* fl : flows) {
    for (int o : fl->obligations) AddUnique(d.obligations, &s.obligations[o]);
    for (int ci : fl->citations) AddUnique(d.citations, &s.citations[ci]);
    d.reasons.push_back(s.pack.zones[fl->from].name + "から" + s.pack.zones[fl->to].name + "へ: " +
                        (fl->effect == Effect::kPermit ? "許可" : fl->effect == Effect::kDeny ? "禁止" : "承認が必要") +
                        "（" + Refs(s, fl->citations) + "）");
  }
  std::sort(gaps.begin(), gaps.end());
  gaps.erase(std::unique(gaps.begin(), gaps.end()), gaps.end());
  for (int g : gaps) d.gaps.push_back(&s.gaps[g]);

  // 4. Approvers on the day, for the rules that require approval.
  if (d.effect == Effect::kApprovalRequired) {
    int order = 0;
    SmallVec<int, 8> seen_roles;
    for (int k : applied) {
      const CRule& c = a.rules[k];
      if (effective(c) != Effect::kApprovalRequired) continue;
      const bool any_of = escaped(c) ? true : c.any_of;
      for (int role : escaped(c) && !c.escape_by.empty() ? c.escape_by : c.approvers) {
        if (std::count(seen_roles.begin(), seen_roles.end(), role)) continue;  // merged rules name a role once
        seen_roles.push_back(role);
        const policy::Role& pr = s.pack.roles[role];
        ApprovalStep step;
        step.order = any_of ? order + 1 : ++order;
        step.role = pr.id;
        step.role_name = pr.name;
        step.any_of = any_of;
        int post = -1;
        if (pr.fill.kind == "post") {
          for (std::size_t p = 0; p < s.post_names.size(); ++p)
            if (s.post_names[p] == pr.fill.post) post = static_cast<int>(p);
        } else if (pr.fill.kind == "unit_head" || pr.fill.kind == "unit_post") {
          int unit = f.owner_unit;
          if (unit < 0 && subject.unit >= 0) {
            unit = subject.unit;
            d.reasons.push_back("対象の所管組織が示されていないため、" + pr.name + "は申請者の所属（" + UnitName(s, unit) +
                                "）の者としました。別の課の資産なら resource.owner_unit か台帳の番号を示してください。");
          }
          if (unit >= 0) {
            step.unit = s.unit_ids[unit];
            step.unit_name = s.unit_names[unit];
            post = pr.fill.kind == "unit_head" ? s.unit_head_post[unit] : UnitPost(s, pr.fill, unit);
          }
        } else if (pr.fill.kind == "system_admin") {
          if (f.system >= 0) post = s.system_admin_post[f.system];
        }
        const bool sod = s.pack.sod.present && s.pack.sod.applicant_not_approver;
        // Who can act at this step: a post's holders, or the designations or
        // committee members the role is held through.
        const bool by_members = pr.fill.kind == "designated" || pr.fill.kind == "committee";
        const std::vector<Holding>* pool = post >= 0 ? &s.holders[post] : by_members ? &s.role_members[role] : nullptr;
        bool applicant_holds = false;
        int on_the_day = 0;
        if (pool) {
          for (const Holding& h : *pool) {
            if (!store::InForce(h.from, h.to, date)) continue;
            ++on_the_day;
            if (h.person == f.subject) {
              applicant_holds = true;
              if (sod) continue;  // 安田町 第17条, 北海道 第6条: never one's own approver
            }
            step.holders.push_back(s.people[h.person].id);
            step.holder_names.push_back(s.people[h.person].name);
            if (h.acting) step.acting.push_back(s.people[h.person].id);
          }
        }
        if (pr.fill.kind == "committee") {
          // A committee decides together: its members are not alternatives
          // but the body, and the text's quorum says how many must sit.
          step.collective = true;
          std::string refs;
          for (const auto& c : pr.cite) refs += (refs.empty() ? "" : "、") + c.ref;
          if (pr.fill.quorum == "majority") {
            step.quorum = on_the_day / 2 + 1;
            d.reasons.push_back(pr.name + "の議による（委員 " + std::to_string(on_the_day) + " 人の過半数 " +
                                std::to_string(step.quorum) + " 人の出席で開く。" + refs + "）。");
            if (on_the_day > 0 && static_cast<int>(step.holders.size()) < step.quorum)
              d.reasons.push_back("申請者を除くと出席できる委員が定足数に満たないため、この段は開けません。");
          } else if (on_the_day > 0) {
            d.reasons.push_back(pr.name + "の議による。定足数は本文に定めがありません（未設定）（" + refs + "）。");
          }
        }
        if (applicant_holds && !sod) {
          // The text has no 兼務の禁止 (花巻市): the applicant may approve, but
          // whoever reads the answer should see that they would.
          d.reasons.push_back("申請者本人が" + pr.name + "に当たり、本人が承認することになります（本文に兼務を禁じる定めはありません）。");
        } else if (applicant_holds && !step.holders.empty()) {
          d.reasons.push_back("申請者本人も" + pr.name + "に当たりますが、自分の承認者にはなれないため除き、ほかの在任者の承認としました" +
                              SodRefs(s) + "。");
        }
        if (pr.fill.kind == "unset") {
          // Not a vacancy: the text never says who this is (a gap, returned in gaps).
          d.reasons.push_back(pr.name + "は本文に充て方の定めがないため、承認者を特定できません。");
        } else if (step.holders.empty()) {
          if (applicant_holds) {
            const auto& sod = s.pack.sod;
            const std::string refs = SodRefs(s);
            if (sod.fallback == "override_with_justification" && !r.justification.empty()) {
              step.sod_override = true;
              // The step is the applicant's own, with the reason recorded: name them.
              step.holders.push_back(subject.id);
              step.holder_names.push_back(subject.name);
              d.reasons.push_back("申請者本人が" + pr.name + "に当たります。やむを得ない理由「" + r.justification +
                                  "」が記録されたため、本人の承認として扱います" + refs + "。");
            } else {
              d.reasons.push_back("申請者本人が" + pr.name + "に当たるため、本人は承認できません" + refs + "。" +
                                  (sod.fallback == "override_with_justification"
                                       ? "やむを得ない場合は理由（justification）を記録して申請してください。"
                                       : "この承認の代わりの定めはパックにありません。"));
            }
          } else if (by_members) {
            step.vacant = true;
            d.reasons.push_back(pr.name + "は " + date + " に" +
                                (pr.fill.kind == "designated" ? "有効な指名がありません（指名の台帳に記録してください）。"
                                                              : "委員がいません（委員の台帳に記録してください）。"));
          } else {
            step.vacant = true;
            d.reasons.push_back(pr.name + (step.unit.empty() ? "" : "（" + std::string(step.unit_name) + " " + std::string(step.unit) + "）") + "は " + date +
                                " に在任者がいません（空席）。");
          }
        }
        d.approvals.push_back(std::move(step));
      }
      if (any_of) ++order;
    }
    // One person on two steps approves twice over (an acting CISO who is also
    // the 統括): the answer says so rather than showing two independent checks.
    for (std::size_t i = 0; i < d.approvals.size(); ++i)
      for (std::size_t j = i + 1; j < d.approvals.size(); ++j) {
        if (d.approvals[i].order == d.approvals[j].order) continue;  // alternatives of one step
        for (std::size_t a = 0; a < d.approvals[i].holders.size(); ++a)
          if (std::find(d.approvals[j].holders.begin(), d.approvals[j].holders.end(), d.approvals[i].holders[a]) !=
              d.approvals[j].holders.end())
            d.reasons.push_back(std::string(d.approvals[i].holders[a]) + " " + std::string(d.approvals[i].holder_names[a]) +
                                " は第" + std::to_string(d.approvals[i].order) + "段（" + std::string(d.approvals[i].role_name) +
                                "）と第" + std::to_string(d.approvals[j].order) + "段（" + std::string(d.approvals[j].role_name) +
                                "）の両方に当たります。同じ者が2つの段を承認すると、2人による確認になりません。");
      }
  }

  // 5. A gap on the path never lets the answer be permit.
  if (!d.gaps.empty() && d.effect == Effect::kPermit) {
    d.effect = Effect::kApprovalRequired;
    d.reasons.push_back("本文の欠落（ギャップ）がこの判断に関わるため、自動では許可しません。");
  }
  return d;
}

}  // namespace mamori::engine
