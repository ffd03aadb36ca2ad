// A store is bound to one pack version: its hash is recorded at `init`, and a
// different pack is used only after an explicit, recorded `pack apply`, so that
// every decision can be traced to the exact rules in force.
#include <sodium.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "registry/binding.h"
#include "registry/registry.h"
#include "reiki/reiki.h"

namespace mamori::registry {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Hex(const unsigned char* out, std::size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out, n);
  hex.pop_back();
  return hex;
}

// The text of every clause the pack cites, as its SHA-256, kept with each
// pack version: the next `pack apply` compares them and so can say which
// bindings an amendment touched (安田町 第142条: the committee evaluates the
// policy with it) even when the earlier text is no longer on disk.
nlohmann::json ClauseHashes(const policy::Pack& pack, const reiki::Regulation& reg) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [ref, owners] : policy::BindingsByClause(pack)) {
    try {
      const std::string text = reiki::CiteText(reiki::Resolve(reg, reiki::ParseReference(ref)));
      unsigned char h[crypto_hash_sha256_BYTES];
      crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(text.data()), text.size());
      out[ref] = Hex(h, sizeof h);
    } catch (const reiki::Error&) {
      // pack check resolves every citation (E-PACK-010); a clean pack has none unresolved
    }
  }
  return out;
}

// What the switch from the version last recorded to `pack` touches: the
// bindings whose cited clause's text changed or is gone, and the cases still
// open that were opened under an earlier version. A previous version recorded
// before clauses were kept cannot be compared, and says so.
nlohmann::json Impact(store::Store& s, const policy::Pack& pack, const nlohmann::json& clauses, const std::string& hash) {
  nlohmann::json impact = {{"changed", nlohmann::json::array()}, {"dropped", nlohmann::json::array()},
                           {"open_cases", nlohmann::json::array()}};
  const auto prev = s.Get("pack_versions", std::to_string(s.Count("pack_versions")));
  const nlohmann::json before = prev ? nlohmann::json::parse(*prev, nullptr, false) : nlohmann::json();
  if (before.is_object() && before.contains("clauses") && before["clauses"].is_object()) {
    impact["compared"] = true;
    impact["from"] = before.value("hash", "");
    for (const auto& [ref, owners] : policy::BindingsByClause(pack)) {
      auto it = before["clauses"].find(ref);
      if (it == before["clauses"].end() || !clauses.contains(ref) || *it == clauses[ref]) continue;
      impact["changed"].push_back({{"ref", ref}, {"bindings", owners}});
    }
    for (const auto& [ref, h] : before["clauses"].items())
      if (!clauses.contains(ref)) impact["dropped"].push_back(ref);
  } else {
    impact["compared"] = false;
    impact["why"] = "前の版の条文が記録されていない（条文の記録を始める前の版）ため、変わった条項を比べられません。";
  }
  for (const auto& row : s.List("cases")) {
    const nlohmann::json c = nlohmann::json::parse(row.data, nullptr, false);
    if (!c.is_object()) continue;
    const std::string status = c.value("status", "");
    if ((status == "open" || status == "returned") && c.value("pack_hash", "") != hash) impact["open_cases"].push_back(row.id);
  }
  return impact;
}

void Record(store::Store& s, const policy::Pack& pack, const reiki::Regulation& reg, const std::string& dir,
            const std::string& hash, const std::string& actor, const std::string& command, const std::string& reason = "",
            nlohmann::json* impact_out = nullptr) {
  // Built as JSON, not by concatenation: a folder name may hold a quote.
  nlohmann::json data = {{"dir", dir}, {"hash", hash}, {"pack", pack.id}, {"organisation", pack.org_name}};
  if (!reason.empty()) data["reason"] = reason;
  data["clauses"] = ClauseHashes(pack, reg);
  store::Transaction tx(s);
  // Numbered under the write lock: two switches at once get two versions.
  const long long n = s.Count("pack_versions") + 1;
  if (n > 1) {
    data["impact"] = Impact(s, pack, data["clauses"], hash);
    if (impact_out) *impact_out = data["impact"];
  }
  s.Apply({"pack_versions", std::to_string(n), std::nullopt, data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
          actor, store::NowJst(), command);
  s.SetMeta("pack_dir", dir);
  s.SetMeta("pack_hash", hash);
  s.SetMeta("pack_id", pack.id);
  tx.Commit();
}

}  // namespace

namespace {
policy::PackCheck Checked(const std::string& dir) {
  auto checked = policy::LoadAndCheck(dir);
  if (!checked.ok()) {
    throw store::Error("E-REG-001", "パック「" + dir + "」に問題があります。`mamori pack check " + dir +
                                        "` で確認し、直してから使ってください。");
  }
  return checked;
}
}  // namespace

