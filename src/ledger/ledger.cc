// The stored log: appends inside the caller's transaction, a signed head at
// each commit, proofs from the kept nodes, and archiving.
#include <sodium.h>

#include <nlohmann/json.hpp>

#include <bit>
#include <span>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "ledger/canonical.h"
#include "ledger/entry.h"
#include "ledger/head_row.h"
#include "ledger/ledger.h"

namespace mamori::ledger {
namespace {

std::string_view View(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

Hash HashOf(std::string_view raw) {
  Hash h{};
  if (raw.size() != h.size()) throw store::Error("E-LEDGER-010", "証跡の木のハッシュが壊れています（長さ " + std::to_string(raw.size()) + "）。`mamori ledger verify` で確かめてください。");
  std::copy(raw.begin(), raw.end(), h.begin());
  return h;
}

// Entries [start, start + count) are gone from the store: deleted, or never there.
[[noreturn]] void ThrowMissing(std::uint64_t start, std::uint64_t count) {
  const std::string what = count == 1 ? "証跡のエントリ #" + std::to_string(start) + " がありません。"
                                      : "証跡の第" + std::to_string(start) + "〜" + std::to_string(start + count - 1) +
                                            "件の一部がありません。";
  throw store::Error("E-LEDGER-011", what + "`mamori ledger verify` で確かめてください。");
}

// Canonical JSON refuses what JSON cannot carry: ill-formed UTF-8, NaN.
// Raised as a store::Error, that refuses the caller's decision or change
// with a message a user can act on, instead of ending the program.
template <typename F>
auto RefusingUnwritable(std::string_view kind, F&& f) {
  try {
    return f();
  } catch (const std::invalid_argument&) {
    const std::string what = kind == "decision" ? "判定" : kind == "register" ? "台帳の変更" : kind == "pack" ? "パックの適用" : kind == "case" ? "案件の出来事" : std::string(kind);
    throw store::Error("E-LEDGER-024", what + "を証跡に記録できません: UTF-8 として正しくない文字か、NaN・無限大の数値が含まれています。"
                                             "入力ファイルの文字コードと値を確かめてから、やり直してください（この" + what + "は記録されていません）。");
  }
}

std::string FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0)
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf), static_cast<unsigned long long>(in.gcount()));
  Hash h;
  crypto_hash_sha256_final(&st, h.data());
  return Hex(h);
}

}  // namespace

Ledger::Ledger(store::Store& store, std::string key_path) : store_(store), key_path_(std::move(key_path)) {
  auto reload = [this] {
    frontier_ = Frontier::Load(static_cast<std::uint64_t>(store_.LogSize()),
                               [this](std::uint64_t start, std::uint64_t size) { return Subtree(start, size); });
    auto head = store_.LatestTreeHead();
    signed_size_ = head ? static_cast<std::uint64_t>(head->size) : 0;
  };
  data_version_ = store_.DataVersion();
  reload();
  store_.OnChange([this](const store::Change& c, const std::string& actor, const std::string& at,
                         const std::string& command) { return OnChange(c, actor, at, command); });
  store_.OnCommit([this] { SignHead(); });
  // Another process may have appended since this one loaded the tree: under
  // the write lock, pick up where the log really ends, or every append would
  // collide with its entries (UNIQUE constraint failed: ledger.seq).
  // PRAGMA data_version tells cheaply whether anyone else committed at all
  // (read before the tree: a commit in between is then seen at the next write).
  store_.OnBegin([this, reload] {
    SecretKey();  // a wrong or exposed key stops the work before it starts
    const long long v = store_.DataVersion();
    if (v == data_version_) return;
    data_version_ = v;
    reload();
  });
  // The store is back as of the last commit; so is the tree.
  store_.OnRollback(reload);
}

long long Ledger::Append(std::string_view kind, const nlohmann::json& data, const std::string& actor,
                         const std::string& at) {
  return RefusingUnwritable(kind, [&] { return AppendCanonical(kind, Canonical(data), actor, at); });
}

long long Ledger::AppendWritten(std::string_view kind, const std::function<void(std::string&)>& write,
                               const std::string& actor, const std::string& at) {
  return RefusingUnwritable(kind, [&] {
    // One buffer a thread, reused: the decision path appends a kilobyte or two
    // per entry, and a fresh string each time was an allocation and regrowths.
    thread_local std::string data;
    data.clear();
    write(data);
    if (IsCanonicalJson(data)) return AppendCanonical(kind, data, actor, at);
    const nlohmann::json parsed = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) throw std::logic_error("ledger: a writer wrote what is not JSON for a " + std::string(kind) + " entry");
    return AppendCanonical(kind, Canonical(parsed), actor, at);
  });
}

