// RFC 8785 JSON Canonicalization Scheme: the one byte form of an evidence entry,
// so that anyone holding the same content derives the same leaf hash.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace mamori::ledger {

// Object members sorted by their names' UTF-16 code units, no whitespace,
// strings escaped as RFC 8785 §3.2.2.2, numbers as ECMAScript prints them.
// Throws std::invalid_argument for NaN or infinity, which JSON cannot carry,
// and for strings that are not valid UTF-8.
std::string Canonical(const nlohmann::json& value);

}  // namespace mamori::ledger
