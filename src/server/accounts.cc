// Accounts of people and tokens of systems: issued by mamori's own
// 情報システム管理者, kept through the store's one path, passwords as
// Argon2id only (libsodium; no password code of our own).
#include "server/accounts.h"

#include <openssl/sha.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "registry/registry.h"

namespace mamori::server {
namespace {

using Json = nlohmann::json;

[[noreturn]] void Fail(const std::string& code, const std::string& message) { throw store::Error(code, message); }

std::string Today() { return store::NowJst().substr(0, 10); }

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

void Init() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) Fail("E-AUTH-500", "libsodium を初期化できませんでした。");
}

}  // namespace

std::string RandomSecret(std::size_t n) {
  Init();
  std::string raw(n, '\0');
  randombytes_buf(raw.data(), n);
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), n,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

namespace {

std::string Sha256Hex(const std::string& s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) out += {hex[c >> 4], hex[c & 15]};
  return out;
}

// Interactive limits: about 0.1 s and 64 MiB a login on this class of machine,
// libsodium's recommendation for an online service.
std::string HashPassword(const std::string& password) {
  Init();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    Fail("E-AUTH-500", "パスワードを保管できませんでした（メモリ不足）。");
  return out;
}

bool PasswordMatches(const std::string& hash, const std::string& password) {
  Init();
  return !hash.empty() && crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// A hash of a password nobody has, so an unknown person costs a login as much
// as a known one (no enumeration by timing).
const std::string& DummyHash() {
  static const std::string h = HashPassword(RandomSecret(16));
  return h;
}

std::optional<Json> AccountRow(store::Store& store, const std::string& person, std::string* text = nullptr) {
  const auto row = store.Get("server_accounts", person);
  if (!row) return std::nullopt;
  if (text) *text = *row;
  return Json::parse(*row);
}

void Write(store::Store& store, const std::string& kind, const std::string& id, const std::optional<std::string>& before,
           const Json& after, const std::string& actor, const std::string& what) {
  store::Transaction tx(store);
  store.Apply({kind, id, before, after.dump()}, actor, store::NowJst(), what);
  tx.Commit();
}

// The length of a Japanese or ASCII password in characters, not bytes.
std::size_t Characters(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

Enforced EnforcedValues(const policy::Pack& pack) {
  Enforced e;
  for (const auto& p : pack.parameters) {
    if (p.enforced.empty() || !p.value) continue;
    int v = 0;
    try {
      v = std::stoi(*p.value);
    } catch (const std::exception&) {
      continue;  // registry::SetParameter admits only numbers of the unit
    }
    if (p.enforced == "login_attempts") e.login_attempts = v;
    if (p.enforced == "idle_timeout") e.idle_minutes = v;
    if (p.enforced == "password_length") e.password_length = v;
  }
  return e;
}

bool Serving(store::Store& store, const std::string& person, const std::string& date) {
  const auto row = store.Get("people", person);
  if (!row) return false;
  const Json p = Json::parse(*row);
  const std::string start = Str(p, "start"), end = Str(p, "end");
  return (start.empty() || start <= date) && (end.empty() || date <= end);
}

void RequireMamoriAdmin(store::Store& store, const policy::Pack& pack, const std::string& person, const std::string& date) {
  const std::string self = registry::SelfSystem(store);
  if (self.empty())
    Fail("E-AUTH-010", "mamori の情報システムが指定されていないため、アカウントとトークンを扱える人がいません。"
                       "`mamori self システムコード` で指定してください。");
  registry::Registry reg(store, pack);
  for (const auto& h : reg.RolesHeld(person, date))
    for (const auto& r : pack.roles)
      if (r.id == h.role && r.fill.kind == "system_admin" && h.scope == self) return;
  Fail("E-AUTH-010", person + " は " + date + " に mamori の情報システム（" + self +
                         "）の情報システム管理者ではないため、アカウントとトークンを扱えません。`mamori who system_admin --system " + self +
                         "` で在任者を確かめてください。");
}

std::string IssueAccount(store::Store& store, const policy::Pack& pack, const std::string& person, const std::string& by,
                         const std::string& actor) {
  const std::string today = Today();
  RequireMamoriAdmin(store, pack, by, today);
  const auto p = store.Get("people", person);
  if (!p) Fail("E-AUTH-011", "職員「" + person + "」は職員の台帳にありません。職員番号を確かめてください。");
  if (!Serving(store, person, today))
    Fail("E-AUTH-011", "職員「" + person + "」は今日（" + today + "）在職していないため、アカウントを発行できません。");
  // A temporary password of 16 base64url characters (96 bits): long
  // enough for any length a town sets, and changed at the first login.
  const std::string password = RandomSecret(12);
  std::string before_text;
  const auto before = AccountRow(store, person, &before_text);
  Json row = {{"id", person},
              {"name", Str(Json::parse(*p), "name")},
              {"hash", HashPassword(password)},
              {"temporary", true},
              {"locked", false},
              {"issued_by", by},
              {"issued_at", store::NowJst()}};
  Write(store, "server_accounts", person, before ? std::optional<std::string>(before_text) : std::nullopt, row, actor,
        before ? "account reissue" : "account issue");
  return password;
}

LoginResult CheckLogin(store::Store& store, const policy::Pack& pack, const std::string& person,
                       const std::string& password, int failures_in_a_row, const std::string& actor) {
  LoginResult r;
  (void)DummyHash();  // made before the first login, so no login pays for it alone
  std::string text;
  const auto row = AccountRow(store, person, &text);
  const bool matches = PasswordMatches(row ? Str(*row, "hash") : DummyHash(), password);
  if (!row) return r;
  r.known = true;
  const bool serving = Serving(store, person, Today());
  if (matches && serving && !row->value("locked", false)) {
    r.ok = true;
    r.temporary = row->value("temporary", false);
    return r;
  }
  const auto limit = EnforcedValues(pack).login_attempts;
  if (!matches && limit && !row->value("locked", false) && failures_in_a_row + 1 >= *limit) {
    LockAccount(store, person, failures_in_a_row + 1, actor);
    r.locked_now = true;
  }
  return r;
}

void LockAccount(store::Store& store, const std::string& person, int failures, const std::string& actor) {
  std::string text;
  const auto row = AccountRow(store, person, &text);
  if (!row || row->value("locked", false)) return;
  Json locked = *row;
  locked["locked"] = true;
  locked["locked_at"] = store::NowJst();
  locked["locked_after"] = failures;
  Write(store, "server_accounts", person, text, locked, actor, "account locked");
}

std::string TotpSealed(store::Store& store, const std::string& person) {
  const auto row = AccountRow(store, person);
  return row ? Str(*row, "totp") : "";
}

void EnableTotp(store::Store& store, const std::string& person, const std::string& sealed, const std::string& actor) {
  std::string text;
  const auto row = AccountRow(store, person, &text);
  if (!row) Fail("E-AUTH-011", "職員「" + person + "」のアカウントがありません。");
  Json next = *row;
  next["totp"] = sealed;
  next["totp_at"] = store::NowJst();
  Write(store, "server_accounts", person, text, next, actor, "totp enrol");
}

void SetInstallationRoles(store::Store& store, const policy::Pack& pack, const std::string& what,
                          const std::vector<std::string>& roles, const std::string& by, const std::string& actor) {
  RequireMamoriAdmin(store, pack, by, Today());
  std::vector<std::string> ids;
  for (const auto& want : roles) {
    std::string id;
    for (const auto& r : pack.roles)
      if (r.id == want || r.name == want || (!r.short_name.empty() && r.short_name == want)) id = r.id;
    if (id.empty()) Fail("E-AUTH-017", "役割「" + want + "」はパックにありません（`mamori pack show` で役割を確かめてください）。何も変えていません。");
    ids.push_back(id);
  }
  const auto before = store.Get("installation", what);
  Write(store, "installation", what, before, Json{{"id", what}, {"roles", ids}, {"by", by}}, actor,
        what == kTotpRoles ? "totp require" : "editors set");
}

std::vector<std::string> InstallationRoles(store::Store& store, const std::string& what) {
  std::vector<std::string> out;
  if (const auto row = store.Get("installation", what))
    for (const auto& r : Json::parse(*row).value("roles", Json::array())) out.push_back(r.get<std::string>());
  return out;
}

void ChangePassword(store::Store& store, const policy::Pack& pack, const std::string& person, const std::string& current,
                    const std::string& next, const std::string& actor) {
  std::string text;
  const auto row = AccountRow(store, person, &text);
  if (!row || !PasswordMatches(Str(*row, "hash"), current))
    Fail("E-AUTH-003", "今のパスワードが違います。何も変えていません。");
  const auto length = EnforcedValues(pack).password_length;
  if (length && Characters(next) < static_cast<std::size_t>(*length))
    Fail("E-AUTH-004", "新しいパスワードが短すぎます（" + std::to_string(*length) +
                           " 文字以上。定める者が定めた値です）。何も変えていません。");
  if (Characters(next) == 0) Fail("E-AUTH-004", "新しいパスワードが空です。何も変えていません。");
  if (Characters(next) > 1024) Fail("E-AUTH-004", "新しいパスワードが長すぎます（1,024 文字まで）。何も変えていません。");
  if (next == current) Fail("E-AUTH-005", "新しいパスワードが今のものと同じです。何も変えていません。");
  Json changed = *row;
  changed["hash"] = HashPassword(next);
  changed["temporary"] = false;
  changed["changed_at"] = store::NowJst();
  Write(store, "server_accounts", person, text, changed, actor, "password change");
}

namespace {
const std::vector<std::string>& ScopeWords() {
  static const std::vector<std::string> w = {"decide", "read", "cases"};
  return w;
}
}  // namespace

std::string IssueToken(store::Store& store, const policy::Pack& pack, const std::string& name,
                       const std::vector<std::string>& scopes, const std::string& by, const std::string& actor) {
  RequireMamoriAdmin(store, pack, by, Today());
  if (name.empty()) Fail("E-AUTH-012", "トークンの名前（つなぐシステムの名前）を --name で与えてください。");
  if (scopes.empty()) Fail("E-AUTH-012", "トークンの範囲を --scope で与えてください（decide、read、read:台帳、cases）。");
  registry::Registry reg(store, pack);
  for (const auto& s : scopes) {
    bool known = std::find(ScopeWords().begin(), ScopeWords().end(), s) != ScopeWords().end();
    if (s.rfind("read:", 0) == 0)
      for (const auto& k : reg.kinds()) known |= s.substr(5) == k.id;
    if (!known)
      Fail("E-AUTH-012", "トークンの範囲「" + s + "」は mamori にありません（decide、read、read:台帳の id、cases）。何も発行していません。");
  }
  // The id is hex, so the secret splits at its underscores unambiguously.
  const std::string id = Sha256Hex(RandomSecret(16)).substr(0, 12), secret = "mmr_" + id + "_" + RandomSecret(32);
  Json row = {{"id", id},         {"name", name}, {"scopes", scopes}, {"sha256", Sha256Hex(secret)},
              {"issued_by", by}, {"issued_at", store::NowJst()}};
  Write(store, "api_tokens", id, std::nullopt, row, actor, "token issue");
  return secret;
}

void RevokeToken(store::Store& store, const policy::Pack& pack, const std::string& id, const std::string& by,
                 const std::string& actor) {
  RequireMamoriAdmin(store, pack, by, Today());
  const auto row = store.Get("api_tokens", id);
  if (!row) Fail("E-AUTH-013", "トークン「" + id + "」はありません。`mamori token list` で確かめてください。");
  Json t = Json::parse(*row);
  if (!Str(t, "revoked_at").empty()) Fail("E-AUTH-013", "トークン「" + id + "」は " + Str(t, "revoked_at") + " に失効済みです。");
  t["revoked_at"] = store::NowJst();
  t["revoked_by"] = by;
  Write(store, "api_tokens", id, row, t, actor, "token revoke");
}

std::vector<Token> Tokens(store::Store& store) {
  std::vector<Token> out;
  for (const auto& r : store.List("api_tokens")) {
    const Json j = Json::parse(r.data);
    Token t{Str(j, "id"), Str(j, "name"), {}, Str(j, "issued_by"), Str(j, "issued_at"), Str(j, "revoked_at")};
    for (const auto& s : j.value("scopes", Json::array())) t.scopes.push_back(s.get<std::string>());
    out.push_back(std::move(t));
  }
  return out;
}

std::optional<Token> TokenOf(store::Store& store, const std::string& secret) {
  if (secret.rfind("mmr_", 0) != 0) return std::nullopt;
  const auto end = secret.find('_', 4);
  if (end == std::string::npos) return std::nullopt;
  const auto row = store.Get("api_tokens", secret.substr(4, end - 4));
  if (!row) return std::nullopt;
  const Json j = Json::parse(*row);
  const std::string want = Str(j, "sha256"), got = Sha256Hex(secret);
  if (want.size() != got.size() || sodium_memcmp(want.data(), got.data(), got.size()) != 0) return std::nullopt;
  if (!Str(j, "revoked_at").empty()) return std::nullopt;
  Token t{Str(j, "id"), Str(j, "name"), {}, Str(j, "issued_by"), Str(j, "issued_at"), ""};
  for (const auto& s : j.value("scopes", Json::array())) t.scopes.push_back(s.get<std::string>());
  return t;
}

bool TokenAllows(const Token& t, const std::string& scope) {
  for (const auto& s : t.scopes)
    if (s == scope || (s == "read" && scope.rfind("read:", 0) == 0)) return true;
  return false;
}

}  // namespace mamori::server
