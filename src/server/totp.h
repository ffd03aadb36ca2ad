// TOTP, the second factor (RFC 6238 over RFC 4226: HMAC-SHA1, 30-second
// steps, 6 digits), and its enrolment QR code.
//
// Invariants:
//  * A person's TOTP secret is kept in their account row only sealed
//    (libsodium crypto_secretbox) under the server's secrets key, a file
//    beside the store (DB.secrets.key, 0600, created once and never
//    overwritten), so the ledger, which records the row, never holds it in
//    the clear.
//  * A code is accepted for the step it names or one step either side (clock
//    drift), and never twice for the same step (no replay).
#pragma once

#include <cstdint>
#include <string>

namespace mamori::server::internal {

// RFC 4648 base32 without padding, as authenticator apps read secrets.
// Hand-written: neither libsodium nor OpenSSL has base32, and it is 20 lines.
std::string Base32(const std::string& bytes);
bool FromBase32(const std::string& text, std::string& bytes);

// The RFC 4226 HOTP value of `counter`, `digits` long (zero-padded).
std::string Hotp(const std::string& secret, std::uint64_t counter, int digits = 6);

// The step a code of `secret` matches at `unix_seconds` (that step or one
// either side), or -1.
long long MatchingStep(const std::string& secret, const std::string& code, long long unix_seconds);

// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
std::string OtpauthUri(const std::string& issuer, const std::string& account, const std::string& secret);

// The QR code of `text` as an SVG document (libqrencode).
std::string QrSvg(const std::string& text);

// Sealing under the secrets key of `db` (created on first use).
std::string Seal(const std::string& db, const std::string& plain);
// E-AUTH-016 when the key is missing or the box does not open (another
// store's key, or a row edited by hand).
std::string Open(const std::string& db, const std::string& sealed);

}  // namespace mamori::server::internal
