// Binding a store to a pack version (see binding.cc for why).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

namespace mamori::registry {

// A store with its evidence ledger attached: every write through it is
// recorded (ledger before pack so that it goes before the store it hooks).
struct Bound {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<ledger::Ledger> ledger;
  policy::Pack pack;
};

// SHA-256 over the pack's content (its TOML tables without comments or
// layout, and its regulation text).
std::string HashPack(const policy::Pack& pack);

// The pack in `dir`, which must check clean (E-REG-001 otherwise).
policy::Pack LoadClean(const std::string& dir);

// Creates `db` bound to the pack in `pack_dir` (which must check clean), and
// its ledger signing key at ledger::KeyPathFor(db).
Bound Init(const std::string& db, const std::string& pack_dir, const std::string& actor);
// Opens `db` with its pack; refuses if the pack's files changed since bound.
Bound Open(const std::string& db);
// Records a switch to the pack in `pack_dir`; returns the new hash, or "" when
// it is the version already bound. A pack of another organisation (another
// pack id) is refused with E-REG-006 unless `force_reason` says why; the
// reason is recorded with the switch. `reason`, for a switch within the
// organisation (a revised text), is recorded too: the committee's evaluation
// (第142条) reads why the text changed.
//
// Each version keeps the SHA-256 of every clause it cites ("clauses"), and a
// switch records its impact ("impact", also given in `impact`): the bindings
// whose cited clause's text changed ("changed": ref and bindings), the cited
// clauses gone ("dropped"), and the cases still open under an earlier version
// ("open_cases"); "compared" is false when the earlier version kept no clauses.
std::string ApplyPack(const std::string& db, const std::string& pack_dir, const std::string& actor,
                      const std::string& force_reason = "", const std::string& reason = "",
                      nlohmann::json* impact = nullptr);

}  // namespace mamori::registry
