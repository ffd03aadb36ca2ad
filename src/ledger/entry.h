// The byte form of an evidence entry, written in one place: the ledger writes
// entries with it, and `ledger verify` rebuilds a register change's entry
// from the history row with it, so that the two can be compared byte for byte.
// Internal to src/ledger.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mamori::ledger {

// The envelope in canonical member order (actor, at, data, kind, seq): "seq"
// sorts last, so every entry ends with its own seq. `data` is canonical JSON.
// Throws std::invalid_argument as AppendCanonicalString does.
void AppendEnvelope(std::string& out, std::string_view kind, std::string_view data, std::string_view actor,
                    std::string_view at, unsigned long long seq);

// The kind an entry records, read from the envelope's tail (",\"kind\":\"X\",\"seq\":N}"),
// so that a kilobyte-long decision is not searched: empty when not found.
inline std::string_view EnvelopeKind(std::string_view entry) {
  constexpr std::string_view key = ",\"kind\":\"";
  const std::size_t at = entry.rfind(key);
  if (at == std::string_view::npos) return {};
  const std::size_t from = at + key.size(), to = entry.find('"', from);
  return to == std::string_view::npos ? std::string_view() : entry.substr(from, to - from);
}

// The kind of entry that records a change to the store's rows of `reg`: a
// case's state and events (src/cases) are "case", a pack switch "pack".
inline std::string_view ChangeKind(std::string_view reg) {
  if (reg == "pack_versions") return "pack";
  if (reg == "cases" || reg == "case_events") return "case";
  return "register";
}

// The data of a register change: {"after","before","command","id","register"},
// rows embedded as canonical objects (null when the row did not / does not exist).
void AppendChangeData(std::string& out, std::string_view reg, std::string_view id,
                      const std::optional<std::string_view>& before, const std::optional<std::string_view>& after,
                      std::string_view command);

// A register row in the form an entry embeds it.
void AppendRow(std::string& out, const std::optional<std::string_view>& row);

}  // namespace mamori::ledger
