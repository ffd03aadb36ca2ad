// TOTP: HMAC by OpenSSL, sealing by libsodium, the QR code by libqrencode.
#include "server/totp.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include "store/store.h"

namespace mamori::server::internal {
namespace {

const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string UrlEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else out += {'%', hex[c >> 4], hex[c & 15]};
  }
  return out;
}

// The secrets key of `db`: read, or created once (O_EXCL, so two servers
// starting together cannot each write one).
std::string Key(const std::string& db) {
  const std::string path = db + ".secrets.key";
  std::string key;
  for (int attempt = 0; attempt < 2 && key.empty(); ++attempt) {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      key.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (key.size() != crypto_secretbox_KEYBYTES)
        throw store::Error("E-AUTH-016", "秘密の鍵 " + path + " の長さが違います（" + std::to_string(key.size()) +
                                             " バイト）。壊れているか別のファイルです。元の鍵を戻してください。");
      break;
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) continue;  // another made it meanwhile: read theirs
    std::string fresh(crypto_secretbox_KEYBYTES, '\0');
    randombytes_buf(fresh.data(), fresh.size());
    const bool ok = ::write(fd, fresh.data(), fresh.size()) == static_cast<ssize_t>(fresh.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw store::Error("E-AUTH-016", "秘密の鍵 " + path + " を書けませんでした（ディスクの空きを確かめてください）。");
    key = fresh;
  }
  if (key.empty()) throw store::Error("E-AUTH-016", "秘密の鍵 " + path + " を読めません。");
  return key;
}

}  // namespace

std::string Base32(const std::string& bytes) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

bool FromBase32(const std::string& text, std::string& bytes) {
  bytes.clear();
  unsigned buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == '=' || ch == ' ') continue;
    const char up = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const char* at = std::strchr(kAlphabet, up);
    if (!at || up == '\0') return false;
    buffer = (buffer << 5) | static_cast<unsigned>(at - kAlphabet);
    bits += 5;
    if (bits >= 8) {
      bytes += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  return true;
}

std::string Hotp(const std::string& secret, std::uint64_t counter, int digits) {
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i, counter >>= 8) msg[i] = static_cast<unsigned char>(counter & 0xFF);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), msg, sizeof msg, mac, &len);
  const int offset = mac[len - 1] & 0x0F;
  const std::uint32_t bin = ((mac[offset] & 0x7F) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  std::uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string out = std::to_string(bin % mod);
  return std::string(static_cast<std::size_t>(digits) - out.size(), '0') + out;
}

long long MatchingStep(const std::string& secret, const std::string& code, long long unix_seconds) {
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) return -1;
  const long long step = unix_seconds / 30;
  for (long long s : {step, step - 1, step + 1}) {
    const std::string want = Hotp(secret, static_cast<std::uint64_t>(s));
    if (sodium_memcmp(want.data(), code.data(), 6) == 0) return s;
  }
  return -1;
}

std::string OtpauthUri(const std::string& issuer, const std::string& account, const std::string& secret) {
  return "otpauth://totp/" + UrlEncode(issuer) + ":" + UrlEncode(account) + "?secret=" + Base32(secret) +
         "&issuer=" + UrlEncode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

std::string QrSvg(const std::string& text) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                     &QRcode_free);
  if (!qr) throw store::Error("E-AUTH-500", "QR コードを作れませんでした。");
  const int n = qr->width, margin = 4, size = n + 2 * margin;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " + std::to_string(size) +
                    "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"TOTP の登録用 QR コード\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (qr->data[y * n + x] & 1) svg += "M" + std::to_string(x + margin) + " " + std::to_string(y + margin) + "h1v1h-1z";
  return svg + "\"/></svg>";
}

std::string Seal(const std::string& db, const std::string& plain) {
  const std::string key = Key(db);
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                        nonce, reinterpret_cast<const unsigned char*>(key.data()));
  std::string out(sodium_base64_encoded_len(box.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(box.data()), box.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string Open(const std::string& db, const std::string& sealed) {
  const std::string key = Key(db);
  std::string box(sealed.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed.data(), sealed.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    throw store::Error("E-AUTH-016", "封をした秘密が読めません（手で書き換えられた行か、別のデータベースの鍵）。");
  box.resize(len);
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), nonce + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, nonce, reinterpret_cast<const unsigned char*>(key.data())) != 0)
    throw store::Error("E-AUTH-016", "封をした秘密が開きません（手で書き換えられた行か、別のデータベースの鍵）。");
  return plain;
}

}  // namespace mamori::server::internal