long long Ledger::AppendCanonical(std::string_view kind, std::string_view data, const std::string& actor,
                                  const std::string& at) {
  const std::uint64_t seq = frontier_.size();
  std::string entry;
  AppendEnvelope(entry, kind, data, actor, at, seq);
  Hash leaf = LeafHash(entry);
  store_.LogAppend(static_cast<long long>(seq), entry, View(leaf));
  frontier_.Push(leaf, [this](int level, std::uint64_t index, const Hash& h) {
    if (level >= kKeptLevel) store_.LogPutNode(level, static_cast<long long>(index), View(h));
  });
  return static_cast<long long>(seq);
}

long long Ledger::OnChange(const store::Change& c, const std::string& actor, const std::string& at,
                          const std::string& command) {
  const std::string_view kind = ChangeKind(c.kind);
  return RefusingUnwritable(kind, [&] {
    auto view = [](const std::optional<std::string>& r) {
      return r ? std::optional<std::string_view>(*r) : std::nullopt;
    };
    std::string data;
    AppendChangeData(data, c.kind, c.id, view(c.before), view(c.after), command);
    return AppendCanonical(kind, data, actor, at);
  });
}

void Ledger::SignHead() {
  if (frontier_.size() == signed_size_) return;
  TreeHead h;
  h.size = frontier_.size();
  h.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  h.at = store::JstOf(h.timestamp_ms);  // the text of the instant signed, not a second reading of the clock
  h.root = frontier_.Root();
  auto msg = SignedBytes(h);
  crypto_sign_detached(h.signature.data(), nullptr, msg.data(), msg.size(), SecretKey().data());
  store_.PutTreeHead({static_cast<long long>(h.size), h.timestamp_ms, h.at, std::string(View(h.root)),
                      std::string(reinterpret_cast<const char*>(h.signature.data()), h.signature.size())});
  signed_size_ = h.size;
}

std::optional<TreeHead> Ledger::Head() {
  auto r = store_.LatestTreeHead();
  if (!r) return std::nullopt;
  return FromRow(*r);
}

std::vector<TreeHead> Ledger::Heads() {
  std::vector<TreeHead> out;
  for (const auto& r : store_.TreeHeads()) out.push_back(FromRow(r));
  return out;
}

std::optional<TreeHead> Ledger::RecordedBy(std::uint64_t seq) {
  auto r = store_.TreeHeadCovering(static_cast<long long>(seq));
  if (!r) return std::nullopt;
  return FromRow(*r);
}

Hash Ledger::Subtree(std::uint64_t start, std::uint64_t size) {
  if (std::has_single_bit(size) && start % size == 0) {
    int level = std::countr_zero(size);
    if (level >= kKeptLevel) {
      if (auto h = store_.LogNode(level, static_cast<long long>(start >> level))) return HashOf(*h);
      // Not kept (a store written before its node): fall back to the halves.
      return NodeHash(Subtree(start, size / 2), Subtree(start + size / 2, size / 2));
    }
    return RootOf(Leaves(start, size));
  }
  std::uint64_t k = std::bit_floor(size - 1);  // the largest power of two below size
  return NodeHash(Subtree(start, k), Subtree(start + k, size - k));
}

std::span<const Hash> Ledger::Leaves(std::uint64_t start, std::uint64_t size) {
  // A proof's low siblings all lie in one run of 2^kKeptLevel leaves: read the
  // run once. The cache lives only for one proof (see Proving).
  constexpr std::uint64_t kRun = std::uint64_t{1} << kKeptLevel;
  const std::uint64_t run = start / kRun * kRun;
  if (!proving_) leaf_cache_ = false;
  if (start + size <= run + kRun) {
    if (!leaf_cache_ || leaf_run_ != run) {
      std::string raw = store_.LogLeaves(static_cast<long long>(run), static_cast<long long>(run + kRun));
      leaf_run_ = run;
      leaf_run_cache_.resize(raw.size() / 32);
      for (std::size_t i = 0; i < leaf_run_cache_.size(); ++i) std::copy_n(raw.data() + 32 * i, 32, leaf_run_cache_[i].data());
      leaf_cache_ = true;
    }
    if (start - run + size <= leaf_run_cache_.size())
      return std::span<const Hash>(leaf_run_cache_).subspan(start - run, size);
  }
  ThrowMissing(start, size);
}

namespace {
std::uint64_t SizeOrLatest(store::Store& s, std::uint64_t size) {
  if (size) return size;
  auto h = s.LatestTreeHead();
  if (!h) throw store::Error("E-LEDGER-012", "証跡に署名付きツリーヘッドがまだありません。");
  return static_cast<std::uint64_t>(h->size);
}
}  // namespace

