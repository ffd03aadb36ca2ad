// Internal to the policy module: the pack's citations with the binding each
// belongs to, shared by the checker (do they resolve, what do they cover) and
// the review record (has their text changed since it was reviewed).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "policy/policy.h"

namespace mamori::policy {

// Visits every citation of the pack: `owner` names its binding as a reader
// of `pack check` finds it ("rules「transport-c2plus」", "roles「ciso」").
void ForEachCite(const Pack& p,
                 const std::function<void(const Citation&, bool declaratory, const std::string& owner)>& f);

// E-PACK-033 (no review record), E-PACK-034 (a cited clause's text differs
// from the text it was reviewed against), E-PACK-035 (review.toml malformed
// entries are reported by the loader).
std::vector<Diagnostic> CheckReviews(const Pack& p, const reiki::Regulation& reg);

// Reads DIR/review.toml into `pack` if it exists; problems become diagnostics.
void LoadReviews(const std::string& dir, Pack& pack, std::vector<Diagnostic>& errors);

}  // namespace mamori::policy
