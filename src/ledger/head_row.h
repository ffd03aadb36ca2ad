// A signed tree head as the store keeps it, read back into the ledger's type.
// Internal to src/ledger: the log and its verifier must read heads alike.
#pragma once

#include <algorithm>

#include "ledger/ledger.h"

namespace mamori::ledger {

// A root or signature of the wrong length stays zero, which no check accepts:
// the verifier reports it as a bad head rather than failing to read it.
inline TreeHead FromRow(const store::TreeHeadRow& r) {
  TreeHead h;
  h.size = static_cast<std::uint64_t>(r.size);
  h.timestamp_ms = r.timestamp_ms;
  h.at = r.at;
  if (r.root.size() == h.root.size()) std::copy(r.root.begin(), r.root.end(), h.root.begin());
  if (r.signature.size() == h.signature.size()) std::copy(r.signature.begin(), r.signature.end(), h.signature.begin());
  return h;
}

}  // namespace mamori::ledger
