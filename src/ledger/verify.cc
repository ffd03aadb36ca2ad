// Verification, of the live log and of an export. Both feed the same Checker,
// which trusts nothing but the entries' own bytes and the public key given.
//
// Export format (text, one record per line, so an auditor can also read it
// with their own tools):
//   mamori-ledger-export 1
//   E <seq> <leaf hex> <entry: canonical JSON>
//   L <seq> <leaf hex>                      an archived entry: its leaf only
//   H <size> <timestamp ms> <at> <root hex> <signature hex>
// A head line follows the entry that brings the tree to its size.
#include <sodium.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <future>
#include <istream>
#include <ostream>

#include "ledger/entry.h"
#include "ledger/export_format.h"
#include "ledger/head_row.h"
#include "ledger/ledger.h"
#include "ledger/registers.h"

namespace mamori::ledger {
namespace {

constexpr std::string_view kMagic = "mamori-ledger-export 1";
constexpr std::size_t kMaxProblems = 20;

std::string N(long long v) { return std::to_string(v); }


// The seq an entry records as its last member ("...,\"seq\":N}"), or -1.
long long RecordedSeq(std::string_view entry) {
  constexpr std::string_view key = "\"seq\":";
  if (entry.size() < key.size() + 2 || entry.back() != '}') return -1;
  std::size_t at = entry.rfind(key);
  if (at == std::string_view::npos) return -1;
  long long v = -1;
  const char* first = entry.data() + at + key.size();
  const char* last = entry.data() + entry.size() - 1;
  auto r = std::from_chars(first, last, v);
  return (r.ec == std::errc() && r.ptr == last) ? v : -1;
}

class Checker {
 public:
  Checker(const PublicKey& key, Report& report, const std::vector<KeptHead>& kept = {})
      : active_(key), r_(report), kept_(kept) {
    std::stable_sort(kept_.begin(), kept_.end(), [](const KeptHead& a, const KeptHead& b) { return a.size < b.size; });
  }

  // Called per entry in seq order. `entry` is nullopt for an archived entry
  // (its stored leaf is then all there is). Returns false when the log can no
  // longer be followed (a missing entry shifts everything after it).
  // `computed`: the entry's leaf hash when already computed (on another core).
  bool Entry(long long seq, std::optional<std::string_view> entry, std::optional<Hash> stored_leaf,
             const Frontier::NodeFn& on_node = {}, const Hash* computed = nullptr) {
    const long long expected = static_cast<long long>(frontier_.size());
    if (seq != expected) {
      Add("E-LEDGER-102", "エントリ #" + N(expected) + (seq > expected ? "〜#" + N(seq - 1) : "") +
                              " がありません（削除されたか、順序が変えられています）。", expected);
      lost_ = true;
      return false;
    }
    Hash leaf;
    if (entry) {
      leaf = computed ? *computed : LeafHash(*entry);
      long long recorded = RecordedSeq(*entry);
      if (recorded != seq) {
        Add("E-LEDGER-103", "エントリ #" + N(seq) + " の位置に" +
                                (recorded < 0 ? std::string("形式の壊れたエントリ") : "エントリ #" + N(recorded)) +
                                "があります（入れ替え・移動・改ざん）。", seq);
      } else if (stored_leaf && *stored_leaf != leaf) {
        Add("E-LEDGER-101", "エントリ #" + N(seq) + " の内容が、記録時の葉ハッシュと一致しません（内容の改ざん）。", seq);
      } else if (EnvelopeKind(*entry) == "ledger" && entry->find("\"event\":\"rotate_key\"") != std::string_view::npos) {
        Rotation(seq, *entry);
      }
    } else if (stored_leaf) {
      leaf = *stored_leaf;
      ++r_.archived;
    } else {
      Add("E-LEDGER-104", "エントリ #" + N(seq) + " は内容も葉ハッシュもありません。", seq);
      leaf = Hash{};
    }
    frontier_.Push(leaf, on_node);
    ++r_.entries;
    while (next_kept_ < kept_.size() && kept_[next_kept_].size <= frontier_.size()) CheckKept(kept_[next_kept_++]);
    return true;
  }

