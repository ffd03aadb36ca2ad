// The signing key and signed tree heads. The key file holds the Ed25519 seed in
// hex; it is created once, at `mamori init`, readable by its owner only.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ledger/ledger.h"

namespace mamori::ledger {
namespace {

void InitSodium() {
  if (sodium_init() < 0) throw store::Error("E-LEDGER-001", "libsodium を初期化できません。");
}

template <std::size_t N>
std::optional<std::array<unsigned char, N>> Unhex(std::string_view text) {
  std::array<unsigned char, N> out{};
  std::size_t len = 0;
  if (text.size() != 2 * N ||
      sodium_hex2bin(out.data(), N, text.data(), text.size(), nullptr, &len, nullptr) != 0 || len != N)
    return std::nullopt;
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::array<unsigned char, 32> ReadSeed(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw store::Error("E-LEDGER-002", "署名鍵「" + path + "」を読めません。データベースと同じ場所に `mamori init` が作った鍵が必要です。");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto seed = Unhex<32>(Trim(ss.str()));
  if (!seed) throw store::Error("E-LEDGER-003", "署名鍵「" + path + "」の形式が正しくありません（16進数64桁）。");
  return *seed;
}

}  // namespace

std::string KeyPathFor(const std::string& db) { return db + ".key"; }

PublicKey CreateKey(const std::string& path) {
  InitSodium();
  std::array<unsigned char, 32> seed;
  randombytes_buf(seed.data(), seed.size());
  // O_EXCL: an existing key is never replaced, since every signed head depends on it.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    throw store::Error("E-LEDGER-004", "署名鍵「" + path + "」を作れません（既にあるか、書き込めない場所です）。");
  }
  ::fchmod(fd, 0600);  // whatever the umask
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, seed.data(), seed.size());
  std::string line = std::string(hex) + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(hex, sizeof hex);
  if (!ok) throw store::Error("E-LEDGER-004", "署名鍵「" + path + "」を書き込めません。");
  PublicKey pk;
  std::array<unsigned char, 64> sk;
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  sodium_memzero(sk.data(), sk.size());
  sodium_memzero(seed.data(), seed.size());
  return pk;
}

PublicKey PublicKeyOf(const std::string& key_path) {
  InitSodium();
  auto seed = ReadSeed(key_path);
  PublicKey pk;
  std::array<unsigned char, 64> sk;
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  sodium_memzero(sk.data(), sk.size());
  return pk;
}

std::string KeyHex(const PublicKey& k) { return HexOf(k); }

std::optional<PublicKey> ParsePublicKey(std::string_view text) {
  text = Trim(text);
  if (text.substr(0, 8) == "ed25519:") text.remove_prefix(8);
  return Unhex<32>(text);
}

PublicKey ReadPublicKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw store::Error("E-LEDGER-005", "公開鍵のファイル「" + path + "」を開けません。");
  std::stringstream ss;
  ss << in.rdbuf();
  auto k = ParsePublicKey(ss.str());
  if (!k) {
    throw store::Error("E-LEDGER-006", "公開鍵のファイル「" + path +
                                           "」を読めません（`mamori ledger pubkey` が書き出す形式: ed25519:16進数64桁）。");
  }
  return *k;
}

std::array<unsigned char, 50> SignedBytes(const TreeHead& h) {
  std::array<unsigned char, 50> b{};
  b[0] = 0;  // version v1
  b[1] = 1;  // signature_type tree_hash
  auto put64 = [&](int at, std::uint64_t v) {
    for (int i = 7; i >= 0; --i, v >>= 8) b[at + i] = static_cast<unsigned char>(v & 0xff);
  };
  put64(2, static_cast<std::uint64_t>(h.timestamp_ms));
  put64(10, h.size);
  std::copy(h.root.begin(), h.root.end(), b.begin() + 18);
  return b;
}

bool SignatureValid(const TreeHead& h, const PublicKey& key) {
  InitSodium();
  auto msg = SignedBytes(h);
  return crypto_sign_verify_detached(h.signature.data(), msg.data(), msg.size(), key.data()) == 0;
}

