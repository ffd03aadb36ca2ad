// accounts: who may speak to the server, people and systems.
//
// Invariants:
//  * A person's account is a row of "server_accounts" (id: the 職員番号), written
//    through the store's one path, so issuing, changing, locking and
//    unlocking are evidence. The row holds the password only as an Argon2id
//    string (libsodium crypto_pwhash_str: salted, memory-hard), never the
//    password; the ledger therefore carries no password either.
//  * An issued password is temporary: the account can do nothing but change
//    it (E-AUTH-006) until its holder has chosen their own.
//  * A password is at least the length the pack's owner set (the parameter
//    enforced as "password_length"); nothing is defaulted.
//  * After the set number of failures in a row (the parameter enforced as
//    "login_attempts") the account is locked, recorded; only a new issue by
//    mamori's 情報システム管理者 opens it. The answer to a failed login is the
//    same for an unknown person, a wrong password and a locked account, and
//    takes as long (no enumeration).
//  * Accounts and API tokens are issued and revoked only by the
//    情報システム管理者 of mamori's own system that day (`mamori self`).
//  * An API token is shown once; the store keeps its SHA-256 (a token is 32
//    random bytes, so no stretching is needed), its scopes and who issued it.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "store/store.h"

namespace mamori::server {

// The values the server enforces, as set by their owners (nullopt: the pack
// has no such parameter; `mamori serve` refuses to start while one it has
// is unset).
struct Enforced {
  std::optional<int> login_attempts, idle_minutes, password_length;
};
Enforced EnforcedValues(const policy::Pack& pack);

// `bytes` random bytes (libsodium), base64url without padding: session ids,
// CSRF tokens, temporary passwords, API tokens.
std::string RandomSecret(std::size_t bytes);

// E-AUTH-010 unless `person` is the 情報システム管理者 of mamori's system on `date`.
void RequireMamoriAdmin(store::Store& store, const policy::Pack& pack, const std::string& person, const std::string& date);

// Issues (or re-issues, unlocking) `person`'s account with a new temporary
// password, returned; recorded as done by `by`. E-AUTH-011 when `person`
// is not in the 職員 register or has left.
std::string IssueAccount(store::Store& store, const policy::Pack& pack, const std::string& person, const std::string& by,
                         const std::string& actor);

struct LoginResult {
  bool ok = false;
  bool temporary = false;   // must change the password before anything else
  bool locked_now = false;  // this failure locked the account
  bool known = false;       // the 職員番号 has an account (for the caller's count only, never the answer)
};
// Checks a password. Counts failures in the account row's "failures" only
// through the store's one path when the count changes the account (locks
// it); consecutive failures below the limit are counted by the caller
// (`failures_in_a_row`, the server's memory) so an anonymous client cannot
// fill the ledger.
LoginResult CheckLogin(store::Store& store, const policy::Pack& pack, const std::string& person,
                       const std::string& password, int failures_in_a_row, const std::string& actor);

// Locks `person`'s account after `failures` in a row, recorded.
void LockAccount(store::Store& store, const std::string& person, int failures, const std::string& actor);

// The second factor (TOTP, server/totp.h): the account's sealed secret, ""
// when none is enrolled; enrolling records the sealed secret (a new issue
// of the account clears it).
std::string TotpSealed(store::Store& store, const std::string& person);
void EnableTotp(store::Store& store, const std::string& person, const std::string& sealed, const std::string& actor);
// Roles the installation names for a purpose, each an "installation" row
// set only by mamori's administrator (E-AUTH-010), recorded, replaced whole:
//  * kTotpRoles: whose holders must have a second factor (`mamori totp require`);
//  * kRegisterEditors: whose holders edit the registers over the API (import
//    a workbook; `mamori editors set`). Unset, nobody does: the text names
//    no such role, and none is assumed.
// E-AUTH-017 a role the pack has not (nothing changed).
inline constexpr const char* kTotpRoles = "totp_roles";
inline constexpr const char* kRegisterEditors = "register_editors";
void SetInstallationRoles(store::Store& store, const policy::Pack& pack, const std::string& what,
                          const std::vector<std::string>& roles, const std::string& by, const std::string& actor);
std::vector<std::string> InstallationRoles(store::Store& store, const std::string& what);

// Changes `person`'s password after checking the current one. E-AUTH-003 a
// wrong current password, E-AUTH-004 too short (naming the set length),
// E-AUTH-005 the same as the current. A password is at most 1,024 characters
// (E-AUTH-004): no one types more, and hashing is then bounded.
void ChangePassword(store::Store& store, const policy::Pack& pack, const std::string& person, const std::string& current,
                    const std::string& next, const std::string& actor);

// Whether `person` is in the 職員 register and has not left on `date`.
bool Serving(store::Store& store, const std::string& person, const std::string& date);

// API tokens. Scopes: "decide", "read:KIND" (one register), "read" (all).
struct Token {
  std::string id, name;
  std::vector<std::string> scopes;
  std::string issued_by, issued_at, revoked_at;
};
// Returns the token's secret ("mmr_" + id + "_" + 43 base64url characters),
// shown once. E-AUTH-012 a scope that is not one mamori knows.
std::string IssueToken(store::Store& store, const policy::Pack& pack, const std::string& name,
                       const std::vector<std::string>& scopes, const std::string& by, const std::string& actor);
void RevokeToken(store::Store& store, const policy::Pack& pack, const std::string& id, const std::string& by, const std::string& actor);
std::vector<Token> Tokens(store::Store& store);
// The token a secret names, when it is one issued and not revoked.
std::optional<Token> TokenOf(store::Store& store, const std::string& secret);
bool TokenAllows(const Token& t, const std::string& scope);

}  // namespace mamori::server
