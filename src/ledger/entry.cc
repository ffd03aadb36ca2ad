#include "ledger/entry.h"

#include <nlohmann/json.hpp>

#include "ledger/canonical.h"

namespace mamori::ledger {

void AppendEnvelope(std::string& out, std::string_view kind, std::string_view data, std::string_view actor,
                    std::string_view at, unsigned long long seq) {
  out.reserve(out.size() + data.size() + actor.size() + at.size() + kind.size() + 64);
  out += "{\"actor\":";
  AppendCanonicalString(out, actor);
  out += ",\"at\":";
  AppendCanonicalString(out, at);
  out += ",\"data\":";
  out += data;
  out += ",\"kind\":";
  AppendCanonicalString(out, kind);
  out += ",\"seq\":";
  out += std::to_string(seq);
  out += '}';
}

// A row as stored is a JSON object, kept as an object in the entry so that
// the entry reads as what changed rather than as an escaped string.
void AppendRow(std::string& out, const std::optional<std::string_view>& row) {
  if (!row) {
    out += "null";
  } else if (IsCanonicalJson(*row)) {
    out += *row;
  } else {
    auto j = nlohmann::json::parse(row->begin(), row->end(), nullptr, /*allow_exceptions=*/false);
    out += j.is_discarded() ? Canonical(nlohmann::json(std::string(*row))) : Canonical(j);
  }
}

void AppendChangeData(std::string& out, std::string_view reg, std::string_view id,
                      const std::optional<std::string_view>& before, const std::optional<std::string_view>& after,
                      std::string_view command) {
  out += "{\"after\":";
  AppendRow(out, after);
  out += ",\"before\":";
  AppendRow(out, before);
  out += ",\"command\":";
  AppendCanonicalString(out, command);
  out += ",\"id\":";
  AppendCanonicalString(out, id);
  out += ",\"register\":";
  AppendCanonicalString(out, reg);
  out += '}';
}

}  // namespace mamori::ledger