  // A key rotation (Ledger::RotateKey): heads up to the one that covers it are
  // signed by the key before, every later head by the key it names.
  void Rotation(long long seq, std::string_view entry) {
    auto j = nlohmann::json::parse(entry, nullptr, false);
    if (j.is_discarded() || j.value("kind", "") != "ledger" || !j.contains("data") || !j["data"].is_object()) return;
    const auto& d = j["data"];
    const auto old_key = ParsePublicKey(d.value("old", "")), new_key = ParsePublicKey(d.value("new", ""));
    if (!old_key || !new_key || *old_key != active_) {
      Add("E-LEDGER-123", "エントリ #" + N(seq) + " の鍵の交換は、その時点で署名していた鍵からの交換ではありません（偽の交換）。", seq);
      return;
    }
    next_key_ = *new_key;
    rotated_at_ = seq;
  }

  // A head the auditor kept: the log, recomputed from its entries, must
  // still have had exactly that root when it had that many entries.
  void CheckKept(const KeptHead& k) {
    ++r_.kept_checked;
    const std::string name = k.source + " のツリーヘッド（" + N(static_cast<long long>(k.size)) + " 件" +
                             (k.timestamp_ms ? "、" + store::JstOf(*k.timestamp_ms) : std::string()) + "）";
    if (k.timestamp_ms && k.signature) {
      TreeHead h;
      h.size = k.size;
      h.timestamp_ms = *k.timestamp_ms;
      h.root = k.root;
      h.signature = *k.signature;
      if (!SignatureValid(h, active_))
        Add("E-LEDGER-122", name + " の署名が、与えられた公開鍵で検証できません（保存したものが改変されたか、別の鍵の証跡です）。", -1);
    }
    if (k.size == 0 || k.size != frontier_.size()) return;
    if (k.root != frontier_.Root())
      Add("E-LEDGER-121", name + " の根 " + Hex(k.root).substr(0, 16) + "… が、今の証跡の先頭 " + N(static_cast<long long>(k.size)) +
                              " 件から計算した根 " + Hex(frontier_.Root()).substr(0, 16) +
                              "… と違います。保存された後に、エントリ #0〜#" + N(static_cast<long long>(k.size) - 1) +
                              " のどこかが書き換えられたか、削除・挿入されています（署名し直されていても見抜けます）。",
          -1, 0, static_cast<long long>(k.size));
  }

  void Head(const TreeHead& h) {
    ++r_.heads;
    const std::uint64_t size = frontier_.size();
    const std::string name = "署名付きツリーヘッド（" + N(static_cast<long long>(h.size)) + " 件、" + SignedTime(h) + "）";
    // The `at` text is for people; only the timestamp is signed. A text that
    // says another time is an edit, and is never shown as the head's time.
    if (!AtMatchesSignedTime(h))
      Add("E-LEDGER-117", name + " の日時の文字「" + h.at + "」が、署名された時刻と違います（日時の書き換え）。", -1,
          static_cast<long long>(prev_size_), static_cast<long long>(h.size));
    if (!SignatureValid(h, active_)) {
      Add("E-LEDGER-105", name + " の署名が、与えられた公開鍵で検証できません（別の鍵による署名、または改ざん）。", -1,
          static_cast<long long>(prev_size_), static_cast<long long>(h.size));
    } else if (h.size != size) {
      Add("E-LEDGER-106", name + " の位置が正しくありません（" + N(static_cast<long long>(size)) + " 件目の後にあります）。", -1,
          static_cast<long long>(prev_size_), static_cast<long long>(h.size));
    } else if (h.root != frontier_.Root() && !root_failed_) {
      // Only the first: every later root covers the same bad entry.
      root_failed_ = true;
      Add("E-LEDGER-107", name + " の根ハッシュが、エントリから計算し直したものと一致しません。エントリ #" +
                              N(static_cast<long long>(prev_size_)) + "〜#" + N(static_cast<long long>(h.size) - 1) +
                              " のいずれかが改ざんされています。", -1,
          static_cast<long long>(prev_size_), static_cast<long long>(h.size));
    }
    if (h.size < prev_size_) {
      Add("E-LEDGER-108", name + " が、先の大きいツリーヘッドより後にあります。", -1);
    }
    prev_size_ = h.size;
    r_.latest = h;
    last_head_size_ = h.size;
    if (next_key_ && static_cast<long long>(h.size) > rotated_at_) {
      active_ = *next_key_;
      next_key_.reset();
      ++r_.rotations;
    }
  }

