// The export format's fields, read in one place: the export reader
// (verify.cc) and the reader of kept heads (kept_heads.cc) take a head line
// exactly alike. Internal to src/ledger; the format is in verify.cc's header.
#pragma once

#include <sodium.h>

#include <array>
#include <charconv>
#include <string>
#include <string_view>

#include "ledger/ledger.h"

namespace mamori::ledger::format {

// Exactly 2*K hex digits.
template <std::size_t K>
bool FromHex(std::string_view hex, std::array<unsigned char, K>& out) {
  std::size_t len = 0;
  return hex.size() == 2 * K && sodium_hex2bin(out.data(), K, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 &&
         len == K;
}

// A count as written: digits only, no sign, no leading zero.
inline bool Count(std::string_view f, long long& out) {
  if (f.empty() || (f.size() > 1 && f[0] == '0') || f[0] == '-' || f[0] == '+') return false;
  auto r = std::from_chars(f.data(), f.data() + f.size(), out);
  return r.ec == std::errc() && r.ptr == f.data() + f.size();
}

// The next space-separated field of `v`, removed from it.
inline std::string_view NextField(std::string_view& v) {
  const std::size_t sp = v.find(' ');
  const std::string_view f = v.substr(0, sp);
  v = sp == std::string_view::npos ? std::string_view() : v.substr(sp + 1);
  return f;
}

// The fields after "H ": <size> <timestamp ms> <at> <root hex> <signature hex>.
// On failure `why` says which part, in Japanese.
inline bool HeadFields(std::string_view v, TreeHead& h, std::string& why) {
  long long size = 0, ts = 0;
  if (!Count(NextField(v), size) || !Count(NextField(v), ts)) {
    why = "ツリーヘッドの大きさまたは時刻が正しくありません。";
    return false;
  }
  h.at = std::string(NextField(v));
  if (!FromHex(NextField(v), h.root) || !FromHex(NextField(v), h.signature)) {
    why = "ツリーヘッドの根ハッシュまたは署名が正しくありません。";
    return false;
  }
  if (!v.empty()) {
    why = "ツリーヘッドの行（H）の末尾に余分なものがあります。";
    return false;
  }
  h.size = static_cast<std::uint64_t>(size);
  h.timestamp_ms = ts;
  return true;
}

}  // namespace mamori::ledger::format