// The root of the tree of `size` entries: the signed head's when there is one
// (what a proof is checked against), else computed from the kept nodes.
Hash Ledger::RootAt(std::uint64_t size) {
  auto head = store_.LatestTreeHead();
  if (head && static_cast<std::uint64_t>(head->size) == size) return HashOf(head->root);
  return Subtree(0, size);
}

Inclusion Ledger::ProveInclusion(std::uint64_t seq, std::uint64_t size) {
  Inclusion out;
  store_.Read([&] {
    Proving proving(*this);
    size = SizeOrLatest(store_, size);
    if (size > frontier_.size()) {
      throw store::Error("E-LEDGER-013", "木の大きさ " + std::to_string(size) + " は証跡の件数 " +
                                             std::to_string(frontier_.size()) + " を超えています。");
    }
    if (seq >= size) {
      throw store::Error("E-LEDGER-014", "エントリ #" + std::to_string(seq) + " はありません（大きさ " +
                                             std::to_string(size) + " の木のエントリは #0〜#" +
                                             std::to_string(size - 1) + "）。");
    }
    auto mth = [this](std::uint64_t a, std::uint64_t n) { return Subtree(a, n); };
    out.seq = seq;
    out.size = size;
    out.path = InclusionProof(seq, size, mth);
    out.root = RootAt(size);
    auto row = store_.LogGet(static_cast<long long>(seq));
    if (!row) ThrowMissing(seq, 1);
    out.leaf = HashOf(row->second);
    out.entry = std::move(row->first);
  });
  return out;
}

Consistency Ledger::ProveConsistency(std::uint64_t from, std::uint64_t to) {
  Consistency c;
  store_.Read([&] {
    Proving proving(*this);
    to = SizeOrLatest(store_, to);
    if (from == 0 || from > to || to > frontier_.size()) {
      throw store::Error("E-LEDGER-015", "整合性の証明には 1 ≦ --from ≦ --to ≦ " + std::to_string(frontier_.size()) +
                                             " を指定してください（指定: " + std::to_string(from) + "、" +
                                             std::to_string(to) + "）。");
    }
    auto mth = [this](std::uint64_t a, std::uint64_t n) { return Subtree(a, n); };
    c.from = from;
    c.to = to;
    c.proof = ConsistencyProof(from, to, mth);
    c.from_root = Subtree(0, from);
    c.to_root = RootAt(to);
  });
  return c;
}

Archived Ledger::Archive(const std::string& file, const std::string& cutoff, const PublicKey& key,
                         const std::string& actor, const output::Options& out_options) {
  Archived out;
  // Entries before the first live body are archived already.
  long long first_live = -1;
  store_.LogScan(0, [&](const store::LogRow& r) {
    if (r.entry) {
      first_live = r.seq;
      return false;
    }
    return true;
  });
  // The last head signed before the cutoff: the archive ends on a signed head.
  std::uint64_t upto = 0;
  for (const auto& h : store_.TreeHeads()) {
    // The signed instant, not the `at` text beside it, which nothing signs.
    if (store::JstOf(h.timestamp_ms) >= cutoff) break;  // heads in size order: stop at the first one too young
    upto = static_cast<std::uint64_t>(h.size);
  }
  out.upto = upto;
  if (upto == 0 || first_live < 0 || static_cast<std::uint64_t>(first_live) >= upto) return out;
  // Bodies are dropped only once the archive itself is shown to verify, and
  // the archive is put in place only then.
  output::AtomicFile archive(file, out_options);
  Export(archive.stream(), upto);
  archive.stream().flush();
  if (!archive.stream()) throw store::Error("E-OUT-005", "保管ファイル「" + file + "」を書き終えられませんでした（ディスクの空きを確かめてください）。");
  {
    std::ifstream back(archive.temp_path(), std::ios::binary);
    auto r = VerifyExport(back, key);
    if (!r.ok() || !r.latest || r.latest->size != upto) {
      throw store::Error("E-LEDGER-017", "保管ファイル「" + file + "」を検証できないため、データベースは変更していません" +
                                             (r.problems.empty() ? std::string("。") : "（" + r.problems[0].message + "）。"));
    }
  }
  archive.Commit();
  out.file_sha256 = FileSha256(file);
  store::Transaction tx(store_);
  out.dropped = static_cast<std::uint64_t>(store_.LogArchive(static_cast<long long>(upto)));
  Append("ledger",
         {{"event", "archive"},
          {"upto", upto},
          {"file", std::filesystem::path(file).filename().string()},
          {"sha256", out.file_sha256}},
         actor, store::NowJst());
  tx.Commit();
  return out;
}

}  // namespace mamori::ledger