policy::Pack LoadClean(const std::string& dir) { return Checked(dir).load.pack; }

namespace {

// The hash stores bound before comments stopped counting: the files' bytes.
// Kept so that such a store still opens without a `pack apply`.
std::string HashPackBytes(const policy::Pack& pack) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::vector<std::string> files = pack.files;
  files.push_back((fs::path(pack.dir) / pack.regulation.file).string());
  for (const auto& f : files) {
    std::string name = fs::path(f).filename().string();
    std::string body = ReadFile(f);
    std::string head = name + "\n" + std::to_string(body.size()) + "\n";
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(head.data()), head.size());
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  }
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  return Hex(out, sizeof out);
}

}  // namespace

std::string HashPack(const policy::Pack& pack) {
  if (sodium_init() < 0) throw store::Error("E-REG-004", "libsodium を初期化できません。");
  // Over the content, not the bytes: a comment or a re-indented table is not a
  // new version of the rules, and must not stop every reading command.
  const std::string content = policy::CanonicalContent(pack);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(content.data()), content.size());
  return Hex(out, sizeof out);
}

Bound Init(const std::string& db, const std::string& pack_dir, const std::string& actor) {
  Bound b;
  auto checked = Checked(pack_dir);
  b.pack = std::move(checked.load.pack);
  std::string dir = fs::absolute(pack_dir).lexically_normal().string();
  const std::string key = ledger::KeyPathFor(db);
  // Checked before anything is created: a key left from a deleted database
  // must not silently sign the new one's heads.
  if (fs::exists(key) && !fs::exists(db)) {
    throw store::Error("E-REG-005", "署名鍵「" + key + "」が残っています。以前のデータベースの鍵なら、保管するか削除してから作り直してください。");
  }
  b.store = store::OpenSqlite(db, /*create=*/true);
  try {
    auto pub = ledger::CreateKey(key);
    b.store->SetMeta("ledger_pubkey", "ed25519:" + ledger::KeyHex(pub));
  } catch (...) {
    b.store.reset();
    fs::remove(db);
    throw;
  }
  b.ledger = std::make_unique<ledger::Ledger>(*b.store, key);
  Record(*b.store, b.pack, *checked.regulation, dir, HashPack(b.pack), actor, "init");
  return b;
}

Bound Open(const std::string& db) {
  Bound b;
  b.store = store::OpenSqlite(db, /*create=*/false);
  b.ledger = std::make_unique<ledger::Ledger>(*b.store, ledger::KeyPathFor(db));
  auto dir = b.store->GetMeta("pack_dir");
  if (!dir) throw store::Error("E-REG-002", "データベース「" + db + "」はパックに結び付いていません。`mamori init` で作り直してください。");
  b.pack = LoadClean(*dir);
  std::string now = HashPack(b.pack);
  const auto bound = b.store->GetMeta("pack_hash");
  if (now != bound && HashPackBytes(b.pack) != bound) {
    throw store::Error("E-REG-003", "パック「" + *dir + "」が登録時から変更されています。新しい版を使うなら `mamori pack apply " +
                                        *dir + " --db " + db + "` で切り替えを記録してください。");
  }
  // After the hash: the owners' values are the store's, not the pack's content.
  ApplyParameterValues(*b.store, b.pack);
  return b;
}

std::string ApplyPack(const std::string& db, const std::string& pack_dir, const std::string& actor,
                      const std::string& force_reason, const std::string& reason, nlohmann::json* impact) {
  auto s = store::OpenSqlite(db, /*create=*/false);
  ledger::Ledger evidence(*s, ledger::KeyPathFor(db));
  auto checked = Checked(pack_dir);
  const policy::Pack& pack = checked.load.pack;
  std::string hash = HashPack(pack);
  if (hash == s->GetMeta("pack_hash")) return "";
  // Another organisation's pack would decide this town's requests by another
  // text: never by accident, and never without a recorded reason.
  const auto bound_id = s->GetMeta("pack_id");
  const bool other = bound_id && !bound_id->empty() && *bound_id != pack.id;
  if (other && force_reason.empty())
    throw store::Error("E-REG-006", "パック「" + pack_dir + "」（" + pack.id + "、" + pack.org_name + "）は、このデータベースが結び付いた団体のパック（" +
                                        *bound_id + "）ではありません。別の団体の規程で判定することになります。意図したものなら "
                                        "--force --reason \"理由\" を付けて、理由を証跡に残してください。");
  Record(*s, pack, *checked.regulation, fs::absolute(pack_dir).lexically_normal().string(), hash, actor,
         other ? "pack apply --force" : "pack apply",
         other ? "別の団体のパックへの切り替え（" + bound_id.value_or("") + " → " + pack.id + "）: " + force_reason : reason, impact);
  return hash;
}

}  // namespace mamori::registry
