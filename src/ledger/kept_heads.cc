// Heads kept outside the operator's hands, read from whatever the auditor
// saved. The formats are mamori's own outputs, read leniently about which
// one it is but strictly about the values: a head that cannot be read
// exactly is an error, never a guess.
#include <nlohmann/json.hpp>

#include <charconv>
#include <sstream>

#include "ledger/export_format.h"
#include "ledger/ledger.h"

namespace mamori::ledger {
namespace {

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\r')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r' || v.back() == '\n')) v.remove_suffix(1);
  return v;
}

[[noreturn]] void Unreadable(const std::string& name, const std::string& why) {
  throw store::Error("E-LEDGER-030", "「" + name + "」を信頼するツリーヘッドとして読めません: " + why +
                                         "。`mamori ledger head`（または --json）の出力、証跡の書き出し、"
                                         "`mamori ledger witness` の立会いファイルのいずれかを指定してください。");
}

// "H <size> <timestamp ms> <at> <root hex> <signature hex>", as exported.
KeptHead FromHeadLine(std::string_view line, const std::string& where) {
  TreeHead h;
  std::string why;
  if (!line.starts_with("H ") || !format::HeadFields(line.substr(2), h, why)) Unreadable(where, why.empty() ? "ツリーヘッドの行ではありません" : why);
  KeptHead k;
  k.size = h.size;
  k.root = h.root;
  k.timestamp_ms = h.timestamp_ms;
  k.signature = h.signature;
  k.source = where;
  return k;
}

}  // namespace

std::string SignedTime(const TreeHead& h) { return store::JstOf(h.timestamp_ms); }

bool AtMatchesSignedTime(const TreeHead& h) {
  return h.at == store::JstOf(h.timestamp_ms) || h.at == store::JstOf(h.timestamp_ms + 1000);
}

std::string HeadLine(const TreeHead& h) {
  return "H " + std::to_string(h.size) + " " + std::to_string(h.timestamp_ms) + " " + h.at + " " + Hex(h.root) + " " +
         HexOf(h.signature);
}

std::vector<KeptHead> ReadKeptHeads(std::string_view text, const std::string& name) {
  std::vector<KeptHead> out;
  const std::string_view body = Trim(text);
  if (body.starts_with(kWitnessMagic) || body.starts_with("mamori-ledger-export 1")) {
    std::istringstream in{std::string(text)};
    std::string line;
    long long n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.starts_with("H ")) out.push_back(FromHeadLine(line, name + " の " + std::to_string(n) + " 行目"));
    }
    if (out.empty()) Unreadable(name, "ツリーヘッドの行がありません");
    return out;
  }
  if (body.starts_with("{")) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    KeptHead k;
    if (j.is_discarded() || !j.is_object() || !j.contains("size") || !j["size"].is_number_unsigned() ||
        !j.contains("root") || !j["root"].is_string() || !format::FromHex(j["root"].get<std::string>(), k.root))
      Unreadable(name, "JSON に size（数）と root（64桁の16進）がありません");
    k.size = j["size"].get<std::uint64_t>();
    if (j.contains("timestamp") && j["timestamp"].is_number_integer()) k.timestamp_ms = j["timestamp"].get<std::int64_t>();
    Signature sig{};
    if (j.contains("signature") && j["signature"].is_string() && format::FromHex(j["signature"].get<std::string>(), sig))
      k.signature = sig;
    k.source = name;
    out.push_back(k);
    return out;
  }
  // `ledger head` as printed: "  エントリ数: N", "  根ハッシュ: HEX", and
  // (since the signed values are printed too) "  タイムスタンプ: ms", "  署名値: HEX".
  KeptHead k;
  bool size = false, root = false;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::string_view v = Trim(line);
    auto value = [&](std::string_view label) -> std::optional<std::string_view> {
      if (!v.starts_with(label)) return std::nullopt;
      return Trim(v.substr(label.size()));
    };
    long long n = 0;
    if (auto x = value("エントリ数:")) {
      if (!format::Count(*x, n)) Unreadable(name, "エントリ数が数ではありません");
      k.size = static_cast<std::uint64_t>(n), size = true;
    } else if (auto x = value("根ハッシュ:")) {
      if (!format::FromHex(*x, k.root)) Unreadable(name, "根ハッシュが64桁の16進ではありません");
      root = true;
    } else if (auto x = value("タイムスタンプ:")) {
      if (format::Count(*x, n)) k.timestamp_ms = n;
    } else if (auto x = value("署名値:")) {
      Signature sig{};
      if (format::FromHex(*x, sig)) k.signature = sig;
    }
  }
  if (!size || !root) Unreadable(name, "「エントリ数:」と「根ハッシュ:」の行がありません");
  k.source = name;
  out.push_back(k);
  return out;
}

}  // namespace mamori::ledger
