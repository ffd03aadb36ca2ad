// The compiled form Decide() reads. Internal to the engine.
//
// Invariants: every index stored here is valid in the vectors of the same
// Snapshot; masks use bit i for the i-th level / facet / zone / category of the
// pack (packs stay well under 64 of each; Compile refuses more).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/engine.h"
#include "engine/flat_index.h"

namespace mamori::engine {

using policy::kFlagCount;
// Decide() keeps its working sets in fixed arrays of these sizes (no heap on
// the hot path); Compile() refuses a pack beyond them.
constexpr std::size_t kMaxAxes = 8;
constexpr std::size_t kMaxRulesPerAction = 256;
inline constexpr const auto& kFlags = policy::kFlagNames;  // device_issued, encrypted, ...

struct CRule {
  int pack_index = 0;  // into pack.rules
  Entry reason;        // rule id, and why it applies in Japanese (built once)
  Effect effect = Effect::kPermit;
  std::vector<uint64_t> level_mask;  // per axis; 0 = any level
  uint64_t facets = 0;               // all required
  uint64_t subjects = 0, from_zones = 0, to_zones = 0;  // 0 = any
  uint32_t flag_care = 0, flag_value = 0;
  uint8_t purposes = 0;              // bit per policy::kPurposes; 0 = any
  uint64_t with_zones = 0;           // the second resource's zone; 0 = any
  std::vector<uint64_t> area_level_mask;  // per axis, the place's highest level; 0 = any
  bool any_area = false;                  // some area_level_mask is set (keeps the common case one test)
  std::vector<int> overrides;     // indexes into the action's rule list
  std::vector<int> approvers;     // role indexes
  bool any_of = false;
  std::vector<int> obligations;   // obligation indexes
  std::vector<int> citations;     // citation indexes
  std::vector<int> gaps;          // gap indexes on this rule's path
  // The text's やむを得ない場合: with a recorded justification the rule gives way
  // to approval by these roles (or, with none named, to permit with the record).
  int escape = 0;                 // 0 none, 1 justification, 2 report
  std::vector<int> escape_by;     // role indexes, any one suffices
  std::vector<int> escape_citations;
};

struct CAction {
  std::string id, name;
  int default_effect = -1;  // Effect, or -1 for the pack's default
  std::vector<CRule> rules;
  std::vector<int> applicant_roles;      // role indexes; empty: anyone of 職員等 may ask
  std::vector<int> applicant_citations;  // why only they may
};

struct CFlow {
  int from = -1, to = -1;
  Effect effect = Effect::kPermit;
  uint32_t flag_care = 0, flag_value = 0;
  std::vector<int> obligations, citations;
};

struct Holding {
  int person = 0;  // index into people
  std::string from, to;
  bool acting = false;
};

struct Person {
  // The id a lookup compares (a short id sits inside the string) and what the
  // decision then reads, all within the record's first 48 bytes.
  uint64_t categories = 0;  // pack person categories the person belongs to
  int unit = -1;
  std::string id, name;
  std::string start, end;  // 職員等 from / until (YYYY-MM-DD), empty: open
};

// One cache line: the lookup compares the id (inline for short ids) and the
// decision reads the rest on the same line, on a million assets.
struct alignas(64) Asset {
  std::string id;
  // Inline, not a vector; int8_t as Compile refuses more than 64 levels an axis.
  std::array<int8_t, kMaxAxes> levels;  // per axis, -1 unset
  uint64_t facets = 0;
  int owner_unit = -1;
  int system = -1;
  int8_t issued = -1;  // devices: 支給 in the register (1/0), -1 unknown
};

struct Snapshot {
  policy::Pack pack;
  std::vector<std::string> axis_ids;
  std::vector<std::vector<std::string>> level_ids;  // per axis
  std::vector<std::string> facet_ids, zone_ids, category_ids;
  std::vector<CAction> actions;
  FlatIndex action_index;
  std::vector<CFlow> flows;
  // Stable storage: Decisions point at these entries.
  std::vector<Entry> obligations;  // id, text
  std::vector<Entry> citations;    // ref, text
  // Parallel to citations: the SHA-256 (hex) of each text, as the pack's
  // ledger entry keeps it per clause ("clauses"). A recorded decision cites
  // by ref and hash rather than copying the text into every entry.
  std::vector<std::string> citation_sha256;
  // Parallel again: each text as a JSON string, escaped once here rather
  // than in every answer (the article texts are most of an answer's bytes).
  std::vector<std::string> citation_json;
  std::vector<Entry> gaps;         // id, note
  Effect pack_default = Effect::kPermit;
  // Person categories bound by the policy without being 職員等 (受託者: 置賜
  // 第4条第3項), with their citations: a general article still binds them
  // where no specific one speaks.
  uint64_t bound_outsiders = 0;
  std::vector<std::vector<int>> category_citations;  // per category

  // Registers.
  std::vector<Person> people;
  FlatIndex person_index;
  std::vector<std::string> unit_ids, unit_names;
  FlatIndex unit_index;
  std::unordered_map<std::string, int> unit_by_name;  // 名称 -> unit, for requests that name the 課
  std::vector<int> unit_head_post;                  // per unit, post index or -1
  std::vector<int> unit_parent;                     // per unit, its 上位組織 or -1
  std::vector<int> post_unit;                       // per post, its unit or -1
  std::vector<std::string> post_ids, post_names;
  FlatIndex post_index;
  std::vector<std::vector<Holding>> holders;        // per post
  // Per pack role filled by designation (指名) or by a committee (合議体):
  // the designations or the committee's members, dated.
  std::vector<std::vector<Holding>> role_members;
  std::vector<std::string> system_ids, system_names;
  std::vector<int> system_zone, system_admin_post, system_unit;  // per system
  FlatIndex system_index;
  std::vector<Asset> assets;
  std::vector<std::string> asset_names;  // parallel to assets, kept off their cache line
  FlatIndex asset_index;
  std::vector<Asset> devices;  // media: levels = highest of contents
  FlatIndex device_index;
  // 管理区域: the highest level, per axis, of the assets its systems handle.
  std::vector<std::string> area_ids, area_names;
  std::vector<std::array<int8_t, kMaxAxes>> area_levels;

  // Index by id, or -1.
  int ActionOf(std::string_view id) const {
    return action_index.Find(id, [this](int i) -> std::string_view { return actions[i].id; });
  }
  int PersonOf(std::string_view id) const {
    return person_index.Find(id, [this](int i) -> std::string_view { return people[i].id; });
  }
  int UnitOf(std::string_view id) const {
    return unit_index.Find(id, [this](int i) -> std::string_view { return unit_ids[i]; });
  }
  int PostOf(std::string_view id) const {
    return post_index.Find(id, [this](int i) -> std::string_view { return post_ids[i]; });
  }
  int SystemOf(std::string_view id) const {
    return system_index.Find(id, [this](int i) -> std::string_view { return system_ids[i]; });
  }
  int AssetOf(std::string_view id) const {
    return asset_index.Find(id, [this](int i) -> std::string_view { return assets[i].id; });
  }
  int DeviceOf(std::string_view id) const {
    return device_index.Find(id, [this](int i) -> std::string_view { return devices[i].id; });
  }
};

}  // namespace mamori::engine
