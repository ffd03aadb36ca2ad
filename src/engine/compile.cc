// Pack + registers -> Snapshot. Everything Decide() needs is turned into
// indexes and bitmasks here, once, so that a decision does no string matching
// beyond looking up the request's own ids.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>

#include "engine/snapshot.h"
#include "ledger/canonical.h"
#include "ledger/merkle.h"

namespace mamori::engine {

namespace {

using Json = nlohmann::json;

int IndexOf(const std::vector<std::string>& v, const std::string& x) {
  auto it = std::find(v.begin(), v.end(), x);
  return it == v.end() ? -1 : static_cast<int>(it - v.begin());
}

uint64_t Mask(const std::vector<std::string>& universe, const std::vector<std::string>& values) {
  uint64_t m = 0;
  for (const auto& v : values)
    if (int i = IndexOf(universe, v); i >= 0 && i < 64) m |= uint64_t{1} << i;
  return m;
}

// Calls fn for each item of a register's list cell ("A1,A2": kRefList and
// facets are stored comma-joined).
template <typename Fn>
void ForEachListed(std::string_view list, Fn fn) {
  for (std::size_t pos = 0; pos < list.size();) {
    const std::size_t comma = list.find(',', pos);
    fn(list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    pos = comma == std::string_view::npos ? list.size() : comma + 1;
  }
}

// Raises `to` to `from` axis by axis, by the levels' rank (the packs list
// levels strictest first, so an index says nothing of strictness).
void RaiseLevels(const policy::Pack& pack, std::array<int8_t, kMaxAxes>& to, const std::array<int8_t, kMaxAxes>& from) {
  for (std::size_t ax = 0; ax < pack.classification.axes.size(); ++ax) {
    const int cur = to[ax], cand = from[ax];
    if (cand < 0) continue;
    const auto& lv = pack.classification.axes[ax].levels;
    if (cur < 0 || lv[cand].rank > lv[cur].rank) to[ax] = static_cast<int8_t>(cand);
  }
}

std::string Field(const Json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() ? "" : it->get<std::string>();
}

}  // namespace

std::shared_ptr<const Snapshot> Compile(const policy::Pack& pack, const reiki::Regulation& reg, store::Store& store) {
  auto snap = std::make_shared<Snapshot>();
  Snapshot& s = *snap;
  s.pack = pack;
  s.pack_default = pack.default_effect == policy::Effect::kDeny       ? Effect::kDeny
                   : pack.default_effect == policy::Effect::kApproval ? Effect::kApprovalRequired
                                                                      : Effect::kPermit;
  for (const auto& a : pack.classification.axes) {
    s.axis_ids.push_back(a.id);
    std::vector<std::string> ids;
    for (const auto& l : a.levels) ids.push_back(l.id);
    s.level_ids.push_back(std::move(ids));
  }
  for (const auto& f : pack.facets) s.facet_ids.push_back(f.id);
  for (const auto& z : pack.zones) s.zone_ids.push_back(z.id);
  for (const auto& c : pack.person_categories) s.category_ids.push_back(c.id);
  if (s.axis_ids.size() > kMaxAxes)
    throw store::Error("E-DEC-010", "分類の軸は " + std::to_string(kMaxAxes) + " 個までです。");
  for (const auto& levels : s.level_ids)
    if (levels.size() > 64) throw store::Error("E-DEC-010", "分類の段階は軸ごとに64個までです。");
  if (s.facet_ids.size() > 64 || s.zone_ids.size() > 64 || s.category_ids.size() > 64)
    throw store::Error("E-DEC-010", "パックの情報の性質・ゾーン・人の区分はそれぞれ64個までです。");

  std::vector<std::string> role_ids, obligation_ids;
  for (const auto& r : pack.roles) role_ids.push_back(r.id);
  for (const auto& o : pack.obligations) {
    obligation_ids.push_back(o.id);
    s.obligations.emplace_back(o.id, o.text);
  }
  for (const auto& g : pack.gaps) s.gaps.emplace_back(g.id, g.note);

  // Citations with their text, once each.
  std::unordered_map<std::string, int> cite_index;
  auto cite = [&](const std::string& ref) {
    auto it = cite_index.find(ref);
    if (it != cite_index.end()) return it->second;
    std::string text;
    try {
      text = reiki::CiteText(reiki::Resolve(reg, reiki::ParseReference(ref)));
    } catch (const reiki::Error&) {
      text = "（本文で見つかりません）";
    }
    s.citation_sha256.push_back(ledger::Hex(ledger::Sha256(text)));
    std::string quoted;
    try {
      ledger::AppendCanonicalString(quoted, text);
    } catch (const std::invalid_argument&) {  // as every answer's writer replaces what is not UTF-8
      quoted = nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    s.citation_json.push_back(std::move(quoted));
    s.citations.emplace_back(ref, text);
    return cite_index[ref] = static_cast<int>(s.citations.size()) - 1;
  };
  // Gaps by the clauses they cite: a rule citing the same clause, or naming an
  // approver whose role cites it, carries them. (By article would be too
  // coarse: 安田町 第30条 holds both the zone rule and nothing of the CIO gap.)
  std::unordered_map<std::string, std::vector<int>> gaps_by_ref;
  for (std::size_t g = 0; g < pack.gaps.size(); ++g) {
    const auto& kind = pack.gaps[g].kind;
    // Only gaps that leave a decision open; a typo or an unused term does not.
    if (kind != "undefined_role" && kind != "unspecified_approver") continue;
    for (const auto& c : pack.gaps[g].cite) gaps_by_ref[c.ref].push_back(static_cast<int>(g));
  }

  s.category_citations.resize(pack.person_categories.size());
  for (std::size_t c = 0; c < pack.person_categories.size() && c < 64; ++c) {
    const auto& pc = pack.person_categories[c];
    if (pc.bound && !pc.staff) s.bound_outsiders |= uint64_t{1} << c;
    for (const auto& ci : pc.cite) s.category_citations[c].push_back(cite(ci.ref));
  }
  for (const auto& a : pack.actions) {
    CAction ca;
    ca.id = a.id;
    ca.name = a.name;
    if (a.default_effect) ca.default_effect = static_cast<int>(*a.default_effect);
    if (a.applicants) {
      for (const auto& r : a.applicants->roles)
        if (int ri = IndexOf(role_ids, r); ri >= 0) ca.applicant_roles.push_back(ri);
      for (const auto& c : a.applicants->cite) ca.applicant_citations.push_back(cite(c.ref));
    }
    s.actions.push_back(std::move(ca));
    s.action_index.Insert(a.id, static_cast<int>(s.actions.size()) - 1,
                          [&](int i) -> std::string_view { return s.actions[i].id; });
  }
  for (std::size_t i = 0; i < pack.rules.size(); ++i) {
    const policy::Rule& r = pack.rules[i];
    const int action = s.ActionOf(r.action);
    if (action < 0) continue;
    CRule c;
    c.pack_index = static_cast<int>(i);
    c.effect = r.effect == policy::Effect::kDeny       ? Effect::kDeny
               : r.effect == policy::Effect::kApproval ? Effect::kApprovalRequired
                                                       : Effect::kPermit;
    c.level_mask.assign(s.axis_ids.size(), 0);
    for (const auto& [axis, levels] : r.when.levels)
      if (int ax = IndexOf(s.axis_ids, axis); ax >= 0) c.level_mask[ax] = Mask(s.level_ids[ax], levels);
    c.facets = Mask(s.facet_ids, r.when.facets);
    c.subjects = Mask(s.category_ids, r.when.subject);
    c.from_zones = Mask(s.zone_ids, r.when.from_zone);
    c.to_zones = Mask(s.zone_ids, r.when.to_zone);
    for (const auto& p : r.when.purpose)
      for (std::size_t k = 0; k < std::size(policy::kPurposes); ++k)
        if (p == policy::kPurposes[k]) c.purposes |= static_cast<uint8_t>(1u << k);
    c.with_zones = Mask(s.zone_ids, r.when.with_zone);
    c.area_level_mask.assign(s.axis_ids.size(), 0);
    for (const auto& [axis, levels] : r.when.area_levels)
      if (int ax = IndexOf(s.axis_ids, axis); ax >= 0) {
        c.area_level_mask[ax] = Mask(s.level_ids[ax], levels);
        c.any_area = true;
      }
    for (const auto& [flag, value] : r.when.flags) {
      for (int f = 0; f < kFlagCount; ++f) {
        if (flag != kFlags[f]) continue;
        c.flag_care |= 1u << f;
        if (value) c.flag_value |= 1u << f;
      }
    }
    auto carry_gaps = [&](const std::string& ref) {
      auto g = gaps_by_ref.find(ref);
      if (g != gaps_by_ref.end()) c.gaps.insert(c.gaps.end(), g->second.begin(), g->second.end());
    };
    // A gap is on this rule's path only when it leaves the approver unknown: the
    // rule names a role the text never fills. A gap that merely shares a clause
    // (an empty cell of 第19条, an unnamed SNS owner of 第6条第8号) does not
    // make an unrelated permit uncertain.
    for (const auto& ap : r.approvers) {
      int ri = IndexOf(role_ids, ap);
      if (ri < 0) continue;
      c.approvers.push_back(ri);
      if (pack.roles[ri].fill.kind == "unset")
        for (const auto& rc : pack.roles[ri].cite) carry_gaps(rc.ref);
    }
    if (r.escape) {
      // An escape that only a role the text never fills could grant is no
      // escape: the rule keeps its effect and the gap is reported.
      bool grantable = r.escape->by.empty();
      for (const auto& by : r.escape->by) {
        int ri = IndexOf(role_ids, by);
        if (ri < 0) continue;
        if (pack.roles[ri].fill.kind == "unset") {
          for (const auto& rc : pack.roles[ri].cite) carry_gaps(rc.ref);
          continue;
        }
        c.escape_by.push_back(ri);
        grantable = true;
      }
      if (grantable) c.escape = r.escape->requires_what == "report" ? 2 : 1;
      for (const auto& ci : r.escape->cite) {
        c.escape_citations.push_back(cite(ci.ref));
        if (!grantable) carry_gaps(ci.ref);
      }
    }
    c.any_of = r.approval == "any";
    for (const auto& o : r.obligations)
      if (int oi = IndexOf(obligation_ids, o); oi >= 0) c.obligations.push_back(oi);
    for (const auto& ci : r.cite) {
      c.citations.push_back(cite(ci.ref));
      // Who approves is what an approval rule's gap leaves open.
      if (c.effect == Effect::kApprovalRequired) carry_gaps(ci.ref);
    }
    std::sort(c.gaps.begin(), c.gaps.end());
    c.gaps.erase(std::unique(c.gaps.begin(), c.gaps.end()), c.gaps.end());
    std::string refs;
    for (int ci : c.citations) refs += (refs.empty() ? "" : "、") + s.citations[ci].first;
    c.reason = {r.id, s.actions[action].name + ": " +
                          (c.effect == Effect::kPermit ? "許可" : c.effect == Effect::kDeny ? "禁止" : "承認が必要") +
                          "（" + refs + "）" + (r.note.empty() ? "" : "。" + r.note)};
    s.actions[action].rules.push_back(std::move(c));
  }
  // overrides name rule ids; within an action they become indexes.
  for (auto& a : s.actions) {
    if (a.rules.size() > kMaxRulesPerAction)
      throw store::Error("E-DEC-010", "行為「" + a.id + "」の規則が多すぎます（" + std::to_string(kMaxRulesPerAction) + " 個まで）。");
    for (auto& c : a.rules) {
      for (const auto& o : pack.rules[c.pack_index].overrides)
        for (std::size_t k = 0; k < a.rules.size(); ++k)
          if (pack.rules[a.rules[k].pack_index].id == o) c.overrides.push_back(static_cast<int>(k));
    }
  }
  for (const auto& f : pack.flows) {
    CFlow cf;
    cf.from = IndexOf(s.zone_ids, f.from);
    cf.to = IndexOf(s.zone_ids, f.to);
    cf.effect = f.effect == policy::Effect::kDeny       ? Effect::kDeny
                : f.effect == policy::Effect::kApproval ? Effect::kApprovalRequired
                                                        : Effect::kPermit;
    for (const auto& o : f.requires_what)
      if (int oi = IndexOf(obligation_ids, o); oi >= 0) cf.obligations.push_back(oi);
    for (const auto& [flag, value] : f.when)
      for (int k = 0; k < kFlagCount; ++k)
        if (flag == kFlags[k]) {
          cf.flag_care |= 1u << k;
          if (value) cf.flag_value |= 1u << k;
        }
    for (const auto& ci : f.cite) cf.citations.push_back(cite(ci.ref));
    s.flows.push_back(std::move(cf));
  }

  // Registers.
  // Each index is filled as its register is read: a repeated id keeps its
  // last row, and the registers read later look ids up in it.
  std::vector<std::string>& unit_names = s.unit_names;
  const auto units = store.List("units");
  s.unit_index.Reserve(units.size());
  for (const auto& u : units) {
    s.unit_ids.push_back(u.id);
    s.unit_index.Insert(u.id, static_cast<int>(s.unit_ids.size()) - 1,
                        [&](int i) -> std::string_view { return s.unit_ids[i]; });
    unit_names.push_back(Field(Json::parse(u.data), "name"));
    // Two units of one name are told apart by code only (no name lookup).
    auto [it, fresh] = s.unit_by_name.emplace(unit_names.back(), static_cast<int>(unit_names.size()) - 1);
    if (!fresh) it->second = -1;
  }
  const auto posts = store.List("posts");
  s.post_index.Reserve(posts.size());
  for (const auto& p : posts) {
    Json j = Json::parse(p.data);
    s.post_ids.push_back(p.id);
    s.post_index.Insert(p.id, static_cast<int>(s.post_ids.size()) - 1,
                        [&](int i) -> std::string_view { return s.post_ids[i]; });
    s.post_names.push_back(Field(j, "name"));
  }
  s.holders.resize(s.post_ids.size());
  s.unit_head_post.assign(s.unit_ids.size(), -1);
  s.unit_parent.assign(s.unit_ids.size(), -1);
  for (const auto& u : units) {
    Json j = Json::parse(u.data);
    const int post = s.PostOf(Field(j, "head_post"));
    if (post >= 0) s.unit_head_post[s.UnitOf(u.id)] = post;
    s.unit_parent[s.UnitOf(u.id)] = s.UnitOf(Field(j, "parent"));
  }
  for (const auto& p : posts) s.post_unit.push_back(s.UnitOf(Field(Json::parse(p.data), "unit")));
  const auto people = store.List("people");
  s.person_index.Reserve(people.size());
  for (const auto& p : people) {
    Json j = Json::parse(p.data);
    Person person;
    person.id = p.id;
    person.name = Field(j, "name");
    person.start = Field(j, "start");
    person.end = Field(j, "end");
    person.unit = s.UnitOf(Field(j, "unit"));
    // The register's 区分 names a category (or one of its `includes`); a person
    // of the staff register is also in every staff category that is not tied
    // to a unit, unless the 区分 names a non-staff one (a contractor).
    std::string cat = Field(j, "category");
    std::string unit_name = person.unit >= 0 ? unit_names[person.unit] : "";
    bool non_staff = false;
    for (std::size_t c = 0; c < pack.person_categories.size() && c < 64; ++c) {
      const auto& pc = pack.person_categories[c];
      bool named = cat == pc.id || cat == pc.name ||
                   std::find(pc.includes.begin(), pc.includes.end(), cat) != pc.includes.end();
      if (named && !pc.staff) non_staff = true;
      if (named && (pc.unit.empty() || pc.unit == unit_name)) person.categories |= uint64_t{1} << c;
      if (!pc.unit.empty() && pc.unit == unit_name && pc.staff) person.categories |= uint64_t{1} << c;
    }
    if (!non_staff)
      for (std::size_t c = 0; c < pack.person_categories.size() && c < 64; ++c)
        if (pack.person_categories[c].staff && pack.person_categories[c].unit.empty()) person.categories |= uint64_t{1} << c;
    s.people.push_back(std::move(person));
    s.person_index.Insert(p.id, static_cast<int>(s.people.size()) - 1,
                          [&](int i) -> std::string_view { return s.people[i].id; });
  }
  for (const auto& h : store.List("post_holders")) {
    Json j = Json::parse(h.data);
    const int post = s.PostOf(Field(j, "post"));
    const int person = s.PersonOf(Field(j, "person"));
    if (post < 0 || person < 0) continue;
    s.holders[post].push_back({person, Field(j, "from"), Field(j, "to"), Field(j, "acting") == "true"});
  }
  // Designated and committee roles are held through their own registers.
  s.role_members.resize(pack.roles.size());
  for (const auto& d : store.List("designations")) {
    Json j = Json::parse(d.data);
    const int role = IndexOf(role_ids, Field(j, "role"));
    const int person = s.PersonOf(Field(j, "person"));
    if (role < 0 || person < 0) continue;
    s.role_members[role].push_back({person, Field(j, "from"), Field(j, "to"), false});
  }
  {
    const auto members = store.List("committee_members");
    for (const auto& c : store.List("committees")) {
      Json cj = Json::parse(c.data);
      for (std::size_t r = 0; r < pack.roles.size(); ++r) {
        const auto& pr = pack.roles[r];
        if (pr.fill.kind != "committee" || (Field(cj, "role") != pr.id && Field(cj, "name") != pr.name)) continue;
        for (const auto& m : members) {
          Json j = Json::parse(m.data);
          const int person = s.PersonOf(Field(j, "person"));
          if (Field(j, "committee") != c.id || person < 0) continue;
          s.role_members[r].push_back({person, Field(j, "from"), Field(j, "to"), false});
        }
      }
    }
  }
  const auto systems = store.List("systems");
  s.system_index.Reserve(systems.size());
  for (const auto& sy : systems) {
    Json j = Json::parse(sy.data);
    s.system_ids.push_back(sy.id);
    s.system_names.push_back(Field(j, "name"));
    s.system_index.Insert(sy.id, static_cast<int>(s.system_ids.size()) - 1,
                          [&](int i) -> std::string_view { return s.system_ids[i]; });
    s.system_zone.push_back(IndexOf(s.zone_ids, Field(j, "zone")));
    s.system_admin_post.push_back(s.PostOf(Field(j, "admin_post")));
    s.system_unit.push_back(s.UnitOf(Field(j, "unit")));
  }
  auto read_asset = [&](const Json& j) {
    Asset a;
    a.levels.fill(-1);
    for (std::size_t ax = 0; ax < s.axis_ids.size(); ++ax)
      a.levels[ax] = static_cast<int8_t>(IndexOf(s.level_ids[ax], Field(j, s.axis_ids[ax].c_str())));
    std::vector<std::string> list;
    ForEachListed(Field(j, "facets"), [&](std::string_view f) { list.emplace_back(f); });
    a.facets = Mask(s.facet_ids, list);
    a.owner_unit = s.UnitOf(Field(j, "owner_unit"));
    a.system = s.SystemOf(Field(j, "system"));
    return a;
  };
  {
    const auto assets = store.List("assets");
    s.assets.reserve(assets.size());
    s.asset_names.reserve(assets.size());
    s.asset_index.Reserve(assets.size());
    for (const auto& a : assets) {
      Json j = Json::parse(a.data);
      s.assets.push_back(read_asset(j));
      s.assets.back().id = a.id;
      s.asset_names.push_back(Field(j, "name"));
      s.asset_index.Insert(a.id, static_cast<int>(s.assets.size()) - 1,
                           [&](int i) -> std::string_view { return s.assets[i].id; });
    }
  }
  // A medium is handled by the highest level of what it holds (安田町 第24条第3項).
  const auto devices = store.List("devices");
  s.device_index.Reserve(devices.size());
  for (const auto& d : devices) {
    if (s.DeviceOf(d.id) >= 0) continue;  // a repeated id keeps its first row
    Json j = Json::parse(d.data);
    Asset m;
    m.id = d.id;
    m.levels.fill(-1);
    if (int holder = s.PersonOf(Field(j, "holder")); holder >= 0) m.owner_unit = s.people[holder].unit;
    if (std::string issued = Field(j, "issued"); !issued.empty()) m.issued = issued == "true" ? 1 : 0;
    m.system = s.SystemOf(Field(j, "system"));
    // Owned by its user's unit; a device nobody holds belongs to its system's unit.
    if (m.owner_unit < 0 && m.system >= 0) m.owner_unit = s.system_unit[m.system];
    ForEachListed(Field(j, "contents"), [&](std::string_view id) {
      if (const int found = s.AssetOf(id); found >= 0) {
        RaiseLevels(pack, m.levels, s.assets[found].levels);
        m.facets |= s.assets[found].facets;
      }
    });
    s.devices.push_back(std::move(m));
    s.device_index.Insert(d.id, static_cast<int>(s.devices.size()) - 1,
                          [&](int i) -> std::string_view { return s.devices[i].id; });
  }
  // A 管理区域 handles what the assets of the systems installed in it are
  // classified as: its level per axis is the highest of theirs. One pass over
  // the assets gives each system's highest level; an area takes its systems'.
  const auto areas = store.List("areas");
  std::vector<std::array<int8_t, kMaxAxes>> system_levels;
  if (!areas.empty()) {
    system_levels.resize(s.system_ids.size());
    for (auto& l : system_levels) l.fill(-1);
    for (const Asset& asset : s.assets)
      if (asset.system >= 0) RaiseLevels(pack, system_levels[asset.system], asset.levels);
  }
  for (const auto& a : areas) {
    Json j = Json::parse(a.data);
    std::array<int8_t, kMaxAxes> levels;
    levels.fill(-1);
    ForEachListed(Field(j, "systems"), [&](std::string_view id) {
      if (const int sy = s.SystemOf(id); sy >= 0) RaiseLevels(pack, levels, system_levels[sy]);
    });
    s.area_ids.push_back(a.id);
    s.area_names.push_back(Field(j, "name"));
    s.area_levels.push_back(levels);
  }
  return snap;
}

}  // namespace mamori::engine
