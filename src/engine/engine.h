// engine: decides a regulated action by the pack's rules against a snapshot of
// the registers (docs/decide.md is the contract).
//
// Parse -> compile -> decide: a checked pack and the registers compile into a
// Snapshot of bitmask tables; Decide() only reads a Snapshot, so readers keep
// deciding on the old one while a new one is built and swapped in (Engine).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/small_vec.h"
#include "policy/policy.h"
#include "reiki/reiki.h"
#include "store/store.h"

namespace mamori::engine {

// A request as Decide() takes it: every value an id of the pack or the
// registers (ParseRequest turns labels, names and 和暦 into these). Decide()
// still refuses an unknown value or one that contradicts the registers, so a
// Request built in code cannot lower a registered fact either.
struct Request {
  std::string subject, action;
  std::string resource_id;                              // a register id, or empty
  std::map<std::string, std::string> resource;          // inline: axis ids, owner_unit, zone, system
  std::vector<std::string> resource_facets;
  std::string date;                                     // YYYY-MM-DD (JST); empty: today
  std::map<std::string, std::string> levels;            // context.<axis> = level
  std::string from_zone, to_zone, justification;
  std::map<std::string, bool> flags;
  std::string purpose;  // business | non_business, or empty
  std::string with;     // the second resource: a register id (the system a medium is used on)
  std::string area;     // a 管理区域 id
};

enum class Effect { kPermit, kApprovalRequired, kDeny };

// A Decision refers into the Snapshot it was made from (strings owned there),
// so that deciding copies no clause text: keep the Snapshot alive while the
// Decision is used (Engine::Current() hands out a shared_ptr for that).
using Entry = std::pair<std::string, std::string>;  // id/ref and its text

struct ApprovalStep {
  int order = 0;
  std::string_view role, role_name, unit;
  std::string_view unit_name;
  SmallVec<std::string_view, 4> holders;  // person ids, applicant removed
  SmallVec<std::string_view, 4> holder_names;  // parallel to holders
  SmallVec<std::string_view, 2> acting;   // those among holders who act (代理)
  bool any_of = false;
  bool vacant = false;
  bool sod_override = false;  // the applicant's own step, allowed with a recorded justification
  bool collective = false;    // a committee: the holders decide together, not any one of them
  int quorum = 0;             // members who must sit (the text's 定足数), 0 when the text sets none
};

struct Snapshot;  // compiled pack + registers; immutable once built

struct Decision {
  Effect effect = Effect::kPermit;
  std::string date;             // the day decided for (YYYY-MM-DD, JST)
  bool date_defaulted = false;  // the request gave none: today
  std::string_view subject_name;
  std::string_view resource_id, resource_name;  // a registered resource
  std::string_view owner_unit, owner_unit_name;
  SmallVec<ApprovalStep, 2> approvals;
  SmallVec<const Entry*, 8> obligations;  // id, text
  SmallVec<const Entry*, 8> citations;    // ref, text
  SmallVec<const Entry*, 8> rules;        // rule id, its reason in Japanese
  std::vector<std::string> reasons;       // reasons beyond the rules' own (default, 第17条, vacancy …)
  std::vector<const Entry*> gaps;         // id, note
  const Snapshot* from = nullptr;         // what Decide decided it from (citations point into it)
};

// Every reason, the applied rules' first (what ToJson and Explain print).
std::vector<std::string> Reasons(const Decision& d);

// Compiles `pack` (checked clean) with `reg` (its regulation) and the current
// registers of `store`.
std::shared_ptr<const Snapshot> Compile(const policy::Pack& pack, const reiki::Regulation& reg,
                                        store::Store& store);

Decision Decide(const Snapshot& snap, const Request& request);

// JSON in and out (docs/decide.md). ParseRequest checks the text against the
// contract and the snapshot's vocabulary: every key known, every value typed
// and known, size, depth and string length bounded. It throws store::Error
// (E-DEC-001, 002, 004–009) naming the field, the value and what is valid.
// `raw`, when given, receives the request as written, in the evidence
// ledger's canonical form (RFC 8785: members sorted, numbers as ECMAScript
// prints them), made from the parsed text without another parse.
Request ParseRequest(const Snapshot& snap, std::string_view json, std::string* raw = nullptr);
// The request as decided, every value an id (what the ledger records beside the raw text).
nlohmann::json ToJsonValue(const Request& r, const Decision& d);
// A decision's evidence, appended to `out` in canonical form:
// {"as_decided": ToJsonValue(r, d), "decision": EvidenceValue(s, d), "request": raw}
// with `raw` from ParseRequest — byte for byte what ledger::Canonical makes
// of that tree (tests/engine/evidence_test.cc holds it so), written directly
// because it is on every recorded decision's way. Throws
// std::invalid_argument for text that is not UTF-8, as Canonical does.
void AppendEvidence(std::string& out, const Snapshot& s, const Request& r, const Decision& d, std::string_view raw);
// The answer as evidence keeps it: ToJsonValue(d) with each citation's text
// replaced by its SHA-256 ({"ref", "sha256"}), the hash the pack's own entry
// keeps for that clause. The text is the pack's, recorded once when the pack
// was applied; copied into every decision it was two thirds of each entry.
nlohmann::json EvidenceValue(const Snapshot& s, const Decision& d);

// Limits of one request (E-DEC-009).
constexpr std::size_t kMaxRequestBytes = 64 * 1024;
constexpr int kMaxRequestDepth = 8;
constexpr std::size_t kMaxStringBytes = 4096;
std::string ToJson(const Decision& d);
// The same answer appended to `out` (a batch writes many into one buffer).
void AppendJson(std::string& out, const Decision& d);
// The same content as a JSON value, for the evidence ledger to canonicalise
// without printing and parsing it again.
nlohmann::json ToJsonValue(const Decision& d);
// A Japanese explanation with the article texts, for a 課長 or an auditor.
std::string Explain(const Snapshot& snap, const Request& request, const Decision& d);

std::string_view EffectName(Effect e);  // permit | approval_required | deny

// Holds the current snapshot; Swap() publishes a new one without stopping
// readers (each Decide works on the snapshot it loaded).
class Engine {
 public:
  // The evidence hook: called with every decision made through the engine
  // (the ledger records them). Set before deciding starts; not thread-safe to change.
  using Hook = std::function<void(const Snapshot&, const Request&, const Decision&)>;

  explicit Engine(std::shared_ptr<const Snapshot> s) : snap_(std::move(s)) {}
  std::shared_ptr<const Snapshot> Current() const { return std::atomic_load(&snap_); }
  void Swap(std::shared_ptr<const Snapshot> s) { std::atomic_store(&snap_, std::move(s)); }
  void OnDecision(Hook hook) { hooks_.push_back(std::move(hook)); }
  Decision Decide(const Request& r) const {
    auto snap = Current();
    Decision d = engine::Decide(*snap, r);
    for (const auto& h : hooks_) h(*snap, r, d);
    return d;
  }

 private:
  std::shared_ptr<const Snapshot> snap_;
  std::vector<Hook> hooks_;
};

}  // namespace mamori::engine