  void Finish(std::uint64_t largest_head) {
    if (!lost_ && largest_head > frontier_.size()) {
      Add("E-LEDGER-102", "エントリ #" + N(static_cast<long long>(frontier_.size())) + "〜#" +
                              N(static_cast<long long>(largest_head) - 1) + " がありません（署名付きツリーヘッドは " +
                              N(static_cast<long long>(largest_head)) + " 件を示しています）。",
          static_cast<long long>(frontier_.size()));
    }
    if (r_.heads == 0) Add("E-LEDGER-109", "署名付きツリーヘッドがひとつもありません。", -1);
    for (; next_kept_ < kept_.size(); ++next_kept_) {
      const KeptHead& k = kept_[next_kept_];
      if (lost_) {
        Add("E-LEDGER-120", k.source + " のツリーヘッド（" + N(static_cast<long long>(k.size)) +
                                " 件）は、途中のエントリがないため確かめられません。", -1);
        continue;
      }
      Add("E-LEDGER-120", k.source + " のツリーヘッドは " + N(static_cast<long long>(k.size)) + " 件ですが、今の証跡は " +
                              N(static_cast<long long>(frontier_.size())) +
                              " 件しかありません。証跡が縮んでいます（保存された後にエントリが削除されています）。",
          static_cast<long long>(frontier_.size()));
      ++r_.kept_checked;
    }
  }

  std::uint64_t size() const { return frontier_.size(); }
  std::uint64_t last_head_size() const { return last_head_size_; }

  void Add(std::string code, std::string message, long long seq, long long from = -1, long long to = -1) {
    Problem p;
    p.code = std::move(code);
    p.message = std::move(message);
    p.seq = seq;
    p.from = from;
    p.to = to;
    Add(std::move(p));
  }
  void Add(Problem p) {
    if (r_.problems.size() < kMaxProblems) r_.problems.push_back(std::move(p));
    else ++r_.more_problems;
  }

