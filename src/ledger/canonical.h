// RFC 8785 JSON Canonicalization Scheme: the one byte form of an evidence entry,
// so that anyone holding the same content derives the same leaf hash.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace mamori::ledger {

// Object members sorted by their names' UTF-16 code units, no whitespace,
// strings escaped as RFC 8785 §3.2.2.2, numbers as ECMAScript prints them.
// Throws std::invalid_argument for NaN or infinity, which JSON cannot carry,
// and for strings that are not valid UTF-8.
std::string Canonical(const nlohmann::json& value);

// Appends `s` as a canonical JSON string, quotes included (throws as above,
// leaving `out` as it was).
void AppendCanonicalString(std::string& out, std::string_view s);

// The other pieces, for a writer that puts a value in canonical form without
// building a tree (a decision's evidence, written for every decision
// recorded): a number as ECMAScript prints it (throws for NaN and infinity),
// and the order of member names — their UTF-16 code units, which for names
// without supplementary characters is their byte order. Names must be UTF-8.
void AppendCanonicalNumber(std::string& out, double x);
bool CanonicalNameLess(std::string_view a, std::string_view b);

// Whether `text` already is the canonical form of a JSON value made of
// objects, arrays, strings, integers, booleans and null — the shape of every
// register row and every case's state and event — so that it can be embedded
// as is. A million-row import and every step of a case go through here, and
// parsing each row again only to print the same bytes would cost more than
// the rest of the ledger append. False means "not known to be" (a number with
// a fraction, a member name with an escape or a supplementary character, very
// deep nesting, or not canonical at all), and the caller canonicalises the
// slow way.
bool IsCanonicalJson(std::string_view text);

}  // namespace mamori::ledger