// Checked before the first write of a session, so that a wrong or exposed
// key stops the work before anything is written: heads signed with another
// store's key could never be verified against the key recorded at init.
// The rotation is one entry, signed by the old key in the head of its own
// commit; the new key signs every head after. Order, for a crash at any
// point: the new key is written beside the old one first; the entry and the
// recorded public key commit together; only then does the new key take the
// old one's place (SecretKey explains a crash between the last two).
Ledger::Rotated Ledger::RotateKey(const std::string& actor) {
  Rotated out;
  const std::string pending = key_path_ + ".new";
  out.old_key = PublicKeyOf(key_path_);
  SecretKey();  // the old key must be the right one, and private, before anything changes
  out.new_key = CreateKey(pending);
  try {
    store::Transaction tx(store_);
    if (!store_.GetMeta("ledger_pubkey_initial"))
      store_.SetMeta("ledger_pubkey_initial", "ed25519:" + KeyHex(out.old_key));
    store_.SetMeta("ledger_pubkey", "ed25519:" + KeyHex(out.new_key));
    out.seq = static_cast<std::uint64_t>(
        Append("ledger", {{"event", "rotate_key"}, {"old", "ed25519:" + KeyHex(out.old_key)}, {"new", "ed25519:" + KeyHex(out.new_key)}},
               actor, store::NowJst()));
    tx.Commit();  // the head of this commit is signed by the old key
  } catch (...) {
    ::unlink(pending.c_str());
    throw;
  }
  out.retired_path = key_path_ + ".retired-" + std::to_string(out.seq);
  if (::rename(key_path_.c_str(), out.retired_path.c_str()) != 0 || ::rename(pending.c_str(), key_path_.c_str()) != 0)
    throw store::Error("E-LEDGER-027", "鍵の交換は記録しましたが、新しい鍵を置けませんでした。`mv " + pending + " " + key_path_ +
                                           "` で置いてください。");
  if (secret_) sodium_memzero(secret_->data(), secret_->size());
  secret_.reset();
  return out;
}

const std::array<unsigned char, 64>& Ledger::SecretKey() {
  if (!secret_) {
    InitSodium();
    struct stat st {};
    if (::stat(key_path_.c_str(), &st) == 0 && (st.st_mode & 077)) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      throw store::Error("E-LEDGER-025", "署名鍵「" + key_path_ + "」を所有者以外も読めます（権限 " + mode + "）。`chmod 600 " + key_path_ +
                                             "` で所有者だけが読めるようにしてから、やり直してください。何も変更していません。");
    }
    auto seed = ReadSeed(key_path_);
    PublicKey pk;
    std::array<unsigned char, 64> sk;
    crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
    sodium_memzero(seed.data(), seed.size());
    const auto recorded = store_.GetMeta("ledger_pubkey");
    if (recorded && *recorded != "ed25519:" + KeyHex(pk)) {
      sodium_memzero(sk.data(), sk.size());
      // A rotation that committed but stopped before putting the new key in place.
      const std::string pending = key_path_ + ".new";
      if (::access(pending.c_str(), R_OK) == 0 && *recorded == "ed25519:" + KeyHex(PublicKeyOf(pending)))
        throw store::Error("E-LEDGER-027", "署名鍵の交換（`mamori ledger rotate-key`）が途中で止まっています。記録は新しい鍵に切り替わっています。"
                                           "`mv " + pending + " " + key_path_ + "` で新しい鍵を置いてから、やり直してください。何も変更していません。");
      throw store::Error("E-LEDGER-026", "署名鍵「" + key_path_ + "」は、このデータベースに記録された鍵（" + recorded->substr(0, 24) +
                                             "…）ではありません。別のデータベースの鍵に差し替えられています。正しい鍵を戻してください"
                                             "（鍵の控えについては docs/ledger.md）。何も変更していません。");
    }
    secret_ = sk;
    sodium_memzero(sk.data(), sk.size());
  }
  return *secret_;
}

}  // namespace mamori::ledger