 private:
  PublicKey active_;  // the key that signs the heads being checked now
  std::optional<PublicKey> next_key_;
  long long rotated_at_ = -1;
  Report& r_;
  Frontier frontier_;
  std::uint64_t prev_size_ = 0, last_head_size_ = 0;
  bool lost_ = false, root_failed_ = false;
  std::vector<KeptHead> kept_;
  std::size_t next_kept_ = 0;
};

}  // namespace

Report Ledger::Verify(const PublicKey& trusted, const std::function<void(long long, long long)>& progress,
                      const std::vector<KeptHead>& kept) {
  Report report;
  // One read transaction: the log, the history and the rows are compared as
  // of one moment, whatever another process commits meanwhile.
  store_.Read([&] { VerifyLocked(trusted, progress, kept, report); });
  return report;
}

void Ledger::VerifyLocked(const PublicKey& trusted, const std::function<void(long long, long long)>& progress,
                          const std::vector<KeptHead>& kept, Report& report) {
  Checker check(trusted, report, kept);
  RegisterCheck registers(store_, [&check](Problem p) { check.Add(std::move(p)); });
  std::vector<LoggedEntry> logged;
  std::vector<TreeHead> heads;
  for (const auto& row : store_.TreeHeads()) heads.push_back(FromRow(row));
  std::size_t next_head = 0;
  auto heads_at = [&](std::uint64_t size) {
    while (next_head < heads.size() && heads[next_head].size <= size) check.Head(heads[next_head++]);
  };
  const long long total = store_.LogSize();
  // Kept nodes are what proofs are built from: each one is checked against
  // the recomputation too.
  Frontier::NodeFn on_node = [&](int level, std::uint64_t index, const Hash& h) {
    if (level < kKeptLevel) return;
    auto kept = store_.LogNode(level, static_cast<long long>(index));
    if (!kept || kept->size() != 32 || !std::equal(h.begin(), h.end(), reinterpret_cast<const unsigned char*>(kept->data()))) {
      long long from = static_cast<long long>(index << level), to = static_cast<long long>((index + 1) << level);
      check.Add("E-LEDGER-110", "証明に使う木の節点（エントリ #" + N(from) + "〜#" + N(to - 1) +
                                    "）が、計算し直したものと一致しません。", -1, from, to);
    }
  };
  heads_at(0);
  // Two stages on the two cores: this thread reads rows into a batch and
  // checks them in order; a worker hashes the previous batch's entries
  // meanwhile. Hashing is about a third of the work.
  struct Batch {
    std::vector<long long> seq;
    std::string bytes;                                   // the entries, back to back
    std::vector<std::pair<std::size_t, std::size_t>> at;  // offset, length; length npos: archived
    std::vector<std::optional<Hash>> stored;
    std::vector<Hash> computed;
    void Clear() {
      seq.clear();
      bytes.clear();
      at.clear();
      stored.clear();
    }
  };
  constexpr std::size_t kBatch = 4096;
  Batch batches[2];
  int filling = 0;
  std::future<void> hashing;
  bool following = true;
  auto hash = [](Batch* b) {
    b->computed.resize(b->seq.size());
    for (std::size_t i = 0; i < b->seq.size(); ++i)
      if (b->at[i].second != std::string::npos)
        b->computed[i] = LeafHash(std::string_view(b->bytes).substr(b->at[i].first, b->at[i].second));
  };
  auto check_batch = [&](Batch& b) {
    for (std::size_t i = 0; i < b.seq.size() && following; ++i) {
      std::optional<std::string_view> entry;
      if (b.at[i].second != std::string::npos) entry = std::string_view(b.bytes).substr(b.at[i].first, b.at[i].second);
      following = check.Entry(b.seq[i], entry, b.stored[i], on_node, entry ? &b.computed[i] : nullptr);
      if (!following) break;
      heads_at(check.size());
      if (progress && check.size() % 100000 == 0) progress(static_cast<long long>(check.size()), total);
    }
    logged.clear();
    for (std::size_t i = 0; i < b.seq.size(); ++i) {
      LoggedEntry& e = logged.emplace_back();
      e.seq = b.seq[i];
      if (b.at[i].second != std::string::npos) e.body = std::string_view(b.bytes).substr(b.at[i].first, b.at[i].second);
      e.leaf = b.stored[i] ? &*b.stored[i] : nullptr;
    }
    registers.Entries(logged);
  };
  // Hands the full batch to the worker, and checks the one it hashed before.
  auto rotate = [&] {
    Batch& full = batches[filling];
    std::future<void> next = std::async(std::launch::async, hash, &full);
    if (hashing.valid()) {
      hashing.get();
      check_batch(batches[1 - filling]);
    }
    hashing = std::move(next);
    filling = 1 - filling;
    batches[filling].Clear();
  };
  store_.LogScan(0, [&](const store::LogRow& row) {
    Batch& b = batches[filling];
    b.seq.push_back(row.seq);
    if (row.entry) {
      b.at.emplace_back(b.bytes.size(), row.entry->size());
      b.bytes += *row.entry;
    } else {
      b.at.emplace_back(0, std::string::npos);
    }
    auto& stored = b.stored.emplace_back();
    if (row.leaf.size() == 32) {
      stored.emplace();
      std::copy(row.leaf.begin(), row.leaf.end(), stored->begin());
    }
    if (b.seq.size() == kBatch) rotate();
    return following;
  });
  if (hashing.valid()) {
    hashing.get();
    check_batch(batches[1 - filling]);
  }
  hash(&batches[filling]);
  check_batch(batches[filling]);
  // Heads beyond the last entry: the entries they cover are gone.
  std::uint64_t largest = heads.empty() ? 0 : heads.back().size;
  check.Finish(largest);
  registers.Finish(total);
}

void Ledger::Export(std::ostream& out, std::uint64_t size) {
  auto latest = store_.LatestTreeHead();
  if (!latest) throw store::Error("E-LEDGER-012", "証跡に署名付きツリーヘッドがまだありません。");
  if (size == 0) size = static_cast<std::uint64_t>(latest->size);
  std::vector<store::TreeHeadRow> heads;
  bool found = false;
  for (auto& h : store_.TreeHeads()) {
    if (static_cast<std::uint64_t>(h.size) > size) break;
    found = found || static_cast<std::uint64_t>(h.size) == size;
    heads.push_back(std::move(h));
  }
  if (!found) {
    throw store::Error("E-LEDGER-018", "大きさ " + std::to_string(size) +
                                           " の署名付きツリーヘッドはありません。書き出しは署名付きツリーヘッドの大きさで区切ります（`mamori ledger head`）。");
  }
  out << kMagic << "\n";
  std::size_t next = 0;
  auto head_lines = [&](long long upto) {
    for (; next < heads.size() && heads[next].size <= upto; ++next) {
      const auto& h = heads[next];
      std::array<unsigned char, 32> root{};
      std::array<unsigned char, 64> sig{};
      std::copy_n(h.root.begin(), std::min<std::size_t>(32, h.root.size()), root.begin());
      std::copy_n(h.signature.begin(), std::min<std::size_t>(64, h.signature.size()), sig.begin());
      out << "H " << h.size << " " << h.timestamp_ms << " " << h.at << " " << HexOf(root) << " " << HexOf(sig) << "\n";
    }
  };
  head_lines(0);
  store_.LogScan(0, [&](const store::LogRow& r) {
    if (static_cast<std::uint64_t>(r.seq) >= size) return false;
    std::array<unsigned char, 32> leaf{};
    std::copy_n(r.leaf.begin(), std::min<std::size_t>(32, r.leaf.size()), leaf.begin());
    if (r.entry) out << "E " << r.seq << " " << HexOf(leaf) << " " << *r.entry << "\n";
    else out << "L " << r.seq << " " << HexOf(leaf) << "\n";
    head_lines(r.seq + 1);
    return true;
  });
  // The end mark: a file cut after any head would otherwise read as complete.
  out << "END " << size << " " << heads.size() << "\n";
}

Report VerifyExport(std::istream& in, const PublicKey& trusted, const std::vector<KeptHead>& kept) {
  Report report;
  Checker check(trusted, report, kept);
  std::string line;
  long long lineno = 0;
  std::uint64_t largest = 0;
  auto bad = [&](const std::string& why) {
    check.Add("E-LEDGER-201", "書き出しファイルの " + N(lineno) + " 行目を読めません: " + why, -1);
  };
  if (!std::getline(in, line) || line != kMagic) {
    lineno = 1;
    bad("mamori の証跡の書き出しではありません（1行目が「" + std::string(kMagic) + "」ではありません）。");
    return report;
  }
  lineno = 1;
  bool following = true;
  bool ended = false;
  long long heads_in_file = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string_view v(line);
    // The format is exact (docs/ledger.md): nothing after END, no blank line,
    // no number with a sign or a leading zero, no token after the last field.
    if (ended) {
      bad("終わりの印（END）の後に行があります。");
      break;
    }
    if (v.empty()) {
      bad("空の行があります（書き出しに空の行は含まれません）。");
      continue;
    }
    auto field = [&v]() { return format::NextField(v); };
    auto number = format::Count;
    std::string_view tag = field();
    if (tag == "E" || tag == "L") {
      long long seq = 0;
      Hash leaf{};
      if (!number(field(), seq) || !format::FromHex(field(), leaf)) {
        bad("エントリの番号または葉ハッシュが正しくありません。");
        continue;
      }
      if ((tag == "L" && !v.empty()) || (tag == "E" && v.empty())) {
        bad(tag == "L" ? "保管済みエントリの行（L）の末尾に余分なものがあります。" : "エントリの行（E）に本文がありません。");
        continue;
      }
      if (!following) continue;
      std::optional<std::string_view> entry;
      if (tag == "E") entry = v;
      following = check.Entry(seq, entry, leaf);
    } else if (tag == "H") {
      TreeHead h;
      std::string why;
      if (!format::HeadFields(v, h, why)) {
        bad(why);
        continue;
      }
      largest = std::max(largest, h.size);
      ++heads_in_file;
      if (following) check.Head(h);
    } else if (tag == "END") {
      long long size = 0, heads = 0;
      if (!number(field(), size) || !number(field(), heads) || !v.empty()) {
        bad("終わりの印（END）の形式が正しくありません（END 大きさ ツリーヘッドの数）。");
        continue;
      }
      if (static_cast<std::uint64_t>(size) != largest || heads != heads_in_file)
        bad("終わりの印は大きさ " + N(size) + "・ツリーヘッド " + N(heads) + " 件ですが、書き出しには大きさ " +
            N(static_cast<long long>(largest)) + " まで・" + N(heads_in_file) + " 件あります。");
      ended = true;
    } else {
      bad("行の種類「" + std::string(tag) + "」は知りません（E・L・H・END のいずれか）。");
    }
  }
  report.export_ended = ended;
  check.Finish(largest);
  return report;
}

}  // namespace mamori::ledger
