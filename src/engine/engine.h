// engine: decides a regulated action by the pack's rules against a snapshot of
// the registers (docs/decide.md is the contract).
//
// Parse -> compile -> decide: a checked pack and the registers compile into a
// Snapshot of bitmask tables; Decide() only reads a Snapshot, so readers keep
// deciding on the old one while a new one is built and swapped in (Engine).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "reiki/reiki.h"
#include "store/store.h"

namespace mamori::engine {

struct Request {
  std::string subject, action;
  std::string resource_id;                              // a register id, or empty
  std::map<std::string, std::string> resource;          // inline attributes
  std::vector<std::string> resource_facets;
  std::string date;                                     // ISO; empty: today (JST)
  std::map<std::string, std::string> levels;            // context.<axis> = level
  std::string from_zone, to_zone, justification;
  std::map<std::string, bool> flags;
};

enum class Effect { kPermit, kApprovalRequired, kDeny };

struct ApprovalStep {
  int order = 0;
  std::string role, role_name, unit;
  std::vector<std::string> holders;  // person ids, applicant removed
  std::vector<std::string> acting;   // those among holders who act (代理)
  bool any_of = false;
  bool vacant = false;
  bool sod_override = false;  // the applicant's own step, allowed with a recorded justification
};

struct Decision {
  Effect effect = Effect::kPermit;
  std::vector<ApprovalStep> approvals;
  std::vector<std::pair<std::string, std::string>> obligations;  // id, text
  std::vector<std::pair<std::string, std::string>> citations;    // ref, text
  std::vector<std::string> rules;
  std::vector<std::string> reasons;
  std::vector<std::pair<std::string, std::string>> gaps;  // id, note
};

struct Snapshot;  // compiled pack + registers; immutable once built

// Compiles `pack` (checked clean) with `reg` (its regulation) and the current
// registers of `store`.
std::shared_ptr<const Snapshot> Compile(const policy::Pack& pack, const reiki::Regulation& reg,
                                        store::Store& store);

Decision Decide(const Snapshot& snap, const Request& request);

// JSON in and out (docs/decide.md). ParseRequest throws store::Error E-DEC-001.
Request ParseRequest(const std::string& json);
std::string ToJson(const Decision& d);
// A Japanese explanation with the article texts, for a 課長 or an auditor.
std::string Explain(const Snapshot& snap, const Request& request, const Decision& d);

std::string_view EffectName(Effect e);  // permit | approval_required | deny

// Holds the current snapshot; Swap() publishes a new one without stopping
// readers (each Decide works on the snapshot it loaded).
class Engine {
 public:
  explicit Engine(std::shared_ptr<const Snapshot> s) : snap_(std::move(s)) {}
  std::shared_ptr<const Snapshot> Current() const { return std::atomic_load(&snap_); }
  void Swap(std::shared_ptr<const Snapshot> s) { std::atomic_store(&snap_, std::move(s)); }
  Decision Decide(const Request& r) const { return engine::Decide(*Current(), r); }

 private:
  std::shared_ptr<const Snapshot> snap_;
};

}  // namespace mamori::engine
